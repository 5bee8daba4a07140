"""The forms of the packages job. Amounts are typed in the currency (600 or 600.00) and
kept in minor units; everything is checked here, so bad input is a form error."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Regexp,
    ValidationError,
)

from clinicsite.formfields import one_line, strip
from clinicsite.money import parse_amount


class PackageForm(FlaskForm):
    name = StringField(
        "Name",
        filters=[one_line],
        validators=[DataRequired("Please give the package a name."), Length(max=120)],
    )
    slug = StringField(
        "Address (slug)",
        filters=[strip],
        validators=[
            DataRequired("Please give the package an address, such as five-60-minute."),
            Length(max=80),
            Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", message="Lower-case letters, digits, dashes."),
        ],
    )
    description = StringField("Description", filters=[one_line], validators=[Length(max=500)])
    option = SelectField("Service and length", validate_choice=True)
    sessions = IntegerField(
        "Sessions",
        validators=[
            InputRequired("Please give the number of sessions."),
            NumberRange(1, 100, "From 1 to 100 sessions."),
        ],
    )
    price = StringField(
        "Price",
        filters=[strip],
        validators=[DataRequired("Please give the price, such as 600 or 600.00.")],
    )
    validity_days = IntegerField(
        "Valid for (days)",
        default=365,
        validators=[
            InputRequired("Please say how many days it can be used."),
            NumberRange(1, 3650, "From 1 to 3650 days."),
        ],
    )
    sort = IntegerField(
        "Order in the list", default=0, validators=[NumberRange(0, 1000, "From 0 to 1000.")]
    )
    active = BooleanField("On sale", default=True)

    exponent = 2
    price_minor = 0

    def validate_price(self, field) -> None:
        try:
            self.price_minor = parse_amount(field.data, self.exponent, example="600")
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        if self.price_minor <= 0:
            raise ValidationError("The price must be more than nothing.")


class RefundForm(FlaskForm):
    mode = RadioField(
        "Refund",
        choices=[
            SelectChoice("pro_rata", "The unused sessions' share of what was paid"),
            SelectChoice("none", "No money: only close the package"),
        ],
        default="pro_rata",
        validate_choice=True,
    )


class DeactivateForm(FlaskForm):
    """The button carries only its CSRF token."""
