"""The travel-time matrix as staff edit it: every pair of places once, its minutes as set,
the default it falls back to, and the reading and saving of the whole table in one go.

The places are the active areas that take home visits and the active studios, with the
coordinates `reference.travel_places` gives the defaults on the public side, so the
placeholder a pair shows is the time availability uses while nobody sets one. Between two
studios travel counts nothing (scheduling/travel.py): those pairs have no input.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from clinicsite.audit import Actor, record_change
from clinicsite.extensions import db
from clinicsite.models import Location, Region, ServiceArea, TravelTime
from clinicsite.reference import travel_places
from clinicsite.scheduling import travel
from clinicsite.scheduling.travel import MAX_MINUTES, Place, TravelTimes

MINUTES = re.compile(r"[0-9]{1,4}")
# The summary at the top says it in full; the cell, narrow, briefly.
BAD_MINUTES = (
    f"Please enter whole minutes from 0 to {MAX_MINUTES}, or leave it empty for the default."
)
BAD_MINUTES_SHORT = f"Whole minutes, 0 to {MAX_MINUTES}, or empty."
UNKNOWN_PAIR = (
    "The form named places that are not in the table (an area or studio may have changed "
    "since the page was opened). Nothing was saved: please check the table and save again."
)


@dataclass(frozen=True)
class Cell:
    """One pair of places: `name` is its form field, `minutes` what staff set (None: the
    default applies), `editable` False between two studios."""

    a: Place
    b: Place
    minutes: int | None
    default: int
    editable: bool

    @property
    def name(self) -> str:
        return f"{self.a.key}|{self.b.key}"

    @property
    def id(self) -> str:
        return "t-" + re.sub(r"[^a-z0-9]+", "-", self.name)

    @property
    def label(self) -> str:
        if self.a.key == self.b.key:
            return f"Within {self.a.name}"
        return f"{self.a.name} – {self.b.name}"


@dataclass
class Matrix:
    places: list[Place]
    rows: list[list[Cell]]  # row i holds the pairs of place i with places 0..i
    typed: dict[str, str] = field(default_factory=dict)  # a rejected form's text, by name
    errors: dict[str, str] = field(default_factory=dict)  # by cell name
    form_errors: list[str] = field(default_factory=list)

    @cached_property
    def cells(self) -> dict[str, Cell]:
        return {cell.name: cell for row in self.rows for cell in row if cell.editable}

    def value(self, cell: Cell) -> str:
        if cell.name in self.typed:
            return self.typed[cell.name]
        return "" if cell.minutes is None else str(cell.minutes)

    def is_studio(self, place: Place) -> bool:
        return travel.kind_of(place.key) == travel.STUDIO


def _places() -> list[Place]:
    areas = db.session.scalars(
        sa.select(ServiceArea)
        .join(Region)
        .where(ServiceArea.active, ServiceArea.home_visits)
        .order_by(Region.position, Region.name, ServiceArea.position, ServiceArea.name)
    ).all()
    studios = db.session.scalars(
        sa.select(Location)
        .where(Location.active, Location.kind == "studio")
        .order_by(Location.position, Location.name)
        .options(selectinload(Location.area))
    ).all()
    return list(travel_places(areas, studios).values())


def stored() -> dict[tuple[str, str], TravelTime]:
    return {(r.place_a, r.place_b): r for r in db.session.scalars(sa.select(TravelTime))}


def load() -> Matrix:
    """The matrix of the places in use now, with the minutes staff have set."""
    places = _places()
    rows = stored()
    times = TravelTimes({p.key: p for p in places}, {})
    matrix = Matrix(places, [])
    for i, row_place in enumerate(places):
        cells = []
        for column_place in places[: i + 1]:
            a, b = sorted((row_place, column_place), key=lambda p: p.key)
            found = rows.get((a.key, b.key))
            editable = travel.counts(a.key, b.key)
            default = times.default(a.key, b.key)
            cells.append(Cell(a, b, found.minutes if found else None, default, editable))
        matrix.rows.append(cells)
    return matrix


def read(matrix: Matrix, form: Mapping[str, str]) -> dict[tuple[str, str], int | None] | None:
    """The minutes the posted `form` gives each pair it names (None: back to the default),
    or None with the problems noted on `matrix` when any value or name is wrong. A pair the
    form does not name is left as it is."""
    cells = matrix.cells
    wanted: dict[tuple[str, str], int | None] = {}
    for name, raw in form.items():
        if name == "csrf_token":
            continue
        cell = cells.get(name)
        if cell is None:
            if UNKNOWN_PAIR not in matrix.form_errors:
                matrix.form_errors.append(UNKNOWN_PAIR)
            continue
        text = raw.strip()
        matrix.typed[name] = text
        if not text:
            wanted[(cell.a.key, cell.b.key)] = None
        elif MINUTES.fullmatch(text) and int(text) <= MAX_MINUTES:
            wanted[(cell.a.key, cell.b.key)] = int(text)
        else:
            matrix.errors[name] = BAD_MINUTES
    if matrix.errors or matrix.form_errors:
        return None
    matrix.typed.clear()
    return wanted


def save(matrix: Matrix, wanted: dict[tuple[str, str], int | None], actor: Actor) -> int:
    """Store `wanted` (from `read`), one audit event per pair that changes; returns how many
    changed. The caller commits."""
    rows = stored()
    labels = {(c.a.key, c.b.key): c.label for c in matrix.cells.values()}
    changed = 0
    for (a, b), minutes in wanted.items():
        row = rows.get((a, b))
        before = row.minutes if row else None
        if before == minutes:
            continue
        if minutes is None:
            db.session.delete(row)
            action = "travel_default"
        elif row is None:
            db.session.add(TravelTime(place_a=a, place_b=b, minutes=minutes))
            action = "travel_set"
        else:
            row.minutes = minutes
            action = "travel_set"
        record_change(
            "travel_time",
            0,
            action,
            actor,
            {"pair": [a, b], "minutes": before},
            {"pair": [a, b], "minutes": minutes},
            note=labels[(a, b)],
        )
        changed += 1
    return changed
