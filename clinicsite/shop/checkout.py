"""Sending a buyer of the shop (a package, a membership) to the provider's hosted checkout:
one way for both, so the two cannot drift apart in what they keep or say when it fails."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import flash, redirect, url_for

from clinicsite import clock
from clinicsite.extensions import db
from clinicsite.payments import get_gateway
from clinicsite.payments.gateway import PaymentError, PaymentGateway

UNREACHABLE = "We could not reach the payment service. Nothing was charged; please try again."


def to_checkout(
    begin: Callable[[PaymentGateway, datetime], tuple[str, str]],
    fake_page: str,
    form_again: Callable[[], str],
):
    """`begin(gateway, now)` adds the pending row and opens its checkout, returning the
    row's token and the checkout's URL. Then the row is committed and the buyer sent there
    (303), or, with the fake gateway of a local demo, to its `fake_page` endpoint. The
    provider unreachable: nothing is kept, and the form is shown again with a 503."""
    now, gateway = clock.now(), get_gateway()
    try:
        token, url = begin(gateway, now)
    except PaymentError:
        db.session.rollback()
        flash(UNREACHABLE, "error")
        return form_again(), 503
    if gateway.name == "fake":
        url = url_for(fake_page, token=token)
    db.session.commit()
    return redirect(url, code=303)
