"""The forms of the payments job: amounts typed by staff, read into minor units."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import Length, StopValidation

from clinicsite.appointments.balance import METHOD_WORDS
from clinicsite.formfields import one_line
from clinicsite.models import STUDIO_METHODS
from clinicsite.money import parse_amount


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


RECONCILE_PERIODS = (
    SelectChoice("7", "The last 7 days"),
    SelectChoice("30", "The last 30 days"),
    SelectChoice("90", "The last 90 days"),
    SelectChoice("365", "The last year"),
    SelectChoice("all", "Everything"),
)


class ReconcileForm(FlaskForm):
    period = SelectField(
        "Payments made in", choices=RECONCILE_PERIODS, default="30", validate_choice=True
    )
