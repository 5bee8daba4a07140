"""/memberships/: the monthly plans, joining one through the provider's hosted checkout in
subscription mode, and the new member's page. Thin: the domain is clinicsite/memberships;
nothing here starts a membership (only the provider's signed webhooks do, or the fake
gateway's own page in a local demo)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import abort, redirect, render_template, request, url_for

from clinicsite import clock
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db, limiter
from clinicsite.memberships import billing, buying, plans
from clinicsite.models import MembershipPlan
from clinicsite.notifications import site_links
from clinicsite.payments import get_gateway
from clinicsite.payments.subscriptions import InvoiceState
from clinicsite.shop import bp
from clinicsite.shop.checkout import to_checkout
from clinicsite.shop.forms import JoinForm
from clinicsite.shop.routes import PRIVATE_PAGE
from clinicsite.templating import absolute_url


@bp.get("/memberships/")
def memberships():
    return render_template("shop/memberships.html", on_sale=plans.on_sale())


def _on_sale_or_404(slug: str) -> MembershipPlan:
    plan = db.session.scalar(
        sa.select(MembershipPlan).where(
            MembershipPlan.slug == slug[:80], MembershipPlan.active.is_(True)
        )
    )
    if plan is None:
        abort(404)
    return plan


@bp.route("/memberships/<slug>/join", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def join(slug: str):
    plan = _on_sale_or_404(slug)
    form = JoinForm()
    if form.validate_on_submit():

        def begin(gateway, now):
            membership = buying.start(plan, form.name.data, form.email.data, get_clinic(), now)
            url = buying.checkout(
                membership,
                gateway,
                now,
                success_url=absolute_url("shop.joined", token=membership.token),
                cancel_url=absolute_url("shop.join", slug=plan.slug),
            )
            return membership.token, url

        return to_checkout(
            begin,
            "shop.fake_membership_checkout",
            lambda: render_template("shop/join.html", form=form, plan=plan),
        )
    page = render_template("shop/join.html", form=form, plan=plan)
    return page, 422 if form.errors else 200


@bp.get("/memberships/joined/<token>")
def joined(token: str):
    membership = buying.by_token(token)
    if membership is None:
        abort(404)
    now = clock.now()
    page = render_template(
        "shop/joined.html", membership=membership, period=membership.current_period(now), now=now
    )
    return page, 200, PRIVATE_PAGE


@bp.route("/memberships/pay/test/<token>", methods=["GET", "POST"])
def fake_membership_checkout(token: str):
    """The fake gateway's subscription page (local demos only): its first month is paid
    through the same granting code as Stripe's invoice webhook."""
    gateway = get_gateway()
    membership = buying.by_token(token)
    if gateway.name != "fake" or membership is None:
        abort(404)
    if request.method == "POST" and membership.status == "pending":
        if request.form.get("action") != "pay":
            return redirect(url_for("shop.join", slug=membership.plan.slug), code=303)
        now = clock.now()
        membership.subscription_id = f"fake_sub_{membership.token[:16]}"
        invoice = InvoiceState(
            id=f"fake_in_{membership.token[:16]}",
            status="paid",
            subscription_id=membership.subscription_id,
            amount_paid=membership.plan.price,
            amount_due=membership.plan.price,
            currency=membership.plan.currency.upper(),
            period_start=now,
            period_end=now + timedelta(days=30),
        )
        billing.grant(membership, invoice, now, site_links())
        db.session.commit()
        return redirect(url_for("shop.joined", token=membership.token), code=303)
    page = render_template("shop/fake_membership_checkout.html", membership=membership)
    return page, 200, PRIVATE_PAGE
