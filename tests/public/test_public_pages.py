"""The public marketing pages, with the test clinic loaded."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from clinicsite.extensions import db
from clinicsite.models import Service
from tests.support.factories import make_area, make_clinic, make_service, make_therapist
from tests.support.xss_payloads import PAYLOADS, executable_parts

PUBLIC_PAGES = [
    "/",
    "/services/",
    "/services/neuromuscular-therapy",
    "/services/discovery-session",
    "/areas/",
    "/areas/hermosa-beach",
    "/areas/venice",
    "/areas/hermosa-beach/neuromuscular-therapy",
    "/areas/culver-city/prenatal-massage",
    "/therapists/",
    "/therapists/dana-okafor",
    "/contact",
    "/book/",
    "/book/?service=discovery-session",
]


def text(response) -> str:
    return response.get_data(as_text=True)


def jsonld_blocks(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(b) for b in blocks]


def meta(html: str, name: str) -> str | None:
    match = re.search(rf'<meta (?:name|property)="{re.escape(name)}" content="([^"]*)"', html)
    return match.group(1) if match else None


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_page_answers_200_with_one_h1(clinic, client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = text(response)
    assert len(re.findall(r"<h1[ >]", html)) == 1
    assert "Saltgrass" in html  # the clinic's name from settings, in header or footer


@pytest.mark.parametrize(
    "url",
    [
        "/services/no-such-service",
        "/areas/atlantis",
        "/areas/atlantis/neuromuscular-therapy",
        "/areas/hermosa-beach/no-such-service",
        # Venice does not offer prenatal massage in the test clinic: no page for the pair.
        "/areas/venice/prenatal-massage",
        "/therapists/nobody",
        "/no/such/page",
    ],
)
def test_unknown_slugs_answer_404_in_the_site_look(clinic, client, url):
    response = client.get(url)
    assert response.status_code == 404
    html = text(response)
    assert "We could not find that page" in html
    assert 'name="robots" content="noindex"' in html


def test_inactive_service_is_not_public(clinic, client):
    with clinic.app_context():
        service = db.session.scalar(db.select(Service).filter_by(slug="trigger-point-therapy"))
        service.active = False
        db.session.commit()
    assert client.get("/services/trigger-point-therapy").status_code == 404
    assert client.get("/areas/torrance/trigger-point-therapy").status_code == 404
    assert "/services/trigger-point-therapy" not in text(client.get("/services/"))
    assert "trigger-point-therapy" not in text(client.get("/sitemap.xml"))


def test_every_page_has_its_own_title_and_description(clinic, client):
    urls = [u for u in PUBLIC_PAGES if "?" not in u]
    urls += ["/areas/venice/neuromuscular-therapy", "/areas/torrance/neuromuscular-therapy"]
    titles, descriptions = {}, {}
    for url in urls:
        html = text(client.get(url))
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()
        description = meta(html, "description")
        assert title and description, url
        assert len(description) >= 40, (url, description)
        titles.setdefault(title, []).append(url)
        descriptions.setdefault(description, []).append(url)
    assert [urls for urls in titles.values() if len(urls) > 1] == []
    assert [urls for urls in descriptions.values() if len(urls) > 1] == []


def test_canonical_and_open_graph_tags(clinic, client):
    html = text(client.get("/services/neuromuscular-therapy?utm_source=mail"))
    assert '<link rel="canonical" href="http://localhost/services/neuromuscular-therapy">' in html
    assert meta(html, "og:url") == "http://localhost/services/neuromuscular-therapy"
    assert meta(html, "og:title").startswith("Neuromuscular Therapy")
    assert meta(html, "og:site_name") == "Saltgrass Neuromuscular Therapy"
    assert meta(html, "og:description")


def test_site_url_setting_makes_canonical_links_absolute_on_it(migrated):
    from tests.support.app import make_app, wipe

    app = make_app(migrated, SITE_URL="https://www.example.com/")
    try:
        html = app.test_client().get("/services/").get_data(as_text=True)
        assert '<link rel="canonical" href="https://www.example.com/services/">' in html
    finally:
        wipe(app)


def test_home_shows_business_with_area_served_and_a_call_to_book(clinic, client):
    html = text(client.get("/"))
    business = next(b for b in jsonld_blocks(html) if b["@type"] == "HealthAndBeautyBusiness")
    served = {a["name"] for a in business["areaServed"]}
    assert {"Manhattan Beach", "Torrance", "Santa Monica", "Venice"} <= served
    assert business["telephone"] == "310-555-0142"
    assert business["address"]["addressLocality"] == "Hermosa Beach"
    assert 'href="/book/?from=site"' in html
    assert "/areas/el-segundo" in html  # regions and areas are linked from the home page


def test_service_page_lists_options_areas_and_therapists(clinic, client):
    html = text(client.get("/services/neuromuscular-therapy"))
    assert "$140" in html and "$195" in html  # prices from the options
    assert "/areas/hermosa-beach/neuromuscular-therapy" in html
    assert "/therapists/dana-okafor" in html
    assert 'href="/book/?service=neuromuscular-therapy&amp;from=site"' in html
    service = next(b for b in jsonld_blocks(html) if b["@type"] == "Service")
    assert service["offers"][0]["price"] == "140.00"
    assert service["offers"][0]["priceCurrency"] == "USD"
    assert service["provider"]["name"] == "Saltgrass Neuromuscular Therapy"
    crumbs = next(b for b in jsonld_blocks(html) if b["@type"] == "BreadcrumbList")
    assert [i["name"] for i in crumbs["itemListElement"]] == [
        "Home",
        "Services",
        "Neuromuscular Therapy",
    ]


def test_free_discovery_session_shows_no_deposit(clinic, client):
    html = text(client.get("/services/discovery-session"))
    assert "Free" in html
    assert "20 min" in html


def test_areas_page_groups_areas_by_region(clinic, client):
    html = text(client.get("/areas/"))
    html = html[html.index("<main") : html.index("</main>")]
    south_bay, westside = html.index("South Bay</h2>"), html.index("Westside</h2>")
    assert south_bay < html.index("Redondo Beach") < westside < html.index("Culver City")


def test_area_page_shows_its_services_and_nearest_studio(clinic, client):
    html = text(client.get("/areas/santa-monica"))
    assert "Nearest studio" in html
    assert "Culver City Studio" in html  # closer to Santa Monica than Hermosa Beach
    assert "/areas/santa-monica/deep-tissue-sports-massage" in html
    html = text(client.get("/areas/redondo-beach"))
    assert "Hermosa Beach Studio" in html


def book_links(html: str, label: str) -> list[str]:
    found = re.findall(rf'class="button" href="([^"]+)">{re.escape(label)}</a>', html)
    return [link.replace("&amp;", "&") for link in found]


def test_area_service_book_buttons_start_at_the_nearest_studio(clinic, client):
    html = text(client.get("/areas/santa-monica/neuromuscular-therapy"))
    links = book_links(html, "Book Neuromuscular Therapy")
    assert len(links) == 2  # the one near the top (phones) and the aside's
    assert all("location=culver-city-studio" in link for link in links), links
    assert all("from=area_service:santa-monica" in link for link in links), links
    # No length is named: the length's links carry the studio on to the therapist step.
    page = text(client.get(links[0]))
    length = re.search(r'class="choice" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    words = " ".join(re.sub(r"<[^>]+>", " ", text(client.get(length))).split())
    assert "Choose a therapist" in words and "Culver City Studio" in words


def test_area_service_book_button_names_no_studio_that_does_not_give_the_service(clinic, client):
    with clinic.app_context():
        service = db.session.scalar(db.select(Service).filter_by(slug="neuromuscular-therapy"))
        service.visit_modes = "home"
        db.session.commit()
    html = text(client.get("/areas/santa-monica/neuromuscular-therapy"))
    links = book_links(html, "Book Neuromuscular Therapy")
    assert links and not any("location=" in link for link in links), links


def test_area_service_page_is_not_a_copy_of_the_service_page(clinic, client):
    pair = text(client.get("/areas/venice/neuromuscular-therapy"))
    other_pair = text(client.get("/areas/torrance/neuromuscular-therapy"))
    service = text(client.get("/services/neuromuscular-therapy"))
    h1 = lambda html: re.search(r"<h1>(.*?)</h1>", html).group(1)  # noqa: E731
    assert h1(pair) == "Neuromuscular Therapy in Venice"
    assert h1(pair) != h1(service)
    body = lambda html: re.search(r'<div class="prose">(.*?)</div>', html, re.S).group(1)  # noqa: E731
    assert body(pair) != body(other_pair) != body(service)
    ld = next(b for b in jsonld_blocks(pair) if b["@type"] == "Service")
    assert ld["areaServed"] == [{"@type": "City", "name": "Venice"}]
    crumbs = next(b for b in jsonld_blocks(pair) if b["@type"] == "BreadcrumbList")
    assert [i["name"] for i in crumbs["itemListElement"]][-2:] == [
        "Venice",
        "Neuromuscular Therapy",
    ]


def test_therapist_page_shows_services_and_weekly_hours(clinic, client):
    html = text(client.get("/therapists/lena-marchetti"))
    assert "Prenatal Massage" in html
    assert "Usual hours" in html


def test_book_page_preselects_the_service(clinic, client):
    html = text(client.get("/book/?service=discovery-session"))
    assert "Book Free Discovery Session" in html
    # An unknown service is not an error page: a message and the list of services.
    response = client.get("/book/?service=%3Cscript%3E")
    assert response.status_code == 400
    assert "We could not find that service" in text(response)
    assert "<script>" not in text(response)


def test_pages_render_before_any_content_exists(client):
    for url in ["/", "/services/", "/areas/", "/therapists/", "/contact", "/book/", "/sitemap.xml"]:
        assert client.get(url).status_code == 200, url


def test_structured_data_cannot_be_broken_out_of(app, client):
    with app.app_context():
        service = make_service(name="Evil </script><script>alert(1)</script>", slug="evil")
        make_area(services=[service], slug="somewhere")
        db.session.commit()
    html = text(client.get("/services/evil"))
    assert "<script>alert(1)" not in html
    service_ld = next(b for b in jsonld_blocks(html) if b["@type"] == "Service")
    assert service_ld["name"] == "Evil </script><script>alert(1)</script>"


def test_markdown_in_descriptions_is_sanitized(app, client):
    with app.app_context():
        make_service(
            slug="md",
            description=(
                "**bold** <script>alert(1)</script> [x](javascript:alert(1)) "
                "<img src=x onerror=alert(1)>"
            ),
        )
        db.session.commit()
    html = text(client.get("/services/md"))
    assert "<strong>bold</strong>" in html
    assert "<script>alert(1)" not in html
    assert 'href="javascript' not in html
    assert "<img src=x onerror" not in html
    assert "&lt;script&gt;" in html  # shown as text, not run


def test_hostile_markdown_runs_on_no_public_page(app, client):
    """Every Markdown text a public page shows is stored sanitized: none of the payloads
    leaves anything a browser would run."""
    everything = "\n\n".join(PAYLOADS)
    with app.app_context():
        make_clinic(about=everything)
        service = make_service(slug="hostile", description=everything)
        area = make_area(services=[service], slug="hostile-area", intro=everything)
        area.offerings[0].body = everything
        make_therapist(services=[service], slug="hostile-therapist", bio=everything)
        db.session.commit()
    for url in [
        "/",
        "/services/hostile",
        "/areas/hostile-area",
        "/areas/hostile-area/hostile",
        "/therapists/hostile-therapist",
    ]:
        page = text(client.get(url))
        assert "alert(1)" in page, url  # the text is there, as text
        assert executable_parts(page) == [], url


def test_templates_print_stored_html_instead_of_rendering_markdown():
    """Rendering Markdown on every request cost up to 13% of a page (issue 11): pages print
    the `<column>_html` stored when the text is saved (clinicsite/models/markdown.py)."""
    templates = Path(__file__).resolve().parents[2] / "templates"
    rendering = [
        str(path.relative_to(templates))
        for path in sorted(templates.rglob("*.html"))
        if re.search(r"\|\s*markdown\b", path.read_text(encoding="utf-8"))
    ]
    assert rendering == []


class Landmarks(HTMLParser):
    """The named landmarks of a page: (role, accessible name) of each nav, aside and
    labelled section, names taken from aria-label or the text of aria-labelledby."""

    ROLES = {"nav": "navigation", "aside": "complementary", "section": "region"}

    def __init__(self) -> None:
        super().__init__()
        self.labelled: list[tuple[str, str]] = []  # (role, id of the label or "=label")
        self.texts: dict[str, str] = {}
        self.open_ids: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in self.ROLES and (a.get("aria-label") or a.get("aria-labelledby")):
            label = a.get("aria-label")
            self.labelled.append((self.ROLES[tag], f"={label}" if label else a["aria-labelledby"]))
        if tag not in ("br", "img", "input", "meta", "link", "hr"):
            self.open_ids.append(a.get("id"))

    def handle_endtag(self, tag):
        if self.open_ids and tag not in ("br", "img", "input", "meta", "link", "hr"):
            self.open_ids.pop()

    def handle_data(self, data):
        for open_id in self.open_ids:
            if open_id:
                self.texts[open_id] = self.texts.get(open_id, "") + data

    def names(self) -> list[tuple[str, str]]:
        return [
            (role, ref[1:] if ref.startswith("=") else " ".join(self.texts.get(ref, "").split()))
            for role, ref in self.labelled
        ]


LANDMARK_PAGES = ["/", "/areas/", "/areas/venice", "/services/neuromuscular-therapy"]


@pytest.mark.parametrize("url", LANDMARK_PAGES)
def test_landmark_names_are_unique_on_a_page(clinic, client, url):
    parser = Landmarks()
    parser.feed(text(client.get(url)))
    names = parser.names()
    assert ("navigation", "Main") in names
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
