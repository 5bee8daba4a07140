"""Forms of the admin's catalogue and settings pages.

A catalogue form's fields are named after the columns they edit: the views copy them with
`apply`, and the audit log keeps `snapshot(row)`, the values of the same columns.
"""

from __future__ import annotations

import inspect
import re
from functools import cache
from typing import Any
from zoneinfo import available_timezones

import sqlalchemy as sa
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    FloatField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.core import UnboundField
from wtforms.validators import (
    Email,
    Length,
    NumberRange,
    Optional,
    Regexp,
    StopValidation,
    ValidationError,
)

from clinicsite.extensions import db
from clinicsite.formfields import (
    SLUG,
    is_phone,
    long_text,
    services_field,
    text,
    text_field,
    upper,
)
from clinicsite.models import AreaService, Location, Region, Service, ServiceArea, Therapist

ZIP = re.compile(r"^[0-9]{5}$")
AMOUNT = re.compile(r"^[0-9]+(?:\.[0-9]+)?$")
PHOTO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\.(?:jpe?g|png|webp|avif|svg)$", re.IGNORECASE)
MAX_POSITION = 10_000
MAX_AMOUNT_WHOLE = 100_000  # dollars: far above any session, far below integer overflow
SLOT_STEPS = (5, 10, 15, 20, 30, 60)


