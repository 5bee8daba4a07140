"""Staff area: log in, log out, and the dashboard."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy.orm import selectinload

from clinicsite import clock
from clinicsite.appointments import limits
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db, limiter
from clinicsite.models import Comment, Inquiry, Payment, StaffUser
from clinicsite.models.staff import password_matches
from clinicsite.payments import fulfilment
from clinicsite.security import safe_next
from clinicsite.staff import bp
from clinicsite.staff.auth import current_actor, get_or_404, roles_required
from clinicsite.staff.bookings.calendar import appointments_between, day_window, visible_therapists
from clinicsite.staff.forms import LoginForm


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute;50 per hour", methods=["POST"])
def login():
    target = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(target or url_for("staff.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(sa.select(StaffUser).where(StaffUser.email == form.email.data))
        # The password is checked first: an inactive account takes as long as any other.
        if password_matches(user, form.password.data) and user.active:
            login_user(user)
            return redirect(target or url_for("staff.dashboard"))
        form.password.errors.append("That email and password do not match an active account.")
    status = 422 if form.errors else 200
    return render_template("staff/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    # The signed cookie would otherwise keep working wherever a copy of it was kept.
    current_user.end_sessions()
    db.session.commit()
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("staff.login"))


@bp.get("/")
@roles_required("admin", "therapist", "editor")
def dashboard():
    """Today at a glance: appointments, holds waiting for payment, new inquiries."""
    clinic, now = get_clinic(), clock.now()
    today = now.astimezone(clinic.tz).date()
    start, end = day_window(today, clinic.tz)
    context: dict = {"today": today}
    if current_user.role in ("admin", "therapist"):
        ids = [t.id for t in visible_therapists()]
        appointments = appointments_between(start, end, ids)
        context["appointments"] = [a for a in appointments if a.status != "held"]
        # Holds last a day at most, but a phone booking's may be for any date ahead.
        context["holds"] = appointments_between(now, now + timedelta(days=366), ids, status="held")
    if current_user.role == "admin":
        # Money refunded automatically, wrong amounts, a provider failing: until cleared.
        context["payments_attention"] = fulfilment.needing_attention()
        # Online clients holding or booking more than a real client would (appointments/limits.py).
        context["squatting"] = limits.suspicious(now)
    if current_user.role in ("admin", "editor"):
        context["inquiries"] = list(
            db.session.scalars(
                sa.select(Inquiry)
                .where(Inquiry.handled_at.is_(None))
                .order_by(Inquiry.created_at.desc())
                .limit(10)
                .options(selectinload(Inquiry.service))
            )
        )
        context["pending_comments"] = list(
            db.session.scalars(
                sa.select(Comment)
                .where(Comment.status == "pending")
                .order_by(Comment.created_at.desc())
                .limit(10)
                .options(selectinload(Comment.post))
            )
        )
    return render_template("staff/dashboard.html", **context)


@bp.post("/payments/<payment_id>/handled")
@roles_required("admin")
def payment_handled(payment_id):
    """Take a payment off the attention list (its note stays in the appointment's history)."""
    payment = get_or_404(Payment, payment_id)
    fulfilment.clear_attention(payment, current_actor())
    db.session.commit()
    flash("Taken off the list of payments needing attention.", "success")
    return redirect(url_for("staff.dashboard"), code=303)
