"""Staff: /staff/reminders/: the rules (admins add, turn on or off, remove), the quiet
hours, and what was sent and what failed, most recent first."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from sqlalchemy.orm import joinedload

from clinicsite.appointments import reminder_rules
from clinicsite.appointments.reminder_rules import RuleError
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import Appointment, ReminderRule, ReminderSent
from clinicsite.pagination import requested_page
from clinicsite.staff import bp
from clinicsite.staff.auth import current_actor, get_or_404, roles_required
from clinicsite.staff.reminders.forms import QuietHoursForm, RuleForm

PER_PAGE = 50


@bp.get("/reminders/")
@roles_required("admin", "therapist")
def reminders(rule_form: RuleForm | None = None, quiet_form: QuietHoursForm | None = None):
    clinic = get_clinic()
    rules = db.session.scalars(
        sa.select(ReminderRule).order_by(ReminderRule.hours_before.desc(), ReminderRule.channel)
    ).all()
    log = db.paginate(
        sa.select(ReminderSent)
        .options(
            joinedload(ReminderSent.appointment).joinedload(Appointment.service),
            joinedload(ReminderSent.rule),
        )
        .order_by(ReminderSent.sent_at.desc(), ReminderSent.id.desc()),
        page=requested_page(),
        per_page=PER_PAGE,
        error_out=False,
    )
    if quiet_form is None:
        quiet_form = QuietHoursForm(
            formdata=None, quiet_start=clinic.quiet_start, quiet_end=clinic.quiet_end
        )
    return render_template(
        "staff/reminders/index.html",
        rules=rules,
        log=log,
        rule_form=rule_form or RuleForm(formdata=None),
        quiet_form=quiet_form,
    )


@bp.post("/reminders/rules")
@roles_required("admin")
def reminder_rule_add():
    form = RuleForm()
    if not form.validate():
        return reminders(rule_form=form), 400
    try:
        rule = reminder_rules.add_rule(form.hours_before.data, form.channel.data, current_actor())
    except RuleError as exc:
        form.hours_before.errors = [str(exc)]
        return reminders(rule_form=form), 400
    flash(f"Added: {rule.label}.", "success")
    return redirect(url_for("staff.reminders"))


@bp.post("/reminders/rules/<rule_id>/active")
@roles_required("admin")
def reminder_rule_active(rule_id):
    rule = get_or_404(ReminderRule, rule_id)
    active = request.form.get("active") == "on"
    reminder_rules.set_active(rule, active, current_actor())
    flash(f"{rule.label}: {'on' if active else 'off'}.", "success")
    return redirect(url_for("staff.reminders"))


@bp.post("/reminders/rules/<rule_id>/delete")
@roles_required("admin")
def reminder_rule_delete(rule_id):
    rule = get_or_404(ReminderRule, rule_id)
    label = rule.label
    reminder_rules.remove_rule(rule, current_actor())
    flash(f"Removed: {label}.", "success")
    return redirect(url_for("staff.reminders"))


@bp.post("/reminders/quiet-hours")
@roles_required("admin")
def reminder_quiet_hours():
    form = QuietHoursForm()
    if not form.validate():
        return reminders(quiet_form=form), 400
    reminder_rules.set_quiet_hours(
        get_clinic(), form.quiet_start.data, form.quiet_end.data, current_actor()
    )
    flash("Quiet hours saved.", "success")
    return redirect(url_for("staff.reminders"))
