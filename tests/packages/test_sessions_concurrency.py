"""Two bookings race for the last session of a package: the purchase's row lock gives it to
exactly one, and the other is told there are none left (on SQLite and on PostgreSQL)."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import Appointment
from clinicsite.packages import sessions
from clinicsite.packages.sessions import PackageUnavailable
from tests.support.package_helpers import VISIT, active_purchase, book_with_package, make_package

ATTEMPTS = 4
THERAPISTS = ("dana-okafor", "lena-marchetti", "dana-okafor", "lena-marchetti")


def test_only_one_of_simultaneous_bookings_gets_the_last_session(clinic, monkeypatch):
    pid = active_purchase(clinic, make_package(clinic, sessions=3), used=2)
    original = sessions.why_not

    def slow_check(*args):  # widen the window between reading and taking the session
        found = original(*args)
        time.sleep(0.05)
        return found

    monkeypatch.setattr(sessions, "why_not", slow_check)
    barrier = threading.Barrier(ATTEMPTS)
    results: list[str] = []
    errors: list[BaseException] = []

    def attempt(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            # Different therapists and times: only the package is shared.
            book_with_package(
                clinic, pid, starts_at=VISIT + timedelta(hours=n), therapist=THERAPISTS[n]
            )
            results.append("booked")
        except PackageUnavailable:
            results.append("refused")
        except BaseException as exc:  # noqa: BLE001 -- reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(ATTEMPTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert sorted(results) == ["booked"] + ["refused"] * (ATTEMPTS - 1)
    with clinic.app_context():
        from clinicsite.models import PackagePurchase

        row = db.session.get(PackagePurchase, pid)
        assert (row.sessions_used, row.sessions_left) == (3, 0)
        assert len(row.uses) == 1
        assert db.session.scalar(sa.select(sa.func.count(Appointment.id))) == 1
