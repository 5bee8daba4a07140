"""While the database is unreachable, pages answer 503 with Retry-After (HTML in the
site's look; JSON for the API and for Stripe's webhook, so Stripe retries) and never 500."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from clinicsite import create_app
from clinicsite.config import TestingConfig
from clinicsite.extensions import db
from tests.support.stripe_stub import WEBHOOK_SECRET, signed_event

# Nothing listens on port 1: every connection attempt is refused at once.
CLOSED_PORT = "postgresql+psycopg://postgres@127.0.0.1:1/clinicsite"


@pytest.fixture
def down_app():
    return create_app(
        TestingConfig(
            {
                "DATABASE_URL": CLOSED_PORT,
                "PAYMENT_GATEWAY": "stripe",
                "STRIPE_SECRET_KEY": "sk_test_clinic",
                "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
                "STRIPE_API_BASE": "http://127.0.0.1:1",
                "RATELIMIT_ENABLED": "false",
            }
        )
    )


@pytest.mark.parametrize("url", ["/", "/services/", "/book/", "/blog/", "/contact", "/therapists/"])
def test_pages_show_a_503_in_the_sites_look_while_the_database_is_down(down_app, url):
    response = down_app.test_client().get(url)
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    page = response.get_data(as_text=True)
    assert "briefly unavailable" in page
    assert 'class="site-nav"' in page  # the site's own layout, not a bare error


def test_the_api_answers_503_json_while_the_database_is_down(down_app):
    response = down_app.test_client().get("/api/availability?service=x&date=2026-12-01")
    assert response.status_code == 503
    assert response.json["status"] == 503
    assert "Retry-After" in response.headers


def test_stripe_is_told_to_retry_its_webhook_while_the_database_is_down(down_app):
    body, signature = signed_event("checkout.session.completed", {"id": "cs_test_1"})
    response = down_app.test_client().post(
        "/stripe/webhook",
        data=body,
        headers={"Stripe-Signature": signature},
        content_type="application/json",
    )
    assert response.status_code == 503  # any non-2xx makes Stripe retry later
    assert response.is_json and response.json["status"] == 503


def test_a_connection_lost_mid_request_gives_503_then_the_site_recovers(clinic):
    """The same on the real test database: connections fail for a while, then return."""
    client = clinic.test_client()
    assert client.get("/services/").status_code == 200
    with clinic.app_context():
        engine = db.engine

    def refuse(dialect, conn_rec, cargs, cparams):
        raise dialect.loaded_dbapi.OperationalError("connection refused (simulated outage)")

    engine.dispose()
    sa.event.listen(engine, "do_connect", refuse)
    try:
        assert client.get("/services/").status_code == 503
        assert client.get("/staff/").status_code in (302, 503)  # anonymous: sent to log in
    finally:
        sa.event.remove(engine, "do_connect", refuse)
    assert client.get("/services/").status_code == 200


def test_database_errors_that_are_bugs_are_still_500s(app):
    @app.get("/bad-sql")
    def bad_sql():
        raise sa.exc.ProgrammingError("SELECT nonsense", {}, Exception("syntax error"))

    response = app.test_client().get("/bad-sql")
    assert response.status_code == 500
    assert "Retry-After" not in response.headers
