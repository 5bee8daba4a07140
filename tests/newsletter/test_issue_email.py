"""A newsletter issue as a mail program reads it (Python's email parser): the list headers,
both parts, absolute links, its own unsubscribe link, which shows a button on GET and
unsubscribes on the one-click POST."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import NewsletterIssue, Post, Subscriber
from clinicsite.newsletter import sending
from tests.support.blog_factories import make_post
from tests.support.factories import make_clinic, make_service
from tests.support.mail_helpers import deliver, html, plain
from tests.support.newsletter_helpers import NINE_AM, add_issue, add_subscribers

BODY = """## A note for the cold months

Stiff shoulders after a day at the desk? Try the [stretches we show](/blog/desk-stretches)
and tell us how it went. Questions: [write to us](mailto:hello@example.com).

<script>alert(1)</script>
"""


@pytest.fixture
def sent(app, tmp_path):
    """One issue with a post and a service, sent to Ana and delivered as .eml files."""
    with app.app_context():
        make_clinic(name="Saltgrass Bodywork")
        post = make_post(
            "Easing a stiff neck", slug="stiff-neck", published_at=NINE_AM - timedelta(days=2)
        )
        later = make_post("Not out yet", slug="not-yet", published_at=NINE_AM + timedelta(days=2))
        service = make_service("Neuromuscular Therapy", slug="neuromuscular-therapy")
        db.session.commit()
        ids = (post.id, later.id, service.id)
    [ana] = add_subscribers(app, "ana@example.org")
    issue_id = add_issue(app, subject="Winter notes from Saltgrass", body=BODY)
    with app.app_context():
        issue = db.session.get(NewsletterIssue, issue_id)
        issue.posts = list(db.session.scalars(sa.select(Post).where(Post.id.in_(ids[:2]))))
        issue.service_id = ids[2]
        db.session.commit()
        sending.send_due(NINE_AM, batch_size=10)
        token = db.session.get(Subscriber, ana).token
    [message] = deliver(app, tmp_path)
    return message, token


def test_an_issue_carries_the_headers_of_list_mail(sent):
    message, token = sent
    url = f"http://localhost/newsletter/unsubscribe/{token}"
    assert message["To"] == "ana@example.org"
    assert message["Subject"] == "Winter notes from Saltgrass"
    assert message["List-Unsubscribe"] == f"<{url}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Precedence"] == "bulk"
    assert message.get_content_type() == "multipart/alternative"


def test_both_parts_say_the_same_with_absolute_links_only(sent):
    message, token = sent
    text, page = plain(message), html(message)
    url = f"http://localhost/newsletter/unsubscribe/{token}"
    for part in (text, page):
        assert "A note for the cold months" in part
        assert "http://localhost/blog/desk-stretches" in part  # typed as /blog/...
        assert "http://localhost/blog/stiff-neck" in part and "Easing a stiff neck" in part
        assert "Not out yet" not in part  # a scheduled post is not linked before it is public
        assert "http://localhost/book/?service=neuromuscular-therapy" in part
        assert "Book Neuromuscular Therapy" in part
        assert url in part
    assert "<h2>A note for the cold months</h2>" in page
    assert "<script>" not in page  # the blog's sanitiser
    links = re.findall(r'(?:href|src)="([^"]*)"', page)
    assert links and all(link.startswith(("http://localhost/", "mailto:")) for link in links)


def test_the_unsubscribe_link_shows_a_button_on_get_and_works_with_a_one_click_post(
    sent, app, client
):
    message, token = sent
    url = message["List-Unsubscribe"].strip("<>").removeprefix("http://localhost")
    page = client.get(url)
    assert page.status_code == 200
    assert "<button" in page.get_data(as_text=True)
    with app.app_context():  # a mail scanner opening the link changes nothing
        assert db.session.scalar(sa.select(Subscriber.status)) == "confirmed"

    # The mail program's POST: no cookie, no CSRF token, just the RFC 8058 body.
    client.delete_cookie("session")
    response = client.post(url, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    with app.app_context():
        subscriber = db.session.scalar(sa.select(Subscriber))
        assert subscriber.status == "unsubscribed"


def test_a_post_without_the_one_click_body_still_needs_the_csrf_token(sent, app, client):
    message, _ = sent
    url = message["List-Unsubscribe"].strip("<>").removeprefix("http://localhost")
    assert client.post(url, data={}).status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(Subscriber.status)) == "confirmed"


def test_an_issue_links_to_the_subscribers_own_preferences_page(sent, app, client):
    message, token = sent
    url = f"http://localhost/newsletter/preferences/{token}"
    assert url in plain(message) and url in html(message)
    page = client.get(url.removeprefix("http://localhost"))
    assert page.status_code == 200
    assert "Your newsletter preferences" in page.text
    with app.app_context():  # opening it changed nothing
        assert db.session.scalar(sa.select(Subscriber.post_updates)) == "none"
