"""Booking forms. Hidden fields only name the choices; prices and times are always
looked up again on the server."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    SelectChoice,
    StringField,
    TelField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from clinicsite.booking.coupons import coupon_field
from clinicsite.clinic import phone_region
from clinicsite.formfields import CheckboxesField, ClientPhone, strip
from clinicsite.phones import phone_key

TEXTABLE_MESSAGE = (
    "For texts, please give a mobile number we can text, such as 310-555-0123 "
    "(or +44 7911 123456 outside the country), or untick the box."
)


class DetailsForm(FlaskForm):
    service = HiddenField()
    option = HiddenField()
    location = HiddenField()
    therapist = HiddenField()
    start = HiddenField()
    request_key = HiddenField()

    name = StringField(
        "Full name",
        filters=[strip],
        render_kw={"autocomplete": "name"},
        validators=[DataRequired("Please give your name."), Length(max=100)],
    )
    email = EmailField(
        "Email",
        filters=[strip],
        render_kw={"autocomplete": "email"},
        validators=[
            DataRequired("Please give your email: the confirmation goes there."),
            Email("That email address does not look right; please check it."),
            Length(max=254),
        ],
    )
    phone = TelField(
        "Mobile phone",
        filters=[strip],
        render_kw={"autocomplete": "tel"},
        validators=[DataRequired("Please give a phone number, in case we need to reach you.")],
    )
    sms_consent = BooleanField("Text me reminders")
    # A visit at the client's address (booking/home_visits.py checks them, only then).
    visit_address = StringField(
        "Street address",
        filters=[strip],
        render_kw={"autocomplete": "street-address"},
        validators=[Optional(), Length(max=200, message="Please keep the address shorter.")],
    )
    visit_postal_code = StringField(
        "Postal code",
        filters=[strip],
        render_kw={"autocomplete": "postal-code", "inputmode": "text"},
        validators=[Optional(), Length(max=12, message="That postal code is too long.")],
    )
    # The health questions are data (models/intake.py): booking/intake_form.py adds them.
    notes = TextAreaField(
        "Anything else (optional)", filters=[strip], validators=[Optional(), Length(max=1000)]
    )
    # Issue 14: paid from a gift card (booking/gift_card.py, templates/booking/_gift_card.html).
    gift_card_code = StringField("Gift card code", filters=[strip], validators=[Length(max=64)])
    consent = BooleanField(
        "I accept the cancellation policy.",
        validators=[DataRequired("Please accept the cancellation policy to book.")],
    )
    coupon = coupon_field()  # clinicsite/booking/coupons.py

    def validate_phone(self, field):
        if len(field.data) > 40:
            raise ValidationError("That phone number is too long.")
        ClientPhone()(self, field)

    def validate_sms_consent(self, field):
        if field.data and phone_key(self.phone.data, phone_region()) is None:
            raise ValidationError(TEXTABLE_MESSAGE)


class RescheduleForm(FlaskForm):
    start = HiddenField()


# -- the waitlist (clinicsite/booking/waitlist.py) --------------------------------------------

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class WaitlistForm(FlaskForm):
    """Join the waitlist: the booking flow's choices (hidden), a window, and contact details."""

    service = HiddenField()
    option = HiddenField()
    location = HiddenField()
    therapist = HiddenField()

    date_from = DateField(
        "First day", validators=[InputRequired("Please give the first day that suits you.")]
    )
    date_to = DateField(
        "Last day", validators=[InputRequired("Please give the last day that suits you.")]
    )
    earliest = TimeField(
        "Earliest start", validators=[InputRequired("Please give the earliest start.")]
    )
    latest = TimeField("Latest start", validators=[InputRequired("Please give the latest start.")])
    weekdays = CheckboxesField(
        "Days of the week that suit you",
        coerce=int,
        choices=[SelectChoice(day, name) for day, name in enumerate(WEEKDAY_NAMES)],
        validators=[DataRequired("Please pick at least one day of the week.")],
        invalid_choice_message="Please pick days from the list.",
        invalid_value_message="Please pick days from the list.",
    )
    name = DetailsForm.name
    email = EmailField(
        "Email",
        filters=[strip],
        render_kw={"autocomplete": "email"},
        validators=[
            DataRequired("Please give your email: offers of free times go there."),
            Email("That email address does not look right; please check it."),
            Length(max=254),
        ],
    )
    phone = TelField(
        "Mobile phone (optional)",
        filters=[strip],
        render_kw={"autocomplete": "tel"},
        validators=[
            Optional(),
            Length(max=40, message="That phone number is too long."),
            ClientPhone(),
        ],
    )
    sms_consent = BooleanField("Text me offers too")

    validate_sms_consent = DetailsForm.validate_sms_consent


class ClaimForm(FlaskForm):
    """Claim an offered time: the booking's health questions (booking/intake_form.py) and
    the policy, then hold it."""

    notes = DetailsForm.notes
    consent = DetailsForm.consent


class WithdrawForm(FlaskForm):
    """Leave the waitlist (a POST, so a mail scanner following the link changes nothing)."""
