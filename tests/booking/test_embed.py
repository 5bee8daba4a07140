"""The booking widget's headers and links: framed only by the sites the clinic names, only
as the widget, also when the page comes from the cache; the chosen time leaves the frame."""

from __future__ import annotations

import re

import pytest

from clinicsite.config import TestingConfig
from tests.support.app import make_app, wipe
from tests.support.booking_helpers import load_fixture_clinic

SITE = "https://www.old-clinic-site.example"


@pytest.fixture
def app(migrated):
    app = make_app(migrated, EMBED_ORIGINS=f"{SITE}, https://blog.example:8443")
    try:
        load_fixture_clinic(app)
        yield app
    finally:
        wipe(app)


def ancestors(response) -> str:
    policy = response.headers["Content-Security-Policy"]
    return re.search(r"frame-ancestors ([^;]+)", policy).group(1)


def test_the_widget_may_be_framed_by_the_named_sites_only(app):
    client = app.test_client()
    start = client.get("/embed/book/?service=discovery-session&evil=1")
    assert start.status_code == 303
    assert start.location == "/book/?embed=1&from=embed&service=discovery-session"
    for _ in range(2):  # rendered, then from the page cache
        widget = client.get(start.location)
        assert widget.status_code == 200
        assert ancestors(widget) == f"{SITE} https://blog.example:8443"
        assert "X-Frame-Options" not in widget.headers
    html = widget.get_data(as_text=True)
    assert 'class="site-header"' not in html and 'class="site-footer"' not in html
    plain = client.get("/book/?service=discovery-session")
    assert ancestors(plain) == "'none'" and plain.headers["X-Frame-Options"] == "DENY"
    assert 'class="site-header"' in plain.get_data(as_text=True)
    for other in ("/", "/book/details?embed=1", "/contact?embed=1"):
        response = client.get(other)
        assert ancestors(response) == "'none'", other


def test_the_chosen_time_opens_the_details_form_in_the_whole_window(app):
    client = app.test_client()
    day = client.get("/book/?service=discovery-session&embed=1&from=embed")
    html = day.get_data(as_text=True)
    studio = re.search(r'href="(/book/\?[^"]*location=[^"]*)"', html).group(1)
    html = client.get(studio.replace("&amp;", "&")).get_data(as_text=True)
    anyone = re.search(r'href="(/book/\?[^"]*therapist=any[^"]*)"', html).group(1)
    html = client.get(anyone.replace("&amp;", "&")).get_data(as_text=True)
    first_day = re.search(r'href="(/book/\?[^"]*day=[^"#]*)', html).group(1)
    html = client.get(first_day.replace("&amp;", "&")).get_data(as_text=True)
    times = re.findall(r'<a class="choice time" href="([^"]+)"( target="_top")?>', html)
    assert times and all(target for _, target in times)
    assert all("embed=" not in href and "from=embed" in href for href, _ in times)


def test_without_named_sites_there_is_no_widget(migrated):
    app = make_app(migrated)
    try:
        load_fixture_clinic(app)
        client = app.test_client()
        assert client.get("/embed/book/").status_code == 404
        page = client.get("/book/?service=discovery-session&embed=1")
        assert ancestors(page) == "'none'" and page.headers["X-Frame-Options"] == "DENY"
        assert 'class="site-header"' in page.get_data(as_text=True)
    finally:
        wipe(app)


@pytest.mark.parametrize(
    "value",
    ["www.example.com", "https://example.com/wordpress", "https://a.example 'unsafe-inline'"],
)
def test_an_origin_that_is_not_one_is_refused_at_start(value):
    config = TestingConfig({"EMBED_ORIGINS": value, "DATABASE_URL": "sqlite://"})
    with pytest.raises(RuntimeError, match="EMBED_ORIGINS"):
        config.validate()
