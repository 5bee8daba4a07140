"""Emails about staff accounts: an invitation to set a password, and a password reset.
Whether to send them is decided in `staff/accounts/links.py`."""

from __future__ import annotations

from datetime import timedelta

from clinicsite.clinic import get_clinic
from clinicsite.models import StaffUser
from clinicsite.notifications.links import Links
from clinicsite.notifications.render import render
from clinicsite.notifications.signin import SignInEmail


def _how_long(lifetime: timedelta) -> str:
    """timedelta(days=7) -> "7 days", timedelta(hours=1) -> "1 hour"."""
    hours = int(lifetime.total_seconds() // 3600)
    count, unit = (hours // 24, "day") if hours % 24 == 0 else (hours, "hour")
    return f"{count} {unit}{'' if count == 1 else 's'}"


def invitation(
    user: StaffUser, inviter: StaffUser, url: str, lifetime: timedelta, links: Links
) -> None:
    """Queue the invitation for `user`, who sets a password at `url`."""
    email = render(
        "staff_invite",
        links,
        clinic=get_clinic(),
        user=user,
        inviter=inviter,
        set_password_url=url,
        how_long=_how_long(lifetime),
        again_url=links.staff_password_reset(),
        login_url=links.staff_login(),
    )
    SignInEmail(to=user.email, email=email).queue()


def password_reset(to: str, url: str, lifetime: timedelta, links: Links) -> SignInEmail:
    """The reset email for `to`, rendered; queued only when `queue()` is called."""
    email = render(
        "staff_password_reset",
        links,
        clinic=get_clinic(),
        set_password_url=url,
        how_long=_how_long(lifetime),
        again_url=links.staff_password_reset(),
    )
    return SignInEmail(to=to, email=email)
