"""No hostile input survives into a page: post bodies (Markdown), titles and summaries,
comment names and bodies. The pages are parsed and every element checked for anything a
browser would run."""

from __future__ import annotations

import pytest

from clinicsite.extensions import db
from clinicsite.models import Comment
from tests.support.blog_factories import NOW, make_post
from tests.support.comment_helpers import submit
from tests.support.xss_payloads import PAYLOADS, executable_parts


def test_the_inspector_catches_what_it_should():
    # A check that cannot fail is no check: feed it raw payloads.
    for payload in [
        "<script>x</script>",
        "<img src=x onerror=y>",
        '<a href="javascript:x">',
        '<a href=" JaVaScRiPt:x">',
        "<svg onload=x>",
    ]:
        assert executable_parts(payload), payload


@pytest.fixture
def hostile_post(app, monkeypatch):
    """One post per payload: in its body, title and summary, with an approved comment
    whose name and body carry the payload too."""
    monkeypatch.setattr("clinicsite.clock.now", lambda: NOW)
    slugs = []
    with app.app_context():
        for i, payload in enumerate(PAYLOADS):
            post = make_post(
                title=f"Title {i} {payload}",
                summary=f"Summary {payload}",
                body=f"Paragraph before.\n\n{payload}\n\nParagraph after {payload}",
                slug=f"hostile-{i}",
            )
            db.session.flush()
            db.session.add(
                Comment(
                    post_id=post.id,
                    name=f"Name {payload}"[:80],
                    email="x@example.com",
                    body=f"Comment {payload}",
                    status="approved",
                )
            )
            slugs.append(post.slug)
        db.session.commit()
    return slugs


def test_no_payload_survives_into_post_pages(client, hostile_post):
    assert len(PAYLOADS) >= 30
    for slug, payload in zip(hostile_post, PAYLOADS, strict=True):
        response = client.get(f"/blog/{slug}")
        assert response.status_code == 200, payload
        assert executable_parts(response.get_data(as_text=True)) == [], payload


def test_no_payload_survives_into_lists_feed_and_search(client, hostile_post):
    pages = ["/blog/", "/blog/?page=2", "/blog/?page=3", "/blog/?page=4", "/", "/sitemap.xml"]
    pages += ["/blog/?q=alert", "/blog/?q=%3Cscript%3Ealert(1)%3C/script%3E"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert executable_parts(response.get_data(as_text=True)) == [], url
    feed = client.get("/blog/feed.xml").get_data(as_text=True)
    # In Atom the HTML content is escaped text: no raw tag may appear in the XML itself.
    assert "<script" not in feed and "<img" not in feed and "<svg" not in feed


def test_hostile_comments_submitted_by_readers_are_stored_as_text(app, client, clock):
    """Through the real comment form (five: its rate limit), approved and shown escaped."""
    with app.app_context():
        make_post(slug="open-for-comments")
        db.session.commit()
    for payload in PAYLOADS[:5]:
        response = submit(
            client, clock, slug="open-for-comments", name=f"N {payload}"[:80], body=f"B {payload}"
        )
        assert response.status_code in (302, 303), payload
    with app.app_context():
        for comment in db.session.scalars(db.select(Comment)):
            comment.status = "approved"
        db.session.commit()
    html = client.get("/blog/open-for-comments").get_data(as_text=True)
    assert executable_parts(html) == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown, as text
