"""The forms of the fees job. Amounts are worked out on the server; only a refund's
amount is typed."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import InputRequired, Length, StopValidation

from clinicsite.formfields import one_line
from clinicsite.money import parse_amount


class ChargeForm(FlaskForm):
    kind = HiddenField(validators=[InputRequired()])
    # Random, made when the page is shown: the charge's idempotency key (a double click
    # sends the same one, so the card is charged once).
    token = HiddenField(validators=[InputRequired(), Length(max=64)])


class RefundForm(FlaskForm):
    amount = StringField("Amount to refund", filters=[one_line])
    reason = StringField("Why", filters=[one_line], validators=[Length(max=500)])
    minor = 0

    def validate_amount(self, field):
        try:
            self.minor = parse_amount(field.data, example="25")
        except ValueError as error:
            raise StopValidation(str(error)) from None
        if self.minor == 0:
            raise StopValidation("Please enter an amount to refund, like 25.")


class CardLinkForm(FlaskForm):
    """The "email the card link" button carries only its CSRF token."""
