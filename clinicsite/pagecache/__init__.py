"""Public pages served from a cache for visitors without a session, revalidated every time.

A page in `CACHED` that an anonymous visitor asks for is kept under its URL (plus, for
live pages, a key part such as the booking state: `KEY_PARTS`) together with its *marks*:
the versions of the content it shows, read before it was rendered. It is served only
while those marks are the current ones. With Redis (`store.py`) the marks are tokens in
Redis that every committed edit replaces, read in the same round trip as the page: a hit
costs one call to Redis and no query. With the in-memory store they are the database's
counters (`versions.py`: bumped in each edit's own transaction, on whatever worker or
host), one query. A miss is rendered and kept, gzipped once. Either way the answer carries
an ETag and `Cache-Control: public, no-cache`: a browser, a proxy or a CDN may keep the
page but asks again every time, and gets a 304 while nothing changed, so no one is ever
shown an old price or a post taken down. Pages for a visitor with a session (staff, a
flash message) are rendered for them alone and marked private.

Live pages (the booking form, the manage link, anything with a CSRF token) are not in
`CACHED`; a page that starts a session while rendering is never stored. Availability and
the booking start page are, under a key that changes with every booking and every minute.
"""

from __future__ import annotations

import gzip
import hashlib
import time
from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask, Response, current_app, g, request, session

from clinicsite import clock
from clinicsite.extensions import db
from clinicsite.pagecache import versions
from clinicsite.pagecache.store import Entry, Store, store_for

SITE, BLOG = versions.SITE, versions.BLOG
# Endpoint -> the content it shows. Pages listing posts depend on the blog as well.
CACHED: dict[str, tuple[str, ...]] = {
    "public.index": (SITE, BLOG),
    "public.services": (SITE,),
    "public.service": (SITE,),
    "public.areas": (SITE,),
    "public.area": (SITE,),
    "public.area_service": (SITE,),
    "public.therapists": (SITE,),
    "public.therapist": (SITE,),
    "public.contact": (SITE,),
    "public.sitemap": (SITE, BLOG),
    "public.sitemap_part": (SITE, BLOG),
    "blog.index": (SITE, BLOG),
    "blog.post": (SITE, BLOG),
    "blog.category": (SITE, BLOG),
    "blog.tag": (SITE, BLOG),
    "blog.feed": (SITE, BLOG),
    # Also keyed on the booking state and the minute: see booking/api.py.
    "booking.api_availability": (SITE,),
    "booking.start": (SITE,),
}
PUBLIC = "public, no-cache"
PRIVATE = "private, no-cache"
COMPRESSIBLE = (
    "text/html",
    "text/css",
    "text/plain",
    "text/csv",
    "text/calendar",
    "application/json",
    "application/xml",
    "application/atom+xml",
    "image/svg+xml",
)
MIN_COMPRESS_BYTES = 1024
# Headers of a rendered page that are not kept with it (set again for each answer).
NOT_KEPT = {
    "content-type",
    "content-length",
    "content-encoding",
    "set-cookie",
    "vary",
    "etag",
    "cache-control",
}
# Parts of a cached page made afresh for each visitor (the comment form's signed "shown
# at" time): endpoint -> a function of the stored HTML.
REFRESHERS: dict[str, Callable[[bytes], bytes]] = {}
REFRESHED = "clinicsite.pagecache.refreshed"  # app.extensions: (second, pages made then)
# What else a page's key must carry (live data): endpoint -> a function giving a key part.
KEY_PARTS: dict[str, Callable[[sa.Connection], str]] = {}


def refresh_on_serve(endpoint: str):
    def register(function: Callable[[bytes], bytes]):
        REFRESHERS[endpoint] = function
        return function

    return register


def key_part(endpoint: str):
    def register(function: Callable[[sa.Connection], str]):
        KEY_PARTS[endpoint] = function
        return function

    return register


def store() -> Store:
    return current_app.extensions["clinicsite.pagecache"]


def wants_gzip() -> bool:
    return request.accept_encodings.quality("gzip") > 0


def has_session() -> bool:
    return current_app.config["SESSION_COOKIE_NAME"] in request.cookies


def db_counters() -> dict[str, int]:
    """The database's content counters."""
    # A connection of its own, not the ORM session: a hit needs nothing else from the
    # database, and no transaction stays open while the page is sent.
    with db.engine.connect() as connection:
        return versions.read(connection)


def cache_key() -> str:
    extra = KEY_PARTS.get(request.endpoint or "")
    if extra is None:
        return request.full_path
    with db.engine.connect() as connection:
        return f"{extra(connection)}|{request.full_path}"


