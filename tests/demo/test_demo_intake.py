"""The demo clinic's health questions, consent text and prenatal-trained therapist
(content/intake.toml, therapists.toml)."""

from __future__ import annotations

import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.intake.questions import add_defaults
from clinicsite.models import ConsentText, IntakeQuestion, Therapist


def test_seed_demo_asks_its_questions_once_and_routes_pregnancy(app, runner):
    with app.app_context():  # what the upgrade wrote: the demo rewords these, not doubles
        add_defaults()
        db.session.commit()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        questions = db.session.scalars(sa.select(IntakeQuestion)).all()
        keys = [q.key for q in sorted(questions, key=lambda q: q.position)]
        assert keys[:4] == ["pain", "conditions", "pressure", "pregnant"]
        assert len(keys) == len(set(keys))
        by_key = {q.key: q for q in questions}
        assert (by_key["pregnant"].routes_answer, by_key["pregnant"].routes_tag) == (
            "Yes",
            "prenatal",
        )
        assert by_key["due_date"].shown_if is by_key["pregnant"]
        assert by_key["surgery"].service.slug == "deep-tissue-sports-massage"
        [consent] = db.session.scalars(sa.select(ConsentText)).all()
        assert consent.version == 1 and "does not replace" in consent.body
        trained = db.session.scalars(
            sa.select(Therapist.slug).where(Therapist.qualifications.contains("prenatal"))
        ).all()
        assert trained == ["lena-marchetti"]
