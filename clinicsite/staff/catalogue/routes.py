"""Staff: the catalogue's pages (services and their options, regions, areas, studios,
therapists) and the clinic's settings. Admins only.

Each kind of row has its own endpoints below, thin calls into the shared views of
`kinds.py`: catalogue_<name>s, catalogue_<name>_new, catalogue_<name>_edit,
catalogue_<name>_delete and, for rows that can be hidden, catalogue_<name>_deactivate.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for

from clinicsite.catalogue import online_booking_problems
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import AreaService, ClinicSettings, Service, ServiceArea, ServiceOption
from clinicsite.money import minor_unit_exponent, to_decimal_string
from clinicsite.staff import bp
from clinicsite.staff.auth import MAX_ID, fetch, roles_required
from clinicsite.staff.catalogue.forms import OfferingForm, OptionForm, SettingsForm
from clinicsite.staff.catalogue.kinds import (
    AREA,
    KINDS,
    LOCATION,
    OPTION,
    REGION,
    SERVICE,
    THERAPIST,
    commit_change,
    create_row,
    deactivate_row,
    delete_row,
    edit_row,
    list_rows,
    references,
)

BOTH = ("GET", "POST")

# ---- Services --------------------------------------------------------------------------


@bp.get("/catalogue/services")
@roles_required("admin")
def catalogue_services():
    return list_rows(SERVICE)


@bp.route("/catalogue/services/new", methods=BOTH)
@roles_required("admin")
def catalogue_service_new():
    return create_row(SERVICE)


@bp.route("/catalogue/services/<int:service_id>", methods=BOTH)
@roles_required("admin")
def catalogue_service_edit(service_id: int):
    return edit_row(SERVICE, service_id)


@bp.post("/catalogue/services/<int:service_id>/deactivate")
@roles_required("admin")
def catalogue_service_deactivate(service_id: int):
    return deactivate_row(SERVICE, service_id)


@bp.route("/catalogue/services/<int:service_id>/delete", methods=BOTH)
@roles_required("admin")
def catalogue_service_delete(service_id: int):
    return delete_row(SERVICE, service_id)


# ---- Regions ---------------------------------------------------------------------------


@bp.get("/catalogue/regions")
@roles_required("admin")
def catalogue_regions():
    return list_rows(REGION)


@bp.route("/catalogue/regions/new", methods=BOTH)
@roles_required("admin")
def catalogue_region_new():
    return create_row(REGION)


@bp.route("/catalogue/regions/<int:region_id>", methods=BOTH)
@roles_required("admin")
def catalogue_region_edit(region_id: int):
    return edit_row(REGION, region_id)


@bp.route("/catalogue/regions/<int:region_id>/delete", methods=BOTH)
@roles_required("admin")
def catalogue_region_delete(region_id: int):
    return delete_row(REGION, region_id)


# ---- Areas -----------------------------------------------------------------------------


@bp.get("/catalogue/areas")
@roles_required("admin")
def catalogue_areas():
    return list_rows(AREA)


@bp.route("/catalogue/areas/new", methods=BOTH)
@roles_required("admin")
def catalogue_area_new():
    return create_row(AREA)


@bp.route("/catalogue/areas/<int:area_id>", methods=BOTH)
@roles_required("admin")
def catalogue_area_edit(area_id: int):
    return edit_row(AREA, area_id)


@bp.post("/catalogue/areas/<int:area_id>/deactivate")
@roles_required("admin")
def catalogue_area_deactivate(area_id: int):
    return deactivate_row(AREA, area_id)


@bp.route("/catalogue/areas/<int:area_id>/delete", methods=BOTH)
@roles_required("admin")
def catalogue_area_delete(area_id: int):
    return delete_row(AREA, area_id)


# ---- Locations -------------------------------------------------------------------------


@bp.get("/catalogue/locations")
@roles_required("admin")
def catalogue_locations():
    return list_rows(LOCATION)


@bp.route("/catalogue/locations/new", methods=BOTH)
@roles_required("admin")
def catalogue_location_new():
    return create_row(LOCATION)


@bp.route("/catalogue/locations/<int:location_id>", methods=BOTH)
@roles_required("admin")
def catalogue_location_edit(location_id: int):
    return edit_row(LOCATION, location_id)


@bp.post("/catalogue/locations/<int:location_id>/deactivate")
@roles_required("admin")
def catalogue_location_deactivate(location_id: int):
    return deactivate_row(LOCATION, location_id)


@bp.route("/catalogue/locations/<int:location_id>/delete", methods=BOTH)
@roles_required("admin")
def catalogue_location_delete(location_id: int):
    return delete_row(LOCATION, location_id)


# ---- Therapists ------------------------------------------------------------------------


@bp.get("/catalogue/therapists")
@roles_required("admin")
def catalogue_therapists():
    return list_rows(THERAPIST)


@bp.route("/catalogue/therapists/new", methods=BOTH)
@roles_required("admin")
def catalogue_therapist_new():
    return create_row(THERAPIST)


@bp.route("/catalogue/therapists/<int:therapist_id>", methods=BOTH)
@roles_required("admin")
def catalogue_therapist_edit(therapist_id: int):
    return edit_row(THERAPIST, therapist_id)


@bp.post("/catalogue/therapists/<int:therapist_id>/deactivate")
@roles_required("admin")
def catalogue_therapist_deactivate(therapist_id: int):
    return deactivate_row(THERAPIST, therapist_id)


@bp.route("/catalogue/therapists/<int:therapist_id>/delete", methods=BOTH)
@roles_required("admin")
def catalogue_therapist_delete(therapist_id: int):
    return delete_row(THERAPIST, therapist_id)


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


@bp.record_once
def offer_to_templates(state) -> None:
    """The service page warns when clients cannot book the service online, and says why."""
    state.app.jinja_env.globals["online_booking_problems"] = online_booking_problems
