"""SMS settings: production refuses the fake gateway and a Twilio without its keys; the
fake writes each text as a .txt file beside the outbox's .eml files."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clinicsite import create_app
from clinicsite.config import DevelopmentConfig, ProductionConfig
from clinicsite.extensions import db
from tests.reminders.conftest import book, run_at
from tests.support.app import make_app, wipe
from tests.support.booking_helpers import load_fixture_clinic

PRODUCTION = {
    "SECRET_KEY": "3f9c1d7e6b2a4c8d9e0f1a2b3c4d5e6f7a8b9c0d",
    "DATABASE_URL": "postgresql://app@db.internal/clinic",
    "STRIPE_SECRET_KEY": "sk_live_x",
    "STRIPE_WEBHOOK_SECRET": "whsec_x",
    "SITE_URL": "https://clinic.example.com",
    "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
}
TWILIO = {"TWILIO_ACCOUNT_SID": "AC" + "1" * 32, "TWILIO_AUTH_TOKEN": "t", "TWILIO_FROM": "+1310"}


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({"SMS_BACKEND": "fake"}, "the fake one is for demos"),
        ({"SMS_BACKEND": "twilio"}, "TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM"),
        ({"SMS_BACKEND": "twilio", **TWILIO, "TWILIO_FROM": ""}, "TWILIO_FROM must be set"),
        ({"SMS_BACKEND": "carrier-pigeon"}, "SMS_BACKEND must be off, fake or twilio"),
    ],
)
def test_production_refuses_texts_it_cannot_send(env, problem):
    with pytest.raises(RuntimeError, match=problem):
        create_app(ProductionConfig({**PRODUCTION, **env}))


def test_production_starts_with_texts_off_or_twilio_configured():
    assert create_app(ProductionConfig(PRODUCTION)).config["SMS_BACKEND"] == "off"
    app = create_app(ProductionConfig({**PRODUCTION, "SMS_BACKEND": "twilio", **TWILIO}))
    assert app.config["SMS_BACKEND"] == "twilio"
    assert DevelopmentConfig({}).SMS_BACKEND == "fake"


def test_the_fake_gateway_writes_texts_beside_the_eml_files(migrated, tmp_path, monkeypatch):
    outbox = tmp_path / "outbox"
    app = make_app(migrated, SMS_BACKEND="fake", MAIL_FILE_DIR=str(outbox), TWILIO_FROM="")
    try:
        load_fixture_clinic(app)
        with app.app_context():
            from clinicsite.models import ReminderRule

            db.session.add(ReminderRule(hours_before=2, channel="sms"))
            db.session.commit()
        book(app, datetime(2026, 12, 9, 22, 0, tzinfo=UTC), "ines@example.com")
        run_at(app, monkeypatch, datetime(2026, 12, 9, 20, 0, tzinfo=UTC))
        app.test_cli_runner().invoke(args=["outbox", "send"])
        [text] = list(outbox.glob("sms-*.txt"))
        assert list(outbox.glob("*.eml"))  # the email reminder, beside it
        content = text.read_text(encoding="utf-8")
        assert content.startswith("From: +15005550006\nTo: +13105550199\n\n")
        assert "today at 2:00 PM PST" in content and "Reply STOP" in content
    finally:
        wipe(app)
