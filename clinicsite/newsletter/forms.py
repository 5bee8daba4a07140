"""Newsletter forms: the public sign-up (the staff upload of the guide is in staff/)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from clinicsite.formfields import CheckboxesField, strip
from clinicsite.newsletter.preferences import LABELS, Preferences

POST_UPDATE_CHOICES = [SelectChoice(value, label) for value, label in LABELS.items()]
POST_UPDATES_MESSAGE = "Please choose how to hear of new posts: from the list, or not at all."


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
    # Optional: a form without it (an old cached page, a bot) means "none".
    post_updates = SelectField(
        "New blog posts by email",
        choices=POST_UPDATE_CHOICES,
        default="none",
        validators=[Optional()],
        validate_choice=False,  # checked below, with a message a person understands
    )

    def validate_post_updates(self, field):
        if (field.data or "none") not in LABELS:
            raise ValidationError(POST_UPDATES_MESSAGE)

    @property
    def chosen_post_updates(self) -> str:
        return self.post_updates.data or "none"


class PreferencesForm(FlaskForm):
    """A subscriber's preferences page (/newsletter/preferences/<token>): areas and new
    posts. CSRF-protected: the page is theirs alone, never cached."""

    post_updates = RadioField(
        "New blog posts by email",
        choices=POST_UPDATE_CHOICES,
        validate_choice=False,
        validators=[DataRequired(POST_UPDATES_MESSAGE)],
    )
    area_ids = CheckboxesField(
        "Where you live",
        coerce=int,
        invalid_choice_message="Please choose areas from the list.",
        invalid_value_message="Please choose areas from the list.",
    )

    def __init__(self, *args, area_choices: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.area_ids.choices = [SelectChoice(value, label) for value, label in area_choices]

    def validate_post_updates(self, field):
        if field.data not in LABELS:
            raise ValidationError(POST_UPDATES_MESSAGE)

    def preferences(self) -> Preferences:
        return Preferences(
            post_updates=self.post_updates.data, area_ids=list(self.area_ids.data or [])
        )
