"""The ledger: the only code that changes a gift card's balance.

Every change locks the card's row first (an UPDATE, which holds the row lock until commit
on PostgreSQL and takes the one write lock on SQLite, then a SELECT ... FOR UPDATE that
reads the balance as it is now), then writes an entry with the amount and the balance
after it. So the balance always equals the sum of the card's entries, two redemptions of
the same last balance are serialised (one of them is refused), and no change takes a card
below zero. The caller commits."""

from __future__ import annotations

import calendar
import secrets
from datetime import date, datetime

import sqlalchemy as sa

from clinicsite.audit import Actor
from clinicsite.extensions import db
from clinicsite.giftcards import codes
from clinicsite.models import GiftCard, GiftCardEntry
from clinicsite.money import format_money


class CardRefused(Exception):
    """The card cannot do what was asked; the message says why, in words for the client."""


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def find(text: str | None) -> GiftCard | None:
    """The card a typed code names (case, spaces and dashes ignored), or None."""
    code = codes.normalise(text)
    if code is None:
        return None
    return db.session.scalar(sa.select(GiftCard).where(GiftCard.code == code))


def by_token(token: str) -> GiftCard | None:
    if not isinstance(token, str) or not 0 < len(token) <= 43:
        return None
    return db.session.scalar(sa.select(GiftCard).where(GiftCard.token == token))


def is_expired(card: GiftCard, today: date) -> bool:
    return card.expires_on is not None and today > card.expires_on


def lock(card: GiftCard) -> GiftCard:
    """Take the card's row lock and read it afresh (see the module's docstring)."""
    db.session.execute(
        sa.update(GiftCard)
        .where(GiftCard.id == card.id)
        .values(balance=GiftCard.balance)
        .execution_options(synchronize_session=False)
    )
    return db.session.scalars(
        sa.select(GiftCard)
        .where(GiftCard.id == card.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def issue(
    amount: int,
    currency: str,
    actor: Actor,
    now: datetime,
    today: date,
    expiry_months: int = 0,
    note: str = "",
    **details: str | date | None,
) -> GiftCard:
    """A new active card holding `amount`; `details` are buyer_*, recipient_*, message,
    send_on. Expires `expiry_months` after `today` (0: never)."""
    if not isinstance(amount, int) or amount <= 0:
        raise ValueError("a gift card holds a positive amount")
    card = GiftCard(
        code=_unused_code(),
        token=secrets.token_urlsafe(24),
        amount_issued=amount,
        balance=0,
        currency=currency.upper(),
        expires_on=add_months(today, expiry_months) if expiry_months > 0 else None,
        issued_by_id=actor.staff_id,
        created_at=now,
        **details,
    )
    db.session.add(card)
    db.session.flush()
    _entry(card, "issue", amount, actor, now, note=note)
    return card


def _unused_code() -> str:
    while True:  # a clash is astronomically unlikely; checking costs one query
        code = codes.new_code()
        if db.session.scalar(sa.select(GiftCard.id).where(GiftCard.code == code)) is None:
            return code


def usable(card: GiftCard, today: date) -> None:
    """Raise CardRefused, saying why, unless the card can pay for something today."""
    if card.status == "void":
        raise CardRefused("That gift card is no longer valid.")
    if is_expired(card, today):
        raise CardRefused(f"That gift card expired on {card.expires_on:%-d %B %Y}.")
    if card.balance <= 0:
        raise CardRefused("That gift card has nothing left on it.")


def redeem(
    card: GiftCard,
    amount: int,
    actor: Actor,
    now: datetime,
    today: date,
    *,
    up_to: bool = False,
    **links: int | str | None,
) -> GiftCardEntry:
    """Take `amount` off the card (or, with `up_to`, as much of it as the card holds).
    Raises CardRefused for a void, expired or empty card, or one holding too little."""
    if amount <= 0:
        raise ValueError("a redemption takes a positive amount")
    card = lock(card)
    usable(card, today)
    if amount > card.balance:
        if not up_to:
            raise CardRefused(f"That gift card holds only {_money(card.balance, card.currency)}.")
        amount = card.balance
    return _entry(card, "redeem", -amount, actor, now, **links)


def refund(
    card: GiftCard, amount: int, actor: Actor, now: datetime, **links: int | str | None
) -> GiftCardEntry:
    """Put `amount` back on the card (a cancelled booking, a voided studio payment, a
    lapsed hold). Money that came off a card always goes back to it, even a void or
    expired one: staff see it there and can decide."""
    if amount <= 0:
        raise ValueError("a refund puts back a positive amount")
    card = lock(card)
    return _entry(card, "refund", amount, actor, now, **links)


def adjust(card: GiftCard, amount: int, actor: Actor, now: datetime, note: str) -> GiftCardEntry:
    """A staff correction of `amount` (+ or -), with the reason. Raises CardRefused when it
    would take the card below zero, and ValueError without a reason or an amount."""
    if not note.strip():
        raise ValueError("an adjustment needs a reason")
    if amount == 0:
        raise ValueError("an adjustment changes the balance")
    card = lock(card)
    if card.status == "void":
        raise CardRefused("That gift card is void.")
    if card.balance + amount < 0:
        raise CardRefused(f"The card holds only {_money(card.balance, card.currency)}.")
    return _entry(card, "adjust", amount, actor, now, note=note)


def void(card: GiftCard, actor: Actor, now: datetime, note: str) -> GiftCardEntry:
    """End the card: whatever it holds comes off, and it can no longer be used."""
    if not note.strip():
        raise ValueError("voiding a card needs a reason")
    card = lock(card)
    if card.status == "void":
        raise CardRefused("That gift card is void already.")
    card.status = "void"
    return _entry(card, "void", -card.balance, actor, now, note=note)


def expire(card: GiftCard, actor: Actor, now: datetime, today: date) -> GiftCardEntry | None:
    """Take what an expired card still holds off it (once), or None if there is nothing."""
    card = lock(card)
    if not is_expired(card, today) or card.balance == 0:
        return None
    return _entry(card, "expire", -card.balance, actor, now, note=f"expired {card.expires_on}")


def _entry(
    card: GiftCard,
    kind: str,
    amount: int,
    actor: Actor,
    now: datetime,
    note: str = "",
    **links: int | str | None,
) -> GiftCardEntry:
    card.balance += amount
    if card.balance < 0:  # every caller checked already; never write a negative balance
        raise CardRefused("That gift card does not hold enough.")
    entry = GiftCardEntry(
        gift_card_id=card.id,
        kind=kind,
        amount=amount,
        balance_after=card.balance,
        actor_id=actor.staff_id,
        actor_label=actor.label[:120],
        note=note[:500],
        created_at=now,
        **links,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def entries(card: GiftCard) -> list[GiftCardEntry]:
    return list(
        db.session.scalars(
            sa.select(GiftCardEntry)
            .where(GiftCardEntry.gift_card_id == card.id)
            .order_by(GiftCardEntry.id)
        )
    )


def _money(amount: int, currency: str) -> str:
    return format_money(amount, currency)
