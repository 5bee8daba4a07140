"""/staff/memberships/: the plans on offer and every member with their state."""

from __future__ import annotations

from flask import render_template

from clinicsite import clock
from clinicsite.extensions import db
from clinicsite.memberships import members
from clinicsite.models import MembershipPlan
from clinicsite.staff import bp
from clinicsite.staff.auth import roles_required


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
