"""Staff accounts: an admin invites, the invited person chooses a password from the email,
anyone resets a forgotten one by email; roles change and accounts are disabled without
ever locking the clinic out."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import AccountLink, StaffUser, Therapist
from tests.support.booking_helpers import (
    FrozenClock,
    csrf_from,
    outbox,
    page_html,
    post_form,
    text_of,
)

NOW = datetime(2026, 12, 9, 17, 0, tzinfo=UTC)
PASSWORD = "salt grass tide pool"


@pytest.fixture
def clock(monkeypatch):
    return FrozenClock(NOW).install(monkeypatch)


def link_in(email: dict) -> str:
    """The set-password link of an email, as a path."""
    url = re.search(r"https?://\S+/staff/set-password/\S+", email["text"]).group(0)
    return urlsplit(url).path


def user(app, email: str) -> StaffUser:
    with app.app_context():
        found = db.session.scalar(sa.select(StaffUser).where(StaffUser.email == email))
        db.session.expunge_all()
        return found


def free_profile(app) -> int:
    """A therapist profile no account holds yet (each of the test clinic's has one): a
    new therapist's, made once per test."""
    with app.app_context():
        found = db.session.scalar(sa.select(Therapist.id).where(Therapist.slug == "nell-tide"))
        if found is None:
            new = Therapist(slug="nell-tide", name="Nell Tide")
            db.session.add(new)
            db.session.commit()
            found = new.id
        return found


def invite(client, app, **fields):
    data = {"name": "Nell Tide", "email": "Nell@Example.com ", "role": "therapist"}
    data["therapist_id"] = str(free_profile(app))
    data.update(fields)
    return post_form(client, "/staff/accounts/", **data)


def log_in(client, email, password):
    return post_form(client, "/staff/login", email=email, password=password)


def test_an_invited_therapist_chooses_a_password_and_logs_in(clinic, client, login_as, clock):
    login_as("admin", name="Owner Olu")
    response = invite(client, clinic)
    assert response.status_code == 303
    nell = user(clinic, "nell@example.com")
    assert (nell.role, nell.therapist_id, nell.has_password) == (
        "therapist",
        free_profile(clinic),
        False,
    )
    page = text_of(page_html(client, "/staff/accounts/"))
    assert "Nell Tide" in page and "Invited, no password yet" in page

    [email] = [e for e in outbox(clinic) if e["to"] == "nell@example.com"]
    assert email["subject"].startswith("Owner Olu invited you to the staff area")
    assert "works once, for 7 days" in email["text"]
    client.post("/staff/logout", data={"csrf_token": csrf_from(page_html(client, "/staff/"))})

    # Nobody can log in to an invited account before its owner chooses a password.
    assert log_in(client, "nell@example.com", "").status_code == 422
    link = link_in(email)
    page = page_html(client, link)
    assert "Welcome, Nell Tide" in text_of(page)
    assert post_form(client, link, password=PASSWORD, confirm=PASSWORD).status_code == 303
    assert log_in(client, "nell@example.com", PASSWORD).status_code == 302
    assert "Nell Tide" in text_of(page_html(client, "/staff/"))
    # The link is spent.
    assert "has been used already" in text_of(page_html(client, link, status=410))


def test_a_mail_scanner_fetching_the_link_spends_nothing(clinic, client, login_as, clock):
    login_as("admin")
    invite(client, clinic)
    link = link_in(outbox(clinic)[-1])
    for _ in range(3):
        page_html(client, link)
    with clinic.app_context():
        assert db.session.scalar(sa.select(AccountLink.used_at)) is None


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"email": "not an address"}, "does not look right"),
        ({"email": ""}, "Please give the email address"),
        ({"name": ""}, "Please give the person's name."),
        ({"role": "root"}, "Not a valid choice"),
        ({"therapist_id": "0"}, "Please choose the therapist profile"),
        ({"therapist_id": "999999999999999999999"}, "Not a valid choice"),
        ({"name": "x" * 500}, "Field cannot be longer than 120 characters."),
    ],
)
def test_a_bad_invitation_is_a_form_error_and_sends_nothing(
    clinic, client, login_as, clock, fields, says
):
    login_as("admin")
    response = invite(client, clinic, **fields)
    assert response.status_code == 422
    assert says in text_of(response.get_data(as_text=True))
    if "name" not in fields:  # what was typed well is kept
        assert 'value="Nell Tide"' in response.get_data(as_text=True)
    assert outbox(clinic) == []


def test_one_account_per_address_and_per_therapist_profile(clinic, client, login_as, clock):
    login_as("admin", email="owner@clinic.test")
    invite(client, clinic)
    again = invite(client, clinic, email="NELL@example.com")
    assert again.status_code == 422
    assert "already has an account" in text_of(again.get_data(as_text=True))
    taken = invite(client, clinic, email="other@example.com")
    assert taken.status_code == 422
    assert "already belongs to Nell Tide's account" in text_of(taken.get_data(as_text=True))


