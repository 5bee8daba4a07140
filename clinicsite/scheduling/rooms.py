"""Rooms and equipment from the database: the pools availability reads, and the room a
visit takes under the booking lock.

A studio that lists no rooms takes any number of visits at once, as before rooms existed,
and one that lists no equipment limits none; each kind of limit starts with the first row
staff add. A visit holds its room and equipment from its start until its buffer ends.

Under the lock (`take_room`, called by holds.claim after the therapist's lock) the studio's
row is locked too: with SELECT ... FOR NO KEY UPDATE on PostgreSQL, so two therapists' bookings
at one studio queue for its rooms; on SQLite the therapist's UPDATE already made the
transaction the only writer. Locks are always taken therapists first, then the studio.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

import sqlalchemy as sa

from clinicsite import reference
from clinicsite.extensions import db
from clinicsite.models import Appointment, Equipment, Location, Room, Service
from clinicsite.scheduling import availability as av
from clinicsite.scheduling.holds import SlotTaken, blocking_condition


class NoRoomFree(SlotTaken):
    """Every suitable room (or every item of the equipment needed) at the studio is taken
    then. A SlotTaken, so every path that refuses a taken time refuses this one too."""

    def __init__(self, location: Location, equipment: str = "") -> None:
        what = f"no {equipment} is" if equipment else "no room is"
        super().__init__(f"At {location.name} {what} free then")
        self.location = location
        self.equipment = equipment


def suits(room: Room, service: Service) -> bool:
    """Whether a visit of `service` may take `room` (active, of the kind it needs)."""
    return room.active and (not service.room_kind or room.kind == service.room_kind)


def _taken(query, now: datetime, start: datetime, end: datetime, exclude_id: int | None):
    query = query.where(
        Appointment.starts_at < end, Appointment.blocks_until > start, blocking_condition(now)
    )
    if exclude_id is not None:
        query = query.where(Appointment.id != exclude_id)
    return db.session.execute(query).all()


def _equipment_users(name: str, location_ids, now, start, end, exclude_id):
    query = (
        sa.select(Appointment.location_id, Appointment.starts_at, Appointment.blocks_until)
        .join(Service, Service.id == Appointment.service_id)
        .where(Service.equipment_needed == name, Appointment.location_id.in_(location_ids))
    )
    return _taken(query, now, start, end, exclude_id)


def pools(
    service: Service,
    start: datetime,
    end: datetime,
    now: datetime,
    exclude_id: int | None = None,
    ignore_bookings: bool = False,
) -> list[av.RoomPool]:
    """The room pool of every studio that limits `service`, with what is taken between
    `start` and `end` (nothing with `ignore_bookings`), in at most three queries (the
    rooms come from the per-process snapshot, whose counter every room edit bumps)."""
    rooms: dict[int, list[Room]] = defaultdict(list)
    for room in reference.current().rooms:  # read only: their ids, studios, kinds, states
        rooms[room.location_id].append(room)
    items: dict[int, int] = {}
    if service.equipment_needed:
        for location_id, name, count, active in db.session.execute(
            sa.select(Equipment.location_id, Equipment.name, Equipment.count, Equipment.active)
        ):
            items.setdefault(location_id, 0)
            if name == service.equipment_needed and active:
                items[location_id] += count
    room_taken: dict[int, list[av.Interval]] = defaultdict(list)
    equipment_busy: dict[int, list[av.Interval]] = defaultdict(list)
    if not ignore_bookings:
        suitable = [r.id for rs in rooms.values() for r in rs if suits(r, service)]
        if service.needs_room and suitable:
            query = sa.select(Appointment.room_id, Appointment.starts_at, Appointment.blocks_until)
            query = query.where(Appointment.room_id.in_(suitable))
            for room_id, lo, hi in _taken(query, now, start, end, exclude_id):
                room_taken[room_id].append(av.Interval(lo, hi))
        if items:
            for location_id, lo, hi in _equipment_users(
                service.equipment_needed, list(items), now, start, end, exclude_id
            ):
                equipment_busy[location_id].append(av.Interval(lo, hi))
    result = []
    for location_id in set(rooms) | set(items):
        room_list = None
        if service.needs_room and rooms.get(location_id):
            room_list = [room_taken[r.id] for r in rooms[location_id] if suits(r, service)]
        result.append(
            av.RoomPool(
                location_id,
                rooms=room_list,
                equipment=items.get(location_id),
                equipment_busy=equipment_busy[location_id],
            )
        )
    return result


def _special_kinds() -> set[str]:
    """The room kinds some active service asks for by name."""
    return set(
        db.session.scalars(
            sa.select(Service.room_kind).where(Service.active, Service.room_kind != "")
        )
    )


def lock_studio(location_id: int) -> Location:
    """Take the studio's room lock (its row, until commit) and return it. FOR NO KEY
    UPDATE: room takers queue for each other, but rows that merely point at the studio
    (a closure, another studio's booking) are not held up by it."""
    return db.session.scalar(
        sa.select(Location).where(Location.id == location_id).with_for_update(key_share=True)
    )


def take_room(appointment: Appointment, now: datetime) -> None:
    """Give `appointment` a free room at its studio, under the studio's lock, or raise
    NoRoomFree; check the equipment it needs the same way. Call under the therapist's lock.
    """
    service = db.session.get(Service, appointment.service_id)
    location_id = appointment.location_id
    start, end = appointment.starts_at, appointment.blocks_until
    rooms = list(
        db.session.scalars(
            sa.select(Room).where(Room.location_id == location_id).order_by(Room.position, Room.id)
        )
    )
    limits_room = service.needs_room and bool(rooms)
    equipment = db.session.scalars(
        sa.select(Equipment).where(Equipment.location_id == location_id)
    ).all()
    limits_equipment = bool(service.equipment_needed) and bool(equipment)
    appointment.room = None
    if not (limits_room or limits_equipment):
        return
    location = lock_studio(location_id)
    if limits_equipment:
        count = sum(e.count for e in equipment if e.active and e.name == service.equipment_needed)
        users = _equipment_users(
            service.equipment_needed, [location_id], now, start, end, appointment.id
        )
        if av.peak_use([(lo, hi) for _, lo, hi in users], start, end) >= count:
            raise NoRoomFree(location, service.equipment_needed)
    if limits_room:
        free = _free_rooms(rooms, service, start, end, now, appointment.id)
        if not free:
            raise NoRoomFree(location)
        appointment.room = free[0]


def _free_rooms(rooms, service, start, end, now, exclude_id) -> list[Room]:
    """The rooms of `rooms` that suit `service` and are free for [start, end), the one to
    give first: a visit that takes any room gets a room of a kind no service asks for when
    one is free, so the prenatal room stays free for the visits that can use no other."""
    suitable = [r for r in rooms if suits(r, service)]
    query = sa.select(Appointment.room_id).where(Appointment.room_id.in_([r.id for r in suitable]))
    taken = {room_id for (room_id,) in _taken(query, now, start, end, exclude_id)}
    free = [r for r in suitable if r.id not in taken]
    if not service.room_kind and len(free) > 1:
        special = _special_kinds()
        free.sort(key=lambda r: r.kind in special)  # stable: position order within
    return free


def room_for(service: Service, location_id: int, start, end, now) -> Room | None:
    """A free room for a visit written without the booking lock (the demo's past and
    booked visits, loaded by one process): the room `take_room` would give, or None."""
    if not service.needs_room:
        return None
    rooms = db.session.scalars(
        sa.select(Room).where(Room.location_id == location_id).order_by(Room.position, Room.id)
    ).all()
    free = _free_rooms(rooms, service, start, end, now, None)
    return free[0] if free else None
