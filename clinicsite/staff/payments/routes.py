"""Money at the studio: recording a visit's balance (from the appointment page), voiding a
mistake, the day's takings for admins (totals by method, close-out, CSV export), and the
check of everything taken online against the payment provider (payments/ledger.py)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from flask import Response, abort, flash, redirect, render_template, request, url_for

from clinicsite import clock
from clinicsite.appointments import balance, takings
from clinicsite.appointments.errors import NotAllowed
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db, limiter
from clinicsite.models import STUDIO_METHODS, Appointment, StudioPayment
from clinicsite.money import format_amount, minor_unit_exponent
from clinicsite.payments import get_gateway
from clinicsite.payments.ledger import reconcile
from clinicsite.staff import bp
from clinicsite.staff.auth import current_actor, get_or_404, owns_therapist, roles_required
from clinicsite.staff.localtime import LocalTimeError, parse_day
from clinicsite.staff.payments.forms import BalanceForm, DayForm, ReconcileForm, VoidForm
from clinicsite.text import spreadsheet_safe


def may_see(appointment: Appointment, user) -> bool:
    return owns_therapist(appointment.therapist_id, user)


def back_to(appointment_id: int):
    url = url_for("staff.appointment", appointment_id=appointment_id) + "#payments-heading"
    return redirect(url, code=303)


def flash_errors(form) -> None:
    for name, errors in form.errors.items():
        label = form[name].label.text if name in form else "Form"
        for message in errors:
            flash(f"{label}: {message}", "error")


@bp.post("/appointments/<appointment_id>/studio-payments")
@roles_required("admin", "therapist")
def studio_payment_record(appointment_id):
    appt = get_or_404(Appointment, appointment_id, allowed=may_see)
    form = BalanceForm().set_exponent(minor_unit_exponent(appt.currency))
    if not form.validate():
        flash_errors(form)
        return back_to(appt.id)
    try:
        payment = balance.record_balance(
            appt,
            form.amount.minor,
            form.tip.minor,
            form.method.data,
            current_actor(),
            clock.now(),
            note=form.note.data or "",
            gift_card_code=form.gift_card_code.data or "",
        )
    except NotAllowed as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return back_to(appt.id)
    flash(
        f"Recorded {balance.method_words(payment.method).lower()}: "
        + balance.balance_of(appt).money(payment.amount + payment.tip)
        + (" (receipt emailed)." if appt.client_email else "."),
        "success",
    )
    return back_to(appt.id)


@bp.post("/studio-payments/<payment_id>/void")
@roles_required("admin", "therapist")
def studio_payment_void(payment_id):
    payment = get_or_404(
        StudioPayment, payment_id, allowed=lambda p, user: may_see(p.appointment, user)
    )
    form = VoidForm()
    if not form.validate():
        flash_errors(form)
        return back_to(payment.appointment_id)
    try:
        balance.void_payment(payment, current_actor(), clock.now(), form.reason.data or "")
    except NotAllowed as refused:
        flash(str(refused), "error")
    else:
        flash("The payment is void; it stays on record.", "success")
    return back_to(payment.appointment_id)


def chosen_day(raw: str | None):
    """The day asked for, else today in the clinic's zone (with the reason it was ignored)."""
    today = takings.local_day(clock.now(), get_clinic().tz)
    if not raw:
        return today, None
    try:
        return parse_day(raw), None
    except LocalTimeError as exc:
        return today, str(exc)


@bp.get("/payments/")
@roles_required("admin")
def takings_day():
    clinic = get_clinic()
    day, problem = chosen_day(request.args.get("date"))
    if problem:
        flash(f"Date: {problem} Showing today.", "error")
    return render_template(
        "staff/payments/takings.html",
        day=day,
        takings=takings.takings(day, day, clinic.tz, clinic.currency),
        method_words=balance.method_words,
        today=takings.local_day(clock.now(), clinic.tz),
    )


@bp.route("/payments/reconcile", methods=["GET", "POST"])
@roles_required("admin")
@limiter.limit("6 per minute", methods=["POST"])
def payments_reconcile():
    """Every payment taken online, checked one by one against what the provider holds. A
    POST runs it: it asks the provider about each payment, so no crawler or prefetch
    triggers it (the same check runs from cron as `flask payments reconcile`)."""
    form = ReconcileForm()
    result = None
    if form.validate_on_submit():
        days = None if form.period.data == "all" else int(form.period.data)
        since = clock.now() - timedelta(days=days) if days else None
        result = reconcile(get_gateway(), since)
    status = 422 if form.errors else 200
    return render_template(
        "staff/payments/reconcile.html", form=form, result=result, amount=format_amount
    ), status


def back_to_day(day):
    return redirect(url_for("staff.takings_day", date=day.isoformat()), code=303)


def posted_day():
    form = DayForm()
    if not form.validate():
        abort(400, "The form has expired; please reload the page and try again.")
    try:
        return parse_day(form.date.data)
    except LocalTimeError:
        abort(400, "Please give the day as YYYY-MM-DD.")


@bp.post("/payments/close")
@roles_required("admin")
def takings_close():
    day = posted_day()
    try:
        takings.close_day(day, current_actor(), clock.now(), get_clinic().currency)
    except NotAllowed as refused:
        flash(str(refused), "error")
    else:
        flash(f"The takings of {day.isoformat()} are closed.", "success")
    return back_to_day(day)


@bp.post("/payments/reopen")
@roles_required("admin")
def takings_reopen():
    day = posted_day()
    try:
        takings.reopen_day(day, current_actor(), clock.now())
    except NotAllowed as refused:
        flash(str(refused), "error")
    else:
        flash(f"The takings of {day.isoformat()} are open again.", "success")
    return back_to_day(day)


@bp.get("/payments/export.csv")
@roles_required("admin")
def takings_csv():
    clinic = get_clinic()
    try:
        first = parse_day(request.args.get("from"))
        last = parse_day(request.args.get("to") or request.args.get("from"))
        rows = list(takings.export_rows(first, last, clinic.tz))
    except (LocalTimeError, NotAllowed) as exc:
        abort(400, f"The range, from=YYYY-MM-DD&to=YYYY-MM-DD: {exc}")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows([spreadsheet_safe(v) for v in row] for row in rows)
    filename = f"studio-payments-{first.isoformat()}-to-{last.isoformat()}.csv"
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.record_once
def offer_to_templates(state) -> None:
    """The appointment page's Payments section (staff/payments/_appointment.html) reads the
    balance itself, so the appointment view stays as it is."""
    from clinicsite.money import to_decimal_string

    state.app.jinja_env.globals.update(
        balance_of=balance.balance_of,
        payable_statuses=balance.PAYABLE,
        method_words=balance.method_words,
        amount_text=to_decimal_string,
        studio_method_choices=[(m, balance.method_words(m)) for m in STUDIO_METHODS],
    )
