"""What every form shares, public, booking and staff alike: the filters that clean typed text,
the phone rule, and the field builders staff pages have in common.

Filters run before validation. `strip` trims; `clean_text` also makes line breaks \\n and
drops control characters (NUL, which PostgreSQL refuses, among them); `text` is `clean_text`
for fields a post may leave out (None becomes ""); `markdown_text` keeps leading spaces,
which Markdown reads.
"""

from __future__ import annotations

import re

from wtforms import SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from clinicsite.clinic import phone_region
from clinicsite.phones import BadPhone, is_phone, to_e164

# Control characters other than tab and newline: nothing a person types.
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


# ---- Filters -------------------------------------------------------------------------------


def strip(value):
    return value.strip() if isinstance(value, str) else value


def clean_text(value):
    """Line breaks as \\n, no control characters, no surrounding whitespace."""
    if not isinstance(value, str):
        return value
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return CONTROLS.sub("", value).strip()


def text(value):
    """`clean_text`, and a field left out of the post becomes empty, never None."""
    return "" if value is None else clean_text(value)


def one_line(value):
    return " ".join(value.split()) if isinstance(value, str) else value


def upper(value):
    return value.upper() if isinstance(value, str) else value


def markdown_text(value):
    """Keep the Markdown as typed (leading spaces matter), minus NUL and Windows line ends."""
    if value is None:
        return ""
    return value.replace("\x00", "").replace("\r\n", "\n").rstrip()


# ---- The phone rule ------------------------------------------------------------------------


class PhoneNumber:
    """Validator: an entered phone number must pass the phone rule (`phones.is_phone`: digits
    and punctuation, at least 7 digits); pair with Optional() for a field that may stay empty.
    For a number the clinic will call or text, use ClientPhone."""

    def __init__(self, message: str = "Please give a phone number with at least 7 digits."):
        self.message = message

    def __call__(self, form, field) -> None:
        if field.data and not is_phone(field.data):
            raise ValidationError(self.message)


class ClientPhone(PhoneNumber):
    """Validator: a client's phone number passes the phone rule and is a real number, read in
    the clinic's country (clinicsite/phones.py). An empty value passes (pair with Optional()
    or a required check)."""

    def __call__(self, form, field) -> None:
        super().__call__(form, field)
        if not field.data:
            return
        try:
            to_e164(field.data, phone_region())
        except BadPhone as exc:
            raise ValidationError(str(exc)) from None


# ---- Field builders ------------------------------------------------------------------------


class CheckboxesField(SelectMultipleField):
    """A list of checkboxes (services an area offers, services a therapist performs)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def text_field(label: str, max_length: int, required: str | None = None, **kwargs):
    first = DataRequired(required) if required else Optional()
    too_long = Length(max=max_length, message=f"Please keep it to {max_length} characters.")
    return StringField(label, filters=[text], validators=[first, too_long], **kwargs)


def long_text(label: str, max_length: int = 20_000, **kwargs) -> TextAreaField:
    too_long = Length(max=max_length, message=f"Please keep it to {max_length:,} characters.")
    return TextAreaField(label, filters=[text], validators=[too_long], **kwargs)


def services_field(label: str) -> CheckboxesField:
    message = "Please choose services from the list."
    return CheckboxesField(
        label, coerce=int, invalid_choice_message=message, invalid_value_message=message
    )
