"""A subscriber's preferences: the service areas they live in (issues may be for chosen
areas) and how they hear of new blog posts (POST_UPDATES). Plain functions over the
current session; the caller commits.

The choice of post updates keeps the moment it was made (`post_updates_since`): only posts
made public after it are sent, so choosing "weekly" or "as published" never mails the
archive, and switching back and forth does not resend what came before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import Region, ServiceArea, Subscriber
from clinicsite.models.newsletter import POST_UPDATES

LABELS = {
    "none": "No, just the newsletter",
    "as_published": "Each new post, as it is published",
    "weekly": "A weekly digest of new posts",
}
SHORT_LABELS = {"none": "Newsletter only", "as_published": "Each post", "weekly": "Weekly"}


@dataclass(frozen=True)
class Preferences:
    post_updates: str = "none"
    area_ids: list[int] = field(default_factory=list)


def area_groups() -> list[tuple[Region, list[ServiceArea]]]:
    """The active areas a subscriber may choose, by region, in the order the site shows."""
    areas = db.session.scalars(
        sa.select(ServiceArea)
        .join(Region)
        .where(ServiceArea.active)
        .order_by(Region.position, Region.name, ServiceArea.position, ServiceArea.name)
    ).all()
    groups: dict[int, tuple[Region, list[ServiceArea]]] = {}
    for area in areas:
        groups.setdefault(area.region_id, (area.region, []))[1].append(area)
    return list(groups.values())


def choose_post_updates(subscriber: Subscriber, choice: str, now: datetime) -> None:
    """Set how the subscriber hears of new posts; a new choice counts from `now`."""
    if choice not in POST_UPDATES:
        raise ValueError(f"post updates must be one of {POST_UPDATES}, not {choice!r}")
    if choice != subscriber.post_updates or subscriber.post_updates_since is None:
        subscriber.post_updates, subscriber.post_updates_since = choice, now


def save(subscriber: Subscriber, preferences: Preferences, now: datetime) -> None:
    """Store the subscriber's choices. Unknown or inactive area ids are left out (the form
    refuses them with a message before this is called)."""
    choose_post_updates(subscriber, preferences.post_updates, now)
    wanted = set(preferences.area_ids) or {0}
    subscriber.areas = list(
        db.session.scalars(
            sa.select(ServiceArea).where(ServiceArea.id.in_(wanted), ServiceArea.active)
        )
    )
    db.session.flush()
