"""Forms of the reminders page (the app-wide CSRFProtect checks every POST; see
staff/schedules/forms.py)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectChoice, SelectField, TimeField
from wtforms.validators import InputRequired, NumberRange

from clinicsite.models.reminders import MAX_HOURS_BEFORE

TIME_MESSAGE = "Please give a time as HH:MM (24-hour), for example 21:00."


class _NoCsrf(FlaskForm):
    class Meta:
        csrf = False


class RuleForm(_NoCsrf):
    hours_before = IntegerField(
        "Hours before the appointment",
        validators=[
            InputRequired("Please give a number of hours."),
            NumberRange(1, MAX_HOURS_BEFORE, f"Please give 1 to {MAX_HOURS_BEFORE} hours."),
        ],
    )
    channel = SelectField(
        "By",
        # The choice is checked by SelectField itself ("Not a valid choice"); a `required`
        # select would need an empty first option.
        choices=[SelectChoice("email", "Email"), SelectChoice("sms", "Text message")],
    )


class QuietHoursForm(_NoCsrf):
    quiet_start = TimeField(
        "Quiet from", validators=[InputRequired(TIME_MESSAGE)], invalid_value_message=TIME_MESSAGE
    )
    quiet_end = TimeField(
        "Quiet until", validators=[InputRequired(TIME_MESSAGE)], invalid_value_message=TIME_MESSAGE
    )
