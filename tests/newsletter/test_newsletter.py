"""The newsletter: double opt-in sign-up, confirmation, the guide download, one-click
unsubscribe, and the staff pages (subscribers, CSV export, the guide upload)."""

from __future__ import annotations

import csv
import io
import re
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from clinicsite import clock, notifications
from clinicsite.extensions import db
from clinicsite.models import AuditEvent, LeadMagnet, OutboxEmail, Subscriber
from clinicsite.newsletter import service
from tests.support.app import csrf_token, session_token
from tests.support.factories import make_clinic
from tests.support.mail_helpers import database_rows, deliver, plain

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
CONFIRM_LINK = re.compile(r"http://localhost/newsletter/confirm/[\w-]+")
GUIDE_LINK = re.compile(r"http://localhost/newsletter/guide/[\w-]+")
UNSUBSCRIBE_LINK = re.compile(r"http://localhost/newsletter/unsubscribe/[\w-]+")
PREFERENCES_LINK = re.compile(r"http://localhost/newsletter/preferences/[\w-]+")


@pytest.fixture
def site(app, tmp_path, monkeypatch):
    """A clinic, uploads in a temporary folder, and a cheap password hash for staff logins."""
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    monkeypatch.setattr(
        "clinicsite.models.staff.generate_password_hash",
        lambda p: generate_password_hash(p, method="pbkdf2:sha256:1"),
    )
    with app.app_context():
        make_clinic(name="Saltgrass Bodywork")
        db.session.commit()
    return app


def sign_up(client, email="maya@example.org", **fields):
    data = {"email": email, "website": ""}
    return client.post("/newsletter", data={**data, **fields})


def emails(app) -> list[OutboxEmail]:
    with app.app_context():
        rows = list(db.session.scalars(sa.select(OutboxEmail).order_by(OutboxEmail.id)))
        db.session.expunge_all()
        return rows


def subscriber(app, email="maya@example.org") -> Subscriber | None:
    with app.app_context():
        row = db.session.scalar(sa.select(Subscriber).filter_by(email=email))
        db.session.expunge_all()
        return row


def add_subscriber(app, email, status="confirmed", source="/") -> str:
    with app.app_context():
        now = clock.now()
        row = Subscriber(email=email, status=status, token=service.new_token(), source=source)
        row.confirmed_at = now if status != "pending" else None
        row.unsubscribed_at = now if status == "unsubscribed" else None
        db.session.add(row)
        db.session.commit()
        return row.token


def add_guide(app, data=PDF, title="Five stretches for desk workers") -> LeadMagnet:
    with app.app_context():
        from clinicsite import uploads

        (uploads.upload_dir() / "guide-test.pdf").write_bytes(data)
        guide = LeadMagnet(
            title=title,
            stored_name="guide-test.pdf",
            original_name="Desk stretches.pdf",
            content_type="application/pdf",
            size=len(data),
        )
        db.session.add(guide)
        db.session.commit()
        db.session.expunge(guide)
        return guide


def link(pattern: re.Pattern, text: str) -> str:
    match = pattern.search(text)
    assert match, f"no {pattern.pattern} in:\n{text}"
    return match.group(0).removeprefix("http://localhost")


def text(response) -> str:
    return response.get_data(as_text=True)


def press_button(client, url: str):
    """Open a link from an email, then press the page's button, as a person would."""
    page = client.get(url)
    assert page.status_code == 200, url
    form = re.search(r'<form method="post"[^>]*>(.*?)</form>', text(page), re.S)
    assert form, f"no button on {url}"
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.group(1)).group(1)
    return client.post(url, data={"csrf_token": token})


# ---- Sign-up ----------------------------------------------------------------------------


def test_sign_up_creates_a_pending_subscriber_and_queues_the_confirmation(site, client):
    response = sign_up(client, "  Maya@Example.ORG ", source="/services/")
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/newsletter/thanks")
    assert "Check your inbox to confirm" in text(client.get(response.headers["Location"]))

    maya = subscriber(site)
    assert maya.status == "pending" and maya.confirmed_at is None
    assert maya.source == "/services/"
    assert len(maya.token) >= 43
    [mail] = emails(site)
    assert mail.to_address == "maya@example.org"
    assert mail.key.startswith(f"newsletter-confirm:{maya.id}:")
    assert "confirm" in mail.subject.lower() and "Saltgrass Bodywork" in mail.subject
    assert link(CONFIRM_LINK, mail.body_text) == f"/newsletter/confirm/{maya.token}"
    assert link(UNSUBSCRIBE_LINK, mail.body_text) == f"/newsletter/unsubscribe/{maya.token}"


