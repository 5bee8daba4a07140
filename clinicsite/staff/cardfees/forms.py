"""The forms of the fees job. Amounts are worked out on the server; only a refund's
amount is typed."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import InputRequired, Length, StopValidation

from clinicsite.formfields import one_line

AMOUNT = re.compile(r"^[0-9]{1,6}(?:\.[0-9]{1,2})?$")


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
        text = (field.data or "").strip().removeprefix("$").strip()
        if not AMOUNT.match(text):
            raise StopValidation("Please enter an amount like 25 or 25.50.")
        whole, _, cents = text.partition(".")
        self.minor = int(whole) * 100 + int(cents.ljust(2, "0") or 0)


class CardLinkForm(FlaskForm):
    """The "email the card link" button carries only its CSRF token."""
