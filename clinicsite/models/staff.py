"""Staff accounts for the back office."""

from __future__ import annotations

from datetime import datetime
from functools import cache

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from clinicsite.extensions import db
from clinicsite.models.therapists import Therapist
from clinicsite.models.types import UTCDateTime, utcnow

ROLES = ("admin", "therapist", "editor")
MIN_PASSWORD_LENGTH = 10


class StaffUser(UserMixin, db.Model):
    __tablename__ = "staff_user"
    __table_args__ = (sa.CheckConstraint("role IN ('admin', 'therapist', 'editor')", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    role: Mapped[str] = mapped_column(sa.String(20))
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    active: Mapped[bool] = mapped_column(default=True)
    # Changing it logs out every session of this user (see get_id).
    session_version: Mapped[int] = mapped_column(default=1)
    therapist_id: Mapped[int | None] = mapped_column(sa.ForeignKey("therapist.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Secret of an admin's whole-clinic calendar feed; None: no feed.
    feed_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)

    therapist: Mapped[Therapist | None] = relationship()

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)
        self.end_sessions()

    def end_sessions(self) -> None:
        """Log out every session of this user, on every device (see get_id)."""
        self.session_version = (self.session_version or 0) + 1

    def check_password(self, password: str) -> bool:
        if not self.has_password:  # as long as a real check: the time tells nothing
            check_password_hash(_unmatchable_hash(), password)
            return False
        return check_password_hash(self.password_hash, password)

    @property
    def has_password(self) -> bool:
        """False for an invited account whose owner has not set a password yet."""
        return self.password_hash != NO_PASSWORD

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"


@cache
def _unmatchable_hash() -> str:
    # Made once, with the same method and cost as real passwords.
    return generate_password_hash("no staff account has this password")


def password_matches(user: StaffUser | None, password: str) -> bool:
    """Whether `password` is `user`'s, taking the same time when there is no such user, so
    the login form's response time does not tell which staff emails exist."""
    if user is None:
        check_password_hash(_unmatchable_hash(), password)
        return False
    return user.check_password(password)


# A password hash no password matches: an invited account until its owner sets one.
NO_PASSWORD = "!"  # noqa: S105  (not a password: a hash nothing matches)

ACCOUNT_LINK_PURPOSES = ("invite", "reset")


class AccountLink(db.Model):
    """An emailed link that lets a staff member set their password: an admin's invitation
    or a reset they asked for. Single use and short-lived; only the token's SHA-256 is kept,
    so a copy of the table opens no account."""

    __tablename__ = "account_link"
    __table_args__ = (sa.CheckConstraint("purpose IN ('invite', 'reset')", name="purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("staff_user.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(sa.String(10))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    staff_user: Mapped[StaffUser] = relationship()
