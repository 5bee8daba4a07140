"""The public blog: lists, posts, search, category and tag pages, the Atom feed, the
sitemap and home-page entries -- and that drafts and scheduled posts stay out of all of them
until they are due."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from clinicsite.extensions import db
from clinicsite.models import Post
from tests.support.blog_factories import NOW, make_category, make_comment, make_post, make_tag
from tests.support.factories import (
    make_clinic,
    make_location,
    make_service,
    make_staff,
    make_therapist,
)

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
DUE = NOW + timedelta(hours=2)  # when the scheduled post goes out


def text(response) -> str:
    return response.get_data(as_text=True)


def jsonld(html: str, kind: str) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    (found,) = [b for b in map(json.loads, blocks) if b["@type"] == kind]
    return found


def meta(html: str, name: str) -> str | None:
    match = re.search(rf'<meta (?:name|property)="{re.escape(name)}" content="([^"]*)"', html)
    return match.group(1) if match else None


@pytest.fixture
def at(monkeypatch):
    """at(moment): stop the site's clock there."""

    def freeze(moment):
        monkeypatch.setattr("clinicsite.clock.now", lambda: moment)

    freeze(NOW)
    return freeze


@pytest.fixture
def blog(app, at):
    """A public post, a draft and a scheduled post, sharing a category and a tag."""
    with app.app_context():
        make_clinic()
        author = make_staff(role="editor", name="Noor Haddad")
        recovery = make_category("Recovery", slug="recovery", description="Getting better.")
        neck = make_tag("Neck", slug="neck")
        service = make_service("Neuromuscular Therapy", slug="neuromuscular-therapy")
        # Someone performs it, so the post's Book button leads to times (issue 15).
        make_therapist([service], [(make_location(), 2, "09:00", "17:00")])
        make_post(
            "Easing a stiff neck",
            slug="stiff-neck",
            old_slugs=["neck-pain-101"],
            body="Your **levator scapulae** works hard at a desk.",
            summary="Why necks stiffen and what helps.",
            author=author,
            categories=[recovery],
            tags=[neck],
            services=[service],
        )
        make_post(
            "Secret draft about shoulders",
            slug="draft-post",
            old_slugs=["old-draft"],
            status="draft",
            body="Unfinished thoughts on the zygomaticus.",
            categories=[recovery],
            tags=[neck],
        )
        make_post(
            "Coming soon: hamstrings",
            slug="scheduled-post",
            old_slugs=["old-scheduled"],
            published_at=DUE,
            body="The biceps femoris deserves attention.",
            categories=[recovery],
            tags=[neck],
        )
        db.session.commit()
    return app


