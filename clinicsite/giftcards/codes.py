"""Gift card codes: 16 characters from an alphabet without look-alikes (no 0/O, 1/I/L,
5/S, 2/Z, 8/B), stored as typed-over-the-phone-safe upper case, shown in groups of four.

A code is 16 symbols of 25: about 74 bits, so guessing one is hopeless (and redemption
is rate limited besides)."""

from __future__ import annotations

import re
import secrets

ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
LENGTH = 16
_SEPARATORS = re.compile(r"[\s\-_.]+")
_VALID = re.compile(f"[{ALPHABET}]{{{LENGTH}}}")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(text: str | None) -> str | None:
    """The stored form of a typed code (case, spaces and dashes ignored), or None when it
    cannot be a code at all."""
    if not isinstance(text, str) or len(text) > 64:
        return None
    code = _SEPARATORS.sub("", text).upper()
    return code if _VALID.fullmatch(code) else None


def display(code: str) -> str:
    """ "ACDE-FGHJ-KMNP-QRTU": easier to read out and type."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
