"""The demo blog: its content rules, and how load_demo() loads it."""

from __future__ import annotations

import re
from collections import Counter
from contextlib import nullcontext
from datetime import UTC, datetime, timedelta
from unittest import mock

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from clinicsite.demo.content import load_content
from clinicsite.extensions import db
from clinicsite.models import (
    Category,
    Comment,
    Post,
    PostRedirect,
    Tag,
    post_category,
    post_service,
    post_tag,
)
from clinicsite.text import plain_text

CONTENT = load_content()
DEMO_STAFF_EMAILS = {
    "owner@example.com",
    "editor@example.com",
    *(f"{t['name'].split()[0].lower()}@example.com" for t in CONTENT.therapists),
}
TABLES = [Category, Tag, Post, Comment, post_category, post_tag, post_service]


def load(app, at: datetime | None = None) -> dict[str, int]:
    """load_demo() with a cheap staff password hash (the real one is slow on purpose),
    optionally with the clock stopped at `at`."""
    from clinicsite.demo import load_demo

    def cheap(password: str, *args, **kwargs) -> str:
        return generate_password_hash(password, method="pbkdf2:sha256:1")

    with (
        app.app_context(),
        mock.patch("clinicsite.demo.seed.generate_password_hash", cheap),
        mock.patch("clinicsite.clock.now", lambda: at) if at else nullcontext(),
    ):
        return load_demo()


def counts(app) -> dict[str, int]:
    with app.app_context():
        return {
            str(t): db.session.scalar(sa.select(sa.func.count()).select_from(t)) for t in TABLES
        }


def sentences(markdown: str) -> list[str]:
    """The sentences of a Markdown body, line by line, without list or heading markers."""
    found = []
    for paragraph in re.split(r"\n\s*\n", markdown):
        text = " ".join(
            re.sub(r"^\s*(#+|[-*>]|\d+\.)\s+", "", line) for line in paragraph.splitlines()
        )
        text = plain_text(text)
        for sentence in re.split(r"(?<=[.!?])[\"']?\s+", text):
            sentence = sentence.strip().lower()
            if len(sentence.split()) >= 3:
                found.append(sentence)
    return found


# ---------------------------------------------------------------- the content itself


def test_demo_blog_content_follows_the_house_rules():
    category_slugs = {c["slug"] for c in CONTENT.categories}
    service_slugs = {s["slug"] for s in CONTENT.services}
    assert len(CONTENT.categories) == 3
    assert len(CONTENT.posts) >= 8
    assert len({p["slug"] for p in CONTENT.posts}) == len(CONTENT.posts)
    for c in CONTENT.categories:
        assert c["description"].count(". ") == 0 and c["description"].endswith(".")
    for p in CONTENT.posts:
        slug = p["slug"]
        assert len(p["summary"]) <= 200, slug
        words = len(plain_text(p["body"]).split())
        assert 350 <= words <= 700, (slug, words)
        assert "\n## " in p["body"], slug
        assert re.search(r"^(- |\d+\. )", p["body"], re.M), f"{slug} has no list"
        assert "<" not in p["body"], f"{slug} has raw HTML"
        assert "](" not in p["body"] and "http" not in p["body"], f"{slug} links out"
        assert 1 <= len(p["categories"]) <= 2 and set(p["categories"]) <= category_slugs
        assert 2 <= len(p["tags"]) <= 5 and set(p["tags"]) <= set(CONTENT.tags)
        assert all(t == t.lower() for t in CONTENT.tags.values())
        assert 1 <= len(p["services"]) <= 2 and set(p["services"]) <= service_slugs
        assert p["author"] in DEMO_STAFF_EMAILS, slug
        if p["status"] == "draft":
            assert p["days_ago"] is None
        else:
            assert p["status"] == "published" and p["days_ago"] != 0
            assert p["days_ago"] <= 8 * 31
    post_slugs = {p["slug"] for p in CONTENT.posts}
    assert {c["post"] for c in CONTENT.comments} <= post_slugs
    assert all(c["email"].endswith("@example.com") for c in CONTENT.comments)


