"""The booking flow: service -> option -> studio -> therapist -> day -> time -> details ->
deposit -> confirmation. Plain links and forms, so it works without JavaScript."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import (
    abort,
    after_this_request,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from clinicsite import clock
from clinicsite.appointments import holding, limits
from clinicsite.appointments.checkout import checkout_url
from clinicsite.appointments.errors import LimitReached, PaymentError, SlotTaken
from clinicsite.booking import bp, cards, gift_card, home_visits, packages, selection
from clinicsite.booking import coupons as coupon_step
from clinicsite.booking.forms import DetailsForm
from clinicsite.booking.intake_form import with_questions
from clinicsite.clinic import get_clinic
from clinicsite.coupons.rules import CouponRefused
from clinicsite.extensions import db, limiter
from clinicsite.intake.answers import qualified, routing_refusal
from clinicsite.intake.questions import current_consent, questions_for
from clinicsite.models import Appointment
from clinicsite.payments import fulfilment, get_gateway
from clinicsite.scheduling import closures
from clinicsite.templating import absolute_url


@bp.get("/book/")
def start():
    clinic, now = get_clinic(), clock.now()
    services = selection.bookable_services()
    sel = selection.parse(request.args, clinic, services, now)
    context = {"sel": sel, "services": services, "now": now}
    if sel.option and sel.location is None and not sel.choosing_extras:
        locations = selection.locations_for(sel.service)
        if sel.prefer is not None:
            locations = [loc for loc in locations if selection.works_at(sel.prefer, loc)]
        context["locations"] = locations
        context["home_areas"] = home_visits.areas_for(sel)
    elif sel.location and not sel.therapist_ready:
        context["therapists"] = selection.therapists_for(sel.service, sel.location)
    elif sel.therapist_ready:
        page = selection.day_page(sel, clinic, now, request.args.get("page"))
        if page.problem:
            sel.problems.append(page.problem)
        context["day_page"] = page
        context["closures"] = [c for c in closures.upcoming(now) if c.covers(sel.location.id)]
        if sel.day is not None:
            slots = selection.slots_on(sel, [sel.day], clinic, now)
            context["times"] = selection.first_per_start(slots) if sel.any_therapist else slots
    status = 400 if sel.problems else 200
    return render_template("booking/start.html", **context), status


def _offered(sel: selection.Selection, clinic, now):
    """The free therapists at exactly the chosen start (several when "any")."""
    slots = selection.slots_on(sel, [sel.day], clinic, now)
    return [s for s in slots if s.start == sel.start]


@bp.route("/book/details", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def details():
    clinic, now = get_clinic(), clock.now()
    services = selection.bookable_services()
    args = request.args
    if request.method == "POST":  # the extras are repeated hidden fields, not form fields
        args = request.form.to_dict() | {"addon": request.form.getlist("addon")}
    sel = selection.parse(args, clinic, services, now)
    if sel.start is None or not sel.therapist_ready or sel.problems:
        for problem in sel.problems or ["Please choose a time first."]:
            flash(problem, "error")
        return redirect(url_for("booking.start", **sel.params()))
    form = details_form(sel.service)()
    if request.method == "GET" or not _valid_key(form.request_key.data):
        form.request_key.data = secrets.token_urlsafe(24)
    offered = _offered(sel, clinic, now)
    if request.method == "GET" and not offered:
        return _not_free(form, sel, clinic, now, status=200)
    device = _device_id()
    valid = not coupon_step.applying() and form.validate_on_submit()
    priced = coupon_step.read(form, sel, clinic, now)  # a bad code: an error on its field
    address_ok = request.method == "POST" and home_visits.check_address(form, sel)
    if valid and address_ok and not form.coupon.errors and cards.agreed(form, clinic):
        repeat = _already_submitted(form.request_key.data)
        if repeat is not None:
            return _after_hold(repeat)
        if not offered:
            return _not_free(form, sel, clinic, now)
        offered = _trained(offered, form, sel)
        if not offered:
            return _details_page(form, sel, offered, clinic, now, None, 422)
        if gift_card.refused(form, sel, clinic, now):
            return _details_page(form, sel, offered, clinic, now, None, 422)
        for slot in offered:  # "any therapist": the next one if the first was just taken
            try:
                appointment = packages.hold(  # holding.hold, or paid by a package session
                    holding.HoldRequest(
                        sel.option,
                        slot.therapist,
                        sel.location,
                        sel.start,
                        _client(form),
                        request_key=form.request_key.data or None,
                        client_keys=_client_keys(form.email.data, device),
                        add_ons=tuple(sel.add_ons),
                        origin=sel.origin or "direct",
                        **home_visits.hold_args(form, sel),
                        **coupon_step.hold_args(priced, clinic),
                    ),
                    clinic,
                    now,
                )
            except SlotTaken:
                continue
            except packages.PackageUnavailable as refused:
                return _details_page(form, sel, offered, clinic, now, str(refused), 409)
            except LimitReached as refused:
                return _details_page(form, sel, offered, clinic, now, str(refused), 429)
            except CouponRefused as refused:
                coupon_step.refuse(form, refused)
                return _details_page(form, sel, offered, clinic, now, None, 422)
            cards.after_hold(appointment, clinic)
            return gift_card.after_hold(appointment, form, clinic, now) or _after_hold(appointment)
        return _not_free(form, sel, clinic, now)
    # Tell a client already at a limit before they fill in the form, not after.
    refused = None
    if request.method == "GET":
        refused = limits.problem(_client_keys(None, device), not sel.option.deposit, clinic, now)
    if request.method == "GET" and sel.at_home and not form.visit_postal_code.data:
        form.visit_postal_code.data = sel.postal
    return _details_page(form, sel, offered, clinic, now, refused, 422 if form.errors else 200)


def details_form(service):
    """The details form with the service's intake questions and the current consent."""
    return with_questions(DetailsForm, questions_for(service.id), current_consent())


