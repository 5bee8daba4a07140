"""The editorial forms: the blog editor's and the newsletter guide's upload.

The blog editor's form holds everything an editor types, checked before anything is stored.

Tags and new categories are typed as names separated by commas. The cover file is only
looked at here to know whether one was chosen: its type and size are checked by
`uploads.save`, which the view calls once the rest of the form is valid, so a refused
form never leaves a file behind.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.datastructures import FileStorage
from wtforms import BooleanField, SelectChoice, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.widgets import DateInput, TimeInput

from clinicsite.extensions import db
from clinicsite.formfields import (
    SLUG,
    CheckboxesField,
    long_text,
    markdown_text,
    services_field,
    strip,
    text,
    text_field,
)
from clinicsite.models import Category, Post, PostRedirect, Service
from clinicsite.staff.localtime import LocalTimeError, parse_local
from clinicsite.text import slugify, unique_slug

MAX_SLUG = 120  # Post.slug
MAX_BODY = 100_000
MAX_TAG = 80  # Tag.name and Tag.slug
MAX_CATEGORY = 120  # Category.name; its slug is cut to 80
ACTIONS = ("save", "preview", "publish", "schedule", "unpublish")


def names(typed: str | None) -> list[str]:
    """'Sciatica, desk work,, ' -> ['Sciatica', 'desk work']"""
    return [" ".join(part.split()) for part in (typed or "").split(",") if part.strip()]


def _post_slug_taken(slug: str) -> bool:
    """Whether a post has `slug`, now or as an old address that still redirects."""
    if db.session.get(PostRedirect, slug) is not None:
        return True
    return db.session.scalar(sa.select(Post.id).where(Post.slug == slug).limit(1)) is not None


class PostForm(FlaskForm):
    title = text_field("Title", 200, "Please give the post a title.")
    slug = StringField(
        "Slug",
        filters=[text],
        description="The post's address, /blog/<slug>: lowercase letters, digits and hyphens. "
        "Empty on a new post: made from the title. Once published, the old address "
        "redirects to the new one.",
    )
    summary = long_text(
        "Summary", 400, description="One or two sentences for the blog list, cards and feeds."
    )
    body = TextAreaField(
        "Body",
        filters=[markdown_text],
        render_kw={"rows": 20},
        description="Markdown: ## headings, **bold**, *italic*, [links](https://…), lists.",
        validators=[Length(max=MAX_BODY, message=f"Please keep it to {MAX_BODY:,} characters.")],
    )
    category_ids = CheckboxesField(
        "Categories",
        coerce=int,
        invalid_choice_message="Please choose categories from the list.",
        invalid_value_message="Please choose categories from the list.",
    )
    new_categories = text_field(
        "Add categories", 600, description="New category names, separated by commas."
    )
    tag_names = text_field(
        "Tags", 2000, description="Separated by commas, like sciatica, desk work, stretching."
    )
    service_ids = services_field("Related services")
    seo_title = text_field(
        "SEO title", 200, description="The title in search results. Empty: the post's title."
    )
    seo_description = long_text(
        "SEO description", 300, description="The text in search results. Empty: the summary."
    )
    cover = FileField(
        "Cover image",
        render_kw={"accept": "image/jpeg,image/png,image/webp"},
        description="A JPEG, PNG or WebP image of at most 5 MB. Choosing one replaces the "
        "current cover.",
    )
    remove_cover = BooleanField("Remove the cover image")
    cover_alt = text_field(
        "Cover image description",
        300,
        description="What the image shows, for people who can't see it (alt text).",
    )
    publish_date = StringField("Date", filters=[text], widget=DateInput())
    publish_time = StringField("Time", filters=[text], widget=TimeInput())
    action = StringField(filters=[text])  # the value of the button pressed

    def __init__(self, *args, post: Post | None, tz: ZoneInfo, now: datetime, **kwargs):
        super().__init__(*args, **kwargs)
        self.post, self.tz, self.now = post, tz, now
        self.scheduled_at: datetime | None = None
        categories = db.session.scalars(sa.select(Category).order_by(Category.name))
        self.category_ids.choices = [SelectChoice(str(c.id), c.name) for c in categories]
        # Inactive services stay listed while the post links them, so saving keeps the link.
        linked = [s.id for s in post.services] if post is not None else []
        services = db.session.scalars(
            sa.select(Service)
            .where(sa.or_(Service.active, Service.id.in_(linked)))
            .order_by(Service.position, Service.name)
        )
        self.service_ids.choices = [
            SelectChoice(str(s.id), s.name + ("" if s.active else " (inactive)")) for s in services
        ]

    @property
    def chosen_file(self) -> FileStorage | None:
        """The cover file sent with the form, if one was chosen."""
        data = self.cover.data
        return data if isinstance(data, FileStorage) and data.filename else None

    @property
    def button(self) -> str:
        return self.action.data or "save"

    def validate_slug(self, field):
        if not field.data and self.post is None:
            if not self.title.data:
                return  # the title's own message says what to do
            # A title used before gets the next free slug: easing-sciatica-2.
            field.data = unique_slug(self.title.data, MAX_SLUG, _post_slug_taken)
            if not field.data:
                raise ValidationError(
                    "The title has no letters or digits to make a slug from; please give one."
                )
        if not field.data:
            raise ValidationError("Please give a slug: it is the last part of the address.")
        if len(field.data) > MAX_SLUG:
            raise ValidationError(f"Please keep it to {MAX_SLUG} characters.")
        if not SLUG.match(field.data):
            raise ValidationError(
                "Use lowercase letters, digits and single hyphens, like easing-sciatica."
            )
        own_id = self.post.id if self.post is not None else None
        query = sa.select(Post.title).where(Post.slug == field.data)
        if own_id is not None:
            query = query.where(Post.id != own_id)
        other = db.session.scalar(query.limit(1))
        if other is not None:
            raise ValidationError(f"That slug is already used by the post “{other}”.")
        redirect = db.session.get(PostRedirect, field.data)
        if redirect is not None and redirect.post_id != own_id:
            raise ValidationError(
                f"That slug is an old address of the post “{redirect.post.title}”, "
                "which still redirects there."
            )

    def validate_new_categories(self, field):
        for name in names(field.data):
            if len(name) > MAX_CATEGORY:
                raise ValidationError(f"Please keep category names to {MAX_CATEGORY} characters.")
            if not slugify(name):
                raise ValidationError(f"“{name}” needs a letter or digit to be a category.")

    def validate_tag_names(self, field):
        for name in names(field.data):
            if len(name) > MAX_TAG:
                raise ValidationError(f"Please keep each tag to {MAX_TAG} characters.")
            if not slugify(name):
                raise ValidationError(f"“{name}” needs a letter or digit to be a tag.")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # Here, not in validate_cover_alt: the Optional() of an empty field skips those.
        keeps_cover = self.post is not None and self.post.cover_image and not self.remove_cover.data
        if (self.chosen_file or keeps_cover) and not self.cover_alt.data:
            self.cover_alt.errors.append(
                "Please describe the cover image for people who can't see it."
            )
            valid = False
        if self.button == "schedule":
            valid = self._check_schedule() and valid
        return valid

    def _check_schedule(self) -> bool:
        """A schedule needs a date and time in the clinic's zone, in the future."""
        if not self.publish_date.data:
            self.publish_date.errors.append("Please choose the date to publish on.")
            return False
        try:
            when = parse_local(self.publish_date.data, self.publish_time.data, self.tz)
        except LocalTimeError as error:
            bad_date = not _is_date(self.publish_date.data)
            (self.publish_date if bad_date else self.publish_time).errors.append(str(error))
            return False
        if when <= self.now:
            self.publish_date.errors.append(
                "That time has passed; please choose one in the future, or use Publish now."
            )
            return False
        self.scheduled_at = when
        return True


def _is_date(typed: str) -> bool:
    try:
        date.fromisoformat(typed)
    except ValueError:
        return False
    return True


class LeadMagnetForm(FlaskForm):
    title = StringField(
        "Title",
        filters=[strip],
        validators=[DataRequired("Please give the guide a title."), Length(max=200)],
    )
    # Type and size are checked by clinicsite.uploads.save, from the file's own bytes.
    file = FileField("PDF file", render_kw={"accept": "application/pdf,.pdf"})
