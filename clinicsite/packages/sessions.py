"""Drawing sessions from a package the client bought, giving them back, refunding what is
left, and letting a package expire. No request: a view, a command or a test calls these.

Every change to a purchase's sessions locks its row first (SELECT ... FOR UPDATE on
PostgreSQL; SQLite admits one writer at a time), then reads it afresh, so two bookings
racing for the last session give it to exactly one; the CHECK on `sessions_used` is the
last line behind the lock."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from clinicsite import audit
from clinicsite.audit import Actor
from clinicsite.clients.normalise import email_key
from clinicsite.extensions import db
from clinicsite.models import (
    Appointment,
    Client,
    Package,
    PackagePurchase,
    PackageUse,
    StudioPayment,
)
from clinicsite.money import format_money
from clinicsite.payments.gateway import PaymentGateway


class PackageUnavailable(Exception):
    """No session can be drawn (none left, expired, refunded, another service); says why."""


def lock(purchase_id: int) -> PackagePurchase | None:
    """The purchase, its row locked until commit and its columns read afresh."""
    return db.session.scalar(
        sa.select(PackagePurchase)
        .where(PackagePurchase.id == purchase_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def record(purchase: PackagePurchase, action: str, actor: Actor, note: str = "") -> None:
    """Audit a change to a purchase (who, when, what), committed with it."""
    if purchase.id is None:
        db.session.flush()
    audit.record_change(
        "package_purchase",
        purchase.id,
        action,
        actor,
        after={"status": purchase.status, "sessions_used": purchase.sessions_used},
        note=note[:500],
    )


def mark_expired(purchase: PackagePurchase, now: datetime) -> bool:
    """Record that an active package ran past its expiry (the caller commits)."""
    if purchase.status == "active" and purchase.expired(now):
        purchase.status = "expired"
        return True
    return False


def why_not(purchase: PackagePurchase, appointment_option_id: int, now: datetime) -> str | None:
    """Why no session of `purchase` can pay for a visit of that option, or None."""
    if purchase.status == "pending":
        return "This package has not been paid for yet."
    if purchase.status == "refunded":
        return "This package was refunded: it has no sessions to use."
    if purchase.expired(now):
        when = purchase.expires_at.date().isoformat() if purchase.expires_at else "its end"
        return f"This package expired on {when}: its sessions can no longer be used."
    if purchase.package.option_id != appointment_option_id:
        return "This package is for another service or length."
    if purchase.sessions_left <= 0:
        return "This package has no sessions left."
    return None


def draw(
    purchase_id: int,
    appointment: Appointment,
    actor: Actor,
    now: datetime,
    studio_payment: StudioPayment | None = None,
) -> PackageUse:
    """Take one session of the purchase for `appointment`, under the purchase's row lock.
    Raises PackageUnavailable saying why; the caller commits (or rolls back)."""
    purchase = lock(purchase_id)
    if purchase is None:
        raise PackageUnavailable("There is no such package.")
    if mark_expired(purchase, now):
        db.session.flush()
    problem = why_not(purchase, appointment.option_id, now)
    if problem:
        raise PackageUnavailable(problem)
    purchase.sessions_used += 1
    if appointment.id is None:
        db.session.flush()
    use = PackageUse(
        purchase=purchase,
        appointment=appointment,
        studio_payment=studio_payment,
        value=session_value(appointment),
        used_at=now,
    )
    db.session.add(use)
    db.session.flush()
    record(purchase, "session drawn", actor, note=f"for appointment {appointment.token[:8]}")
    return use


def session_value(appointment: Appointment) -> int:
    """What one session pays of a visit: its price without the extras chosen."""
    return max(0, appointment.price - sum(a.price for a in appointment.add_ons))


def give_back(use: PackageUse, actor: Actor, now: datetime, why: str) -> bool:
    """Return a drawn session to its package (a cancellation in time, a voided desk
    payment). A refunded package takes nothing back: its unused sessions were paid out.
    Returns whether the session went back; the caller commits."""
    if use.returned_at is not None:
        return False
    purchase = lock(use.purchase_id)
    db.session.refresh(use)
    if use.returned_at is not None or purchase is None or purchase.status == "refunded":
        return False
    use.returned_at = now
    purchase.sessions_used -= 1
    record(purchase, "session returned", actor, note=why)
    return True


def live_uses(appointment: Appointment) -> list[PackageUse]:
    return [u for u in appointment.package_uses if u.returned_at is None]


def after_cancel(appointment: Appointment, in_time: bool, actor: Actor, now: datetime) -> bool:
    """A package-paid visit was cancelled: the session comes back when cancelled within the
    policy (in time, or as staff decided); a late cancellation keeps it used."""
    if not in_time:
        return False
    back = False
    for use in live_uses(appointment):
        if use.studio_payment_id is None:
            back = give_back(use, actor, now, "cancelled in time") or back
    return back


def after_void(payment: StudioPayment, actor: Actor, now: datetime) -> None:
    """A desk payment by package session was voided: its session comes back."""
    use = db.session.scalar(sa.select(PackageUse).where(PackageUse.studio_payment_id == payment.id))
    if use is not None:
        give_back(use, actor, now, "desk payment voided")


def desk_amount(appointment: Appointment, owed: int) -> int:
    """What a session drawn at the desk pays of the visit: its value, at most what is owed."""
    from clinicsite.appointments.errors import NotAllowed

    amount = min(session_value(appointment), owed)
    if amount <= 0:
        raise NotAllowed("Nothing is owed for this visit: no package session is needed.")
    return amount


def draw_at_desk(
    appointment: Appointment, payment: StudioPayment, actor: Actor, now: datetime
) -> PackageUse:
    """Staff record a visit paid with a session of the client's package (the one ending
    soonest that covers it). Raises NotAllowed, saying why, when the client has none."""
    from clinicsite.appointments.errors import NotAllowed

    fitting = usable_for_client(appointment.client_id, appointment.option_id, now)
    if not fitting:
        raise NotAllowed(
            "This client has no package with a session left for this service and length."
        )
    try:
        return draw(fitting[0].id, appointment, actor, now, studio_payment=payment)
    except PackageUnavailable as refused:
        raise NotAllowed(str(refused)) from None


# -- what a client has ------------------------------------------------------------------------


def purchases_of(email: str, memberships: bool = False) -> list[PackagePurchase]:
    """The paid packages of the client with this email (active, expired or refunded),
    newest first, matched as client records match an email. With `memberships`, the
    months of their memberships too (clinicsite/memberships), which draw the same way."""
    key = email_key(email)
    if not key:
        return []
    clients = sa.select(Client.id).where(Client.email_key == key, Client.anonymised_at.is_(None))
    kinds = [] if memberships else [PackagePurchase.membership_id.is_(None)]
    return list(
        db.session.scalars(
            sa.select(PackagePurchase)
            .where(
                PackagePurchase.client_id.in_(clients),
                PackagePurchase.activated_at.is_not(None),
                *kinds,
            )
            .options(
                selectinload(PackagePurchase.package).selectinload(Package.service),
                selectinload(PackagePurchase.package).selectinload(Package.option),
            )
            .order_by(PackagePurchase.created_at.desc(), PackagePurchase.id.desc())
        )
    )


def usable_for(email: str, option_id: int, now: datetime) -> PackagePurchase | None:
    """The package (or membership month) this client would use for a visit of that option:
    the one ending soonest."""
    fitting = [
        p
        for p in purchases_of(email, memberships=True)
        if p.usable(now) and p.package.option_id == option_id
    ]
    return min(fitting, key=lambda p: (p.expires_at, p.id), default=None)


def usable_for_client(client_id: int | None, option_id: int, now: datetime):
    """The same, for staff at the desk: the visit's client's packages."""
    if client_id is None:
        return []
    rows = db.session.scalars(
        sa.select(PackagePurchase)
        .where(PackagePurchase.client_id == client_id, PackagePurchase.status == "active")
        .order_by(PackagePurchase.expires_at, PackagePurchase.id)
    )
    return [p for p in rows if p.usable(now) and p.package.option_id == option_id]


def is_buyer(email: str) -> bool:
    """Whether this email has bought a package (it may then ask for a sign-in link)."""
    return bool(purchases_of(email, memberships=True))


# -- refunds ----------------------------------------------------------------------------------

PRO_RATA = "pro_rata"
NO_MONEY = "none"


def refund_due(purchase: PackagePurchase, mode: str = PRO_RATA) -> int:
    """What refunding the unused sessions gives back: their share of what was paid (rounded
    down), never more than is left of it; nothing under the "none" policy."""
    if mode == NO_MONEY or purchase.sessions_total <= 0:
        return 0
    share = purchase.amount * purchase.sessions_left // purchase.sessions_total
    return max(0, min(share, purchase.amount - purchase.amount_refunded))


def refund(
    purchase_id: int, mode: str, gateway: PaymentGateway, actor: Actor, now: datetime
) -> int:
    """Close the package: its unused sessions are cancelled and (pro rata) paid back through
    the provider, with an idempotency key of the purchase's token. Returns the amount; the
    caller commits. Raises PackageUnavailable for a package with nothing to refund."""
    purchase = lock(purchase_id)
    if purchase is None or purchase.status not in ("active", "expired"):
        raise PackageUnavailable("Only a paid, unrefunded package can be refunded.")
    if purchase.membership_id is not None:  # a month of a membership: paid by its invoice
        raise PackageUnavailable("A membership's month is not refunded as a package.")
    if purchase.activated_at is None:  # its checkout lapsed unpaid: nothing was taken
        raise PackageUnavailable("Only a paid, unrefunded package can be refunded.")
    amount = refund_due(purchase, mode)
    if amount > 0:
        key = f"package-refund-{purchase.token}-{purchase.amount_refunded}-{amount}"
        gateway.refund(purchase.payment_intent_id or "", amount, idempotency_key=key)
        purchase.amount_refunded += amount
    unused = purchase.sessions_left
    purchase.status, purchase.refunded_at = "refunded", now
    note = f"{unused} unused session(s); {format_money(amount, purchase.currency)} refunded"
    record(purchase, "refunded", actor, note=note if amount else f"{unused} unused, no money")
    return amount


def anonymise_buyer(client_id: int, name: str) -> None:
    """The client's personal data is erased: so is the buyer's on their packages (the
    sessions and amounts stay). The caller commits."""
    db.session.execute(
        sa.update(PackagePurchase)
        .where(PackagePurchase.client_id == client_id)
        .values(buyer_name=name, buyer_email="")
        .execution_options(synchronize_session=False)
    )
