"""The form for booking a standing appointment: a phone booking that repeats."""

from __future__ import annotations

from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from clinicsite.models.series import MAX_COUNT, MAX_EVERY_WEEKS
from clinicsite.staff.bookings.forms import PhoneBookingForm


class SeriesForm(PhoneBookingForm):
    """The phone booking's fields (client, service, therapist, first visit) and how it
    repeats. No payment step: a standing appointment is booked with the deposit waived."""

    every_weeks = IntegerField(
        "Repeat every (weeks)",
        default=1,
        validators=[
            InputRequired("Please say how many weeks apart the visits are."),
            NumberRange(1, MAX_EVERY_WEEKS, f"Repeat every 1 to {MAX_EVERY_WEEKS} weeks."),
        ],
        render_kw={"min": 1, "max": MAX_EVERY_WEEKS, "inputmode": "numeric"},
    )
    count = IntegerField(
        "Number of visits",
        default=6,
        validators=[
            InputRequired("Please say how many visits to book."),
            NumberRange(2, MAX_COUNT, f"A standing appointment has 2 to {MAX_COUNT} visits."),
        ],
        render_kw={"min": 2, "max": MAX_COUNT, "inputmode": "numeric"},
    )

    # Fields of the phone booking that a series does not have.
    payment = None
    afterwards = None

    def validate(self, extra_validators=None) -> bool:
        return super(PhoneBookingForm, self).validate(extra_validators) and self._reachable()

    def _reachable(self) -> bool:
        if self.email.data or self.phone.data:
            return True
        self.phone.errors = [
            *self.phone.errors,
            "Please give the client's phone number or email, so we can reach them.",
        ]
        return False