def test_no_sentence_is_used_twice_across_the_posts():
    seen = Counter(s for p in CONTENT.posts for s in sentences(p["body"]))
    repeated = [s for s, n in seen.items() if n > 1]
    assert not repeated


# ---------------------------------------------------------------- loaded by load_demo()


def test_load_demo_loads_the_blog(app):
    from clinicsite.blog import posts

    created = load(app)
    assert created["posts"] == len(CONTENT.posts) >= 8
    assert created["categories"] == 3
    assert created["comments"] == len(CONTENT.comments)
    with app.app_context():
        now = datetime.now(UTC)
        all_posts = db.session.scalars(sa.select(Post)).all()
        assert len(all_posts) >= 8

        categories = db.session.scalars(sa.select(Category)).all()
        assert len(categories) == 3
        used = Counter(c.slug for p in all_posts for c in p.categories)
        assert all(used[c.slug] for c in categories)

        tag_use = Counter(t.slug for p in all_posts for t in p.tags)
        assert max(tag_use.values()) >= 2
        assert set(tag_use) == {t.slug for t in db.session.scalars(sa.select(Tag))}

        drafts = [p for p in all_posts if p.status == "draft"]
        scheduled = [p for p in all_posts if p.status == "published" and p.published_at > now]
        assert len(drafts) == 1 and drafts[0].published_at is None
        assert len(scheduled) == 1
        assert now < scheduled[0].published_at < now + timedelta(days=14)

        public = db.session.scalars(sa.select(Post).where(posts.public_condition(now))).all()
        assert len(public) == len(all_posts) - 2
        oldest = min(p.published_at for p in public)
        assert now - timedelta(days=8 * 31) < oldest < now - timedelta(days=150)
        for post in all_posts:
            assert post.body_html.strip(), post.slug
            assert "<script" not in post.body_html.lower()
            assert "<h2>" in post.body_html
            assert post.reading_minutes >= 2
            assert post.author is not None and post.author.email in DEMO_STAFF_EMAILS
            assert post.services

        approved = db.session.scalars(sa.select(Comment).filter_by(status="approved")).all()
        pending = db.session.scalars(sa.select(Comment).filter_by(status="pending")).all()
        assert 2 <= len(approved) <= 4 and len(pending) == 1
        for comment in [*approved, *pending]:
            assert posts.is_public(comment.post, now)
            assert comment.post.published_at < comment.created_at <= now
        assert all(c.moderated_at for c in approved) and pending[0].moderated_at is None


def test_load_demo_twice_adds_nothing(app):
    load(app)
    before = counts(app)
    created = load(app)
    assert sum(created.values()) == 0, created
    assert counts(app) == before


def test_load_demo_keeps_blog_edits(app):
    post_slug = "why-necks-stiffen-in-the-afternoon"
    load(app)
    with app.app_context():
        post = db.session.scalar(sa.select(Post).filter_by(slug="the-afternoon-neck"))
        db.session.add(PostRedirect(old_slug=post.slug, post=post))
        post.slug = post_slug
        post.title = "Renamed by the editor"
        category = db.session.scalar(sa.select(Category).filter_by(slug="everyday-tension"))
        category.name = "Desk life"
        db.session.commit()
    before = counts(app)
    created = load(app)
    assert sum(created.values()) == 0, created
    assert counts(app) == before
    with app.app_context():
        assert db.session.scalar(sa.select(Post.id).filter_by(slug="the-afternoon-neck")) is None
        assert db.session.scalar(sa.select(Post.title).filter_by(slug=post_slug)) == (
            "Renamed by the editor"
        )
        assert db.session.scalar(sa.select(Category.name).filter_by(slug="everyday-tension")) == (
            "Desk life"
        )


def test_blog_follows_the_clock(app):
    moment = datetime(2026, 3, 2, 15, 30, tzinfo=UTC)
    load(app, at=moment)
    with app.app_context():
        dates = {
            p.slug: p.published_at
            for p in db.session.scalars(sa.select(Post).filter_by(status="published"))
        }
        for spec in CONTENT.posts:
            if spec["status"] == "published":
                expected = (moment - timedelta(days=spec["days_ago"])).date()
                assert dates[spec["slug"]].date() == expected
