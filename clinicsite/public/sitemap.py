"""Every public page with the time its content last changed, split into files of at most
MAX_URLS when the site outgrows one.

Built for a blog of thousands of posts: a fixed number of queries that select only slugs and
times (never a post's body), and links made by joining strings onto prefixes that url_for
builds once per endpoint.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote

import sqlalchemy as sa

from clinicsite import clock
from clinicsite.blog import posts as blog_posts
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import AreaService, Service, ServiceArea, Therapist
from clinicsite.templating import absolute_url

# URLs per file. The protocol allows 50,000 URLs or 50 MB uncompressed, whichever comes
# first; our URLs (slugs of at most 120 characters) take under 400 bytes an entry, so 50,000
# of them stay far below 50 MB and the count is the only limit to watch.
MAX_URLS = 50_000

# What Werkzeug's path converters leave unquoted (BaseConverter.to_url), so a joined link is
# the link url_for would have built.
_PATH_SAFE = "!$&'()*+,/:;=@"


@dataclass(frozen=True, slots=True)
class Entry:
    loc: str
    lastmod: datetime | None

    @property
    def w3c_lastmod(self) -> str | None:
        """The protocol's W3C Datetime, in UTC to the second (isoformat: a third of the time
        strftime takes, which counts at thousands of entries)."""
        if self.lastmod is None:
            return None
        return self.lastmod.astimezone(UTC).isoformat(timespec="seconds")


def _latest(*stamps: datetime | None) -> datetime | None:
    present = [s for s in stamps if s is not None]
    return max(present) if present else None


def link_maker(endpoint: str, *names: str) -> Callable[..., str]:
    """A function of `names`' values giving `endpoint`'s absolute URL: url_for runs once,
    here, on marker values; each link after that is a join of strings."""
    marks = [f"sitemapslot{i}x" for i in range(len(names))]
    url = absolute_url(endpoint, **dict(zip(names, marks, strict=True)))
    pieces = re.split("(" + "|".join(marks) + ")", url)
    slots = [marks.index(mark) for mark in pieces[1::2]]
    if sorted(slots) != list(range(len(names))):  # SITE_URL holding a marker, say
        raise ValueError(f"cannot make links to {endpoint} by joining strings")
    fixed = pieces[0::2]

    def make(*values: str) -> str:
        quoted = [quote(value, safe=_PATH_SAFE) for value in values]
        out = [fixed[0]]
        for slot, after in zip(slots, fixed[1:], strict=True):
            out += (quoted[slot], after)
        return "".join(out)

    return make


def sitemap_entries() -> list[Entry]:
    """Every public page, in an order that keeps earlier files stable as posts are added:
    the site's pages, the blog's list pages, then the posts oldest first."""
    clinic = get_clinic()
    services, areas, therapists = _active_listings()
    blog = blog_posts.public_stamps(clock.now())
    newest_service = _latest(*(s.updated_at for s in services))
    newest_area = _latest(*(a.updated_at for a in areas))
    newest_therapist = _latest(*(t.updated_at for t in therapists))
    newest_post = _latest(*(p.last_changed for p in blog.posts))
    site_wide = _latest(
        clinic.updated_at, newest_service, newest_area, newest_therapist, newest_post
    )

    service_url = link_maker("public.service", "slug")
    therapist_url = link_maker("public.therapist", "slug")
    entries = [
        Entry(absolute_url("public.index"), site_wide),
        Entry(absolute_url("public.services"), newest_service),
    ]
    entries += [Entry(service_url(s.slug), s.updated_at) for s in services]
    entries.append(Entry(absolute_url("public.areas"), newest_area))
    entries += area_entries(areas, newest_service)
    entries.append(Entry(absolute_url("public.therapists"), newest_therapist))
    entries += [Entry(therapist_url(t.slug), t.updated_at) for t in therapists]
    entries.append(Entry(absolute_url("public.contact"), clinic.updated_at))
    return entries + blog_entries(blog)


def _active_listings() -> tuple[list[sa.Row], list[sa.Row], list[sa.Row]]:
    """Slugs and times of the active services, areas (with their ids, to match offerings)
    and therapists, in the order their list pages show them."""
    services = _rows(
        sa.select(Service.slug, Service.updated_at)
        .where(Service.active)
        .order_by(Service.position, Service.name)
    )
    areas = _rows(
        sa.select(ServiceArea.id, ServiceArea.slug, ServiceArea.updated_at)
        .where(ServiceArea.active)
        .order_by(ServiceArea.position, ServiceArea.name)
    )
    therapists = _rows(
        sa.select(Therapist.slug, Therapist.updated_at)
        .where(Therapist.active)
        .order_by(Therapist.position)
    )
    return services, areas, therapists


def _rows(query: sa.Select) -> list[sa.Row]:
    return list(db.session.execute(query))


def area_entries(areas: list[sa.Row], newest_service: datetime | None) -> list[Entry]:
    """Each active area's page, then its page for each active service offered there."""
    offered = _rows(
        sa.select(AreaService.area_id, AreaService.updated_at, Service.slug, Service.updated_at)
        .join(Service, Service.id == AreaService.service_id)
        .where(Service.active)
        .order_by(Service.position, Service.name)
    )
    by_area: dict[int, list[sa.Row]] = defaultdict(list)
    for row in offered:
        by_area[row.area_id].append(row)
    area_url = link_maker("public.area", "area_slug")
    pair_url = link_maker("public.area_service", "area_slug", "service_slug")
    entries = []
    for area in areas:
        entries.append(Entry(area_url(area.slug), _latest(area.updated_at, newest_service)))
        for _, offer_updated, service_slug, service_updated in by_area[area.id]:
            entries.append(
                Entry(
                    pair_url(area.slug, service_slug),
                    _latest(offer_updated, area.updated_at, service_updated),
                )
            )
    return entries


def blog_entries(blog: blog_posts.Stamps) -> list[Entry]:
    """The blog, the category and tag pages that list a public post, and the public posts.
    A list page changed when its newest post appeared or changed."""
    if not blog.posts:
        return []
    entries = [Entry(absolute_url("blog.index"), _latest(*(p.last_changed for p in blog.posts)))]
    for endpoint, terms in (("blog.category", blog.categories), ("blog.tag", blog.tags)):
        term_url = link_maker(endpoint, "slug")
        entries += [Entry(term_url(slug), changed) for slug, changed in terms]
    post_url = link_maker("blog.post", "slug")
    return entries + [Entry(post_url(p.slug), p.updated_at) for p in blog.posts]


def split(entries: list[Entry]) -> list[list[Entry]]:
    """The files of the sitemap: one when everything fits, else parts of MAX_URLS each."""
    size = MAX_URLS
    return [entries[i : i + size] for i in range(0, len(entries), size)] or [[]]


def index_entries(parts: list[list[Entry]], part_url: Callable[[int], str]) -> list[Entry]:
    """The sitemap index: each part (numbered from 1) with its newest lastmod."""
    return [
        Entry(part_url(number), _latest(*(e.lastmod for e in part)))
        for number, part in enumerate(parts, start=1)
    ]
