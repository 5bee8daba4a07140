"""Emailed single-use links (a client's sign-in, a staff invitation or password reset): the
token is kept only as its hash, found by it, and spent once by a conditional UPDATE, so two
clicks or submits at once spend it once. The models need `id`, `token_hash`, `used_at` and
`expires_at`."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import TypeVar

import sqlalchemy as sa

from clinicsite.extensions import db

MAX_TOKEN_LENGTH = 64  # far above secrets.token_urlsafe(32); anything longer is not ours

Link = TypeVar("Link")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find(model: type[Link], token: str) -> Link | None:
    """The link of `token`, or None for an empty, oversized or unknown one."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return db.session.scalar(sa.select(model).where(model.token_hash == token_hash(token)))


def spend(model: type, link_id: int, now: datetime) -> bool:
    """Mark the link used if it is still unused and unexpired at `now`; False when another
    click got there first (or it expired meanwhile). The caller commits."""
    spent = db.session.execute(
        sa.update(model)
        .where(model.id == link_id, model.used_at.is_(None), model.expires_at > now)
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return spent.rowcount == 1
