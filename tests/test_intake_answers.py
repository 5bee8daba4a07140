"""clinicsite/intake/answers.py: which questions a set of answers shows, what an
appointment keeps and the training the answers need (no app, no database)."""

from __future__ import annotations

from clinicsite.intake.answers import (
    kept_answers,
    matching_choice,
    needed_tags,
    qualified,
    same,
    shown_questions,
    stored_answers,
)
from clinicsite.models import IntakeQuestion


def questions() -> list[IntakeQuestion]:
    pregnant = IntakeQuestion(
        id=1,
        key="pregnant",
        kind="choice",
        label="Are you pregnant?",
        options=["No", "Yes", "Not applicable"],
        routes_answer="Yes",
        routes_tag="prenatal",
    )
    due = IntakeQuestion(id=2, kind="date", label="Due date", shown_if_id=1, shown_if_answer="Yes")
    # Conditions are one level deep: a question after a conditional one is never shown.
    deeper = IntakeQuestion(id=3, kind="text", label="Deeper", shown_if_id=2, shown_if_answer="x")
    return [pregnant, due, deeper]


def test_answers_match_the_choices_whatever_their_case_and_punctuation():
    pregnant = questions()[0]
    assert matching_choice(pregnant, "not-applicable") == "Not applicable"
    assert matching_choice(pregnant, " YES ") == "Yes"
    assert matching_choice(pregnant, "maybe") is None
    assert not same("", "")  # an empty expected answer matches nothing


def test_a_conditional_question_is_shown_and_kept_only_after_its_answer():
    asked = questions()
    assert [q.label for q in shown_questions(asked, {"pregnant": "No"})] == ["Are you pregnant?"]
    kept = stored_answers(asked, {"pregnant": "Yes", "q2": "2027-01-02", "q3": "x"})
    assert kept == [
        {"question": 1, "label": "Are you pregnant?", "answer": "Yes"},
        {"question": 2, "label": "Due date", "answer": "2027-01-02"},
    ]


def test_the_training_an_answer_needs():
    asked = questions()
    assert needed_tags(asked, {"pregnant": "No"}) == {}
    needed = needed_tags(asked, {"pregnant": "yes"})
    assert needed == {"prenatal": "Are you pregnant?"}
    assert qualified({"Prenatal", "sports"}, needed) and not qualified({"sports"}, needed)
    assert qualified(set(), {})


def test_old_bookings_answers_read_with_the_questions_of_the_time():
    assert kept_answers({"pain": "Neck", "pregnant": "not-applicable", "consent": True}) == [
        ("Current pain or injury", "Neck"),
        ("Are you pregnant?", "not applicable"),
    ]
    assert kept_answers({"answers": [{"label": "Q", "answer": "A"}]}) == [("Q", "A")]
    assert kept_answers(None) == []
