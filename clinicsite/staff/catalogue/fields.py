"""What the catalogue's forms are built from: field builders with the messages staff see,
amount parsing, and `CatalogueForm`, whose fields are named after the columns they edit.
"""

import inspect
import re
from functools import cache
from typing import Any
from zoneinfo import available_timezones

import sqlalchemy as sa
from flask_wtf import FlaskForm
from wtforms import (
    FloatField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.core import UnboundField
from wtforms.validators import (
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.formfields import (
    SLUG,
    is_phone,
    long_text,
    text,
    text_field,
)
from clinicsite.models import Service
from clinicsite.money import minor_unit_exponent, parse_amount, to_decimal_string
from clinicsite.text import unique_slug

MAX_SLUG = 80

ZIP = re.compile(r"^[0-9]{5}$")
PHOTO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\.(?:jpe?g|png|webp|avif|svg)$", re.IGNORECASE)
MAX_POSITION = 10_000
SLOT_STEPS = (5, 10, 15, 20, 30, 60)


@cache
def time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


class _StopOnBadInput:
    """Show only the parse error for text that is not a number, not a range error too."""

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()


class WholeNumberField(_StopOnBadInput, IntegerField):
    def process_formdata(self, valuelist):
        text = valuelist[0].strip() if valuelist else ""
        self.data = None
        if text:
            try:
                self.data = int(text)
            except ValueError:
                raise ValueError("Please enter a whole number, like 15.") from None


class DecimalNumberField(_StopOnBadInput, FloatField):
    def process_formdata(self, valuelist):
        text = valuelist[0].strip() if valuelist else ""
        self.data = None
        if text:
            try:
                self.data = float(text)
            except ValueError:
                raise ValueError("Please enter a number, like 33.8847 or -118.41.") from None


class AmountField(_StopOnBadInput, StringField):
    """An amount typed in the clinic's currency ("50" or "50.00"), kept in minor units;
    empty is 0."""

    def _value(self):
        if isinstance(self.data, int):
            return to_decimal_string(self.data, get_clinic().currency) if self.data else "0"
        return self.raw_data[0] if self.raw_data else ""

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip()
        exponent = minor_unit_exponent(get_clinic().currency)
        try:
            self.data = parse_amount(text, exponent, example="50")
        except ValueError as error:
            self.data = None
            raise ValueError(str(error)) from None


def whole(label: str, low: int, high: int, unit: str = "", default: int | None = None):
    unit = f" {unit}" if unit else ""
    return WholeNumberField(
        label,
        default=low if default is None else default,
        validators=[NumberRange(low, high, f"Please enter a number from {low} to {high}{unit}.")],
    )


def position_field() -> WholeNumberField:
    return WholeNumberField(
        "Display order",
        default=0,
        description="Lower numbers come first.",
        validators=[
            NumberRange(0, MAX_POSITION, f"Please enter a number from 0 to {MAX_POSITION}.")
        ],
    )


def name_field(label: str = "Name") -> StringField:
    return text_field(label, 120, "Please give a name.")


def slug_field() -> StringField:
    # Not required: left empty, it is made from the name (CatalogueForm.validate_slug).
    too_long = Length(max=MAX_SLUG, message=f"Please keep it to {MAX_SLUG} characters.")
    return StringField(
        "Slug",
        filters=[text],
        validators=[too_long],
        description="The page's address, like deep-tissue-massage: lowercase letters, digits "
        "and hyphens. Leave it empty to make it from the name. Changing it breaks old links "
        "and bookmarks.",
    )


def markdown_field(label: str) -> TextAreaField:
    return long_text(label, description="Markdown: **bold**, *italic*, [links](https://…), lists.")


def coordinate(label: str, limit: int) -> DecimalNumberField:
    return DecimalNumberField(
        label,
        description="Optional; used to find the nearest studio.",
        validators=[
            Optional(),
            NumberRange(-limit, limit, f"Please enter a number from -{limit} to {limit}."),
        ],
    )


def choice_of(label: str, what: str) -> SelectField:
    message = f"Please choose {what} from the list."
    return SelectField(
        label, coerce=int_or_none, invalid_choice_message=message, invalid_value_message=message
    )


def int_or_none(value):
    return None if value in ("", None) else int(value)


def check_phone(field) -> None:
    if field.data and not is_phone(field.data):
        raise ValidationError(
            "Please give a phone number with at least 7 digits, or leave it empty."
        )


class CatalogueForm(FlaskForm):
    """A form editing one row: each field but `service_ids` is a column of the same name.

    `model` rows must have unique slugs; `snapshot(row)` is what the audit log keeps.
    """

    model: type | None = None

    def __init__(self, *args, row_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.row_id = row_id

    @classmethod
    def columns(cls) -> list[str]:
        fields = inspect.getmembers(cls, lambda v: isinstance(v, UnboundField))
        fields.sort(key=lambda pair: pair[1].creation_counter)
        return [name for name, _ in fields if name != "service_ids"]

    @classmethod
    def snapshot(cls, row) -> dict[str, Any]:
        return {name: getattr(row, name) for name in cls.columns()}

    def apply(self, row) -> None:
        for name in self.columns():
            setattr(row, name, self[name].data)

    def _slug_taken(self, slug: str) -> bool:
        query = sa.select(self.model.id).where(self.model.slug == slug)
        if self.row_id is not None:
            query = query.where(self.model.id != self.row_id)
        return db.session.scalar(query.limit(1)) is not None

    def validate_slug(self, field):
        if not field.data:
            name = self._fields.get("name")
            if name is None:
                raise ValidationError("Please give a slug: it is the last part of the address.")
            if not name.data:
                return  # the name's own message says what to do
            field.data = unique_slug(name.data, MAX_SLUG, self._slug_taken)
            if not field.data:
                raise ValidationError(
                    "The name has no letters or digits to make a slug from; please type one."
                )
            return
        if not SLUG.match(field.data or ""):
            raise ValidationError(
                "Use lowercase letters, digits and single hyphens, like deep-tissue-massage."
            )
        query = sa.select(self.model).where(self.model.slug == field.data)
        if self.row_id is not None:
            query = query.where(self.model.id != self.row_id)
        other = db.session.scalar(query.limit(1))
        if other is not None:
            raise ValidationError(f"That slug is already used by {other.name}.")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        lat, lng = getattr(self, "latitude", None), getattr(self, "longitude", None)
        if valid and lat is not None and (lat.data is None) != (lng.data is None):
            missing = lat if lat.data is None else lng
            missing.errors.append("Please give both latitude and longitude, or neither.")
            return False
        return valid


class LinkedServicesForm(CatalogueForm):
    """A catalogue form with `service_ids` checkboxes: the services linked to the row."""

    def __init__(self, *args, obj=None, **kwargs):
        if obj is not None:
            kwargs.setdefault("data", {"service_ids": self.linked_ids(obj)})
        super().__init__(*args, obj=obj, **kwargs)
        services = db.session.scalars(sa.select(Service).order_by(Service.position, Service.name))
        self.service_ids.choices = [
            SelectChoice(str(s.id), s.name + ("" if s.active else " (inactive)")) for s in services
        ]

    @staticmethod
    def linked_ids(row) -> list[int]:
        raise NotImplementedError

    @classmethod
    def snapshot(cls, row) -> dict[str, Any]:
        return super().snapshot(row) | {"service_ids": sorted(cls.linked_ids(row))}
