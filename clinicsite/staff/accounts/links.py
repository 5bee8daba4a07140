"""The emailed links that set a staff password: an admin's invitation (a week) and a reset
someone asked for (an hour).

A link is used once (clinicsite/onetime.py: a conditional UPDATE), so two submits of the
same form set the password once. Making a new link voids the account's earlier ones.
`request_reset` answers nothing about whether an address has an account and does the same
work either way; only an active account gets a link.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa

from clinicsite import onetime
from clinicsite.extensions import db
from clinicsite.models import AccountLink, StaffUser
from clinicsite.notifications import accounts as emails
from clinicsite.notifications.links import Links
from clinicsite.onetime import token_hash

LIFETIMES = {"invite": timedelta(days=7), "reset": timedelta(hours=1)}


def _new_link(user: StaffUser, purpose: str, now: datetime, token: str | None = None) -> str:
    """A link for `user` (with `token`, or a fresh one), replacing any unused link of
    theirs; returns the token."""
    db.session.execute(
        sa.update(AccountLink)
        .where(AccountLink.staff_user_id == user.id, AccountLink.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    token = token or secrets.token_urlsafe(32)
    db.session.add(
        AccountLink(
            staff_user_id=user.id,
            purpose=purpose,
            token_hash=token_hash(token),
            created_at=now,
            expires_at=now + LIFETIMES[purpose],
        )
    )
    return token


def invite(user: StaffUser, inviter: StaffUser, now: datetime, links: Links) -> None:
    """Email `user` (flushed, with no password yet or a new invitation) a link to set one."""
    token = _new_link(user, "invite", now)
    emails.invitation(user, inviter, links.staff_set_password(token), LIFETIMES["invite"], links)


def request_reset(email: str, now: datetime, links: Links) -> bool:
    """Email a reset link if `email` is an active account's. Returns whether one was
    queued, for tests and logs only: the page answers every address alike."""
    email = email.strip().lower()
    user = db.session.scalar(sa.select(StaffUser).where(StaffUser.email == email))
    token = secrets.token_urlsafe(32)
    # Rendered for any address, so that an unknown one takes about as long as a known one.
    message = emails.password_reset(
        email, links.staff_set_password(token), LIFETIMES["reset"], links
    )
    if user is None or not user.active:
        return False
    _new_link(user, "reset", now, token)
    message.queue()
    return True


def find(token: str) -> AccountLink | None:
    return onetime.find(AccountLink, token)


def state_of(link: AccountLink | None, now: datetime) -> str:
    """ "usable", "used", "expired" or "unknown" (a disabled account's links are unknown)."""
    if link is None or not link.staff_user.active:
        return "unknown"
    if link.used_at is not None:
        return "used"
    if link.expires_at <= now:
        return "expired"
    return "usable"


def set_password(link: AccountLink, password: str, now: datetime) -> str:
    """Spend the link and set its account's password (which logs out every session of the
    account): "done", or why not ("used", "expired", "unknown"). The caller commits."""
    state = state_of(link, now)
    if state != "usable":
        return state
    if not onetime.spend(AccountLink, link.id, now):
        return "used"  # another submit won
    link.staff_user.set_password(password)
    return "done"
