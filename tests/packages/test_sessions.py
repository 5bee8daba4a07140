"""Drawing, returning and refunding the sessions of a package, and its expiry: the limits a
client or the staff would notice (never more sessions than bought, never more money back
than paid, nothing drawn from an expired or refunded package)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from clinicsite.appointments import cancellation
from clinicsite.audit import SYSTEM
from clinicsite.extensions import db
from clinicsite.models import Appointment, AuditEvent, PackagePurchase
from clinicsite.packages import sessions
from clinicsite.packages.sessions import PackageUnavailable
from clinicsite.payments.gateway import RefundResult
from tests.support.package_helpers import (
    MONDAY_8AM,
    VISIT,
    active_purchase,
    book_with_package,
    make_package,
    purchase,
)


class RecordingGateway:
    """Refunds only, remembered as (payment intent, amount, idempotency key)."""

    name = "recording"

    def __init__(self) -> None:
        self.refunds: list[tuple[str, int, str]] = []

    def refund(self, payment_intent_id: str, amount: int, idempotency_key: str) -> RefundResult:
        self.refunds.append((payment_intent_id, amount, idempotency_key))
        return RefundResult(f"re_{len(self.refunds)}", amount, "succeeded")


def hour(n: int):
    return VISIT + timedelta(days=n // 6, hours=n % 6)


def test_a_booking_draws_one_session_and_says_it_is_paid_with_it(clinic):
    pid = active_purchase(clinic, make_package(clinic))
    appt_id = book_with_package(clinic, pid)
    assert purchase(clinic, pid)["left"] == 4
    with clinic.app_context():
        appt = db.session.get(Appointment, appt_id)
        from clinicsite.appointments.deposit import deposit_of

        assert appt.status == "confirmed"
        assert deposit_of(appt).summary == "Paid with a package session"


def test_no_more_sessions_are_drawn_than_were_bought(clinic):
    pid = active_purchase(clinic, make_package(clinic, sessions=2))
    book_with_package(clinic, pid, starts_at=hour(0))
    book_with_package(clinic, pid, starts_at=hour(2))
    with pytest.raises(PackageUnavailable, match="no sessions left"):
        book_with_package(clinic, pid, starts_at=hour(4))
    assert purchase(clinic, pid)["used"] == 2
    with clinic.app_context():  # the refused booking kept nothing: no third appointment
        assert db.session.scalar(sa.select(sa.func.count(Appointment.id))) == 2


def test_an_expired_package_cannot_be_drawn_from_and_says_so(clinic):
    pid = active_purchase(clinic, make_package(clinic, validity_days=30))
    later = MONDAY_8AM + timedelta(days=31)
    with pytest.raises(PackageUnavailable, match="expired on 2027-01-06"):
        book_with_package(clinic, pid, starts_at=later + timedelta(days=2), now=later)
    assert purchase(clinic, pid)["used"] == 0


def test_a_package_is_expired_from_the_moment_its_validity_ends(clinic):
    pid = active_purchase(clinic, make_package(clinic, validity_days=30))
    with clinic.app_context():
        row = db.session.get(PackagePurchase, pid)
        end = row.expires_at
        assert row.usable(end - timedelta(seconds=1))
        assert not row.usable(end) and row.expired(end)


def test_a_package_pays_only_for_its_own_service_and_length(clinic):
    pid = active_purchase(clinic, make_package(clinic, minutes=60))
    with pytest.raises(PackageUnavailable, match="another service or length"):
        book_with_package(clinic, pid, minutes=90)
    assert purchase(clinic, pid)["used"] == 0


def test_a_pending_package_gives_no_session(clinic):
    pid = active_purchase(clinic, make_package(clinic))
    with clinic.app_context():
        db.session.get(PackagePurchase, pid).status = "pending"
        db.session.commit()
    with pytest.raises(PackageUnavailable, match="not been paid"):
        book_with_package(clinic, pid)


def cancel(app, appt_id, now, **kw):
    from clinicsite.clinic import get_clinic

    with app.test_request_context():
        appt = db.session.get(Appointment, appt_id)
        cancellation.cancel(appt, get_clinic(), RecordingGateway(), now, **kw)


def test_cancelling_in_time_returns_the_session(clinic):
    pid = active_purchase(clinic, make_package(clinic))
    appt_id = book_with_package(clinic, pid)
    cancel(clinic, appt_id, MONDAY_8AM)
    assert purchase(clinic, pid)["left"] == 5
    assert purchase(clinic, pid)["uses"] == [(appt_id, True)]


def test_a_late_cancellation_keeps_the_session_used(clinic):
    pid = active_purchase(clinic, make_package(clinic))
    appt_id = book_with_package(clinic, pid)
    cancel(clinic, appt_id, VISIT - timedelta(hours=2))
    assert purchase(clinic, pid)["left"] == 4
    assert purchase(clinic, pid)["uses"] == [(appt_id, False)]


def test_a_session_is_returned_once_however_often_asked(clinic):
    pid = active_purchase(clinic, make_package(clinic))
    book_with_package(clinic, pid)
    with clinic.app_context():
        [use] = db.session.get(PackagePurchase, pid).uses
        assert sessions.give_back(use, SYSTEM, MONDAY_8AM, "test")
        assert not sessions.give_back(use, SYSTEM, MONDAY_8AM, "test")
        db.session.commit()
    assert purchase(clinic, pid)["used"] == 0


def test_refunding_pays_back_the_unused_sessions_pro_rata(clinic):
    pid = active_purchase(clinic, make_package(clinic, sessions=5, price=60000), used=2)
    gateway = RecordingGateway()
    with clinic.app_context():
        amount = sessions.refund(pid, sessions.PRO_RATA, gateway, SYSTEM, MONDAY_8AM)
        db.session.commit()
    assert amount == 36000
    [(intent, refunded, key)] = gateway.refunds
    assert (intent, refunded) == ("pi_test_package", 36000)
    with clinic.app_context():  # built on the purchase's random token, never its row id
        assert key == f"package-refund-{db.session.get(PackagePurchase, pid).token}-0-36000"
    after = purchase(clinic, pid)
    assert (after["status"], after["refunded"]) == ("refunded", 36000)
    with clinic.app_context():
        actions = db.session.scalars(
            sa.select(AuditEvent.action).where(AuditEvent.subject_type == "package_purchase")
        ).all()
    assert "refunded" in actions


def test_a_refunded_package_is_refunded_once_and_gives_no_more_sessions(clinic):
    pid = active_purchase(clinic, make_package(clinic))
    gateway = RecordingGateway()
    with clinic.app_context():
        sessions.refund(pid, sessions.PRO_RATA, gateway, SYSTEM, MONDAY_8AM)
        db.session.commit()
        with pytest.raises(PackageUnavailable):
            sessions.refund(pid, sessions.PRO_RATA, gateway, SYSTEM, MONDAY_8AM)
    assert len(gateway.refunds) == 1
    with pytest.raises(PackageUnavailable, match="refunded"):
        book_with_package(clinic, pid)


def test_a_package_whose_checkout_lapsed_unpaid_has_nothing_to_refund(clinic):
    pid = active_purchase(clinic, make_package(clinic))
    with clinic.app_context():  # as a lapsed checkout leaves it: expired, never paid
        row = db.session.get(PackagePurchase, pid)
        row.status, row.activated_at, row.payment_intent_id = "expired", None, None
        db.session.commit()
    gateway = RecordingGateway()
    with clinic.app_context(), pytest.raises(PackageUnavailable, match="Only a paid"):
        sessions.refund(pid, sessions.PRO_RATA, gateway, SYSTEM, MONDAY_8AM)
    assert gateway.refunds == []
    assert purchase(clinic, pid)["status"] == "expired"


def test_the_no_money_policy_closes_the_package_without_a_refund(clinic):
    pid = active_purchase(clinic, make_package(clinic), used=1)
    gateway = RecordingGateway()
    with clinic.app_context():
        assert sessions.refund(pid, sessions.NO_MONEY, gateway, SYSTEM, MONDAY_8AM) == 0
        db.session.commit()
    assert gateway.refunds == []
    assert purchase(clinic, pid)["status"] == "refunded"


@pytest.mark.parametrize(
    ("total", "used", "amount", "refunded_before"),
    [(5, 0, 60000, 0), (3, 1, 10000, 0), (7, 3, 99999, 50000), (1, 1, 500, 0), (5, 0, 3, 2)],
)
def test_a_refund_never_exceeds_what_is_left_of_the_payment(total, used, amount, refunded_before):
    row = PackagePurchase(
        sessions_total=total, sessions_used=used, amount=amount, amount_refunded=refunded_before
    )
    due = sessions.refund_due(row)
    assert 0 <= due <= amount - refunded_before
    assert due <= amount * (total - used) // total


def test_the_clinic_may_give_the_session_back_on_a_late_cancellation(clinic):
    from clinicsite.models import ClinicSettings

    with clinic.app_context():
        db.session.get(ClinicSettings, 1).package_late_cancel_returns = True
        db.session.commit()
    pid = active_purchase(clinic, make_package(clinic))
    appt_id = book_with_package(clinic, pid)
    cancel(clinic, appt_id, VISIT - timedelta(hours=2))
    assert purchase(clinic, pid)["left"] == 5
