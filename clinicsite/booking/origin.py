"""Where a client came from, read off the first booking page they reach
(appointments/origins.py says what an origin is).

A `from` parameter wins (emails put one in their links); otherwise the Referer header: the
site sends full referrers between its own pages (Referrer-Policy strict-origin-when-cross-
origin) and only the origin to other sites. Every later step carries it on as the `from`
parameter, so it needs no cookie and no session.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from clinicsite.appointments.origins import valid

# The pages that name what they are about, by their view.
PAGES = {
    "public.area": lambda v: f"area:{v['area_slug']}",
    "public.area_service": lambda v: f"area_service:{v['area_slug']}/{v['service_slug']}",
    "blog.post": lambda v: f"post:{v['slug']}",
}


def given(args) -> str | None:
    """The `from` parameter when it is one of ours; anything else is ignored."""
    value = args.get("from") or ""
    return value if valid(value) else None


def from_referrer(referrer: str | None, host: str) -> str:
    """The origin of a first booking page reached from `referrer` on a site at `host`."""
    if not referrer:
        return "direct"
    try:
        parts = urlsplit(referrer)
    except ValueError:
        return "elsewhere"
    if parts.netloc.lower() != host.lower():
        return "elsewhere"
    try:
        endpoint, values = current_app.url_map.bind(host).match(parts.path, method="GET")
    except RequestRedirect as moved:  # a path without its trailing slash: read the target
        return from_referrer(moved.new_url, host)
    except HTTPException:
        return "site"
    page = PAGES.get(endpoint)
    found = page(values) if page else "site"
    return found if valid(found) else "site"
