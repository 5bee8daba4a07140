"""sitemap.xml and robots.txt."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

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
