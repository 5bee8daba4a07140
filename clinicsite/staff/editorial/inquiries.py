"""Contact-form inquiries for the front desk and editors."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from clinicsite import clock
from clinicsite.extensions import db
from clinicsite.models import Inquiry
from clinicsite.pagination import requested_page
from clinicsite.staff import bp
from clinicsite.staff.auth import get_or_404, roles_required


@bp.get("/inquiries")
@roles_required("admin", "editor")
def inquiries():
    show = request.args.get("show", "new")
    query = sa.select(Inquiry).options(selectinload(Inquiry.service))
    if show == "handled":
        query = query.where(Inquiry.handled_at.is_not(None)).order_by(Inquiry.handled_at.desc())
    else:
        show = "new"
        query = query.where(Inquiry.handled_at.is_(None)).order_by(Inquiry.created_at.desc())
    page = db.paginate(query, page=requested_page(), per_page=25, error_out=False)
    return render_template("staff/inquiries.html", page=page, show=show)


@bp.post("/inquiries/<inquiry_id>/handled")
@roles_required("admin", "editor")
def inquiry_handled(inquiry_id):
    inquiry = get_or_404(Inquiry, inquiry_id)
    if inquiry.handled_at is None:
        inquiry.handled_at, inquiry.handled_by_id = clock.now(), current_user.id
        db.session.commit()
        flash(f"Marked the message from {inquiry.name} as handled.", "success")
    return redirect(url_for("staff.inquiries"), code=303)
