"""Two bookings race for a membership month's last session: the packages' row lock gives
it to exactly one, on SQLite and on PostgreSQL (TEST_DATABASE_URL)."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import Appointment
from clinicsite.packages import sessions
from clinicsite.packages.sessions import PackageUnavailable
from tests.support.membership_helpers import active_member, make_plan, membership
from tests.support.package_helpers import VISIT, book_with_package

ATTEMPTS = 4
THERAPISTS = ("dana-okafor", "lena-marchetti", "dana-okafor", "lena-marchetti")


def test_only_one_of_simultaneous_bookings_gets_the_months_session(clinic, monkeypatch):
    mid, period = active_member(clinic, make_plan(clinic, sessions_per_month=1))
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
            book_with_package(
                clinic, period, starts_at=VISIT + timedelta(hours=n), therapist=THERAPISTS[n]
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
    assert membership(clinic, mid)["months"][0]["left"] == 0
    with clinic.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Appointment.id))) == 1
