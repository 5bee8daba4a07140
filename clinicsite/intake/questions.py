"""The intake questions and consent texts in the database."""

from __future__ import annotations

import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import ConsentText, IntakeQuestion

# The three health questions the booking form asked before questions were data (the
# upgrade that made them data wrote the same rows).
DEFAULT_QUESTIONS = (
    {
        "key": "pain",
        "kind": "text",
        "label": "Current pain or injury",
        "help": "Where it hurts, since when, what makes it worse.",
    },
    {
        "key": "conditions",
        "kind": "text",
        "label": "Health conditions or medication your therapist should know about",
    },
    {
        "key": "pregnant",
        "kind": "choice",
        "label": "Are you pregnant?",
        "options": ["No", "Yes", "Not applicable"],
        "required": True,
    },
)


def questions_for(service_id: int) -> list[IntakeQuestion]:
    """The active questions a booking of the service asks, in order (its own and those
    for every service)."""
    return list(
        db.session.scalars(
            sa.select(IntakeQuestion)
            .where(
                IntakeQuestion.active,
                sa.or_(
                    IntakeQuestion.service_id.is_(None), IntakeQuestion.service_id == service_id
                ),
            )
            .order_by(IntakeQuestion.position, IntakeQuestion.id)
        )
    )


def all_questions() -> list[IntakeQuestion]:
    return list(
        db.session.scalars(
            sa.select(IntakeQuestion).order_by(
                IntakeQuestion.active.desc(), IntakeQuestion.position, IntakeQuestion.id
            )
        )
    )


def add_defaults() -> list[IntakeQuestion]:
    """Write the default questions when there are none at all (a new clinic)."""
    if db.session.scalar(sa.select(IntakeQuestion.id).limit(1)) is not None:
        return []
    added = [
        IntakeQuestion(position=number, **fields)
        for number, fields in enumerate(DEFAULT_QUESTIONS, 1)
    ]
    db.session.add_all(added)
    return added


def current_consent() -> ConsentText | None:
    """The consent text a booking asks the client to accept now (the newest version)."""
    return db.session.scalar(sa.select(ConsentText).order_by(ConsentText.version.desc()).limit(1))


def consent_history() -> list[ConsentText]:
    return list(db.session.scalars(sa.select(ConsentText).order_by(ConsentText.version.desc())))


def new_consent_version(body: str, by: str = "") -> ConsentText:
    """A new version of the consent text; earlier versions stay as they were, since
    appointments point at the one their client accepted."""
    latest = db.session.scalar(sa.select(sa.func.max(ConsentText.version))) or 0
    consent = ConsentText(version=latest + 1, body=body, created_by=by)
    db.session.add(consent)
    return consent


def move(question: IntakeQuestion, step: int) -> bool:
    """Move `question` one place up (step -1) or down (+1) in the order every form uses;
    False when it is already first or last. Positions are renumbered 1, 2, 3... on the way."""
    ordered = list(
        db.session.scalars(
            sa.select(IntakeQuestion).order_by(IntakeQuestion.position, IntakeQuestion.id)
        )
    )
    index = ordered.index(question)
    other = index + step
    if not 0 <= other < len(ordered):
        return False
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for number, row in enumerate(ordered, 1):
        row.position = number
    return True


def next_position() -> int:
    return (db.session.scalar(sa.select(sa.func.max(IntakeQuestion.position))) or 0) + 1


def followers(question: IntakeQuestion) -> list[IntakeQuestion]:
    """The questions shown only after an answer to `question`."""
    if question.id is None:
        return []
    return list(db.session.scalars(sa.select(IntakeQuestion).filter_by(shown_if_id=question.id)))
