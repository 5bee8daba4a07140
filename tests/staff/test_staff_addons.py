"""The admin manages a service's add-ons from its catalogue page: created, edited (audited),
deleted while no appointment chose them and deactivated after; the booking pages (kept by
the page cache) follow at once. Other roles are refused."""

from __future__ import annotations

import html as html_lib
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import AddOn, AppointmentAddOn, AuditEvent, Service, ServiceOption
from tests.support.app import csrf_token
from tests.support.booking_helpers import text_of

NMT = "neuromuscular-therapy"
FIELDS = {
    "name": "Hot stones",
    "description": "Warm basalt stones along the back.",
    "price": "25",
    "extra_minutes": "30",
    "position": "0",
    "active": "y",
}


@pytest.fixture
def service_id(clinic) -> int:
    with clinic.app_context():
        return db.session.scalar(sa.select(Service.id).filter_by(slug=NMT))


@pytest.fixture
def add_on_id(clinic, service_id) -> int:
    with clinic.app_context():
        add_on = AddOn(service_id=service_id, name="Cupping", price=2000, extra_minutes=15)
        db.session.add(add_on)
        db.session.commit()
        return add_on.id


def post(client, url: str, data: dict | None = None, token_from: str | None = None):
    token = csrf_token(client, token_from or url)
    return client.post(url, data={**(data or {}), "csrf_token": token})


def extras_step(client, app) -> str:
    """The booking page's extras step for the 60-minute neuromuscular therapy, as a visitor
    without a session sees it (a page the cache keeps)."""
    with app.app_context():
        option = db.session.scalar(
            sa.select(ServiceOption.id)
            .join(Service)
            .where(Service.slug == NMT, ServiceOption.duration_minutes == 60)
        )
    return text_of(client.get(f"/book/?service={NMT}&option={option}").text)


def test_admin_adds_an_add_on_and_booking_offers_it_at_once(clinic, client, login_as, service_id):
    visitor = clinic.test_client()
    assert "Add extras" not in extras_step(visitor, clinic)  # kept by the cache now
    login_as("admin")
    new = f"/staff/catalogue/services/{service_id}/add-ons/new"
    response = post(client, new, FIELDS)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/staff/catalogue/services/{service_id}"
    with clinic.app_context():
        saved = db.session.scalar(sa.select(AddOn))
        assert (saved.name, saved.price, saved.extra_minutes, saved.active) == (
            "Hot stones",
            2500,
            30,
            True,
        )
        [event] = db.session.scalars(sa.select(AuditEvent).filter_by(subject_type="add_on"))
        assert event.action == "created" and event.after["price"] == 2500
    listed = text_of(client.get(f"/staff/catalogue/services/{service_id}").text)
    assert "Hot stones +30 min $25" in listed

    shown = extras_step(visitor, clinic)
    assert "Add extras" in shown and "Hot stones +30 min, +$25" in shown


def test_a_new_price_shows_at_once_in_booking(clinic, client, login_as, add_on_id):
    visitor = clinic.test_client()
    assert "+$20" in extras_step(visitor, clinic)
    login_as("admin")
    url = f"/staff/catalogue/add-ons/{add_on_id}"
    page = html_lib.unescape(client.get(url).text)
    assert 'value="20"' in page and 'value="Cupping"' in page
    changed = {**FIELDS, "name": "Cupping", "price": "22.50", "extra_minutes": "15"}
    assert post(client, url, changed).status_code == 302
    shown = extras_step(visitor, clinic)
    assert "+$22.50" in shown and "+$20 " not in shown
    with clinic.app_context():
        [event] = db.session.scalars(
            sa.select(AuditEvent).filter_by(subject_type="add_on", action="updated")
        )
        assert (event.before["price"], event.after["price"]) == (2000, 2250)


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("price", "abc", "price"),
        ("price", "-5", ""),
        ("extra_minutes", "241", "Please enter a number from 0 to 240 minutes."),
        ("extra_minutes", "-1", "Please enter a number from 0 to 240 minutes."),
        ("name", "", ""),
        ("name", "x" * 121, ""),
    ],
)
def test_add_on_values_are_checked(clinic, client, login_as, service_id, field, value, message):
    login_as("admin")
    new = f"/staff/catalogue/services/{service_id}/add-ons/new"
    response = post(client, new, {**FIELDS, field: value})
    assert response.status_code == 422
    assert message in html_lib.unescape(response.text)
    with clinic.app_context():
        assert db.session.scalar(sa.select(sa.func.count(AddOn.id))) == 0


