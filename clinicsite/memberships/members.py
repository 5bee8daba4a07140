"""What a member and the staff see of memberships, and a member cancelling (at the end of
the period they paid for, through the provider)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from clinicsite.audit import Actor
from clinicsite.clients.normalise import email_key
from clinicsite.extensions import db
from clinicsite.memberships.billing import locked, record, sync
from clinicsite.models import Client, Membership, MembershipPlan


class CannotCancel(Exception):
    """Says why a membership cannot be cancelled (already ended, never started)."""


def _loaded(query: sa.Select) -> sa.Select:
    return query.options(
        selectinload(Membership.plan).selectinload(MembershipPlan.service),
        selectinload(Membership.plan).selectinload(MembershipPlan.option),
        selectinload(Membership.periods),
        selectinload(Membership.client),
    )


def memberships_of(email: str) -> list[Membership]:
    """The started memberships of the client with this email, newest first."""
    key = email_key(email)
    if not key:
        return []
    clients = sa.select(Client.id).where(Client.email_key == key, Client.anonymised_at.is_(None))
    return list(
        db.session.scalars(
            _loaded(
                sa.select(Membership).where(
                    Membership.client_id.in_(clients), Membership.activated_at.is_not(None)
                )
            ).order_by(Membership.created_at.desc(), Membership.id.desc())
        )
    )


def all_members(limit: int = 200) -> list[Membership]:
    """For the staff: every started membership, the newest first."""
    return list(
        db.session.scalars(
            _loaded(sa.select(Membership).where(Membership.activated_at.is_not(None)))
            .order_by(Membership.created_at.desc(), Membership.id.desc())
            .limit(limit)
        )
    )


def mine(email: str, token: str) -> Membership | None:
    """The membership `token`, if it is this client's."""
    return next((m for m in memberships_of(email) if m.token == token), None)


def cancel(membership_id: int, gateway, actor: Actor, now: datetime) -> Membership:
    """Ask the provider to end the subscription when the paid period ends (no more charges;
    this month's sessions stay usable until then). Idempotent: the key is the membership's
    token. Raises CannotCancel, or PaymentError; the caller commits."""
    membership = locked(Membership.id == membership_id)
    if membership is None or not membership.live or not membership.subscription_id:
        raise CannotCancel("This membership is not running, so there is nothing to cancel.")
    if membership.cancel_at_period_end:
        return membership
    state = gateway.cancel_subscription_at_period_end(
        membership.subscription_id, idempotency_key=f"membership-cancel-{membership.token}"
    )
    sync(membership, state, now)
    if membership.cancel_at_period_end:
        record(membership, "cancelled at period end", actor)
    return membership


def anonymise_member(client_id: int, name: str) -> None:
    """The client's personal data is erased: so is the buyer's on their memberships (the
    plan, dates and Stripe ids stay). The caller commits."""
    db.session.execute(
        sa.update(Membership)
        .where(Membership.client_id == client_id)
        .values(buyer_name=name, buyer_email="")
        .execution_options(synchronize_session=False)
    )
