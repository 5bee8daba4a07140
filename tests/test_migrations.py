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
