"""The forms of the payments job: amounts typed by staff, read into minor units."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import Length, StopValidation

from clinicsite.appointments.balance import METHOD_WORDS
from clinicsite.formfields import one_line
from clinicsite.models import STUDIO_METHODS

AMOUNT = re.compile(r"^[0-9]{1,9}(?:\.[0-9]+)?$")
MAX_WHOLE = 100_000  # far above any visit, far below an integer overflow


def parse_amount(typed: str | None, exponent: int) -> int:
    """'85' -> 8500 and '85.50' -> 8550 minor units (exponent 2); empty is 0. ValueError
    says what is wrong, in words for the person who typed it."""
    text = (typed or "").strip().removeprefix("$").strip().replace(",", "")
    if not text:
        return 0
    if text.startswith("-"):
        raise ValueError("The amount can't be negative.")
    if not AMOUNT.match(text):
        raise ValueError("Please enter an amount like 85 or 85.50.")
    whole, _, fraction = text.partition(".")
    if len(fraction) > exponent:
        raise ValueError(
            "Please use at most two decimal places." if exponent else "Please enter a whole amount."
        )
    if int(whole) > MAX_WHOLE:
        raise ValueError(f"Please enter an amount of at most {MAX_WHOLE:,}.")
    return int(whole) * 10**exponent + int(fraction.ljust(exponent, "0") or 0)


class AmountField(StringField):
    """Text that must read as an amount; `minor` holds it in minor units once validated."""

    exponent = 2
    minor = 0

    def pre_validate(self, form):
        try:
            self.minor = parse_amount(self.data, self.exponent)
        except ValueError as exc:
            raise StopValidation(str(exc)) from None


class BalanceForm(FlaskForm):
    amount = AmountField("Amount paid")
    tip = AmountField("Tip")
    method = SelectField(
        "Method",
        choices=[SelectChoice(m, METHOD_WORDS[m]) for m in STUDIO_METHODS],
        validate_choice=True,
    )
    note = StringField("Note", filters=[one_line], validators=[Length(max=500)])
    gift_card_code = StringField("Gift card code", filters=[one_line], validators=[Length(max=64)])

    def set_exponent(self, exponent: int) -> BalanceForm:
        self.amount.exponent = self.tip.exponent = exponent
        return self


class VoidForm(FlaskForm):
    reason = StringField(
        "Why", filters=[one_line], validators=[Length(max=500, message="At most 500 characters.")]
    )


class DayForm(FlaskForm):
    """The close and reopen buttons carry only the day (and the CSRF token)."""

    date = StringField("Day")
