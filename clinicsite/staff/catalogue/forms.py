"""Forms of the admin's catalogue and settings pages.

A catalogue form's fields are named after the columns they edit: the views copy them with
`apply`, and the audit log keeps `snapshot(row)`, the values of the same columns.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import (
    Email,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from clinicsite.extensions import db
from clinicsite.formfields import (
    long_text,
    services_field,
    text,
    text_field,
    upper,
)
from clinicsite.models import (
    AreaService,
    Equipment,
    Location,
    Region,
    Room,
    Service,
    ServiceArea,
    Therapist,
)
from clinicsite.models.addons import MAX_EXTRA_MINUTES
from clinicsite.money import parse_amount
from clinicsite.scheduling.travel import area_place, studio_place
from clinicsite.staff.catalogue.fields import (
    PHOTO,
    SLOT_STEPS,
    ZIP,
    AmountField,
    CatalogueForm,
    LinkedServicesForm,
    WholeNumberField,
    check_phone,
    choice_of,
    coordinate,
    markdown_field,
    name_field,
    position_field,
    slug_field,
    time_zones,
    whole,
)

ROOM_CHOICE = "Please choose from the list (each studio's rooms and equipment are at Rooms)."
WHERE = "Please choose where the visit happens: at a studio, at the client's address, or either."
HOME_BASE = "Please choose a home base from the list, or none."
STUDIO_KIND = "Please choose a studio or home-visit hours."


class ServiceForm(CatalogueForm):
    model = Service

    name = name_field()
    slug = slug_field()
    summary = long_text("Summary", 300, description="One or two sentences for lists and cards.")
    description = markdown_field("Description")
    visit_modes = RadioField(
        "Where",
        choices=[
            SelectChoice("studio", "At a studio"),
            SelectChoice("home", "At the client's address"),
            SelectChoice("both", "Either"),
        ],
        default="studio",
        invalid_choice_message=WHERE,
    )
    buffer_minutes = whole("Buffer after each appointment (minutes)", 0, 120, "minutes")
    featured = BooleanField("Featured on the home page")
    position = position_field()
    active = BooleanField("Active: shown on the site and bookable", default=True)
    # What a visit holds at a studio with rooms or equipment (/staff/rooms/).
    needs_room = BooleanField("Needs a room (at studios whose rooms are listed)", default=True)
    room_kind = SelectField(
        "Kind of room", choices=[], default="", invalid_choice_message=ROOM_CHOICE, coerce=text
    )
    equipment_needed = SelectField(
        "Equipment needed", choices=[], default="", invalid_choice_message=ROOM_CHOICE, coerce=text
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = db.session.scalars(sa.select(Room.kind).distinct().order_by(Room.kind))
        names = db.session.scalars(sa.select(Equipment.name).distinct().order_by(Equipment.name))
        self.room_kind.choices = _with_current(
            [("", "Any room")], kinds, self.room_kind.object_data
        )
        self.equipment_needed.choices = _with_current(
            [("", "None")], names, self.equipment_needed.object_data
        )


def _with_current(first: list, values, current) -> list[tuple[str, str]]:
    """The choices: `first`, the values in use, and the row's own value even if no studio
    lists it any more (so saving the form does not silently change it)."""
    values = list(values)
    if current and current not in values:
        values.append(current)
    return first + [(v, v) for v in values]


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
            return parse_amount(field.data, self.exponent, example="120")
        except ValueError as error:
            raise ValidationError(str(error)) from None

    def apply(self, option) -> None:
        super().apply(option)
        option.price, option.deposit = self.price_cents, self.deposit_cents


class AddOnForm(CatalogueForm):
    """An extra offered with a service; its price is typed in dollars and kept as cents
    (`price_cents`)."""

    name = name_field()
    description = long_text(
        "Description", 300, description="One or two lines for the booking page (optional)."
    )
    price = text_field(
        "Price",
        20,
        "Please enter a price, like 20, or 0 for no charge.",
        default="0",
        description="In dollars, added to the visit's price and paid at the studio.",
    )
    extra_minutes = whole("Extra minutes", 0, MAX_EXTRA_MINUTES, "minutes", default=0)
    position = position_field()
    active = BooleanField("Active: clients can add this when booking", default=True)

    def __init__(self, *args, exponent: int = 2, **kwargs):
        super().__init__(*args, **kwargs)
        self.exponent = exponent
        self.price_cents: int | None = None

    def validate_price(self, field):
        try:
            self.price_cents = parse_amount(field.data, self.exponent, example="20")
        except ValueError as error:
            raise ValidationError(str(error)) from None

    def apply(self, add_on) -> None:
        super().apply(add_on)
        add_on.price = self.price_cents


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
    home_visits = BooleanField("Therapists visit clients here")
    outcall_surcharge = AmountField(
        "Home-visit surcharge",
        default=0,
        description="In dollars, like 20, added to the price of a visit at a client's address "
        "here. 0 for none.",
    )
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
    kind = RadioField(
        "Kind",
        choices=[
            SelectChoice("studio", "Studio"),
            SelectChoice("mobile", "Home-visit hours (no address)"),
        ],
        default="studio",
        invalid_choice_message=STUDIO_KIND,
    )
    area_id = choice_of("Area", "an area")
    street = text_field("Street", 200, description="Needed for a studio.")
    city = text_field("City", 100, description="Needed for a studio.")
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

    def validate(self, extra_validators=None) -> bool:
        """Street and city are needed for a studio only (an empty field skips its own
        validators, so this is checked here)."""
        valid = super().validate(extra_validators)
        if self.kind.data != "studio":
            return valid
        for field, what in ((self.street, "the street address"), (self.city, "the city")):
            if not field.data and not field.errors:
                field.errors.append(f"Please give {what}: clients come to a studio.")
                valid = False
        return valid


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
    home_base = SelectField(
        "Home base for home visits",
        choices=[],
        default="",
        coerce=text,
        invalid_choice_message=HOME_BASE,
        description="Where the therapist sets out from: the first home visit of a stretch "
        "of home-visit hours leaves the travel time from here.",
    )
    active = BooleanField("Active: public profile, bookable", default=True)
    position = position_field()
    service_ids = services_field("Services performed")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.home_base.choices = home_bases(self.home_base.object_data)

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


def home_bases(current: str | None) -> list[tuple[str, str]]:
    """None, each active area and each active studio as travel places, and the therapist's
    own base even if it is no longer active (saving the form does not silently drop it)."""
    areas = db.session.scalars(
        sa.select(ServiceArea).where(ServiceArea.active).order_by(ServiceArea.name)
    )
    studios = db.session.scalars(
        sa.select(Location)
        .where(Location.active, Location.kind == "studio")
        .order_by(Location.position, Location.name)
    )
    choices = [("", "None")]
    choices += [(area_place(a.id), f"{a.name} (area)") for a in areas]
    choices += [(studio_place(s.id), f"{s.name} (studio)") for s in studios]
    if current and current not in dict(choices):
        choices.append((current, f"{_place_name(current)} (no longer active)"))
    return choices


def _place_name(place: str) -> str:
    kind, _, pk = place.partition(":")
    model = ServiceArea if kind == "area" else Location
    row = db.session.get(model, int(pk)) if pk.isdigit() else None
    return row.name if row is not None else place


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
    waitlist_offer_minutes = whole(
        "Keep a freed time for the waitlist (minutes)", 5, 1440, "minutes", default=30
    )
    clients_book_series = BooleanField(
        "Clients may make a booking a standing appointment from its page"
    )
    max_series_visits = whole(
        "Visits in a client's standing appointment, at most", 2, 26, default=12
    )
    # Gift cards (issue 14, clinicsite/giftcards).
    gift_card_amounts = StringField(
        "Gift card amounts sold online",
        filters=[text],
        validators=[
            Optional(),
            Regexp(
                r"^\d{1,6}(\s*,\s*\d{1,6})*$",
                message="Please list whole amounts separated by commas, like 50, 100, 150.",
            ),
        ],
    )
    gift_card_expiry_months = WholeNumberField(
        "Gift cards expire after (months)",
        default=0,
        filters=[lambda months: 0 if months is None else months],  # empty: never
        validators=[NumberRange(0, 120, "Please enter a number from 0 to 120 months.")],
    )
    # Cards on file and the policy's fees (issue 14): fixed amounts, typed in dollars.
    cards_on_file = BooleanField("Keep clients' cards on file for the fees below")
    no_show_fee = AmountField("No-show fee")
    late_cancel_fee = AmountField("Late-cancellation fee")
    # Packages of sessions (clinicsite/packages)
    package_late_cancel_returns = BooleanField("A late cancellation gives the package session back")
    package_refund = SelectField(
        "Refunding a package's unused sessions pays back",
        choices=[
            SelectChoice("pro_rata", "Their share of what was paid"),
            SelectChoice("none", "Nothing (the package is only closed)"),
        ],
        validate_choice=True,
    )

    def validate_phone(self, field):
        check_phone(field)

    def validate_timezone(self, field):
        if field.data not in time_zones():
            raise ValidationError(
                "That is not a time zone we know. Use a name like America/Los_Angeles."
            )
