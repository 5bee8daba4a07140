"""A client who ticks "Text me" when joining the waitlist gets its offers (and the news that
a time has gone) by text as well as by email, through the real Twilio SDK to a local stub;
one who texted STOP, or did not tick, gets email only."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from clinicsite.extensions import db, limiter
from clinicsite.models import OutboxText, SmsOptOut, WaitlistEntry
from tests.support.app import make_app, wipe
from tests.support.booking_helpers import (
    FrozenClock,
    csrf_from,
    load_fixture_clinic,
    page_html,
    text_of,
)
from tests.support.staff_helpers import make_appointment
from tests.support.twilio_stub import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, TwilioStub
from tests.support.waitlist_helpers import NMT, NOW, WEDNESDAY, join, local, path_of
from tests.waitlist.test_waitlist_flow import CLAIM, cancel_booking

TEN = local(WEDNESDAY, 10)
ANA, BEN = "+13105550142", "+13105550175"
LINK = re.compile(r"https?://\S+/book/waitlist/claim/[A-Za-z0-9_-]+")


@pytest.fixture
def twilio() -> Iterator[TwilioStub]:
    with TwilioStub() as stub:
        yield stub


@pytest.fixture
def sms_app(migrated: str, twilio: TwilioStub, tmp_path, monkeypatch) -> Iterator[Flask]:
    FrozenClock(NOW).install(monkeypatch)
    app = make_app(
        migrated,
        SMS_BACKEND="twilio",
        TWILIO_ACCOUNT_SID=ACCOUNT_SID,
        TWILIO_AUTH_TOKEN=AUTH_TOKEN,
        TWILIO_FROM=FROM_NUMBER,
        TWILIO_API_BASE=twilio.url,
        MAIL_BACKEND="files",
        MAIL_FILE_DIR=str(tmp_path / "outbox"),
    )
    limiter.reset()
    load_fixture_clinic(app)
    yield app
    wipe(app)


def send_outbox(app: Flask) -> str:
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    return result.output


def texts_to(twilio: TwilioStub, number: str) -> list[str]:
    return [m["Body"] for m in twilio.messages if m["To"] == number]


def freed_for_ana_and_ben(app: Flask, ben_consents: bool = True) -> None:
    booked = make_appointment(app, TEN, "dana-okafor", deposit=True, paid=True)
    join(app, "ana@example.com", "Ana Waiting", phone="(310) 555-0142", sms_consent=True)
    join(
        app,
        "ben@example.com",
        "Ben Waiting",
        phone="310 555 0175",
        sms_consent=ben_consents,
        now=NOW + timedelta(minutes=1),
    )
    cancel_booking(app, booked)


def test_an_offer_is_texted_to_who_agreed_with_a_link_that_claims(sms_app, twilio):
    freed_for_ana_and_ben(sms_app, ben_consents=False)
    assert twilio.messages == []  # queued with the cancellation, sent by the outbox run
    assert "sent 1 texts, 0 failed" in send_outbox(sms_app)
    [text] = texts_to(twilio, ANA)
    assert "Wednesday, December 9 at 10:00 AM PST" in text and "Dana" in text
    assert "Reply STOP" in text
    assert texts_to(twilio, BEN) == []  # Ben did not tick "Text me": email only
    [link] = LINK.findall(text)
    page = text_of(page_html(sms_app.test_client(), path_of(link)))
    assert "Claim this time" in page
    send_outbox(sms_app)
    assert len(twilio.messages) == 1  # each text goes once


def test_the_others_are_texted_that_the_time_has_gone(sms_app, twilio):
    freed_for_ana_and_ben(sms_app)
    send_outbox(sms_app)
    [offer] = texts_to(twilio, ANA)
    path = path_of(LINK.findall(offer)[0])
    client = sms_app.test_client()
    html = page_html(client, path)
    assert client.post(path, data={"csrf_token": csrf_from(html), **CLAIM}).status_code in (
        302,
        303,
    )
    send_outbox(sms_app)
    [_, gone] = texts_to(twilio, BEN)
    assert "claimed by someone else" in gone and "Wednesday, December 9" in gone
    assert len(texts_to(twilio, ANA)) == 1  # the winner is not told it has gone


def test_a_number_that_texted_stop_gets_no_offer_by_text(sms_app, twilio):
    with sms_app.app_context():
        db.session.add(SmsOptOut(phone=ANA, keyword="STOP"))
        db.session.commit()
    freed_for_ana_and_ben(sms_app)
    send_outbox(sms_app)
    assert texts_to(twilio, ANA) == [] and len(texts_to(twilio, BEN)) == 1


def test_a_stop_after_the_offer_was_queued_stops_its_text(sms_app, twilio):
    freed_for_ana_and_ben(sms_app, ben_consents=False)
    with sms_app.app_context():
        db.session.add(SmsOptOut(phone=ANA, keyword="STOP"))
        db.session.commit()
    send_outbox(sms_app)
    assert twilio.messages == []
    with sms_app.app_context():
        assert db.session.scalars(sa.select(OutboxText.status)).all() == ["skipped"]


def test_a_refused_text_is_recorded_and_not_retried(sms_app, twilio):
    freed_for_ana_and_ben(sms_app, ben_consents=False)
    twilio.fail_next(400, 21211, "The 'To' number is not a valid phone number.")
    assert "sent 0 texts, 1 failed" in send_outbox(sms_app)
    send_outbox(sms_app)
    with sms_app.app_context():
        [text] = db.session.scalars(sa.select(OutboxText)).all()
        assert text.status == "failed" and "not a valid phone number" in text.error


# -- the join form's "Text me" tick -----------------------------------------------------------

PICKED = {"service": NMT, "location": "hermosa-beach-studio", "therapist": "dana-okafor"}


def join_page(app: Flask, client) -> tuple[str, dict]:
    from tests.waitlist.test_waitlist_pages import form_data, join_url, option_60

    html = page_html(client, join_url(app))
    return html, form_data(html, option=option_60(app))


def joined(app: Flask) -> list[tuple]:
    with app.app_context():
        return db.session.execute(
            sa.select(WaitlistEntry.phone, WaitlistEntry.sms_consent, WaitlistEntry.sms_consent_at)
        ).all()


def test_ticking_text_me_is_stored_with_its_time(clinic, client, monkeypatch):
    FrozenClock(NOW).install(monkeypatch)
    html, data = join_page(clinic, client)
    assert 'name="sms_consent"' in html
    data.update(phone="310-555-0142", sms_consent="y")
    assert client.post("/book/waitlist", data=data).status_code == 200
    assert joined(clinic) == [("310-555-0142", True, NOW)]


def test_not_ticking_it_stores_no_consent(clinic, client, monkeypatch):
    FrozenClock(NOW).install(monkeypatch)
    _, data = join_page(clinic, client)
    data.update(phone="310-555-0142")
    assert client.post("/book/waitlist", data=data).status_code == 200
    assert joined(clinic) == [("310-555-0142", False, None)]


@pytest.mark.parametrize("phone", ["", "555 555 5555"])
def test_text_me_needs_a_number_we_can_text(clinic, client, monkeypatch, phone):
    FrozenClock(NOW).install(monkeypatch)
    _, data = join_page(clinic, client)
    data.update(phone=phone, sms_consent="y")
    response = client.post("/book/waitlist", data=data)
    assert response.status_code == 422
    assert "give a mobile number we can text" in text_of(response.get_data(as_text=True))
    assert joined(clinic) == []
