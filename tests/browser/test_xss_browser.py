"""Hostile posts and comments in a real browser: no dialog fires, no script runs."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from clinicsite.extensions import db
from clinicsite.models import Comment
from tests.browser.conftest import shoot
from tests.support.blog_factories import make_post
from tests.support.xss_payloads import PAYLOADS

pytestmark = pytest.mark.browser


def test_no_dialog_fires_on_pages_full_of_hostile_input(live_server, page, clinic):
    with clinic.app_context():
        everything = "\n\n".join(PAYLOADS)
        post = make_post(
            title="Every payload <script>alert(1)</script>",
            slug="all-payloads",
            body=everything,
            summary="<img src=x onerror=alert(1)>",
        )
        db.session.flush()
        for payload in PAYLOADS:
            db.session.add(
                Comment(
                    post_id=post.id,
                    name=payload[:80],
                    email="x@example.com",
                    body=payload,
                    status="approved",
                )
            )
        db.session.commit()

    dialogs: list[str] = []

    def record(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    for url in ["/blog/all-payloads", "/blog/", "/", "/blog/?q=payload"]:
        page.goto(live_server + url)
        page.wait_for_load_state("load")
        # Give anything scheduled (timers, focus handlers, media errors) a moment to run.
        page.keyboard.press("Tab")
        page.wait_for_timeout(300)
        assert dialogs == [], url
    shoot(page, "xss-post")
    page.goto(live_server + "/blog/all-payloads")
    assert (
        page.evaluate(
            "document.querySelectorAll('script:not([type=\"application/ld+json\"])').length"
        )
        == 0
    )
    # The payloads are on the page, as text.
    expect(page.get_by_text("<script>alert(1)</script>").first).to_be_visible()


def test_the_dialog_check_would_notice_a_dialog(live_server, page, clinic):
    """The check above is only worth something if a real dialog would be caught."""
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(live_server + "/")
    page.evaluate("setTimeout(() => alert('caught'), 0)")
    page.wait_for_timeout(300)
    assert dialogs == ["caught"]
