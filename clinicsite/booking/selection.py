"""The booking flow's choices (service, option, studio or the client's area, therapist, day,
time) parsed from request parameters and checked against the database. Anything unknown or
tampered with becomes a message for the client, never an error page."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from clinicsite.appointments import origins
from clinicsite.booking import home_visits
from clinicsite.booking.addons import match_add_ons, requested_add_on_ids
from clinicsite.catalogue import active_services
from clinicsite.extensions import db
from clinicsite.models import (
    AddOn,
    ClinicSettings,
    Location,
    Service,
    ServiceArea,
    ServiceOption,
    Therapist,
    WorkingHours,
    therapist_service,
)
from clinicsite.scheduling.slots import TherapistSlot, find_slots
from clinicsite.scheduling.travel import area_place

ANY = "any"


@dataclass
class Selection:
    service: Service | None = None
    option: ServiceOption | None = None
    location: Location | None = None
    therapist: Therapist | None = None  # None with any_therapist: whoever is free
    any_therapist: bool = False
    day: date | None = None
    start: datetime | None = None
    problems: list[str] = field(default_factory=list)
    # The extras ticked (the service's active add-ons), and whether the client is still
    # to choose them (the step after the length, for a service that has some).
    add_ons: list[AddOn] = field(default_factory=list)
    choosing_extras: bool = False
    # Where the client came from (appointments/origins.py), carried from step to step.
    origin: str | None = None
    # Shown as the booking widget in another site's frame (booking/embed.py).
    embed: bool = False
    # A therapist asked for before their step (a link from their profile): the steps offer
    # only what they do and where, and choose them when their step comes.
    prefer: Therapist | None = None
    # A visit at the client's address (visit=home): the area it is in (area=<slug>, or
    # found from the postal code the client typed, postal=...). `location` is then the
    # home-visit hours (a mobile location), never shown as a studio.
    at_home: bool = False
    area: ServiceArea | None = None
    postal: str = ""
    # The postal code is in no area visited for the service: the nearest ones that are.
    nearest: list[home_visits.Nearby] = field(default_factory=list)
    # Where a link asked the visit to be (visit, area, postal, location: an area page's),
    # as given, until the step that reads it: the steps before carry it on.
    pending: dict[str, str] = field(default_factory=dict)

    @property
    def place(self) -> str | None:
        """Where the visit happens, for travel (None: at the chosen studio)."""
        return area_place(self.area.id) if self.at_home and self.area else None

    @property
    def surcharge(self) -> int:
        return self.area.outcall_surcharge if self.at_home and self.area else 0

    @property
    def extras_chosen(self) -> bool:
        return bool(self.option and self.service.active_add_ons and not self.choosing_extras)

    @property
    def extra_minutes(self) -> int:
        return sum(a.extra_minutes for a in self.add_ons)

    @property
    def total_minutes(self) -> int:
        return self.option.duration_minutes + self.extra_minutes

    @property
    def total_price(self) -> int:
        """What the visit costs: the length's price, every extra's and a home visit's
        surcharge (the server's sum)."""
        return self.option.price + sum(a.price for a in self.add_ons) + self.surcharge

    def params(self, **override) -> dict[str, str | list[str]]:
        """The query parameters that reproduce this selection (for links; `addon` is a
        list, one value per extra, which url_for repeats)."""
        values = {
            "service": self.service.slug if self.service else None,
            "option": str(self.option.id) if self.option else None,
            "extras": "1" if self.extras_chosen else None,
            "addon": [str(a.id) for a in self.add_ons] if self.extras_chosen else None,
            "visit": "home" if self.at_home else None,
            "area": self.area.slug if self.area else None,
            "postal": self.postal or None,
            "location": self.location.slug if self.location and not self.at_home else None,
            "therapist": self._therapist_param(),
            "day": self.day.isoformat() if self.day else None,
            "from": self.origin,
            "embed": "1" if self.embed else None,
        }
        for name, value in self.pending.items():
            values[name] = values[name] or value
        values.update(override)
        return {k: v for k, v in values.items() if v}

    def _therapist_param(self) -> str | None:
        if self.any_therapist:
            return ANY
        chosen = self.therapist or self.prefer
        return chosen.slug if chosen else None

    def offered_by_preferred(self, service: Service) -> bool:
        """Whether the therapist asked for performs `service` (yes when none was)."""
        return self.prefer is None or any(s.id == service.id for s in self.prefer.services)

    def fields(self, **override) -> list[tuple[str, str]]:
        """The same parameters as (name, value) pairs, for hidden form fields."""
        pairs = []
        for name, value in self.params(**override).items():
            pairs.extend((name, v) for v in ([value] if isinstance(value, str) else value))
        return pairs

    @property
    def origin_param(self) -> dict[str, str]:
        """Only where the client came from and whether this is the widget, for a link back
        to the start."""
        return self.params(
            service=None,
            option=None,
            extras=None,
            addon=None,
            visit=None,
            area=None,
            postal=None,
            location=None,
            therapist=None,
            day=None,
        )

    @property
    def place_params(self) -> dict[str, str | list[str]]:
        """This selection back at the choice of studio or address."""
        return self.params(
            visit=None, area=None, postal=None, location=None, therapist=None, day=None
        )

    @property
    def therapist_ready(self) -> bool:
        return self.therapist is not None or self.any_therapist


def bookable_services() -> list[Service]:
    """Active services with their options: the same list the public pages show."""
    return active_services()


def locations_for(service: Service, kind: str = "studio") -> list[Location]:
    """Studios where someone who performs the service has weekly hours (kind "mobile":
    the home-visit hours where someone does)."""
    if kind == "studio" and not service.at_studio or kind == "mobile" and not service.at_home:
        return []
    performers = sa.select(therapist_service.c.therapist_id).where(
        therapist_service.c.service_id == service.id
    )
    return list(
        db.session.scalars(
            sa.select(Location)
            .where(
                Location.active,
                Location.kind == kind,
                Location.id.in_(
                    sa.select(WorkingHours.location_id).where(
                        WorkingHours.therapist_id.in_(performers)
                    )
                ),
            )
            .order_by(Location.position, Location.name)
        )
    )


def therapists_for(service: Service, location: Location | None) -> list[Therapist]:
    query = (
        sa.select(Therapist)
        .join(therapist_service, therapist_service.c.therapist_id == Therapist.id)
        .where(Therapist.active, therapist_service.c.service_id == service.id)
        .order_by(Therapist.position, Therapist.name)
    )
    if location is not None:
        query = query.where(
            Therapist.id.in_(
                sa.select(WorkingHours.therapist_id).where(WorkingHours.location_id == location.id)
            )
        )
    return list(db.session.scalars(query))


def bookable_days(clinic: ClinicSettings, now: datetime) -> tuple[date, date]:
    """The first and last local days that can have free times: the last is the day of the
    latest start (now + horizon), which a change of clock can move to the next date."""
    latest = now + timedelta(days=clinic.horizon_days)
    return now.astimezone(clinic.tz).date(), latest.astimezone(clinic.tz).date()


# Where the visit happens, read after the length and extras and carried until then.
PLACE_PARAMS = ("visit", "area", "postal", "location")
MAX_PENDING = 80  # longer than any slug or postal code: a tampered link, cut


def parse(
    args: Mapping[str, str],
    clinic: ClinicSettings,
    services: list[Service],
    now: datetime | None = None,
) -> Selection:
    """Read the choices in order; stop at the first one that is missing or wrong."""
    sel = Selection(origin=origins.given(args), embed=args.get("embed") == "1")
    sel.prefer = _preferred(args)
    slug = (args.get("service") or "").strip()
    if not slug:
        return sel
    sel.service = next((s for s in services if s.slug == slug), None)
    if sel.service is None:
        sel.problems.append("We could not find that service. Please choose one below.")
        return sel
    sel.pending = {
        name: value[:MAX_PENDING]
        for name in PLACE_PARAMS
        if (value := str(args.get(name) or "").strip())
    }
    options = sel.service.active_options
    raw_option = (args.get("option") or "").strip()
    if raw_option:
        sel.option = next((o for o in options if str(o.id) == raw_option), None)
        if sel.option is None:
            sel.problems.append("That session length is not offered. Please choose one below.")
            return sel
    elif len(options) == 1:
        sel.option = options[0]
    if sel.option is None:
        return sel
    _parse_visit(args, sel)
    if sel.problems:
        return sel
    _parse_add_ons(args, sel)
    if sel.choosing_extras:
        return sel
    _parse_place(args, sel)
    if sel.therapist_ready and not sel.problems:
        _parse_day(args, sel, clinic)
    if sel.day is not None and now is not None:
        first, last = bookable_days(clinic, now)
        if not first <= sel.day <= last:
            sel.problems.append(
                f"Online booking is open for the next {clinic.horizon_days} days. "
                "Please pick a day below."
            )
            sel.day = sel.start = None
    return sel


def _preferred(args: Mapping[str, str]) -> Therapist | None:
    """The active therapist a link names, whatever step it is at (unknown: none)."""
    slug = (args.get("therapist") or "").strip()
    if not slug or slug == ANY or len(slug) > 80:
        return None
    return db.session.scalar(sa.select(Therapist).where(Therapist.slug == slug, Therapist.active))


def works_at(therapist: Therapist, location: Location) -> bool:
    return any(h.location_id == location.id for h in therapist.hours)


def _parse_add_ons(args: Mapping[str, str], sel: Selection) -> None:
    """The extras ticked; a service with add-ons asks for them once, after the length
    (a link that already names a studio, therapist or time skips the question)."""
    wanted = requested_add_on_ids(args)
    chosen = match_add_ons(sel.service, wanted)
    if chosen is None:
        sel.problems.append(
            "One of those extras is not offered with this service. Please choose again below."
        )
        sel.choosing_extras = True
        return
    sel.add_ons = chosen
    # A therapist named before their step (sel.prefer) is not a later choice made.
    later = ("extras", "location", "day", "start") + (() if sel.prefer else ("therapist",))
    if sel.service.active_add_ons and not wanted and not any(args.get(k) for k in later):
        sel.choosing_extras = True


def _parse_place(args: Mapping[str, str], sel: Selection) -> None:
    sel.pending.pop("location", None)
    if _home_visit_hours(sel):
        _parse_therapist(args, sel)
        return
    if sel.at_home or sel.problems:
        return
    locations = locations_for(sel.service)
    raw = (args.get("location") or "").strip()
    if raw:
        sel.location = next((loc for loc in locations if loc.slug == raw), None)
        if sel.location is None:
            sel.problems.append("That studio does not offer this service. Please choose below.")
            return
    elif len(locations) == 1:
        sel.location = locations[0]
    elif sel.prefer is not None:  # the one studio where the therapist asked for works
        theirs = [loc for loc in locations if works_at(sel.prefer, loc)]
        sel.location = theirs[0] if len(theirs) == 1 else None
    if sel.location is None:
        return
    _parse_therapist(args, sel)


def _parse_visit(args: Mapping[str, str], sel: Selection) -> None:
    """A visit at the client's address and its area, read before the extras so that their
    step carries them on. A service given only at home is always such a visit."""
    for name in ("visit", "area", "postal"):
        sel.pending.pop(name, None)
    service = sel.service
    wanted = (args.get("visit") or "").strip()
    if wanted == "home" and not service.at_home:
        sel.problems.append(
            "This service is given at our studios only. Please choose a studio below."
        )
        return
    sel.at_home = wanted == "home" or not service.at_studio
    if not sel.at_home:
        return
    raw_postal = (args.get("postal") or "").strip()
    sel.postal = home_visits.clean_postal(raw_postal)
    if raw_postal and not sel.postal:
        sel.problems.append("That postal code could not be read. Please type it again.")
        return
    slug = (args.get("area") or "").strip()
    if slug:
        sel.area = home_visits.area_by_slug(slug, service)
        if sel.area is None:
            sel.problems.append(
                "We do not come to that area for this service. Please give your postal code."
            )
    elif sel.postal:
        sel.area = home_visits.area_for_postal(sel.postal, service)
        if sel.area is None:
            sel.nearest = home_visits.nearest(sel.postal, service)
            sel.problems.append(home_visits.outside_message(sel.postal, sel.nearest))


def _home_visit_hours(sel: Selection) -> bool:
    """For a visit at home in a known area: the home-visit hours as the location."""
    if not sel.at_home or sel.area is None or sel.problems:
        return False
    hours = [
        loc
        for loc in locations_for(sel.service, "mobile")
        if sel.prefer is None or works_at(sel.prefer, loc)
    ]
    if not hours:
        sel.problems.append(
            "No therapist has home-visit hours for this service at the moment. "
            "Please choose a studio, or call us."
        )
        return False
    sel.location = hours[0]
    return True


def _parse_therapist(args: Mapping[str, str], sel: Selection) -> None:
    raw = (args.get("therapist") or "").strip()
    if raw == ANY:
        sel.any_therapist = True
    elif raw:
        sel.therapist = next(
            (t for t in therapists_for(sel.service, sel.location) if t.slug == raw), None
        )
        if sel.therapist is None:
            sel.problems.append("That therapist is not available for this. Please choose below.")
    sel.prefer = None  # their step has come: chosen, or a choice to make


def _parse_day(args: Mapping[str, str], sel: Selection, clinic: ClinicSettings) -> None:
    raw = (args.get("day") or "").strip()
    if raw:
        try:
            sel.day = date.fromisoformat(raw)
        except ValueError:
            sel.problems.append("That date could not be read. Please pick a day below.")
            return
    raw = (args.get("start") or "").strip()
    if raw:
        try:
            start = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            start = None
        if start is None or start.tzinfo is None:
            sel.problems.append("That time could not be read. Please pick a time below.")
            return
        try:
            sel.start = start.astimezone(UTC)
            sel.day = sel.start.astimezone(clinic.tz).date()
        except OverflowError:  # year 1 or 9999 shifted into the clinic's zone
            sel.start = None
            sel.problems.append("That time is outside the booking window. Please pick a day.")


def candidates(sel: Selection) -> list[Therapist]:
    if sel.therapist is not None:
        return [sel.therapist]
    return therapists_for(sel.service, sel.location)


def slots_on(
    sel: Selection,
    days: list[date],
    clinic: ClinicSettings,
    now: datetime,
    ignore_bookings: bool = False,
):
    return find_slots(
        sel.option,
        candidates(sel),
        days,
        clinic,
        now,
        location_id=sel.location.id,
        ignore_bookings=ignore_bookings,
        extra_minutes=sel.extra_minutes,
        place=sel.place,
    )


def first_per_start(slots: list[TherapistSlot]) -> list[TherapistSlot]:
    """One entry per start time (the first therapist in order), for "any therapist"."""
    seen, unique = set(), []
    for slot in slots:
        if slot.start not in seen:
            seen.add(slot.start)
            unique.append(slot)
    return unique


def days_with_times(sel: Selection, clinic: ClinicSettings, now: datetime):
    """[(day, number of free start times)] for every day up to the booking horizon that
    has any."""
    first, last = bookable_days(clinic, now)
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    counts: dict[date, int] = {}
    for slot in first_per_start(slots_on(sel, days, clinic, now)):
        day = slot.start.astimezone(clinic.tz).date()
        counts[day] = counts.get(day, 0) + 1
    return sorted(counts.items())


DAYS_PER_PAGE = 14


@dataclass
class DayPage:
    """One page of the days that have free times: the day picker shows 14 at a time, with
    links to the earlier and later pages, so every day up to the horizon can be reached."""

    days: list[tuple[date, int]]
    number: int  # 1-based
    count: int  # how many pages there are
    problem: str | None = None  # the page asked for could not be read (a 400)
    notice: str | None = None  # the page asked for is past the last one (stale link)
    earlier_from: date | None = None  # the first day of the previous page
    later_from: date | None = None  # the first day of the next page


def day_page(
    sel: Selection,
    clinic: ClinicSettings,
    now: datetime,
    raw_page: str | None,
    per_page: int = DAYS_PER_PAGE,
) -> DayPage:
    """The page of days asked for by `raw_page` ("2"); without one, the page that holds the
    chosen day (so coming back from the details form keeps the client's place)."""
    return page_of_days(days_with_times(sel, clinic, now), raw_page, sel.day, per_page)


def page_of_days(
    every: list[tuple[date, int]],
    raw_page: str | None,
    chosen: date | None = None,
    per_page: int = DAYS_PER_PAGE,
) -> DayPage:
    """One page of `every` (days with their number of times, in order)."""
    count = max(1, -(-len(every) // per_page))
    number, problem, notice = 1, None, None
    raw = (raw_page or "").strip()
    if raw:
        if re.fullmatch(r"[0-9]{1,6}", raw) and int(raw) >= 1:
            number = int(raw)
            if number > count:
                number = count
                notice = "There are no free days further ahead; here are the last ones."
        else:
            problem = "That page of dates could not be read. Here are the first free days."
    elif chosen is not None:
        beyond = max(len(every) - 1, 0)
        index = next((i for i, (day, _) in enumerate(every) if day >= chosen), beyond)
        number = index // per_page + 1
    return DayPage(
        days=every[(number - 1) * per_page : number * per_page],
        number=number,
        count=count,
        problem=problem,
        notice=notice,
        earlier_from=every[(number - 2) * per_page][0] if number > 1 else None,
        later_from=every[number * per_page][0] if number < count else None,
    )


def nearest_free(sel: Selection, clinic: ClinicSettings, now: datetime, count: int = 6):
    """Free times closest to the one asked for (which was just taken)."""
    target = sel.start
    local_day = target.astimezone(clinic.tz).date()
    days = [local_day + timedelta(days=i) for i in range(-1, 4)]
    slots = first_per_start(slots_on(sel, days, clinic, now))
    slots.sort(key=lambda s: abs(s.start - target))
    return sorted(slots[:count], key=lambda s: s.start)