def serve_from_cache() -> Response | None:
    scopes = CACHED.get(request.endpoint or "")
    if scopes is None or request.method not in ("GET", "HEAD") or has_session():
        return None
    if not current_app.config["PAGE_CACHE_ENABLED"]:
        return None
    key = cache_key()
    entry, marks = store().lookup(key, scopes)
    if marks is None:
        return None  # the store is out of reach: render, keep nothing
    # Kept with the marks read now, before rendering: an edit racing the render makes new
    # marks, under which this render is never served.
    g.page_cache_key = (key, marks)
    if entry is None or entry.marks != marks:
        return None
    if entry.fresh_until is not None and time.time() >= entry.fresh_until:
        return None
    g.page_cache_hit = True
    return answer(entry)


def answer(entry: Entry) -> Response:
    """The stored page, gzipped if the client takes it, or 304 if it has this version."""
    refresh = REFRESHERS.get(request.endpoint or "")
    gzipped = wants_gzip()
    if refresh is None:
        body = entry.gzipped if gzipped else entry.body
    else:
        body = refreshed(entry, refresh, gzipped)
    response = Response(body, content_type=entry.content_type, headers=list(entry.headers))
    mark_public(response, entry.etag, gzipped)
    return response.make_conditional(request)


def refreshed(entry: Entry, refresh: Callable[[bytes], bytes], gzipped: bool) -> bytes:
    """The page made afresh, shared by the visitors of one second: what a refresher writes
    (a signed time) has a resolution of one second, so within it every visitor gets the
    same bytes, and refreshing (and gzipping) once a second instead of per visitor is
    exact. Only the current second's pages are kept, per app (each has its own secret)."""
    second = int(clock.now().timestamp())
    memo = current_app.extensions.get(REFRESHED)
    if memo is None or memo[0] != second:
        memo = current_app.extensions[REFRESHED] = (second, {})
    made = memo[1]
    body = made.get((entry.etag, gzipped))
    if body is None:
        body = refresh(entry.body)
        if gzipped:
            body = gzip.compress(body, 1, mtime=0)
        made[(entry.etag, gzipped)] = body
    return body


def mark_public(response: Response, etag: str, gzipped: bool) -> None:
    if gzipped:
        response.headers["Content-Encoding"] = "gzip"
    response.set_etag(etag + ("-gz" if gzipped else ""))
    response.headers["Cache-Control"] = PUBLIC
    response.vary.add("Accept-Encoding")
    g.page_cache_public = True


def keep(response: Response) -> Response:
    """After a cacheable page was rendered: store it when it is the same for everyone."""
    kept = g.pop("page_cache_key", None)
    if kept is None or g.get("page_cache_hit"):
        return response
    if response.status_code != 200 or response.direct_passthrough or session:
        return response  # an error, a file, or a page that started a session
    key, marks = kept
    body = response.get_data()
    scopes = CACHED[request.endpoint or ""]
    entry = Entry(
        body=body,
        gzipped=gzip.compress(body, 6, mtime=0),
        etag=hashlib.sha256(body).hexdigest()[:32],
        content_type=response.content_type or "text/html; charset=utf-8",
        headers=own_headers(response),
        fresh_until=next_change(scopes),
        marks=marks,
    )
    store().set(key, entry)
    return answer(entry)


def own_headers(response: Response) -> tuple[tuple[str, str], ...]:
    return tuple(
        (name, value) for name, value in response.headers.items() if name.lower() not in NOT_KEPT
    )


def next_change(scopes: tuple[str, ...]) -> float | None:
    """When a page showing posts changes with no edit: the next scheduled post falls due."""
    if BLOG not in scopes:
        return None
    from clinicsite.blog.posts import next_scheduled

    due = next_scheduled(clock.now())
    return due.timestamp() if due is not None else None


def compress(response: Response) -> Response:
    """Any other text answer, gzipped when the client takes it and it is worth it."""
    if (
        g.get("page_cache_public")
        or response.direct_passthrough
        or response.status_code < 200
        or response.status_code in (204, 304)
        or "Content-Encoding" in response.headers
        or response.mimetype not in COMPRESSIBLE
    ):
        return response
    response.vary.add("Accept-Encoding")
    if not wants_gzip():
        return response
    body = response.get_data()
    if len(body) < MIN_COMPRESS_BYTES:
        return response
    response.set_data(gzip.compress(body, 6, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    etag, weak = response.get_etag()
    if etag:
        response.set_etag(etag + "-gz", weak)
    return response


def mark_private(response: Response) -> Response:
    """Pages rendered for one visitor (a session: staff, a flash) are theirs alone."""
    if not g.get("page_cache_public") and request.endpoint in CACHED:
        response.headers["Cache-Control"] = PRIVATE
    return response


def register(app: Flask) -> None:
    app.extensions["clinicsite.pagecache"] = store_for(app.config["PAGE_CACHE_URL"], db_counters)
    versions.listen_once()
    # Before the rate limiter's and CSRF's hooks (a hit needs neither; public GETs have no
    # limits), after security's check of the request's input, which runs first of all.
    app.before_request_funcs.setdefault(None, []).insert(1, serve_from_cache)
    # after_request functions run last-registered first: keep, then compress, then private.
    app.after_request(mark_private)
    app.after_request(compress)
    app.after_request(keep)
