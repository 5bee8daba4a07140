"""The contact form: stored when valid, re-shown with messages when not, never a 500."""

from __future__ import annotations

import pytest

from clinicsite.extensions import db
from clinicsite.models import Inquiry
from tests.support.mail_helpers import deliver

VALID = {
    "name": "Maya Ortiz",
    "email": "maya@example.org",
    "phone": "(310) 555-0199",
    "service": "neuromuscular-therapy",
    "message": "My neck has been stiff since a long drive. Is a 90-minute session a good start?",
    "website": "",
}


def inquiries(app) -> list[Inquiry]:
    with app.app_context():
        return list(db.session.scalars(db.select(Inquiry)))


def post(client, **changes):
    data = {**VALID, **changes}
    return client.post("/contact", data=data)


def test_valid_message_is_stored_and_thanked(clinic, client):
    response = post(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/contact"
    stored = inquiries(clinic)
    assert len(stored) == 1
    assert stored[0].email == "maya@example.org"
    assert stored[0].phone == "(310) 555-0199"
    with clinic.app_context():
        assert db.session.get(Inquiry, stored[0].id).service.slug == "neuromuscular-therapy"
    assert "your message has reached us" in client.get("/contact").get_data(as_text=True)
    # The front desk is told through the outbox (every active admin of the clinic).
    from clinicsite.models import OutboxEmail

    with clinic.app_context():
        [email] = db.session.scalars(db.select(OutboxEmail)).all()
    assert email.to_address == "owner@example.com"
    assert email.subject == "New inquiry from Maya Ortiz"
    assert "My neck has been stiff" in email.body_text


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"name": "   "}, "Please tell us your name."),
        ({"email": "maya-at-example"}, "That email address does not look right"),
        ({"email": ""}, "Please give an email address"),
        ({"message": "hi"}, "between 10 and 5000 characters"),
        ({"message": "x" * 5001}, "between 10 and 5000 characters"),
        ({"phone": "call me maybe"}, "at least 7 digits"),
        ({"name": "n" * 101}, "Field cannot be longer than 100 characters."),
        ({"service": "not-a-service"}, "Not a valid choice"),
    ],
)
def test_invalid_input_is_reshown_with_a_message_and_nothing_typed_is_lost(
    clinic, client, changes, message
):
    response = post(client, **changes)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert 'aria-invalid="true"' in html
    # The valid answers are still in the form.
    for field in ("name", "email", "message"):
        if field not in changes:
            assert VALID[field] in html
    assert inquiries(clinic) == []


def test_filled_honeypot_stores_nothing_but_looks_like_success(clinic, client):
    response = post(client, website="http://spam.example")
    assert response.status_code == 302
    assert inquiries(clinic) == []


def test_contact_form_is_rate_limited(clinic, client):
    codes = [
        post(client, message=f"Message number {i} about my shoulder.").status_code for i in range(7)
    ]
    assert codes[:5] == [302] * 5
    assert codes[5:] == [429, 429]
    assert len(inquiries(clinic)) == 5
    assert "Too many requests" in post(client).get_data(as_text=True)


def test_service_can_be_preselected_from_the_link(clinic, client):
    html = client.get("/contact?service=prenatal-massage").get_data(as_text=True)
    assert '<option selected value="prenatal-massage">' in html


def test_garbage_posts_never_cause_a_500(clinic, client):
    for data in (
        {},
        {"name": ["a", "b"], "email": "\x00@\x00", "message": "\x00" * 3},
        {**{k: "☃" * 20 for k in VALID}},
    ):
        assert client.post("/contact", data=data).status_code in (400, 422)
    form = "application/x-www-form-urlencoded"
    assert client.post("/contact", data="%%%", content_type=form).status_code == 422
    invalid_utf8 = "name=%FF%FE&email=a%C0%80@example.com&message=%ED%A0%80"
    assert client.post("/contact", data=invalid_utf8, content_type=form).status_code == 422
    assert inquiries(clinic) == []


def test_replying_to_the_inquiry_notice_answers_the_client(clinic, client, tmp_path):
    post(client, name="Zoë O'Brien, Jr.")
    [notice] = deliver(clinic, tmp_path)
    assert notice["To"] == "owner@example.com"
    [address] = notice["Reply-To"].addresses
    assert address.addr_spec == "maya@example.org"
    assert address.display_name == "Zoë O'Brien, Jr."


def test_a_name_with_a_newline_cannot_add_headers_to_the_notice(clinic, client, tmp_path):
    response = post(client, name="Maya\r\nBcc: victim@example.com\r\nX-Evil: 1")
    assert response.status_code == 302
    [notice] = deliver(clinic, tmp_path)
    assert notice["Bcc"] is None and notice["X-Evil"] is None
    assert [a.addr_spec for a in notice["Reply-To"].addresses] == ["maya@example.org"]
