"""A calendar's address as typed by a therapist: checked, normalised, and shown masked.

The private address of a calendar is a password in all but name (whoever has it reads the
calendar), so pages show only its host and last characters.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

MAX_LENGTH = 2000


class BadAddress(ValueError):
    """The address cannot be used; the message is for the person who typed it."""


def normalise(raw: str, allow_http: bool) -> str:
    """The address to fetch: webcal:// (what Apple and Outlook hand out) becomes https://;
    only https is accepted, and http only when `allow_http` (development and tests)."""
    url = (raw or "").strip()
    if not url:
        raise BadAddress("Please paste the calendar's address.")
    if len(url) > MAX_LENGTH:
        raise BadAddress(f"That address is too long (at most {MAX_LENGTH} characters).")
    if any(c.isspace() for c in url) or not url.isprintable():
        raise BadAddress("That address has spaces or invisible characters in it.")
    if url.lower().startswith("webcal://"):
        url = "https://" + url[len("webcal://") :]
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise BadAddress("That is not a web address.") from None
    schemes = ("https", "http") if allow_http else ("https",)
    if parts.scheme.lower() not in schemes:
        raise BadAddress(
            "The address must start with https:// (or webcal://): copy the calendar's "
            "secret address in iCal format."
        )
    if not parts.hostname or parts.username or parts.password:
        raise BadAddress("That is not a web address with a host name.")
    if port == 0:
        raise BadAddress("That address has no usable port.")
    return urlunsplit(parts._replace(scheme=parts.scheme.lower(), fragment=""))


def masked(url: str) -> str:
    """'calendar.google.com/…/basic.ics' shows as 'calendar.google.com/….ics': the host and
    the last four characters, enough to recognise the address and too little to read the
    calendar with."""
    parts = urlsplit(url)
    rest = url[len(f"{parts.scheme}://{parts.netloc}") :]
    tail = rest[-4:] if len(rest) > 12 else ""
    return f"{parts.hostname or '?'}/…{tail}"
