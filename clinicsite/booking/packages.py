"""Booking with a package: a signed-in client (through the /my/ sign-in link, never an
email typed into a form) with a package for the chosen service and length may pay for the
visit with one of its sessions instead of a deposit. The details step's own fields are in
templates/booking/_package.html; the drawing is clinicsite/packages/sessions.py."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from flask import request, session

from clinicsite.appointments import holding
from clinicsite.appointments.holding import HoldRequest
from clinicsite.audit import CLIENT
from clinicsite.models import Appointment, ClinicSettings, PackagePurchase, ServiceOption
from clinicsite.my import links
from clinicsite.packages import sessions
from clinicsite.packages.sessions import PackageUnavailable

__all__ = ["PackageUnavailable", "applied", "hold", "offer"]

FIELD = "use_package"


def signed_in_email(now: datetime) -> str | None:
    """The email of the client signed in on /my/ in this browser, or None (as my/routes
    reads its session: the link that started it must still stand)."""
    email, link_id, until = (session.get(k) for k in ("my_email", "my_link", "my_until"))
    if not isinstance(email, str) or not isinstance(link_id, int) or not isinstance(until, int):
        return None
    try:
        ends = datetime.fromtimestamp(until, UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return email if links.session_is_live(email, link_id, ends, now) else None


def offer(option: ServiceOption | None, now: datetime) -> PackagePurchase | None:
    """The signed-in client's package that could pay for a visit of `option`, or None."""
    email = signed_in_email(now)
    if option is None or email is None:
        return None
    return sessions.usable_for(email, option.id, now)


def applied(hold: HoldRequest, now: datetime) -> HoldRequest:
    """`hold` as it stands, or, when the signed-in client ticked "use a session of my
    package", paid by drawing one: no deposit, confirmed at once, for the signed-in email.
    The session is drawn under the package's lock when the time is held; raises nothing
    here (PackageUnavailable comes from the hold if the last session went meanwhile)."""
    if request.form.get(FIELD) != "1":
        return hold
    purchase = offer(hold.option, now)
    if purchase is None:
        raise PackageUnavailable(
            "You have no package for this service and length to use now: "
            "untick it to book with a deposit, or sign in again."
        )
    email = signed_in_email(now) or hold.client.email
    purchase_id = purchase.id
    return replace(
        hold,
        deposit=0,
        client=replace(hold.client, email=email),
        client_keys=None,  # a session bought in advance: the online limits do not apply
        paid_by=lambda appointment: sessions.draw(purchase_id, appointment, CLIENT, now),
    )


def hold(request_: HoldRequest, clinic: ClinicSettings, now: datetime) -> Appointment:
    """holding.hold, with the package choice of the details form `applied`."""
    return holding.hold(applied(request_, now), clinic, now)