def test_the_footer_form_signs_up_and_remembers_the_page(site, client):
    html = text(client.get("/services/"))
    assert 'action="/newsletter"' in html
    assert 'name="source" value="/services/"' in html
    assert 'class="hp"' in html and 'name="website"' in html
    assert 'name="csrf_token"' not in html  # a cached page: see tests/test_security.py
    data = {"source": "/services/", "email": "ana@example.org", "website": ""}
    response = client.post("/newsletter", data=data)
    assert response.status_code == 303
    assert subscriber(site, "ana@example.org").source == "/services/"
    thanks = text(client.get(response.headers["Location"]))
    assert 'href="/services/"' in thanks  # back to the page they were reading


def test_the_footer_form_is_left_off_form_pages_and_pages_with_secrets(site, client):
    assert 'id="footer-newsletter"' in text(client.get("/"))
    for url in ("/newsletter", "/contact", "/staff/login"):
        assert 'id="footer-newsletter"' not in text(client.get(url)), url


@pytest.mark.parametrize(
    "source, stored",
    [
        ("/blog/desk-stretches", "/blog/desk-stretches"),
        ("/services/?utm=x", "/services/"),
        ("https://evil.example/", ""),
        ("//evil.example/", ""),
        ("/booking/secret-manage-token", ""),
        ("/newsletter/confirm/secret", ""),
        ("/a\x00b", ""),
        ("/" + "x" * 300, "/" + "x" * 119),
        (None, ""),
    ],
)
def test_only_a_plain_page_path_is_kept_as_the_source(source, stored):
    assert service.clean_source(source) == stored


def test_signup_page_explains_the_newsletter_and_the_guide(site, client):
    add_guide(site)
    html = text(client.get("/newsletter"))
    assert "<h1>Our newsletter</h1>" in html
    assert "Free guide: Five stretches for desk workers" in html
    assert 'name="email"' in html


@pytest.mark.parametrize(
    "typed, message",
    [
        ("maya-at-example", "That email address does not look right"),
        ("", "Please give your email address."),
        ("m" * 250 + "@example.org", "That email address is too long."),
        ("<b>maya</b>@example.org", "That email address does not look right"),
    ],
)
def test_invalid_email_is_reshown_with_a_message_and_what_was_typed(site, client, typed, message):
    response = sign_up(client, typed, source="/services/")
    assert response.status_code == 422
    html = text(response)
    assert message in html
    assert 'aria-invalid="true"' in html
    assert f'value="{typed.replace("<", "&lt;").replace(">", "&gt;")}"' in html
    assert 'name="source" type="hidden" value="/services/"' in html  # kept for the retry
    assert "<b>maya" not in html
    assert subscriber(site, typed.strip().lower()) is None
    assert emails(site) == []


def test_filled_honeypot_stores_nothing_but_answers_like_a_sign_up(site, client):
    real = sign_up(client, "real@example.org")
    bot = sign_up(client, "bot@example.org", website="http://spam.example")
    assert bot.status_code == real.status_code == 303
    assert bot.headers["Location"] == real.headers["Location"]
    assert subscriber(site, "bot@example.org") is None
    assert [m.to_address for m in emails(site)] == ["real@example.org"]


def test_a_confirmed_address_gets_the_same_answer_and_no_email(site, client):
    add_subscriber(site, "maya@example.org", "confirmed")
    new = sign_up(client, "new@example.org")
    again = sign_up(client, "MAYA@example.org")
    assert again.status_code == new.status_code == 303
    assert again.headers["Location"] == new.headers["Location"]
    assert text(client.get(again.headers["Location"])) == text(client.get(new.headers["Location"]))
    assert [m.to_address for m in emails(site)] == ["new@example.org"]
    assert subscriber(site).status == "confirmed"


def test_a_pending_address_gets_the_confirmation_again_at_most_every_ten_minutes(
    site, client, monkeypatch
):
    sign_up(client)
    sign_up(client)
    assert len(emails(site)) == 1
    later = clock.now() + timedelta(minutes=11)
    monkeypatch.setattr("clinicsite.clock.now", lambda: later)
    assert sign_up(client).status_code == 303
    first, second = emails(site)
    assert first.key != second.key
    assert link(CONFIRM_LINK, second.body_text) == link(CONFIRM_LINK, first.body_text)


