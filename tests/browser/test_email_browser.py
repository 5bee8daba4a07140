"""The HTML part of every kind of email, opened in Chromium as a mail program would show
it: fits a phone and a desktop without sideways scrolling, its links are there, and it
fetches nothing (no images, fonts or stylesheets from anywhere)."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import shoot
from tests.support.mail_helpers import KINDS, by_kind, deliver, html, plain, queue_every_kind

pytestmark = pytest.mark.browser

URL = re.compile(r"https?://[^\s<>\"]+")


@pytest.fixture
def messages(clinic, tmp_path):
    queue_every_kind(clinic)
    return by_kind(deliver(clinic, tmp_path / "mail"))


@pytest.mark.parametrize("width", [360, 1280])
def test_every_html_email_fits_the_screen_and_keeps_its_links(messages, page, width):
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.set_viewport_size({"width": width, "height": 800})
    for kind in KINDS:
        message = messages[kind]
        page.set_content(html(message), wait_until="load")
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width, f"{kind} scrolls sideways at {width}px ({wide}px wide)"
        hrefs = set(page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"))
        missing = set(URL.findall(plain(message))) - hrefs
        assert not missing, f"{kind}: links of the plain text missing from the HTML: {missing}"
        # Every link can be seen and has words on it, even with images off.
        for link in page.locator("a[href]").all():
            assert link.is_visible() and link.inner_text().strip(), kind
        shoot(page, f"email-{kind}-{width}")
    assert [u for u in requests if not u.startswith(("about:", "data:"))] == []
    assert page.console_errors == []
