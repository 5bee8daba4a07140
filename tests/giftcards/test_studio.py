"""A gift card at the studio: the payment needs the card's code and draws from it; a wrong
or short card is a clear error and records nothing; voiding the payment puts it back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.giftcards import codes
from clinicsite.models import GiftCard, StudioPayment
from tests.giftcards.helpers import make_card
from tests.support.booking_helpers import text_of
from tests.support.payment_helpers import make_visit, post_payment
from tests.support.staff_helpers import form_token

VISIT = datetime(2026, 12, 9, 18, 0, tzinfo=UTC)
DESK = VISIT + timedelta(hours=1, minutes=5)


@pytest.fixture(autouse=True)
def at_desk(monkeypatch):
    monkeypatch.setattr("clinicsite.clock.now", lambda: DESK)


def balance(app, card_id: int) -> int:
    with app.app_context():
        return db.session.get(GiftCard, card_id).balance


def studio_rows(app) -> list[tuple[int, str, bool]]:
    with app.app_context():
        return [
            (p.amount, p.method, p.voided)
            for p in db.session.scalars(sa.select(StudioPayment).order_by(StudioPayment.id))
        ]


def test_paying_by_gift_card_draws_from_the_card(clinic, client, login_as):
    appt_id = make_visit(clinic, VISIT)
    with clinic.app_context():
        card_id, code = make_card(10_000)
    login_as("admin")
    response = post_payment(
        client,
        appt_id,
        follow=True,
        method="gift_card",
        amount="60",
        tip="5",
        gift_card_code=codes.display(code).lower(),
    )
    assert "Recorded gift card" in text_of(response.get_data(as_text=True))
    assert balance(clinic, card_id) == 10_000 - 6_500
    assert studio_rows(clinic) == [(6_000, "gift_card", False)]


@pytest.mark.parametrize(
    ("code", "says"),
    [("", "No gift card has that code"), ("NOPE-NOPE", "No gift card has that code")],
)
def test_a_wrong_code_records_nothing(clinic, client, login_as, code, says):
    appt_id = make_visit(clinic, VISIT)
    login_as("admin")
    response = post_payment(
        client, appt_id, follow=True, method="gift_card", amount="60", gift_card_code=code
    )
    assert says in text_of(response.get_data(as_text=True))
    assert studio_rows(clinic) == []


def test_a_card_holding_too_little_records_nothing_and_keeps_its_balance(clinic, client, login_as):
    appt_id = make_visit(clinic, VISIT)
    with clinic.app_context():
        card_id, code = make_card(2_000)
    login_as("admin")
    response = post_payment(
        client, appt_id, follow=True, method="gift_card", amount="60", gift_card_code=code
    )
    assert "holds only $20" in text_of(response.get_data(as_text=True))
    assert studio_rows(clinic) == [] and balance(clinic, card_id) == 2_000


def test_voiding_a_gift_card_payment_puts_it_back_on_the_card(clinic, client, login_as):
    appt_id = make_visit(clinic, VISIT)
    with clinic.app_context():
        card_id, code = make_card(10_000)
    login_as("admin")
    post_payment(client, appt_id, method="gift_card", amount="60", gift_card_code=code)
    with clinic.app_context():
        payment_id = db.session.scalars(sa.select(StudioPayment.id)).one()
    page = client.get(f"/staff/appointments/{appt_id}").get_data(as_text=True)
    client.post(
        f"/staff/studio-payments/{payment_id}/void",
        data={"csrf_token": form_token(page), "reason": "wrong visit"},
    )
    assert studio_rows(clinic) == [(6_000, "gift_card", True)]
    assert balance(clinic, card_id) == 10_000
