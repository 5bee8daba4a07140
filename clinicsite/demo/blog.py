"""Load the demo blog (categories, tags, posts and a few readers' comments, from
`content/blog.toml` and `content/posts/`); `seed.load_demo` calls it.

Like the rest of the demo it only creates what is missing (posts, categories and tags are
matched by slug) and never changes what exists, so running it twice is harmless. Every
person, email address and comment here is invented.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from clinicsite.demo.content import DemoContent
from clinicsite.extensions import db
from clinicsite.models import (
    Category,
    Comment,
    Post,
    PostRedirect,
    Service,
    StaffUser,
    Tag,
)


def _published_at(spec: dict[str, Any], now: datetime) -> datetime | None:
    if spec["status"] != "published":
        return None
    day = now - timedelta(days=spec["days_ago"])
    # Mid-morning in Los Angeles; with days_ago >= 1 this stays in the past.
    return day.replace(hour=17, minute=0, second=0, microsecond=0)


def _ensure(model, slug: str, **fields: Any):
    """Return (row, created) for the row with `slug`, creating it when missing."""
    row = db.session.scalar(sa.select(model).where(model.slug == slug))
    if row is not None:
        return row, False
    row = model(slug=slug, **fields)
    db.session.add(row)
    return row, True


def _post_exists(slug: str) -> bool:
    """True when a post has the slug, or had it before staff renamed the post."""
    if db.session.scalar(sa.select(Post.id).where(Post.slug == slug)) is not None:
        return True
    redirect = db.session.scalar(
        sa.select(PostRedirect.post_id).where(PostRedirect.old_slug == slug)
    )
    return redirect is not None


Count = Callable[[str, bool], None]


def load_blog_demo(content: DemoContent, now: datetime, count: Count) -> None:
    """Create the demo categories, tags, posts and comments that are missing.

    `now` places the posts in time (published ones `days_ago` before it, the scheduled
    one after it); `count(kind, created)` tallies the rows, as in `seed.load_demo`.
    Comments are added only for posts created by this call."""
    db.session.flush()
    categories = {}
    for c in content.categories:
        category, new = _ensure(Category, c["slug"], name=c["name"], description=c["description"])
        categories[c["slug"]] = category
        count("categories", new)
    tags = {}
    for slug, name in content.tags.items():
        tags[slug], new = _ensure(Tag, slug, name=name)
        count("tags", new)
    links = _PostLinks(categories, tags, *_services_and_authors(content.posts))
    for spec in content.posts:
        comments = [c for c in content.comments if c["post"] == spec["slug"]]
        if _post_exists(spec["slug"]):
            count("posts", False)
            for _ in comments:
                count("comments", False)
            continue
        post = _new_post(spec, links, now)
        count("posts", True)
        for c in comments:
            _add_comment(post, c, now)
            count("comments", True)


@dataclass(frozen=True)
class _PostLinks:
    """The rows a post's front matter names by slug (or, for the author, by email)."""

    categories: dict[str, Category]
    tags: dict[str, Tag]
    services: dict[str, Service]
    authors: dict[str, StaffUser]


def _services_and_authors(posts: list[dict[str, Any]]):
    wanted = {slug for p in posts for slug in p["services"]}
    services = {
        s.slug: s for s in db.session.scalars(sa.select(Service).where(Service.slug.in_(wanted)))
    }
    emails = {p["author"] for p in posts}
    authors = {
        u.email: u
        for u in db.session.scalars(sa.select(StaffUser).where(StaffUser.email.in_(emails)))
    }
    return services, authors


def _new_post(spec: dict[str, Any], links: _PostLinks, now: datetime) -> Post:
    # Imported here, not at the top: the blog package loads its routes and everything they
    # import, which importing the demo alone should not do.
    from clinicsite.blog import posts

    published_at = _published_at(spec, now)
    written_at = min(published_at, now) if published_at else now
    post = Post(
        slug=spec["slug"],
        title=spec["title"],
        summary=spec["summary"],
        body=spec["body"],
        seo_title=spec.get("seo_title", ""),
        seo_description=spec.get("seo_description", ""),
        status=spec["status"],
        published_at=published_at,
        author=links.authors.get(spec["author"]),
        categories=[links.categories[slug] for slug in spec["categories"]],
        tags=[links.tags[slug] for slug in spec["tags"]],
        services=[links.services[s] for s in spec["services"] if s in links.services],
        created_at=written_at,
        updated_at=written_at,
    )
    posts.render(post)
    db.session.add(post)
    return post


def _add_comment(post: Post, spec: dict[str, Any], now: datetime) -> None:
    # Comments belong to published posts; keep them in the past all the same.
    start = post.published_at or now
    posted = min(start + timedelta(days=spec["days_after"], hours=3), now)
    moderated = min(posted + timedelta(hours=5), now) if spec["status"] == "approved" else None
    db.session.add(
        Comment(
            post=post,
            name=spec["name"],
            email=spec["email"],
            body=spec["body"],
            status=spec["status"],
            created_at=posted,
            moderated_at=moderated,
        )
    )
