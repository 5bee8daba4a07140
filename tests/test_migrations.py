"""The schema changes only through migrations, so the migrations must match the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from clinicsite.extensions import db


def test_migrations_match_the_models(app):
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_constraints_follow_the_naming_convention(app):
    with app.app_context(), db.engine.connect() as conn:
        inspector = db.inspect(conn)
        uniques = inspector.get_unique_constraints("service")
        foreign_keys = inspector.get_foreign_keys("service_option")
    assert {u["name"] for u in uniques} == {"uq_service_slug"}
    assert {f["name"] for f in foreign_keys} == {"fk_service_option_service_id_service"}


def test_the_guide_upgrade_marks_those_whose_welcome_carried_a_guide(tmp_path):
    """Subscribers who confirmed while a guide existed had it in the welcome email: the
    upgrade that adds guide_sent_at marks them, so an upload does not send it again.
    (A file of its own: it migrates from an older revision.)"""
    from flask_migrate import upgrade

    from tests.support.app import make_app

    app = make_app(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    rows = {
        # email: confirmed_at (None: pending)
        "before@example.org": "2026-01-10 09:00:00",
        "after@example.org": "2026-03-10 09:00:00",
        "pending@example.org": None,
    }
    with app.app_context():
        upgrade(revision="d4c1a7f0e924")
        with db.engine.begin() as conn:
            conn.execute(
                db.text(
                    "INSERT INTO lead_magnet (title, stored_name, original_name, content_type,"
                    " size, active, uploaded_at) VALUES ('Guide', 'g.pdf', 'g.pdf',"
                    " 'application/pdf', 10, 1, '2026-02-01 12:00:00')"
                )
            )
            for n, (email, confirmed_at) in enumerate(rows.items()):
                conn.execute(
                    db.text(
                        "INSERT INTO subscriber (email, status, token, source, created_at,"
                        " confirmed_at) VALUES (:email, :status, :token, '', :created, :confirmed)"
                    ),
                    {
                        "email": email,
                        "status": "confirmed" if confirmed_at else "pending",
                        "token": f"token-{n}",
                        "created": "2026-01-01 00:00:00",
                        "confirmed": confirmed_at,
                    },
                )
        upgrade()
        with db.engine.connect() as conn:
            sent = dict(conn.execute(db.text("SELECT email, guide_sent_at FROM subscriber")).all())
        db.engine.dispose()
    assert sent["before@example.org"] is None  # confirmed before the guide: still to send
    assert str(sent["after@example.org"]).startswith("2026-03-10 09:00:00")
    assert sent["pending@example.org"] is None
