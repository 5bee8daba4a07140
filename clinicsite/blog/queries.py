"""Reads for the public blog.

Every function takes `now` and shows only posts that are published and due (see
`posts.public_condition`), so drafts and scheduled posts never leak through a list, a feed
or a search. Collections a template loops over are loaded with selectinload: a page issues
the same number of queries for 3 posts or 3,000.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import abort
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import load_only, selectinload

from clinicsite.blog.posts import newest_first, public_condition
from clinicsite.extensions import db
from clinicsite.models import (
    Category,
    Comment,
    Post,
    PostRedirect,
    Service,
    StaffUser,
    Tag,
    post_category,
    post_tag,
)

PER_PAGE = 10
MAX_PAGE = 10_000  # far beyond any real blog; keeps the OFFSET inside a database integer
MAX_QUERY_LENGTH = 200
FEED_SIZE = 20
RELATED_SIZE = 3


def public_posts(now: datetime) -> sa.Select:
    """Published-and-due posts, with what a list shows of them (categories)."""
    return sa.select(Post).where(public_condition(now)).options(selectinload(Post.categories))


def paginate(query: sa.Select, page: int) -> Pagination:
    """One page of PER_PAGE posts; 404 past the last page (the first page may be empty)."""
    if not 1 <= page <= MAX_PAGE:
        abort(404)
    return db.paginate(query, page=page, per_page=PER_PAGE, max_per_page=PER_PAGE, count=True)


def clean_search(raw: str | None) -> str:
    """The search words as typed, without NUL (PostgreSQL refuses it), at most 200 chars."""
    return " ".join((raw or "").replace("\x00", " ").split())[:MAX_QUERY_LENGTH]


def search(query: sa.Select, words: str, dialect: str) -> sa.Select:
    """Narrow `query` to posts matching `words`, best match first.

    PostgreSQL: full-text search over title and body (stemmed English, web-search syntax:
    "quoted phrases", -excluded words), ranked. Elsewhere (SQLite): a case-insensitive
    substring match on title, summary or body, newest first.
    """
    if dialect == "postgresql":
        document = sa.func.to_tsvector("english", Post.title + " " + Post.body)
        wanted = sa.func.websearch_to_tsquery("english", words)
        return query.where(document.op("@@")(wanted)).order_by(
            sa.func.ts_rank(document, wanted).desc(), Post.published_at.desc(), Post.id.desc()
        )
    pattern = "%" + like_escape(words) + "%"
    return newest_first(
        query.where(
            sa.or_(
                Post.title.ilike(pattern, escape="\\"),
                Post.summary.ilike(pattern, escape="\\"),
                Post.body.ilike(pattern, escape="\\"),
            )
        )
    )


def like_escape(text: str) -> str:
    """`text` with LIKE's wildcards taken literally (ESCAPE '\\')."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def in_category(query: sa.Select, category: Category) -> sa.Select:
    return newest_first(query.where(Post.categories.any(Category.id == category.id)))


def with_tag(query: sa.Select, tag: Tag) -> sa.Select:
    return newest_first(query.where(Post.tags.any(Tag.id == tag.id)))


def category_or_404(slug: str) -> Category:
    return db.first_or_404(sa.select(Category).where(Category.slug == slug))


def tag_or_404(slug: str) -> Tag:
    return db.first_or_404(sa.select(Tag).where(Tag.slug == slug))


@dataclass(frozen=True)
class Found:
    """The post a slug leads to; `moved` when the slug is an old one (answer with a 301)."""

    post: Post
    moved: bool = False


def find_public_post(slug: str, now: datetime) -> Found | None:
    """The public post at `slug` (fully loaded for its page), or the one that used to be
    there; None for unknown slugs, drafts and posts not yet due."""
    post = db.session.scalar(
        sa.select(Post)
        .where(Post.slug == slug, public_condition(now))
        .options(
            selectinload(Post.categories),
            selectinload(Post.tags),
            selectinload(Post.author),
            selectinload(Post.services).selectinload(Service.options),
        )
    )
    if post is not None:
        return Found(post)
    moved = db.session.scalar(
        sa.select(Post)
        .join(PostRedirect, PostRedirect.post_id == Post.id)
        .where(PostRedirect.old_slug == slug, public_condition(now))
    )
    return Found(moved, moved=True) if moved is not None else None


def related_posts(post: Post, now: datetime, limit: int = RELATED_SIZE) -> list[Post]:
    """Other public posts sharing a category or a tag with `post`, newest first."""
    category_ids = [c.id for c in post.categories]
    tag_ids = [t.id for t in post.tags]
    if not category_ids and not tag_ids:
        return []
    shares = sa.or_(
        Post.id.in_(
            sa.select(post_category.c.post_id).where(post_category.c.category_id.in_(category_ids))
        ),
        Post.id.in_(sa.select(post_tag.c.post_id).where(post_tag.c.tag_id.in_(tag_ids))),
    )
    query = sa.select(Post).where(public_condition(now), Post.id != post.id, shares)
    return list(db.session.scalars(newest_first(query).limit(limit)))


def approved_comments(post: Post) -> list[Comment]:
    return list(
        db.session.scalars(
            sa.select(Comment)
            .where(Comment.post_id == post.id, Comment.status == "approved")
            .order_by(Comment.created_at, Comment.id)
        )
    )


def feed_posts(now: datetime, limit: int = FEED_SIZE) -> list[Post]:
    """The newest `limit` public posts with the columns the Atom feed renders: the HTML body
    but not the Markdown it came from, the author's and categories' names only. Anything
    else the template touched would raise rather than cost a query per post."""
    query = (
        sa.select(Post)
        .where(public_condition(now))
        .options(
            load_only(
                Post.slug,
                Post.title,
                Post.summary,
                Post.body_html,
                Post.published_at,
                Post.created_at,
                Post.updated_at,
                Post.author_id,
                raiseload=True,
            ),
            selectinload(Post.categories).load_only(Category.slug, Category.name),
            selectinload(Post.author).load_only(StaffUser.name),
        )
    )
    return list(db.session.scalars(newest_first(query).limit(limit)))
