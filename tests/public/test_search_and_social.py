"""What search engines and link previews read off every public page: a description they
show whole, a picture that loads, one description of the business (the same @id and the
same areaServed wherever it appears, each studio with its address, position and hours),
and breadcrumbs as BreadcrumbList wherever they show."""

from __future__ import annotations

import html as html_lib
import re
from urllib.parse import urlsplit

import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import Location, ServiceArea
from tests.public.test_public_pages import PUBLIC_PAGES, jsonld_blocks, meta

PAGES = [
    *PUBLIC_PAGES,
    "/blog/",
    "/blog/five-minute-tennis-ball-routine",
    "/gift-cards/",
    "/packages/",
    "/newsletter",
]
BUSINESS = "http://localhost/#business"


def get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def visible_crumbs(html: str) -> list[str]:
    nav = re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.S)
    if nav is None:
        return []
    items = re.findall(r"<li>(.*?)</li>", nav.group(0), re.S)
    return [html_lib.unescape(re.sub(r"<[^>]+>", "", i)).strip() for i in items]


def test_every_page_has_a_short_description_a_picture_that_loads_and_a_card(clinic, client):
    for url in PAGES:
        html = get(client, url)
        description = html_lib.unescape(meta(html, "description") or "")
        assert 0 < len(description) <= 160, (url, description)
        assert html_lib.unescape(meta(html, "og:description")) == description
        assert meta(html, "twitter:card") == "summary_large_image", url
        image = meta(html, "og:image")
        assert image and image.startswith("http://localhost/"), (url, image)
        picture = client.get(urlsplit(image).path)
        assert picture.status_code == 200 and picture.mimetype.startswith("image/"), url
        assert picture.mimetype != "image/svg+xml", url  # previews do not show SVG
        picture.close()


def test_breadcrumbs_are_described_wherever_they_show(clinic, client):
    for url in PAGES:
        html = get(client, url)
        shown = visible_crumbs(html)
        lists = [b for b in jsonld_blocks(html) if b["@type"] == "BreadcrumbList"]
        if not shown:
            assert lists == [], url
            continue
        assert len(lists) == 1, url
        items = lists[0]["itemListElement"]
        assert [i["name"] for i in items] == shown, url
        assert [i["position"] for i in items] == list(range(1, len(shown) + 1))
        assert all(i["item"].startswith("http://localhost/") for i in items), url


def test_one_business_with_every_area_and_each_studio(clinic, client):
    with clinic.app_context():
        areas = set(db.session.scalars(sa.select(ServiceArea.name).where(ServiceArea.active)))
        studios = db.session.scalars(sa.select(Location).where(Location.active)).all()
        expected = {f"http://localhost/#studio-{s.slug}": s for s in studios}
        studio_slugs = {s.slug: (s.latitude, s.street) for s in studios}
    described = []
    for url in PAGES:
        for block in jsonld_blocks(get(client, url)):
            if block.get("@id") == BUSINESS:
                described.append((url, block))
    assert {url for url, _ in described} >= {"/", "/contact", "/areas/hermosa-beach"}
    first = described[0][1]
    assert all(block == first for _, block in described), "the business differs by page"
    assert {a["name"] for a in first["areaServed"]} == areas
    assert first["image"].endswith("/static/img/share.png")
    assert re.fullmatch(r"\$\d+(–\$\d+)?", first["priceRange"]), first["priceRange"]
    assert first["geo"]["@type"] == "GeoCoordinates"
    departments = {d["@id"]: d for d in first["department"]}
    assert departments.keys() == expected.keys()
    for key, studio in departments.items():
        slug = key.split("#studio-")[1]
        latitude, street = studio_slugs[slug]
        assert studio["address"]["streetAddress"] == street
        assert studio["geo"]["latitude"] == latitude
        assert studio["parentOrganization"] == {"@id": BUSINESS}
        hours = studio["openingHoursSpecification"]
        assert hours and all(re.fullmatch(r"\d\d:\d\d", h["opens"]) for h in hours)
        assert all(h["dayOfWeek"].startswith("https://schema.org/") for h in hours)
