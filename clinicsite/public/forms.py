"""Public forms."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

PHONE_CHARS = re.compile(r"^[0-9+().\-\s]*$")


def strip(value):
    return value.strip() if isinstance(value, str) else value


class ContactForm(FlaskForm):
    name = StringField(
        "Your name",
        render_kw={"autocomplete": "name"},
        filters=[strip],
        validators=[DataRequired("Please tell us your name."), Length(max=100)],
    )
    email = EmailField(
        "Email",
        render_kw={"autocomplete": "email"},
        filters=[strip],
        validators=[
            DataRequired("Please give an email address so we can reply."),
            Email("That email address does not look right; please check it."),
            Length(max=254),
        ],
    )
    phone = StringField(
        "Phone (optional)",
        render_kw={"autocomplete": "tel"},
        filters=[strip],
        validators=[Optional(), Length(max=40)],
    )
    service = SelectField("What is it about?", choices=[], validate_choice=True)
    message = TextAreaField(
        "Message",
        filters=[strip],
        validators=[
            DataRequired("Please write a message."),
            Length(min=10, max=5000, message="Please write between 10 and 5000 characters."),
        ],
    )
    # Honeypot: hidden from people, filled in by bots. Submissions with it are dropped.
    website = StringField("Leave this field empty", validators=[Optional()])

    def validate_phone(self, field):
        if field.data and (
            not PHONE_CHARS.match(field.data) or sum(c.isdigit() for c in field.data) < 7
        ):
            raise ValidationError(
                "Please give a phone number with at least 7 digits, or leave it empty."
            )
