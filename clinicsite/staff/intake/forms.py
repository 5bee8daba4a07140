"""The question editor's forms. A question's condition and routing are checked against
the question's own choices and the question it follows, so a saved form always works."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from clinicsite.formfields import strip
from clinicsite.intake.answers import matching_choice, plain
from clinicsite.models import IntakeQuestion

KIND_LABELS = {
    "text": "Text",
    "choice": "One of several answers",
    "yesno": "Yes or no",
    "date": "A date",
}
EVERY_SERVICE = 0
NO_CONDITION = 0
MAX_OPTIONS = 20
TAG = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
LIST_MESSAGE = "Please choose from the list."


def _id(value) -> int:
    """A choice's id; an empty value is the first choice (every service, always ask)."""
    return int(value) if str(value).strip() else 0


def _list_field(label: str) -> SelectField:
    return SelectField(
        label,
        coerce=_id,
        choices=[],
        invalid_choice_message=LIST_MESSAGE,
        invalid_value_message=LIST_MESSAGE,
    )


class QuestionForm(FlaskForm):
    label = StringField(
        "Question",
        filters=[strip],
        validators=[DataRequired("Please write the question."), Length(max=200)],
    )
    help = StringField(
        "Hint under the question (optional)", filters=[strip], validators=[Length(max=500)]
    )
    kind = SelectField(
        "Kind of answer",
        choices=[SelectChoice(k, v) for k, v in KIND_LABELS.items()],
        invalid_choice_message=LIST_MESSAGE,
    )
    options = TextAreaField(
        "Answers offered (one a line; for one of several answers)",
        filters=[strip],
        validators=[Length(max=4000)],
    )
    service = _list_field("Asked for")
    required = BooleanField("An answer is required")
    shown_if = _list_field("Ask only after an answer to")
    shown_if_answer = StringField(
        "…when that answer is", filters=[strip], validators=[Optional(), Length(max=200)]
    )
    routes_answer = StringField(
        "This answer needs a trained therapist (optional)",
        filters=[strip],
        validators=[Optional(), Length(max=200)],
    )
    routes_tag = StringField(
        "Training tag the therapist must have (e.g. prenatal)",
        filters=[strip],
        validators=[Optional(), Length(max=40)],
    )

    def __init__(self, *args, services=(), parents=(), followed=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.followed = followed  # other questions follow this one
        self.parents = {q.id: q for q in parents}
        self.service.choices = [SelectChoice(EVERY_SERVICE, "Every service")] + [
            SelectChoice(s.id, s.name) for s in services
        ]
        self.shown_if.choices = [SelectChoice(NO_CONDITION, "Always ask it")] + [
            SelectChoice(q.id, q.label) for q in parents
        ]

    @property
    def option_list(self) -> list[str]:
        lines = (line.strip() for line in (self.options.data or "").splitlines())
        return [line for line in lines if line]

    def validate_options(self, field):
        if self.kind.data != "choice":
            return
        options = self.option_list
        if len(options) < 2:
            raise ValidationError("Please give at least two answers, one a line.")
        if len(options) > MAX_OPTIONS:
            raise ValidationError(f"Please give at most {MAX_OPTIONS} answers.")
        if any(len(o) > 200 for o in options):
            raise ValidationError("Each answer can be at most 200 characters.")
        if not all(plain(o) for o in options):
            raise ValidationError("Each answer needs at least one letter or digit.")
        if len({plain(o) for o in options}) < len(options):
            raise ValidationError("Two answers are the same; please make each one different.")

    def validate_shown_if(self, field):
        if field.data != NO_CONDITION and self.followed:
            raise ValidationError(
                "Other questions are asked after an answer to this one, so it cannot wait "
                "for another answer itself (one level of conditions)."
            )

    def validate_shown_if_answer(self, field):
        parent = self.parents.get(self.shown_if.data)
        if parent is None:
            return
        if matching_choice(parent, field.data) is None:
            offered = ", ".join(parent.choices)
            raise ValidationError(
                f"Please give one of the answers that question offers: {offered}."
            )
        if parent.service_id not in (None, self.service.data or None):
            raise ValidationError(
                "That question is asked for another service, so this one would never show."
            )

    def validate_routes_tag(self, field):
        answer = self.routes_answer.data
        if not field.data and not answer:
            return
        if not field.data or not answer:
            raise ValidationError("Give both the answer and the training tag, or neither.")
        if not TAG.fullmatch(field.data.lower()):
            raise ValidationError(
                "A tag is one word of letters, digits and hyphens, such as prenatal."
            )
        if self.kind.data not in ("choice", "yesno"):
            raise ValidationError("Only a yes-or-no or several-answers question can route.")
        probe = IntakeQuestion(kind=self.kind.data, options=self.option_list)
        if matching_choice(probe, answer) is None:
            raise ValidationError("The routing answer must be one of the question's answers.")

    def apply(self, question: IntakeQuestion) -> None:
        """Write the form's values into `question` (after validation)."""
        question.label = self.label.data
        question.help = self.help.data or ""
        question.kind = self.kind.data
        question.options = self.option_list if self.kind.data == "choice" else []
        question.service_id = self.service.data or None
        question.required = bool(self.required.data)
        parent = self.parents.get(self.shown_if.data)
        question.shown_if_id = parent.id if parent else None
        question.shown_if_answer = (
            matching_choice(parent, self.shown_if_answer.data) if parent else ""
        )
        question.routes_tag = (self.routes_tag.data or "").lower()
        probe = IntakeQuestion(kind=question.kind, options=question.options)
        routed = matching_choice(probe, self.routes_answer.data) if question.routes_tag else None
        question.routes_answer = routed or ""

    def fill_from(self, question: IntakeQuestion) -> None:
        self.label.data, self.help.data, self.kind.data = (
            question.label,
            question.help,
            question.kind,
        )
        self.options.data = "\n".join(question.options or [])
        self.service.data = question.service_id or EVERY_SERVICE
        self.required.data = question.required
        self.shown_if.data = question.shown_if_id or NO_CONDITION
        self.shown_if_answer.data = question.shown_if_answer
        self.routes_answer.data, self.routes_tag.data = question.routes_answer, question.routes_tag


class ConsentForm(FlaskForm):
    body = TextAreaField(
        "Consent text",
        filters=[strip],
        validators=[DataRequired("Please write the consent text."), Length(max=10_000)],
    )
