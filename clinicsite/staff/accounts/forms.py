"""The forms of staff accounts: invite, edit, ask for a reset, set a password."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from clinicsite.formfields import one_line
from clinicsite.models import ROLES
from clinicsite.models.staff import MIN_PASSWORD_LENGTH

ROLE_WORDS = {
    "admin": "Admin: everything, including money, settings and accounts",
    "therapist": "Therapist: their own calendar, clients and schedule",
    "editor": "Editor: the blog, comments, newsletter and inquiries",
}


def lower(value):
    return value.strip().lower() if isinstance(value, str) else value


def _role_field():
    return SelectField(
        "Role",
        choices=[SelectChoice(r, ROLE_WORDS[r]) for r in ROLES],
        validate_choice=True,
        default="therapist",
    )


def _therapist_field():
    # Choices are the therapist profiles, set by the view; 0 is "none".
    return SelectField(
        "Therapist profile",
        coerce=int,
        default=0,
        validate_choice=True,
        description="A therapist account sees the calendar of this profile.",
    )


class _RoleAndProfile(FlaskForm):
    def validate_therapist_id(self, field):
        if self.role.data == "therapist" and not field.data:
            raise ValidationError("Please choose the therapist profile this account belongs to.")


class InviteForm(_RoleAndProfile):
    name = StringField(
        "Name",
        filters=[one_line],
        validators=[DataRequired("Please give the person's name."), Length(max=120)],
    )
    email = EmailField(
        "Email",
        filters=[lower],
        validators=[
            DataRequired("Please give the email address the invitation goes to."),
            Email("That email address does not look right; please check it."),
            Length(max=254),
        ],
    )
    role = _role_field()
    therapist_id = _therapist_field()


class AccountForm(_RoleAndProfile):
    role = _role_field()
    therapist_id = _therapist_field()
    active = BooleanField("Active: may log in")


class ResendForm(FlaskForm):
    """The "send the invitation again" button carries only its CSRF token."""


class ResetRequestForm(FlaskForm):
    email = EmailField(
        "Email",
        render_kw={"autocomplete": "username"},
        filters=[lower],
        validators=[
            DataRequired("Please enter the email address you log in with."),
            Email("That email address does not look right; please check it."),
            Length(max=254),
        ],
    )


class SetPasswordForm(FlaskForm):
    password = PasswordField(
        "New password",
        render_kw={"autocomplete": "new-password"},
        description=(
            f"At least {MIN_PASSWORD_LENGTH} characters. A few unrelated words are easy to "
            "remember and hard to guess."
        ),
        validators=[
            DataRequired("Please choose a password."),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=200,
                message=f"Please use {MIN_PASSWORD_LENGTH} to 200 characters.",
            ),
        ],
    )
    confirm = PasswordField(
        "The same password again",
        render_kw={"autocomplete": "new-password"},
        validators=[DataRequired("Please type the password a second time.")],
    )

    def validate_confirm(self, field):
        if field.data != self.password.data:
            raise ValidationError("The two passwords differ; please type them again.")
