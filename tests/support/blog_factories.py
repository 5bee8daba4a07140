"""Build blog rows for tests. Like tests/support/factories.py: each function needs an app context
and leaves committing to the caller; unique slugs come from a counter."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from clinicsite.blog.posts import render
from clinicsite.extensions import db
from clinicsite.models import Category, Comment, Post, PostRedirect, Tag

_seq = itertools.count(1)

# A fixed "now" for blog tests: Tuesday 2026-03-10, 10:00 in Los Angeles (PDT).
NOW = datetime(2026, 3, 10, 17, 0, tzinfo=UTC)


def make_category(name: str | None = None, **fields) -> Category:
    n = next(_seq)
    category = Category(
        slug=fields.pop("slug", f"category-{n}"), name=name or f"Category {n}", **fields
    )
    db.session.add(category)
    return category


def make_tag(name: str | None = None, **fields) -> Tag:
    n = next(_seq)
    tag = Tag(slug=fields.pop("slug", f"tag-{n}"), name=name or f"Tag {n}", **fields)
    db.session.add(tag)
    return tag


def make_post(
    title: str | None = None,
    *,
    body: str | None = None,
    status: str = "published",
    published_at: datetime | None = None,
    categories=(),
    tags=(),
    services=(),
    author=None,
    old_slugs=(),
    **fields,
) -> Post:
    """A post rendered as the editor saves it; published a day before NOW unless told."""
    n = next(_seq)
    title = title or f"Post {n}"
    post = Post(
        slug=fields.pop("slug", f"post-{n}"),
        title=title,
        summary=fields.pop("summary", f"What {title} is about."),
        body=body if body is not None else f"The body of **{title}**.\n\nA second paragraph.",
        status=status,
        published_at=published_at
        if published_at is not None
        else (NOW - timedelta(days=1) if status == "published" else None),
        author=author,
        created_at=fields.pop("created_at", NOW - timedelta(days=2)),
        updated_at=fields.pop("updated_at", NOW - timedelta(days=2)),
        **fields,
    )
    post.categories = list(categories)
    post.tags = list(tags)
    post.services = list(services)
    render(post)
    db.session.add(post)
    for old in old_slugs:
        db.session.add(PostRedirect(old_slug=old, post=post))
    return post


def make_comment(post: Post, status: str = "approved", **fields) -> Comment:
    n = next(_seq)
    comment = Comment(
        post=post,
        name=fields.pop("name", f"Reader {n}"),
        email=fields.pop("email", f"reader{n}@example.org"),
        body=fields.pop("body", f"Comment number {n}."),
        status=status,
        **fields,
    )
    db.session.add(comment)
    return comment
