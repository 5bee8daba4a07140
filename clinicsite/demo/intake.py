"""The demo's health questions and consent text (content/intake.toml). A clinic loaded
without them (the tests' clinic) gets the three default questions and no consent text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.intake.questions import add_defaults, current_consent, new_consent_version
from clinicsite.models import IntakeQuestion, Service

REFERENCES = ("service", "shown_if")


def load_intake(
    intake: dict[str, Any], services: dict[str, Service], count: Callable[[str, bool], None]
) -> None:
    questions = intake.get("question", [])
    if not questions:
        count("intake questions", bool(add_defaults()))
    by_key: dict[str, IntakeQuestion] = {}
    for position, fields in enumerate(questions, 1):
        # By key, so the rows an upgrade wrote (pain, conditions, pregnant) take the
        # demo's wording instead of being asked twice.
        question = db.session.scalar(sa.select(IntakeQuestion).filter_by(key=fields["key"]))
        if question is None:
            question = IntakeQuestion()
            db.session.add(question)
        count("intake questions", question.id is None)
        question.position = position
        question.service = services[fields["service"]] if fields.get("service") else None
        question.shown_if = by_key[fields["shown_if"]] if fields.get("shown_if") else None
        for name, value in fields.items():
            if name not in REFERENCES:
                setattr(question, name, value)
        by_key[question.key] = question
    body = intake.get("consent", {}).get("body", "").strip()
    if body and current_consent() is None:
        new_consent_version(body, by="demo")
        count("consent texts", True)
