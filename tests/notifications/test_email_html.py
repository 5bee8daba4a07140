"""Every email has an HTML part beside its plain text, as a mail client receives it: the
clinic's look, the same links (absolute, on SITE_URL), nothing fetched from elsewhere,
and whatever people typed shown as text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from clinicsite.extensions import db
from clinicsite.models import ClinicSettings
from tests.support.booking_helpers import load_fixture_clinic
from tests.support.mail_helpers import (
    HOSTILE,
    KINDS,
    PAY_URL,
    by_kind,
    database_rows,
    deliver,
    html,
    plain,
    queue_every_kind,
)

URL = re.compile(r"https?://[^\s<>\"]+")


class Page(HTMLParser):
    """The tags, links and visible text of an HTML part."""

    def __init__(self, source: str) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.links: list[str] = []
        self.resources: list[str] = []
        self.text: list[str] = []
        self.feed(source)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        for name in ("src", "srcset", "background", "poster", "data"):
            if values.get(name):
                self.resources.append(f"{tag} {name}={values[name]}")
        if tag == "link":
            self.resources.append(f"link {values.get('href')}")
        if "url(" in (values.get("style") or ""):
            self.resources.append(f"{tag} style url()")

    def handle_data(self, data):
        self.text.append(data)


@pytest.fixture(scope="module")
def delivered(migrated, tmp_path_factory):
    """One of each email, delivered once for the whole module (building them is slow)."""
    from tests.support.app import make_app, wipe

    app = make_app(migrated)
    load_fixture_clinic(app)
    queue_every_kind(app)
    with app.app_context():
        clinic_name = db.session.get(ClinicSettings, 1).name
    messages = deliver(app, tmp_path_factory.mktemp("mail"))
    wipe(app)
    return clinic_name, by_kind(messages)


@pytest.mark.parametrize("kind", KINDS)
def test_every_email_has_an_html_part_beside_the_plain_text(delivered, kind):
    clinic_name, messages = delivered
    message = messages[kind]
    alternative = (
        message
        if message.get_content_type() == "multipart/alternative"
        else next(
            p for p in message.iter_parts() if p.get_content_type() == "multipart/alternative"
        )
    )
    assert [p.get_content_type() for p in alternative.iter_parts()] == ["text/plain", "text/html"]
    page = Page(html(message))
    assert clinic_name in "".join(page.text)
    assert "#0a3b39" in html(message)  # the site's deep teal header


@pytest.mark.parametrize("kind", KINDS)
def test_the_html_part_has_the_links_of_the_plain_text_all_absolute(delivered, kind):
    _, messages = delivered
    message = messages[kind]
    text_links = set(URL.findall(plain(message)))
    page = Page(html(message))
    assert text_links <= set(page.links), text_links - set(page.links)
    for href in page.links:
        assert href.startswith(("http://localhost/", PAY_URL)), href


@pytest.mark.parametrize("kind", KINDS)
def test_the_html_part_loads_nothing_and_runs_nothing(delivered, kind):
    _, messages = delivered
    page = Page(html(messages[kind]))
    assert page.resources == []
    assert not {"img", "script", "style", "link", "iframe", "object", "form"} & set(page.tags)


@pytest.mark.parametrize("kind", ["therapist_notice", "inquiry", "comment_notice"])
def test_what_people_typed_is_shown_as_text(delivered, kind):
    _, messages = delivered
    source = html(messages[kind])
    assert HOSTILE not in source
    assert "&lt;script&gt;alert(" in source
    assert HOSTILE in "".join(Page(source).text)
    assert "<br>Second line." in source or kind != "therapist_notice"  # line breaks kept


def test_newsletter_html_links_to_confirm_guide_and_unsubscribe(delivered):
    _, messages = delivered
    confirm = Page(html(messages["newsletter_confirm"])).links
    welcome = Page(html(messages["newsletter_welcome"])).links
    guide = Page(html(messages["newsletter_guide"])).links
    assert any("/newsletter/confirm/" in href for href in confirm)
    assert any("/newsletter/guide/" in href for href in welcome)
    assert any("/newsletter/guide/early-token" in href for href in guide)
    for links in (confirm, welcome, guide):
        assert any("/newsletter/unsubscribe/" in href for href in links)


def test_booking_html_links_to_the_manage_page(delivered):
    _, messages = delivered
    for kind in ("confirmation", "rescheduled", "reminder", "payment_link"):
        assert any("/booking/" in href for href in Page(html(messages[kind])).links), kind
    assert PAY_URL in Page(html(messages["payment_link"])).links


def test_opening_every_link_in_every_email_changes_nothing(app, tmp_path):
    """Mail security gateways open every link of every email they pass on; none of those
    GETs may confirm, unsubscribe, cancel or pay for anything."""
    load_fixture_clinic(app)
    queue_every_kind(app)
    messages = deliver(app, tmp_path)
    links = set()
    for message in messages:
        links |= set(URL.findall(plain(message))) | set(Page(html(message)).links)
    on_site = sorted(u.removeprefix("http://localhost") for u in links if "localhost" in u)
    for part in ("/booking/", "/newsletter/confirm/", "/newsletter/unsubscribe/", "/staff/"):
        assert any(part in path for path in on_site), part
    # The manage page's own links: cancelling and moving ask again before they act.
    manage = [p for p in on_site if p.startswith("/booking/")]
    on_site += [p + end for p in manage for end in ("/cancel", "/reschedule", ".ics")]
    before = database_rows(app)
    for path in on_site:
        scanner = app.test_client()
        response = scanner.get(path)
        assert response.status_code in (200, 302, 303, 404), path
        response.close()
    assert database_rows(app) == before
