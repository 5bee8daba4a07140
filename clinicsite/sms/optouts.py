"""STOP and START: the keywords a client texts back, and who may be texted."""

from __future__ import annotations

import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import SmsOptOut
from clinicsite.models.types import utcnow

# The carriers' and Twilio's standard opt-out and opt-in keywords.
STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT"})
START_WORDS = frozenset({"START", "UNSTOP", "YES", "OPTIN"})


def keyword(body: str) -> str:
    """The message as a keyword: its first word, upper case, without punctuation."""
    words = (body or "").strip().split()
    return "".join(c for c in words[0] if c.isalnum()).upper() if words else ""


def handle_inbound(number: str, body: str) -> str | None:
    """Record a STOP or START from `number` (E.164) in the session (the caller commits);
    returns "stopped", "started" or None for any other message."""
    word = keyword(body)
    if word in STOP_WORDS:
        if not is_opted_out(number):
            db.session.add(SmsOptOut(phone=number, keyword=word, created_at=utcnow()))
        return "stopped"
    if word in START_WORDS:
        db.session.execute(sa.delete(SmsOptOut).where(SmsOptOut.phone == number))
        return "started"
    return None


def is_opted_out(number: str) -> bool:
    return db.session.scalar(sa.select(SmsOptOut.id).where(SmsOptOut.phone == number)) is not None
