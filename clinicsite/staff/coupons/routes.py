"""Staff: the coupons (list with uses, create, edit, deactivate, each coupon's uses).
Admins only; every change is in the audit log (coupons/admin.py)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for

from clinicsite import clock
from clinicsite.clinic import get_clinic
from clinicsite.coupons import admin, uses
from clinicsite.coupons.rules import describe, local_day, normalise
from clinicsite.extensions import db
from clinicsite.models import Coupon, Service
from clinicsite.money import minor_unit_exponent
from clinicsite.staff import bp
from clinicsite.staff.auth import current_actor, get_or_404, roles_required
from clinicsite.staff.coupons.forms import ActiveForm, CouponForm

BOTH = ("GET", "POST")


def _services() -> list[Service]:
    return list(db.session.scalars(sa.select(Service).order_by(Service.name)))


def _form(coupon: Coupon | None = None) -> CouponForm:
    exponent = minor_unit_exponent(get_clinic().currency)
    data = CouponForm.data_of(coupon, exponent) if coupon is not None else None
    form = CouponForm(data=data, exponent=exponent)
    form.service_ids.choices = [(s.id, s.name) for s in _services()]
    return form


def _save(form: CouponForm, coupon: Coupon | None):
    """Create or update from a validated form; None when the domain refused (the error is
    put on its field)."""
    values = form.values(_services())
    try:
        if coupon is None:
            return admin.create(values, current_actor())
        return admin.update(coupon, values, current_actor())
    except admin.CouponInvalid as refused:
        db.session.rollback()
        form[refused.field].errors = [*form[refused.field].errors, str(refused)]
        return None


@bp.get("/coupons/")
@roles_required("admin")
def coupons():
    clinic, now = get_clinic(), clock.now()
    query = sa.select(Coupon).order_by(Coupon.active.desc(), Coupon.code)
    wanted = normalise(request.args.get("q"))[:40]
    if wanted:
        query = query.where(Coupon.code.contains(wanted, autoescape=True))
    rows = [
        (c, uses.count(c.id, now), describe(c, clinic.currency))
        for c in db.session.scalars(query.limit(500))
    ]
    return render_template(
        "staff/coupons/list.html", rows=rows, q=wanted, today=local_day(now, clinic)
    )


@bp.route("/coupons/new", methods=BOTH)
@roles_required("admin")
def coupon_new():
    form = _form()
    if form.validate_on_submit():
        coupon = _save(form, None)
        if coupon is not None:
            flash(f"Coupon {coupon.code} created.", "success")
            return redirect(url_for("staff.coupon", coupon_id=coupon.id), code=303)
    return render_template("staff/coupons/form.html", form=form, coupon=None), (
        422 if form.errors else 200
    )


@bp.route("/coupons/<coupon_id>", methods=BOTH)
@roles_required("admin")
def coupon(coupon_id):
    found = get_or_404(Coupon, coupon_id)
    clinic, now = get_clinic(), clock.now()
    form = _form(found)
    if form.validate_on_submit():
        if _save(form, found) is not None:
            flash(f"Coupon {found.code} saved.", "success")
            return redirect(url_for("staff.coupon", coupon_id=found.id), code=303)
    uses.refresh_released(found, now)
    db.session.commit()
    page = render_template(
        "staff/coupons/form.html",
        form=form,
        coupon=found,
        uses=uses.uses_of(found),
        live=uses.count(found.id, now),
        describe=describe(found, clinic.currency),
        history=admin.history(found),
        active_form=ActiveForm(),
    )
    return page, 422 if form.errors else 200


@bp.post("/coupons/<coupon_id>/active")
@roles_required("admin")
def coupon_active(coupon_id):
    found = get_or_404(Coupon, coupon_id)
    form = ActiveForm()
    if not form.validate_on_submit():
        flash("The form had expired; please try again.", "error")
    else:
        active = request.form.get("active") == "1"
        admin.set_active(found, active, current_actor())
        flash(f"Coupon {found.code} {'reactivated' if active else 'deactivated'}.", "success")
    return redirect(url_for("staff.coupon", coupon_id=found.id), code=303)
