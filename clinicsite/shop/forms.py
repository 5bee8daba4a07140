"""The form that buys a package: who it is for. Prices are looked up on the server."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Email, Length

from clinicsite.formfields import strip


class BuyForm(FlaskForm):
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
            DataRequired("Please give your email: the package and its sign-in link go there."),
            Email("That email address does not look right; please check it."),
            Length(max=254, message="That email address is too long."),
        ],
    )


class JoinForm(BuyForm):
    """Who joins a membership: the same fields; the monthly email and sign-in go there."""
