"""The app under test: building one on the migrated database, emptying it, and reading
what a browser would (the CSRF token of a form, the statements a page runs)."""

from __future__ import annotations

import re

import jinja2
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from clinicsite import create_app
from clinicsite.config import TestingConfig
from clinicsite.extensions import db


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


def empty_schema(url: str) -> None:
    """Drop and recreate PostgreSQL's `public` schema, so the migrations start from nothing."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


class SharedBytecode(jinja2.BytecodeCache):
    """Compiled templates kept for the whole test process. Every test builds an app of its
    own, and each app's Jinja environment would otherwise compile again every template it
    renders: a quarter of the suite's time. Jinja checks each entry against the template's
    source, so an edited template is compiled afresh."""

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        compiled = self._compiled.get(bucket.key)
        if compiled is not None:
            bucket.bytecode_from_string(compiled)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = SharedBytecode()


def make_app(database_url: str, **settings) -> Flask:
    env = {"DATABASE_URL": database_url}
    env.update({k: str(v) for k, v in settings.items()})
    app = create_app(TestingConfig(env))
    app.jinja_env.bytecode_cache = TEMPLATES
    return app


def wipe(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        db.engine.dispose()


def csrf_token(client: FlaskClient, url: str) -> str:
    """The CSRF token from the form on `url`, as a browser would send it back."""
    page = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'type="hidden" name="csrf_token" value="([^"]+)"', page
    )
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def session_token(client: FlaskClient) -> str:
    """A CSRF token of the client's session, from a staff page (the dashboard when logged
    in, else the login form): public pages carry none, as they are cached."""
    for url in ("/staff/", "/staff/login"):
        page = client.get(url)
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text)
        if page.status_code == 200 and match:
            return match.group(1)
    raise AssertionError("no CSRF token on the staff pages")


def queries_for_page(app: Flask, client: FlaskClient, url: str, cached: bool = False) -> int:
    """How many SQL statements one GET of `url` runs (see statements_for_page)."""
    return len(statements_for_page(app, client, url, cached))


def statements_for_page(
    app: Flask, client: FlaskClient, url: str, cached: bool = False
) -> list[str]:
    """The SQL statements one GET of `url` runs, after a warm-up request (first-request
    work is not the page's). By default the page is rendered (the page cache is off: what
    the first visitor after an edit costs); `cached=True` counts what a visitor without a
    session is served once the page is kept. The page must answer 200."""
    app.config["PAGE_CACHE_ENABLED"] = cached
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    try:
        client.get(url)
        sa.event.listen(engine, "before_cursor_execute", record)
        try:
            response = client.get(url)
        finally:
            sa.event.remove(engine, "before_cursor_execute", record)
    finally:
        app.config["PAGE_CACHE_ENABLED"] = True
    assert response.status_code == 200, url
    return statements
