"""Shared fixtures.

The schema is built once per run by the real migrations: on an SQLite file by default, on
PostgreSQL when TEST_DATABASE_URL is set (its `public` schema is dropped and rebuilt, so the
run starts clean). Each test gets a fresh app and leaves no rows behind. Under pytest-xdist
(`make test` runs one worker per core) each worker has its own SQLite file or PostgreSQL
database.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from clinicsite import create_app
from clinicsite.config import TestingConfig, normalise_database_url
from clinicsite.extensions import db, limiter


def pytest_report_header(config):
    return f"database: {os.environ.get('TEST_DATABASE_URL') or 'SQLite file'}"


def worker_database(url: str, worker: str) -> str:
    """Under pytest-xdist each worker gets a PostgreSQL database of its own, next to the one
    TEST_DATABASE_URL names (`test` -> `test_gw0`, `test_gw1`, ...), created when missing."""
    base = sa.make_url(url)
    own = base.set(database=f"{base.database}_{worker}")
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.scalar(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": own.database}
        )
        if not exists:
            conn.execute(sa.text(f'CREATE DATABASE "{own.database}"'))
    engine.dispose()
    return own.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    if url:
        url = normalise_database_url(url)
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        if worker:
            url = worker_database(url, worker)
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    return url


@pytest.fixture(scope="session")
def migrated(database_url: str) -> str:
    from flask_migrate import upgrade

    app = create_app(TestingConfig({"DATABASE_URL": database_url}))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return database_url


def make_app(database_url: str, **settings) -> Flask:
    env = {"DATABASE_URL": database_url}
    env.update({k: str(v) for k, v in settings.items()})
    return create_app(TestingConfig(env))


def wipe(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        db.engine.dispose()


@pytest.fixture
def app(migrated: str) -> Iterator[Flask]:
    app = make_app(migrated)
    limiter.reset()
    yield app
    wipe(app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def clinic(app: Flask) -> Flask:
    """The app with the test clinic of `tests/fixture_clinic/` loaded (not the demo: editing
    the demo's copy must not break a test)."""
    from tests.booking_helpers import load_fixture_clinic

    load_fixture_clinic(app)
    return app


def csrf_token(client: FlaskClient, url: str) -> str:
    """The CSRF token from the form on `url`, as a browser would send it back."""
    page = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'type="hidden" name="csrf_token" value="([^"]+)"', page
    )
    assert match, f"no CSRF token on {url}"
    return match.group(1)


@pytest.fixture
def login_as(app: Flask, client: FlaskClient):
    """Create a staff user of `role` and log the test client in as that user."""
    from tests.factories import make_staff

    def login(role: str = "admin", **fields):
        password = "correct horse battery"
        with app.app_context():
            user = make_staff(role=role, password=password, **fields)
            email = user.email
            db.session.commit()
        token = csrf_token(client, "/staff/login")
        response = client.post(
            "/staff/login", data={"email": email, "password": password, "csrf_token": token}
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        return email

    return login


def queries_for_page(app: Flask, client: FlaskClient, url: str) -> int:
    """How many SQL statements one GET of `url` runs, after a warm-up request (first-request
    work is not the page's). The page must answer 200."""
    client.get(url)
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        response = client.get(url)
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    assert response.status_code == 200, url
    return len(statements)
