"""Phone numbers as E.164 (+13105550123), read with `phonenumbers`."""

from __future__ import annotations

import phonenumbers

MAX_INPUT_LENGTH = 40


def to_e164(raw: str | None, region: str = "US") -> str | None:
    """`raw` as an E.164 number when it is a valid number (a national one read in
    `region`, the clinic's country), else None."""
    if not raw or len(raw) > MAX_INPUT_LENGTH or not raw.isprintable():
        return None
    try:
        number = phonenumbers.parse(raw, region or None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
