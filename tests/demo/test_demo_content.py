"""The demo's data files: parsed, cross-checked, and malformed files refused with the file
named; and the demo loaded, with every public page of it answering.

The demo is marketing copy, so this module (with test_demo_blog.py and `flask seed-demo` in
test_cli.py) is the only place tests load it; every other test loads the small clinic of
`tests/fixture_clinic/`."""

from __future__ import annotations

import re
import shutil
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from clinicsite.demo.content import CONTENT_DIR, ContentError, parse_post, read_content
from clinicsite.extensions import db
from clinicsite.text import render_markdown
from tests.support.booking_helpers import load_clinic_content
from tests.support.factories import MARKDOWN_COLUMNS


def test_the_data_files_hold_the_whole_demo_clinic():
    content = read_content()
    assert content.clinic["name"] == "Saltgrass Neuromuscular Therapy"
    assert len(content.services) == 6
    assert sum(len(r["areas"]) for r in content.regions) == 9
    assert len(content.locations) == 3 and len(content.therapists) == 3
    assert len(content.area_service_text) == 51
    assert len(content.posts) == 9
    assert [p["order"] for p in content.posts] == sorted(p["order"] for p in content.posts)
    for post in content.posts:
        assert post["body"].endswith("\n") and not post["body"].startswith("\n")
        assert "+++" not in post["body"]


def test_front_matter_is_required_and_must_close():
    post = parse_post('+++\nslug = "a"\n+++\n\nHello.\n')
    assert post == {"slug": "a", "body": "Hello.\n", "days_ago": None}
    with pytest.raises(ContentError, match="must start"):
        parse_post("Hello.\n", "x.md")
    with pytest.raises(ContentError, match="no closing"):
        parse_post('+++\nslug = "a"\n\nHello.\n', "x.md")
    with pytest.raises(ContentError, match="x.md"):
        parse_post("+++\nslug = \n+++\nHello.\n", "x.md")


@pytest.fixture
def content_copy(tmp_path):
    directory = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, directory)
    return directory


def test_a_misspelt_slug_fails_at_load_with_its_name(content_copy):
    path = content_copy / "therapists.toml"
    text = path.read_text().replace('"neuromuscular-therapy"', '"neuromuscular-therapi"', 1)
    path.write_text(text)
    with pytest.raises(ContentError, match="unknown service: neuromuscular-therapi"):
        read_content(content_copy)


def test_broken_toml_names_the_file(content_copy):
    path = content_copy / "services.toml"
    path.write_text(path.read_text() + "\n[[service\n")
    with pytest.raises(ContentError, match="services.toml"):
        read_content(content_copy)


# Pages a visitor reaches that the sitemap leaves out.
PAGES_BESIDE_THE_SITEMAP = ["/contact", "/book/", "/blog/feed.xml", "/sitemap.xml", "/robots.txt"]


def test_every_public_page_of_the_demo_answers(app):
    load_clinic_content(app, read_content())
    client = app.test_client()
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    paths = [urlsplit(url).path for url in re.findall(r"<loc>([^<]+)</loc>", sitemap)]
    assert len(paths) > 60, "the sitemap lists every area, service, therapist and post"
    for path in paths + PAGES_BESIDE_THE_SITEMAP:
        response = client.get(path)
        assert response.status_code == 200, path


def test_the_demo_is_loaded_with_its_texts_stored_rendered(app):
    """Pages print the HTML stored beside each Markdown text, so the loader must leave it
    filled and sanitized, though it never names the HTML columns."""
    load_clinic_content(app, read_content())
    with app.app_context():
        for model, column in MARKDOWN_COLUMNS:
            rows = db.session.scalars(sa.select(model)).all()
            assert any(getattr(row, column) for row in rows), model
            for row in rows:
                source, html = getattr(row, column), getattr(row, f"{column}_html")
                assert html == str(render_markdown(source)), (model, source)
