"""The one email a standing appointment sends when booked: every visit in one message
(not one confirmation per visit), and one notice to the therapist."""

from __future__ import annotations

from clinicsite.clinic import get_clinic
from clinicsite.mail.outbox import enqueue
from clinicsite.models import Appointment, Series
from clinicsite.notifications import booking
from clinicsite.notifications.links import Links, site_links
from clinicsite.notifications.render import render
from clinicsite.timefmt import long_datetime


def series_booked(
    series: Series, appointments: list[Appointment], links: Links | None = None
) -> None:
    """The client's list of booked visits, each with its manage link, and the therapist's
    notice of the first visit. A client without an email address is sent nothing."""
    links = links or site_links()
    first = appointments[0]
    if series.client_email:
        tz = get_clinic().tz
        visits = [
            {"when": long_datetime(a.starts_at, tz), "manage_url": links.manage(a.token)}
            for a in appointments
        ]
        context = booking._context(first, links, series=series, visits=visits)
        email = render("series_confirmation", links, **context)
        enqueue(
            to=series.client_email,
            subject=email.subject,
            text=email.text,
            html=email.html,
            key=f"series:{series.id}",
        )
    booking._notify_therapist(
        first, f"New standing appointment ({len(appointments)} visits), first visit", links
    )
