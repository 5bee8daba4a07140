"""The form a client's email is compared in: lower case without surrounding spaces. (Phone
numbers are compared as E.164: clinicsite/phones.py.)"""

from __future__ import annotations


def email_key(email: str | None) -> str | None:
    """The email as matched: stripped and lower-cased; None when there is none."""
    key = (email or "").strip().lower()
    return key or None
