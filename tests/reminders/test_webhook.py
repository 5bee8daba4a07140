"""/sms/webhook: Twilio's inbound texts, signed (checked with the SDK's validator against
the auth token and SITE_URL); STOP records an opt-out, START removes it."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from twilio.request_validator import RequestValidator

from clinicsite.extensions import db
from clinicsite.models import SmsOptOut
from tests.reminders.conftest import book, run_at
from tests.support.twilio_stub import ACCOUNT_SID, AUTH_TOKEN

URL = "http://localhost/sms/webhook"  # SITE_URL of the testing configuration + the path


def inbound(body: str, number: str = "+13105550199") -> dict[str, str]:
    return {
        "MessageSid": "SM" + "1" * 32,
        "AccountSid": ACCOUNT_SID,
        "From": number,
        "To": "+13105550100",
        "Body": body,
    }


def post_signed(client, params: dict[str, str], token: str = AUTH_TOKEN, url: str = URL):
    signature = RequestValidator(token).compute_signature(url, params)
    return client.post("/sms/webhook", data=params, headers={"X-Twilio-Signature": signature})


def opted_out(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(SmsOptOut.phone)))


def test_stop_with_a_valid_signature_opts_the_number_out(sms_app):
    client = sms_app.test_client()
    response = post_signed(client, inbound("Stop"))
    assert response.status_code == 200
    assert response.mimetype == "text/xml" and "<Response>" in response.text
    assert opted_out(sms_app) == ["+13105550199"]
    assert post_signed(client, inbound("UNSUBSCRIBE")).status_code == 200
    assert opted_out(sms_app) == ["+13105550199"]  # once
    post_signed(client, inbound("start"))
    assert opted_out(sms_app) == []


def test_a_bad_or_missing_signature_is_refused(sms_app):
    client = sms_app.test_client()
    assert post_signed(client, inbound("STOP"), token="not-the-token").status_code == 403
    # Signed for another address (a forged Host cannot make the URL ours).
    other = post_signed(client, inbound("STOP"), url="http://evil.example/sms/webhook")
    assert other.status_code == 403
    assert client.post("/sms/webhook", data=inbound("STOP")).status_code == 403
    tampered = inbound("hello")
    signature = RequestValidator(AUTH_TOKEN).compute_signature(URL, tampered)
    tampered["Body"] = "STOP"
    response = client.post("/sms/webhook", data=tampered, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 403
    assert opted_out(sms_app) == []


def test_other_messages_and_garbage_change_nothing(sms_app):
    client = sms_app.test_client()
    assert post_signed(client, inbound("See you Tuesday!")).status_code == 200
    assert post_signed(client, inbound("")).status_code == 200
    assert post_signed(client, inbound("STOP", number="not a number")).status_code == 200
    assert post_signed(client, {"Body": "STOP"}).status_code == 200
    assert opted_out(sms_app) == []


def test_without_twilio_configured_the_webhook_is_not_there(client):
    assert client.post("/sms/webhook", data=inbound("STOP")).status_code == 404


def test_after_stop_no_reminder_is_texted(sms_app, twilio, monkeypatch):
    book(sms_app, datetime(2026, 12, 9, 22, 0, tzinfo=UTC), "ines@example.com")
    post_signed(sms_app.test_client(), inbound("STOP"))
    run_at(sms_app, monkeypatch, datetime(2026, 12, 9, 20, 0, tzinfo=UTC))
    assert twilio.requests == []
    post_signed(sms_app.test_client(), inbound("START"))
    run_at(sms_app, monkeypatch, datetime(2026, 12, 9, 20, 30, tzinfo=UTC))
    assert [m["To"] for m in twilio.messages] == ["+13105550199"]
