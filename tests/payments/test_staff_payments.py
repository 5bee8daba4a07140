"""Staff and the balance: the appointment page's Payments section adds up, the form records
what was paid (prefilled with what is owed), garbage is a form error and never a 500, and
only the right people may record, void, see the takings or close a day."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import DayClose, StudioPayment
from tests.support.booking_helpers import text_of
from tests.support.payment_helpers import (
    make_visit,
    owed,
    post_payment,
    prefilled_amount,
    record,
    staff_actor,
)
from tests.support.staff_helpers import form_token, therapist_id

VISIT = datetime(2026, 12, 9, 18, 0, tzinfo=UTC)  # Wednesday 10:00 in Los Angeles
DESK = VISIT + timedelta(hours=1, minutes=5)  # 11:05, at the desk


@pytest.fixture
def at_desk(monkeypatch):
    monkeypatch.setattr("clinicsite.clock.now", lambda: DESK)


def payments(app) -> list[StudioPayment]:
    with app.app_context():
        return list(db.session.scalars(sa.select(StudioPayment).order_by(StudioPayment.id)))


def page_text(client, appointment_id: int) -> str:
    response = client.get(f"/staff/appointments/{appointment_id}")
    assert response.status_code == 200
    return text_of(response.get_data(as_text=True))


def test_the_form_is_prefilled_with_what_is_owed_and_records_a_tip(
    clinic, client, login_as, at_desk
):
    appt_id = make_visit(clinic, VISIT, paid_deposit=True)
    login_as("admin", name="Avery Admin")
    page = client.get(f"/staff/appointments/{appt_id}").get_data(as_text=True)
    rest = owed(clinic, appt_id)
    assert prefilled_amount(page) == f"{rest // 100}.{rest % 100:02d}"
    response = post_payment(
        client, appt_id, follow=True, amount=prefilled_amount(page), tip="20", method="cash"
    )
    assert response.status_code == 200
    text = text_of(response.get_data(as_text=True))
    assert "(receipt emailed)" in text
    assert re.search(
        r"Paid at the studio \$[0-9.,]+ \$[0-9.,]+ \+ \$20 tip, cash, by Avery Admin", text
    )
    assert "Tips $20 Still owed $0" in text
    assert [(p.amount, p.tip, p.method) for p in payments(clinic)] == [(rest, 2000, "cash")]


def test_the_summary_adds_up(clinic, client, login_as, at_desk):
    appt_id = make_visit(clinic, VISIT, paid_deposit=True)
    admin = staff_actor(clinic)
    record(clinic, appt_id, 2500, 0, "cash", admin, DESK)
    record(clinic, appt_id, 1500, 300, "other", admin, DESK)
    login_as("admin")
    text = page_text(client, appt_id)
    summary = re.search(
        r"Price \$([0-9.,]+) Deposit paid online \$([0-9.,]+) Paid at the studio \$([0-9.,]+)", text
    )
    assert summary, text
    price, deposit, studio = (round(float(v.replace(",", "")) * 100) for v in summary.groups())
    still = re.search(r"Still owed \$([0-9.,]+)", text).group(1)
    assert studio == 4000
    assert round(float(still) * 100) == price - deposit - studio == owed(clinic, appt_id)
    assert "Tips $3" in text


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("abc", "Please enter an amount like 85 or 85.50."),
        ("-5", "The amount can't be negative."),
        ("1e9", "Please enter an amount like 85 or 85.50."),
        ("12.345", "Please use at most two decimal places."),
        ("99999999999999999999", "Please enter an amount of at most 100,000."),
        ("200000", "Please enter an amount of at most 100,000."),
        ("١٢", "Please enter an amount like 85 or 85.50."),
        ("NaN", "Please enter an amount like 85 or 85.50."),
    ],
)
def test_garbage_amounts_are_form_errors(clinic, client, login_as, at_desk, amount, message):
    appt_id = make_visit(clinic, VISIT)
    login_as("admin")
    for field in ("amount", "tip"):
        data = {"amount": "10", "tip": "", field: amount}
        response = post_payment(client, appt_id, follow=True, **data)
        assert response.status_code == 200
        label = "Amount paid" if field == "amount" else "Tip"
        assert f"{label}: {message}" in text_of(response.get_data(as_text=True))
    assert payments(clinic) == []


def test_an_unknown_method_or_an_overlong_note_is_a_form_error(clinic, client, login_as, at_desk):
    appt_id = make_visit(clinic, VISIT)
    login_as("admin")
    response = post_payment(client, appt_id, follow=True, amount="10", method="bitcoin")
    assert "Method: Not a valid choice" in text_of(response.get_data(as_text=True))
    response = post_payment(client, appt_id, follow=True, amount="10", note="x" * 501)
    assert "Note:" in text_of(response.get_data(as_text=True))
    assert payments(clinic) == []


def test_overpaying_is_refused_with_the_amount_owed(clinic, client, login_as, at_desk):
    appt_id = make_visit(clinic, VISIT)
    rest = owed(clinic, appt_id)
    login_as("admin")
    response = post_payment(client, appt_id, follow=True, amount=str(rest // 100 + 1))
    text = text_of(response.get_data(as_text=True))
    assert (
        f"That is more than the ${rest // 100:,}" in text
        and "put anything extra in the tip" in text
    )
    assert payments(clinic) == []


def test_posting_without_the_csrf_token_records_nothing(clinic, client, login_as, at_desk):
    appt_id = make_visit(clinic, VISIT)
    login_as("admin")
    response = client.post(
        f"/staff/appointments/{appt_id}/studio-payments", data={"amount": "10", "method": "cash"}
    )
    assert response.status_code == 400
    response = client.post(
        f"/staff/appointments/{appt_id}/studio-payments",
        data={"amount": "10", "method": "cash", "csrf_token": "forged"},
    )
    assert response.status_code == 400
    assert payments(clinic) == []


def test_a_therapist_records_on_their_own_visits_only(clinic, client, login_as, at_desk):
    own = make_visit(clinic, VISIT)
    other = make_visit(clinic, VISIT, therapist="lena-marchetti")
    login_as("therapist", therapist_id=therapist_id(clinic, "dana-okafor"))
    assert post_payment(client, own, amount="10").status_code == 303
    assert client.get(f"/staff/appointments/{other}").status_code == 403
    page = client.get(f"/staff/appointments/{own}").get_data(as_text=True)
    response = client.post(
        f"/staff/appointments/{other}/studio-payments",
        data={"csrf_token": form_token(page), "amount": "10", "method": "cash"},
    )
    assert response.status_code == 403
    assert [p.appointment_id for p in payments(clinic)] == [own]


def test_an_editor_may_not_record_or_see_the_takings(clinic, client, login_as, at_desk):
    appt_id = make_visit(clinic, VISIT)
    login_as("editor")
    page = client.get("/staff/").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post(
        f"/staff/appointments/{appt_id}/studio-payments",
        data={"csrf_token": token, "amount": "10", "method": "cash"},
    )
    assert response.status_code == 403
    for url in ("/staff/payments/", "/staff/payments/export.csv?from=2026-12-09"):
        assert client.get(url).status_code == 403
    assert payments(clinic) == []


def test_a_therapist_cannot_see_takings_or_close_a_day(clinic, client, login_as, at_desk):
    appt_id = make_visit(clinic, VISIT)
    login_as("therapist", therapist_id=therapist_id(clinic, "dana-okafor"))
    assert client.get("/staff/payments/").status_code == 403
    page = client.get(f"/staff/appointments/{appt_id}").get_data(as_text=True)
    response = client.post(
        "/staff/payments/close", data={"csrf_token": form_token(page), "date": "2026-12-09"}
    )
    assert response.status_code == 403
    assert "Takings" not in text_of(page.split("</nav>")[0])
    with clinic.app_context():
        assert db.session.scalars(sa.select(DayClose)).all() == []


def test_a_therapist_voids_a_mistake_with_a_reason(clinic, client, login_as, at_desk):
    appt_id = make_visit(clinic, VISIT)
    before = owed(clinic, appt_id)
    payment_id = record(clinic, appt_id, 4000, 0, "cash", staff_actor(clinic), DESK)
    login_as("therapist", therapist_id=therapist_id(clinic, "dana-okafor"))
    page = client.get(f"/staff/appointments/{appt_id}").get_data(as_text=True)
    response = client.post(
        f"/staff/studio-payments/{payment_id}/void",
        data={"csrf_token": form_token(page), "reason": "Wrong visit"},
        follow_redirects=True,
    )
    text = text_of(response.get_data(as_text=True))
    assert "The payment is void; it stays on record." in text
    assert "void (Wrong visit" in text
    assert owed(clinic, appt_id) == before


@pytest.mark.parametrize("payment_id", ["abc", "0", "99999999999999999999", "-1"])
def test_voiding_nonsense_ids_is_a_404(clinic, client, login_as, at_desk, payment_id):
    login_as("admin")
    page = client.get("/staff/").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post(f"/staff/studio-payments/{payment_id}/void", data={"csrf_token": token})
    assert response.status_code == 404
