"""Sign-in links for a client's own page: asked for, sent, used once.

No request and no password. `request_link` answers nothing about whether an address is
known and does the same work either way: it looks the address up, makes a token and
renders the email; only a known address gets a row and a queued email. `use_link` spends
a link once (a conditional UPDATE, so two clicks at once sign in once) and returns the
signed-in session it starts; `session_is_live` checks such a session later, and
`end_session` ends it (every copy of the cookie) on signing out.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from clinicsite import notifications, onetime
from clinicsite.extensions import db
from clinicsite.models import SignInLink
from clinicsite.my.bookings import has_bookings, normalise_email
from clinicsite.notifications import Links
from clinicsite.onetime import token_hash

LIFETIME = timedelta(minutes=30)
SESSION_LIFETIME = timedelta(days=7)


def request_link(email: str, now: datetime, links: Links) -> bool:
    """Email a sign-in link to `email` if it has bookings. Returns whether one was queued,
    for tests and logs only: the caller answers every address alike."""
    email = normalise_email(email)
    forget_old_links(now)
    known = has_bookings(email)
    token = secrets.token_urlsafe(32)
    # Rendered for an unknown address too, so that it takes about as long as a known one.
    message = notifications.sign_in_link(
        email, links.my_link(token), int(LIFETIME.total_seconds() // 60), links
    )
    if not known:
        return False
    db.session.add(
        SignInLink(
            token_hash=token_hash(token), email=email, created_at=now, expires_at=now + LIFETIME
        )
    )
    message.queue()
    return True


def forget_old_links(now: datetime) -> None:
    """Delete links no session can stand on any more: a link is used before it expires and
    its session lasts SESSION_LIFETIME, so the table keeps about a week of links."""
    db.session.execute(
        sa.delete(SignInLink)
        .where(SignInLink.expires_at < now - SESSION_LIFETIME)
        .execution_options(synchronize_session=False)
    )


def find(token: str) -> SignInLink | None:
    return onetime.find(SignInLink, token)


def state_of(link: SignInLink | None, now: datetime) -> str:
    """ "usable", "used", "expired" or "unknown": what the link's page tells the client."""
    if link is None:
        return "unknown"
    if link.used_at is not None:
        return "used"
    if link.expires_at <= now:
        return "expired"
    return "usable"


@dataclass(frozen=True)
class SignedIn:
    """A signed-in session: whose, which link started it, until when."""

    email: str
    link_id: int
    until: datetime


def use_link(token: str, now: datetime) -> SignedIn | str:
    """Spend the link: the session it starts, or why it cannot ("used", "expired",
    "unknown"). The caller commits."""
    link = find(token)
    state = state_of(link, now)
    if state != "usable":
        return state
    if not onetime.spend(SignInLink, link.id, now):
        return "used"  # another click won
    return SignedIn(email=link.email, link_id=link.id, until=now + SESSION_LIFETIME)


def session_is_live(email: str, link_id: int, until: datetime, now: datetime) -> bool:
    """Whether a session `use_link` started is still good: not past its end, not signed
    out, and the link's address is the one the session names."""
    if until <= now:
        return False
    link = db.session.get(SignInLink, link_id)
    return link is not None and link.email == email and link.ended_at is None


def end_session(link_id: int, now: datetime) -> None:
    """Sign out: the session started by this link no longer works, wherever its cookie is."""
    db.session.execute(
        sa.update(SignInLink)
        .where(SignInLink.id == link_id, SignInLink.ended_at.is_(None))
        .values(ended_at=now)
        .execution_options(synchronize_session=False)
    )