def test_a_forgotten_password_is_reset_by_email_and_logs_out_everywhere(
    clinic, client, app, login_as, clock
):
    email = login_as("editor")
    other = app.test_client()
    assert log_in(other, email, "correct horse battery").status_code == 302
    assert other.get("/staff/").status_code == 200

    anon = app.test_client()
    sent = post_form(anon, "/staff/password-reset", email=email.upper())
    unknown = post_form(anon, "/staff/password-reset", email="nobody@example.com")
    # The same answer whether or not the address has an account.
    assert text_of(sent.get_data(as_text=True)).replace(email.upper().lower(), "X") == text_of(
        unknown.get_data(as_text=True)
    ).replace("nobody@example.com", "X")
    [reset] = outbox(clinic)
    assert reset["to"] == email and "works once, for 1 hour" in reset["text"]

    link = link_in(reset)
    assert post_form(anon, link, password=PASSWORD, confirm=PASSWORD).status_code == 303
    # Both earlier sessions are logged out; the new password works, the old one not.
    assert client.get("/staff/").status_code == 302
    assert other.get("/staff/").status_code == 302
    assert log_in(anon, email, "correct horse battery").status_code == 422
    assert log_in(anon, email, PASSWORD).status_code == 302


def test_a_reset_link_runs_out_after_an_hour_and_a_newer_one_voids_it(
    clinic, client, login_as, clock
):
    email = login_as("editor")
    post_form(client, "/staff/password-reset", email=email)
    first = link_in(outbox(clinic)[-1])
    post_form(client, "/staff/password-reset", email=email)
    second = link_in(outbox(clinic)[-1])
    assert "has been used already" in text_of(page_html(client, first, status=410))
    clock.advance(minutes=61)
    assert "has run out" in text_of(page_html(client, second, status=410))
    assert "does not open any account" in text_of(
        page_html(client, "/staff/set-password/" + "x" * 43, status=404)
    )
    assert client.get("/staff/set-password/" + "x" * 5000).status_code == 404


@pytest.mark.parametrize(
    ("password", "confirm", "says"),
    [
        ("short", "short", "Please use 10 to 200 characters."),
        (PASSWORD, "something else entirely", "The two passwords differ"),
        ("", "", "Please choose a password."),
        ("x" * 201, "x" * 201, "Please use 10 to 200 characters."),
    ],
)
def test_a_bad_password_is_explained_and_the_link_kept(
    clinic, client, login_as, clock, password, confirm, says
):
    email = login_as("editor")
    post_form(client, "/staff/password-reset", email=email)
    link = link_in(outbox(clinic)[-1])
    response = post_form(client, link, password=password, confirm=confirm)
    assert response.status_code == 422
    assert says in text_of(response.get_data(as_text=True))
    assert post_form(client, link, password=PASSWORD, confirm=PASSWORD).status_code == 303


def test_a_disabled_account_is_logged_out_and_gets_no_reset(clinic, app, client, login_as, clock):
    login_as("admin")
    invite(client, clinic)
    nell = user(clinic, "nell@example.com")
    invitation = link_in(outbox(clinic)[-1])
    response = post_form(
        client,
        f"/staff/accounts/{nell.id}",
        role="therapist",
        therapist_id=str(free_profile(clinic)),
    )  # "active" unticked
    assert response.status_code == 303
    assert user(clinic, "nell@example.com").active is False
    # Its invitation no longer opens it, and a reset sends nothing.
    assert "does not open any account" in text_of(page_html(client, invitation, status=404))
    before = len(outbox(clinic))
    post_form(app.test_client(), "/staff/password-reset", email="nell@example.com")
    assert len(outbox(clinic)) == before


def test_the_clinic_always_keeps_an_admin(clinic, app, client, login_as, clock):
    me = login_as("admin")
    mine = user(clinic, me)
    response = post_form(client, f"/staff/accounts/{mine.id}", role="editor", active="y")
    assert response.status_code == 422
    assert "can't take away your own admin role" in text_of(response.get_data(as_text=True))
    response = post_form(client, f"/staff/accounts/{mine.id}", role="admin")
    assert response.status_code == 422
    assert user(clinic, me).role == "admin" and user(clinic, me).active

    # Another admin may be demoted while one remains.
    with clinic.app_context():
        from tests.support.factories import make_staff

        second = make_staff(role="admin", email="second@example.com")
        db.session.commit()
        second_id = second.id
    response = post_form(client, f"/staff/accounts/{second_id}", role="editor", active="y")
    assert response.status_code == 303
    assert user(clinic, "second@example.com").role == "editor"


def test_resending_an_invitation_voids_the_first(clinic, client, login_as, clock):
    login_as("admin")
    invite(client, clinic)
    nell = user(clinic, "nell@example.com")
    first = link_in(outbox(clinic)[-1])
    clock.advance(days=8)
    assert "has run out" in text_of(page_html(client, first, status=410))
    page = page_html(client, f"/staff/accounts/{nell.id}")
    assert "Send the invitation again" in page
    client.post(f"/staff/accounts/{nell.id}/invite", data={"csrf_token": csrf_from(page)})
    second = link_in(outbox(clinic)[-1])
    assert second != first
    assert "Welcome, Nell Tide" in text_of(page_html(client, second))


def test_forms_need_their_csrf_token(clinic, app, client, login_as, clock):
    login_as("admin")
    assert (
        client.post("/staff/accounts/", data={"name": "X", "email": "x@example.com"}).status_code
        == 400
    )
    assert (
        app.test_client().post("/staff/password-reset", data={"email": "a@b.co"}).status_code == 400
    )
    assert outbox(clinic) == []


def test_therapists_and_editors_cannot_open_accounts(clinic, client, login_as, clock):
    login_as("editor")
    assert client.get("/staff/accounts/").status_code == 403
    assert "Accounts" not in text_of(page_html(client, "/staff/"))
