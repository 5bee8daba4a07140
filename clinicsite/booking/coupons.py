"""The booking details step's "Coupon code": the field, reading a typed code against the
chosen booking (a bad one is an error on the field, everything else kept), the "Apply"
button that only shows the discount, and what the hold is asked to do with it."""

from __future__ import annotations

from datetime import datetime

from flask import request
from wtforms import StringField
from wtforms.validators import Length, Optional

from clinicsite.booking.selection import Selection
from clinicsite.coupons import uses
from clinicsite.coupons.rules import CouponRefused, Priced, price
from clinicsite.formfields import strip
from clinicsite.models import Appointment, ClinicSettings

APPLY_BUTTON = "apply_coupon"


def coupon_field() -> StringField:
    return StringField(
        "Coupon code (optional)",
        filters=[strip],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
        validators=[Optional(), Length(max=64, message="That code is too long.")],
    )


def applying() -> bool:
    """The "Apply" button was pressed: show the discount, hold nothing."""
    return request.method == "POST" and APPLY_BUTTON in request.form


def read(form, sel: Selection, clinic: ClinicSettings, now: datetime) -> Priced | None:
    """The typed code applied to the chosen booking (kept on `form.priced` for the page),
    or None without one; a code that cannot be used becomes the field's error."""
    form.priced = None
    code = (form.coupon.data or "").strip() if request.method == "POST" else ""
    if not code or sel.option is None:
        return None
    if len(code) > 64:
        form.coupon.errors = ["That code is too long."]
        return None
    try:
        form.priced = price(code, sel.service, sel.total_price, sel.option.deposit, clinic, now)
    except CouponRefused as refused:
        form.coupon.errors = [str(refused)]
        return None
    return form.priced


def refuse(form, refused: CouponRefused) -> None:
    """The hold found the code used up (or changed) under its lock."""
    form.priced = None
    form.coupon.errors = [str(refused)]


def hold_args(priced: Priced | None, clinic: ClinicSettings) -> dict:
    """What HoldRequest needs for the coupon: the deposit after it, and the use to take."""
    if priced is None:
        return {}

    def take(appointment: Appointment, now: datetime) -> None:
        uses.take(priced, appointment, clinic, now)

    return {"deposit": priced.deposit, "under_lock": take}
