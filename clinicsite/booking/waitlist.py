"""The waitlist's public pages: join it from the booking flow (/book/waitlist), claim an
offered time from the email's link, leave it. The claim link's GET only shows the offer
(mail scanners follow links); claiming is a POST."""

from __future__ import annotations

from dataclasses import replace
from datetime import time, timedelta

from flask import abort, redirect, render_template, request, url_for

from clinicsite import clock
from clinicsite.appointments.errors import LimitReached
from clinicsite.booking import bp, selection
from clinicsite.booking.forms import ClaimForm, WaitlistForm, WithdrawForm
from clinicsite.booking.intake_form import with_questions
from clinicsite.booking.routes import _client_keys, _device_id, to_checkout
from clinicsite.clinic import get_clinic
from clinicsite.extensions import limiter
from clinicsite.intake.answers import qualified, routing_refusal
from clinicsite.intake.questions import current_consent, questions_for
from clinicsite.waitlist import claims, entries

EARLIEST, LATEST = time(7, 0), time(20, 0)  # the whole working day, until the client narrows it


@bp.route("/book/waitlist", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def waitlist_join():
    clinic, now = get_clinic(), clock.now()
    form = WaitlistForm()
    args = form.data if request.method == "POST" else request.args
    sel = selection.parse(args, clinic, selection.bookable_services(), now)
    if sel.option is None or sel.location is None or not sel.therapist_ready or sel.problems:
        return render_template("booking/waitlist.html", form=form, sel=sel, ready=False), 400
    if request.method == "GET":
        _prefill(form, sel, clinic, now)
        return render_template("booking/waitlist.html", form=form, sel=sel, ready=True)
    refused = None
    if form.validate_on_submit():
        try:
            entry = entries.join(_join_request(form, sel), clinic, now)
        except entries.JoinRefused as exc:
            refused = str(exc)
        else:
            return render_template("booking/waitlist_joined.html", entry=entry, sel=sel)
    return render_template(
        "booking/waitlist.html", form=form, sel=sel, ready=True, refused=refused
    ), 422


def _prefill(form: WaitlistForm, sel: selection.Selection, clinic, now) -> None:
    first = sel.day or now.astimezone(clinic.tz).date()
    form.date_from.data = first
    form.date_to.data = first + timedelta(days=6) if sel.day is None else first
    form.earliest.data, form.latest.data = EARLIEST, LATEST
    form.weekdays.data = list(range(7))


def _join_request(form: WaitlistForm, sel: selection.Selection) -> entries.JoinRequest:
    return entries.JoinRequest(
        service=sel.service,
        option=sel.option,
        therapist=None if sel.any_therapist else sel.therapist,
        location=sel.location,
        date_from=form.date_from.data,
        date_to=form.date_to.data,
        earliest=form.earliest.data,
        latest=form.latest.data,
        weekdays=sum(1 << day for day in set(form.weekdays.data)),
        name=form.name.data,
        email=form.email.data,
        phone=form.phone.data or "",
        sms_consent=bool(form.sms_consent.data),
    )


@bp.route("/book/waitlist/claim/<token>", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def waitlist_claim(token: str):
    offer = claims.offer_for_token(token)
    if offer is None:
        abort(404)
    clinic, now = get_clinic(), clock.now()
    form = with_questions(ClaimForm, questions_for(offer.option.service_id), current_consent())()
    if offer.status == "claimed" and offer.appointment is not None:
        return redirect(url_for("booking.manage", token=offer.appointment.token), code=303)
    gone = claims.why_not(offer, now)
    if (
        request.method == "POST"
        and not gone
        and form.validate_on_submit()
        and _trained(form, offer)
    ):
        try:
            appointment = claims.claim(
                offer,
                clinic,
                now,
                client_keys=_client_keys(offer.entry.email, _device_id()),
                intake={"answers": form.intake_answers, "consent": bool(form.consent.data)},
                consent_text_id=form.consent_text.id if form.consent_text else None,
                notes=form.notes.data or "",
            )
        except claims.OfferGone as exc:
            gone = str(exc)
        except LimitReached as exc:
            return _claim_page(offer, form, clinic, now, refused=str(exc), status=429)
        else:
            if appointment.status == "held":
                return to_checkout(appointment)
            return redirect(url_for("booking.manage", token=appointment.token), code=303)
    if gone:
        return _claim_page(
            offer, form, clinic, now, gone=gone, status=409 if request.method == "POST" else 200
        )
    return _claim_page(offer, form, clinic, now, status=422 if form.errors else 200)


def _trained(form, offer) -> bool:
    """Whether the offered therapist has the training the intake answers need (else the
    reason is an error at the top of the form)."""
    needed = form.needed_tags
    if qualified(offer.therapist.qualification_tags, needed):
        return True
    form.form_errors.append(routing_refusal(needed, offer.therapist.name))
    return False


def _claim_page(offer, form, clinic, now, gone=None, refused=None, status=200):
    sel = selection.Selection(
        service=offer.option.service,
        option=offer.option,
        location=offer.location,
        therapist=offer.therapist,
        day=offer.starts_at.astimezone(clinic.tz).date(),
        start=offer.starts_at,
    )
    wanted = replace(sel, therapist=offer.entry.therapist, any_therapist=not offer.entry.therapist)
    alternatives = selection.nearest_free(wanted, clinic, now) if gone else []
    return render_template(
        "booking/waitlist_claim.html",
        offer=offer,
        form=form,
        sel=sel,
        gone=gone,
        refused=refused,
        alternatives=alternatives,
        wanted=wanted,
    ), status


@bp.route("/book/waitlist/withdraw/<token>", methods=["GET", "POST"])
def waitlist_withdraw(token: str):
    entry = entries.entry_for_withdraw_token(token)
    if entry is None:
        abort(404)
    form = WithdrawForm()
    done = False
    if request.method == "POST" and form.validate_on_submit():
        done = entries.withdraw(entry, clock.now()) or entry.status == "withdrawn"
    return render_template("booking/waitlist_withdraw.html", entry=entry, form=form, done=done)
