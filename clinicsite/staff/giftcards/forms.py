"""The staff gift card forms: amounts typed as "50" or "-12.50", read into minor units."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, StopValidation

from clinicsite.formfields import one_line, strip
from clinicsite.money import parse_amount


class SignedAmountField(StringField):
    """An amount in the clinic's currency; `minor` holds it in minor units once valid."""

    minor = 0
    exponent = 2
    allow_negative = True

    def pre_validate(self, form):
        if not (self.data or "").strip():
            raise StopValidation("Please enter an amount, like 50.")
        try:
            self.minor = parse_amount(
                self.data, self.exponent, signed=self.allow_negative, example="50"
            )
        except ValueError as error:
            raise StopValidation(str(error)) from None
        if self.minor == 0:
            raise StopValidation("Please enter an amount other than 0.")


class LookupForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search

    q = StringField("Code or email", filters=[strip], validators=[Length(max=254)])


class IssueForm(FlaskForm):
    amount = SignedAmountField("Amount")
    recipient_name = StringField(
        "For (name)", filters=[one_line], validators=[Optional(), Length(max=120)]
    )
    recipient_email = EmailField(
        "Their email (optional)",
        filters=[strip],
        validators=[Optional(), Email("That email address does not look right."), Length(max=254)],
    )
    note = StringField(
        "Why (kept in the ledger)",
        filters=[one_line],
        validators=[DataRequired("Please say why the card is issued."), Length(max=500)],
    )

    def set_exponent(self, exponent: int) -> IssueForm:
        self.amount.exponent, self.amount.allow_negative = exponent, False
        return self


class AdjustForm(FlaskForm):
    # Own ids: the card's page has this form and the void form, both with a "note".
    amount = SignedAmountField("Change (+ or −)", id="adjust-amount")
    note = StringField(
        "Why",
        id="adjust-note",
        filters=[one_line],
        validators=[DataRequired("Please say why."), Length(max=500)],
    )


class VoidForm(FlaskForm):
    note = StringField(
        "Why",
        id="void-note",
        filters=[one_line],
        validators=[DataRequired("Please say why the card is void."), Length(max=500)],
    )
