"""The closure form: a studio (or the whole clinic) and local dates, with optional times.

CSRF: the app-wide CSRFProtect checks the POST; the template sends its token in a plain
`csrf_token` field, so the form leaves its own out."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, StringField, TimeField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from clinicsite.formfields import strip
from clinicsite.staff.localtime import LocalTimeError, check_day
from clinicsite.timefmt import day_label

WHOLE_CLINIC = 0
# A closure is for a holiday or a week of works, not for years: a typo such as 2062 for
# 2026 should be caught.
MAX_DAYS = 366


class BadSpan(ValueError):
    """The dates and times do not make a closure; the message is for the person typing."""


def _in_calendar(form, field) -> None:
    if field.data is not None:
        try:
            check_day(field.data)
        except LocalTimeError as error:
            raise ValidationError(str(error)) from None


def _day(label: str, *validators) -> DateField:
    return DateField(
        label,
        validators=[*validators, _in_calendar],
        invalid_value_message="Please give a date as YYYY-MM-DD.",
    )


def _clock(label: str) -> TimeField:
    return TimeField(
        label,
        validators=[Optional()],
        invalid_value_message="Please give a time as HH:MM (24-hour), for example 13:00.",
    )


class ClosureForm(FlaskForm):
    class Meta:
        csrf = False  # see the module docstring

    studio = SelectField(
        "Where",
        coerce=int,
        choices=[],
        validators=[InputRequired("Please choose the clinic or a studio.")],
        invalid_value_message="Please choose the clinic or a studio from the list.",
        invalid_choice_message="Please choose the clinic or a studio from the list.",
        render_kw={"required": False},
    )
    start_day = _day("First day", InputRequired("Please give the first closed day."))
    end_day = _day("Last day (optional)", Optional())
    start_time = _clock("Closed from (optional)")
    end_time = _clock("Until (optional)")
    note = StringField(
        "Note for clients (optional)",
        filters=[strip],
        validators=[Length(max=200)],
        description='Shown on the booking and contact pages, e.g. "Christmas Day".',
    )
    # Set to 1 by "Save the closure" after the bookings it covers were listed.
    confirm = HiddenField()

    def __init__(self, *args, studios=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.studio.choices = [(WHOLE_CLINIC, "The whole clinic")] + [
            (s.id, s.name) for s in studios
        ]

    @property
    def whole_days(self) -> bool:
        return self.start_time.data is None and self.end_time.data is None

    @property
    def location_id(self) -> int | None:
        return None if self.studio.data == WHOLE_CLINIC else self.studio.data

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if (self.start_time.data is None) != (self.end_time.data is None):
            self.end_time.errors.append("Give both times, or leave both empty to close whole days.")
            return False
        return True

    def validate_end_day(self, field):
        if field.data is not None and self.start_day.data is not None:
            if field.data < self.start_day.data:
                raise ValidationError("The last day cannot be before the first day.")
            if (field.data - self.start_day.data).days >= MAX_DAYS:
                raise ValidationError(f"A closure can last at most {MAX_DAYS} days.")

    def span(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """The closed period in UTC. Whole days run from local midnight to local midnight
        (23 or 25 hours on a daylight-saving day); with times, from the first day's start
        time to the last day's end time. BadSpan for a time the clocks skip or an end not
        after the start."""
        first, last = self.start_day.data, self.end_day.data or self.start_day.data
        if self.whole_days:
            start = datetime.combine(first, time(), tzinfo=tz).astimezone(UTC)
            end = datetime.combine(last + timedelta(days=1), time(), tzinfo=tz).astimezone(UTC)
            return start, end
        start = _utc(first, self.start_time.data, tz)
        end = _utc(last, self.end_time.data, tz)
        if end <= start:
            raise BadSpan("The closure must end after it starts.")
        return start, end


def _utc(day: date, clock_time: time, tz: ZoneInfo) -> datetime:
    """A local wall time as UTC: a repeated time is its first occurrence, a skipped one is
    refused."""
    local = datetime.combine(day, clock_time, tzinfo=tz)
    moment = local.astimezone(UTC)
    if moment.astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise BadSpan(
            f"There is no {clock_time.strftime('%-I:%M %p')} on {day_label(day)}: the clocks "
            "jump forward that night. Please pick another time."
        )
    return moment
