"""/staff/memberships/: the plans on offer and every member with their state; admins make
plans and rename, reorder or take them off offer."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, url_for
from wtforms import SelectChoice

from clinicsite import clock
from clinicsite.audit import record_change
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.memberships import members, plans
from clinicsite.models import MembershipPlan, Package, Service, ServiceOption
from clinicsite.money import minor_unit_exponent
from clinicsite.staff import bp
from clinicsite.staff.auth import current_actor, get_or_404, roles_required
from clinicsite.staff.memberships.forms import EditPlanForm, NewPlanForm
from clinicsite.text import unique_slug


@bp.get("/memberships/")
@roles_required("admin")
def memberships():
    plans = db.session.scalars(
        db.select(MembershipPlan).order_by(MembershipPlan.sort, MembershipPlan.name)
    ).all()
    return render_template(
        "staff/memberships/index.html",
        plans=plans,
        members=members.all_members(),
        now=clock.now(),
    )


def _options() -> list[SelectChoice]:
    rows = db.session.execute(
        sa.select(ServiceOption, Service)
        .join(Service, ServiceOption.service_id == Service.id)
        .where(ServiceOption.active.is_(True), ServiceOption.price > 0)
        .order_by(Service.position, Service.name, ServiceOption.duration_minutes)
    ).all()
    return [SelectChoice(str(o.id), f"{s.name}, {o.duration_minutes} min") for o, s in rows]


def _slug_taken(slug: str) -> bool:
    plan = db.session.scalar(sa.select(MembershipPlan.id).where(MembershipPlan.slug == slug))
    carrier = db.session.scalar(sa.select(Package.id).where(Package.slug == f"membership-{slug}"))
    return plan is not None or carrier is not None


@bp.route("/memberships/plans/new", methods=["GET", "POST"])
@roles_required("admin")
def membership_plan_new():
    clinic = get_clinic()
    form = NewPlanForm()
    form.option.choices = _options()
    form.exponent = minor_unit_exponent(clinic.currency)
    if form.validate_on_submit():
        slug = unique_slug(form.name.data, 60, _slug_taken) or unique_slug("plan", 60, _slug_taken)
        plan = plans.create_plan(
            slug=slug,
            name=form.name.data,
            option=db.session.get(ServiceOption, int(form.option.data)),
            sessions_per_month=form.sessions_per_month.data,
            price=form.price_minor,
            currency=clinic.currency,
            description=form.description.data or "",
            sort=form.sort.data or 0,
            active=bool(form.active.data),
        )
        record_change("membership_plan", plan.id, "created", current_actor(), note=plan.name)
        db.session.commit()
        flash(f"The plan {plan.name} is saved.", "success")
        return redirect(url_for("staff.memberships"), code=303)
    status = 422 if form.errors else 200
    return render_template("staff/memberships/plan.html", form=form, plan=None), status


@bp.route("/memberships/plans/<int:plan_id>", methods=["GET", "POST"])
@roles_required("admin")
def membership_plan(plan_id: int):
    plan = get_or_404(MembershipPlan, plan_id)
    form = EditPlanForm(obj=plan)
    if form.validate_on_submit():
        plan.name, plan.description = form.name.data, form.description.data or ""
        plan.sort, plan.active = form.sort.data or 0, bool(form.active.data)
        plan.package.name = plan.name  # the carrier package names the sessions on /my/
        record_change("membership_plan", plan.id, "saved", current_actor(), note=plan.name)
        db.session.commit()
        flash(f"The plan {plan.name} is saved.", "success")
        return redirect(url_for("staff.memberships"), code=303)
    status = 422 if form.errors else 200
    return render_template("staff/memberships/plan.html", form=form, plan=plan), status