def test_sign_up_is_rate_limited(site, client):
    codes = [sign_up(client, f"person{i}@example.org").status_code for i in range(7)]
    assert codes == [303] * 5 + [429] * 2
    with site.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Subscriber)) == 5


# ---- Confirmation and the guide ----------------------------------------------------------


def test_confirming_sends_the_welcome_with_the_guide_and_unsubscribe_links(site, client):
    add_guide(site)
    sign_up(client)
    confirm_url = link(CONFIRM_LINK, emails(site)[0].body_text)

    response = press_button(client, confirm_url)
    assert response.status_code == 200
    html = text(response)
    assert "You are subscribed" in html
    maya = subscriber(site)
    assert maya.status == "confirmed" and maya.confirmed_at is not None
    assert f'href="/newsletter/guide/{maya.token}"' in html
    assert response.headers["Referrer-Policy"] == "no-referrer"

    welcome = emails(site)[1]
    assert welcome.to_address == "maya@example.org"
    assert "Welcome" in welcome.subject
    assert link(GUIDE_LINK, welcome.body_text) == f"/newsletter/guide/{maya.token}"
    assert link(UNSUBSCRIBE_LINK, welcome.body_text) == f"/newsletter/unsubscribe/{maya.token}"
    assert link(PREFERENCES_LINK, welcome.body_text) == f"/newsletter/preferences/{maya.token}"
    assert f"http://localhost/newsletter/preferences/{maya.token}" in welcome.body_html
    assert "Five stretches for desk workers" in welcome.body_text

    # Opening the link again, or sending the button again, changes nothing and says so.
    again = client.get(confirm_url)
    assert again.status_code == 200
    assert "Already confirmed" in text(again) and "<button" not in text(again)
    token = session_token(client)
    assert "Already confirmed" in text(client.post(confirm_url, data={"csrf_token": token}))
    assert len(emails(site)) == 2
    assert subscriber(site).confirmed_at == maya.confirmed_at


def test_confirming_without_a_guide_still_welcomes_with_an_unsubscribe_link(site, client):
    token = add_subscriber(site, "maya@example.org", "pending")
    html = text(press_button(client, f"/newsletter/confirm/{token}"))
    assert "You are subscribed" in html and "/newsletter/guide/" not in html
    [welcome] = emails(site)
    assert GUIDE_LINK.search(welcome.body_text) is None
    assert link(UNSUBSCRIBE_LINK, welcome.body_text) == f"/newsletter/unsubscribe/{token}"


def test_an_old_confirmation_link_does_not_undo_an_unsubscribe(site, client):
    token = add_subscriber(site, "maya@example.org", "unsubscribed")
    response = client.get(f"/newsletter/confirm/{token}")
    assert response.status_code == 200
    assert "This address is unsubscribed" in text(response)
    assert "<button" not in text(response)
    posted = client.post(f"/newsletter/confirm/{token}", data={"csrf_token": session_token(client)})
    assert "This address is unsubscribed" in text(posted)
    assert subscriber(site).status == "unsubscribed"
    assert emails(site) == []


def test_the_guide_downloads_only_for_a_confirmed_subscriber(site, client):
    add_guide(site)
    token = add_subscriber(site, "maya@example.org", "pending")
    assert client.get(f"/newsletter/guide/{token}").status_code == 404

    press_button(client, f"/newsletter/confirm/{token}")
    response = client.get(f"/newsletter/guide/{token}")
    assert response.status_code == 200
    assert response.data == PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "Desk stretches.pdf" in response.headers["Content-Disposition"]
    assert "private" in response.headers["Cache-Control"]
    assert "public" not in response.headers["Cache-Control"]
    response.close()

    press_button(client, f"/newsletter/unsubscribe/{token}")
    assert client.get(f"/newsletter/guide/{token}").status_code == 404


def test_no_guide_uploaded_means_no_download(site, client):
    token = add_subscriber(site, "maya@example.org", "confirmed")
    assert client.get(f"/newsletter/guide/{token}").status_code == 404


# ---- Unsubscribe -------------------------------------------------------------------------


