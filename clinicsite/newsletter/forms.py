"""Newsletter forms: the public sign-up and the staff upload of the guide."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import EmailField, HiddenField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional


def strip(value):
    return value.strip() if isinstance(value, str) else value


class SignupForm(FlaskForm):
    """Posted from /newsletter, the site footer and blog posts (templates/newsletter/
    _signup.html): the field names here are the ones that form uses."""

    email = EmailField(
        "Your email address",
        render_kw={"autocomplete": "email"},
        filters=[strip],
        validators=[
            DataRequired("Please give your email address."),
            Length(max=254, message="That email address is too long."),
            Email("That email address does not look right; please check it."),
        ],
    )
    # The page the form was on; cleaned in the service before it is stored.
    source = HiddenField(validators=[Optional()])
    # Honeypot: hidden from people, filled in by bots. Such sign-ups are dropped.
    website = StringField("Leave this field empty", validators=[Optional()])


class LeadMagnetForm(FlaskForm):
    title = StringField(
        "Title",
        filters=[strip],
        validators=[DataRequired("Please give the guide a title."), Length(max=200)],
    )
    # Type and size are checked by clinicsite.uploads.save, from the file's own bytes.
    file = FileField("PDF file", render_kw={"accept": "application/pdf,.pdf"})
