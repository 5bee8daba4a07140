"""Consent to text reminders, given at booking (online and by phone) and recorded with its
time; a number that cannot be texted is refused with a message."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import Appointment
from tests.staff.test_phone_booking import phone_form
from tests.support.booking_helpers import (
    MONDAY_8AM,
    FrozenClock,
    book_slot,
    first_free_slot,
    text_of,
)


def appointments(app) -> list[Appointment]:
    with app.app_context():
        rows = db.session.scalars(sa.select(Appointment).order_by(Appointment.id)).all()
        db.session.expunge_all()
        return rows


@pytest.fixture
def frozen(monkeypatch) -> FrozenClock:
    return FrozenClock().install(monkeypatch)


def test_ticking_text_me_reminders_is_stored_with_its_time(clinic, client, frozen):
    slot = first_free_slot(client, "discovery-session", "2026-12-08", "dana-okafor")
    response = book_slot(client, clinic, slot, "discovery-session", sms_consent="y")
    assert response.status_code == 303
    [appointment] = appointments(clinic)
    assert appointment.sms_consent is True and appointment.sms_consent_at == MONDAY_8AM


def test_without_the_box_there_is_no_consent(clinic, client, frozen):
    slot = first_free_slot(client, "discovery-session", "2026-12-08", "dana-okafor")
    assert book_slot(client, clinic, slot, "discovery-session").status_code == 303
    [appointment] = appointments(clinic)
    assert appointment.sms_consent is False and appointment.sms_consent_at is None


@pytest.mark.parametrize("phone", ["310-555-01999", "1234567", "+999 555 0123 4"])
def test_consent_with_a_number_that_cannot_be_texted_is_refused(clinic, client, frozen, phone):
    slot = first_free_slot(client, "discovery-session", "2026-12-08", "dana-okafor")
    response = book_slot(client, clinic, slot, "discovery-session", sms_consent="y", phone=phone)
    assert response.status_code in (400, 422)
    assert "please give a mobile number we can text" in text_of(response.text)
    assert appointments(clinic) == []


def test_the_details_form_offers_the_box(clinic, client, frozen):
    from tests.support.booking_helpers import details_url, location_slug

    slot = first_free_slot(client, "discovery-session", "2026-12-08", "dana-okafor")
    url = details_url(
        "discovery-session",
        slot["option_id"],
        location_slug(clinic, slot["location"]),
        "dana-okafor",
        slot["start"],
    )
    page = client.get(url).text
    assert 'type="checkbox"' in page and "Text me reminders" in page
    assert 'aria-describedby="sms-consent-hint"' in page or "sms-consent-hint" in page


def test_a_phone_booking_records_consent(clinic, client, login_as, monkeypatch):
    monkeypatch.setattr("clinicsite.clock.now", lambda: MONDAY_8AM)
    login_as("admin")
    response = client.post("/staff/book", data=phone_form(client, sms_consent="y"))
    assert response.status_code == 303
    [appointment] = appointments(clinic)
    assert appointment.sms_consent is True and appointment.sms_consent_at == MONDAY_8AM
    refused = client.post(
        "/staff/book", data=phone_form(client, sms_consent="y", phone="555", time="12:00")
    )
    assert refused.status_code == 422
    assert "give a mobile number we can text" in text_of(refused.text)
