"""The gift card order form."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from clinicsite.formfields import clean_text, one_line, strip, text

CUSTOM = "custom"


class GiftCardForm(FlaskForm):
    choice = RadioField("Amount", choices=[], validate_choice=True)
    custom_amount = StringField("Another amount", filters=[strip], validators=[Length(max=12)])
    buyer_name = StringField(
        "Your name",
        render_kw={"autocomplete": "name"},
        filters=[one_line],
        validators=[DataRequired("Please tell us your name."), Length(max=120)],
    )
    buyer_email = EmailField(
        "Your email",
        render_kw={"autocomplete": "email"},
        filters=[strip],
        validators=[
            DataRequired("Please give your email address: the card is sent to it."),
            Email("That email address does not look right; please check it."),
            Length(max=254),
        ],
    )
    recipient_name = StringField(
        "Their name (optional)", filters=[one_line], validators=[Optional(), Length(max=120)]
    )
    recipient_email = EmailField(
        "Their email (optional: we send them the card)",
        filters=[strip],
        validators=[
            Optional(),
            Email("That email address does not look right; please check it."),
            Length(max=254),
        ],
    )
    message = TextAreaField(
        "A message (optional)",
        filters=[text, clean_text],
        validators=[Length(max=1000, message="Please keep the message to 1000 characters.")],
    )
    send_on = DateField(
        "Send it to them on",
        validators=[Optional()],
        render_kw={"class": "date-input"},
    )

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def validate_send_on(self, field):
        if field.data is None:
            return
        if field.data < self.today:
            raise ValidationError("Please choose today or a later date.")
        if (field.data - self.today).days > 366:
            raise ValidationError("Please choose a date within a year.")