def _trained(offered, form, sel: selection.Selection):
    """The offered therapists with the training the intake answers need; when there is
    none, the reason is an error at the top of the form."""
    needed = form.needed_tags
    fit = [s for s in offered if qualified(s.therapist.qualification_tags, needed)]
    if not fit:
        form.form_errors.append(
            routing_refusal(needed, None if sel.any_therapist else sel.therapist.name)
        )
    return fit


def _details_page(form, sel, offered, clinic, now, refused: str | None, status: int):
    return render_template(
        "booking/details.html",
        form=form,
        sel=sel,
        offered=offered,
        refused=refused,
        inside_window=_inside_window(sel, clinic, now),
        package=packages.offer(sel.option, now),
    ), status


def _device_id() -> str:
    """This browser's long-lived random id (set now when it has none): one of the keys the
    per-client limits count by."""
    device = request.cookies.get(limits.DEVICE_COOKIE)
    if limits.valid_device_id(device):
        return device
    device = limits.new_device_id()

    @after_this_request
    def remember(response):
        response.set_cookie(
            limits.DEVICE_COOKIE,
            device,
            max_age=limits.DEVICE_COOKIE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
        return response

    return device


def _client_keys(email: str | None, device: str) -> limits.ClientKeys:
    return limits.client_keys(current_app.config["SECRET_KEY"], request.remote_addr, email, device)


def _inside_window(sel: selection.Selection, clinic, now) -> bool:
    """Booked now, this time could not be cancelled with a refund: say so before paying."""
    window = timedelta(hours=clinic.cancellation_window_hours)
    return bool(sel.option.deposit) and sel.start - now < window


def _client(form: DetailsForm) -> holding.ClientDetails:
    return holding.ClientDetails(
        name=form.name.data,
        email=form.email.data,
        phone=form.phone.data,
        notes=form.notes.data or "",
        intake={"answers": form.intake_answers, "consent": bool(form.consent.data)},
        consent_text_id=form.consent_text.id if form.consent_text else None,
        sms_consent=bool(form.sms_consent.data),
    )


def _valid_key(request_key: str | None) -> bool:
    return bool(request_key) and len(request_key) <= 64


def _already_submitted(request_key: str | None) -> Appointment | None:
    if not _valid_key(request_key):
        return None
    return db.session.scalar(db.select(Appointment).filter_by(request_key=request_key))


def _not_free(form, sel, clinic, now, status=409):
    """The time cannot be booked: say whether someone just took it or it was never open,
    offer the nearest free times, and keep everything typed."""
    bookable = any(
        s.start == sel.start
        for s in selection.slots_on(sel, [sel.day], clinic, now, ignore_bookings=True)
    )
    # Under a closure the client is told why, whether or not it is new since they chose.
    end = sel.start + timedelta(minutes=sel.option.duration_minutes + sel.extra_minutes)
    closure = closures.closure_at(sel.location.id, sel.start, end)
    alternatives = selection.nearest_free(sel, clinic, now)
    form.request_key.data = secrets.token_urlsafe(24)
    wanted, sel.start = sel.start, None  # the summary must not show the lost time
    return render_template(
        "booking/details.html",
        form=form,
        sel=sel,
        offered=[],
        taken=True,
        just_taken=bookable and closure is None,
        closure=closure,
        taken_start=wanted,
        alternatives=alternatives,
        inside_window=False,
    ), (status if bookable else 422)


def _after_hold(appointment: Appointment):
    if appointment.status != "held":
        setup = cards.to_card_setup(appointment)  # cards on file, no deposit (issue 14)
        return setup or redirect(url_for("booking.manage", token=appointment.token), code=303)
    return to_checkout(appointment)


def to_checkout(appointment: Appointment):
    """Send the client to the deposit checkout (Stripe's page, or the fake one)."""
    try:
        url = checkout_url(
            appointment,
            get_gateway(),
            clinic=get_clinic(),
            now=clock.now(),
            success_url=absolute_url("booking.manage", token=appointment.token, paid=1),
            cancel_url=absolute_url(
                "booking.manage", token=appointment.token, checkout="cancelled"
            ),
        )
    except SlotTaken:
        flash(
            "Your hold ran out and someone else has booked that time since. "
            "Please choose another time.",
            "error",
        )
        return redirect(url_for("booking.manage", token=appointment.token), code=303)
    except PaymentError:
        db.session.rollback()
        flash(
            "We could not reach the payment service. Your time is held for a few minutes: "
            "please try the payment again.",
            "error",
        )
        return redirect(url_for("booking.manage", token=appointment.token), code=303)
    return redirect(url, code=303)


@bp.route("/pay/test/<session_id>", methods=["GET", "POST"])
def fake_checkout(session_id: str):
    """The fake gateway's checkout page (local demos only): plays Stripe's part and drives
    the same fulfilment code as Stripe's webhook."""
    gateway = get_gateway()
    if gateway.name != "fake":
        abort(404)
    payment = fulfilment.payment_for_session(session_id)
    if payment is None:
        abort(404)
    appointment, now = payment.appointment, clock.now()
    if (
        payment.status == "pending"
        and appointment.hold_expires_at
        and now >= appointment.hold_expires_at
    ):
        fulfilment.record_checkout_expired(payment, now)
        db.session.commit()
    if request.method == "POST" and payment.status == "pending":
        if request.form.get("action") == "pay":
            fulfilment.record_payment(
                payment, f"fake_pi_{payment.id}", payment.amount, payment.currency, gateway, now
            )
            db.session.commit()
            cards.after_fake_payment(payment, gateway, now)
            return redirect(url_for("booking.manage", token=appointment.token, paid=1), code=303)
        return redirect(
            url_for("booking.manage", token=appointment.token, checkout="cancelled"), code=303
        )
    return render_template("booking/fake_checkout.html", payment=payment, appointment=appointment)
