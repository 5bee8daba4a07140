"""The reference data every public page shows is read once per edit, per process, and an edit
on any worker shows on the next page another worker renders."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask

from clinicsite.extensions import db
from clinicsite.models import ServiceArea, ServiceOption
from tests.support.app import make_app, statements_for_page, wipe
from tests.support.booking_helpers import load_fixture_clinic

REFERENCE_TABLES = ("FROM region", "FROM therapist", "FROM location")


@pytest.fixture
def workers(migrated) -> Iterator[tuple[Flask, Flask]]:
    """Two app instances on one database, as two gunicorn workers; no page cache, so every
    page is rendered and only the reference snapshot can be stale."""
    first, second = (make_app(migrated, PAGE_CACHE_ENABLED=False) for _ in range(2))
    load_fixture_clinic(first)
    yield first, second
    with second.app_context():
        db.engine.dispose()
    wipe(first)


def _edit(app: Flask, change) -> None:
    with app.app_context():
        change()
        db.session.commit()


def _rename_area(app: Flask, slug: str, name: str) -> None:
    def change():
        db.session.scalar(sa.select(ServiceArea).filter_by(slug=slug)).name = name

    _edit(app, change)


def test_a_page_after_the_first_reads_no_reference_rows(workers):
    first, _ = workers
    statements = statements_for_page(first, first.test_client(), "/")
    read = [s for s in statements if any(table in s for table in REFERENCE_TABLES)]
    assert read == [], read
    assert len(statements) <= 6, statements


def test_an_area_renamed_on_one_worker_shows_in_the_other_workers_footer(workers):
    first, second = workers
    area = _an_area(first)
    assert first.test_client().get("/therapists/").status_code == 200  # snapshot taken
    _rename_area(second, area.slug, "Lunada Bay")
    assert "Lunada Bay" in first.test_client().get("/therapists/").text
    assert "Lunada Bay" in second.test_client().get("/").text


def test_a_price_changed_on_one_worker_shows_on_the_other_workers_services_page(workers):
    first, second = workers
    assert "$140" in first.test_client().get("/services/").text

    def reprice():
        option = db.session.scalar(sa.select(ServiceOption).filter_by(price=14000))
        option.price = 15500

    _edit(second, reprice)
    page = first.test_client().get("/services/").text
    assert "$155" in page and "$140" not in page


def test_a_service_taken_off_the_site_leaves_the_lists(workers):
    first, second = workers
    client = first.test_client()
    assert 'href="/services/neuromuscular-therapy"' in client.get("/services/").text

    def withdraw():
        from clinicsite.models import Service

        db.session.scalar(sa.select(Service).filter_by(slug="neuromuscular-therapy")).active = False

    _edit(second, withdraw)
    assert "/services/neuromuscular-therapy" not in client.get("/services/").text


def _an_area(app: Flask) -> ServiceArea:
    with app.app_context():
        area = db.session.scalar(sa.select(ServiceArea).where(ServiceArea.active))
        db.session.expunge(area)
        return area
