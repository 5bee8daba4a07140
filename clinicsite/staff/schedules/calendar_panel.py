"""What the schedule page shows of a therapist's own calendar: the address masked, the last
sync, the busy times coming up and any error, and the form that sets the address."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from clinicsite.calendars.addresses import masked
from clinicsite.extensions import db
from clinicsite.models import ExternalBusy, ExternalCalendar, Therapist
from clinicsite.staff.schedules.forms import CalendarForm


@dataclass(frozen=True)
class Panel:
    calendar: ExternalCalendar | None
    address: str  # masked
    busy_ahead: int  # busy times not yet over


def calendar_form(formdata=None) -> CalendarForm:
    allow_http = current_app.config.get("CALENDAR_ALLOW_HTTP", False)
    if formdata is None:
        return CalendarForm(prefix="calendar", formdata=None, allow_http=allow_http)
    return CalendarForm(prefix="calendar", allow_http=allow_http)


def calendar_of(therapist: Therapist) -> ExternalCalendar | None:
    return db.session.scalar(
        sa.select(ExternalCalendar).where(ExternalCalendar.therapist_id == therapist.id)
    )


def panel(therapist: Therapist, now: datetime) -> Panel:
    calendar = calendar_of(therapist)
    if calendar is None:
        return Panel(None, "", 0)
    ahead = db.session.scalar(
        sa.select(sa.func.count()).where(
            ExternalBusy.calendar_id == calendar.id, ExternalBusy.ends_at > now
        )
    )
    return Panel(calendar, masked(calendar.url), ahead or 0)
