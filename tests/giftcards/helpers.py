"""Helpers for the gift card tests."""

from __future__ import annotations

from datetime import UTC, date, datetime

from clinicsite.audit import SYSTEM, Actor
from clinicsite.extensions import db
from clinicsite.giftcards import ledger

NOW = datetime(2026, 12, 9, 18, 0, tzinfo=UTC)
TODAY = date(2026, 12, 9)
DESK = Actor(None, "desk (test)")


def make_card(amount: int = 10_000, expiry_months: int = 0, today: date = TODAY, **details):
    """An issued, committed card; returns (id, code)."""
    card = ledger.issue(amount, "USD", SYSTEM, NOW, today, expiry_months, **details)
    db.session.commit()
    return card.id, card.code
