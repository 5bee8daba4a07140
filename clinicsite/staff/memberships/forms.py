"""The membership plan forms. What a plan grants (its length, sessions a month) and its
price are set when it is made: members' subscriptions and their monthly sessions rest on
them. To change those, make a new plan and take the old one off offer."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from clinicsite.formfields import one_line, strip
from clinicsite.money import parse_amount


class EditPlanForm(FlaskForm):
    name = StringField(
        "Name",
        filters=[one_line],
        validators=[DataRequired("Please give the plan a name."), Length(max=120)],
    )
    description = StringField("Description", filters=[one_line], validators=[Length(max=500)])
    sort = IntegerField(
        "Order in the list", default=0, validators=[NumberRange(0, 1000, "From 0 to 1000.")]
    )
    active = BooleanField("On offer: clients can join", default=True)


class NewPlanForm(EditPlanForm):
    option = SelectField("Service and length", validate_choice=True)
    sessions_per_month = IntegerField(
        "Sessions a month",
        default=1,
        validators=[
            InputRequired("Please give the number of sessions a month."),
            NumberRange(1, 31, "From 1 to 31 sessions a month."),
        ],
    )
    price = StringField(
        "Price a month",
        filters=[strip],
        validators=[
            DataRequired("Please give the monthly price, such as 99 or 99.00."),
            Length(max=20),
        ],
    )

    exponent = 2
    price_minor = 0

    def validate_price(self, field) -> None:
        try:
            self.price_minor = parse_amount(field.data, self.exponent, example="99")
        except ValueError as error:
            raise ValidationError(str(error)) from None
        if self.price_minor <= 0:
            raise ValidationError("The price must be more than nothing.")
