"""Run last (file order): what must hold in the database after every path above."""

from __future__ import annotations

from collections import defaultdict

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from clinicsite.models import Appointment, AuditEvent, Payment

pytestmark = pytest.mark.rehearsal

BOOKED = ("confirmed", "completed", "no_show")


def test_no_money_kept_without_a_booking_or_a_decision_to_keep_it(site):
    site.stripe.wait_idle()
    with site.session() as session:
        payments = session.scalars(
            sa.select(Payment).options(
                selectinload(Payment.refunds), selectinload(Payment.appointment)
            )
        ).all()
        kept = set(
            session.scalars(
                sa.select(AuditEvent.subject_id).where(
                    AuditEvent.subject_type == "appointment",
                    AuditEvent.action == "cancelled",
                    AuditEvent.note == "no refund",
                )
            )
        )
        assert payments, "the rehearsal made no payments at all"
        problems = []
        for p in payments:
            a = p.appointment
            where = f"payment {p.id} ({p.status}) of appointment {a.id} ({a.status})"
            if sum(r.amount for r in p.refunds) != p.amount_refunded:
                problems.append(f"{where}: refunds do not add up")
            if p.status == "paid" and not (a.status in BOOKED or a.id in kept):
                problems.append(f"{where}: money kept without a booking")
            if p.status == "refunded" and p.amount_refunded != p.amount:
                problems.append(f"{where}: marked refunded but {p.amount_refunded} refunded")
            if p.payment_intent_id:  # what Stripe holds agrees with the database
                paid_at_stripe = site.stripe.payment_intents[p.payment_intent_id]["amount"]
                refunded_at_stripe = site.stripe.amount_refunded(p.payment_intent_id)
                if (paid_at_stripe, refunded_at_stripe) != (p.amount, p.amount_refunded):
                    problems.append(f"{where}: Stripe has {paid_at_stripe}/{refunded_at_stripe}")
        # Every payment Stripe took is known to the site.
        known = {p.payment_intent_id for p in payments}
        problems += [
            f"Stripe payment {pi} unknown to the site"
            for pi in site.stripe.payment_intents
            if pi not in known
        ]
        # A confirmed booking with a deposit has it paid.
        for a in session.scalars(
            sa.select(Appointment)
            .where(Appointment.status == "confirmed", Appointment.deposit > 0)
            .options(selectinload(Appointment.payments))
        ):
            if not any(p.status == "paid" for p in a.payments):
                problems.append(f"appointment {a.id} confirmed without its deposit")
        assert problems == []


def test_no_therapist_is_booked_twice(site):
    with site.session() as session:
        booked = session.scalars(sa.select(Appointment).where(Appointment.status.in_(BOOKED))).all()
    by_therapist = defaultdict(list)
    for a in booked:
        by_therapist[a.therapist_id].append((a.starts_at, a.blocks_until, a.id))
    for spans in by_therapist.values():
        spans.sort()
        for (_, end, first), (start, _, second) in zip(spans, spans[1:], strict=False):
            assert start >= end, f"appointments {first} and {second} overlap"


def test_every_email_went_out_once(site):
    site.send_mail()  # whatever is still queued, as the next cron run would
    with site.sink.lock:
        sent = [(tuple(m.rcpt_tos), str(m.message["Subject"]).strip()) for m in site.sink.messages]
    twice = {mail for mail in sent if sent.count(mail) > 1}
    assert twice == set()