def test_unsubscribe_link_works_without_login_twice_in_a_row(site, client):
    token = add_subscriber(site, "maya@example.org", "confirmed")
    first = press_button(client, f"/newsletter/unsubscribe/{token}")
    assert first.status_code == 200
    assert "You are unsubscribed" in text(first)
    assert 'href="/newsletter"' in text(first)  # re-subscribe
    maya = subscriber(site)
    assert maya.status == "unsubscribed" and maya.unsubscribed_at is not None

    second = client.get(f"/newsletter/unsubscribe/{token}")
    assert second.status_code == 200
    assert "already unsubscribed" in text(second) and "<button" not in text(second)
    assert subscriber(site).unsubscribed_at == maya.unsubscribed_at


def test_link_checkers_sending_head_change_nothing(site, client):
    token = add_subscriber(site, "maya@example.org", "pending")
    assert client.head(f"/newsletter/confirm/{token}").status_code == 200
    assert client.head(f"/newsletter/unsubscribe/{token}").status_code == 200
    assert client.head("/newsletter/unsubscribe/no-such-token").status_code == 404
    assert subscriber(site).status == "pending"
    assert emails(site) == []


@pytest.mark.parametrize("status", ["pending", "confirmed"])
def test_opening_the_links_in_an_email_changes_nothing(site, client, status):
    """Mail security gateways open every link in every email they let through."""
    add_guide(site)
    token = add_subscriber(site, "maya@example.org", status)
    before = database_rows(site)
    scanner = site.test_client()
    for url in (f"/newsletter/confirm/{token}", f"/newsletter/unsubscribe/{token}"):
        for _ in range(2):
            response = scanner.get(url)
            assert response.status_code == 200, url
            assert response.headers["Referrer-Policy"] == "no-referrer"
            assert "noindex" in response.headers["X-Robots-Tag"]
    scanner.get(f"/newsletter/guide/{token}").close()
    assert database_rows(site) == before
    assert subscriber(site).status == status


def test_the_confirmation_link_shows_a_button_that_confirms(site, client):
    token = add_subscriber(site, "maya@example.org", "pending")
    page = text(client.get(f"/newsletter/confirm/{token}"))
    assert "<h1>Confirm your subscription</h1>" in page
    assert "maya@example.org" in page
    assert re.search(r'<form method="post"[^>]*>\s*<input type="hidden" name="csrf_token"', page)
    assert "Yes, subscribe me</button>" in page
    assert subscriber(site).status == "pending"

    assert "You are subscribed" in text(press_button(client, f"/newsletter/confirm/{token}"))
    assert subscriber(site).status == "confirmed"
    assert [m.subject for m in emails(site)] == ["Welcome to the Saltgrass Bodywork newsletter"]


def test_the_unsubscribe_link_shows_a_button_that_unsubscribes(site, client):
    token = add_subscriber(site, "maya@example.org", "confirmed")
    page = text(client.get(f"/newsletter/unsubscribe/{token}"))
    assert "<h1>Unsubscribe from the newsletter?</h1>" in page
    assert "Unsubscribe</button>" in page and 'name="csrf_token"' in page
    assert subscriber(site).status == "confirmed"

    assert "You are unsubscribed" in text(press_button(client, f"/newsletter/unsubscribe/{token}"))
    assert subscriber(site).status == "unsubscribed"


@pytest.mark.parametrize(
    "url, status",
    [("/newsletter/confirm/{}", "pending"), ("/newsletter/unsubscribe/{}", "confirmed")],
)
@pytest.mark.parametrize(
    "data",
    [
        {},
        {"csrf_token": "forged"},
        {"List-Unsubscribe": "one-click"},
        {"List-Unsubscribe": "Something"},
    ],
)
def test_the_buttons_need_the_pages_csrf_token(site, client, url, status, data):
    token = add_subscriber(site, "maya@example.org", status)
    client.get(url.format(token))  # a session exists, but the token is not sent back
    response = client.post(url.format(token), data=data)
    assert response.status_code == 400
    assert "This form has expired" in text(response)
    assert subscriber(site).status == status
    assert emails(site) == []


def test_one_click_unsubscribe_post_needs_no_csrf_token(site):
    """RFC 8058: what Gmail and Yahoo send when the reader presses their Unsubscribe."""
    token = add_subscriber(site, "maya@example.org", "confirmed")
    mail_client = site.test_client()  # no session, no token: as a mail program sends it
    response = mail_client.post(
        f"/newsletter/unsubscribe/{token}",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert subscriber(site).status == "unsubscribed"
    again = mail_client.post(
        f"/newsletter/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"}
    )
    assert again.status_code == 200 and "already unsubscribed" in text(again)


