"""The intake questions as fields of a booking form: one field per active question of the
service (named after the question), and the consent box when there is a consent text.

A conditional question is always in the page (the form works without JavaScript; a small
script hides it until its answer is wanted) and is only checked when the question it
follows has the answer it waits for."""

from __future__ import annotations

import re

from flask import request
from wtforms import BooleanField, DateField, RadioField, SelectChoice, TextAreaField
from wtforms.validators import DataRequired, StopValidation, ValidationError

from clinicsite.formfields import strip
from clinicsite.intake.answers import (
    MAX_ANSWER,
    is_shown,
    matching_choice,
    needed_tags,
    plain,
    stored_answers,
)
from clinicsite.models import ConsentText, IntakeQuestion

QUESTION_FIELD = re.compile(r"q[0-9]+")
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100
DATE_MESSAGE = "Please give a real date, such as 2026-03-14."


class AskedWhenShown:
    """Checks one question's answer, only when the question is asked: required, one of the
    answers offered, a date in range. A question not asked keeps what was typed in it but
    has no errors."""

    def __init__(self, question: IntakeQuestion, by_id: dict[int, IntakeQuestion]):
        self.question, self.by_id = question, by_id

    def __call__(self, form, field):
        if not is_shown(self.question, _answers(form), self.by_id):
            field.errors[:] = []
            raise StopValidation()
        raw = field.raw_data[0] if field.raw_data else ""
        if not str(raw).strip():
            field.errors[:] = []
            if self.question.required:
                raise StopValidation("Please answer this question.")
            raise StopValidation()
        if field.errors:  # a date that could not be read
            raise StopValidation()
        kind = self.question.kind
        if kind in ("choice", "yesno"):
            choice = matching_choice(self.question, field.data)
            if choice is None:
                raise ValidationError("Please choose one of the answers offered.")
            field.data = choice
        elif kind == "date" and not EARLIEST_YEAR <= field.data.year <= LATEST_YEAR:
            raise ValidationError(DATE_MESSAGE)


def _answers(form) -> dict[str, object]:
    return {q.field_name: form[q.field_name].data for q in form.intake_questions}


def _field(question: IntakeQuestion, by_id):
    common = {
        "label": question.label,
        "description": question.help,
        "validators": [AskedWhenShown(question, by_id)],
    }
    if question.kind in ("choice", "yesno"):
        return RadioField(
            choices=[SelectChoice(c, c) for c in question.choices], validate_choice=False, **common
        )
    if question.kind == "date":
        return DateField(invalid_value_message=DATE_MESSAGE, **common)
    common["validators"].append(_length)
    return TextAreaField(filters=[strip], **common)


def _length(form, field):
    if field.data and len(field.data) > MAX_ANSWER:
        raise ValidationError(f"Please keep this answer to {MAX_ANSWER} characters or fewer.")


def with_questions(form_class, questions: list[IntakeQuestion], consent: ConsentText | None):
    """`form_class` with a field for each question and, with a consent text, its box."""
    by_id = {q.id: q for q in questions}
    fields = {q.field_name: _field(q, by_id) for q in questions}
    if consent is not None:
        fields["treatment_consent"] = BooleanField(
            "I have read and accept the consent above.",
            validators=[DataRequired("Please accept the consent to book.")],
        )
    return type(
        form_class.__name__,
        (IntakeMixin, form_class),
        {**fields, "intake_questions": questions, "consent_text": consent},
    )


class IntakeMixin:
    intake_questions: list[IntakeQuestion] = []
    consent_text: ConsentText | None = None

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        asked = {q.field_name for q in self.intake_questions}
        if any(QUESTION_FIELD.fullmatch(name) and name not in asked for name in request.form):
            self.form_errors.append(
                "The health questions changed while you were filling in the form. Please "
                "check your answers below and send the form again."
            )
            return False
        return valid

    def asked(self):
        """(question, the question it follows or None, that answer reduced for the script)
        for each question the page shows (one that follows a question not asked is not)."""
        by_id = {q.id: q for q in self.intake_questions}
        for q in self.intake_questions:
            parent = by_id.get(q.shown_if_id) if q.shown_if_id else None
            if q.shown_if_id is None:
                yield q, None, ""
            elif parent is not None and parent.shown_if_id is None:
                yield q, parent, plain(q.shown_if_answer)

    @property
    def intake_answers(self) -> list[dict]:
        """What the appointment keeps of the answers (call after validation)."""
        return stored_answers(self.intake_questions, _answers(self))

    @property
    def needed_tags(self) -> dict[str, str]:
        """The therapist training the answers need (tag -> the question that asks)."""
        return needed_tags(self.intake_questions, _answers(self))
