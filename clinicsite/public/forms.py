"""Public forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from clinicsite.formfields import PhoneNumber, strip


class ContactForm(FlaskForm):
    class Meta:  # on cached pages: see clinicsite.security.session_free_form
        csrf = False

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
        validators=[
            Optional(),
            Length(max=40),
            PhoneNumber("Please give a phone number with at least 7 digits, or leave it empty."),
        ],
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
