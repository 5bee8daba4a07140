"""Posts: rendering, what counts as public, and the reads other parts of the site make of
the blog (the home page's teasers, the sitemap). Used by the public blog, the editor, the
public pages and the demo loader alike; nothing here needs a request."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import Category, Post, Tag, post_category, post_tag
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


class PostStamp(NamedTuple):
    slug: str
    updated_at: datetime
    last_changed: datetime  # as readers see it (last_changed above)


@dataclass(frozen=True)
class Stamps:
    """When each public post, and each category and tag page, last changed (the sitemap).
    `posts` oldest first; `categories` and `tags` are (slug, newest last_changed among their
    public posts), by slug, only those listing a public post."""

    posts: list[PostStamp]
    categories: list[tuple[str, datetime]]
    tags: list[tuple[str, datetime]]


def public_stamps(now: datetime) -> Stamps:
    """Three queries whatever the number of posts, of slugs, ids and times only: never a
    body, never a full row."""
    rows = db.session.execute(
        sa.select(Post.id, Post.slug, Post.updated_at, Post.published_at)
        .where(public_condition(now))
        .order_by(Post.published_at, Post.id)
    )
    posts = {
        post_id: PostStamp(slug, updated, max(updated, published))
        for post_id, slug, updated, published in rows
    }
    return Stamps(
        posts=list(posts.values()),
        categories=_term_stamps(posts, Category, post_category.c.category_id),
        tags=_term_stamps(posts, Tag, post_tag.c.tag_id),
    )


def _term_stamps(
    posts: dict[int, PostStamp], term: type[Category] | type[Tag], term_id: sa.Column
) -> list[tuple[str, datetime]]:
    # The link rows alone, matched with the posts already read: joining the post table again
    # would make SQLite walk every post's body to reach its times.
    links = db.session.execute(
        sa.select(term.slug, term_id.table.c.post_id).join(term_id.table, term_id == term.id)
    )
    newest: dict[str, datetime] = {}
    for slug, post_id in links:
        post = posts.get(post_id)
        if post is not None and (slug not in newest or post.last_changed > newest[slug]):
            newest[slug] = post.last_changed
    return sorted(newest.items())  # by slug, the same on PostgreSQL and SQLite
