"""Filters and globals the templates share."""

from __future__ import annotations

import json
import re
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, g, request
from markupsafe import Markup

from clinicsite import reference
from clinicsite.appointments import origins
from clinicsite.catalogue import bookable_online_ids
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import Region, ServiceArea
from clinicsite.money import format_money
from clinicsite.text import truncate
from clinicsite.timefmt import clock, clock_span, clock_with_zone, day_label, long_datetime


def absolute_url(endpoint: str, **values: Any) -> str:
    """An absolute URL on SITE_URL (canonical links, sitemap, emails, Stripe's return
    addresses). Never built from the request's Host header, which a client chooses, and
    never needing a request at all: a command or a cron job builds the same links."""
    app = current_app._get_current_object()
    adapter = app.extensions.get("clinicsite.links")
    if adapter is None:
        # Only the path is used; the host given here never reaches a link.
        adapter = app.extensions["clinicsite.links"] = app.url_map.bind("site.invalid")
    return app.config["SITE_URL"] + adapter.build(endpoint, values)


def canonical_url() -> str | None:
    if request.endpoint is None or request.endpoint == "static":
        return None
    return absolute_url(request.endpoint, **(request.view_args or {}))


def jsonld(data: Any) -> Markup:
    """JSON for a <script type="application/ld+json"> block that text cannot break out of."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)  # noqa: S704 -- every <, > and & is escaped above


def money(amount: int | None) -> str:
    if amount is None:
        return ""
    return format_money(amount, get_clinic().currency)


def duration(minutes: int) -> str:
    hours, mins = divmod(minutes, 60)
    if hours and mins:
        return f"{hours} h {mins} min"
    if hours:
        return f"{hours} h"
    return f"{mins} min"


def footer_regions() -> list[Region]:
    """Regions with their areas for the footer links (the per-process snapshot); none while
    the database cannot be read, so the error pages still render."""
    try:
        return list(reference.current().regions)
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return []


def active_areas(region: Region) -> list[ServiceArea]:
    return [a for a in region.areas if a.active]


def local_clock(moment) -> str:
    return clock(moment, get_clinic().tz)


def local_clock_zone(moment) -> str:
    return clock_with_zone(moment, get_clinic().tz)


def local_span(start, end) -> str:
    return clock_span(start, end, get_clinic().tz)


def local_zone(moment) -> str:
    """The zone's abbreviation at that moment: PST or PDT."""
    return moment.astimezone(get_clinic().tz).strftime("%Z")


def local_long(moment) -> str:
    return long_datetime(moment, get_clinic().tz)


def local_day(moment) -> str:
    return day_label(moment.astimezone(get_clinic().tz).date())


def datetime_attr(moment) -> str:
    """A moment for a `datetime` attribute: whole seconds, since HTML allows at most three
    digits of a second and stored times carry six."""
    return moment.isoformat(timespec="seconds")


def tel_href(phone: str) -> str:
    """A `tel:` link for a phone number as people type it: digits and a leading + only,
    since spaces, dots and brackets are not allowed in the URL."""
    digits = re.sub(r"[^0-9]", "", phone)
    return f"tel:{'+' if phone.strip().startswith('+') else ''}{digits}"


def bookable_online(service) -> bool:
    """Whether clients can book `service` online (a Book button leads somewhere): the set
    is read once per request."""
    if "bookable_online" not in g:
        g.bookable_online = bookable_online_ids()
    return service.id in g.bookable_online


def booking_from() -> dict[str, str]:
    """The `from` parameter of a booking link on this page (appointments/origins.py); in
    the booking flow itself, the one it already carries."""
    if (request.endpoint or "").startswith("booking."):
        given = origins.given(request.args)
        return {"from": given} if given else {}
    return {"from": origins.of_page(request.endpoint, request.view_args)}


def breadcrumb_list(trail: list[tuple[str, str | None]]) -> dict[str, Any]:
    """schema.org BreadcrumbList of a page's breadcrumbs (the `breadcrumbs` macro): each
    link made absolute on SITE_URL, the last (the page itself, no link) its canonical URL."""
    site = current_app.config["SITE_URL"]
    items = []
    for position, (name, href) in enumerate(trail, start=1):
        url = canonical_url() if href is None else (href if "://" in href else site + href)
        item = {"@type": "ListItem", "position": position, "name": name}
        items.append(item | {"item": url} if url else item)
    return {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": items}


def register(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters.update(
        money=money,
        jsonld=jsonld,
        duration=duration,
        active_areas=active_areas,
        local_clock=local_clock,
        local_clock_zone=local_clock_zone,
        local_span=local_span,
        local_long=local_long,
        local_zone=local_zone,
        local_day=local_day,
        day_label=day_label,
        datetime_attr=datetime_attr,
        tel_href=tel_href,
        clip=truncate,
    )
    app.jinja_env.globals.update(
        absolute_url=absolute_url,
        canonical_url=canonical_url,
        footer_regions=footer_regions,
        day_label=day_label,
    )
    from clinicsite.appointments.deposit import deposit_of
    from clinicsite.scheduling.closures import describe

    app.jinja_env.globals["closure_label"] = lambda closure: describe(closure, get_clinic().tz)
    app.jinja_env.globals["bookable_online"] = bookable_online
    app.jinja_env.tests["bookable_online"] = bookable_online
    app.jinja_env.globals["booking_from"] = booking_from
    app.jinja_env.globals["breadcrumb_list"] = breadcrumb_list

    app.jinja_env.globals["deposit_of"] = deposit_of
    from clinicsite.intake.answers import kept_answers

    app.jinja_env.filters["intake_answers"] = kept_answers

    @app.context_processor
    def inject_clinic() -> dict[str, Any]:
        return {"clinic": get_clinic()}
