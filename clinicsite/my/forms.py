"""The form that asks for a sign-in link."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms.validators import DataRequired, Email, Length

from clinicsite.formfields import strip


class SignInForm(FlaskForm):
    email = EmailField(
        "The email address you booked with",
        render_kw={"autocomplete": "email"},
        filters=[strip],
        validators=[
            DataRequired("Please give the email address you booked with."),
            Length(max=254, message="That email address is too long."),
            Email("That email address does not look right; please check it."),
        ],
    )
