"""The gift card emails: the card to its buyer at once, and to its recipient on the chosen
day (`flask giftcards send-due`). Each is queued once (outbox keys), so a retried webhook
or a cron job run twice sends nothing twice."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.giftcards import codes
from clinicsite.mail.outbox import enqueue
from clinicsite.models import ClinicSettings, GiftCard
from clinicsite.money import format_money
from clinicsite.notifications.links import Links, site_links
from clinicsite.notifications.render import render


def _queue(card: GiftCard, clinic: ClinicSettings, to: str, for_recipient: bool, links: Links):
    email = render(
        "gift_card",
        links,
        clinic=clinic,
        card=card,
        code=codes.display(card.code),
        card_url=links.build("giftshop.card", token=card.token),
        book_url=links.book(),
        for_recipient=for_recipient,
        amount=format_money(card.amount_issued, card.currency),
        expires=f"{card.expires_on:%-d %B %Y}" if card.expires_on else "",
    )
    key = f"gift-card:{card.token}:{'recipient' if for_recipient else 'buyer'}"
    enqueue(to=to, subject=email.subject, text=email.text, html=email.html, key=key)


def to_buyer(card: GiftCard, clinic: ClinicSettings, links: Links | None = None) -> None:
    if card.buyer_email:
        _queue(card, clinic, card.buyer_email, False, links or site_links())


def send_to_recipient_if_due(
    card: GiftCard, clinic: ClinicSettings, now: datetime, links: Links | None = None
) -> bool:
    """Queue the recipient's email when its day has come (the clinic's local date) and it
    has not gone yet; True if queued now."""
    if not card.recipient_email or card.sent_at is not None or card.status != "active":
        return False
    if card.send_on is not None and card.send_on > now.astimezone(clinic.tz).date():
        return False
    _queue(card, clinic, card.recipient_email, True, links or site_links())
    card.sent_at = now
    return True


def send_due(clinic: ClinicSettings, now: datetime, links: Links | None = None) -> int:
    """Queue every recipient email whose day has come and commit; returns how many. Safe
    to run as often as cron likes: a card's email goes once."""
    today = now.astimezone(clinic.tz).date()
    due = db.session.scalars(
        sa.select(GiftCard)
        .where(
            GiftCard.recipient_email != "",
            GiftCard.sent_at.is_(None),
            GiftCard.status == "active",
            sa.or_(GiftCard.send_on.is_(None), GiftCard.send_on <= today),
        )
        .order_by(GiftCard.id)
        .with_for_update(skip_locked=True)
    ).all()
    sent = sum(send_to_recipient_if_due(card, clinic, now, links) for card in due)
    db.session.commit()
    return sent


def expire_due(clinic: ClinicSettings, now: datetime) -> int:
    """Take what is left off every card past its expiry date (an "expire" entry each, once)
    and commit; returns how many."""
    from clinicsite.audit import SYSTEM
    from clinicsite.giftcards import ledger

    today = now.astimezone(clinic.tz).date()
    due = db.session.scalars(
        sa.select(GiftCard).where(
            GiftCard.expires_on < today, GiftCard.balance > 0, GiftCard.status == "active"
        )
    ).all()
    expired = sum(ledger.expire(card, SYSTEM, now, today) is not None for card in due)
    db.session.commit()
    return expired