@pytest.mark.parametrize(
    "body, content_type",
    [
        ("", "application/x-www-form-urlencoded"),
        ('{"List-Unsubscribe": "One-Click"}', "application/json"),
        ("List-Unsubscribe=One-Click", "text/plain"),
    ],
)
def test_only_the_one_click_form_post_goes_without_a_csrf_token(site, body, content_type):
    token = add_subscriber(site, "maya@example.org", "confirmed")
    response = site.test_client().post(
        f"/newsletter/unsubscribe/{token}", data=body, content_type=content_type
    )
    assert response.status_code == 400
    assert subscriber(site).status == "confirmed"


def test_one_click_with_an_unknown_token_is_a_404(site):
    add_subscriber(site, "maya@example.org", "confirmed")
    response = site.test_client().post(
        "/newsletter/unsubscribe/no-such-token", data={"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 404
    assert subscriber(site).status == "confirmed"


def test_newsletter_mail_carries_one_click_unsubscribe_headers(site, client, tmp_path):
    """Gmail and Yahoo show their own Unsubscribe for bulk mail with these headers, and
    press it by POSTing List-Unsubscribe=One-Click to the URL: no cookies, no token."""
    sign_up(client)
    confirmation = deliver(site, tmp_path / "first")[0]
    # Not on the list yet: the confirmation request is no newsletter mail.
    assert confirmation["List-Unsubscribe"] is None
    assert confirmation["List-Unsubscribe-Post"] is None

    press_button(client, link(CONFIRM_LINK, plain(confirmation)))
    [welcome] = deliver(site, tmp_path / "second")
    token = subscriber(site).token
    assert welcome["List-Unsubscribe"] == f"<http://localhost/newsletter/unsubscribe/{token}>"
    assert welcome["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    url = welcome["List-Unsubscribe"].strip("<>").removeprefix("http://localhost")
    mail_program = site.test_client()
    response = mail_program.post(
        url, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert subscriber(site).status == "unsubscribed"


def test_a_pending_address_can_unsubscribe_and_sign_up_again(site, client, monkeypatch):
    sign_up(client)
    token = subscriber(site).token
    press_button(client, f"/newsletter/unsubscribe/{token}")
    assert subscriber(site).status == "unsubscribed"

    later = clock.now() + timedelta(minutes=11)
    monkeypatch.setattr("clinicsite.clock.now", lambda: later)
    assert sign_up(client).status_code == 303
    maya = subscriber(site)
    assert maya.status == "pending" and maya.unsubscribed_at is None
    assert len(emails(site)) == 2
    press_button(client, link(CONFIRM_LINK, emails(site)[1].body_text))
    assert subscriber(site).status == "confirmed"


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/newsletter/confirm/no-such-token"),
        ("GET", "/newsletter/guide/no-such-token"),
        ("GET", "/newsletter/unsubscribe/no-such-token"),
        ("POST", "/newsletter/unsubscribe/no-such-token"),
        ("POST", "/newsletter/confirm/no-such-token"),
        ("GET", "/newsletter/confirm/" + "x" * 500),
    ],
)
def test_unknown_tokens_get_a_friendly_404(site, client, method, path):
    add_subscriber(site, "maya@example.org", "confirmed")
    data = {"csrf_token": session_token(client)} if method == "POST" else None
    response = client.open(path, method=method, data=data)
    assert response.status_code == 404
    assert "We could not find that newsletter link" in text(response)
    assert subscriber(site).status == "confirmed"


def test_newsletter_email_footer_carries_the_unsubscribe_link(site):
    token = add_subscriber(site, "maya@example.org", "confirmed")
    with site.test_request_context():
        footer = notifications.newsletter_email_footer(subscriber(site))
    assert link(UNSUBSCRIBE_LINK, footer) == f"/newsletter/unsubscribe/{token}"
    assert "Saltgrass Bodywork" in footer


# ---- Staff -------------------------------------------------------------------------------


STAFF_PAGES = [
    ("GET", "/staff/newsletter"),
    ("GET", "/staff/newsletter/subscribers.csv"),
    ("GET", "/staff/newsletter/guide"),
    ("POST", "/staff/newsletter/guide"),
    ("GET", "/staff/newsletter/guide/file"),
]


@pytest.mark.parametrize("method, url", STAFF_PAGES)
def test_staff_newsletter_pages_need_login(site, client, method, url):
    data = {"csrf_token": csrf_token(client, "/staff/login")} if method == "POST" else None
    response = client.open(url, method=method, data=data)
    assert response.status_code == 302
    assert "/staff/login" in response.headers["Location"]


@pytest.mark.parametrize("method, url", STAFF_PAGES)
def test_therapists_may_not_open_the_newsletter_pages(site, client, login_as, method, url):
    login_as("therapist")
    data = {"csrf_token": session_token(client)} if method == "POST" else None
    assert client.open(url, method=method, data=data).status_code == 403


@pytest.mark.parametrize("role", ["admin", "editor"])
def test_staff_see_counts_and_a_list_filtered_by_status(site, client, login_as, role):
    add_subscriber(site, "one@example.org", "confirmed", source="/blog/desk")
    add_subscriber(site, "two@example.org", "confirmed")
    add_subscriber(site, "three@example.org", "pending")
    add_subscriber(site, "four@example.org", "unsubscribed")
    login_as(role)
    html = text(client.get("/staff/newsletter"))
    assert "2 confirmed · 1 waiting for confirmation · 1 unsubscribed" in html
    for email in ("one@", "two@", "three@", "four@"):
        assert email in html
    assert "/blog/desk" in html
    pending = text(client.get("/staff/newsletter?status=pending"))
    assert "three@example.org" in pending and "one@example.org" not in pending
    assert client.get("/staff/newsletter?status=bogus&page=99").status_code == 200


def test_csv_export_is_confirmed_only_by_default_and_defuses_formulas(site, client, login_as):
    add_subscriber(site, "=HYPERLINK(1)@example.org", "confirmed", source="+cmd")
    add_subscriber(site, "plain@example.org", "confirmed", source="-2")
    add_subscriber(site, "@sum@example.org", "pending", source="/")
    login_as("editor")

    response = client.get("/staff/newsletter/subscribers.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    header, *rows = list(csv.reader(io.StringIO(text(response))))
    assert header[:3] == ["email", "status", "source"]
    assert sorted(r[0] for r in rows) == ["'=HYPERLINK(1)@example.org", "plain@example.org"]
    assert {r[2] for r in rows} == {"'+cmd", "'-2"}
    assert {r[1] for r in rows} == {"confirmed"}

    response = client.get("/staff/newsletter/subscribers.csv?status=all")
    everyone = list(csv.reader(io.StringIO(text(response))))
    assert "'@sum@example.org" in [r[0] for r in everyone]
    assert len(everyone) == 4
    assert client.get("/staff/newsletter/subscribers.csv?status=nope").status_code == 400
    with site.app_context():
        exports = db.session.scalars(sa.select(AuditEvent).filter_by(action="exported")).all()
        assert [e.after for e in exports] == [
            {"status": "confirmed", "rows": 2},
            {"status": "all", "rows": 3},
        ]


def upload(client, data: bytes, filename="guide.pdf", title="Desk stretches"):
    token = csrf_token(client, "/staff/newsletter/guide")
    response = client.post(
        "/staff/newsletter/guide",
        data={"csrf_token": token, "title": title, "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )
    # The test client spools a large body to a temporary file and leaves it open.
    response.request.environ["wsgi.input"].close()
    return response


def stored_files(app) -> list[str]:
    from pathlib import Path

    folder = Path(app.config["UPLOAD_DIR"])
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_uploading_a_pdf_makes_it_the_guide_and_replaces_the_old_one(site, client, login_as):
    login_as("editor")
    first = upload(client, PDF, "Stretches v1.pdf", "Desk stretches")
    assert first.status_code == 303
    page = text(client.get("/staff/newsletter/guide"))
    assert "Desk stretches" in page and "Stretches v1.pdf" in page
    [old_file] = stored_files(site)
    download = client.get("/staff/newsletter/guide/file")
    assert download.data == PDF
    download.close()

    second_pdf = PDF + b"% second edition\n"
    second = upload(client, second_pdf, "Stretches v2.pdf", "Desk stretches, 2nd ed.")
    assert second.status_code == 303
    with site.app_context():
        guides = db.session.scalars(sa.select(LeadMagnet).order_by(LeadMagnet.id)).all()
        assert [(g.title, g.active) for g in guides] == [
            ("Desk stretches", False),
            ("Desk stretches, 2nd ed.", True),
        ]
        assert guides[1].original_name == "Stretches v2.pdf"
        assert guides[1].size == len(second_pdf)
        events = db.session.scalars(sa.select(AuditEvent).filter_by(subject_type="lead_magnet"))
        assert [(e.action, e.before.get("title"), e.after["title"]) for e in events] == [
            ("uploaded", None, "Desk stretches"),
            ("uploaded", "Desk stretches", "Desk stretches, 2nd ed."),
        ]
    assert old_file not in stored_files(site)  # the replaced guide's file is gone
    assert stored_files(site) == [guides[1].stored_name]

    # Subscribers get the new one.
    token = add_subscriber(site, "maya@example.org", "confirmed")
    response = client.get(f"/newsletter/guide/{token}")
    assert response.data == second_pdf
    response.close()


@pytest.mark.parametrize(
    "data, filename, title, message",
    [
        (PNG, "guide.pdf", "A guide", "Please choose a PDF file."),
        (b"just text, not a PDF", "guide.pdf", "A guide", "Please choose a PDF file."),
        (b"%PDF-" + b"0" * (10 * 1024 * 1024), "big.pdf", "A guide", "larger than 10 MB"),
        (b"", "empty.pdf", "A guide", "The file is empty."),
        (PDF, "", "A guide", "Please choose a file."),
        (PDF, "guide.pdf", "", "Please give the guide a title."),
    ],
)
def test_guide_upload_refuses_wrong_files(site, client, login_as, data, filename, title, message):
    login_as("admin")
    response = upload(client, data, filename, title)
    assert response.status_code == 422
    assert message in text(response)
    assert stored_files(site) == []
    with site.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LeadMagnet)) == 0


def test_a_forged_host_header_reaches_no_email(site, client, tmp_path):
    # Without SITE_URL in the request's hands, a sign-up sent with another Host cannot make
    # the clinic email a link to an attacker's site.
    forged = {"Host": "evil.example", "X-Forwarded-Host": "evil.example"}
    assert client.get("/newsletter", headers=forged).status_code == 200
    data = {"email": "maya@example.org", "website": ""}
    assert client.post("/newsletter", data=data, headers=forged).status_code == 303
    [message] = deliver(site, tmp_path / "mail")
    whole = message.as_string()
    assert "evil.example" not in whole
    assert "http://localhost/newsletter/confirm/" in whole


# ---- The guide: promised only once it exists, sent once to those who joined before ---


def guide_emails(app) -> list[OutboxEmail]:
    return [e for e in emails(app) if e.key.startswith("newsletter-guide:")]


def test_without_a_guide_nothing_promises_one(site, client):
    for url in ("/", "/newsletter"):
        words = re.sub(r"<[^>]*>", " ", text(client.get(url))).lower()  # what a reader sees
        assert "newsletter" in words
        assert "guide" not in words, url
    sign_up(client)
    [confirmation] = emails(site)
    assert "guide" not in confirmation.body_text.lower()
    assert "guide" not in confirmation.body_html.lower()
    assert "practical notes on massage" in confirmation.body_text


def test_with_a_guide_the_footer_and_the_confirmation_name_it(site, client):
    add_guide(site)
    footer = text(client.get("/"))
    assert "Our free guide, “Five stretches for desk workers”" in footer
    sign_up(client)
    [confirmation] = emails(site)
    assert 'free guide, "Five stretches for desk workers"' in confirmation.body_text
    assert "Five stretches for desk workers" in confirmation.body_html


def test_uploading_a_guide_sends_it_once_to_those_who_confirmed_before(
    site, client, login_as, runner
):
    early = add_subscriber(site, "early@example.org", "confirmed")
    add_subscriber(site, "pending@example.org", "pending")
    add_subscriber(site, "gone@example.org", "unsubscribed")
    login_as("editor")

    response = upload(client, PDF, "Stretches.pdf", "Desk stretches")
    assert "on its way to 1 subscriber who joined before it" in text(
        client.get(response.headers["Location"])
    )
    [mail] = guide_emails(site)
    sent_to = subscriber(site, "early@example.org")
    assert mail.to_address == "early@example.org" and mail.key == f"newsletter-guide:{sent_to.id}"
    assert "Desk stretches" in mail.subject and "Desk stretches" in mail.body_text
    assert link(GUIDE_LINK, mail.body_text) == f"/newsletter/guide/{early}"
    assert link(UNSUBSCRIBE_LINK, mail.body_text) == f"/newsletter/unsubscribe/{early}"
    assert mail.headers["List-Unsubscribe"] == f"<http://localhost/newsletter/unsubscribe/{early}>"
    assert sent_to.guide_sent_at is not None
    for address in ("pending@example.org", "gone@example.org"):
        assert subscriber(site, address).guide_sent_at is None

    # A replacement, or the cron step, sends nobody the guide again.
    upload(client, PDF + b"% 2nd\n", "Stretches 2.pdf", "Desk stretches, 2nd ed.")
    assert "0 subscribers" in runner.invoke(args=["newsletter", "send-guide"]).output
    assert len(guide_emails(site)) == 1
    assert subscriber(site, "early@example.org").guide_sent_at == sent_to.guide_sent_at

    # The pending one confirms now: the guide comes in the welcome, and only there.
    pending = subscriber(site, "pending@example.org")
    press_button(client, f"/newsletter/confirm/{pending.token}")
    welcome = emails(site)[-1]
    assert welcome.to_address == "pending@example.org" and "Welcome" in welcome.subject
    assert link(GUIDE_LINK, welcome.body_text) == f"/newsletter/guide/{pending.token}"
    assert subscriber(site, "pending@example.org").guide_sent_at is not None
    assert "0 subscribers" in runner.invoke(args=["newsletter", "send-guide"]).output
    assert len(guide_emails(site)) == 1


def test_the_cron_step_reaches_a_confirmation_that_raced_the_upload(site, runner):
    # Confirmed while the upload was being committed: the welcome had no guide to carry.
    add_guide(site)
    token = add_subscriber(site, "raced@example.org", "confirmed")
    add_subscriber(site, "pending@example.org", "pending")

    result = runner.invoke(args=["newsletter", "send-guide"])
    assert result.exit_code == 0 and "queued the guide for 1 subscriber" in result.output
    [mail] = guide_emails(site)
    assert mail.to_address == "raced@example.org"
    assert link(GUIDE_LINK, mail.body_text) == f"/newsletter/guide/{token}"
    assert "0 subscribers" in runner.invoke(args=["newsletter", "send-guide"]).output
    assert len(guide_emails(site)) == 1


def test_a_subscriber_is_claimed_for_the_guide_once(site):
    """Workers and cron may run the catch-up together: the claim on a subscriber is a
    conditional UPDATE, so the second run's claim fails and queues nothing."""
    add_guide(site)
    add_subscriber(site, "ann@example.org", "confirmed")
    with site.test_request_context():
        # Both runs read the subscriber as unsent before either claims them.
        ann = db.session.scalar(sa.select(Subscriber).filter_by(email="ann@example.org"))
        assert service._claim_guide(ann, clock.now())
        assert not service._claim_guide(ann, clock.now())
        assert service.send_guide_to_earlier_subscribers(clock.now()) == 0
        db.session.commit()
    assert guide_emails(site) == []  # claimed by hand above: no email went from the run


def test_simultaneous_catch_ups_send_each_subscriber_the_guide_once(site):
    """Cron and an upload, or two hosts' cron, may run the catch-up at the same moment:
    each run reads the same unsent subscribers; the claim (and behind it the outbox's
    unique key) lets one run queue each email, and no run fails on PostgreSQL."""
    add_guide(site)
    for name in ("ann", "ben", "cy"):
        add_subscriber(site, f"{name}@example.org", "confirmed")
    runs = 4
    barrier = threading.Barrier(runs)
    errors: list[BaseException] = []

    def run() -> None:
        with site.test_request_context():  # its own session and connection
            try:
                barrier.wait(timeout=30)
                service.send_guide_to_earlier_subscribers(clock.now())
                db.session.commit()
            except sa.exc.OperationalError as exc:  # SQLite: one writer; the rest give up
                db.session.rollback()
                if site.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
                    errors.append(exc)
            except BaseException as exc:  # noqa: BLE001 -- reported by the test
                errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(runs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    sent = sorted(e.to_address for e in guide_emails(site))
    assert sent == ["ann@example.org", "ben@example.org", "cy@example.org"]


def test_without_a_guide_the_catch_up_sends_nothing(site, runner):
    add_subscriber(site, "ann@example.org", "confirmed")
    assert "0 subscribers" in runner.invoke(args=["newsletter", "send-guide"]).output
    assert emails(site) == [] and subscriber(site, "ann@example.org").guide_sent_at is None
