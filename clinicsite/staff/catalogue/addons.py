"""Staff: a service's add-ons (extras with their own price and minutes). Admins only.

Like a service's lengths: edited from the service's page, deactivated rather than deleted
once an appointment has chosen one (the appointment keeps its copy of price and minutes).
"""

from __future__ import annotations

from flask import flash, redirect, render_template

from clinicsite.clinic import get_clinic
from clinicsite.models import AddOn, Service
from clinicsite.money import minor_unit_exponent, to_decimal_string
from clinicsite.staff import bp
from clinicsite.staff.auth import fetch, roles_required
from clinicsite.staff.catalogue.forms import AddOnForm
from clinicsite.staff.catalogue.kinds import (
    ADDON,
    SERVICE,
    commit_change,
    deactivate_row,
    delete_row,
    references,
)


def add_on_form(add_on: AddOn | None = None) -> AddOnForm:
    currency = get_clinic().currency
    data = None
    if add_on is not None:
        price = to_decimal_string(add_on.price, currency).removesuffix(".00")
        data = AddOnForm.snapshot(add_on) | {"price": price}
    return AddOnForm(data=data, exponent=minor_unit_exponent(currency))


def render_add_on(form: AddOnForm, service: Service, add_on: AddOn | None = None):
    refs = references(add_on) if add_on is not None else []
    page = render_template(
        "staff/catalogue/addon.html", form=form, service=service, add_on=add_on, refs=refs
    )
    return page, 422 if form.errors else 200


@bp.route("/catalogue/services/<int:service_id>/add-ons/new", methods=["GET", "POST"])
@roles_required("admin")
def catalogue_addon_new(service_id: int):
    service = fetch(Service, service_id)
    form = add_on_form()
    if form.validate_on_submit():
        add_on = AddOn(service=service)
        form.apply(add_on)
        if commit_change(add_on, "created", {}, AddOnForm.snapshot(add_on), form):
            flash(f"Add-on “{add_on.name}” added to {service.name}.", "success")
            return redirect(SERVICE.url("edit", service))
    return render_add_on(form, service)


@bp.route("/catalogue/add-ons/<int:addon_id>", methods=["GET", "POST"])
@roles_required("admin")
def catalogue_addon_edit(addon_id: int):
    add_on = fetch(AddOn, addon_id)
    form = add_on_form(add_on)
    if form.validate_on_submit():
        before = AddOnForm.snapshot(add_on)
        form.apply(add_on)
        if commit_change(add_on, "updated", before, AddOnForm.snapshot(add_on), form):
            flash(f"Add-on “{add_on.name}” saved.", "success")
            return redirect(SERVICE.url("edit", add_on.service))
    return render_add_on(form, add_on.service, add_on)


def add_on_back(add_on: AddOn) -> str:
    return SERVICE.url("edit", add_on.service)


@bp.post("/catalogue/add-ons/<int:addon_id>/deactivate")
@roles_required("admin")
def catalogue_addon_deactivate(addon_id: int):
    return deactivate_row(ADDON, addon_id, back=add_on_back)


@bp.route("/catalogue/add-ons/<int:addon_id>/delete", methods=["GET", "POST"])
@roles_required("admin")
def catalogue_addon_delete(addon_id: int):
    return delete_row(ADDON, addon_id, back=add_on_back)
