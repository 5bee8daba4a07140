"""Two people at the desk record the same balance at the same moment: the appointment's
write lock lets one take it and tells the other that nothing is owed any more, on SQLite
and on PostgreSQL."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from clinicsite.appointments import balance
from clinicsite.appointments.errors import NotAllowed
from clinicsite.extensions import db
from clinicsite.models import StudioPayment
from tests.support.payment_helpers import make_visit, owed, record, staff_actor

VISIT = datetime(2026, 12, 9, 18, 0, tzinfo=UTC)
DESK = VISIT + timedelta(hours=1)
ATTEMPTS = 4


def test_only_one_of_simultaneous_payments_of_the_balance_is_taken(clinic, monkeypatch):
    appt_id = make_visit(clinic, VISIT)
    rest = owed(clinic, appt_id)
    actor = staff_actor(clinic)
    original = balance.balance_of

    def slow_balance(appointment):  # widen the window between reading and inserting
        found = original(appointment)
        time.sleep(0.05)
        return found

    monkeypatch.setattr(balance, "balance_of", slow_balance)
    barrier = threading.Barrier(ATTEMPTS)
    results: list[str] = []
    errors: list[BaseException] = []

    def attempt() -> None:
        try:
            barrier.wait(timeout=30)
            record(clinic, appt_id, rest, 0, "cash", actor, DESK)
            results.append("taken")
        except NotAllowed:
            results.append("refused")
        except BaseException as exc:  # noqa: BLE001 -- reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=attempt) for _ in range(ATTEMPTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert sorted(results) == ["refused"] * (ATTEMPTS - 1) + ["taken"]
    with clinic.app_context():
        amounts = db.session.scalars(sa.select(StudioPayment.amount)).all()
    assert amounts == [rest] and owed(clinic, appt_id) == 0
