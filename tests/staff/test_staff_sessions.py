"""Staff sessions end when they should, and the login form gives nothing away."""

from __future__ import annotations

from clinicsite.extensions import db
from clinicsite.models import StaffUser
from clinicsite.models import staff as staff_model
from tests.support.app import csrf_token
from tests.support.factories import make_staff

EMAIL, PASSWORD = "desk@example.com", "correct horse battery"


def create_user(app, **fields) -> None:
    with app.app_context():
        make_staff(email=EMAIL, password=PASSWORD, **fields)
        db.session.commit()


def login(client, email=EMAIL, password=PASSWORD):
    token = csrf_token(client, "/staff/login")
    return client.post(
        "/staff/login", data={"email": email, "password": password, "csrf_token": token}
    )


def test_a_session_cookie_copied_before_logout_no_longer_opens_the_staff_area(app, client):
    create_user(app)
    assert login(client).status_code == 302
    copied = client.get_cookie("session").value
    token = csrf_token(client, "/staff/")
    assert client.post("/staff/logout", data={"csrf_token": token}).status_code == 302

    thief = app.test_client()
    thief.set_cookie("session", copied)
    response = thief.get("/staff/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login")
    # Logging in again works as before.
    assert login(client).status_code == 302
    assert client.get("/staff/").status_code == 200


def test_deactivating_an_account_ends_its_open_sessions(app, client):
    # Already true (Flask-Login's UserMixin counts an inactive user as logged out); kept
    # so that stays true. There is no staff-account admin page yet to test through.
    create_user(app)
    login(client)
    assert client.get("/staff/").status_code == 200
    with app.app_context():
        user = db.session.scalar(db.select(StaffUser).filter_by(email=EMAIL))
        user.active = False
        db.session.commit()
    assert client.get("/staff/").status_code == 302


def record_hash_checks(monkeypatch) -> list[str]:
    checked: list[str] = []
    real = staff_model.check_password_hash

    def spy(pwhash: str, password: str) -> bool:
        checked.append(pwhash.split("$", 1)[0])  # the method and its cost
        return real(pwhash, password)

    monkeypatch.setattr(staff_model, "check_password_hash", spy)
    return checked


def test_an_unknown_email_costs_the_same_password_hashing_as_a_real_one(app, client, monkeypatch):
    """The response time must not tell which staff emails exist: every attempt verifies
    one hash of the same method and cost, whether or not the account exists or is active."""
    create_user(app)
    with app.app_context():
        make_staff(email="gone@example.com", password=PASSWORD, active=False)
        db.session.commit()
        real_method = db.session.scalar(
            db.select(StaffUser.password_hash).filter_by(email=EMAIL)
        ).split("$", 1)[0]
    checked = record_hash_checks(monkeypatch)
    for email in [EMAIL, "nobody@example.com", "gone@example.com"]:
        checked.clear()
        assert login(client, email=email, password="a wrong password").status_code == 422
        assert checked == [real_method], email
