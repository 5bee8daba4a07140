"""/packages/: what is on sale, buying one, and the receipt page. Thin: the domain is
clinicsite/packages/buying.py; nothing here marks a package paid (only the provider's
signed webhook does, or the fake gateway's own page in a local demo)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, redirect, render_template, request, url_for

from clinicsite import clock
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db, limiter
from clinicsite.models import Package
from clinicsite.notifications import site_links
from clinicsite.packages import buying
from clinicsite.payments import get_gateway
from clinicsite.payments.gateway import CheckoutState
from clinicsite.shop import bp
from clinicsite.shop.checkout import to_checkout
from clinicsite.shop.forms import BuyForm
from clinicsite.templating import absolute_url

PRIVATE_PAGE = {
    "Cache-Control": "private, no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
}


@bp.get("/packages/")
def packages():
    on_sale = [(p, buying.saving_of(p)) for p in buying.on_sale()]
    return render_template("shop/packages.html", on_sale=on_sale)


def _on_sale_or_404(slug: str) -> Package:
    package = db.session.scalar(
        sa.select(Package).where(Package.slug == slug[:80], Package.active.is_(True))
    )
    if package is None:
        abort(404)
    return package


@bp.route("/packages/<slug>/buy", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def buy(slug: str):
    package = _on_sale_or_404(slug)
    form = BuyForm()
    if form.validate_on_submit():

        def begin(gateway, now):
            purchase = buying.start(package, form.name.data, form.email.data, get_clinic(), now)
            url = buying.checkout(
                purchase,
                gateway,
                now,
                success_url=absolute_url("shop.bought", token=purchase.token),
                cancel_url=absolute_url("shop.buy", slug=package.slug),
            )
            return purchase.token, url

        return to_checkout(
            begin,
            "shop.fake_checkout",
            lambda: render_template("shop/buy.html", form=form, package=package),
        )
    page = render_template(
        "shop/buy.html", form=form, package=package, saving=buying.saving_of(package)
    )
    return page, 422 if form.errors else 200


@bp.get("/packages/bought/<token>")
def bought(token: str):
    purchase = buying.by_token(token)
    if purchase is None:
        abort(404)
    page = render_template("shop/bought.html", purchase=purchase, now=clock.now())
    return page, 200, PRIVATE_PAGE


@bp.route("/packages/pay/test/<token>", methods=["GET", "POST"])
def fake_checkout(token: str):
    """The fake gateway's checkout page (local demos only): plays Stripe's part and settles
    through the same code as Stripe's webhook."""
    gateway = get_gateway()
    purchase = buying.by_token(token)
    if gateway.name != "fake" or purchase is None:
        abort(404)
    if request.method == "POST" and purchase.status == "pending":
        if request.form.get("action") != "pay":
            return redirect(url_for("shop.buy", slug=purchase.package.slug), code=303)
        state = CheckoutState(
            session_id=purchase.checkout_session_id or "",
            status="complete",
            payment_status="paid",
            amount=purchase.amount,
            currency=purchase.currency.upper(),
            payment_intent_id=f"fake_pi_{purchase.token[:16]}",
        )
        buying.settle(purchase, state, gateway, clock.now(), site_links())
        db.session.commit()
        return redirect(url_for("shop.bought", token=purchase.token), code=303)
    return render_template("shop/fake_checkout.html", purchase=purchase), 200, PRIVATE_PAGE
