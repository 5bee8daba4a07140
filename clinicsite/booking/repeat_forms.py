"""The form that makes a booking a standing appointment (booking/repeat.py)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField

from clinicsite.appointments.client_series import MAX_EVERY_WEEKS

CHOOSE = "Please choose one of the choices offered."


class RepeatForm(FlaskForm):
    every_weeks = SelectField(
        "Repeat every",
        coerce=int,
        default=1,
        choices=[
            SelectChoice(n, "week" if n == 1 else f"{n} weeks")
            for n in range(1, MAX_EVERY_WEEKS + 1)
        ],
        invalid_choice_message=CHOOSE,
        invalid_value_message=CHOOSE,
    )
    count = SelectField(
        "Visits in total, this one included",
        coerce=int,
        default=4,
        invalid_choice_message=CHOOSE,
        invalid_value_message=CHOOSE,
    )

    def offer_up_to(self, most: int) -> RepeatForm:
        self.count.choices = [SelectChoice(n, f"{n} visits") for n in range(2, most + 1)]
        return self
