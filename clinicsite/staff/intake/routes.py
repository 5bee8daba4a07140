"""Staff: the health questions of the booking form, the consent text and therapists'
training tags (admins). A question is never deleted, only deactivated: appointments keep
its id with their answers."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from clinicsite.audit import record_change
from clinicsite.extensions import db
from clinicsite.intake import questions as intake
from clinicsite.models import IntakeQuestion, Service, Therapist
from clinicsite.staff import bp
from clinicsite.staff.auth import current_actor, fetch, roles_required
from clinicsite.staff.intake.forms import KIND_LABELS, TAG, ConsentForm, QuestionForm

MAX_TAGS_TEXT = 200


def _snapshot(q: IntakeQuestion) -> dict:
    return {
        "label": q.label,
        "kind": q.kind,
        "options": ", ".join(q.options or []),
        "service_id": q.service_id,
        "required": q.required,
        "active": q.active,
        "shown_if_id": q.shown_if_id,
        "shown_if_answer": q.shown_if_answer,
        "routes_answer": q.routes_answer,
        "routes_tag": q.routes_tag,
    }


def _therapists() -> list[Therapist]:
    return list(
        db.session.scalars(sa.select(Therapist).order_by(Therapist.position, Therapist.name))
    )


def _index(consent_form=None, status=200, tag_errors=None, tags=None):
    consent = intake.current_consent()
    if consent_form is None:
        consent_form = ConsentForm(formdata=None, body=consent.body if consent else "")
    return render_template(
        "staff/intake/index.html",
        questions=intake.all_questions(),
        kinds=KIND_LABELS,
        consent=consent,
        history=intake.consent_history(),
        consent_form=consent_form,
        therapists=_therapists(),
        tag_errors=tag_errors or {},
        tags=tags or {},
    ), status


@bp.get("/intake/")
@roles_required("admin")
def intake_questions():
    return _index()


def _question_form(question: IntakeQuestion | None, formdata=True) -> QuestionForm:
    services = db.session.scalars(sa.select(Service).order_by(Service.position, Service.name))
    parents = [
        q
        for q in intake.all_questions()
        if q.kind in ("choice", "yesno")
        and q.shown_if_id is None
        and (question is None or q.id != question.id)
    ]
    followed = bool(question is not None and intake.followers(question))
    kwargs = {} if formdata else {"formdata": None}
    return QuestionForm(services=list(services), parents=parents, followed=followed, **kwargs)


def _question_page(form, question, status=200):
    return render_template("staff/intake/question.html", form=form, question=question), status


@bp.route("/intake/new", methods=["GET", "POST"])
@roles_required("admin")
def intake_question_new():
    form = _question_form(None, formdata=request.method == "POST")
    if request.method == "GET":
        return _question_page(form, None)
    if not form.validate():
        return _question_page(form, None, 422)
    question = IntakeQuestion(position=intake.next_position())
    form.apply(question)
    db.session.add(question)
    db.session.flush()
    record_change(
        "intake_question", question.id, "question added", current_actor(), after=_snapshot(question)
    )
    db.session.commit()
    flash(f"Added: “{question.label}”. New bookings ask it from now on.", "info")
    return redirect(url_for("staff.intake_questions"), 303)


@bp.route("/intake/<int:question_id>", methods=["GET", "POST"])
@roles_required("admin")
def intake_question_edit(question_id: int):
    question = fetch(IntakeQuestion, question_id)
    form = _question_form(question, formdata=request.method == "POST")
    if request.method == "GET":
        form.fill_from(question)
        return _question_page(form, question)
    if not form.validate():
        return _question_page(form, question, 422)
    before = _snapshot(question)
    form.apply(question)
    record_change(
        "intake_question",
        question.id,
        "question changed",
        current_actor(),
        before,
        _snapshot(question),
    )
    db.session.commit()
    flash(
        f"Saved: “{question.label}”. Bookings already made keep the question as it was asked.",
        "info",
    )
    return redirect(url_for("staff.intake_questions"), 303)


@bp.post("/intake/<int:question_id>/active")
@roles_required("admin")
def intake_question_active(question_id: int):
    question = fetch(IntakeQuestion, question_id)
    before = _snapshot(question)
    question.active = request.form.get("active") == "1"
    record_change(
        "intake_question",
        question.id,
        "question activated" if question.active else "question deactivated",
        current_actor(),
        before,
        _snapshot(question),
    )
    db.session.commit()
    if question.active:
        flash(f"“{question.label}” is asked again.", "info")
    else:
        flash(f"“{question.label}” is no longer asked. Answers already given are kept.", "info")
    return redirect(url_for("staff.intake_questions"), 303)


@bp.post("/intake/<int:question_id>/move")
@roles_required("admin")
def intake_question_move(question_id: int):
    question = fetch(IntakeQuestion, question_id)
    step = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
    if step is None:
        flash("Please use the Up and Down buttons to move a question.", "error")
    elif not intake.move(question, step):
        flash(f"“{question.label}” is already {'first' if step < 0 else 'last'}.", "info")
    db.session.commit()
    return redirect(url_for("staff.intake_questions", _anchor=f"question-{question.id}"), 303)


@bp.post("/intake/consent")
@roles_required("admin")
def intake_consent():
    form = ConsentForm()
    if not form.validate():
        return _index(consent_form=form, status=422)
    current = intake.current_consent()
    if current is not None and current.body == form.body.data:
        flash(f"The text is unchanged: version {current.version} stays current.", "info")
        return redirect(url_for("staff.intake_questions"), 303)
    consent = intake.new_consent_version(form.body.data, by=current_user.email)
    db.session.flush()
    record_change("consent_text", consent.id, "consent text changed", current_actor())
    db.session.commit()
    flash(
        f"Saved as version {consent.version}. New bookings accept it; earlier bookings keep "
        "the version their client accepted.",
        "info",
    )
    return redirect(url_for("staff.intake_questions"), 303)


@bp.post("/intake/training")
@roles_required("admin")
def intake_training():
    """Every therapist's training tags, from fields named `tags-<therapist id>`."""
    therapists = _therapists()
    typed = {t.id: request.form.get(f"tags-{t.id}", t.qualifications).strip() for t in therapists}
    errors = {tid: _tags_problem(text) for tid, text in typed.items()}
    errors = {tid: problem for tid, problem in errors.items() if problem}
    if errors:
        return _index(status=422, tag_errors=errors, tags=typed)
    for therapist in therapists:
        tags = " ".join(dict.fromkeys(typed[therapist.id].lower().replace(",", " ").split()))
        if tags != therapist.qualifications:
            record_change(
                "therapist",
                therapist.id,
                "training tags changed",
                current_actor(),
                {"qualifications": therapist.qualifications},
                {"qualifications": tags},
            )
            therapist.qualifications = tags
    db.session.commit()
    flash("Training tags saved.", "info")
    return redirect(url_for("staff.intake_questions", _anchor="training"), 303)


def _tags_problem(text: str) -> str | None:
    if len(text) > MAX_TAGS_TEXT:
        return f"Please keep the tags to {MAX_TAGS_TEXT} characters."
    words = re.split(r"[\s,]+", text.lower())
    if any(w and not TAG.fullmatch(w) for w in words):
        return (
            "Tags are words of letters, digits and hyphens, such as prenatal, separated by spaces."
        )
    return None
