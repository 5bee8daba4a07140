"""/my/sign-in and /my/link/<token>: a sign-in link by email, answered alike for every
address, single-use, short-lived, rate limited; a GET of the link changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import OutboxEmail, SignInLink
from tests.support.app import csrf_token
from tests.support.booking_helpers import MONDAY_8AM, FrozenClock, text_of
from tests.support.mail_helpers import database_rows, deliver
from tests.support.my_helpers import add_booking, ask_for_link, link_paths, sign_in

ANA = "ana@example.com"
SAME_ANSWER = "If we have bookings for that address, a link is on its way"


@pytest.fixture
def clock(monkeypatch):
    return FrozenClock(MONDAY_8AM).install(monkeypatch)


@pytest.fixture
def ana(clinic, clock):
    add_booking(clinic, ANA, MONDAY_8AM + timedelta(days=3))
    return clinic


def outbox_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(OutboxEmail))


def test_unknown_and_known_addresses_get_the_same_answer(ana, client, tmp_path):
    answers = []
    for email in ("nobody@example.com", ANA):
        response = ask_for_link(client, email)
        assert response.status_code == 303
        answers.append(response.headers["Location"])
        page = client.get(response.headers["Location"])
        assert SAME_ANSWER in text_of(page.text)
    assert answers[0] == answers[1]
    # Only the known address was sent anything, and only one email.
    messages = deliver(ana, tmp_path)
    assert [m["To"] for m in messages] == [ANA]


def test_an_unknown_address_queues_nothing_and_stores_nothing(clinic, clock, client):
    ask_for_link(client, "nobody@example.com")
    assert outbox_count(clinic) == 0
    with clinic.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SignInLink)) == 0


def test_the_emailed_link_signs_in_once(ana, client, tmp_path):
    ask_for_link(client, "  Ana@Example.COM ")  # as people type it
    [path] = link_paths(ana, tmp_path)
    response = sign_in(client, path)
    assert response.status_code == 303 and response.headers["Location"] == "/my/"
    page = client.get("/my/")
    assert page.status_code == 200 and "Signed in as ana@example.com" in text_of(page.text)

    other = ana.test_client()  # the same link again, from anywhere
    again = other.get(path)
    assert again.status_code == 410
    assert "This link has been used" in text_of(again.text)
    assert "Email me a sign-in link" in again.text  # and a way to a new one
    assert sign_in_without_page(other, path).status_code == 410
    assert other.get("/my/").headers["Location"].endswith("/my/sign-in")


def sign_in_without_page(client, path):
    token = csrf_token(client, "/my/sign-in")
    return client.post(path, data={"csrf_token": token})


def test_the_link_lapses_after_thirty_minutes(ana, client, clock, tmp_path):
    ask_for_link(client, ANA)
    [path] = link_paths(ana, tmp_path)
    clock.advance(minutes=29)
    assert client.get(path).status_code == 200
    clock.advance(minutes=1)
    page = client.get(path)
    assert page.status_code == 410 and "This link has run out" in text_of(page.text)
    assert sign_in_without_page(client, path).status_code == 410
    assert client.get("/my/").status_code == 302


def test_the_link_is_stored_hashed(ana, client, tmp_path):
    ask_for_link(client, ANA)
    [path] = link_paths(ana, tmp_path)
    token = path.rsplit("/", 1)[1]
    rows = database_rows(ana)
    assert token not in repr(rows)
    assert len(rows["sign_in_link"]) == 1


def test_opening_the_link_changes_nothing(ana, client, tmp_path):
    """Mail scanners open every link: a GET (or HEAD) only shows the button."""
    ask_for_link(client, ANA)
    [path] = link_paths(ana, tmp_path)
    before = database_rows(ana)
    page = client.get(path)
    assert page.status_code == 200 and "Sign in" in page.text
    assert client.head(path).status_code == 200
    assert database_rows(ana) == before
    assert client.get("/my/").status_code == 302  # not signed in by looking
    assert sign_in(client, path).status_code == 303  # the link still works


@pytest.mark.parametrize(
    "token", ["x", "not-a-real-token-" * 2, "a" * 65, "%20", "'; DROP TABLE x--", "é" * 10]
)
def test_garbage_links_get_a_clear_page(ana, client, token):
    page = client.get(f"/my/link/{token}")
    assert page.status_code == 404
    assert "We could not find that link" in text_of(page.text)
    assert sign_in_without_page(client, f"/my/link/{token}").status_code == 404


def test_the_button_needs_the_csrf_token(ana, client, tmp_path):
    ask_for_link(client, ANA)
    [path] = link_paths(ana, tmp_path)
    refused = client.post(path, data={})
    assert refused.status_code == 400
    assert client.get("/my/").status_code == 302
    assert sign_in(client, path).status_code == 303  # not spent by the refused POST


def test_the_form_needs_the_csrf_token(ana, client):
    response = client.post("/my/sign-in", data={"email": ANA})
    assert response.status_code == 400
    assert outbox_count(ana) == 0


@pytest.mark.parametrize("email", ["", "not an address", "a@" + "b" * 260 + ".com"])
def test_a_bad_address_is_explained(ana, client, email):
    response = ask_for_link(client, email)
    assert response.status_code == 422
    assert "Please check your email address" in text_of(response.text)
    assert outbox_count(ana) == 0


def test_too_many_requests_for_one_address_are_refused(ana, client, tmp_path):
    for _ in range(3):
        assert ask_for_link(client, ANA).status_code == 303
    refused = ask_for_link(client, ANA.upper())  # the same mailbox, spelled otherwise
    assert refused.status_code == 429
    assert "Too many sign-in requests" in text_of(refused.text)
    assert "try again in 15 minutes" in text_of(refused.text)
    assert len(deliver(ana, tmp_path)) == 3
    # Another address from the same network is still served.
    assert ask_for_link(client, "someone.else@example.com").status_code == 303


def test_too_many_requests_from_one_network_are_refused(ana, client):
    for n in range(10):
        assert ask_for_link(client, f"person{n}@example.com").status_code == 303
    refused = ask_for_link(client, "person99@example.com")
    assert refused.status_code == 429
    assert "Too many sign-in requests" in text_of(refused.text)
    # Another network is not held back.
    other = ana.test_client()
    token = csrf_token(other, "/my/sign-in")
    response = other.post(
        "/my/sign-in",
        data={"email": ANA, "csrf_token": token},
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
    )
    assert response.status_code == 303


def test_sign_in_pages_are_private_and_not_indexed(ana, client, tmp_path):
    ask_for_link(client, ANA)
    [path] = link_paths(ana, tmp_path)
    for url in ("/my/sign-in", "/my/sign-in/sent", path):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "private" in response.headers["Cache-Control"], url
        assert "noindex" in response.headers["X-Robots-Tag"], url


def test_the_link_page_carries_no_other_form(ana, client, tmp_path):
    """The footer's newsletter form records the page it was sent from: never a secret URL."""
    ask_for_link(client, ANA)
    [path] = link_paths(ana, tmp_path)
    page = client.get(path).text
    assert page.count("<form") == 1 and 'name="source"' not in page
