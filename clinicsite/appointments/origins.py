"""Where an online booking came from, as kept on the appointment and counted by the
reports: a short code, never a URL. "area:torrance", "area_service:torrance/sports-massage",
"post:<slug>" name the page of this site the client was reading when they started booking;
"site" is any other page of it, "newsletter" a link in an email, "elsewhere" another website
and "direct" nothing at all (typed, bookmarked, an app). booking/origin.py reads it from a
request.
"""

from __future__ import annotations

import re

SLUG = r"[a-z0-9][a-z0-9-]{0,79}"
ORIGIN = re.compile(
    rf"direct|newsletter|site|elsewhere|area:{SLUG}|area_service:{SLUG}/{SLUG}|post:{SLUG}"
)
# The kinds, in the order the reports list them, with their words.
KINDS = {
    "area": "Area pages",
    "area_service": "Area and service pages",
    "post": "Blog posts",
    "newsletter": "Newsletter emails",
    "site": "Other pages of the site",
    "elsewhere": "Other websites",
    "direct": "Direct (typed, bookmarked or an app)",
}


def valid(value: str) -> bool:
    return ORIGIN.fullmatch(value) is not None


def kind(origin: str | None) -> str:
    """ "area" of "area:torrance"; bookings made before origins were kept count as direct."""
    return (origin or "direct").split(":", 1)[0]
