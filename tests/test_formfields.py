"""The filters and the phone rule every form shares (clinicsite/formfields.py)."""

from __future__ import annotations

import pytest

from clinicsite.formfields import clean_text, is_phone, markdown_text, one_line, strip, text


@pytest.mark.parametrize(
    "typed, ok",
    [
        ("310-555-0142", True),
        ("+1 (310) 555 0142", True),
        ("555.0142", True),
        ("555-0142", True),
        ("555-014", False),  # six digits
        ("call me", False),
        ("310-555-0142 ext 4", False),
        ("", False),
        (None, False),
    ],
)
def test_the_phone_rule(typed, ok):
    assert is_phone(typed) is ok


def test_filters_clean_what_people_and_bots_type():
    assert strip("  a b  ") == "a b"
    assert clean_text(" one\r\ntwo\rthree\x00\x07 ") == "one\ntwo\nthree"
    assert text(None) == "" and text(" x\x00 ") == "x"
    assert one_line("a \n  b\tc") == "a b c"
    assert markdown_text("    code\r\n\x00") == "    code"
    assert strip(None) is None and clean_text(None) is None


def test_staff_phone_booking_refuses_a_phone_that_is_not_one(app):
    from clinicsite.staff.bookings.forms import PhoneBookingForm

    with app.test_request_context(method="POST", data={"phone": "call me", "name": "Pat"}):
        form = PhoneBookingForm(meta={"csrf": False})
        assert not form.phone.validate(form)
        assert "at least 7 digits" in " ".join(form.phone.errors)
