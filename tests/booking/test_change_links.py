"""Every step of booking says what was chosen with a "Change" link back to that step,
keeping what came before it and where the client came from."""

from __future__ import annotations

import html as html_lib
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.support.app import make_app, wipe
from tests.support.booking_helpers import (
    NMT,
    TUESDAY,
    FrozenClock,
    details_url,
    first_free_slot,
    load_fixture_clinic,
    location_slug,
    page_html,
    text_of,
)


@pytest.fixture
def app(migrated, monkeypatch):
    FrozenClock().install(monkeypatch)
    app = make_app(migrated)
    try:
        load_fixture_clinic(app)
        yield app
    finally:
        wipe(app)


def changes(html: str) -> dict[str, dict[str, str]]:
    """{"the studio": query of its Change link, ...}"""
    found = re.findall(
        r'<a class="change" href="([^"]+)">Change<span class="visually-hidden"> (the \w+)</span>',
        html,
    )
    return {
        what: {k: v[0] for k, v in parse_qs(urlsplit(html_lib.unescape(href)).query).items()}
        for href, what in found
    }


def test_the_details_step_can_go_back_to_any_choice(app):
    client = app.test_client()
    slot = first_free_slot(client, NMT, TUESDAY, "dana-okafor")
    studio = location_slug(app, slot["location"])
    url = details_url(NMT, slot["option_id"], studio, "dana-okafor", slot["start"])
    links = changes(page_html(client, url + "&from=area:torrance"))
    origin = {"from": "area:torrance"}
    assert links["the service"] == origin
    assert links["the length"] == {"service": NMT, **origin}
    assert links["the studio"] == {"service": NMT, "option": str(slot["option_id"]), **origin}
    assert links["the therapist"] == links["the studio"] | {"location": studio}
    assert links["the time"] == links["the therapist"] | {
        "therapist": "dana-okafor",
        "day": TUESDAY,
    }
    # Following one keeps the earlier choices: the studio's link lists the studios again.
    back = page_html(
        client, "/book/?" + "&".join(f"{k}={v}" for k, v in links["the studio"].items())
    )
    assert "3. Choose a studio" in text_of(back)
    assert "Saltgrass Hermosa Beach Studio" in text_of(back)
