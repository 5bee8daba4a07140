"""The newsletter issue editor's form: what an editor types, checked before anything is
stored or sent. The buttons (ACTIONS) say what happens besides saving."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Length, ValidationError
from wtforms.widgets import DateInput, TimeInput

from clinicsite.blog.posts import public_condition
from clinicsite.extensions import db
from clinicsite.formfields import CheckboxesField, markdown_text, text, text_field
from clinicsite.models import NewsletterIssue, Post, Region, Service, ServiceArea
from clinicsite.staff.localtime import LocalTimeError, parse_local

MAX_BODY = 50_000
RECENT_POSTS = 10
ACTIONS = ("save", "preview", "test", "send_now", "schedule", "unschedule")


class IssueForm(FlaskForm):
    subject = text_field("Subject", 200, "Please give the issue a subject line.")
    body = TextAreaField(
        "Body",
        filters=[markdown_text],
        render_kw={"rows": 18},
        description="Markdown, as in blog posts: ## headings, **bold**, *italic*, "
        "[links](https://…), lists. Links to pages of this site may start with /.",
        validators=[Length(max=MAX_BODY, message=f"Please keep it to {MAX_BODY:,} characters.")],
    )
    post_ids = CheckboxesField(
        "Recent posts to include",
        coerce=int,
        invalid_choice_message="Please choose posts from the list.",
        invalid_value_message="Please choose posts from the list.",
    )
    area_ids = CheckboxesField(
        "Who it is for",
        coerce=int,
        description="Tick areas to send it only to subscribers who live in one of them "
        "(they choose their areas on their preferences page). Tick none to send it to everyone.",
        invalid_choice_message="Please choose areas from the list.",
        invalid_value_message="Please choose areas from the list.",
    )
    service_id = SelectField(
        "A service to book",
        description="Shown at the end with a button to book it. Optional.",
        validate_choice=False,  # checked in validate_service_id, with a clear message
    )
    send_date = StringField("Date", filters=[text], widget=DateInput())
    send_time = StringField("Time", filters=[text], widget=TimeInput())
    action = StringField(filters=[text])  # the value of the button pressed

    def __init__(self, *args, issue: NewsletterIssue | None, tz: ZoneInfo, now: datetime, **kw):
        super().__init__(*args, **kw)
        self.issue, self.tz, self.now = issue, tz, now
        self.send_at: datetime | None = None
        linked = [p.id for p in issue.posts] if issue is not None else []
        posts = db.session.scalars(
            sa.select(Post)
            .where(sa.or_(public_condition(now), Post.id.in_(linked or [0])))
            .order_by(Post.published_at.desc(), Post.id.desc())
            .limit(RECENT_POSTS + len(linked))
        )
        self.post_ids.choices = [SelectChoice(str(p.id), p.title) for p in posts]
        chosen = [a.id for a in issue.areas] if issue is not None else []
        areas = db.session.scalars(
            sa.select(ServiceArea)
            .join(Region)
            .where(sa.or_(ServiceArea.active, ServiceArea.id.in_(chosen or [0])))
            .order_by(Region.position, Region.name, ServiceArea.position, ServiceArea.name)
        )
        self.area_ids.choices = [SelectChoice(a.id, f"{a.name} ({a.region.name})") for a in areas]
        services = db.session.scalars(
            sa.select(Service).where(Service.active).order_by(Service.position, Service.name)
        )
        self.service_id.choices = [SelectChoice("", "No service")] + [
            SelectChoice(str(s.id), s.name) for s in services
        ]

    @property
    def button(self) -> str:
        return self.action.data or "save"

    @property
    def chosen_service_id(self) -> int | None:
        return int(self.service_id.data) if self.service_id.data else None

    def validate_service_id(self, field):
        allowed = {choice.value for choice in field.choices}
        if (field.data or "") not in allowed:
            raise ValidationError("Please choose a service from the list, or none.")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.button == "schedule":
            valid = self._check_schedule() and valid
        return valid

    def _check_schedule(self) -> bool:
        """A schedule needs a date and time in the clinic's zone, in the future."""
        if not self.send_date.data:
            self.send_date.errors.append("Please choose the date to send it on.")
            return False
        try:
            when = parse_local(self.send_date.data, self.send_time.data, self.tz)
        except LocalTimeError as error:
            bad_date = not _is_date(self.send_date.data)
            (self.send_date if bad_date else self.send_time).errors.append(str(error))
            return False
        if when <= self.now:
            self.send_date.errors.append(
                "That time has passed; please choose one in the future, or use Send now."
            )
            return False
        self.send_at = when
        return True


def _is_date(typed: str) -> bool:
    try:
        date.fromisoformat(typed)
    except ValueError:
        return False
    return True
