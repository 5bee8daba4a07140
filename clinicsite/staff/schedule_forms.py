"""Forms of the schedule and calendar-feed pages.

CSRF: the app-wide CSRFProtect checks every POST, and the templates send its token in a
plain `csrf_token` field, so these forms leave their own CSRF field out (with a prefix
it would be named `hours-csrf_token` and the page would carry one token per form).
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectChoice, SelectField, StringField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from clinicsite.public.forms import strip

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
TIME_MESSAGE = "Please give a time as HH:MM (24-hour), for example 09:30 or 17:00."
DATE_MESSAGE = "Please give a date as YYYY-MM-DD."


def clock_field(label: str, *validators) -> TimeField:
    return TimeField(label, validators=list(validators), invalid_value_message=TIME_MESSAGE)


def date_field(label: str, *validators) -> DateField:
    return DateField(label, validators=list(validators), invalid_value_message=DATE_MESSAGE)


def studio_field() -> SelectField:
    # Choices are the active studios, set by the view (studio_choices).
    return SelectField(
        "Studio",
        coerce=int,
        choices=[],
        validators=[InputRequired("Please choose a studio.")],
        invalid_value_message="Please choose a studio from the list.",
        invalid_choice_message="Please choose a studio from the list.",
    )


def studio_choices(locations) -> list[SelectChoice]:
    return [SelectChoice(str(loc.id), loc.name) for loc in locations]


class _NoCsrf(FlaskForm):
    class Meta:
        csrf = False  # see the module docstring


class _Range(_NoCsrf):
    """start/end clock times with end after start (same local day)."""

    def validate_ends_at(self, field):
        start = self.starts_at.data
        if start is not None and field.data is not None and field.data <= start:
            raise ValidationError("The end must be later than the start, on the same day.")


class WeeklyHoursForm(_Range):
    weekday = SelectField(
        "Day",
        coerce=int,
        choices=[SelectChoice(str(i), name) for i, name in enumerate(WEEKDAYS)],
        validators=[InputRequired("Please choose a day of the week.")],
        invalid_value_message="Please choose a day of the week from the list.",
        invalid_choice_message="Please choose a day of the week from the list.",
    )
    location = studio_field()
    starts_at = clock_field("From", InputRequired("Please give the start time."))
    ends_at = clock_field("Until", InputRequired("Please give the end time."))


class ExtraHoursForm(_Range):
    day = date_field("Date", InputRequired("Please give the date."))
    location = studio_field()
    starts_at = clock_field("From", InputRequired("Please give the start time."))
    ends_at = clock_field("Until", InputRequired("Please give the end time."))


class TimeOffForm(_NoCsrf):
    """From a local date (and time) to a local date (and time). Without times it means
    whole days: midnight of the first day to midnight after the last day."""

    start_day = date_field("From (date)", InputRequired("Please give the first day."))
    start_time = clock_field("Time (optional)", Optional())
    end_day = date_field("Until (date)", Optional())
    end_time = clock_field("Time (optional)", Optional())
    reason = StringField("Reason (staff only)", filters=[strip], validators=[Length(max=200)])
    # Set to 1 by the "Save anyway" button after the overlapping appointments were shown.
    confirm = HiddenField()

    @property
    def whole_days(self) -> bool:
        return self.start_time.data is None and self.end_time.data is None

    def validate_end_time(self, field):
        if (self.start_time.data is None) != (field.data is None):
            raise ValidationError(
                "Give both times, or leave both empty to take whole days off."
            )

    def validate_end_day(self, field):
        if field.data is not None and self.start_day.data is not None:
            if field.data < self.start_day.data:
                raise ValidationError("The last day cannot be before the first day.")


FEED_ACTIONS = ("regenerate", "off")


class FeedForm(_NoCsrf):
    """Which feed (the user's whole-clinic feed, or one therapist's), and what to do."""

    subject = SelectField(
        choices=[SelectChoice("clinic"), SelectChoice("therapist")],
        validators=[DataRequired()],
    )
    therapist_id = StringField(validators=[Optional(), Length(max=12)])
    action = SelectField(
        choices=[SelectChoice(a) for a in FEED_ACTIONS], validators=[DataRequired()]
    )
