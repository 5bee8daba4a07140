"""Posts: rendering, what counts as public, and the reads other parts of the site make of
the blog (the home page's teasers, the sitemap). Used by the public blog, the editor, the
public pages and the demo loader alike; nothing here needs a request."""

from __future__ import annotations

import math
import re
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from clinicsite.extensions import db
from clinicsite.models import Post
from clinicsite.text import plain_text, render_markdown

WORDS_PER_MINUTE = 220


def render(post: Post) -> None:
    """Store the sanitized HTML and the reading time of the post's Markdown body.
    Call on every create and edit: pages show body_html as it is."""
    post.body_html = str(render_markdown(post.body))
    words = len(re.findall(r"\w+", plain_text(post.body)))
    post.reading_minutes = max(1, math.ceil(words / WORDS_PER_MINUTE))


def public_condition(now: datetime):
    """Published and due: a scheduled post turns public by itself when its time comes."""
    return sa.and_(Post.status == "published", Post.published_at <= now)


def is_public(post: Post, now: datetime) -> bool:
    return post.status == "published" and post.published_at is not None and post.published_at <= now


def last_changed(post: Post) -> datetime:
    """When the post last changed as readers see it: a scheduled post edited before it
    went out changed when it was published."""
    if post.published_at is None:
        return post.updated_at
    return max(post.updated_at, post.published_at)


def newest_first(query: sa.Select) -> sa.Select:
    return query.order_by(Post.published_at.desc(), Post.id.desc())


def latest_posts(now: datetime, limit: int) -> list[Post]:
    """The newest public posts, without their collections (home page teasers)."""
    query = sa.select(Post).where(public_condition(now))
    return list(db.session.scalars(newest_first(query).limit(limit)))


def next_scheduled(now: datetime) -> datetime | None:
    """When the next scheduled post becomes public by itself (no edit happens then)."""
    query = sa.select(sa.func.min(Post.published_at)).where(
        Post.status == "published", Post.published_at > now
    )
    return db.session.scalar(query)


def all_public_posts(now: datetime) -> list[Post]:
    """Every public post with its categories and tags (the sitemap)."""
    query = sa.select(Post).where(public_condition(now))
    query = query.options(selectinload(Post.categories), selectinload(Post.tags))
    return list(db.session.scalars(newest_first(query)))
