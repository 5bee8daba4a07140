"""A gift card paying a booking's deposit online (Stripe on the local stub): a card covering
it confirms the booking with no checkout; part of it leaves the checkout to ask for the
rest; a lapsed checkout and a refund put the card's part back on the card, never on Stripe;
a wrong, void or expired code is a form error with everything kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from clinicsite.audit import SYSTEM
from clinicsite.extensions import db
from clinicsite.giftcards import codes, ledger
from clinicsite.models import Appointment, GiftCard
from tests.support import stripe_fixtures
from tests.support.booking_helpers import (
    appointments,
    hold_slot,
    outbox,
    page_html,
    pay_session,
    post_form,
    session_id_from,
    text_of,
    webhook,
)

clock, stub, app, client = stripe_fixtures.FIXTURES
DEPOSIT = 3500  # fixture clinic: neuromuscular therapy, 60 minutes


def issue(app, amount: int, expiry_months: int = 0, today=None) -> tuple[int, str]:
    from clinicsite import clock as app_clock

    with app.app_context():
        today = today or app_clock.now().date()
        card = ledger.issue(amount, "USD", SYSTEM, app_clock.now(), today, expiry_months)
        db.session.commit()
        return card.id, card.code


def balance(app, card_id: int) -> int:
    with app.app_context():
        return db.session.get(GiftCard, card_id).balance


def the_appointment(app) -> dict:
    (found,) = appointments(app)
    return found


def test_a_card_covering_the_deposit_confirms_with_no_checkout(app, client, stub):
    card_id, code = issue(app, 10_000)
    _, response = hold_slot(client, app, gift_card_code=codes.display(code).lower())
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/booking/")
    assert stub.sessions == {}
    booked = the_appointment(app)
    assert booked["status"] == "confirmed"
    assert [(p["provider"], p["amount"], p["status"]) for p in booked["payments"]] == [
        ("gift_card", DEPOSIT, "paid")
    ]
    assert balance(app, card_id) == 10_000 - DEPOSIT
    page = text_of(page_html(client, response.headers["Location"]))
    assert "$35, paid (by gift card)" in page


def test_a_card_covering_part_leaves_the_rest_to_the_checkout(app, client, stub):
    card_id, code = issue(app, 2_000)
    _, response = hold_slot(client, app, gift_card_code=code)
    session_id = session_id_from(response.headers["Location"])
    assert stub.sessions[session_id]["amount_total"] == DEPOSIT - 2_000
    assert the_appointment(app)["status"] == "held" and balance(app, card_id) == 0
    reply, _ = pay_session(client, stub, session_id)
    assert reply.json["outcome"] == "confirmed"
    booked = the_appointment(app)
    assert booked["status"] == "confirmed"
    assert sorted((p["provider"], p["amount"]) for p in booked["payments"]) == [
        ("gift_card", 2_000),
        ("stripe", 1_500),
    ]


def test_a_lapsed_checkout_puts_the_cards_part_back(app, client, stub):
    card_id, code = issue(app, 2_000)
    _, response = hold_slot(client, app, gift_card_code=code)
    session_id = session_id_from(response.headers["Location"])
    webhook(client, "checkout.session.expired", stub.expire_session(session_id))
    assert the_appointment(app)["status"] == "expired"
    assert balance(app, card_id) == 2_000
    with app.app_context():
        kinds = [e.kind for e in ledger.entries(db.session.get(GiftCard, card_id))]
    assert kinds == ["issue", "redeem", "refund"]


def test_cancelling_in_time_refunds_the_card_not_stripe(app, client, stub):
    card_id, code = issue(app, 10_000)
    _, response = hold_slot(client, app, gift_card_code=code)
    token = response.headers["Location"].split("/")[2].split("?")[0]
    post_form(client, f"/booking/{token}/cancel")
    assert the_appointment(app)["status"] == "cancelled"
    assert balance(app, card_id) == 10_000
    assert stub.requests_to("/v1/refunds") == []
    cancelled = [e["text"] for e in outbox(app) if e["subject"].startswith("Cancelled")]
    assert any("back on your gift card" in text for text in cancelled)


def test_cancelling_a_split_deposit_refunds_each_part_where_it_came_from(app, client, stub):
    card_id, code = issue(app, 2_000)
    _, response = hold_slot(client, app, gift_card_code=code)
    session_id = session_id_from(response.headers["Location"])
    _, paid = pay_session(client, stub, session_id)
    token = the_appointment(app)["token"]
    post_form(client, f"/booking/{token}/cancel")
    assert balance(app, card_id) == 2_000
    assert stub.amount_refunded(paid["payment_intent"]) == 1_500


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda app: "AAAA-BBBB", "could not find a gift card"),
        (lambda app: "ACDE-FGHJ-KMNP-QRTU", "could not find a gift card"),
        (lambda app: _void_card(app), "no longer valid"),
        (lambda app: _empty_card(app), "nothing left"),
        (lambda app: _expired_card(app), "expired on"),
    ],
)
def test_a_code_that_cannot_pay_is_a_form_error_with_everything_kept(app, client, make, says):
    code = make(app)
    _, response = hold_slot(client, app, gift_card_code=code, notes="Left shoulder, please")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert says in text_of(html)
    assert f'value="{code}"' in html and "Left shoulder, please" in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Appointment.id))) == 0


def _void_card(app) -> str:
    card_id, code = issue(app, 5_000)
    with app.app_context():
        ledger.void(db.session.get(GiftCard, card_id), SYSTEM, clock_now(), note="test")
        db.session.commit()
    return code


def _empty_card(app) -> str:
    card_id, code = issue(app, 1_000)
    with app.app_context():
        card = db.session.get(GiftCard, card_id)
        ledger.redeem(card, 1_000, SYSTEM, clock_now(), clock_now().date())
        db.session.commit()
    return code


def _expired_card(app) -> str:
    long_ago = clock_now().date() - timedelta(days=800)
    return issue(app, 5_000, expiry_months=12, today=long_ago)[1]


def clock_now():
    from clinicsite import clock as app_clock

    return app_clock.now()


def test_cancelling_a_held_booking_late_still_returns_the_cards_part(app, client, stub, clock):
    card_id, code = issue(app, 2_000)
    _, response = hold_slot(client, app, gift_card_code=code)
    assert balance(app, card_id) == 0
    token = the_appointment(app)["token"]
    clock.advance(days=1, hours=20)  # inside the cancellation window, still held
    with app.app_context():
        appt = db.session.scalar(sa.select(Appointment))
        appt.hold_expires_at = clock_now() + timedelta(minutes=30)
        db.session.commit()
    from clinicsite.appointments.cancellation import cancellation_terms
    from clinicsite.clinic import get_clinic

    with app.app_context():
        appt = db.session.scalar(sa.select(Appointment))
        assert not cancellation_terms(appt, get_clinic(), clock_now()).refundable
    post_form(client, f"/booking/{token}/cancel")
    assert the_appointment(app)["status"] == "cancelled"
    assert balance(app, card_id) == 2_000


def test_a_payment_after_the_cards_part_went_back_confirms_and_tells_staff_what_is_unpaid(
    app, client, stub
):
    """The card's part went back when the hold lapsed, then Stripe's part arrived: the client
    paid, so the booking stands, and the staff's list says $20 of the deposit is unpaid."""
    from clinicsite.giftcards import deposits as gift_card_deposits
    from clinicsite.models import Payment

    card_id, code = issue(app, 2_000)
    _, response = hold_slot(client, app, gift_card_code=code)
    session_id = session_id_from(response.headers["Location"])
    with app.app_context():
        from clinicsite import clock as app_clock

        held = db.session.scalar(sa.select(Appointment))
        gift_card_deposits.give_back(held, "hold lapsed", app_clock.now())
        held.status = "expired"
        db.session.commit()
    assert balance(app, card_id) == 2_000
    reply, _ = pay_session(client, stub, session_id)
    assert reply.json["outcome"] == "confirmed"
    assert the_appointment(app)["status"] == "confirmed"
    with app.app_context():
        paid = db.session.scalar(sa.select(Payment).filter_by(checkout_session_id=session_id))
        assert "$20 of the deposit unpaid" in paid.attention


def test_the_appointments_csv_counts_both_parts_of_a_split_deposit(app, client, stub, login_as):
    import csv
    import io

    _, code = issue(app, 2_000)
    _, response = hold_slot(client, app, gift_card_code=code)
    pay_session(client, stub, session_id_from(response.headers["Location"]))
    login_as("admin")
    today = clock_now().date()
    export = client.get(f"/staff/appointments.csv?from={today}&to={today + timedelta(days=30)}")
    header, *rows = list(csv.reader(io.StringIO(export.text)))
    [paid] = [dict(zip(header, r, strict=True)) for r in rows if r and r[3] == "confirmed"]
    assert (paid["deposit"], paid["deposit paid"], paid["refunded"]) == ("35.0", "35.0", "0.0")
