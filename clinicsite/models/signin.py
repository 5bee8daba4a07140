"""Sign-in links: how a client reaches their own page (/my/) without a password."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from clinicsite.extensions import db
from clinicsite.models.types import UTCDateTime, utcnow


class SignInLink(db.Model):
    """One emailed link: single-use and short-lived. Only the token's SHA-256 is kept, so
    a copy of the table signs no one in. Once used, the link stands for the signed-in
    session it started, until `ended_at` (signing out ends every copy of that cookie)."""

    __tablename__ = "sign_in_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    email: Mapped[str] = mapped_column(sa.String(254), index=True)  # normalised
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
