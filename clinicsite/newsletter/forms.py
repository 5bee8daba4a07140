"""Newsletter forms: the public sign-up (the staff upload of the guide is in staff/)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from clinicsite.formfields import strip


class SignupForm(FlaskForm):
    """Posted from /newsletter, the site footer and blog posts (templates/newsletter/
    _signup.html): the field names here are the ones that form uses."""

    class Meta:  # on cached pages: see clinicsite.security.session_free_form
        csrf = False

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
