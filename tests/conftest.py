"""Shared fixtures.

The schema is built once per run by the real migrations: on an SQLite file by default, on
PostgreSQL when TEST_DATABASE_URL is set (its `public` schema is dropped and rebuilt, so the
run starts clean). Each test gets a fresh app and leaves no rows behind. Under pytest-xdist
(`make test` runs one worker per core) each worker has its own SQLite file or PostgreSQL
database.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from clinicsite import create_app
from clinicsite.config import TestingConfig, normalise_database_url
from clinicsite.extensions import db, limiter
from tests.support.app import csrf_token, empty_schema, make_app, wipe, worker_database


def pytest_report_header(config):
    return f"database: {os.environ.get('TEST_DATABASE_URL') or 'SQLite file'}"


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hash() -> Iterator[None]:
    """Staff passwords hashed with a single round in tests: the real hash (scrypt) is slow
    on purpose and cost a fifth of a second per login. `test_staff_passwords_use_scrypt`
    checks the real one."""
    from werkzeug.security import generate_password_hash

    def cheap(password: str) -> str:
        return generate_password_hash(password, method="pbkdf2:sha256:1")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("clinicsite.models.staff.generate_password_hash", cheap)
        yield


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    if url:
        url = normalise_database_url(url)
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        if worker:
            url = worker_database(url, worker)
        empty_schema(url)
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
    from tests.support.booking_helpers import load_fixture_clinic

    load_fixture_clinic(app)
    return app


@pytest.fixture
def login_as(app: Flask, client: FlaskClient):
    """Create a staff user of `role` and log the test client in as that user."""
    from tests.support.factories import make_staff

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
