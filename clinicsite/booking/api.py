"""GET /api/availability: free start times as JSON.

Answers are kept by the page cache (clinicsite/pagecache/) under a key that changes with
every booking, hold, cancellation and move (each bumps its therapist's `schedule_version`
in its own transaction), every edit of services, hours, time off or settings (the `site`
counter), and every minute (times stop being offered as their notice runs out, and holds
expire). A time taken is therefore never shown free; a hold that expired shows free within
a minute. The booking start page (`/book/`, its day and time lists) is kept under the same
key."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import jsonify, request

from clinicsite import clock, pagecache, reference
from clinicsite.booking import bp, home_visits, selection
from clinicsite.booking.addons import match_add_ons, requested_add_on_ids
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import Therapist
from clinicsite.scheduling.travel import area_place

MAX_DAYS = 31


class BadRequest(Exception):
    pass


@bp.get("/api/availability")
def api_availability():
    try:
        return jsonify(_availability(request.args))
    except BadRequest as exc:
        return jsonify(error=str(exc), status=400), 400


@pagecache.key_part("booking.api_availability")
@pagecache.key_part("booking.start")  # its day and time lists are this same answer
def booking_state(connection: sa.Connection) -> str:
    """Changes with every booking, hold, cancellation or move, and every minute."""
    versions = connection.exec_driver_sql("SELECT sum(schedule_version) FROM therapist").scalar()
    return f"booked{versions or 0},minute{int(clock.now().timestamp() // 60)}"


def _availability(args) -> dict:
    clinic, now = get_clinic(), clock.now()
    slug = (args.get("service") or "").strip()
    if not slug:
        raise BadRequest("service is required (a service slug)")
    ref = reference.current()  # read only: the answer is JSON, nothing here writes
    service = ref.service(slug)
    if service is None or not service.active_options:
        raise BadRequest(f"unknown service {slug!r}")
    option = _option(service, args.get("option"))
    add_ons = match_add_ons(service, requested_add_on_ids(args))
    if add_ons is None:
        raise BadRequest(f"addon must name active add-ons of {slug!r} (their ids)")
    extra = sum(a.extra_minutes for a in add_ons)
    first_day, days = _days(args)
    therapists = _therapists(ref, service, slug, (args.get("therapist") or "").strip())
    place = _home_visit(service, args)
    _check_bookable(first_day, clinic, now)
    day_list = [first_day + timedelta(days=i) for i in range(days)]
    slots = selection.find_slots(
        option, therapists, day_list, clinic, now, extra_minutes=extra, place=place
    )
    studios = {loc.id: loc.slug for loc in (*ref.locations, *ref.mobile)}
    tz = clinic.tz
    local: dict[datetime, str] = {}  # therapists share starts: convert each instant once

    def iso(instant: datetime) -> str:
        text = local.get(instant)
        if text is None:
            text = local[instant] = instant.astimezone(tz).isoformat()
        return text

    return {
        "service": service.slug,
        "option": {"id": option.id, "duration_minutes": option.duration_minutes},
        "add_ons": [
            {"id": a.id, "name": a.name, "extra_minutes": a.extra_minutes, "price": a.price}
            for a in add_ons
        ],
        "duration_minutes": option.duration_minutes + extra,
        "timezone": clinic.timezone,
        "slots": [
            {
                "start": iso(s.start),
                "end": iso(s.end),
                "therapist": s.therapist.slug,
                "location": studios.get(s.location_id),
            }
            for s in slots
        ],
    }


def _home_visit(service, args) -> str | None:
    """visit=home&area=<slug>: times at a client's address in that area (None: studios)."""
    visit = (args.get("visit") or "").strip()
    if not visit:
        return None
    if visit != "home":
        raise BadRequest("visit must be 'home' (or left out for visits at a studio)")
    slug = (args.get("area") or "").strip()
    area = home_visits.area_by_slug(slug, service) if slug else None
    if area is None:
        raise BadRequest(f"area must name an area with home visits of {service.slug!r}")
    return area_place(area.id)


def _days(args) -> tuple[date, int]:
    """The first day asked for, and how many days."""
    try:
        first_day = date.fromisoformat((args.get("date") or "").strip())
    except ValueError:
        raise BadRequest("date must be a day as YYYY-MM-DD") from None
    try:
        days = int(args.get("days", "1"))
    except ValueError:
        raise BadRequest("days must be a whole number from 1 to 31") from None
    if not 1 <= days <= MAX_DAYS:
        raise BadRequest("days must be from 1 to 31")
    return first_day, days


def _therapists(ref: reference.Reference, service, slug: str, wanted: str) -> list[Therapist]:
    """Who performs the service: all of them, or the one asked for."""
    therapists = ref.performing(service.id)
    if not wanted:
        return therapists
    therapists = [t for t in therapists if t.slug == wanted]
    if not therapists:
        exists = db.session.scalar(sa.select(Therapist.id).where(Therapist.slug == wanted))
        raise BadRequest(
            f"therapist {wanted!r} does not perform {slug!r}"
            if exists
            else f"unknown therapist {wanted!r}"
        )
    return therapists


def _check_bookable(first_day: date, clinic, now) -> None:
    today = now.astimezone(clinic.tz).date()
    last = today + timedelta(days=clinic.horizon_days)
    if not today - timedelta(days=1) <= first_day <= last:
        raise BadRequest(
            f"date must be from {today.isoformat()} to {last.isoformat()} "
            f"(bookings open {clinic.horizon_days} days ahead)"
        )


def _option(service, raw):
    options = service.active_options
    if raw is None or raw == "":
        return options[0]
    option = next((o for o in options if str(o.id) == str(raw).strip()), None)
    if option is None:
        raise BadRequest(f"unknown option {raw!r} for {service.slug!r}")
    return option
