"""Headers, cookies and proxies."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from clinicsite import create_app
from clinicsite.config import ProductionConfig
from clinicsite.extensions import db, limiter
from tests.support.app import make_app, wipe

STRONG_SECRET = "k" * 48


def test_every_response_carries_the_security_headers(client):
    for url in ["/", "/no-such-page", "/robots.txt", "/healthz", "/static/css/site.css"]:
        with client.get(url) as response:
            headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "Strict-Transport-Security" not in headers  # not configured for HTTPS


def test_hsts_when_configured(migrated):
    app = make_app(migrated, HSTS_SECONDS=31536000)
    try:
        headers = app.test_client().get("/").headers
        assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    finally:
        wipe(app)


def test_session_cookie_is_httponly_and_lax(client):
    response = client.get("/staff/login")  # the CSRF token starts a session
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_production_session_cookie_is_secure(migrated):
    settings = {
        "SECRET_KEY": STRONG_SECRET,
        "DATABASE_URL": migrated,
        "STRIPE_SECRET_KEY": "sk_test_x",
        "STRIPE_WEBHOOK_SECRET": "whsec_x",
        "SITE_URL": "https://clinic.example.com",
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
    }
    app = create_app(ProductionConfig(settings))
    try:
        assert app.config["SESSION_COOKIE_SECURE"] is True
        cookie = app.test_client().get("/staff/login").headers["Set-Cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie
    finally:
        wipe(app)


def test_links_come_from_site_url_whatever_host_a_request_claims(migrated):
    forged = {"Host": "evil.example", "X-Forwarded-Host": "evil.example"}
    for proxied in (0, 1):
        app = make_app(
            migrated,
            SITE_URL="https://clinic.example.com",
            PROXY_FIX_X_PROTO=proxied,
            PROXY_FIX_X_HOST=proxied,
        )
        try:
            client = app.test_client()
            robots = client.get("/robots.txt", headers=forged).get_data(as_text=True)
            assert "Sitemap: https://clinic.example.com/sitemap.xml" in robots
            home = client.get("/contact", headers=forged).get_data(as_text=True)
            assert 'rel="canonical" href="https://clinic.example.com/contact"' in home
            assert "evil.example" not in robots + home
        finally:
            wipe(app)


def test_proxy_headers_are_ignored_unless_configured(migrated):
    headers = {"X-Forwarded-Proto": "https"}
    for proxied, scheme in ((0, "http"), (1, "https")):
        app = make_app(migrated, PROXY_FIX_X_PROTO=proxied)
        try:

            @app.get("/_scheme")
            def scheme_probe():
                from flask import request

                return request.scheme

            answer = app.test_client().get("/_scheme", headers=headers)
            assert answer.get_data(as_text=True) == scheme
        finally:
            wipe(app)


def test_nul_bytes_are_refused_before_any_query(clinic, client):
    # PostgreSQL cannot store NUL in text; without this guard these would be 500s there.
    for url in [
        "/services/%00",
        "/booking/%00",
        "/api/availability?service=%00&date=2026-12-01",
        "/book/?service=neuromuscular-therapy&therapist=a%00b",
    ]:
        assert client.get(url).status_code == 400, url

    data = {
        "name": "Nul",
        "email": "n@example.com",
        "message": "A message with a \x00 inside it",
    }
    assert client.post("/contact", data=data).status_code == 400
    from clinicsite.extensions import db
    from clinicsite.models import Inquiry

    with clinic.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Inquiry)) == 0


def _form_action(app) -> str:
    csp = app.test_client().get("/robots.txt").headers["Content-Security-Policy"]
    return next(d for d in csp.split("; ") if d.startswith("form-action"))


def test_forms_may_lead_to_the_stripe_checkout_and_nowhere_else(migrated):
    # Chromium applies form-action to the 303 that follows the details form; without the
    # checkout origin the browser blocks the hand-off to Stripe and the client is stuck.
    stripe_app = make_app(migrated, PAYMENT_GATEWAY="stripe", STRIPE_SECRET_KEY="sk_test_x")
    local = make_app(
        migrated,
        PAYMENT_GATEWAY="stripe",
        STRIPE_SECRET_KEY="sk_test_x",
        STRIPE_CHECKOUT_ORIGIN="http://127.0.0.1:9999",
    )
    fake = make_app(migrated)
    try:
        assert _form_action(stripe_app) == "form-action 'self' https://checkout.stripe.com"
        assert _form_action(local) == "form-action 'self' http://127.0.0.1:9999"
        assert _form_action(fake) == "form-action 'self'"
        csp = stripe_app.test_client().get("/").headers["Content-Security-Policy"]
        assert csp.count("checkout.stripe.com") == 1  # nothing else is loosened
    finally:
        for app in (stripe_app, local, fake):
            wipe(app)


# The forms on cached public pages carry no CSRF token (it needs a session cookie, and a
# page that sets one cannot be cached): the browser's word on where a POST came from
# stands in (clinicsite.security.session_free_form).
SESSION_FREE_FORMS = {
    "/contact": {
        "name": "Ana Reyes",
        "email": "ana@example.org",
        "service": "",
        "message": "Do you open on Sundays, and is parking free?",
    },
    "/newsletter": {"email": "ana@example.org"},
}
FROM_ELSEWHERE = [
    {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
    {"Sec-Fetch-Site": "same-site", "Origin": "https://shop.example.com"},
    {"Origin": "https://evil.example"},
    {"Origin": "null"},
]
FROM_HERE = [
    {"Sec-Fetch-Site": "same-origin", "Origin": "http://localhost"},
    {"Origin": "http://localhost"},
    {},  # no browser page: a script carries no visitor's authority
]


@pytest.mark.parametrize("url", SESSION_FREE_FORMS)
def test_session_free_forms_refuse_posts_from_other_sites(clinic, client, url):
    from clinicsite.extensions import db
    from clinicsite.models import Inquiry, Subscriber

    page = client.get(url)
    assert "Set-Cookie" not in page.headers and 'name="csrf_token"' not in page.text
    for headers in FROM_ELSEWHERE:
        response = client.post(url, data=SESSION_FREE_FORMS[url], headers=headers)
        assert response.status_code == 403, headers
        assert "only be sent from this site" in response.text
    with clinic.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Inquiry)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Subscriber)) == 0
    limiter.reset()  # the refusals count towards the form's rate limit
    for headers in FROM_HERE:
        assert client.post(url, data=SESSION_FREE_FORMS[url], headers=headers).status_code in (
            302,
            303,
        ), headers


def test_a_comment_from_another_site_is_refused(app, client, monkeypatch):
    from tests.support.blog_factories import NOW, make_post
    from tests.support.comment_helpers import VALID, form_fields

    monkeypatch.setattr("clinicsite.clock.now", lambda: NOW)
    with app.app_context():
        make_post(slug="open-for-comments")
        db.session.commit()
    data = {**form_fields(client, "/blog/open-for-comments"), **VALID}
    monkeypatch.setattr("clinicsite.clock.now", lambda: NOW + timedelta(seconds=30))
    url = "/blog/open-for-comments/comments"
    for headers in FROM_ELSEWHERE:
        assert client.post(url, data=data, headers=headers).status_code == 403, headers
    assert client.post(url, data=data, headers=FROM_HERE[0]).status_code == 303


def test_staff_passwords_use_scrypt(monkeypatch):
    """Outside the tests (which hash with one cheap round, see conftest.py) a staff password is
    kept as a salted scrypt hash, never as anything readable."""
    import werkzeug.security

    from clinicsite.models import StaffUser

    monkeypatch.setattr(
        "clinicsite.models.staff.generate_password_hash", werkzeug.security.generate_password_hash
    )
    user = StaffUser(email="a@example.com", name="A", role="admin")
    user.set_password("long enough password")
    assert user.password_hash.startswith("scrypt:")
    assert "long enough password" not in user.password_hash
    assert user.check_password("long enough password")
    assert not user.check_password("long enough passwore")