@cache
def time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def parse_amount(typed: str, exponent: int = 2) -> int:
    """'120' -> 12000 and '120.50' -> 12050 minor units; ValueError says what is wrong."""
    typed = typed.strip().removeprefix("$").strip()
    if re.match(r"^-\s*\$?[0-9]", typed):
        raise ValueError("The amount can't be negative.")
    if not AMOUNT.match(typed):
        raise ValueError("Please enter an amount in dollars, like 120 or 120.50.")
    units, _, fraction = typed.partition(".")
    if len(fraction) > exponent:
        raise ValueError(
            "Please use at most two decimal places (cents)."
            if exponent == 2
            else "Please enter a whole amount."
        )
    if int(units) > MAX_AMOUNT_WHOLE:
        raise ValueError(f"Please enter an amount of at most {MAX_AMOUNT_WHOLE:,}.")
    return int(units) * 10**exponent + int(fraction.ljust(exponent, "0") or 0)


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
    return text_field(
        "Slug",
        80,
        "Please give a slug: it is the last part of the page's address.",
        description="The page's address, like deep-tissue-massage: lowercase letters, digits "
        "and hyphens. Changing it breaks old links and bookmarks.",
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

    def validate_slug(self, field):
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


class ServiceForm(CatalogueForm):
    model = Service

    name = name_field()
    slug = slug_field()
    summary = long_text("Summary", 300, description="One or two sentences for lists and cards.")
    description = markdown_field("Description")
    buffer_minutes = whole("Buffer after each appointment (minutes)", 0, 120, "minutes")
    featured = BooleanField("Featured on the home page")
    position = position_field()
    active = BooleanField("Active: shown on the site and bookable", default=True)


class OptionForm(CatalogueForm):
    """Amounts are typed in dollars and kept as cents (`price_cents`, `deposit_cents`)."""

    duration_minutes = whole("Length (minutes)", 5, 480, "minutes", default=60)
    price = text_field(
        "Price",
        20,
        "Please enter a price, like 120.",
        description="In dollars, like 120 or 120.50. 0 makes it free.",
    )
    deposit = text_field(
        "Deposit to book",
        20,
        "Please enter a deposit, or 0 for none.",
        default="0",
        description="Paid by card when booking online; 0 means no payment step.",
    )
    position = position_field()
    active = BooleanField("Active: clients can book this length", default=True)

    def __init__(self, *args, exponent: int = 2, **kwargs):
        super().__init__(*args, **kwargs)
        self.exponent = exponent
        self.price_cents: int | None = None
        self.deposit_cents: int | None = None

    def validate_price(self, field):
        self.price_cents = self._amount(field)

    def validate_deposit(self, field):
        self.deposit_cents = self._amount(field)
        if self.price_cents is not None and self.deposit_cents > self.price_cents:
            raise ValidationError("The deposit can't be more than the price.")

    def _amount(self, field) -> int:
        try:
            return parse_amount(field.data, self.exponent)
        except ValueError as error:
            raise ValidationError(str(error)) from None

    def apply(self, option) -> None:
        super().apply(option)
        option.price, option.deposit = self.price_cents, self.deposit_cents


class RegionForm(CatalogueForm):
    model = Region

    name = name_field()
    slug = slug_field()
    description = markdown_field("Description")
    position = position_field()


class AreaForm(LinkedServicesForm):
    model = ServiceArea

    name = name_field()
    slug = slug_field()
    region_id = choice_of("Region", "a region")
    intro = markdown_field("Introduction")
    postal_codes = text_field(
        "ZIP codes", 400, description="5-digit ZIP codes separated by commas, like 90266, 90254."
    )
    latitude = coordinate("Latitude", 90)
    longitude = coordinate("Longitude", 180)
    active = BooleanField("Active: the area has a public page", default=True)
    position = position_field()
    service_ids = services_field("Services offered here")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        regions = db.session.scalars(sa.select(Region).order_by(Region.position, Region.name))
        self.region_id.choices = [SelectChoice("", "Choose a region")] + [
            SelectChoice(str(r.id), r.name) for r in regions
        ]

    @staticmethod
    def linked_ids(area) -> list[int]:
        return [o.service_id for o in area.offerings]

    def apply(self, area) -> None:
        super().apply(area)
        # An offering that stays keeps its page text; dropped ones go (delete-orphan).
        with db.session.no_autoflush:
            kept = {o.service_id: o for o in area.offerings}
        area.offerings = [kept.get(i) or AreaService(service_id=i) for i in self.service_ids.data]

    def validate_region_id(self, field):
        if field.data is None:
            raise ValidationError("Please choose a region.")

    def validate_postal_codes(self, field):
        codes = [c for c in re.split(r"[,;\s]+", field.data) if c]
        bad = [c for c in codes if not ZIP.match(c)]
        if bad:
            raise ValidationError(f"These are not 5-digit ZIP codes: {', '.join(bad)}.")
        field.data = ", ".join(dict.fromkeys(codes))


class OfferingForm(FlaskForm):
    body = markdown_field("Text of this service's page for the area")


class LocationForm(CatalogueForm):
    model = Location

    name = name_field()
    slug = slug_field()
    area_id = choice_of("Area", "an area")
    street = text_field("Street", 200, "Please give the street address.")
    city = text_field("City", 100, "Please give the city.")
    state = text_field("State", 100)
    postal_code = StringField(
        "ZIP code",
        filters=[text],
        validators=[Optional(), Regexp(ZIP, message="Please enter a 5-digit ZIP code.")],
    )
    phone = text_field("Phone", 40)
    directions = long_text("Directions and parking", 2000)
    latitude = coordinate("Latitude", 90)
    longitude = coordinate("Longitude", 180)
    active = BooleanField("Active: clients can book here", default=True)
    position = position_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        areas = db.session.scalars(sa.select(ServiceArea).order_by(ServiceArea.name))
        self.area_id.choices = [SelectChoice("", "No area")] + [
            SelectChoice(str(a.id), a.name) for a in areas
        ]

    def validate_phone(self, field):
        check_phone(field)


class TherapistForm(LinkedServicesForm):
    model = Therapist

    name = name_field()
    slug = slug_field()
    title = text_field("Title", 200, description="Like Licensed Massage Therapist.")
    bio = markdown_field("Biography")
    photo = text_field(
        "Photo file name",
        200,
        description="An image in static/img/therapists, like dana-okafor.jpg. Empty: initials.",
    )
    active = BooleanField("Active: public profile, bookable", default=True)
    position = position_field()
    service_ids = services_field("Services performed")

    @staticmethod
    def linked_ids(therapist) -> list[int]:
        return [s.id for s in therapist.services]

    def apply(self, therapist) -> None:
        super().apply(therapist)
        ids = self.service_ids.data
        with db.session.no_autoflush:  # the commit, not this query, should meet a bad slug
            chosen = db.session.scalars(sa.select(Service).where(Service.id.in_(ids)))
            therapist.services = list(chosen) if ids else []

    def validate_photo(self, field):
        if field.data and not PHOTO.match(field.data):
            raise ValidationError(
                "Please give just a file name ending in .jpg, .png, .webp or .svg, like dana.jpg."
            )


class SettingsForm(CatalogueForm):
    name = name_field("Clinic name")
    tagline = text_field("Tagline", 200)
    about = markdown_field("About the clinic")
    phone = text_field("Phone", 40)
    email = EmailField(
        "Email",
        filters=[text],
        validators=[
            Optional(),
            Email("That email address does not look right; please check it."),
            Length(max=254, message="Please keep it to 254 characters."),
        ],
    )
    street = text_field("Street", 200)
    city = text_field("City", 100)
    state = text_field("State", 100)
    postal_code = text_field("ZIP code", 20)
    country = StringField(
        "Country",
        filters=[text, upper],
        description="Two letters, like US.",
        validators=[Regexp(r"^[A-Z]{2}$", message="Please enter a 2-letter code, like US.")],
    )
    timezone = text_field(
        "Time zone",
        64,
        "Please give the clinic's time zone, like America/Los_Angeles.",
        description="An IANA name, like America/Los_Angeles. Opening hours are in this zone.",
    )
    currency = StringField(
        "Currency",
        filters=[text, upper],
        description="Three letters, like USD.",
        validators=[Regexp(r"^[A-Z]{3}$", message="Please enter a 3-letter code, like USD.")],
    )
    cancellation_window_hours = whole("Free cancellation up to (hours before)", 0, 720, "hours")
    min_notice_hours = whole("Minimum notice for online booking (hours)", 0, 720, "hours")
    horizon_days = whole("Online booking up to (days ahead)", 1, 365, "days")
    slot_step_minutes = SelectField(
        "Start times every",
        coerce=int,
        choices=[SelectChoice(str(m), f"{m} minutes") for m in SLOT_STEPS],
        invalid_choice_message="Please choose 5, 10, 15, 20, 30 or 60 minutes.",
        invalid_value_message="Please choose 5, 10, 15, 20, 30 or 60 minutes.",
    )
    hold_minutes = whole(
        "Hold a time while the client pays (minutes)", 30, 1440, "minutes", default=30
    )
    max_holds_per_client = whole("Unpaid holds one client may have at once", 0, 100, default=2)
    max_bookings_per_client_day = whole(
        "Online bookings one client may make in 24 hours", 0, 1000, default=6
    )
    max_free_per_client = whole(
        "Free sessions one client may have booked (upcoming or in 24 hours)", 0, 100, default=1
    )

    def validate_phone(self, field):
        check_phone(field)

    def validate_timezone(self, field):
        if field.data not in time_zones():
            raise ValidationError(
                "That is not a time zone we know. Use a name like America/Los_Angeles."
            )