def test_an_add_on_no_one_chose_is_deleted(clinic, client, login_as, add_on_id, service_id):
    login_as("admin")
    url = f"/staff/catalogue/add-ons/{add_on_id}"
    assert "Delete…" in client.get(url).text
    response = post(client, f"{url}/delete")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/staff/catalogue/services/{service_id}"
    with clinic.app_context():
        assert db.session.get(AddOn, add_on_id) is None
    assert "Add extras" not in extras_step(clinic.test_client(), clinic)


def test_a_chosen_add_on_is_deactivated_not_deleted(clinic, client, login_as, add_on_id):
    from clinicsite.appointments.holding import ClientDetails, HoldRequest, hold
    from clinicsite.clinic import get_clinic
    from clinicsite.models import Location, Therapist

    now = datetime(2026, 12, 7, 16, 0, tzinfo=UTC)
    with clinic.test_request_context():
        add_on = db.session.get(AddOn, add_on_id)
        option = next(o for o in add_on.service.options if o.duration_minutes == 60)
        request = HoldRequest(
            option,
            db.session.scalar(sa.select(Therapist).filter_by(slug="dana-okafor")),
            db.session.scalar(sa.select(Location).filter_by(slug="hermosa-beach-studio")),
            datetime(2026, 12, 9, 18, 0, tzinfo=UTC),
            ClientDetails(name="Rita Client", email="rita@example.com"),
            deposit=0,
            add_ons=(add_on,),
        )
        hold(request, get_clinic(), now)

    login_as("admin")
    url = f"/staff/catalogue/add-ons/{add_on_id}"
    page = text_of(client.get(url).text)
    assert "1 appointment chose it" in page and "Delete…" not in page
    assert post(client, f"{url}/delete", token_from=url).status_code == 409
    assert post(client, f"{url}/deactivate", token_from=url).status_code == 302
    with clinic.app_context():
        assert db.session.get(AddOn, add_on_id).active is False
        [chosen] = db.session.scalars(sa.select(AppointmentAddOn))
        assert (chosen.name, chosen.price) == ("Cupping", 2000)
    assert "Cupping" not in extras_step(clinic.test_client(), clinic)


@pytest.mark.parametrize("role", ["therapist", "editor"])
def test_only_admins_manage_add_ons(clinic, client, login_as, add_on_id, service_id, role):
    login_as(role)
    urls = [
        f"/staff/catalogue/services/{service_id}/add-ons/new",
        f"/staff/catalogue/add-ons/{add_on_id}",
        f"/staff/catalogue/add-ons/{add_on_id}/delete",
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url
    token = csrf_token(client, "/staff/")
    for url in [*urls, f"/staff/catalogue/add-ons/{add_on_id}/deactivate"]:
        response = client.post(url, data={**FIELDS, "csrf_token": token})
        assert response.status_code == 403, url
    with clinic.app_context():
        add_on = db.session.get(AddOn, add_on_id)
        assert (add_on.name, add_on.active) == ("Cupping", True)


def test_signed_out_visitors_are_sent_to_the_login(clinic, client, add_on_id):
    response = client.get(f"/staff/catalogue/add-ons/{add_on_id}")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


def test_an_unknown_add_on_is_a_404(clinic, client, login_as):
    login_as("admin")
    for url in ("/staff/catalogue/add-ons/999999", "/staff/catalogue/add-ons/99999999999999"):
        assert client.get(url).status_code == 404
