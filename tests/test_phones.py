"""Phone numbers (clinicsite/phones.py): read as E.164 in the clinic's country, matched,
searched, texted; a number that is not one is refused by the booking forms with a message,
never a 500."""

from __future__ import annotations

import pytest

from clinicsite.phones import (
    BadPhone,
    phone_key,
    phone_search_digits,
    region_for,
    to_e164,
)
from tests.support.booking_helpers import (
    MONDAY_8AM,
    FrozenClock,
    book_slot,
    first_free_slot,
    text_of,
)
from tests.support.staff_helpers import NOW, form_token


@pytest.mark.parametrize(
    "typed, region, e164",
    [
        ("(310) 555-0190", "US", "+13105550190"),
        ("310.555.0190", "US", "+13105550190"),
        ("+1 310 555 0190", "AU", "+13105550190"),
        ("0412 345 678", "AU", "+61412345678"),
        ("+61 412 345 678", "US", "+61412345678"),
    ],
)
def test_phone_numbers_become_e164_read_in_the_clinic_country(typed, region, e164):
    assert to_e164(typed, region) == e164 == phone_key(typed, region)


@pytest.mark.parametrize("typed", ["0412 345 678", "555 0190", "call me", "1", "+1 000 000 0000"])
def test_numbers_that_are_not_real_are_refused_with_a_reason(typed):
    with pytest.raises(BadPhone) as refused:
        to_e164(typed, "US")
    assert "phone number" in str(refused.value)
    assert phone_key(typed, "US") is None


def test_no_phone_is_no_key_and_no_error():
    assert to_e164("  ", "US") is None and phone_key(None) is None


def test_the_region_is_the_clinic_country_else_the_fallback():
    assert region_for("au") == "AU"
    assert region_for("", "GB") == region_for(None, "gb") == "GB"


@pytest.mark.parametrize(
    "query, digits",
    [("0412 345 678", "412345678"), ("(310) 555-0190", "3105550190"), ("+1 310", "1310")],
)
def test_a_phone_search_drops_punctuation_and_the_trunk_zero(query, digits):
    assert phone_search_digits(query) == digits


@pytest.mark.parametrize("query", ["Rosa", "12", "rosa 310 555", ""])
def test_names_and_short_numbers_are_not_phone_searches(query):
    assert phone_search_digits(query) is None


def test_the_booking_form_refuses_a_number_that_cannot_be_real(clinic, client, monkeypatch):
    FrozenClock(MONDAY_8AM).install(monkeypatch)
    slot = first_free_slot(client, "neuromuscular-therapy", "2026-12-08")
    response = book_slot(client, clinic, slot, phone="555 555 5555")
    assert response.status_code == 422
    assert "That phone number does not look right" in text_of(response.get_data(as_text=True))


def test_the_phone_booking_form_refuses_a_number_that_cannot_be_real(
    clinic, client, login_as, monkeypatch
):
    monkeypatch.setattr("clinicsite.clock.now", lambda: NOW)
    login_as("admin")
    html = client.get("/staff/book").get_data(as_text=True)
    response = client.post(
        "/staff/book",
        data={
            "csrf_token": form_token(html),
            "date": "2026-12-09",
            "time": "10:00",
            "name": "Phone Client",
            "phone": "0412 345 678",
            "payment": "waive",
        },
    )
    assert response.status_code == 422
    page = text_of(response.get_data(as_text=True))
    assert "That phone number does not look right" in page and "+1 310 555 0190" in page


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("310-555-0199", "+13105550199"),
        ("(310) 555 0199", "+13105550199"),
        ("+44 7911 123456", "+447911123456"),
        ("555", None),
        ("310-555-01999", None),
        ("", None),
        ("x" * 500, None),
        ("+1 310 555 0199\x00", None),
    ],
)
def test_numbers_texted_are_e164_or_nothing(raw, expected):
    assert phone_key(raw, "US") == expected


def test_a_clinic_without_a_country_reads_only_international_numbers():
    assert phone_key("+1 310 555 0199", "") == "+13105550199"
    assert phone_key("310 555 0199", "") is None
