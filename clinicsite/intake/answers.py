"""Answers to intake questions, without a request or a database: which questions a set of
answers shows, how an answer is matched to the choices offered, what an appointment keeps,
and which therapist training the answers need."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from clinicsite.models import IntakeQuestion

MAX_ANSWER = 1000

# The fixed questions of bookings made before questions were data: their answers were
# kept under these keys (and "not-applicable" style values).
LEGACY_QUESTIONS = (
    ("pain", "Current pain or injury"),
    ("conditions", "Health conditions or medication your therapist should know about"),
    ("pregnant", "Are you pregnant?"),
)


def plain(value: str | None) -> str:
    """An answer reduced for comparison: "Not applicable", "not-applicable" and
    " NOT applicable " are the same answer."""
    return re.sub(r"[^a-z0-9]+", "-", (value or "").lower()).strip("-")


def same(answer: str | None, expected: str | None) -> bool:
    return bool(plain(expected)) and plain(answer) == plain(expected)


def matching_choice(question: IntakeQuestion, value: str | None) -> str | None:
    """The offered answer `value` stands for (its own wording), or None."""
    return next((c for c in question.choices if same(value, c)), None)


def is_shown(question: IntakeQuestion, answers: Mapping[str, Any], by_id) -> bool:
    """Whether `question` is asked given the other `answers` (field name -> value): a
    conditional question only when the question it follows is asked and answered with
    its value. `by_id` maps question ids to the questions of the form."""
    if question.shown_if_id is None:
        return True
    parent = by_id.get(question.shown_if_id)
    if parent is None or parent.shown_if_id is not None:  # one level of conditions
        return False
    return same(_text(answers.get(parent.field_name)), question.shown_if_answer)


def shown_questions(questions: list[IntakeQuestion], answers: Mapping[str, Any]):
    by_id = {q.id: q for q in questions}
    return [q for q in questions if is_shown(q, answers, by_id)]


def stored_answers(questions: list[IntakeQuestion], answers: Mapping[str, Any]) -> list[dict]:
    """What the appointment keeps: each question asked, as worded then, with its answer
    ("" when left empty); questions not shown are left out."""
    return [
        {"question": q.id, "label": q.label, "answer": _text(answers.get(q.field_name))}
        for q in shown_questions(questions, answers)
    ]


def needed_tags(questions: list[IntakeQuestion], answers: Mapping[str, Any]) -> dict[str, str]:
    """The therapist qualifications the answers call for (a shown question answered with
    its routing answer), each with the question that calls for it."""
    return {
        q.routes_tag.lower(): q.label
        for q in shown_questions(questions, answers)
        if q.routes_tag and same(_text(answers.get(q.field_name)), q.routes_answer)
    }


def qualified(therapist_tags: Iterable[str], needed: Mapping[str, str]) -> bool:
    return not set(needed) - {t.lower() for t in therapist_tags}


def routing_refusal(needed: Mapping[str, str], therapist_name: str | None) -> str:
    """Why no therapist (the one chosen, or any free one) can take the booking."""
    tag, label = next(iter(sorted(needed.items())))
    need = f"Your answer to “{label}” needs a therapist with {tag} training"
    if therapist_name:
        return (
            f"{need}, and {therapist_name} does not have it. Please go back and choose "
            "another therapist, or any therapist."
        )
    return f"{need}, and none who is free at this time has it. Please choose another time."


def kept_answers(intake: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """(question as asked, answer) of an appointment's intake, new or old style."""
    intake = intake or {}
    if "answers" in intake:
        return [(a.get("label", ""), a.get("answer", "")) for a in intake["answers"] or []]
    return [
        (label, str(intake[key]).replace("-", " ") if key == "pregnant" else str(intake[key]))
        for key, label in LEGACY_QUESTIONS
        if key in intake
    ]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
