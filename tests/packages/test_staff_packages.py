"""/staff/packages/: admins put packages on sale (validated, CSRF), see what was bought with
the sessions left, and refund the unused sessions through Stripe (the stub), never more than
was paid; staff at the desk record a visit paid with a session, and voiding it returns it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import Package
from tests.support import stripe_fixtures
from tests.support.booking_helpers import csrf_from, page_html, text_of
from tests.support.package_helpers import (
    MONDAY_8AM,
    active_purchase,
    book_with_package,
    make_package,
    purchase,
)

clock, stub, app, client = stripe_fixtures.FIXTURES

GOOD = {
    "name": "Ten 90-minute sessions",
    "slug": "ten-90",
    "description": "Ten long visits.",
    "sessions": "10",
    "price": "1,500.00",
    "validity_days": "365",
    "sort": "1",
    "active": "y",
}


def option_value(app, minutes=90):
    from tests.support.booking_helpers import option_id

    return str(option_id(app, "neuromuscular-therapy", minutes))


def post_new(client, app, **data):
    token = csrf_from(page_html(client, "/staff/packages/new"))
    fields = {**GOOD, "option": option_value(app), "csrf_token": token, **data}
    return client.post("/staff/packages/new", data=fields)


def test_an_admin_puts_a_package_on_sale(client, app, login_as):
    login_as("admin")
    assert post_new(client, app).status_code == 303
    with app.app_context():
        package = db.session.scalar(sa.select(Package))
        assert (package.slug, package.sessions, package.price) == ("ten-90", 10, 150000)
        assert package.option.duration_minutes == 90
    assert "Ten 90-minute sessions" in text_of(page_html(client, "/packages/"))


@pytest.mark.parametrize(
    "bad",
    [
        {"price": "-5"},
        {"price": "abc"},
        {"price": "0"},
        {"price": "12.345"},
        {"sessions": "0"},
        {"sessions": "99999999999999999999"},
        {"sessions": "x"},
        {"validity_days": "-1"},
        {"slug": "Not A Slug!"},
        {"slug": ""},
        {"name": ""},
        {"option": "999999"},
        {"option": "not-a-number"},
        {"name": "x" * 500},
    ],
)
def test_garbage_is_a_form_error_and_saves_nothing(client, app, login_as, bad):
    login_as("admin")
    response = post_new(client, app, **bad)
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Package.id))) == 0


def test_a_slug_in_use_is_refused(client, app, login_as):
    login_as("admin")
    make_package(app, slug="ten-90")
    assert post_new(client, app).status_code == 422


def test_a_form_without_csrf_is_refused(client, app, login_as):
    login_as("admin")
    fields = {**GOOD, "option": option_value(app)}
    assert client.post("/staff/packages/new", data=fields).status_code in (400, 422)


def test_therapists_and_editors_may_not_open_it(client, app, login_as):
    login_as("therapist")
    assert client.get("/staff/packages/").status_code == 403


def test_taking_a_package_off_sale_keeps_what_was_bought(client, app, login_as):
    login_as("admin")
    package_id = make_package(app)
    pid = active_purchase(app, package_id)
    page = page_html(client, "/staff/packages/")
    client.post(f"/staff/packages/{package_id}/deactivate", data={"csrf_token": csrf_from(page)})
    assert client.get("/packages/five-60/buy").status_code == 404
    assert purchase(app, pid)["status"] == "active"


def test_refunding_unused_sessions_goes_through_stripe_pro_rata(client, app, stub, login_as):
    login_as("admin")
    paid = stub_payment(stub, 60000)
    pid = active_purchase(app, make_package(app, price=60000), used=2, intent=paid)
    page = page_html(client, "/staff/packages/")
    assert "3 of 5" in text_of(page) and "$360 for 3 unused" in text_of(page)
    for _ in range(2):  # a double-click refunds once
        client.post(
            f"/staff/packages/purchases/{pid}/refund",
            data={"csrf_token": csrf_from(page), "mode": "pro_rata"},
        )
    assert stub.amount_refunded(paid) == 36000
    assert purchase(app, pid)["refunded"] == 36000
    assert [r.params["amount"] for r in stub.requests_to("/v1/refunds")] == ["36000"]


def test_a_refund_mode_that_is_not_offered_is_refused(client, app, stub, login_as):
    login_as("admin")
    pid = active_purchase(app, make_package(app))
    page = page_html(client, "/staff/packages/")
    client.post(
        f"/staff/packages/purchases/{pid}/refund",
        data={"csrf_token": csrf_from(page), "mode": "everything"},
    )
    assert purchase(app, pid)["status"] == "active"


def stub_payment(stub, amount: int) -> str:
    """A succeeded payment intent at the stub for `amount`, as a paid checkout leaves one."""
    intent = "pi_test_pkg"
    stub.payment_intents[intent] = {
        "id": intent,
        "object": "payment_intent",
        "amount": amount,
        "amount_received": amount,
        "currency": "usd",
        "status": "succeeded",
        "metadata": {},
    }
    stub._refunded[intent] = 0
    return intent


def test_the_desk_records_a_visit_paid_with_a_session_and_voiding_returns_it(app, clock):
    from tests.support.payment_helpers import record, staff_actor

    pid = active_purchase(app, make_package(app), now=MONDAY_8AM)
    appt_id = book_with_package(app, pid)  # online: one session
    with app.app_context():  # the same client's second visit, booked with a deposit waived
        from clinicsite.models import Appointment

        appt = db.session.get(Appointment, appt_id)
        appt.package_uses[0].returned_at = MONDAY_8AM  # as if booked without the package
        from clinicsite.models import PackagePurchase

        db.session.get(PackagePurchase, pid).sessions_used = 0
        db.session.commit()
    actor = staff_actor(app)
    payment_id = record(app, appt_id, 0, 0, "package", actor, MONDAY_8AM)
    assert purchase(app, pid)["left"] == 4
    from tests.support.payment_helpers import owed

    assert owed(app, appt_id) == 0
    with app.app_context():  # paid when the package was bought: not the day's money again
        from clinicsite.appointments import takings

        tz = takings.clinic_zone()
        day = takings.takings(
            takings.local_day(MONDAY_8AM, tz), takings.local_day(MONDAY_8AM, tz), tz, "USD"
        )
        assert day.by_method["package"].count == 1 and day.studio == 0
    with app.test_request_context():
        from clinicsite.appointments.balance import void_payment
        from clinicsite.models import StudioPayment

        void_payment(db.session.get(StudioPayment, payment_id), actor, MONDAY_8AM, "mistake")
    assert purchase(app, pid)["left"] == 5


def test_the_appointment_and_client_pages_show_the_package_use(client, app, login_as):
    login_as("admin")
    pid = active_purchase(app, make_package(app))
    appt_id = book_with_package(app, pid)
    page = text_of(page_html(client, f"/staff/appointments/{appt_id}"))
    assert "Paid with a package session" in page
    assert "Five 60-minute sessions of Ana Client: one session used when booking online" in page
    with app.app_context():
        from clinicsite.models import PackagePurchase

        client_id = db.session.get(PackagePurchase, pid).client_id
    page = text_of(page_html(client, f"/staff/clients/{client_id}"))
    assert "Five 60-minute sessions: 4 of 5 sessions left" in page
    assert "Session used for" in page


def test_anonymising_the_client_blanks_the_buyer_and_keeps_the_sessions(app):
    from clinicsite.audit import SYSTEM
    from clinicsite.clients.data_requests import anonymise
    from clinicsite.models import Client, PackagePurchase

    pid = active_purchase(app, make_package(app), used=1)
    with app.app_context():
        row = db.session.get(PackagePurchase, pid)
        anonymise(db.session.get(Client, row.client_id), SYSTEM, MONDAY_8AM)
    with app.app_context():
        row = db.session.get(PackagePurchase, pid)
        assert row.buyer_email == "" and "ana" not in row.buyer_name.lower()
        assert row.sessions_left == 4


def test_the_refund_policy_setting_is_a_choice_and_garbage_is_refused(client, app, login_as):
    login_as("admin")
    from tests.support.booking_helpers import extract_hidden_fields

    page = page_html(client, "/staff/settings")
    assert "A late cancellation gives the package session back" in page
    fields = extract_hidden_fields(page)
    response = client.post("/staff/settings", data={**fields, "package_refund": "everything"})
    assert response.status_code == 422
