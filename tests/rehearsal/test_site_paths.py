"""The rest of what production must do right with several workers: the newsletter through
the links of delivered emails, comment moderation, and a login limit shared in Redis."""

from __future__ import annotations

import http.client
import re
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode, urlsplit

import pytest
import redis
import sqlalchemy as sa
from playwright.sync_api import expect

from clinicsite.models import Comment, Post, Subscriber
from tests.rehearsal.conftest import shoot
from tests.rehearsal.flows import links_in, staff_login

pytestmark = pytest.mark.rehearsal

# A tiny valid PDF: the upload check reads the file's own bytes.
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"  # noqa: E501


def press_if_asked(page, name: re.Pattern) -> None:
    """Links in emails may show a page whose button does the change (so that link scanners
    change nothing): press it when there is one."""
    button = page.locator("main").get_by_role("button", name=name)
    if button.count():
        with page.expect_navigation():
            button.first.click()


def subscriber(site, email: str) -> Subscriber:
    with site.session() as session:
        return session.scalars(sa.select(Subscriber).where(Subscriber.email == email)).one()


def test_newsletter_signup_confirmation_guide_and_unsubscribe(site, new_page):
    editor, reader = new_page(), new_page(360)
    staff_login(editor, site, site.editor, heading="Today")
    editor.goto(site.url + "/staff/newsletter/guide")
    editor.get_by_label("Title").fill("Five stretches for desk days")
    editor.get_by_label("PDF file").set_input_files(
        {"name": "desk-stretches.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    editor.get_by_role("button", name="Upload").click()
    expect(editor.locator(".flash")).to_contain_text("is now the guide")

    email = "nia.news@example.com"
    reader.goto(site.url + "/newsletter")
    form = reader.locator("main form", has=reader.locator("input[name=email]")).first
    form.get_by_label("Your email address").fill(email)
    shoot(reader, "news-1-signup")
    with reader.expect_navigation():
        form.get_by_role("button", name="Subscribe").click()
    assert subscriber(site, email).status == "pending"

    confirm = site.mail(email, "Please confirm your subscription")
    [link] = links_in(confirm, site.url + "/newsletter/confirm/")
    reader.goto(link)
    press_if_asked(reader, re.compile("confirm|subscribe", re.I))
    expect(reader.locator("h1")).to_have_text("You are subscribed")
    shoot(reader, "news-2-confirmed")
    assert subscriber(site, email).status == "confirmed"

    welcome = site.mail(email, "Welcome to the")
    [guide] = links_in(welcome, site.url + "/newsletter/guide/")
    download = reader.context.request.get(guide)
    assert download.status == 200 and download.body() == PDF
    assert "desk-stretches.pdf" in download.headers["content-disposition"]

    [leave] = links_in(welcome, site.url + "/newsletter/unsubscribe/")
    reader.goto(leave)
    press_if_asked(reader, re.compile("unsubscribe", re.I))
    expect(reader.locator("h1")).to_have_text("You are unsubscribed")
    shoot(reader, "news-3-unsubscribed")
    left = subscriber(site, email)
    assert left.status == "unsubscribed" and left.unsubscribed_at is not None
    assert editor.console_errors == [] and reader.console_errors == []


def test_comment_shows_once_an_editor_approves_it(site, new_page):
    reader, editor = new_page(360), new_page()
    with site.session() as session:
        slug = session.scalars(
            sa.select(Post.slug)
            .where(Post.status == "published", Post.published_at <= sa.func.now())
            .order_by(Post.published_at.desc())
        ).first()
    reader.goto(f"{site.url}/blog/{slug}")
    body = "The shoulder stretch helped after two days. Thank you!"
    reader.get_by_label("Your name").fill("Cora Comments")
    reader.get_by_label("Email", exact=True).fill("cora.comments@example.com")
    reader.get_by_role("textbox", name="Comment").fill(body)
    time.sleep(3.2)  # the form refuses answers sent within 3 seconds (scripts do that)
    reader.get_by_role("button", name="Send comment").click()
    expect(reader.locator("#comment-status")).to_contain_text("awaiting moderation")
    expect(reader.locator(".comment-list")).to_have_count(0)
    shoot(reader, "comment-1-pending")

    notice = site.mail(site.editor[0], "New comment on")
    assert links_in(notice, site.url + "/staff/comments")
    staff_login(editor, site, site.editor, heading="Today")
    editor.goto(site.url + "/staff/comments")
    card = editor.locator(".moderated-comment", has_text=body)
    shoot(editor, "comment-2-moderation")
    with editor.expect_navigation():
        card.get_by_role("button", name="Approve").click()

    reader.reload()
    expect(reader.locator(".comment-list .comment-body")).to_have_text([body])
    shoot(reader, "comment-3-approved")
    with site.session() as session:
        comment = session.scalars(sa.select(Comment).where(Comment.body == body)).one()
        assert comment.status == "approved" and comment.moderated_at is not None
    assert reader.console_errors == [] and editor.console_errors == []


def wrong_login(site) -> int:
    """One wrong password, as a browser sends it: the form (cookie and CSRF token) and the
    POST, each on a connection of its own, so either worker may answer either."""
    host, port = urlsplit(site.url).hostname, urlsplit(site.url).port
    conn = http.client.HTTPConnection(host, port, timeout=20)
    conn.request("GET", "/staff/login")
    form = conn.getresponse()
    html = form.read().decode()
    cookie = form.getheader("Set-Cookie").split(";", 1)[0]
    conn.close()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'type="hidden" name="csrf_token" value="([^"]+)"', html
    )
    conn = http.client.HTTPConnection(host, port, timeout=20)
    body = urlencode(
        {"email": site.editor[0], "password": "not the password", "csrf_token": token[1]}
    )
    conn.request(
        "POST",
        "/staff/login",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )
    answer = conn.getresponse()
    answer.read()
    conn.close()
    return answer.status


def test_login_limit_is_shared_by_the_workers(site):
    """10 wrong logins a minute from one address, whichever worker answers each."""
    store = redis.Redis.from_url(site.env["RATELIMIT_STORAGE_URI"])
    store.flushdb()  # the earlier tests' logins count too: start from nothing
    log_start = len(site.log.read_text().splitlines())
    try:
        with ThreadPoolExecutor(4) as pool:
            statuses = list(pool.map(lambda _: wrong_login(site), range(16)))
    finally:
        store.flushdb()
    assert sorted(statuses) == [422] * 10 + [429] * 6
    deadline = time.monotonic() + 10
    while True:  # a worker writes its access log line just after answering
        lines = site.log.read_text().splitlines()[log_start:]
        posts = [line for line in lines if '"POST /staff/login' in line]
        if len(posts) >= 16 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    pids = {line.split("pid=", 1)[1].split()[0] for line in posts if "pid=" in line}
    assert len(posts) == 16
    assert len(pids) == 2, f"the logins reached the workers {pids} only: {posts}"
