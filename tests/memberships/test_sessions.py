"""A membership month's sessions are drawn and returned exactly as a package's: one per
booking, never more than the month grants, returned on a cancellation in time and kept on a
late one, and nothing drawn once the month has ended (its unused sessions lapse)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from clinicsite.packages.sessions import PackageUnavailable
from tests.packages.test_sessions import cancel
from tests.support.membership_helpers import active_member, make_plan, membership
from tests.support.package_helpers import MONDAY_8AM, VISIT, book_with_package


def left(app, membership_id) -> int:
    return membership(app, membership_id)["months"][-1]["left"]


def test_a_booking_draws_a_session_of_the_month(clinic):
    mid, period = active_member(clinic, make_plan(clinic, sessions_per_month=2))
    book_with_package(clinic, period)
    assert left(clinic, mid) == 1


def test_no_more_sessions_are_drawn_than_the_month_grants(clinic):
    mid, period = active_member(clinic, make_plan(clinic))
    book_with_package(clinic, period)
    with pytest.raises(PackageUnavailable, match="no sessions left"):
        book_with_package(clinic, period, starts_at=VISIT + timedelta(hours=2))
    assert left(clinic, mid) == 0


def test_cancelling_in_time_returns_the_session_to_the_month(clinic):
    mid, period = active_member(clinic, make_plan(clinic))
    appt = book_with_package(clinic, period)
    cancel(clinic, appt, MONDAY_8AM)
    assert left(clinic, mid) == 1


def test_a_late_cancellation_keeps_the_session_used(clinic):
    mid, period = active_member(clinic, make_plan(clinic))
    appt = book_with_package(clinic, period)
    cancel(clinic, appt, VISIT - timedelta(hours=2))
    assert left(clinic, mid) == 0


def test_an_ended_month_gives_no_session_and_says_when_it_ended(clinic):
    _, period = active_member(clinic, make_plan(clinic), now=MONDAY_8AM - timedelta(days=31))
    with pytest.raises(PackageUnavailable, match="expired on 2026-12-06"):
        book_with_package(clinic, period)


def test_a_month_is_not_refunded_as_a_package(clinic):
    from clinicsite.audit import SYSTEM
    from clinicsite.extensions import db
    from clinicsite.packages import sessions
    from tests.packages.test_sessions import RecordingGateway

    _, period = active_member(clinic, make_plan(clinic))
    with clinic.app_context():
        with pytest.raises(PackageUnavailable, match="membership"):
            sessions.refund(period, "pro_rata", RecordingGateway(), SYSTEM, MONDAY_8AM)
        db.session.rollback()
