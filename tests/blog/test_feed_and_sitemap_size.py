"""The sitemap and the Atom feed on a growing blog: the same queries for 3 posts or 300, and
no post text read that the page does not show (the sitemap none; the feed no Markdown)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from clinicsite.extensions import db
from tests.support.blog_factories import NOW, make_category, make_post, make_tag
from tests.support.factories import make_area, make_clinic, make_service, make_staff

PAGES = ["/sitemap.xml", "/blog/feed.xml"]


def build_blog(app, size: int) -> None:
    """`size` public posts (and a draft) over 3 authors, 4 categories and 4 tags, in a clinic
    of 3 services and 2 areas."""
    with app.app_context():
        make_clinic()
        services = [make_service() for _ in range(3)]
        make_area(services=services[:2])
        make_area(services=services[1:])
        authors = [make_staff(role="editor") for _ in range(3)]
        categories = [make_category() for _ in range(4)]
        tags = [make_tag() for _ in range(4)]
        for i in range(size):
            make_post(
                published_at=NOW - timedelta(hours=i + 1),
                author=authors[i % 3],
                categories=categories[i % 4 : i % 4 + 2],
                tags=tags[: i % 4 + 1],
            )
        make_post(status="draft", categories=categories[:1], tags=tags[:1])
        db.session.commit()


def statements_for(migrated, monkeypatch, size: int, url: str) -> list[str]:
    """The SQL of one GET of `url` (after a warm-up) on a blog of `size` posts."""
    from tests.support.app import make_app, statements_for_page, wipe

    monkeypatch.setattr("clinicsite.clock.now", lambda: NOW)
    app = make_app(migrated)
    try:
        build_blog(app, size)
        return statements_for_page(app, app.test_client(), url)
    finally:
        wipe(app)


def reads_column(statements: list[str], column: str) -> bool:
    return any(re.search(rf"\bpost\.{column}\b", s) for s in statements)


@pytest.mark.parametrize("url", PAGES)
def test_the_same_queries_for_3_or_300_posts(migrated, monkeypatch, url):
    small = statements_for(migrated, monkeypatch, 3, url)
    large = statements_for(migrated, monkeypatch, 300, url)
    assert len(small) == len(large), f"{url}: {len(small)} queries with 3, {len(large)} with 300"
    assert len(small) <= 10


def test_the_sitemap_reads_no_post_text(migrated, monkeypatch):
    statements = statements_for(migrated, monkeypatch, 3, "/sitemap.xml")
    assert reads_column(statements, "slug")
    for column in ["body", "body_html", "title", "summary"]:
        assert not reads_column(statements, column), column


def test_the_feed_reads_the_html_it_shows_but_not_the_markdown(migrated, monkeypatch):
    statements = statements_for(migrated, monkeypatch, 3, "/blog/feed.xml")
    assert reads_column(statements, "body_html")
    assert not reads_column(statements, "body")
    assert any(re.search(r"\bLIMIT\b", s) for s in statements)  # never every post
