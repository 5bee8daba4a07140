"""Phone numbers, the one place they are read, matched and shown: E.164 (+13105550190) is how
a number is stored and compared; a national number ("(310) 555-0190", "0412 345 678") is read
in the clinic's country. Client matching, the booking forms, reminders and texts, and the SMS
webhook all use these functions."""

from __future__ import annotations

import re

import phonenumbers

# When the clinic has no country on its settings (the config's DEFAULT_PHONE_REGION says
# otherwise for a deployment).
FALLBACK_REGION = "US"
# Longer than any number a person types; phonenumbers is not given megabytes to read.
MAX_INPUT_LENGTH = 40
# The phone rule the forms apply before a number is read: digits and the usual punctuation.
PHONE_CHARS = re.compile(r"^[0-9+().\-\s]*$")
MIN_PHONE_DIGITS = 7


class BadPhone(ValueError):
    """A phone number that cannot be read as a real number; the message says why."""


def region_for(country: str | None, fallback: str = FALLBACK_REGION) -> str:
    """The region national numbers are read in: the clinic's country, else `fallback`."""
    country = (country or "").strip().upper()
    return country if len(country) == 2 and country.isalpha() else fallback.upper()


def is_phone(value: str | None) -> bool:
    """Digits with the usual punctuation, at least MIN_PHONE_DIGITS of them."""
    value = value or ""
    return bool(PHONE_CHARS.match(value)) and sum(c.isdigit() for c in value) >= MIN_PHONE_DIGITS


def to_e164(phone: str | None, region: str | None = FALLBACK_REGION) -> str | None:
    """`phone` as E.164, None when empty; raises BadPhone when it is not a valid number."""
    raw = (phone or "").strip()
    if not raw:
        return None
    if len(raw) > MAX_INPUT_LENGTH or not raw.isprintable():
        raise BadPhone("That does not look like a phone number.")
    try:
        number = phonenumbers.parse(raw, region or None)
    except phonenumbers.NumberParseException as exc:
        raise BadPhone("That does not look like a phone number.") from exc
    if not phonenumbers.is_valid_number(number):
        raise BadPhone(
            "That phone number does not look right: please check it, or give it with "
            "its country code (for example +1 310 555 0190)."
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_key(phone: str | None, region: str | None = FALLBACK_REGION) -> str | None:
    """The phone as matched, stored and texted (E.164), or None when empty or not a valid
    number."""
    try:
        return to_e164(phone, region)
    except BadPhone:
        return None


def phone_search_digits(query: str) -> str | None:
    """The digits a typed phone search should find inside stored E.164 numbers: a national
    "0412 345 678" or "(310) 555-0190" loses its trunk zero, so it matches +61412345678
    and +13105550190 alike. None when the query has too few digits to be a phone."""
    digits = "".join(c for c in query if c.isdigit())
    if sum(c.isalpha() for c in query) or len(digits) < 4:
        return None
    return digits.lstrip("0") or None


def display_phone(e164: str | None, region: str = FALLBACK_REGION) -> str:
    """An E.164 number as people write it: national format at home, international abroad."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    if phonenumbers.region_code_for_number(number) == region:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
