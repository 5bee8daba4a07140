"""The schema changes only through migrations, so the migrations must match the models."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from clinicsite.config import normalise_database_url
from clinicsite.extensions import db
from clinicsite.models import ClinicSettings
from clinicsite.text import render_markdown
from tests.support.app import empty_schema, make_app, worker_database
from tests.support.factories import (
    MARKDOWN_COLUMNS,
    make_area,
    make_clinic,
    make_service,
    make_therapist,
)


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


@pytest.fixture
def own_database(tmp_path) -> str:
    """An empty database for one test to migrate up and down: on PostgreSQL (when
    TEST_DATABASE_URL is set) one beside the tests' own, else an SQLite file."""
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{tmp_path / 'own.sqlite3'}"
    url = worker_database(normalise_database_url(url), "migrations")
    empty_schema(url)
    return url


BEFORE_STORED_HTML = "e7b3f1a5c802"
TABLES = tuple(model.__tablename__ for model, _ in MARKDOWN_COLUMNS)


def test_the_stored_html_upgrade_renders_existing_rows_and_downgrades(own_database):
    """Rows written before `<column>_html` existed get their Markdown rendered and
    sanitized by the upgrade (pages print the column as it is); their updated_at stays."""
    from flask_migrate import downgrade, upgrade

    app = make_app(own_database)
    hostile = "Firm **pressure**. <script>alert(1)</script> [x](javascript:alert(1))"
    with app.app_context():
        upgrade()
        make_clinic(about=hostile)
        service = make_service(description=hostile)
        make_area(services=[service], intro="Sun and *sand*.")
        make_therapist(services=[service], bio="")
        db.session.commit()
        db.session.remove()
        downgrade(revision=BEFORE_STORED_HTML)
        inspector = sa.inspect(db.engine)
        for model, column in MARKDOWN_COLUMNS:
            names = {c["name"] for c in inspector.get_columns(model.__tablename__)}
            assert column in names and f"{column}_html" not in names
        updated = {table: column_values(table, "updated_at") for table in TABLES}
        db.session.remove()  # on PostgreSQL its read locks would hold up the upgrade's ALTERs

        upgrade()
        stored = {
            model: column_values(model.__tablename__, column, f"{column}_html")
            for model, column in MARKDOWN_COLUMNS
        }
        assert {table: column_values(table, "updated_at") for table in TABLES} == updated
        db.session.remove()
        db.engine.dispose()
    for rows in stored.values():
        assert rows and all(html == str(render_markdown(source)) for source, html in rows)
    [(_, about_html)] = stored[ClinicSettings]
    assert "<strong>pressure</strong>" in about_html and "<script" not in about_html


def column_values(table: str, *columns: str) -> list[tuple]:
    """The values of `columns` in every row of `table`, whatever the models say of it."""
    rows = sa.table(table, *(sa.column(name) for name in columns))
    return sorted(tuple(row) for row in db.session.execute(sa.select(rows)))
