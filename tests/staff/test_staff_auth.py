"""Staff login: passwords, the `next` parameter, roles, logout."""

from __future__ import annotations

import pytest

from clinicsite.extensions import db
from clinicsite.models import StaffUser
from tests.support.app import csrf_token, session_token
from tests.support.factories import make_staff


def create_user(app, **fields) -> None:
    with app.app_context():
        make_staff(email="desk@example.com", password="correct horse battery", **fields)
        db.session.commit()


def login(client, password="correct horse battery", next_url=None, email="desk@example.com"):
    url = "/staff/login" + (f"?next={next_url}" if next_url else "")
    token = csrf_token(client, "/staff/login")
    return client.post(url, data={"email": email, "password": password, "csrf_token": token})


def test_anonymous_users_are_sent_to_login(client):
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login?next=")


def test_login_with_the_right_password(app, client):
    create_user(app)
    response = login(client)
    assert response.status_code == 302 and response.headers["Location"] == "/staff/"
    assert "Log out" in client.get("/staff/").get_data(as_text=True)


@pytest.mark.parametrize(
    "email, password", [("desk@example.com", "wrong password"), ("nobody@example.com", "x" * 12)]
)
def test_wrong_credentials_get_the_same_message(app, client, email, password):
    create_user(app)
    response = login(client, password=password, email=email)
    assert response.status_code == 422
    assert "do not match an active account" in response.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302


def test_deactivated_accounts_cannot_log_in(app, client):
    create_user(app, active=False)
    assert login(client).status_code == 422


@pytest.mark.parametrize(
    "next_url, expected",
    [
        ("/staff/?tab=1", "/staff/?tab=1"),
        ("https://evil.example/", "/staff/"),
        ("//evil.example/", "/staff/"),
        ("/\\evil.example", "/staff/"),
        ("javascript:alert(1)", "/staff/"),
    ],
)
def test_next_is_followed_only_to_paths_on_this_site(app, client, next_url, expected):
    create_user(app)
    from urllib.parse import quote

    response = login(client, next_url=quote(next_url, safe=""))
    assert response.headers["Location"] == expected


def test_logout_needs_a_post_with_csrf_and_ends_the_session(app, client):
    create_user(app)
    login(client)
    assert client.get("/staff/logout").status_code == 405
    assert client.post("/staff/logout").status_code == 400  # no CSRF token
    page = client.get("/staff/").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    assert client.post("/staff/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/staff/").status_code == 302


def test_password_change_ends_other_sessions(app, client):
    create_user(app)
    login(client)
    with app.app_context():
        user = db.session.scalar(db.select(StaffUser).filter_by(email="desk@example.com"))
        user.set_password("a brand new password")
        db.session.commit()
    assert client.get("/staff/").status_code == 302


def test_login_is_rate_limited(app, client):
    create_user(app)
    codes = [login(client, password=f"guess {i}").status_code for i in range(11)]
    assert codes[:10] == [422] * 10
    assert codes[10] == 429


def test_editor_sees_inquiries_therapist_does_not(app, client, login_as):
    from clinicsite.models import Inquiry

    with app.app_context():
        db.session.add(Inquiry(name="Ana", email="ana@example.com", message="Question about hours"))
        db.session.commit()
    login_as("editor")
    assert "Question about hours" in client.get("/staff/").get_data(as_text=True)
    client.post("/staff/logout", data={"csrf_token": session_token(client)})
    login_as("therapist")
    assert "Question about hours" not in client.get("/staff/").get_data(as_text=True)
