"""sitemap.xml and robots.txt."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from clinicsite.extensions import db
from clinicsite.public import sitemap
from clinicsite.templating import absolute_url
from tests.support.blog_factories import NOW, make_category, make_post, make_tag

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_urls(client) -> list[tuple[str, str | None]]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    root = ET.fromstring(response.data)
    return [
        (u.findtext("sm:loc", namespaces=NS), u.findtext("sm:lastmod", namespaces=NS))
        for u in root.findall("sm:url", NS)
    ]


def test_every_url_in_the_sitemap_answers_200(clinic, client):
    entries = sitemap_urls(client)
    assert len(entries) > 50
    for loc, _ in entries:
        parts = urlsplit(loc)
        assert parts.scheme == "http" and parts.netloc == "localhost"
        assert client.get(parts.path).status_code == 200, loc


def test_sitemap_lists_every_public_page_with_lastmod(clinic, client):
    entries = dict(sitemap_urls(client))
    paths = {urlsplit(loc).path for loc in entries}
    assert {"/", "/services/", "/areas/", "/therapists/", "/contact"} <= paths
    assert "/services/discovery-session" in paths
    assert "/areas/el-segundo" in paths
    assert "/areas/venice/neuromuscular-therapy" in paths
    assert "/areas/venice/prenatal-massage" not in paths  # not offered there
    assert "/therapists/theo-nakamura" in paths
    # 9 areas, 51 offered (area, service) pairs in the test clinic.
    assert len([p for p in paths if p.count("/") == 3 and p.startswith("/areas/")]) == 51
    assert all(lastmod and lastmod.endswith("+00:00") for lastmod in entries.values())
    assert not any(p.startswith("/staff") for p in paths)


def test_robots_txt_names_the_sitemap_and_keeps_out_of_staff(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    body = response.get_data(as_text=True)
    assert "Disallow: /staff/" in body
    assert "Sitemap: http://localhost/sitemap.xml" in body


# --- past one file's limit: a sitemap index and its parts -------------------------------


@pytest.fixture
def posts(clinic, monkeypatch):
    """The test clinic with 12 public posts, a draft and a post scheduled for later, all in
    one category and tag; the site's clock stopped at NOW."""
    monkeypatch.setattr("clinicsite.clock.now", lambda: NOW)
    with clinic.app_context():
        category, tag = make_category(slug="recovery"), make_tag(slug="neck")
        for i in range(12):
            make_post(
                slug=f"public-{i}",
                published_at=NOW - timedelta(days=i + 1),
                categories=[category],
                tags=[tag],
            )
        make_post(slug="draft-post", status="draft", categories=[category], tags=[tag])
        make_post(slug="scheduled-post", published_at=NOW + timedelta(hours=2), tags=[tag])
        db.session.commit()
    return clinic


def parse(client, path: str) -> ET.Element:
    response = client.get(path)
    assert response.status_code == 200, path
    assert response.mimetype == "application/xml"
    return ET.fromstring(response.data)


def url_entries(root: ET.Element) -> list[tuple[str, str | None]]:
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    return [
        (u.findtext("sm:loc", namespaces=NS), u.findtext("sm:lastmod", namespaces=NS))
        for u in root.findall("sm:url", NS)
    ]


def test_one_file_while_everything_fits_and_no_parts(posts, client):
    entries = url_entries(parse(client, "/sitemap.xml"))
    assert len(entries) <= sitemap.MAX_URLS
    assert client.get("/sitemap-1.xml").status_code == 404


def test_past_the_limit_the_sitemap_is_an_index_of_parts_holding_the_same_urls(
    posts, client, monkeypatch
):
    whole = url_entries(parse(client, "/sitemap.xml"))
    monkeypatch.setattr(sitemap, "MAX_URLS", 20)

    index = parse(client, "/sitemap.xml")
    assert index.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    listed = [
        (s.findtext("sm:loc", namespaces=NS), s.findtext("sm:lastmod", namespaces=NS))
        for s in index.findall("sm:sitemap", NS)
    ]
    assert [loc for loc, _ in listed] == [
        f"http://localhost/sitemap-{n}.xml" for n in range(1, len(listed) + 1)
    ]
    assert len(listed) == -(-len(whole) // 20)

    union = []
    for loc, lastmod in listed:
        part = url_entries(parse(client, urlsplit(loc).path))
        assert 1 <= len(part) <= 20
        assert lastmod == max(stamp for _, stamp in part)  # the part's newest change
        union += part
    assert union == whole  # every URL once, each with the lastmod of the single file

    paths = {urlsplit(loc).path for loc, _ in union}
    assert {f"/blog/public-{i}" for i in range(12)} <= paths
    assert {"/blog/", "/blog/category/recovery", "/blog/tag/neck"} <= paths
    assert not {"/blog/draft-post", "/blog/scheduled-post"} & paths


@pytest.mark.parametrize(
    "path", ["/sitemap-0.xml", "/sitemap-99.xml", "/sitemap-01.xml", "/sitemap-x.xml"]
)
def test_an_unknown_part_is_not_found(posts, client, monkeypatch, path):
    monkeypatch.setattr(sitemap, "MAX_URLS", 20)
    assert client.get("/sitemap-1.xml").status_code == 200
    assert client.get(path).status_code == 404


def test_robots_txt_names_the_index_when_there_is_one(posts, client, monkeypatch):
    monkeypatch.setattr(sitemap, "MAX_URLS", 20)
    body = client.get("/robots.txt").get_data(as_text=True)
    assert "Sitemap: http://localhost/sitemap.xml" in body


def test_links_joined_onto_a_prefix_are_the_links_url_for_builds(app):
    with app.test_request_context():
        post_url = sitemap.link_maker("blog.post", "slug")
        pair_url = sitemap.link_maker("public.area_service", "area_slug", "service_slug")
        for slug in ["stiff-neck", "café & co", "a/b?c#d", "100%"]:
            assert post_url(slug) == absolute_url("blog.post", slug=slug)
            assert pair_url(slug, "x y") == absolute_url(
                "public.area_service", area_slug=slug, service_slug="x y"
            )
