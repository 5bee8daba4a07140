"""The headers an outbox email may carry besides those build_message writes, and the one
safe way to build a Reply-To."""

from __future__ import annotations

import email.policy
import re
from email.headerregistry import Address
from email.utils import formataddr

MAX_ADDRESS_LENGTH = 254
MAX_DISPLAY_NAME_LENGTH = 100
# The headers an email may add to those build_message writes, each checked in enqueue.
EXTRA_HEADERS = ("Reply-To", "List-Unsubscribe", "List-Unsubscribe-Post", "Precedence")
# RFC 2076 / RFC 3834: list and bulk mail say so, and auto-responders then stay quiet.
PRECEDENCES = ("bulk", "list")
ONE_CLICK = "List-Unsubscribe=One-Click"  # RFC 8058
# RFC 2369: one or more <URL>, comma-separated; printable ASCII only, no spaces or < >.
_LIST_URL = r"<(?:https?|mailto):[!-;=?-~]+>"
LIST_URLS = re.compile(rf"{_LIST_URL}(?:\s*,\s*{_LIST_URL})*")


def reply_to(name: str, address: str) -> str | None:
    """A Reply-To header value for one person (`Maya Ortiz <maya@example.org>`), or None
    when `address` is not exactly one bare address: a newline, a second address, a comment
    or a display name typed into the field cannot reach the header. Control characters in
    the name become spaces."""
    address = address.strip() if isinstance(address, str) else ""
    if not address or len(address) > MAX_ADDRESS_LENGTH:
        return None
    parsed = one_address(address)
    if parsed is None or parsed.display_name or parsed.addr_spec != address:
        return None
    name = " ".join("".join(c if c.isprintable() else " " for c in name or "").split())
    return formataddr((name[:MAX_DISPLAY_NAME_LENGTH], address))


def one_address(value: str) -> Address | None:
    """The address in `value` when it parses cleanly as one address with a user and a
    domain, else None."""
    if not printable_ascii(value):
        return None
    header = email.policy.default.header_factory("Reply-To", value)
    addresses = getattr(header, "addresses", ())
    if len(addresses) != 1 or header.defects:
        return None
    found = addresses[0]
    return found if found.username and "." in found.domain else None


def printable_ascii(value: str) -> bool:
    return all(" " <= c <= "~" for c in value)


def checked_headers(headers: dict[str, str] | None) -> dict[str, str] | None:
    if not headers:
        return None
    checked: dict[str, str] = {}
    for name, value in headers.items():
        if name not in EXTRA_HEADERS:
            raise ValueError(f"header {name!r} cannot be set on an outbox email")
        if not isinstance(value, str) or not value or not printable_ascii(value):
            raise ValueError(f"unsafe value for {name}: {value!r}")
        if name == "Reply-To" and one_address(value) is None:
            raise ValueError(f"Reply-To must be one address: {value!r}")
        if name == "List-Unsubscribe" and not LIST_URLS.fullmatch(value):
            raise ValueError(f"List-Unsubscribe must be <URL>s: {value!r}")
        if name == "Precedence" and value not in PRECEDENCES:
            raise ValueError(f"Precedence must be one of {PRECEDENCES}: {value!r}")
        if name == "List-Unsubscribe-Post" and value != ONE_CLICK:
            raise ValueError(f"List-Unsubscribe-Post must be {ONE_CLICK!r}")
        checked[name] = value
    return checked
