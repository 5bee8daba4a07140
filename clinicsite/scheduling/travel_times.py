"""Travel between visits from the database: where an appointment is as a travel place, and
the check made under the therapist's booking lock that a visit leaves the travel time to
the visits before and after it (scheduling/holds.claim). The minutes themselves come from
the reference snapshot (reference.py), which every edit of the matrix renews."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from clinicsite import reference
from clinicsite.extensions import db
from clinicsite.models import Appointment
from clinicsite.scheduling.holds import blocking_condition
from clinicsite.scheduling.travel import TravelTimes, area_place, studio_place


def place_of(appointment: Appointment) -> str:
    """A home visit is in its area; any other visit at its studio."""
    if appointment.visit_area_id is not None:
        return area_place(appointment.visit_area_id)
    return studio_place(appointment.location_id)


def home_place(appointment: Appointment) -> str | None:
    """The area of a home visit, as find_slots takes it (None: at a studio)."""
    return place_of(appointment) if appointment.visit_area_id is not None else None


def place_column():
    """place_of as SQL, for loading many appointments' places in one query."""
    return sa.case(
        (
            Appointment.visit_area_id.is_not(None),
            sa.literal("area:") + sa.cast(Appointment.visit_area_id, sa.String),
        ),
        else_=sa.literal("studio:") + sa.cast(Appointment.location_id, sa.String),
    )


def times() -> TravelTimes:
    return reference.current().travel


def too_close(appointment: Appointment, now: datetime, travel: TravelTimes | None = None) -> bool:
    """Whether another blocking visit of the therapist lies closer to `appointment` than the
    travel between their places. Run under the therapist's lock, after the plain overlap
    check (holds.claim). A clinic that has never had home-visit hours has only studio
    visits, between which travel counts nothing: it pays no query."""
    if not reference.current().mobile_ids:
        return False
    travel = travel or times()
    here = place_of(appointment)
    reach = travel.longest
    rows = db.session.execute(
        sa.select(Appointment.starts_at, Appointment.blocks_until, place_column()).where(
            Appointment.therapist_id == appointment.therapist_id,
            Appointment.starts_at < appointment.blocks_until + reach,
            Appointment.blocks_until > appointment.starts_at - reach,
            blocking_condition(now),
            Appointment.id != appointment.id if appointment.id is not None else sa.true(),
        )
    )
    for start, until, there in rows:
        if (
            start - travel.between(here, there) < appointment.blocks_until
            and until + travel.between(there, here) > appointment.starts_at
        ):
            return True
    return False
