"""The balance of a visit (appointments/balance.py): what is owed after the deposit, its
refunds and the studio payments; recording a payment with a tip refuses more than is owed
and sends the client a receipt; a mistake is voided, never deleted, and audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from clinicsite.appointments.balance import balance_of, void_payment
from clinicsite.appointments.errors import NotAllowed
from clinicsite.extensions import db
from clinicsite.models import Appointment, AuditEvent, Refund, StudioPayment
from tests.support.mail_helpers import deliver, html, plain
from tests.support.payment_helpers import make_visit, owed, record, staff_actor
from tests.support.staff_helpers import NOW

VISIT = datetime(2026, 12, 9, 18, 0, tzinfo=UTC)  # Wednesday 10:00 in Los Angeles
AFTER = VISIT + timedelta(hours=1, minutes=10)  # at the desk, after the hour


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr("clinicsite.clock.now", lambda: NOW)


def money_of(app, appointment_id: int) -> tuple[int, int]:
    with app.app_context():
        appt = db.session.get(Appointment, appointment_id)
        return appt.price, appt.deposit


def refund_part(app, appointment_id: int, amount: int) -> None:
    """Part of the deposit given back (as fulfilment.refund leaves the rows)."""
    with app.app_context():
        payment = db.session.get(Appointment, appointment_id).paid_payment
        payment.amount_refunded += amount
        payment.status = "refunded" if payment.amount_refunded >= payment.amount else "paid"
        db.session.add(
            Refund(
                payment=payment,
                provider_refund_id=f"re_{amount}",
                amount=amount,
                reason="requested_by_customer",
            )
        )
        db.session.commit()


def test_owed_is_the_price_less_the_deposit_kept_and_studio_payments(clinic, frozen):
    appt_id = make_visit(clinic, VISIT, paid_deposit=True)
    price, deposit = money_of(clinic, appt_id)
    assert deposit > 0 and owed(clinic, appt_id) == price - deposit
    refund_part(clinic, appt_id, 1000)
    assert owed(clinic, appt_id) == price - deposit + 1000  # the refund is owed again
    admin = staff_actor(clinic)
    record(clinic, appt_id, 5000, 0, "cash", admin, AFTER)
    assert owed(clinic, appt_id) == price - deposit + 1000 - 5000
    record(clinic, appt_id, owed(clinic, appt_id), 2000, "card_terminal", admin, AFTER)
    assert owed(clinic, appt_id) == 0
    with clinic.app_context():
        b = balance_of(db.session.get(Appointment, appt_id))
        assert (b.deposit.kept, b.paid_at_studio, b.tips) == (
            deposit - 1000,
            price - deposit + 1000,
            2000,
        )


def test_without_a_deposit_the_whole_price_is_owed(clinic, frozen):
    appt_id = make_visit(clinic, VISIT)
    price, deposit = money_of(clinic, appt_id)
    assert deposit == 0 and price > 0 and owed(clinic, appt_id) == price


def test_paying_more_than_is_owed_is_refused_and_says_how_much_is_owed(clinic, frozen):
    appt_id = make_visit(clinic, VISIT, paid_deposit=True)
    price, deposit = money_of(clinic, appt_id)
    admin = staff_actor(clinic)
    with pytest.raises(
        NotAllowed, match=r"more than the \$[0-9.,]+ still owed; put anything extra in the tip"
    ):
        record(clinic, appt_id, price - deposit + 1, 0, "cash", admin, AFTER)
    # The same money as price plus a tip is fine: the tip is on top.
    record(clinic, appt_id, price - deposit, 1, "cash", admin, AFTER)
    with pytest.raises(NotAllowed, match="more than the"):
        record(clinic, appt_id, 1, 0, "cash", admin, AFTER)
    record(clinic, appt_id, 0, 500, "cash", admin, AFTER)  # a tip alone, after paying in full
    with clinic.app_context():
        rows = db.session.scalars(sa.select(StudioPayment).order_by(StudioPayment.id)).all()
        assert [(p.amount, p.tip) for p in rows] == [(price - deposit, 1), (0, 500)]


@pytest.mark.parametrize(
    ("amount", "tip", "method", "message"),
    [
        (100, 0, "bitcoin", "how the client paid"),
        (-1, 0, "cash", "negative"),
        (0, -1, "cash", "negative"),
        (0, 0, "cash", "amount paid, a tip, or both"),
    ],
)
def test_nonsense_is_refused(clinic, frozen, amount, tip, method, message):
    appt_id = make_visit(clinic, VISIT)
    with pytest.raises(NotAllowed, match=message):
        record(clinic, appt_id, amount, tip, method, staff_actor(clinic), AFTER)


@pytest.mark.parametrize("status", ["held", "cancelled", "expired"])
def test_a_visit_that_is_not_booked_cannot_be_paid(clinic, frozen, status):
    appt_id = make_visit(clinic, VISIT)
    with clinic.app_context():
        db.session.get(Appointment, appt_id).status = status
        db.session.commit()
    with pytest.raises(NotAllowed, match="confirmed or completed"):
        record(clinic, appt_id, 100, 0, "cash", staff_actor(clinic), AFTER)


def test_a_completed_visit_can_be_paid(clinic, frozen):
    appt_id = make_visit(clinic, VISIT)
    with clinic.app_context():
        db.session.get(Appointment, appt_id).status = "completed"
        db.session.commit()
    record(clinic, appt_id, 100, 0, "cash", staff_actor(clinic), AFTER)


def test_the_client_receives_a_receipt_with_the_amounts_and_method(clinic, frozen, tmp_path):
    appt_id = make_visit(clinic, VISIT, paid_deposit=True)
    price, deposit = money_of(clinic, appt_id)
    rest = price - deposit
    payment_id = record(clinic, appt_id, rest, 1800, "card_terminal", staff_actor(clinic), AFTER)
    receipts = [m for m in deliver(clinic, tmp_path) if m["Subject"].startswith("Receipt")]
    assert len(receipts) == 1
    mail = receipts[0]
    dollars = lambda minor: f"${minor // 100}" + (f".{minor % 100:02d}" if minor % 100 else "")  # noqa: E731
    assert mail["To"] == "rita@example.com"
    assert mail["Subject"].startswith(f"Receipt: {dollars(rest + 1800)} paid to ")
    text = plain(mail)
    assert f"Price: {dollars(price)}" in text
    assert f"Deposit paid online: {dollars(deposit)}" in text
    assert f"Paid today: {dollars(rest)} (Card (terminal))" in text
    assert "Tip: $18" in text
    assert f"Total charged today: {dollars(rest + 1800)}" in text
    assert "The visit is paid in full." in text
    assert f"Receipt number S{payment_id}" in text
    assert "Card (terminal)" in html(mail) and "Paid in full" in html(mail)


def test_a_coupon_comes_off_what_is_owed_and_shows_on_the_receipt(clinic, frozen, tmp_path):
    appt_id = make_visit(clinic, VISIT, coupon_code="SPRING", coupon_discount=2000)
    price, _ = money_of(clinic, appt_id)
    assert owed(clinic, appt_id) == price - 2000
    record(clinic, appt_id, price - 2000, 0, "cash", staff_actor(clinic), AFTER)
    assert owed(clinic, appt_id) == 0
    [mail] = [m for m in deliver(clinic, tmp_path) if m["Subject"].startswith("Receipt")]
    assert f"Price: ${price // 100}, coupon SPRING −$20" in plain(mail)
    assert "The visit is paid in full." in plain(mail)


def test_a_client_without_an_email_gets_no_receipt_but_the_payment_is_recorded(
    clinic, frozen, tmp_path
):
    appt_id = make_visit(clinic, VISIT)
    with clinic.app_context():
        db.session.get(Appointment, appt_id).client_email = ""
        db.session.commit()
    record(clinic, appt_id, 100, 0, "cash", staff_actor(clinic), AFTER)
    assert not [m for m in deliver(clinic, tmp_path) if m["Subject"].startswith("Receipt")]
    assert owed(clinic, appt_id) == money_of(clinic, appt_id)[0] - 100


def audit_actions(app, appointment_id: int) -> list[AuditEvent]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(AuditEvent)
                .filter_by(subject_type="appointment", subject_id=appointment_id)
                .order_by(AuditEvent.id)
            )
        )


def test_recording_and_voiding_are_audited_and_a_void_keeps_the_row(clinic, frozen):
    appt_id = make_visit(clinic, VISIT)
    price = money_of(clinic, appt_id)[0]
    admin = staff_actor(clinic, name="Avery Admin")
    payment_id = record(clinic, appt_id, 4000, 500, "cash", admin, AFTER)
    recorded = audit_actions(clinic, appt_id)[-1]
    assert (recorded.action, recorded.note) == ("paid at the studio", "$40 and a $5 tip, cash")
    assert recorded.actor_label == "Avery Admin (admin)"
    with clinic.app_context():
        payment = db.session.get(StudioPayment, payment_id)
        with pytest.raises(NotAllowed, match="say why"):
            void_payment(payment, admin, AFTER, "")
        void_payment(payment, admin, AFTER + timedelta(minutes=2), "Typed 40 for 14")
    assert owed(clinic, appt_id) == price
    voided = audit_actions(clinic, appt_id)[-1]
    assert (voided.action, voided.note) == (
        "studio payment voided",
        "$40 and $5 tip: Typed 40 for 14",
    )
    with clinic.app_context():
        payment = db.session.get(StudioPayment, payment_id)
        assert payment.voided_at == AFTER + timedelta(minutes=2)
        assert payment.voided_by_id == admin.staff_id
        with pytest.raises(NotAllowed, match="void already"):
            void_payment(payment, admin, AFTER, "again")
        b = balance_of(db.session.get(Appointment, appt_id))
        assert (len(b.studio), b.paid_at_studio, b.tips) == (1, 0, 0)
