"""Every public page with the time its content last changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from clinicsite import clock
from clinicsite.blog import posts as blog_posts
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import AreaService, Post, Service, ServiceArea, Therapist
from clinicsite.templating import absolute_url


@dataclass(frozen=True)
class Entry:
    loc: str
    lastmod: datetime | None


def _latest(*stamps: datetime | None) -> datetime | None:
    present = [s for s in stamps if s is not None]
    return max(present) if present else None


def sitemap_entries() -> list[Entry]:
    clinic = get_clinic()
    services, areas, therapists = _active_listings()
    newest_service = _latest(*(s.updated_at for s in services))
    newest_area = _latest(*(a.updated_at for a in areas))
    newest_therapist = _latest(*(t.updated_at for t in therapists))
    posts = blog_posts.all_public_posts(clock.now())
    newest_post = _latest(*(blog_posts.last_changed(p) for p in posts))
    site_wide = _latest(
        clinic.updated_at, newest_service, newest_area, newest_therapist, newest_post
    )

    entries = [
        Entry(absolute_url("public.index"), site_wide),
        Entry(absolute_url("public.services"), newest_service),
    ]
    entries += [Entry(absolute_url("public.service", slug=s.slug), s.updated_at) for s in services]
    entries.append(Entry(absolute_url("public.areas"), newest_area))
    entries += area_entries(areas, services, newest_service)
    entries.append(Entry(absolute_url("public.therapists"), newest_therapist))
    entries += [
        Entry(absolute_url("public.therapist", slug=t.slug), t.updated_at) for t in therapists
    ]
    entries.append(Entry(absolute_url("public.contact"), clinic.updated_at))
    return entries + blog_entries(posts)


def _active_listings() -> tuple[list[Service], list[ServiceArea], list[Therapist]]:
    services = list(
        db.session.scalars(
            sa.select(Service).where(Service.active).order_by(Service.position, Service.name)
        )
    )
    areas = list(
        db.session.scalars(
            sa.select(ServiceArea)
            .where(ServiceArea.active)
            .order_by(ServiceArea.position, ServiceArea.name)
            .options(selectinload(ServiceArea.offerings))
        )
    )
    therapists = list(
        db.session.scalars(
            sa.select(Therapist).where(Therapist.active).order_by(Therapist.position)
        )
    )
    return services, areas, therapists


def area_entries(
    areas: list[ServiceArea], services: list[Service], newest_service: datetime | None
) -> list[Entry]:
    """Each area's page, then its page for each active service offered there."""
    service_by_id = {s.id: s for s in services}
    entries = []
    for area in areas:
        entries.append(
            Entry(
                absolute_url("public.area", area_slug=area.slug),
                _latest(area.updated_at, newest_service),
            )
        )
        offered: list[AreaService] = [o for o in area.offerings if o.service_id in service_by_id]
        offered.sort(
            key=lambda o: (service_by_id[o.service_id].position, service_by_id[o.service_id].name)
        )
        for o in offered:
            svc = service_by_id[o.service_id]
            entries.append(
                Entry(
                    absolute_url("public.area_service", area_slug=area.slug, service_slug=svc.slug),
                    _latest(o.updated_at, area.updated_at, svc.updated_at),
                )
            )
    return entries


def blog_entries(posts: list[Post]) -> list[Entry]:
    """The blog, its public posts, and the category and tag pages that list any of them.
    A list page changed when its newest post appeared or changed."""
    if not posts:
        return []
    entries = [
        Entry(absolute_url("blog.index"), _latest(*(blog_posts.last_changed(p) for p in posts)))
    ]
    entries += [Entry(absolute_url("blog.post", slug=p.slug), p.updated_at) for p in posts]
    for endpoint, attribute in (("blog.category", "categories"), ("blog.tag", "tags")):
        changed: dict[str, datetime] = {}
        for post in posts:
            for term in getattr(post, attribute):
                changed[term.slug] = _latest(changed.get(term.slug), blog_posts.last_changed(post))
        entries += [
            Entry(absolute_url(endpoint, slug=slug), stamp)
            for slug, stamp in sorted(changed.items())
        ]
    return entries
