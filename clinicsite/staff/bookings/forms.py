"""The staff booking forms: a booking taken on the phone or recorded after a walk-in."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from clinicsite.clinic import phone_region
from clinicsite.formfields import ClientPhone, strip
from clinicsite.phones import phone_key

# A walk-in may be entered afterwards, up to this many days after its time.
PAST_DAYS = 14


class PhoneBookingForm(FlaskForm):
    option = SelectField("Service and length", validate_choice=True)
    therapist = SelectField("Therapist", validate_choice=True)
    location = SelectField("Studio", validate_choice=True)
    date = StringField("Date", render_kw={"type": "date"}, validators=[DataRequired()])
    time = StringField(
        "Start time", render_kw={"type": "time", "step": "300"}, validators=[DataRequired()]
    )
    # Which of the two readings when the clocks go back and an hour repeats (filled per
    # clinic zone in fill_choices); "" means the time must not be a repeated one.
    offset = SelectField(
        "Zone (only when the clocks go back and the hour repeats)", validate_choice=False
    )
    name = StringField(
        "Client's name",
        filters=[strip],
        validators=[DataRequired("Please give the client's name."), Length(max=100)],
    )
    email = EmailField(
        "Client's email (optional with a phone number)",
        filters=[strip],
        validators=[
            Optional(),
            Email("That email address does not look right."),
            Length(max=254),
        ],
    )
    phone = StringField(
        "Client's phone (optional with an email)",
        filters=[strip],
        validators=[Optional(), Length(max=40), ClientPhone()],
    )
    sms_consent = BooleanField("The client agrees to text reminders (reply STOP to stop)")
    notes = TextAreaField("Notes", filters=[strip], validators=[Optional(), Length(max=1000)])
    payment = RadioField(
        "Deposit",
        default="waive",
        choices=[
            SelectChoice("waive", "Waive the deposit: confirm now"),
            SelectChoice(
                "link",
                "Email the client a payment link (held for 24 hours, or until the visit "
                "starts if sooner)",
            ),
        ],
    )
    coupon = StringField(
        "Coupon code (optional)",
        filters=[strip],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
        validators=[Optional(), Length(max=64, message="That code is too long.")],
    )
    afterwards = BooleanField(
        f"Record a visit that already happened (a walk-in, up to {PAST_DAYS} days back): "
        "nothing is emailed and no reminder is sent"
    )

    def validate_sms_consent(self, field):
        if field.data and phone_key(self.phone.data, phone_region()) is None:
            raise ValidationError(
                "For text reminders, give a mobile number we can text, such as 310-555-0123."
            )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not (self.email.data or self.phone.data):
            self.phone.errors = [
                *self.phone.errors,
                "Please give the client's phone number or email, so we can reach them.",
            ]
            valid = False
        if self.payment.data == "link" and not self.email.data and not self.afterwards.data:
            self.payment.errors = [
                *self.payment.errors,
                "A payment link is sent by email: add the client's email or waive the deposit.",
            ]
            valid = False
        return valid