# --- every page ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/blog/",
        "/blog/?q=neck",
        "/blog/stiff-neck",
        "/blog/category/recovery",
        "/blog/tag/neck",
    ],
)
def test_blog_pages_answer_200_with_one_h1_and_the_nav_link_current(blog, client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = text(response)
    assert len(re.findall(r"<h1[ >]", html)) == 1
    assert '<a href="/blog/" aria-current="page">Blog</a>' in html
    assert 'type="application/atom+xml"' in html and 'href="/blog/feed.xml"' in html


@pytest.mark.parametrize(
    "url",
    [
        "/blog/no-such-post",
        "/blog/category/no-such-category",
        "/blog/tag/no-such-tag",
        "/blog/category/",
        "/blog/?page=999",
        "/blog/?page=0",
        "/blog/?page=-3",
        "/blog/?page=two",
        "/blog/?page=99999999999999999999999",
        "/blog/category/recovery?page=5",
    ],
)
def test_unknown_slugs_and_pages_answer_404(blog, client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "We could not find that page" in text(response)


def test_the_blog_with_no_posts_says_so(app, client, at):
    html = text(client.get("/blog/"))
    assert "No posts yet" in html
    assert "From the blog" not in text(client.get("/"))
    feed = ET.fromstring(client.get("/blog/feed.xml").data)
    assert feed.findall(f"{ATOM}entry") == []
    assert feed.findtext(f"{ATOM}updated")


# --- what is public, and when ----------------------------------------------------------


def where_visible(client, slug: str, title: str, word: str) -> dict[str, bool]:
    """Which public places show the post `slug` (titled `title`, with `word` in its body)."""
    post_path = f"/blog/{slug}"
    feed = ET.fromstring(client.get("/blog/feed.xml").data)
    feed_links = {
        link.get("href") for link in feed.iter(f"{ATOM}link") if link.get("rel") == "alternate"
    }
    sitemap = ET.fromstring(client.get("/sitemap.xml").data)
    sitemap_paths = {urlsplit(loc.text).path for loc in sitemap.iterfind("sm:url/sm:loc", SITEMAP)}
    return {
        "page": client.get(post_path).status_code == 200,
        "list": post_path in text(client.get("/blog/")),
        "home": post_path in text(client.get("/")),
        "category": post_path in text(client.get("/blog/category/recovery")),
        "tag": post_path in text(client.get("/blog/tag/neck")),
        "feed": f"http://localhost{post_path}" in feed_links,
        "sitemap": post_path in sitemap_paths,
        "search by title": post_path in text(client.get("/blog/", query_string={"q": title})),
        "search by body": post_path in text(client.get("/blog/", query_string={"q": word})),
    }


def test_a_published_post_is_everywhere(blog, client):
    visible = where_visible(client, "stiff-neck", "stiff neck", "levator")
    assert all(visible.values()), visible


def test_a_draft_is_nowhere(blog, client, at):
    at(DUE + timedelta(days=365))  # however late it gets
    visible = where_visible(client, "draft-post", "Secret draft", "zygomaticus")
    assert not any(visible.values()), visible
    assert client.get("/blog/old-draft").status_code == 404


@pytest.mark.parametrize(
    "moment, public",
    [
        (DUE - timedelta(hours=1), False),
        (DUE - timedelta(seconds=1), False),
        (DUE, True),
        (DUE + timedelta(days=1), True),
    ],
)
def test_a_scheduled_post_appears_exactly_when_due(blog, client, at, moment, public):
    at(moment)
    visible = where_visible(client, "scheduled-post", "hamstrings", "femoris")
    assert visible == dict.fromkeys(visible, public)
    old = client.get("/blog/old-scheduled")
    assert old.status_code == (301 if public else 404)


def test_an_old_slug_answers_301_to_the_current_url(blog, client):
    response = client.get("/blog/neck-pain-101")
    assert response.status_code == 301
    assert response.headers["Location"] == "/blog/stiff-neck"


# --- the list --------------------------------------------------------------------------


def test_the_list_shows_date_in_the_clinic_zone_summary_reading_time_and_categories(
    app, client, at
):
    with app.app_context():
        make_clinic()
        category = make_category("Self-care", slug="self-care")
        # 05:30 UTC on the 10th is 22:30 on the 9th in Los Angeles.
        make_post(
            "Late evening post",
            published_at=NOW.replace(hour=5, minute=30),
            summary="A short summary.",
            body="word " * 700,
            categories=[category],
        )
        db.session.commit()
    html = text(client.get("/blog/"))
    assert "March 9, 2026" in html and "March 10, 2026" not in html
    assert "A short summary." in html
    assert "4 min read" in html  # 700 words at 220 a minute
    assert 'href="/blog/category/self-care"' in html


def test_the_list_is_paginated_newest_first(app, client, at):
    with app.app_context():
        make_clinic()
        for i in range(12):
            make_post(f"Numbered {i:02d}", published_at=NOW - timedelta(days=i + 1))
        db.session.commit()
    first = text(client.get("/blog/"))
    titles = re.findall(r">Numbered (\d\d)<", first)
    assert titles == [f"{i:02d}" for i in range(10)]
    assert 'rel="next" href="/blog/?page=2"' in first and "Page 1 of 2" in first
    second = text(client.get("/blog/?page=2"))
    assert re.findall(r">Numbered (\d\d)<", second) == ["10", "11"]
    assert 'rel="prev" href="/blog/"' in second
    assert client.get("/blog/?page=3").status_code == 404


# --- search ----------------------------------------------------------------------------


def search(client, q: str) -> str:
    response = client.get("/blog/", query_string={"q": q})
    assert response.status_code == 200
    return text(response)


def test_search_finds_by_title_and_body_in_any_case(blog, client):
    assert "/blog/stiff-neck" in search(client, "STIFF")
    assert "/blog/stiff-neck" in search(client, "Levator Scapulae")
    html = search(client, "quadratus")
    assert "/blog/stiff-neck" not in html
    assert "No posts match your search" in html
    assert 'name="robots" content="noindex, follow"' in html


def test_search_takes_like_wildcards_literally(app, client, at):
    with app.app_context():
        make_clinic()
        make_post("Percent post", slug="percent", body="Feel 100% better.")
        make_post("Other post", slug="other", body="Nothing special_here.")
        db.session.commit()
    assert "/blog/other" not in search(client, "%")
    assert "/blog/percent" in search(client, "100%")
    assert "/blog/percent" not in search(client, "_")  # only "other" has an underscore
    with app.app_context():
        dialect = db.engine.dialect.name
    if dialect == "sqlite":  # substring search; PostgreSQL matches whole words instead
        assert "/blog/other" in search(client, "l_h")


def test_search_matches_words_in_title_and_body(app, client, at):
    with app.app_context():
        make_clinic()
        make_post("Runners and calves", slug="calves", body="Tight hamstrings after a race.")
        make_post("Desk posture", slug="desk", body="Shoulders and screens.")
        make_post("Draft on hamstrings", slug="draft", body="Hamstrings.", status="draft")
        db.session.commit()
    assert "/blog/calves" in search(client, "hamstrings")  # body, any case
    assert "/blog/calves" in search(client, "Runners")  # title
    assert "/blog/desk" not in search(client, "hamstrings")
    assert "/blog/draft" not in search(client, "hamstrings")  # drafts are never found


@pytest.mark.parametrize(
    "q", ["x" * 5000, " \t ", "'; DROP TABLE post; --", "\\", "%%%", "<script>alert(1)</script>"]
)
def test_odd_searches_never_fail(blog, client, q):
    html = search(client, q)
    assert "<script>alert(1)</script>" not in html
    assert "x" * 201 not in html


def test_the_search_box_keeps_the_words(blog, client):
    html = search(client, "stiff neck")
    assert 'value="stiff neck"' in html
    assert "1 post found for “stiff neck”" in html


# --- a post ----------------------------------------------------------------------------


def test_the_post_page_shows_everything_about_the_post(blog, client):
    html = text(client.get("/blog/stiff-neck"))
    assert "<strong>levator scapulae</strong>" in html  # body_html as rendered
    assert "By Noor Haddad" in html
    assert "March 9, 2026" in html and "1 min read" in html
    assert 'href="/blog/category/recovery"' in html and 'href="/blog/tag/neck"' in html
    assert 'href="/book/?service=neuromuscular-therapy&amp;from=post:stiff-neck"' in html
    assert 'action="/blog/stiff-neck/comments#comment-form"' in html
    assert "0 comments" in html


def test_seo_title_and_description_win_over_title_and_summary(blog, client):
    html = text(client.get("/blog/stiff-neck"))
    assert "<title>Easing a stiff neck | Test Clinic</title>" in html
    assert meta(html, "description") == "Why necks stiffen and what helps."
    assert meta(html, "og:type") == "article"
    with blog.app_context():
        post = db.session.scalar(db.select(Post).filter_by(slug="stiff-neck"))
        post.seo_title, post.seo_description = "Stiff neck relief", "Desk workers, read this."
        db.session.commit()
    html = text(client.get("/blog/stiff-neck"))
    assert "<title>Stiff neck relief | Test Clinic</title>" in html
    assert meta(html, "description") == "Desk workers, read this."
    assert "<h1>Easing a stiff neck</h1>" in html


def test_blog_posting_structured_data(blog, client):
    html = text(client.get("/blog/stiff-neck"))
    data = jsonld(html, "BlogPosting")
    assert data["@context"] == "https://schema.org"
    assert data["headline"] == "Easing a stiff neck"
    assert data["description"] == "Why necks stiffen and what helps."
    assert data["datePublished"] == "2026-03-09T10:00:00-07:00"  # 17:00 UTC, in PDT
    assert data["dateModified"] == "2026-03-09T10:00:00-07:00"
    # An editor with no therapist profile: the clinic's site is their page.
    assert data["author"] == {"@type": "Person", "name": "Noor Haddad", "url": "http://localhost/"}
    assert data["publisher"]["@id"] == "http://localhost/#business"
    assert data["publisher"]["name"] == "Test Clinic"
    assert data["mainEntityOfPage"]["@id"] == "http://localhost/blog/stiff-neck"
    # No cover: the site's own share picture, so search results still show one.
    assert data["image"] == ["http://localhost/static/img/share.png"]
    crumbs = jsonld(html, "BreadcrumbList")["itemListElement"]
    assert [c["item"] for c in crumbs] == [
        "http://localhost/",
        "http://localhost/blog/",
        "http://localhost/blog/stiff-neck",
    ]


def test_the_cover_image_is_shown_when_the_site_serves_media(blog, client, monkeypatch):
    if "media" not in blog.view_functions:  # the media route is another module's
        blog.add_url_rule("/media/<name>", "media", lambda name: "")
    with blog.app_context():
        post = db.session.scalar(db.select(Post).filter_by(slug="stiff-neck"))
        post.cover_image, post.cover_alt = "abc123.jpg", "A person stretching"
        db.session.commit()
    html = text(client.get("/blog/stiff-neck"))
    assert '<img src="/media/abc123.jpg" alt="A person stretching">' in html
    assert jsonld(html, "BlogPosting")["image"] == ["http://localhost/media/abc123.jpg"]
    assert meta(html, "og:image") == "http://localhost/media/abc123.jpg"

    monkeypatch.delitem(blog.view_functions, "media")
    html = text(client.get("/blog/stiff-neck"))
    assert "abc123.jpg" not in html


def test_related_posts_share_a_category_or_tag_and_are_public(app, client, at):
    with app.app_context():
        make_clinic()
        shared_category, shared_tag = make_category(), make_tag()
        make_post("Main", slug="main", categories=[shared_category], tags=[shared_tag])
        for i in range(2):
            make_post(f"Same category {i}", slug=f"cat-{i}", categories=[shared_category])
        make_post("Same tag", slug="tagged", tags=[shared_tag])
        make_post(
            "Older same tag", slug="older", tags=[shared_tag], published_at=NOW - timedelta(days=9)
        )
        make_post("Unrelated", slug="unrelated", categories=[make_category()])
        make_post("Draft", slug="draft", status="draft", categories=[shared_category])
        db.session.commit()
    html = text(client.get("/blog/main"))
    section = html.split('id="related"', 1)[1].split("</section>", 1)[0]
    linked = set(re.findall(r'href="/blog/([^"]+)"', section))
    assert len(linked) == 3
    assert linked <= {"cat-0", "cat-1", "tagged", "older"}
    assert "older" not in linked  # newest first
    assert not {"main", "unrelated", "draft"} & linked


def test_inactive_services_are_not_offered_on_a_post(blog, client):
    from clinicsite.models import Service

    with blog.app_context():
        db.session.scalar(db.select(Service).filter_by(slug="neuromuscular-therapy")).active = False
        db.session.commit()
    assert "/book/?service=" not in text(client.get("/blog/stiff-neck"))


# --- the feed --------------------------------------------------------------------------


def test_the_atom_feed_is_valid_and_complete(blog, client):
    response = client.get("/blog/feed.xml")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}id") == "http://localhost/blog/"
    assert feed.findtext(f"{ATOM}title") == "Test Clinic – Blog"
    assert feed.findtext(f"{ATOM}updated") == "2026-03-09T17:00:00+00:00"
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links == {
        "self": "http://localhost/blog/feed.xml",
        "alternate": "http://localhost/blog/",
    }
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == "Test Clinic"

    (entry,) = feed.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}id").startswith("tag:localhost,")
    assert entry.findtext(f"{ATOM}title") == "Easing a stiff neck"
    assert entry.findtext(f"{ATOM}updated") == "2026-03-09T17:00:00+00:00"
    assert entry.findtext(f"{ATOM}published") == "2026-03-09T17:00:00+00:00"
    assert entry.find(f"{ATOM}link").get("href") == "http://localhost/blog/stiff-neck"
    assert entry.findtext(f"{ATOM}summary") == "Why necks stiffen and what helps."
    content = entry.find(f"{ATOM}content")
    assert content.get("type") == "html"
    assert "<strong>levator scapulae</strong>" in content.text  # escaped in the XML
    assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == ["recovery"]
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Noor Haddad"


