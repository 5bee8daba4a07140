"""Travel time between the places a therapist works. Pure standard library.

A place is a string: "area:<id>" for an address in a service area (a home visit, or a
therapist's home base there) and "studio:<id>" for a studio. Travel counts between two
places when at least one of them is an area: a therapist leaving a client's home for the
next client, or for a studio, needs the road in between. Between studios it counts
nothing: a therapist's hours at two studios are planned by the clinic, as before home
visits existed. Two visits in one area are still two addresses, so an area has a travel
time to itself.

Minutes set by staff (the /staff/travel/ matrix) win; any pair not set gets a default from
the two places' coordinates (straight-line distance, stretched for roads, at city speed,
plus time to park), or `FALLBACK_MINUTES` when either has none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property
from math import asin, ceil, cos, radians, sin, sqrt

AREA, STUDIO = "area", "studio"

# The default model: roads run about 1.4 times the straight line, traffic in the cities the
# clinic serves averages about 35 km/h, and finding a place to park takes about 5 minutes.
ROAD_FACTOR = 1.4
CITY_KMH = 35.0
PARKING_MINUTES = 5
WITHIN_AREA_MINUTES = 15  # two addresses in one area, by default
FALLBACK_MINUTES = 30  # a pair where either place has no coordinates
MAX_MINUTES = 600


def area_place(area_id: int) -> str:
    return f"{AREA}:{area_id}"


def studio_place(location_id: int) -> str:
    return f"{STUDIO}:{location_id}"


def kind_of(place: str) -> str:
    return place.partition(":")[0]


def pair(a: str, b: str) -> tuple[str, str]:
    """The pair as it is stored: the smaller name first."""
    return (a, b) if a <= b else (b, a)


@dataclass(frozen=True)
class Place:
    key: str  # "area:<id>" or "studio:<id>"
    name: str
    latitude: float | None = None
    longitude: float | None = None


def kilometres(a: Place, b: Place) -> float | None:
    """Great-circle distance between two places, or None when either has no coordinates."""
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return None
    lat1, lon1, lat2, lon2 = map(radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = sin((lat2 - lat1) / 2) ** 2 + cos(lat1) * cos(lat2) * sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * asin(sqrt(h))


def default_minutes(a: Place, b: Place) -> int:
    """The default travel between two places, rounded up to 5 minutes."""
    if a.key == b.key:
        return WITHIN_AREA_MINUTES if kind_of(a.key) == AREA else 0
    km = kilometres(a, b)
    if km is None:
        return FALLBACK_MINUTES
    minutes = km * ROAD_FACTOR / CITY_KMH * 60 + PARKING_MINUTES
    return min(MAX_MINUTES, max(WITHIN_AREA_MINUTES, 5 * ceil(minutes / 5)))


def counts(a: str | None, b: str | None) -> bool:
    """Whether travel between the two places is planned for (see the module docstring)."""
    if a is None or b is None:
        return False
    return AREA in (kind_of(a), kind_of(b))


class TravelTimes:
    """Minutes between places: those set by staff, else the default. `places` are those
    whose coordinates the defaults use; a place not in it gets `FALLBACK_MINUTES`."""

    def __init__(self, places: Mapping[str, Place], set_minutes: Mapping[tuple[str, str], int]):
        self.places = dict(places)
        self.set_minutes = {pair(*key): value for key, value in set_minutes.items()}
        self._cache: dict[tuple[str, str], int] = {}

    def minutes(self, a: str | None, b: str | None) -> int:
        if not counts(a, b):
            return 0
        key = pair(a, b)
        if key not in self._cache:
            if key in self.set_minutes:
                self._cache[key] = self.set_minutes[key]
            else:
                self._cache[key] = self.default(*key)
        return self._cache[key]

    def default(self, a: str, b: str) -> int:
        first, second = self.places.get(a), self.places.get(b)
        if first is None or second is None:
            return WITHIN_AREA_MINUTES if a == b and kind_of(a) == AREA else FALLBACK_MINUTES
        return default_minutes(first, second)

    def between(self, a: str | None, b: str | None) -> timedelta:
        return timedelta(minutes=self.minutes(a, b))

    @cached_property
    def longest(self) -> timedelta:
        """An upper bound of every travel time here: how far around a visit to look."""
        known = list(self.set_minutes.values()) + [FALLBACK_MINUTES, WITHIN_AREA_MINUTES]
        keys = list(self.places)
        known += [self.default(a, b) for i, a in enumerate(keys) for b in keys[i:]]
        return timedelta(minutes=max(known))
