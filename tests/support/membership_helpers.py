"""Shared set-up for the membership tests: a plan on offer, a member with a paid month (as
the webhook leaves one, through the same granting code), and reading them back."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask

from clinicsite.clients.matching import find_or_create
from clinicsite.extensions import db
from clinicsite.models import Membership, MembershipPlan, PackagePurchase, Service, ServiceOption
from tests.support.package_helpers import MONDAY_8AM, NMT


def make_plan(
    app: Flask,
    slug: str = "monthly-60",
    minutes: int = 60,
    sessions_per_month: int = 1,
    price: int = 9900,
    **fields,
) -> int:
    from clinicsite.memberships.plans import create_plan

    with app.app_context():
        svc = db.session.scalar(sa.select(Service).filter_by(slug=NMT))
        option = db.session.scalar(
            sa.select(ServiceOption).filter_by(service_id=svc.id, duration_minutes=minutes)
        )
        plan = create_plan(
            slug=slug,
            name=fields.pop("name", "Monthly 60"),
            description=fields.pop("description", "One hour a month."),
            option=option,
            sessions_per_month=sessions_per_month,
            price=price,
            currency="USD",
            **fields,
        )
        db.session.commit()
        return plan.id


def active_member(
    app: Flask,
    plan_id: int,
    email: str = "ana@example.com",
    now: datetime | None = None,
    days: int = 30,
) -> tuple[int, int]:
    """A member whose first month is paid: (membership id, the month's purchase id)."""
    from clinicsite.memberships import billing
    from clinicsite.notifications import site_links
    from clinicsite.payments.subscriptions import InvoiceState

    now = now or MONDAY_8AM
    with app.test_request_context():
        plan = db.session.get(MembershipPlan, plan_id)
        membership = Membership(
            token=secrets.token_urlsafe(24),
            plan=plan,
            client=find_or_create("Ana Client", email, None),
            buyer_email=email,
            buyer_name="Ana Client",
            status="pending",
            created_at=now,
            subscription_id=f"sub_test_{secrets.token_hex(6)}",
        )
        db.session.add(membership)
        db.session.flush()
        invoice = InvoiceState(
            id=f"in_test_{secrets.token_hex(6)}",
            status="paid",
            subscription_id=membership.subscription_id,
            amount_paid=plan.price,
            amount_due=plan.price,
            currency="USD",
            period_start=now,
            period_end=now + timedelta(days=days),
        )
        billing.grant(membership, invoice, now, site_links())
        db.session.commit()
        period = db.session.scalar(
            sa.select(PackagePurchase.id).where(PackagePurchase.invoice_id == invoice.id)
        )
        return membership.id, period


def membership(app: Flask, membership_id: int | None = None) -> dict:
    """The membership (the only one when no id is given) and its months, oldest first."""
    with app.app_context():
        row = (
            db.session.get(Membership, membership_id)
            if membership_id
            else db.session.scalar(sa.select(Membership))
        )
        periods = db.session.scalars(
            sa.select(PackagePurchase)
            .where(PackagePurchase.membership_id == row.id)
            .order_by(PackagePurchase.id)
        ).all()
        return {
            "id": row.id,
            "status": row.status,
            "subscription": row.subscription_id,
            "cancelling": row.cancel_at_period_end,
            "period_end": row.current_period_end,
            "failed": row.failed_invoice_id,
            "months": [
                {
                    "invoice": p.invoice_id,
                    "left": p.sessions_left,
                    "total": p.sessions_total,
                    "expires": p.expires_at,
                    "amount": p.amount,
                }
                for p in periods
            ],
        }