def test_the_feed_holds_the_latest_20_and_survives_odd_characters(app, client, at):
    with app.app_context():
        make_clinic()
        for i in range(22):
            make_post(f"Post {i} & <more>", published_at=NOW - timedelta(hours=i + 1))
        make_post(
            "Control\x0bcharacter",
            body="Bell \x07 here",
            summary="Form\x0cfeed",
            published_at=NOW - timedelta(minutes=30),
        )
        db.session.commit()
    feed = ET.fromstring(client.get("/blog/feed.xml").data)
    titles = [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")]
    assert len(titles) == 20
    assert titles[0] == "Controlcharacter"
    assert titles[1] == "Post 0 & <more>" and titles[-1] == "Post 18 & <more>"


# --- sitemap and home ------------------------------------------------------------------


def test_the_sitemap_lists_public_posts_with_their_lastmod(blog, client):
    sitemap = ET.fromstring(client.get("/sitemap.xml").data)
    entries = {
        urlsplit(u.findtext("sm:loc", namespaces=SITEMAP)).path: u.findtext(
            "sm:lastmod", namespaces=SITEMAP
        )
        for u in sitemap.findall("sm:url", SITEMAP)
    }
    with blog.app_context():
        post = db.session.scalar(db.select(Post).filter_by(slug="stiff-neck"))
        updated = post.updated_at.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    assert entries["/blog/stiff-neck"] == updated
    assert "/blog/" in entries and "/blog/category/recovery" in entries
    assert "/blog/tag/neck" in entries
    assert not {"/blog/draft-post", "/blog/scheduled-post"} & set(entries)
    for path in entries:
        assert client.get(path).status_code == 200, path


def test_the_home_page_shows_the_three_latest_posts(app, client, at):
    with app.app_context():
        make_clinic()
        for i in range(4):
            make_post(f"Home post {i}", slug=f"home-{i}", published_at=NOW - timedelta(days=i + 1))
        make_post("Home draft", slug="home-draft", status="draft")
        db.session.commit()
    html = text(client.get("/"))
    assert "From the blog" in html
    assert re.findall(r'href="/blog/(home-[^"]+)"', html) == ["home-0", "home-1", "home-2"]


# --- a fixed number of queries ---------------------------------------------------------


def build_blog(app, size: int) -> None:
    with app.app_context():
        make_clinic()
        authors = [make_staff(role="editor") for _ in range(3)]
        categories = [make_category() for _ in range(4)]
        tags = [make_tag() for _ in range(4)]
        services = [make_service() for _ in range(3)]
        for i in range(size):
            post = make_post(
                slug="measured" if i == 0 else f"post-{i}-of-{size}",
                published_at=NOW - timedelta(hours=i + 1),
                author=authors[i % 3],
                categories=categories[i % 4 : i % 4 + 2],
                tags=tags[: i % 4 + 1],
                services=services[: i % 3 + 1],
            )
            for _ in range(i % 3 + 1):
                make_comment(post)
        db.session.commit()


PAGES = ["/blog/", "/blog/measured", "/blog/?q=post", "/blog/feed.xml", "/", "/sitemap.xml"]


def queries_for(migrated, monkeypatch, size: int, url: str) -> int:
    from tests.support.app import make_app, queries_for_page, wipe

    monkeypatch.setattr("clinicsite.clock.now", lambda: NOW)
    app = make_app(migrated)
    try:
        build_blog(app, size)
        return queries_for_page(app, app.test_client(), url)
    finally:
        wipe(app)


@pytest.mark.parametrize("url", PAGES)
def test_blog_pages_issue_the_same_queries_for_3_or_30_posts(migrated, monkeypatch, url):
    small = queries_for(migrated, monkeypatch, 3, url)
    large = queries_for(migrated, monkeypatch, 30, url)
    assert small == large, f"{url}: {small} queries with 3 posts, {large} with 30"
    assert small <= 16
