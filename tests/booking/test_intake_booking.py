"""The intake questions on the details step: what is asked, what is checked, what the
appointment keeps, and the therapist training an answer needs."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.intake.questions import new_consent_version
from clinicsite.models import Appointment, IntakeQuestion, Service, Therapist
from tests.support.booking_helpers import (
    CLIENT_DETAILS,
    NMT,
    TUESDAY,
    FrozenClock,
    details_form,
    details_url,
    first_free_slot,
    input_value,
    is_free,
    load_fixture_clinic,
    option_id,
    text_of,
    textarea_value,
)

# Tuesday 12:00 in Los Angeles: Dana and Theo both work at the Culver City studio then.
NOON = "2026-12-08T12:00:00-08:00"
STUDIO = "culver-city-studio"


@pytest.fixture
def clock(monkeypatch) -> FrozenClock:
    return FrozenClock().install(monkeypatch)


@pytest.fixture
def app(migrated, clock):
    from tests.support.app import make_app, wipe

    app = make_app(migrated, RATELIMIT_ENABLED="false")
    try:
        load_fixture_clinic(app)
        yield app
    finally:
        wipe(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def questions(app) -> dict[str, int]:
    """The default questions, with pregnancy routed to `prenatal` therapists and a due
    date asked only after a Yes; plus a deep-tissue-only question."""
    with app.app_context():
        pregnant = db.session.scalar(sa.select(IntakeQuestion).filter_by(key="pregnant"))
        pregnant.routes_answer, pregnant.routes_tag = "Yes", "prenatal"
        due = IntakeQuestion(
            kind="date",
            label="Your due date",
            required=True,
            position=10,
            shown_if=pregnant,
            shown_if_answer="Yes",
        )
        deep = db.session.scalar(sa.select(Service).filter_by(slug="deep-tissue-sports-massage"))
        surgery = IntakeQuestion(
            kind="yesno", label="Surgery in the last six months?", required=True, service=deep
        )
        db.session.add_all([due, surgery])
        db.session.commit()
        return {"due": due.id, "surgery": surgery.id, "pregnant": pregnant.id}


def form_for(client, app, therapist: str = "dana-okafor", start: str = NOON) -> dict:
    url = details_url(NMT, option_id(app, NMT, 60), STUDIO, therapist, start)
    return {**details_form(client, url), **CLIENT_DETAILS}


def send(client, data: dict):
    return client.post("/book/details", data={k: v for k, v in data.items() if v is not None})


def only_appointment(app) -> Appointment:
    with app.app_context():
        appointment = db.session.scalar(sa.select(Appointment))
        assert appointment is not None
        db.session.expunge(appointment)
        return appointment


def test_the_page_asks_the_service_questions_and_not_other_services(client, app, questions):
    html = client.get(
        details_url(NMT, option_id(app, NMT, 60), STUDIO, "dana-okafor", NOON)
    ).get_data(as_text=True)
    page = text_of(html)
    assert "Current pain or injury" in page and "Are you pregnant?" in page
    assert "If you answered Yes to “Are you pregnant?”" in page  # works without the script
    assert f'name="q{questions["due"]}"' in html and 'type="date"' in html
    assert "Surgery in the last six months?" not in page
    assert "js/intake.js" in html


def test_answers_are_kept_as_asked_with_the_consent_version(client, app, questions, login_as):
    with app.app_context():
        new_consent_version("Version one of the consent.")
        new_consent_version("Version two: massage is not a medical treatment.")
        db.session.commit()
    data = form_for(client, app)
    page = text_of(client.get(details_url(NMT, data["option"], STUDIO, "dana-okafor", NOON)).text)
    assert "Version two: massage is not a medical treatment." in page
    refused = send(client, data)
    assert refused.status_code == 422
    assert "Please accept the consent to book." in text_of(refused.text)

    response = send(client, {**data, "pain": "Left hip", "treatment_consent": "y"})
    assert response.status_code == 303, text_of(response.text)[:600]
    appointment = only_appointment(app)
    answers = {a["label"]: a["answer"] for a in appointment.intake["answers"]}
    assert answers["Current pain or injury"] == "Left hip"
    assert answers["Are you pregnant?"] == "Not applicable"  # the posted not-applicable
    assert "Your due date" not in answers  # not asked
    with app.app_context():
        assert db.session.get(Appointment, appointment.id).consent_text.version == 2
        question = db.session.scalar(sa.select(IntakeQuestion).filter_by(key="pain"))
        question.label = "Where does it hurt today?"  # a later edit
        db.session.commit()

    login_as("admin")
    staff_page = text_of(client.get(f"/staff/appointments/{appointment.id}").text)
    assert "Current pain or injury" in staff_page and "Left hip" in staff_page
    assert "Where does it hurt today?" not in staff_page
    assert "Version 2" in staff_page
    assert "Version two: massage is not a medical treatment." in staff_page


def test_a_conditional_question_is_required_only_when_shown(client, app, questions):
    due = f"q{questions['due']}"
    data = form_for(client, app, therapist="any")
    with app.app_context():
        theo = db.session.scalar(sa.select(Therapist).filter_by(slug="theo-nakamura"))
        theo.qualifications = "prenatal"
        db.session.commit()

    missing = send(client, {**data, "pregnant": "yes"})
    assert missing.status_code == 422
    assert "Please answer this question." in text_of(missing.text)
    assert textarea_value(missing.text, "pain") == CLIENT_DETAILS["pain"]  # kept

    unreal = send(client, {**data, "pregnant": "Yes", due: "2027-02-30"})
    assert unreal.status_code == 422
    assert "Please give a real date, such as 2026-03-14." in text_of(unreal.text)
    assert input_value(unreal.text, due) == "2027-02-30"

    booked = send(client, {**data, "pregnant": "Yes", due: "2027-04-02"})
    assert booked.status_code == 303, text_of(booked.text)[:600]
    answers = {a["label"]: a["answer"] for a in only_appointment(app).intake["answers"]}
    assert answers["Your due date"] == "2027-04-02"


def test_a_hidden_conditional_question_is_not_checked_nor_kept(client, app, questions):
    due = f"q{questions['due']}"
    response = send(client, {**form_for(client, app), "pregnant": "no", due: "not a date"})
    assert response.status_code == 303, text_of(response.text)[:600]
    labels = [a["label"] for a in only_appointment(app).intake["answers"]]
    assert "Your due date" not in labels


GARBAGE = [
    ({"q999999": "an answer"}, "The health questions changed while you were filling in"),
    ({"pregnant": "perhaps"}, "Please choose one of the answers offered."),
    ({"pregnant": ""}, "Please answer this question."),
    ({"pain": "x" * 100_000}, "Please keep this answer to 1000 characters or fewer."),
    ({"pregnant": "Yes", "DUE": "0001-01-01"}, "Please give a real date"),
    ({"pregnant": "Yes", "DUE": "2027-13-01"}, "Please give a real date"),
    ({"pregnant": "Yes", "DUE": "9" * 5000}, "Please give a real date"),
]


@pytest.mark.parametrize(("change", "message"), GARBAGE)
def test_garbage_answers_get_a_clear_message(client, app, questions, change, message):
    change = {k.replace("DUE", f"q{questions['due']}"): v for k, v in change.items()}
    with app.app_context():  # someone trained, so only the answers can be refused
        for therapist in db.session.scalars(sa.select(Therapist)):
            therapist.qualifications = "prenatal"
        db.session.commit()
    response = send(client, {**form_for(client, app), **change})
    assert response.status_code == 422
    page = text_of(response.text)
    assert "Please check the form" in page and message in page
    assert input_value(response.text, "name") == CLIENT_DETAILS["name"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Appointment)) == 0


def test_a_therapist_without_the_training_is_refused(client, app, questions):
    due = f"q{questions['due']}"
    response = send(client, {**form_for(client, app), "pregnant": "Yes", due: "2027-04-02"})
    assert response.status_code == 422
    page = text_of(response.text)
    assert "Your answer to “Are you pregnant?” needs a therapist with prenatal training" in page
    assert "Dana Okafor does not have it" in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Appointment)) == 0


def test_any_therapist_books_a_trained_one(client, app, questions):
    assert is_free(client, NMT, NOON, "dana-okafor") and is_free(client, NMT, NOON, "theo-nakamura")
    due = f"q{questions['due']}"
    data = {**form_for(client, app, therapist="any"), "pregnant": "Yes", due: "2027-04-02"}
    nobody = send(client, data)
    assert nobody.status_code == 422
    assert "none who is free at this time has it" in text_of(nobody.text)

    with app.app_context():
        theo = db.session.scalar(sa.select(Therapist).filter_by(slug="theo-nakamura"))
        theo.qualifications = "sports Prenatal"
        db.session.commit()
    booked = send(client, data)
    assert booked.status_code == 303, text_of(booked.text)[:600]
    with app.app_context():
        appointment = db.session.scalar(sa.select(Appointment))
        assert appointment.therapist.slug == "theo-nakamura"  # Dana comes first otherwise


def test_an_answer_that_needs_no_training_books_anyone(client, app, questions):
    response = send(client, {**form_for(client, app, therapist="any"), "pregnant": "No"})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(sa.select(Appointment)).therapist.slug == "dana-okafor"


def test_the_service_question_is_asked_for_its_service(client, app, questions):
    slot = first_free_slot(client, "deep-tissue-sports-massage", TUESDAY, "dana-okafor")
    url = details_url(
        "deep-tissue-sports-massage", slot["option_id"], STUDIO, "dana-okafor", slot["start"]
    )
    data = {**details_form(client, url), **CLIENT_DETAILS}
    missing = send(client, data)
    assert missing.status_code == 422
    assert "Surgery in the last six months?" in text_of(missing.text)
    field = f"q{questions['surgery']}"
    booked = send(client, {**data, field: "no"})
    assert booked.status_code == 303, text_of(booked.text)[:600]
    answers = {a["label"]: a["answer"] for a in only_appointment(app).intake["answers"]}
    assert answers["Surgery in the last six months?"] == "No"
