"""Blog publishing: what saving, publishing, scheduling, unpublishing and deleting a post
do, with no request in here. The staff editor turns its form into a `PostChanges` and
passes the acting staff member as an `Actor`, so any other caller (a command, an import)
follows the same rules.

Every save renders the body (`posts.render`) and writes an audit event in the same
transaction. When a post that has been public changes its slug, the old slug is kept as a
PostRedirect so old links answer with a 301.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from clinicsite.audit import Actor, record_change
from clinicsite.blog import posts
from clinicsite.extensions import db
from clinicsite.models import Category, Comment, Post, PostRedirect, Service, Tag
from clinicsite.text import cut_slug, slugify
from clinicsite.timefmt import long_datetime

MAX_TAXONOMY_SLUG = 80  # Category.slug and Tag.slug
ACTIONS = ("save", "publish", "schedule", "unpublish")
AUDIT_ACTIONS = {
    "save": "updated",
    "publish": "published",
    "schedule": "scheduled",
    "unpublish": "unpublished",
}
FILTERS = ("all", "drafts", "scheduled", "published")


@dataclass(frozen=True)
class PostChanges:
    """What an editor asked for, as plain values."""

    title: str
    slug: str
    summary: str = ""
    body: str = ""
    seo_title: str = ""
    seo_description: str = ""
    cover_alt: str = ""
    category_ids: list[int] = field(default_factory=list)
    new_categories: list[str] = field(default_factory=list)  # names; created when missing
    tags: list[str] = field(default_factory=list)  # names; created when missing
    service_ids: list[int] = field(default_factory=list)
    action: str = "save"  # one of ACTIONS
    scheduled_at: datetime | None = None  # for "schedule"
    cover: str | None = None  # the name of a newly stored cover image
    remove_cover: bool = False


TEXT_FIELDS = ("title", "summary", "body", "seo_title", "seo_description", "cover_alt")


@dataclass(frozen=True)
class Saved:
    post: Post
    dropped_cover: str | None  # a cover image no longer used, for the caller to delete


# ---- What a post is, in words --------------------------------------------------------------


def status_label(post: Post, now: datetime, tz: ZoneInfo) -> str:
    """'Draft', 'Scheduled for Sunday, November 1, 2026 at 1:30 AM PDT', 'Published May 4, 2026'"""
    if post.status != "published" or post.published_at is None:
        return "Draft"
    if post.published_at > now:
        return f"Scheduled for {long_datetime(post.published_at, tz)}"
    return f"Published {post.published_at.astimezone(tz):%B %-d, %Y}"


def ever_public(post: Post, now: datetime) -> bool:
    """Public now, or public once and unpublished since (unpublishing keeps the date)."""
    return post.published_at is not None and post.published_at <= now


def filter_condition(show: str, now: datetime):
    if show == "drafts":
        return Post.status == "draft"
    if show == "scheduled":
        return sa.and_(Post.status == "published", Post.published_at > now)
    if show == "published":
        return posts.public_condition(now)
    return sa.true()


def snapshot(post: Post) -> dict[str, Any]:
    """What the audit log keeps; the body by size and digest, not in full, each time."""
    body = post.body or ""
    return {
        "title": post.title,
        "slug": post.slug,
        "summary": post.summary,
        "status": post.status,
        "published_at": post.published_at.isoformat() if post.published_at else None,
        "body_chars": len(body),
        "body_sha256": hashlib.sha256(body.encode()).hexdigest(),
        "cover_image": post.cover_image,
        "cover_alt": post.cover_alt,
        "seo_title": post.seo_title,
        "seo_description": post.seo_description,
        "categories": sorted(c.slug for c in post.categories),
        "tags": sorted(t.slug for t in post.tags),
        "service_ids": sorted(s.id for s in post.services),
    }


# ---- Changing a post -----------------------------------------------------------------------


def save(post: Post | None, changes: PostChanges, actor: Actor, now: datetime) -> Saved | None:
    """Create (`post` None) or change a post and commit; None, with nothing saved, when the
    database refused (a slug, category or tag taken at the same moment)."""
    if changes.action not in ACTIONS:
        raise ValueError(f"unknown action {changes.action!r}")
    created = post is None
    before = {} if created else snapshot(post)
    old_cover = None if created else post.cover_image
    with db.session.no_autoflush:  # no half-built post may reach the database early
        if created:
            post = Post(author_id=actor.staff_id, status="draft")
            db.session.add(post)
        keep_old = ever_public(post, now)
        _apply(post, changes)
        change_slug(post, changes.slug, keep_old)
        apply_action(post, changes.action, now, changes.scheduled_at)
        if changes.cover is not None:
            post.cover_image = changes.cover
        elif changes.remove_cover:
            post.cover_image = None
        post.updated_at = now
        posts.render(post)
    action = "created" if created and changes.action == "save" else AUDIT_ACTIONS[changes.action]
    try:
        db.session.flush()
        record_change("post", post.id, action, actor, before, snapshot(post))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    dropped = old_cover if old_cover and old_cover != post.cover_image else None
    return Saved(post, dropped)


def delete(post: Post, actor: Actor) -> str | None:
    """Delete the post with its comments and redirects; return its cover image's name, for
    the caller to remove once the deletion is committed."""
    post_id, before, cover = post.id, snapshot(post), post.cover_image
    # PostgreSQL cascades these; SQLite only when foreign keys are switched on.
    db.session.execute(sa.delete(Comment).where(Comment.post_id == post_id))
    db.session.execute(sa.delete(PostRedirect).where(PostRedirect.post_id == post_id))
    db.session.delete(post)
    record_change("post", post_id, "deleted", actor, before, {})
    db.session.commit()
    return cover


def find_or_make(model, typed_names: list[str]) -> list:
    """Categories or tags by name: existing ones by slug, new ones created, no duplicates."""
    wanted: dict[str, str] = {}
    for name in typed_names:
        wanted.setdefault(cut_slug(slugify(name), MAX_TAXONOMY_SLUG), name)
    if not wanted:
        return []
    existing = {
        row.slug: row for row in db.session.scalars(sa.select(model).where(model.slug.in_(wanted)))
    }
    return [existing.get(slug) or model(slug=slug, name=name) for slug, name in wanted.items()]


def _apply(post: Post, changes: PostChanges) -> None:
    for name in TEXT_FIELDS:
        setattr(post, name, getattr(changes, name))
    chosen = changes.category_ids
    categories = (
        db.session.scalars(sa.select(Category).where(Category.id.in_(chosen))) if chosen else []
    )
    by_slug = {c.slug: c for c in categories}
    for category in find_or_make(Category, changes.new_categories):
        by_slug.setdefault(category.slug, category)
    post.categories = list(by_slug.values())
    post.tags = find_or_make(Tag, changes.tags)
    ids = changes.service_ids
    post.services = (
        list(db.session.scalars(sa.select(Service).where(Service.id.in_(ids)))) if ids else []
    )


def change_slug(post: Post, new_slug: str, keep_old: bool) -> None:
    """Move the post to `new_slug`; `keep_old` leaves the old slug redirecting here.
    Taking back one of the post's own old slugs drops that redirect."""
    old = post.slug
    if old == new_slug:
        return
    reclaimed = db.session.get(PostRedirect, new_slug)
    if reclaimed is not None and reclaimed.post_id == post.id:
        db.session.delete(reclaimed)
    if old and keep_old:
        db.session.add(PostRedirect(old_slug=old, post_id=post.id))
    post.slug = new_slug


def apply_action(post: Post, action: str, now: datetime, scheduled_at: datetime | None) -> None:
    if action == "publish" and not posts.is_public(post, now):
        post.status, post.published_at = "published", now
    elif action == "schedule":
        post.status, post.published_at = "published", scheduled_at
    elif action == "unpublish":
        if post.published_at is not None and post.published_at > now:
            post.published_at = None  # only scheduled, never public: nothing to remember
        post.status = "draft"
