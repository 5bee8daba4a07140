"""The room and equipment forms. A name is unique within its studio; the studio of a row
is chosen when it is added and stays."""

from __future__ import annotations

import sqlalchemy as sa
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange, StopValidation, ValidationError

from clinicsite.extensions import db
from clinicsite.formfields import text_field
from clinicsite.models import Equipment, Location, Room

MAX_ITEMS = 99
MAX_POSITION = 10_000


class WholeNumber(IntegerField):
    """A whole number from `low` to `high`, with the message staff see for anything else."""

    def __init__(self, label: str, low: int, high: int, default: int, **kwargs):
        self.message = f"Please enter a whole number from {low} to {high}."
        super().__init__(
            label, default=default, validators=[NumberRange(low, high, self.message)], **kwargs
        )

    def process_formdata(self, valuelist):
        text = valuelist[0].strip() if valuelist else ""
        try:
            self.data = int(text) if text else None
        except ValueError:
            self.data = None
            raise ValueError(self.message) from None

    def pre_validate(self, form):
        if self.process_errors:  # only the one message, not a range error too
            raise StopValidation()


def studio_field() -> SelectField:
    message = "Please choose a studio from the list."
    return SelectField(
        "Studio",
        coerce=int,
        choices=[],
        validators=[InputRequired(message)],
        invalid_value_message=message,
        invalid_choice_message=message,
        render_kw={"required": False},
    )


class _StudioRowForm(FlaskForm):
    """A row of `model` in one studio: `studio` when adding, `row` when editing."""

    model: type

    def __init__(self, *args, studios: list[Location] = (), row=None, **kwargs):
        # Both forms sit on one page: the prefix keeps their field ids apart.
        kwargs.setdefault("prefix", self.model.__tablename__)
        super().__init__(*args, obj=row, **kwargs)
        self.row = row
        if row is not None:
            del self.studio
        else:
            self.studio.choices = [(s.id, s.name) for s in studios]

    @property
    def location_id(self) -> int:
        return self.row.location_id if self.row is not None else self.studio.data

    def validate_name(self, field) -> None:
        if not field.data or (self.row is None and self.studio.data is None):
            return
        query = sa.select(self.model.id).where(
            self.model.location_id == self.location_id, self.model.name == field.data
        )
        if self.row is not None:
            query = query.where(self.model.id != self.row.id)
        if db.session.scalar(query.limit(1)) is not None:
            studio = db.session.get(Location, self.location_id)
            what = "a room" if self.model is Room else "equipment"
            raise ValidationError(f"{studio.name} already has {what} named {field.data}.")


class RoomForm(_StudioRowForm):
    model = Room

    studio = studio_field()
    name = text_field("Room name", 80, "Please give the room a name, like Room 1.")
    kind = text_field(
        "Kind",
        60,
        "Please give the kind of room, like treatment.",
        default="treatment",
        description='Services that need a kind of room ("prenatal table") get only rooms '
        "of that kind; the others take any room.",
    )
    position = WholeNumber(
        "Display order", 0, MAX_POSITION, 0, description="Lower numbers come first."
    )
    active = BooleanField("Active: takes new bookings", default=True)


class EquipmentForm(_StudioRowForm):
    model = Equipment

    studio = studio_field()
    name = text_field("Equipment", 60, "Please name the equipment, like hot-stone heater.")
    count = WholeNumber("How many", 0, MAX_ITEMS, 1)
    active = BooleanField("Active: can be booked", default=True)
