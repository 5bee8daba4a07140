"""The catalogue's kinds of row and the views they share (list, new, edit, deactivate,
delete), each driven by a `Kind`; `routes.py` gives every kind its own endpoints.

Rows that appointments still refer to are never deleted, only deactivated; every change
writes an audit event in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from clinicsite.audit import record_change
from clinicsite.extensions import db
from clinicsite.models import (
    AddOn,
    Appointment,
    AppointmentAddOn,
    AreaService,
    ExtraHours,
    Inquiry,
    Location,
    Region,
    Service,
    ServiceArea,
    ServiceOption,
    StaffUser,
    Therapist,
    TimeOff,
    WorkingHours,
    therapist_service,
)
from clinicsite.staff.auth import current_actor, fetch
from clinicsite.staff.catalogue.forms import (
    AddOnForm,
    AreaForm,
    LocationForm,
    OptionForm,
    RegionForm,
    ServiceForm,
    TherapistForm,
)

# What may refer to a row: (singular, plural, column). A row with none of these may be deleted.
REFERENCES: dict[type, tuple[tuple[str, str, Any], ...]] = {
    Service: (
        ("appointment", "appointments", Appointment.service_id),
        ("inquiry", "inquiries", Inquiry.service_id),
        ("area", "areas", AreaService.service_id),
        ("therapist", "therapists", therapist_service.c.service_id),
    ),
    ServiceOption: (("appointment", "appointments", Appointment.option_id),),
    AddOn: (("appointment", "appointments", AppointmentAddOn.add_on_id),),
    Region: (("area", "areas", ServiceArea.region_id),),
    ServiceArea: (("studio", "studios", Location.area_id),),
    Location: (
        ("appointment", "appointments", Appointment.location_id),
        ("weekly hours entry", "weekly hours entries", WorkingHours.location_id),
        ("extra hours entry", "extra hours entries", ExtraHours.location_id),
    ),
    Therapist: (
        ("appointment", "appointments", Appointment.therapist_id),
        ("staff account", "staff accounts", StaffUser.therapist_id),
        ("weekly hours entry", "weekly hours entries", WorkingHours.therapist_id),
        ("time off entry", "time off entries", TimeOff.therapist_id),
        ("extra hours entry", "extra hours entries", ExtraHours.therapist_id),
    ),
}


def references(row) -> list[str]:
    """'3 appointments', '1 area'...: what stops `row` from being deleted (one query)."""
    refs = REFERENCES[type(row)]
    counts = db.session.execute(
        sa.select(
            *(
                sa.select(sa.func.count())
                .select_from(col.table)
                .where(col == row.id)
                .scalar_subquery()
                for _, _, col in refs
            )
        )
    ).one()
    return [
        f"{n} {one if n == 1 else many}"
        for (one, many, _), n in zip(refs, counts, strict=True)
        if n
    ]


def commit_change(row, action: str, before: dict, after: dict, form=None) -> bool:
    """Flush, audit and commit; False (with an error on the form) when the database refuses."""
    db.session.add(row)
    try:
        db.session.flush()
        subject = row.__table__.name
        record_change(subject, row.id, action, current_actor(), before, after)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        if form is not None and "slug" in form:
            form.slug.errors.append("That slug was just taken by another record; try another.")
        elif form is not None:
            form.form_errors.append("The database refused that change; please check the values.")
        return False
    return True


@dataclass(frozen=True)
class Kind:
    """One sort of catalogue row: its endpoints are catalogue_<name>s, catalogue_<name>_new,
    catalogue_<name>_edit (URL parameter <name>_id), catalogue_<name>_delete and, when the
    model has `active`, catalogue_<name>_deactivate."""

    name: str
    label: str
    model: type
    form: type
    load: tuple = ()  # eager loads for the list page

    @property
    def plural(self) -> str:
        return f"{self.name}s"

    def url(self, action: str, row=None) -> str:
        if action == "list":
            return url_for(f"staff.catalogue_{self.plural}")
        ids = {f"{self.name}_id": row.id} if row is not None else {}
        return url_for(f"staff.catalogue_{self.name}_{action}", **ids)

    @property
    def can_deactivate(self) -> bool:
        return hasattr(self.model, "active")


SERVICE = Kind("service", "Service", Service, ServiceForm, (selectinload(Service.options),))
REGION = Kind("region", "Region", Region, RegionForm, (selectinload(Region.areas),))
AREA = Kind(
    "area",
    "Area",
    ServiceArea,
    AreaForm,
    (selectinload(ServiceArea.region), selectinload(ServiceArea.offerings)),
)
LOCATION = Kind("location", "Studio", Location, LocationForm, (selectinload(Location.area),))
THERAPIST = Kind(
    "therapist", "Therapist", Therapist, TherapistForm, (selectinload(Therapist.services),)
)
OPTION = Kind("option", "Option", ServiceOption, OptionForm)
ADDON = Kind("addon", "Add-on", AddOn, AddOnForm)
KINDS = (SERVICE, REGION, AREA, LOCATION, THERAPIST)


# ---- Generic views -----------------------------------------------------------------------


def list_rows(kind: Kind):
    order = (kind.model.position, kind.model.name)
    rows = db.session.scalars(sa.select(kind.model).order_by(*order).options(*kind.load))
    return render_template(f"staff/catalogue/{kind.plural}.html", kind=kind, rows=list(rows))


def render_form(kind: Kind, form, row=None):
    context: dict[str, Any] = {"kind": kind, "form": form, "row": row}
    if row is not None:
        context["refs"] = references(row)
    if isinstance(row, ServiceArea):
        context["offerings"] = db.session.scalars(
            sa.select(AreaService)
            .join(Service)
            .where(AreaService.area_id == row.id)
            .order_by(Service.position, Service.name)
            .options(selectinload(AreaService.service))
        ).all()
    return render_template("staff/catalogue/form.html", **context), 422 if form.errors else 200


def save_form(row, form, action: str, before: dict) -> bool:
    form.apply(row)
    return commit_change(row, action, before, form.snapshot(row), form)


def create_row(kind: Kind):
    form = kind.form()
    if form.validate_on_submit():
        row = kind.model()
        if save_form(row, form, "created", {}):
            flash(f"{kind.label} “{row.name}” created.", "success")
            return redirect(kind.url("edit", row))
    return render_form(kind, form)


def edit_row(kind: Kind, pk: int):
    row = fetch(kind.model, pk)
    form = kind.form(obj=row, row_id=row.id)
    if form.validate_on_submit():
        if save_form(row, form, "updated", form.snapshot(row)):
            flash(f"{kind.label} “{row.name}” saved.", "success")
            return redirect(kind.url("edit", row))
    return render_form(kind, form, row)


def deactivate_row(kind: Kind, pk: int, back: Callable[[Any], str] | None = None):
    row = fetch(kind.model, pk)
    if row.active:
        before = kind.form.snapshot(row)
        row.active = False
        commit_change(row, "deactivated", before, kind.form.snapshot(row))
    flash(
        f"{kind.label} “{describe(row)}” is inactive: hidden from the site and booking.", "success"
    )
    return redirect(back(row) if back else kind.url("edit", row))


def delete_row(kind: Kind, pk: int, back: Callable[[Any], str] | None = None):
    row = fetch(kind.model, pk)
    refs = references(row)
    context = {"kind": kind, "row": row, "name": describe(row), "refs": refs}
    if request.method == "GET" or refs:
        page = render_template("staff/catalogue/delete.html", **context)
        return page, 409 if refs and request.method == "POST" else 200
    before, pk, target = kind.form.snapshot(row), row.id, back(row) if back else kind.url("list")
    db.session.delete(row)
    record_change(row.__table__.name, pk, "deleted", current_actor(), before, {})
    try:
        db.session.commit()
    except IntegrityError:  # something came to refer to it since the check above
        db.session.rollback()
        context.update(row=fetch(kind.model, pk), refs=["a record just added"])
        return render_template("staff/catalogue/delete.html", **context), 409
    flash(f"{kind.label} “{context['name']}” deleted.", "success")
    return redirect(target)


def describe(row) -> str:
    if isinstance(row, ServiceOption):
        return f"{row.service.name}, {row.duration_minutes} min"
    return row.name
