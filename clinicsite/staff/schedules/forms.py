"""Forms of the schedule and calendar-feed pages.

CSRF: the app-wide CSRFProtect checks every POST, and the templates send its token in a
plain `csrf_token` field, so these forms leave their own CSRF field out (with a prefix
it would be named `hours-csrf_token` and the page would carry one token per form).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectChoice, SelectField, StringField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from clinicsite.calendars.addresses import BadAddress, normalise
from clinicsite.extensions import db
from clinicsite.formfields import strip
from clinicsite.models import ExtraHours, WorkingHours
from clinicsite.staff.localtime import LAST_DAY, LocalTimeError, check_day
from clinicsite.timefmt import day_label

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
TIME_MESSAGE = "Please give a time as HH:MM (24-hour), for example 09:30 or 17:00."
DATE_MESSAGE = "Please give a date as YYYY-MM-DD."


def clock_field(label: str, *validators) -> TimeField:
    return TimeField(label, validators=list(validators), invalid_value_message=TIME_MESSAGE)


def date_field(label: str, *validators, filters=()) -> DateField:
    return DateField(
        label,
        validators=[*validators, within_calendar],
        filters=filters,
        invalid_value_message=DATE_MESSAGE,
    )


def within_calendar(form, field) -> None:
    if field.data is not None:
        try:
            check_day(field.data)
        except LocalTimeError as error:
            raise ValidationError(str(error)) from None


def open_ended(day: date | None) -> date | None:
    # "Until 9999-12-31" is how people type leave without an end: the last usable day.
    return min(day, LAST_DAY) if day is not None else None


# A select with no empty first option always holds a choice, so `required` adds nothing in
# the browser, and HTML does not allow it there; the server still requires the value.
ALWAYS_CHOSEN = {"required": False}


def studio_field() -> SelectField:
    # Choices are the active studios, given to the form by the view.
    return SelectField(
        "Studio",
        coerce=int,
        choices=[],
        validators=[InputRequired("Please choose a studio.")],
        invalid_value_message="Please choose a studio from the list.",
        invalid_choice_message="Please choose a studio from the list.",
        render_kw=ALWAYS_CHOSEN,
    )


class _NoCsrf(FlaskForm):
    class Meta:
        csrf = False  # see the module docstring


class _Range(_NoCsrf):
    """A studio and start/end clock times of one local day, checked against the other
    hours of `therapist_id` (one person can only be in one place). Field names match the
    model's columns, for populate_obj."""

    location_id = studio_field()
    starts_at = clock_field("From", InputRequired("Please give the start time."))
    ends_at = clock_field("Until", InputRequired("Please give the end time."))

    def __init__(self, *args, therapist_id: int | None = None, studios=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.therapist_id = therapist_id
        self.location_id.choices = [SelectChoice(str(s.id), s.name) for s in studios]

    def validate_ends_at(self, field):
        # An earlier end is on the next day (22:00-02:00), and 00:00 is midnight (24:00).
        start = self.starts_at.data
        if start is not None and field.data is not None and field.data == start:
            raise ValidationError(
                "The end must differ from the start (00:00 is midnight; an earlier time "
                "than the start is on the next day)."
            )

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        clash = self.clash()
        if clash is not None:
            self.starts_at.errors.append(
                f"That overlaps {self.describe(clash)}. One person can only be in one "
                "place: remove or change that range first."
            )
            return False
        return True

    def clash(self):
        raise NotImplementedError

    def describe(self, row) -> str:
        return f"{hours_label(row.starts_at, row.ends_at)} at {row.location.name}"


def hours_label(start: time, end: time) -> str:
    """'09:00–17:00', '09:00–24:00', '22:00–02:00 (next day)'"""
    if end == time(0):
        return f"{start:%H:%M}–24:00"
    return f"{start:%H:%M}–{end:%H:%M}" + (" (next day)" if end <= start else "")


def span(day: date, start: time, end: time) -> tuple[datetime, datetime]:
    """A range of local hours on `day` as naive datetimes; an end at or before the start
    is on the next day."""
    first, last = datetime.combine(day, start), datetime.combine(day, end)
    return first, last if last > first else last + timedelta(days=1)


def _overlap(a: tuple[datetime, datetime], b: tuple[datetime, datetime]) -> bool:
    return a[0] < b[1] and b[0] < a[1]  # touching ranges are fine


# Any Monday: weekly ranges are compared on the week around it, so a Sunday 22:00-02:00
# range meets Monday's 01:00-09:00.
_MONDAY = date(2024, 1, 1)


def weekly_clash(therapist_id: int, weekday: int, start: time, end: time, location_id=None):
    """A weekly range of the therapist, at any studio (or at another than `location_id`),
    overlapping `start`-`end` on that weekday, including ranges of the day before or after
    that cross midnight; None if there is none."""
    wanted = span(_MONDAY + timedelta(days=weekday), start, end)
    rows = db.session.scalars(
        sa.select(WorkingHours).where(WorkingHours.therapist_id == therapist_id)
    )
    for row in rows:
        if location_id is not None and row.location_id == location_id:
            continue
        for week in (-7, 0, 7):
            day = _MONDAY + timedelta(days=row.weekday + week)
            if _overlap(wanted, span(day, row.starts_at, row.ends_at)):
                return row
    return None


class WeeklyHoursForm(_Range):
    weekday = SelectField(
        "Day",
        coerce=int,
        choices=[SelectChoice(str(i), name) for i, name in enumerate(WEEKDAYS)],
        validators=[InputRequired("Please choose a day of the week.")],
        invalid_value_message="Please choose a day of the week from the list.",
        invalid_choice_message="Please choose a day of the week from the list.",
        render_kw=ALWAYS_CHOSEN,
    )

    def clash(self):
        return weekly_clash(
            self.therapist_id, self.weekday.data, self.starts_at.data, self.ends_at.data
        )

    def describe(self, row) -> str:
        return f"{WEEKDAYS[row.weekday]} {super().describe(row)}"


class ExtraHoursForm(_Range):
    day = date_field("Date", InputRequired("Please give the date."))

    def __init__(self, *args, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def validate_day(self, field):
        if self.today is not None and field.data is not None and field.data < self.today:
            raise ValidationError("That day is in the past.")

    def clash(self):
        """Other extra hours that day (any studio), or weekly hours of that weekday at
        another studio; inside the weekly hours of the same studio they are harmless
        (availability merges them)."""
        day, start, end = self.day.data, self.starts_at.data, self.ends_at.data
        wanted = span(day, start, end)
        nearby = db.session.scalars(
            sa.select(ExtraHours).where(
                ExtraHours.therapist_id == self.therapist_id,
                ExtraHours.day.between(day - timedelta(days=1), day + timedelta(days=1)),
            )
        )
        for extra in nearby:
            if _overlap(wanted, span(extra.day, extra.starts_at, extra.ends_at)):
                return extra
        return weekly_clash(
            self.therapist_id, day.weekday(), start, end, location_id=self.location_id.data
        )

    def describe(self, row) -> str:
        weekly = " (weekly hours)" if isinstance(row, WorkingHours) else ""
        return f"{super().describe(row)} on that day{weekly}"


class TimeOffForm(_NoCsrf):
    """From a local date (and time) to a local date (and time). Without times it means
    whole days: midnight of the first day to midnight after the last day."""

    start_day = date_field("From (date)", InputRequired("Please give the first day."))
    start_time = clock_field("Time (optional)", Optional())
    end_day = date_field("Until (date)", Optional(), filters=[open_ended])
    end_time = clock_field("Time (optional)", Optional())
    reason = StringField("Reason (staff only)", filters=[strip], validators=[Length(max=200)])
    # Set to 1 by the "Save anyway" button after the overlapping appointments were shown.
    confirm = HiddenField()

    @property
    def whole_days(self) -> bool:
        return self.start_time.data is None and self.end_time.data is None

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        # Not a validate_end_time: Optional() skips those when the field is empty.
        if (self.start_time.data is None) != (self.end_time.data is None):
            self.end_time.errors.append(
                "Give both times, or leave both empty to take whole days off."
            )
            return False
        return True

    def validate_end_day(self, field):
        if field.data is not None and self.start_day.data is not None:
            if field.data < self.start_day.data:
                raise ValidationError("The last day cannot be before the first day.")

    def span(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """The validated period in UTC; BadTime for a time the clocks skip or an end that is
        not after the start. Whole days run from local midnight to local midnight, so a
        daylight-saving day is 23 or 25 hours long."""
        first, last = self.start_day.data, self.end_day.data or self.start_day.data
        if self.whole_days:
            # Midnight as an instant: in a zone whose clocks jump at midnight the day starts
            # at the jump (fold=0 takes the offset before it), which is what we want.
            start = datetime.combine(first, time(), tzinfo=tz).astimezone(UTC)
            end = datetime.combine(last + timedelta(days=1), time(), tzinfo=tz).astimezone(UTC)
            return start, end
        start = local_to_utc(first, self.start_time.data, tz)
        end = local_to_utc(last, self.end_time.data, tz)
        if end <= start:
            raise BadTime("The time off must end after it starts.")
        return start, end


class BadTime(ValueError):
    """A local time that cannot be used; the message is for the user."""


def local_to_utc(day: date, clock_time: time, tz: ZoneInfo) -> datetime:
    """A local wall time as UTC. An ambiguous time (the clocks fall back) is its first
    occurrence, as in the availability rules; a time the clocks skip is refused."""
    local = datetime.combine(day, clock_time, tzinfo=tz)
    moment = local.astimezone(UTC)
    if moment.astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise BadTime(
            f"There is no {clock_time.strftime('%-I:%M %p')} on {day_label(day)}: the clocks "
            "jump forward that night. Please pick another time."
        )
    return moment


FEED_ACTIONS = ("regenerate", "off")


class FeedForm(_NoCsrf):
    """Which feed (the user's whole-clinic feed, or one therapist's), and what to do."""

    subject = SelectField(
        choices=[SelectChoice("clinic"), SelectChoice("therapist")],
        validators=[DataRequired()],
    )
    therapist_id = StringField(validators=[Optional(), Length(max=20)])
    action = SelectField(
        choices=[SelectChoice(a) for a in FEED_ACTIONS], validators=[DataRequired()]
    )


class CalendarForm(_NoCsrf):
    """The private iCalendar address of a therapist's own calendar."""

    url = StringField(
        "Secret address in iCal format",
        filters=[strip],
        validators=[DataRequired("Please paste the calendar's address."), Length(max=2000)],
    )

    def __init__(self, *args, allow_http: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.allow_http = allow_http
        self.address = ""

    def validate_url(self, field):
        try:
            self.address = normalise(field.data, self.allow_http)
        except BadAddress as bad:
            raise ValidationError(str(bad)) from None
