"""Where an online booking came from, as kept on the appointment and counted by the
reports: a short code, never a URL. "area:torrance", "area_service:torrance/sports-massage"
and "post:<slug>" name the page of this site the client was on when they started booking,
"site" any other page of it, "newsletter" a link in an email, "embed" the booking widget
framed on another website (booking/embed.py), and "direct" no page of ours
(typed, bookmarked, another website).

It travels as the `from` parameter: every link into booking on this site's pages carries
the page it is on (`booking_from()` in templates), emails carry `from=newsletter`, and each
booking step carries it on. So it needs no cookie, no session and no Referer, and a page
stays the same for everyone, which a cache in front may keep.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

SLUG = r"[a-z0-9][a-z0-9-]{0,79}"
ORIGIN = re.compile(
    rf"direct|newsletter|embed|site|area:{SLUG}|area_service:{SLUG}/{SLUG}|post:{SLUG}"
)
# The kinds, in the order the reports list them, with their words.
KINDS = {
    "area": "Area pages",
    "area_service": "Area and service pages",
    "post": "Blog posts",
    "newsletter": "Newsletter emails",
    "embed": "The booking widget on another website",
    "site": "Other pages of the site",
    "direct": "Direct (typed, bookmarked or another website)",
}
# The pages that name what they are about, by their view.
PAGES = {
    "public.area": lambda v: f"area:{v['area_slug']}",
    "public.area_service": lambda v: f"area_service:{v['area_slug']}/{v['service_slug']}",
    "blog.post": lambda v: f"post:{v['slug']}",
}


def valid(value: str) -> bool:
    return ORIGIN.fullmatch(value) is not None


def given(args: Mapping[str, str]) -> str | None:
    """The `from` parameter when it is one of ours; anything else is ignored."""
    value = args.get("from") or ""
    return value if valid(value) else None


def of_page(endpoint: str | None, view_args: Mapping[str, str] | None) -> str:
    """The origin a booking link on the page of `endpoint` carries."""
    page = PAGES.get(endpoint or "")
    found = page(view_args or {}) if page else "site"
    return found if valid(found) else "site"


def kind(origin: str | None) -> str:
    """ "area" of "area:torrance"; bookings made before origins were kept count as direct."""
    return (origin or "direct").split(":", 1)[0]
