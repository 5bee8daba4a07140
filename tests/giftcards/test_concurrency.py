"""Two bookings racing for one card's last balance: the card's row lock lets exactly one
have it, and the other is told the card has nothing left (on SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import timedelta

import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.giftcards import deposits, ledger
from clinicsite.models import Appointment, GiftCard
from tests.giftcards.helpers import make_card
from tests.support.staff_helpers import NOW, make_appointment

ATTEMPTS = 2


def test_only_one_booking_gets_a_cards_last_balance(clinic, monkeypatch):
    monkeypatch.setattr("clinicsite.clock.now", lambda: NOW)
    first = NOW + timedelta(days=2, hours=2)
    appts = [
        make_appointment(clinic, first + timedelta(hours=2 * i), deposit=True, now=NOW)
        for i in range(ATTEMPTS)
    ]
    with clinic.app_context():
        deposit = db.session.get(Appointment, appts[0]).deposit
        card_id, code = make_card(deposit)
    barrier = threading.Barrier(ATTEMPTS)
    results: list[str] = []
    errors: list[BaseException] = []

    def attempt(appt_id: int) -> None:
        try:
            with clinic.test_request_context():
                appt = db.session.get(Appointment, appt_id)
                barrier.wait(timeout=30)
                deposits.apply(appt, code, NOW, NOW.date())
                results.append("confirmed")
        except ledger.CardRefused:
            results.append("refused")
        except BaseException as exc:  # noqa: BLE001 -- reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=attempt, args=(a,)) for a in appts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert sorted(results) == ["confirmed", "refused"]
    with clinic.app_context():
        card = db.session.get(GiftCard, card_id)
        assert card.balance == 0
        assert sum(e.amount for e in ledger.entries(card)) == 0
        statuses = db.session.scalars(sa.select(Appointment.status).order_by(Appointment.id))
        assert sorted(statuses) == ["confirmed", "held"]
