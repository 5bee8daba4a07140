"""Staff: the catalogue (services and their options, regions, areas, studios, therapists)
and the clinic's settings. Admins only.

Services, regions, areas, studios and therapists share one set of views (list, new, edit,
deactivate, delete) driven by a `Kind`; their routes are registered in a loop at the end,
each behind `roles_required("admin")`. Rows that appointments still refer to are never
deleted, only deactivated; every change writes an audit event in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from clinicsite.audit import record_change
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import (
    Appointment,
    AreaService,
    ClinicSettings,
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
from clinicsite.money import minor_unit_exponent, to_decimal_string
from clinicsite.staff import bp
from clinicsite.staff.auth import current_actor, get_or_404, roles_required
from clinicsite.staff.catalogue.forms import (
    AreaForm,
    LocationForm,
    OfferingForm,
    OptionForm,
    RegionForm,
    ServiceForm,
    SettingsForm,
    TherapistForm,
)

MAX_ID = 2**31 - 1  # larger ids cannot exist, and SQLite cannot even compare them

# What may refer to a row: (singular, plural, column). A row with none of these may be deleted.
REFERENCES: dict[type, tuple[tuple[str, str, Any], ...]] = {
    Service: (
        ("appointment", "appointments", Appointment.service_id),
        ("inquiry", "inquiries", Inquiry.service_id),
        ("area", "areas", AreaService.service_id),
        ("therapist", "therapists", therapist_service.c.service_id),
    ),
    ServiceOption: (("appointment", "appointments", Appointment.option_id),),
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


def fetch(model, pk: int):
    if not 0 < pk <= MAX_ID:
        abort(404)
    return get_or_404(model, pk)


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


# ---- Options of a service ----------------------------------------------------------------


def option_form(option: ServiceOption | None = None) -> OptionForm:
    currency = get_clinic().currency
    data = None
    if option is not None:
        data = OptionForm.snapshot(option) | {
            "price": to_decimal_string(option.price, currency).removesuffix(".00"),
            "deposit": to_decimal_string(option.deposit, currency).removesuffix(".00"),
        }
    return OptionForm(data=data, exponent=minor_unit_exponent(currency))


def render_option(form: OptionForm, service: Service, option: ServiceOption | None = None):
    refs = references(option) if option is not None else []
    page = render_template(
        "staff/catalogue/option.html", form=form, service=service, option=option, refs=refs
    )
    return page, 422 if form.errors else 200


@bp.route("/catalogue/services/<int:service_id>/options/new", methods=["GET", "POST"])
@roles_required("admin")
def catalogue_option_new(service_id: int):
    service = fetch(Service, service_id)
    form = option_form()
    if form.validate_on_submit():
        option = ServiceOption(service=service)
        form.apply(option)
        if commit_change(option, "created", {}, OptionForm.snapshot(option), form):
            flash(f"Option of {option.duration_minutes} min added to {service.name}.", "success")
            return redirect(SERVICE.url("edit", service))
    return render_option(form, service)


@bp.route("/catalogue/options/<int:option_id>", methods=["GET", "POST"])
@roles_required("admin")
def catalogue_option_edit(option_id: int):
    option = fetch(ServiceOption, option_id)
    form = option_form(option)
    if form.validate_on_submit():
        before = OptionForm.snapshot(option)
        form.apply(option)
        if commit_change(option, "updated", before, OptionForm.snapshot(option), form):
            flash(f"Option of {option.duration_minutes} min saved.", "success")
            return redirect(SERVICE.url("edit", option.service))
    return render_option(form, option.service, option)


def option_back(option: ServiceOption) -> str:
    return SERVICE.url("edit", option.service)


@bp.post("/catalogue/options/<int:option_id>/deactivate")
@roles_required("admin")
def catalogue_option_deactivate(option_id: int):
    return deactivate_row(OPTION, option_id, back=option_back)


@bp.route("/catalogue/options/<int:option_id>/delete", methods=["GET", "POST"])
@roles_required("admin")
def catalogue_option_delete(option_id: int):
    return delete_row(OPTION, option_id, back=option_back)


# ---- An area's page for one service ------------------------------------------------------


@bp.route("/catalogue/areas/<int:area_id>/services/<int:service_id>", methods=["GET", "POST"])
@roles_required("admin")
def catalogue_offering_edit(area_id: int, service_id: int):
    area = fetch(ServiceArea, area_id)
    offering = db.session.get(AreaService, (area.id, service_id)) if service_id <= MAX_ID else None
    if offering is None:
        abort(404)
    form = OfferingForm(obj=offering)
    if form.validate_on_submit():
        before = {"service_id": service_id, "body": offering.body}
        offering.body = form.body.data
        after = {"service_id": service_id, "body": offering.body}
        if commit_change(area, "offering_updated", before, after, form):
            flash(f"Page for {offering.service.name} in {area.name} saved.", "success")
            return redirect(AREA.url("edit", area))
    page = render_template("staff/catalogue/offering.html", form=form, offering=offering)
    return page, 422 if form.errors else 200


# ---- Overview and settings ---------------------------------------------------------------


@bp.get("/catalogue")
@roles_required("admin")
def catalogue():
    counts = db.session.execute(
        sa.select(
            *(sa.select(sa.func.count()).select_from(k.model).scalar_subquery() for k in KINDS)
        )
    ).one()
    return render_template(
        "staff/catalogue/index.html", sections=list(zip(KINDS, counts, strict=True))
    )


SETTINGS_DEFAULTS = {
    c.name: c.default.arg
    for c in ClinicSettings.__table__.columns
    if c.default is not None and not callable(c.default.arg)
}


@bp.route("/settings", methods=["GET", "POST"])
@roles_required("admin")
def settings():
    row = db.session.get(ClinicSettings, 1)
    form = SettingsForm(obj=row, data=None if row else SETTINGS_DEFAULTS)
    if form.validate_on_submit():
        before = form.snapshot(row) if row else {}
        action = "updated" if row else "created"
        row = row or ClinicSettings(id=1)
        form.apply(row)
        if commit_change(row, action, before, form.snapshot(row), form):
            flash("Settings saved.", "success")
            return redirect(url_for("staff.settings"))
    page = render_template("staff/catalogue/settings.html", form=form)
    return page, 422 if form.errors else 200


# ---- Routes of the generic kinds ---------------------------------------------------------


def _register(kind: Kind) -> None:
    base, key = f"/catalogue/{kind.plural}", f"{kind.name}_id"
    one, stem, both = f"{base}/<int:{key}>", f"catalogue_{kind.name}", ("GET", "POST")

    def rule(path: str, endpoint: str, view, methods=("GET",)) -> None:
        bp.add_url_rule(path, endpoint, roles_required("admin")(view), methods=list(methods))

    def on_row(action):
        return lambda **ids: action(kind, ids[key])

    rule(base, f"catalogue_{kind.plural}", lambda: list_rows(kind))
    rule(f"{base}/new", f"{stem}_new", lambda: create_row(kind), both)
    rule(one, f"{stem}_edit", on_row(edit_row), both)
    rule(f"{one}/delete", f"{stem}_delete", on_row(delete_row), both)
    if kind.can_deactivate:
        rule(f"{one}/deactivate", f"{stem}_deactivate", on_row(deactivate_row), ("POST",))


for _kind in KINDS:
    _register(_kind)
