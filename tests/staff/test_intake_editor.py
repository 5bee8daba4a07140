"""/staff/intake/ (issue 15): admins add, edit, reorder and stop asking health questions,
set a question's condition and routing, save the consent text as a new version and give
therapists training tags. Others are turned away; bad input is explained, never a 500."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import AuditEvent, ConsentText, IntakeQuestion, Service, Therapist
from tests.support.booking_helpers import text_of
from tests.support.staff_helpers import form_token

PAGE = "/staff/intake/"


@pytest.fixture
def admin(clinic, client, login_as):
    login_as("admin")
    return client


def post(client, url: str, **data):
    token = form_token(client.get(PAGE).text)
    return client.post(url, data={"csrf_token": token, **data})


def question(app, **where) -> IntakeQuestion:
    with app.app_context():
        found = db.session.scalar(sa.select(IntakeQuestion).filter_by(**where))
        db.session.expunge(found)
        return found


def labels_in_order(app) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(IntakeQuestion.label)
                .where(IntakeQuestion.active)
                .order_by(IntakeQuestion.position, IntakeQuestion.id)
            )
        )


NEW = {
    "label": "Your due date",
    "help": "",
    "kind": "date",
    "options": "",
    "service": "0",
    "required": "y",
    "shown_if": "",
    "shown_if_answer": "Yes",
    "routes_answer": "",
    "routes_tag": "",
}


def test_the_page_lists_the_questions_with_the_menu_link(admin):
    page = admin.get(PAGE)
    assert page.status_code == 200
    text = text_of(page.text)
    assert "Current pain or injury" in text and "Are you pregnant?" in text
    assert 'href="/staff/intake/"' in page.text  # the staff menu
    assert "No consent text" in text


@pytest.mark.parametrize("role", ["therapist", "editor"])
def test_only_admins_edit_the_questions(clinic, client, login_as, role):
    login_as(role)
    assert client.get(PAGE).status_code == 403
    assert client.get("/staff/intake/new").status_code == 403
    assert 'href="/staff/intake/"' not in client.get("/staff/").text


def test_anonymous_visitors_are_sent_to_log_in(clinic, client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


def test_a_post_without_the_csrf_token_is_refused(admin, app):
    response = admin.post("/staff/intake/consent", data={"body": "Sneaky"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ConsentText)) == 0


def test_add_a_conditional_question_then_edit_it(admin, app):
    pregnant = question(app, key="pregnant")
    response = post(admin, "/staff/intake/new", **{**NEW, "shown_if": str(pregnant.id)})
    assert response.status_code == 303, text_of(response.text)[:800]
    added = question(app, label="Your due date")
    assert (added.kind, added.required, added.shown_if_id) == ("date", True, pregnant.id)
    assert added.shown_if_answer == "Yes"
    assert labels_in_order(app)[-1] == "Your due date"

    form = admin.get(f"/staff/intake/{added.id}")
    assert form.status_code == 200 and 'value="Your due date"' in form.text
    edited = post(
        admin,
        f"/staff/intake/{added.id}",
        **{**NEW, "label": "Expected due date", "shown_if": str(pregnant.id), "required": ""},
    )
    assert edited.status_code == 303
    changed = question(app, id=added.id)
    assert (changed.label, changed.required) == ("Expected due date", False)
    with app.app_context():
        actions = db.session.scalars(
            sa.select(AuditEvent.action).filter_by(subject_type="intake_question")
        ).all()
        assert actions == ["question added", "question changed"]


def test_a_choice_question_routes_an_answer_to_a_training(admin, app):
    with app.app_context():
        deep = db.session.scalar(sa.select(Service.id).filter_by(slug="deep-tissue-sports-massage"))
    data = {
        **NEW,
        "label": "Any recent injury?",
        "kind": "choice",
        "options": "None\nSprain\r\nFracture\n\n",
        "service": str(deep),
        "routes_answer": "fracture",
        "routes_tag": "Rehab",
    }
    assert post(admin, "/staff/intake/new", **data).status_code == 303
    added = question(app, label="Any recent injury?")
    assert added.options == ["None", "Sprain", "Fracture"]
    assert (added.routes_answer, added.routes_tag, added.service_id) == ("Fracture", "rehab", deep)


BAD_QUESTIONS = [
    ({"label": ""}, "Please write the question."),
    ({"label": "L" * 201}, "200 characters"),
    ({"kind": "essay"}, "Please choose from the list."),
    ({"kind": "choice", "options": "Only one"}, "Please give at least two answers"),
    ({"kind": "choice", "options": "Yes\nyes"}, "Two answers are the same"),
    ({"kind": "choice", "options": "\n".join(str(n) for n in range(30))}, "at most 20"),
    ({"service": "999999"}, "Please choose from the list."),
    ({"service": "lots"}, "Please choose from the list."),
    ({"shown_if": "PREGNANT", "shown_if_answer": "Perhaps"}, "one of the answers that question"),
    ({"shown_if": "999999"}, "Please choose from the list."),
    ({"routes_tag": "prenatal"}, "Give both the answer and the training tag, or neither."),
    ({"routes_answer": "Yes", "routes_tag": "prenatal"}, "Only a yes-or-no"),
    ({"kind": "yesno", "routes_answer": "Maybe", "routes_tag": "prenatal"}, "must be one of"),
    ({"kind": "yesno", "routes_answer": "Yes", "routes_tag": "pre natal!"}, "A tag is one word"),
    ({"help": "h" * 100_000}, "500 characters"),
]


@pytest.mark.parametrize(("change", "message"), BAD_QUESTIONS)
def test_bad_questions_are_explained_and_kept(admin, app, change, message):
    pregnant = question(app, key="pregnant")
    change = {k: v.replace("PREGNANT", str(pregnant.id)) for k, v in change.items()}
    response = post(admin, "/staff/intake/new", **{**NEW, **change})
    assert response.status_code == 422
    page = text_of(response.text)
    assert "Please check the form" in page and message in page, page[:1500]
    assert len(labels_in_order(app)) == 3


def test_a_followed_question_cannot_wait_for_another_answer(admin, app):
    pregnant = question(app, key="pregnant")
    assert (
        post(admin, "/staff/intake/new", **{**NEW, "shown_if": str(pregnant.id)}).status_code == 303
    )
    with app.app_context():
        yesno = IntakeQuestion(kind="yesno", label="Had surgery?", position=20)
        db.session.add(yesno)
        db.session.commit()
        yesno_id = yesno.id
    data = {
        **NEW,
        "label": "Are you pregnant?",
        "kind": "choice",
        "options": "No\nYes\nNot applicable",
        "shown_if": str(yesno_id),
    }
    response = post(admin, f"/staff/intake/{pregnant.id}", **data)
    assert response.status_code == 422
    assert "one level of conditions" in text_of(response.text)


def test_reorder_and_stop_asking(admin, app):
    pain = question(app, key="pain")
    conditions = question(app, key="conditions")
    assert post(admin, f"/staff/intake/{conditions.id}/move", direction="up").status_code == 303
    assert labels_in_order(app)[:2] == [conditions.label, pain.label]
    first = post(admin, f"/staff/intake/{conditions.id}/move", direction="up")
    assert "already first" in text_of(admin.get(first.headers["Location"]).text)
    bad = post(admin, f"/staff/intake/{pain.id}/move", direction="sideways")
    assert "Please use the Up and Down buttons" in text_of(admin.get(bad.headers["Location"]).text)

    assert post(admin, f"/staff/intake/{pain.id}/active", active="0").status_code == 303
    assert pain.label not in labels_in_order(app)
    assert "(not asked)" in text_of(admin.get(PAGE).text)
    assert post(admin, f"/staff/intake/{pain.id}/active", active="1").status_code == 303
    assert pain.label in labels_in_order(app)
    assert post(admin, "/staff/intake/999999999999/active", active="0").status_code == 404


def test_saving_the_consent_text_makes_a_new_version(admin, app):
    assert post(admin, "/staff/intake/consent", body="First words.").status_code == 303
    assert post(admin, "/staff/intake/consent", body="Second words.").status_code == 303
    same = post(admin, "/staff/intake/consent", body="Second words.")
    assert "version 2 stays current" in text_of(admin.get(same.headers["Location"]).text)
    empty = post(admin, "/staff/intake/consent", body="  ")
    assert empty.status_code == 422 and "Please write the consent text." in text_of(empty.text)
    with app.app_context():
        versions = db.session.execute(
            sa.select(ConsentText.version, ConsentText.body).order_by(ConsentText.version)
        ).all()
        assert versions == [(1, "First words."), (2, "Second words.")]  # the first unchanged
    page = text_of(admin.get(PAGE).text)
    assert "Version 2 is current" in page and "Version 1," in page


def test_therapists_training_tags(admin, app):
    with app.app_context():
        ids = dict(db.session.execute(sa.select(Therapist.slug, Therapist.id)).all())
    fields = {f"tags-{i}": "" for i in ids.values()}
    saved = post(
        admin,
        "/staff/intake/training",
        **{**fields, f"tags-{ids['lena-marchetti']}": "Prenatal, sports prenatal"},
    )
    assert saved.status_code == 303
    with app.app_context():
        lena = db.session.get(Therapist, ids["lena-marchetti"])
        assert lena.qualifications == "prenatal sports"
    bad = post(
        admin, "/staff/intake/training", **{**fields, f"tags-{ids['dana-okafor']}": "<b>x</b>"}
    )
    assert bad.status_code == 422
    assert "Tags are words of letters, digits and hyphens" in text_of(bad.text)
    assert "&lt;b&gt;x&lt;/b&gt;" in bad.text
