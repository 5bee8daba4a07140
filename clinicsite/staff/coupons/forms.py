"""The coupon form: what staff type, read into the domain's CouponValues."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, RadioField, SelectChoice, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from clinicsite.coupons.admin import CouponValues
from clinicsite.coupons.rules import MAX_CODE_LENGTH, code_problem, normalise
from clinicsite.formfields import one_line, services_field, strip
from clinicsite.models import Coupon

NUMBER = re.compile(r"^[0-9]{1,7}(?:\.[0-9]+)?$")
MAX_LIMIT = 1_000_000


def limit_field(label: str, description: str) -> IntegerField:
    return IntegerField(
        label,
        default=0,
        description=description,
        validators=[
            Optional(),
            NumberRange(0, MAX_LIMIT, f"Please enter a whole number from 0 to {MAX_LIMIT:,}."),
        ],
    )


class CouponForm(FlaskForm):
    code = StringField(
        "Code",
        filters=[strip],
        description="What clients type: letters, digits and dashes, like SPRING-20. "
        "Case does not matter.",
        validators=[InputRequired("Please give the code."), Length(max=MAX_CODE_LENGTH + 20)],
    )
    description = StringField(
        "Note for staff (optional)",
        filters=[one_line],
        validators=[Length(max=200, message="Please keep it to 200 characters.")],
    )
    kind = RadioField(
        "Discount",
        choices=[
            SelectChoice("amount", "An amount off"),
            SelectChoice("percent", "A percentage off"),
        ],
        default="amount",
        validators=[InputRequired("Please choose an amount or a percentage off.")],
    )
    value = StringField(
        "How much off",
        filters=[strip],
        description="Dollars for an amount off (like 20 or 12.50), a whole number from 1 to "
        "100 for a percentage.",
        validators=[InputRequired("Please say how much the code takes off.")],
    )
    valid_from = DateField(
        "First day (optional)",
        validators=[Optional()],
        description="In the clinic's time zone; empty: from today.",
    )
    valid_until = DateField(
        "Last day (optional)",
        validators=[Optional()],
        description="The code works until midnight at the end of this day; empty: no end.",
    )
    max_uses = limit_field("Uses in all", "0 for no limit. A cancelled booking keeps its use.")
    max_uses_per_client = limit_field(
        "Uses per client", "0 for no limit; 1 for a first-visit code."
    )
    service_ids = services_field("Only for these services (none ticked: every service)")
    active = BooleanField("Active: clients can use it", default=True)

    def __init__(self, *args, exponent: int = 2, **kwargs):
        super().__init__(*args, **kwargs)
        self.exponent = exponent
        self.value_minor: int = 0

    def validate_code(self, field):
        problem = code_problem(normalise(field.data))
        if problem:
            raise ValidationError(problem)

    def validate_value(self, field):
        text = (field.data or "").removeprefix("$").removesuffix("%").strip()
        if not NUMBER.match(text):
            raise ValidationError("Please enter a number, like 20 or 12.50.")
        whole, _, fraction = text.partition(".")
        if self.kind.data == "percent":
            if fraction.strip("0") or not 1 <= int(whole) <= 100:
                raise ValidationError("A percentage off is a whole number from 1 to 100.")
            self.value_minor = int(whole)
            return
        if len(fraction) > self.exponent:
            raise ValidationError("Please use at most two decimal places (cents).")
        self.value_minor = int(whole) * 10**self.exponent + int(
            fraction.ljust(self.exponent, "0") or 0
        )
        if self.value_minor <= 0:
            raise ValidationError("An amount off is more than 0.")

    def validate_valid_until(self, field):
        if field.data and self.valid_from.data and field.data < self.valid_from.data:
            raise ValidationError("The last day comes before the first day.")

    def values(self, services) -> CouponValues:
        chosen = set(self.service_ids.data or [])
        return CouponValues(
            code=self.code.data,
            kind=self.kind.data,
            value=self.value_minor,
            description=self.description.data or "",
            valid_from=self.valid_from.data,
            valid_until=self.valid_until.data,
            max_uses=self.max_uses.data or 0,
            max_uses_per_client=self.max_uses_per_client.data or 0,
            active=bool(self.active.data),
            services=[s for s in services if s.id in chosen],
        )

    @classmethod
    def data_of(cls, coupon: Coupon, currency_exponent: int) -> dict:
        if coupon.kind == "percent":
            value = str(coupon.value)
        else:
            whole, cents = divmod(coupon.value, 10**currency_exponent)
            value = f"{whole}.{cents:0{currency_exponent}d}" if cents else str(whole)
        return {
            "code": coupon.code,
            "description": coupon.description,
            "kind": coupon.kind,
            "value": value,
            "valid_from": coupon.valid_from,
            "valid_until": coupon.valid_until,
            "max_uses": coupon.max_uses,
            "max_uses_per_client": coupon.max_uses_per_client,
            "service_ids": [s.id for s in coupon.services],
            "active": coupon.active,
        }


class ActiveForm(FlaskForm):
    """Deactivate or reactivate: the button carries only the CSRF token."""
