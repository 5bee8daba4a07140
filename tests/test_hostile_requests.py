"""Requests no browser sends: nameless multipart parts, files for text fields, control
characters in `next`. Each gets a 400 or is ignored, never a 500."""

from __future__ import annotations

import io

import pytest

from clinicsite.extensions import db
from clinicsite.models import Inquiry
from tests.support.app import csrf_token
from tests.support.factories import make_staff

NAMELESS_PART = (
    b"--XX\r\nContent-Disposition: form-data\r\n\r\nhello\r\n"
    b'--XX\r\nContent-Disposition: form-data; name="email"\r\n\r\na@example.com\r\n'
    b"--XX--\r\n"
)


@pytest.mark.parametrize("url", ["/contact", "/newsletter", "/no-such-page", "/stripe/webhook"])
def test_a_multipart_part_without_a_name_gets_400_not_a_server_error(clinic, client, url):
    response = client.post(url, data=NAMELESS_PART, content_type="multipart/form-data; boundary=XX")
    assert response.status_code == 400


def test_a_text_field_sent_as_a_file_gets_400_not_a_server_error(clinic, client):
    data = {
        "name": (io.BytesIO(b"Maya"), "name.txt"),
        "email": "maya@example.org",
        "message": "My neck has been stiff since a long drive.",
    }
    response = client.post("/contact", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "expects text" in response.get_data(as_text=True)
    with clinic.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Inquiry)) == 0


def test_the_newsletter_form_refuses_a_file_for_the_email(clinic, client):
    data = {"email": (io.BytesIO(b"x"), "e.txt")}
    assert client.post("/newsletter", data=data).status_code == 400


def test_upload_forms_still_take_files_in_their_file_fields_but_not_in_text_ones(
    app, client, login_as
):
    login_as("editor")
    token = csrf_token(client, "/staff/newsletter/guide")
    pdf = (io.BytesIO(b"%PDF-1.4 a small guide"), "guide.pdf")
    as_text = {"csrf_token": token, "title": (io.BytesIO(b"Guide"), "t.txt"), "file": pdf}
    assert client.post("/staff/newsletter/guide", data=as_text).status_code == 400
    pdf = (io.BytesIO(b"%PDF-1.4 a small guide"), "guide.pdf")
    valid = {"csrf_token": token, "title": "Stretches for desk workers", "file": pdf}
    response = client.post("/staff/newsletter/guide", data=valid)
    assert response.status_code == 303, response.get_data(as_text=True)


@pytest.mark.parametrize("next_url", ["/%0aX", "/staff/%0d%0aSet-Cookie:x=1", "/%09x", "/%7f"])
def test_a_control_character_in_next_is_ignored_not_a_server_error(app, client, next_url):
    with app.app_context():
        make_staff(email="desk@example.com", password="correct horse battery")
        db.session.commit()
    data = {
        "email": "desk@example.com",
        "password": "correct horse battery",
        "csrf_token": csrf_token(client, "/staff/login"),
    }
    response = client.post(f"/staff/login?next={next_url}", data=data)
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"
    # Logged in, the login page sends the user on; the same `next` must not break it.
    response = client.get(f"/staff/login?next={next_url}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"
