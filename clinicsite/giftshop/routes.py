"""Buying a gift card: choose, pay on the provider's page, then the order's page (the card
itself is issued only by the provider's webhook, or the fake gateway's page here)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from clinicsite import clock
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db, limiter
from clinicsite.giftcards import codes, ledger, orders
from clinicsite.giftshop import bp
from clinicsite.giftshop.forms import CUSTOM, GiftCardForm
from clinicsite.money import format_money, minor_unit_exponent, parse_amount
from clinicsite.payments import get_gateway
from clinicsite.payments.gateway import PaymentError
from clinicsite.templating import absolute_url


@bp.route("/gift-cards/", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def buy():
    clinic, now = get_clinic(), clock.now()
    if not orders.on_sale(clinic):
        abort(404)
    form = GiftCardForm(today=now.astimezone(clinic.tz).date())
    amounts = orders.offered_amounts(clinic)
    form.choice.choices = [(str(a), format_money(a, clinic.currency)) for a in amounts]
    custom = orders.custom_range(clinic)
    if custom:
        form.choice.choices.append((CUSTOM, "Another amount"))
    if request.method == "GET" and form.choice.choices:
        form.choice.data = form.choice.choices[min(1, len(amounts) - 1) if amounts else 0][0]
    if form.validate_on_submit():
        amount = _amount(form, clinic)
        if amount is not None:
            order = _start(form, amount, clinic, now)
            if order is not None:
                return redirect(order.checkout_url, code=303)
    status = 422 if form.errors else 200
    return render_template("giftshop/buy.html", form=form, custom=custom, clinic=clinic), status


def _amount(form: GiftCardForm, clinic) -> int | None:
    typed = form.custom_amount.data if form.choice.data == CUSTOM else form.choice.data
    exponent = minor_unit_exponent(clinic.currency)
    if form.choice.data != CUSTOM:
        amount, problem = int(typed), None
    else:
        try:
            amount = parse_amount(typed, exponent, example="75")
            problem = None if amount else "Please type an amount, like 75."
        except ValueError as error:
            amount, problem = 0, str(error)
    problem = problem or orders.amount_problem(amount, clinic)
    if problem:
        field = form.custom_amount if form.choice.data == CUSTOM else form.choice
        field.errors = [*field.errors, problem]
        return None
    return amount


def _start(form: GiftCardForm, amount: int, clinic, now):
    request_ = orders.OrderRequest(
        amount=amount,
        buyer_name=form.buyer_name.data,
        buyer_email=form.buyer_email.data,
        recipient_name=form.recipient_name.data or "",
        recipient_email=form.recipient_email.data or "",
        message=form.message.data or "",
        send_on=form.send_on.data if form.recipient_email.data else None,
    )
    try:
        return orders.start_order(
            request_,
            clinic,
            get_gateway(),
            success_url=lambda order_token: absolute_url("giftshop.order", token=order_token),
            cancel_url=absolute_url("giftshop.buy"),
            now=now,
        )
    except PaymentError:
        db.session.rollback()
        flash("We could not reach the payment service. Please try again in a moment.", "error")
        return None


@bp.get("/gift-cards/order/<token>")
def order(token: str):
    found = orders.by_token(token)
    if found is None:
        abort(404)
    return render_template("giftshop/order.html", order=found)


@bp.get("/gift-cards/<token>")
def card(token: str):
    found = ledger.by_token(token)
    if found is None:
        abort(404)
    return render_template(
        "giftshop/card.html",
        card=found,
        code=codes.display(found.code),
        expired=ledger.is_expired(found, clock.now().astimezone(get_clinic().tz).date()),
    )


@bp.route("/gift-cards/pay/test/<session_id>", methods=["GET", "POST"])
def fake_checkout(session_id: str):
    """The fake gateway's checkout page for a gift card (local demos only): settles the
    order through the same code as Stripe's webhook."""
    gateway = get_gateway()
    if gateway.name != "fake":
        abort(404)
    found = orders.order_for_session(session_id)
    if found is None:
        abort(404)
    if request.method == "POST" and found.status == "pending":
        if request.form.get("action") != "pay":
            return redirect(url_for("giftshop.buy"), code=303)
        orders.record_fake_payment(found, gateway, clock.now(), get_clinic())
        db.session.commit()
        return redirect(url_for("giftshop.order", token=found.token), code=303)
    return render_template("giftshop/fake_checkout.html", order=found)
