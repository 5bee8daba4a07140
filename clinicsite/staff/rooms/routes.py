"""Staff: rooms and equipment per studio (admins): add, edit, deactivate.

A change takes the studio's room lock (scheduling/rooms.py), so a booking being made at
that studio either commits first or waits and then sees the change. Deactivating a room
leaves its bookings in it; the page says how many are still to come."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, url_for
from sqlalchemy.orm import selectinload

from clinicsite import clock
from clinicsite.audit import record_change
from clinicsite.extensions import db
from clinicsite.models import Appointment, Equipment, Location, Room
from clinicsite.scheduling.holds import blocking_condition
from clinicsite.scheduling.rooms import lock_studio
from clinicsite.staff import bp
from clinicsite.staff.auth import current_actor, fetch, roles_required
from clinicsite.staff.rooms.forms import EquipmentForm, RoomForm

ROOM_COLUMNS = ("name", "kind", "position", "active")
EQUIPMENT_COLUMNS = ("name", "count", "active")


def _studios() -> list[Location]:
    query = sa.select(Location).order_by(Location.active.desc(), Location.position, Location.name)
    return list(db.session.scalars(query))


def _snapshot(row, columns) -> dict:
    return {"location_id": row.location_id} | {name: getattr(row, name) for name in columns}


def _page(room_form=None, equipment_form=None, status=200):
    studios = _studios()
    rooms = db.session.scalars(
        sa.select(Room).order_by(Room.position, Room.name).options(selectinload(Room.location))
    ).all()
    equipment = db.session.scalars(sa.select(Equipment).order_by(Equipment.name)).all()
    return render_template(
        "staff/rooms/index.html",
        studios=studios,
        rooms={s.id: [r for r in rooms if r.location_id == s.id] for s in studios},
        equipment={s.id: [e for e in equipment if e.location_id == s.id] for s in studios},
        room_form=room_form or RoomForm(formdata=None, studios=studios),
        equipment_form=equipment_form or EquipmentForm(formdata=None, studios=studios),
    ), status


@bp.get("/rooms/")
@roles_required("admin")
def rooms_page():
    return _page()


def _add(form, model, columns, what: str):
    """Save a new room or item from a valid `form`, audited; returns it."""
    lock_studio(form.studio.data)
    row = model(location_id=form.studio.data, **{name: form[name].data for name in columns})
    db.session.add(row)
    db.session.flush()
    record_change(what, row.id, f"{what} added", current_actor(), after=_snapshot(row, columns))
    db.session.commit()
    return row


@bp.post("/rooms/")
@roles_required("admin")
def rooms_add():
    form = RoomForm(studios=_studios())
    if not form.validate():
        return _page(room_form=form, status=422)
    room = _add(form, Room, ROOM_COLUMNS, "room")
    flash(f"Added {room.name} ({room.kind}) at {room.location.name}.", "success")
    return redirect(url_for("staff.rooms_page"), 303)


@bp.post("/rooms/equipment")
@roles_required("admin")
def equipment_add():
    form = EquipmentForm(studios=_studios())
    if not form.validate():
        return _page(equipment_form=form, status=422)
    item = _add(form, Equipment, EQUIPMENT_COLUMNS, "equipment")
    flash(f"Added {item.count} × {item.name} at {item.location.name}.", "success")
    return redirect(url_for("staff.rooms_page"), 303)


def _upcoming_in(room: Room) -> int:
    now = clock.now()
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Appointment)
        .where(Appointment.room_id == room.id, Appointment.ends_at > now, blocking_condition(now))
    )


def _save(form, row, columns, what: str) -> None:
    before = _snapshot(row, columns)
    lock_studio(row.location_id)
    for name in columns:
        setattr(row, name, form[name].data)
    record_change(what, row.id, f"{what} changed", current_actor(), before, _snapshot(row, columns))
    db.session.commit()


@bp.route("/rooms/<int:room_id>", methods=["GET", "POST"])
@roles_required("admin")
def room_edit(room_id: int):
    room = fetch(Room, room_id)
    form = RoomForm(row=room)
    if not form.validate_on_submit():
        status = 422 if form.errors else 200
        return render_template("staff/rooms/edit.html", form=form, row=room, what="room"), status
    _save(form, room, ROOM_COLUMNS, "room")
    _say_saved(room.name, room)
    return redirect(url_for("staff.rooms_page"), 303)


@bp.route("/rooms/equipment/<int:equipment_id>", methods=["GET", "POST"])
@roles_required("admin")
def equipment_edit(equipment_id: int):
    item = fetch(Equipment, equipment_id)
    form = EquipmentForm(row=item)
    if not form.validate_on_submit():
        status = 422 if form.errors else 200
        return render_template(
            "staff/rooms/edit.html", form=form, row=item, what="equipment"
        ), status
    _save(form, item, EQUIPMENT_COLUMNS, "equipment")
    _say_saved(item.name)
    return redirect(url_for("staff.rooms_page"), 303)


def _say_saved(name: str, room: Room | None = None) -> None:
    if room is not None and not room.active:
        left = _upcoming_in(room)
        if left:
            flash(
                f"Saved: {name} takes no new bookings. {left} booking(s) still to come are "
                "in it: move them from their pages if the room is out of use.",
                "warning",
            )
            return
    flash(f"Saved {name}.", "success")
