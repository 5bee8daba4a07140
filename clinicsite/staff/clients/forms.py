"""The forms of a client's page."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from clinicsite.formfields import ClientPhone, strip, text

MAX_SEARCH = 200


class ClientDetailsForm(FlaskForm):
    name = StringField(
        "Name",
        filters=[strip],
        validators=[DataRequired("Please give the client's name."), Length(max=100)],
    )
    email = EmailField(
        "Email",
        filters=[strip],
        validators=[Optional(), Email("That email address does not look right."), Length(max=254)],
    )
    phone = StringField(
        "Phone",
        filters=[strip],
        validators=[Optional(), Length(max=40), ClientPhone()],
    )
    notes = TextAreaField(
        "Notes (only staff see them)",
        filters=[text],
        validators=[Length(max=5000, message="Please keep the notes to 5,000 characters.")],
    )


class MergeForm(FlaskForm):
    duplicate = StringField(
        "Number of the duplicate client",
        filters=[strip],
        validators=[DataRequired("Please give the number of the client to merge into this one.")],
    )


class AnonymiseForm(FlaskForm):
    confirm = BooleanField(
        "I understand: the name, contact details, notes and intake answers are erased for "
        "good; amounts paid and refunded are kept.",
        validators=[DataRequired("Please tick the box to confirm.")],
    )
