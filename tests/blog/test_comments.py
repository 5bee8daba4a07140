"""Readers' comments: the form and its spam defences, what the public sees, the editors'
notices, and moderation in the staff area."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from clinicsite.extensions import db
from clinicsite.models import AuditEvent, Comment, OutboxEmail, Post
from tests.support.app import csrf_token, session_token
from tests.support.blog_factories import NOW, make_comment, make_post
from tests.support.comment_helpers import VALID, form_fields, submit
from tests.support.factories import make_clinic, make_staff


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def post(app, clock) -> str:
    """A public post (its slug), an active editor, an inactive editor and an admin."""
    with app.app_context():
        make_clinic()
        make_staff(role="editor", email="editor@example.com")
        make_staff(role="editor", email="gone@example.com", active=False)
        make_staff(role="admin", email="owner@example.com")
        make_post("Easing a stiff neck", slug="stiff-neck", old_slugs=["neck-pain"])
        db.session.commit()
    return "stiff-neck"


def comments(app) -> list[Comment]:
    with app.app_context():
        return list(db.session.scalars(db.select(Comment).order_by(Comment.id)))


def outbox(app) -> list[OutboxEmail]:
    with app.app_context():
        return list(db.session.scalars(db.select(OutboxEmail).order_by(OutboxEmail.id)))


# --- the reader's side -----------------------------------------------------------------


def test_a_comment_is_stored_pending_and_the_reader_is_thanked(post, app, client, clock):
    response = submit(client, clock)
    assert response.status_code == 303
    assert response.headers["Location"] == "/blog/stiff-neck#comment-status"
    (comment,) = comments(app)
    assert comment.status == "pending"
    assert (comment.name, comment.email) == ("Maya Ortiz", "maya.secret@example.org")
    assert comment.body == "This helped my neck a lot.\nThank you!"
    html = text(client.get("/blog/stiff-neck"))
    assert "This helped my neck" not in html  # pending: not shown
    assert "0 comments" in html


def test_the_thanks_is_where_the_redirect_lands_inside_the_comments(post, client, clock):
    submit(client, clock)
    html = text(client.get("/blog/stiff-neck"))
    comments_at = html.index('<section id="comments"')
    status = re.search(r'<div id="comment-status"[^>]*role="status"[^>]*>(.*?)</div>', html, re.S)
    assert status and status.start() > comments_at  # in the section, not the page's top
    assert "awaiting moderation" in status.group(1)
    assert html.count("awaiting moderation") == 1  # not repeated with the page's messages
    # Shown once: a reload has no thanks, and no anchor to land on.
    assert 'id="comment-status"' not in text(client.get("/blog/stiff-neck"))


def test_editors_are_told_by_email(post, app, client, clock):
    submit(client, clock)
    (comment,) = comments(app)
    (email,) = outbox(app)  # the active editor only: not the inactive one, not the admin
    assert email.to_address == "editor@example.com"
    assert email.key == f"comment:{comment.id}:editor@example.com"
    assert "Easing a stiff neck" in email.subject
    assert "This helped my neck a lot." in email.body_text
    assert "http://localhost/staff/comments" in email.body_text


def test_admins_are_told_when_there_is_no_editor(app, client, clock):
    with app.app_context():
        make_clinic()
        make_staff(role="admin", email="owner@example.com")
        make_staff(role="admin", email="partner@example.com")
        make_staff(role="therapist", email="therapist@example.com")
        make_post(slug="lonely")
        db.session.commit()
    submit(client, clock, slug="lonely")
    assert sorted(e.to_address for e in outbox(app)) == [
        "owner@example.com",
        "partner@example.com",
    ]


def test_approved_comments_show_with_their_count_and_pending_or_spam_never(post, app, client):
    with app.app_context():
        target = db.session.scalar(db.select(Post).filter_by(slug=post))
        make_comment(
            target, name="Ann", email="ann.private@example.org", body="First!\nSecond line"
        )
        make_comment(target, name="Ben", email="ben.private@example.org", body="<b>bold</b> & co")
        make_comment(target, status="pending", body="Pending words")
        make_comment(target, status="spam", body="Buy cheap pills")
        db.session.commit()
    html = text(client.get(f"/blog/{post}"))
    assert "2 comments" in html
    assert '<p class="comment-body">First!\nSecond line</p>' in html  # breaks kept by CSS
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; co" in html and "<b>bold</b>" not in html
    assert "Pending words" not in html and "Buy cheap pills" not in html
    assert "private@example.org" not in html


def test_the_email_address_never_appears_on_the_public_pages(post, app, client, clock):
    submit(client, clock)
    with app.app_context():
        db.session.scalar(db.select(Comment)).status = "approved"
        db.session.commit()
    for url in ("/blog/stiff-neck", "/blog/", "/blog/feed.xml", "/"):
        page = text(client.get(url))
        assert "maya.secret" not in page, url
    assert "Maya Ortiz" in text(client.get("/blog/stiff-neck"))


def test_a_filled_honeypot_stores_nothing_but_looks_like_success(post, app, client, clock):
    response = submit(client, clock, website="http://spam.example")
    assert response.status_code == 303
    assert "awaiting moderation" in text(client.get("/blog/stiff-neck"))
    assert comments(app) == [] and outbox(app) == []


@pytest.mark.parametrize(
    "case, changes, message",
    [
        ("too fast", {"wait": timedelta(seconds=2)}, "Please take a moment"),
        ("a day later", {"wait": timedelta(days=1, seconds=1)}, "open for too long"),
        ("no timestamp", {"started": None}, "could not accept this form"),
        ("empty timestamp", {"started": ""}, "could not accept this form"),
        ("forged timestamp", {"started": "MQ.abBOEA.forged"}, "could not accept this form"),
    ],
)
def test_forms_sent_too_fast_too_late_or_forged_are_refused(
    post, app, client, clock, case, changes, message
):
    response = submit(client, clock, **changes)
    assert response.status_code == 422, case
    html = text(response)
    assert message in html
    assert "This helped my neck a lot." in html  # what was typed is kept
    assert comments(app) == [] and outbox(app) == []


def test_a_timestamp_for_another_post_is_refused(post, app, client, clock):
    with app.app_context():
        make_post(slug="other")
        db.session.commit()
    other = form_fields(client, "/blog/other")["started"]
    response = submit(client, clock, started=other)
    assert response.status_code == 422
    assert comments(app) == []


def test_a_refused_form_can_be_sent_again_as_it_is(post, app, client, clock):
    response = submit(client, clock, wait=timedelta(seconds=1))
    assert response.status_code == 422
    fresh = re.search(r'name="started" type="hidden" value="([^"]+)"', text(response)).group(1)
    clock(NOW + timedelta(seconds=30))
    again = client.post("/blog/stiff-neck/comments", data={**VALID, "started": fresh})
    assert again.status_code == 303
    assert len(comments(app)) == 1


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"name": "   "}, "Please tell us your name."),
        ({"name": "n" * 81}, "Field cannot be longer than 80 characters."),
        ({"email": ""}, "Please give your email address."),
        ({"email": "maya-at-example"}, "That email address does not look right"),
        ({"body": ""}, "Please write a comment."),
        ({"body": "x"}, "between 2 and 3000 characters"),
        ({"body": "x" * 3001}, "between 2 and 3000 characters"),
    ],
)
def test_invalid_input_is_reshown_with_messages_and_what_was_typed(
    post, app, client, clock, changes, message
):
    response = submit(client, clock, **changes)
    assert response.status_code == 422
    html = text(response)
    assert message in html
    assert 'aria-invalid="true"' in html
    assert 'name="robots" content="noindex"' in html
    for field in ("name", "email", "body"):
        if field not in changes:
            assert VALID[field].split("\n")[0] in html
    assert comments(app) == []


def test_a_body_of_3000_characters_with_windows_line_breaks_is_accepted(post, app, client, clock):
    body = "\r\n".join(["a" * 999] * 3) + "a"  # 3,002 characters as sent, 3,000 as stored
    assert submit(client, clock, body=body).status_code == 303
    assert comments(app)[0].body == "\n".join(["a" * 999] * 3) + "a"


def test_comments_are_rate_limited_per_address(post, app, client, clock):
    codes = [submit(client, clock, body=f"Comment number {i}").status_code for i in range(7)]
    assert codes == [303] * 5 + [429, 429]
    assert len(comments(app)) == 5


@pytest.mark.parametrize("slug", ["no-such-post", "a-draft", "scheduled"])
def test_comments_on_drafts_scheduled_or_unknown_posts_answer_404(post, app, client, clock, slug):
    with app.app_context():
        make_post(slug="a-draft", status="draft")
        make_post(slug="scheduled", published_at=NOW + timedelta(days=1))
        db.session.commit()
    response = client.post(f"/blog/{slug}/comments", data=VALID)
    assert response.status_code == 404
    assert comments(app) == []


def test_a_comment_sent_to_an_old_slug_is_passed_on(post, client):
    response = client.post("/blog/neck-pain/comments", data=VALID)
    assert response.status_code == 308
    assert response.headers["Location"] == "/blog/stiff-neck/comments"


# --- moderation ------------------------------------------------------------------------


@pytest.fixture
def waiting(post, app) -> dict[str, int]:
    """One comment of each status on the post: {status: id}."""
    with app.app_context():
        target = db.session.scalar(db.select(Post).filter_by(slug=post))
        made = {
            status: make_comment(
                target, status=status, name=f"{status.title()} Reader", body=f"{status} words"
            )
            for status in ("pending", "approved", "spam")
        }
        db.session.commit()
        return {status: c.id for status, c in made.items()}


def status_of(app, comment_id: int) -> str | None:
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        return comment.status if comment else None


def audit(app) -> list[AuditEvent]:
    with app.app_context():
        return list(
            db.session.scalars(
                db.select(AuditEvent).filter_by(subject_type="comment").order_by(AuditEvent.id)
            )
        )


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_moderators_see_each_list_with_the_email(waiting, client, login_as, role):
    login_as(role)
    html = text(client.get("/staff/comments"))
    assert "Pending Reader" in html and "Approved Reader" not in html
    assert "mailto:" in html and "Easing a stiff neck" in html
    assert "Waiting (1)" in html
    assert "Approved Reader" in text(client.get("/staff/comments?show=approved"))
    assert "Spam Reader" in text(client.get("/staff/comments?show=spam"))
    assert "Pending Reader" in text(client.get("/staff/comments?show=nonsense"))
    assert client.get("/staff/comments?page=99999999999999999999").status_code == 200


def test_approving_shows_the_comment_and_is_audited(waiting, app, client, login_as):
    login_as("editor")
    token = csrf_token(client, "/staff/comments")
    response = client.post(
        f"/staff/comments/{waiting['pending']}/approve",
        data={"csrf_token": token, "show": "pending"},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/staff/comments?show=pending"
    assert status_of(app, waiting["pending"]) == "approved"
    with app.app_context():
        assert db.session.get(Comment, waiting["pending"]).moderated_at == NOW
    html = text(client.get("/blog/stiff-neck"))
    assert "pending words" in html and "2 comments" in html
    (event,) = audit(app)
    assert (event.subject_id, event.action) == (waiting["pending"], "approved")
    assert event.before == {"status": "pending"} and event.after == {"status": "approved"}
    assert event.actor_id is not None


def test_marking_as_spam_hides_an_approved_comment(waiting, app, client, login_as):
    login_as("admin")
    token = csrf_token(client, "/staff/comments")
    client.post(f"/staff/comments/{waiting['approved']}/spam", data={"csrf_token": token})
    assert status_of(app, waiting["approved"]) == "spam"
    assert "approved words" not in text(client.get("/blog/stiff-neck"))
    assert [e.action for e in audit(app)] == ["spam"]


def test_deleting_asks_first(waiting, app, client, login_as):
    login_as("editor")
    url = f"/staff/comments/{waiting['spam']}/delete"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="confirm" value="1"' in text(page)
    token = csrf_token(client, url)
    # A POST without the confirmation only asks.
    assert client.post(url, data={"csrf_token": token}).status_code == 200
    assert status_of(app, waiting["spam"]) == "spam"
    response = client.post(url, data={"csrf_token": token, "confirm": "1", "show": "spam"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/staff/comments?show=spam"
    assert status_of(app, waiting["spam"]) is None
    (event,) = audit(app)
    assert event.action == "deleted" and event.before["status"] == "spam"


def test_unknown_comments_answer_404(waiting, client, login_as):
    login_as("editor")
    token = csrf_token(client, "/staff/comments")
    for url in ("/staff/comments/999999/approve", "/staff/comments/abc/spam"):
        assert client.post(url, data={"csrf_token": token}).status_code == 404
    assert client.get("/staff/comments/999999/delete").status_code == 404


def moderation_urls(ids: dict[str, int]) -> list[tuple[str, str]]:
    pending = ids["pending"]
    return [
        ("GET", "/staff/comments"),
        ("POST", f"/staff/comments/{pending}/approve"),
        ("POST", f"/staff/comments/{pending}/spam"),
        ("GET", f"/staff/comments/{pending}/delete"),
        ("POST", f"/staff/comments/{pending}/delete"),
    ]


def test_therapists_get_403_everywhere(waiting, app, client, login_as):
    login_as("therapist")
    token = session_token(client)
    for method, url in moderation_urls(waiting):
        response = client.open(url, method=method, data={"csrf_token": token, "confirm": "1"})
        assert response.status_code == 403, url
    assert status_of(app, waiting["pending"]) == "pending"
    assert audit(app) == []


def test_anonymous_visitors_are_sent_to_the_login_page(waiting, app, client):
    token = session_token(client)
    for method, url in moderation_urls(waiting):
        response = client.open(url, method=method, data={"csrf_token": token, "confirm": "1"})
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/staff/login?next="), url
    assert status_of(app, waiting["pending"]) == "pending"
