"""The staff pages of newsletter issues: who may open them, writing, previewing, sending a
test, scheduling in the clinic's time and sending now; bad input gets a clear message."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import AuditEvent, NewsletterIssue, OutboxEmail
from tests.support.app import csrf_token
from tests.support.blog_factories import make_post
from tests.support.booking_helpers import FrozenClock, text_of
from tests.support.factories import make_clinic, make_service
from tests.support.newsletter_helpers import (
    NINE_AM,
    add_issue,
    add_subscribers,
    issue_status,
    recipients,
)

NEW = "/staff/newsletter/issues/new"
LIST = "/staff/newsletter/issues/"


@pytest.fixture
def site(app, monkeypatch):
    FrozenClock(NINE_AM - timedelta(days=1)).install(monkeypatch)  # Wednesday 09:00
    with app.app_context():
        make_clinic(name="Saltgrass Bodywork")
        make_service("Neuromuscular Therapy", slug="neuromuscular-therapy")
        make_post("Easing a stiff neck", published_at=NINE_AM - timedelta(days=3))
        db.session.commit()
    return app


@pytest.fixture
def clock_(monkeypatch) -> FrozenClock:
    return FrozenClock(NINE_AM - timedelta(days=1)).install(monkeypatch)


def issue_form(client, url=NEW, **fields):
    data = {
        "csrf_token": csrf_token(client, url),
        "subject": "Winter notes",
        "body": "## Hello\n\nA few words about the season.",
        "service_id": "",
        "send_date": "",
        "send_time": "",
        "action": "save",
    }
    data.update(fields)
    return client.post(url, data=data)


def stored_issues(app) -> list[NewsletterIssue]:
    with app.app_context():
        rows = list(db.session.scalars(sa.select(NewsletterIssue).order_by(NewsletterIssue.id)))
        db.session.expunge_all()
        return rows


@pytest.mark.parametrize("role, status", [("therapist", 403), ("editor", 200), ("admin", 200)])
@pytest.mark.parametrize("path", [LIST, NEW, "/staff/newsletter/issues/{id}"])
def test_only_editors_and_admins_open_the_issue_pages(site, client, login_as, role, status, path):
    url = path.format(id=add_issue(site))
    assert client.get(url).status_code == 302  # not logged in: to the login page
    login_as(role)
    assert client.get(url).status_code == status


def test_an_editor_writes_a_draft_and_finds_it_in_the_list(site, client, login_as):
    login_as("editor")
    response = issue_form(client)
    assert response.status_code == 303
    [issue] = stored_issues(site)
    assert (issue.status, issue.subject) == ("draft", "Winter notes")
    assert "<h2>Hello</h2>" in issue.body_html  # stored rendered
    page = text_of(client.get(LIST).get_data(as_text=True))
    assert "Winter notes" in page and "Draft" in page
    with site.app_context():
        assert db.session.scalar(sa.select(AuditEvent.action)) == "created"


def test_preview_shows_the_email_as_html_and_plain_text_without_saving(site, client, login_as):
    login_as("editor")
    with site.app_context():
        post_id = db.session.scalar(sa.select(sa.text("id")).select_from(sa.text("post")))
    response = issue_form(
        client, action="preview", body="See [our services](/services/).", post_ids=str(post_id)
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "As HTML" in page and "As plain text" in page
    [document] = re.findall(r'srcdoc="([^"]*)"', page)  # the email, in a sandboxed frame
    assert 'href="http://localhost/services/"' in html.unescape(document)  # absolute
    assert "See [our services](http://localhost/services/)." in page  # the text part
    assert "Easing a stiff neck" in page
    assert stored_issues(site) == []
    # The email's inline styles apply, as in a mail program; scripts stay forbidden.
    policy = response.headers["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy and "script-src 'self';" in policy


def test_a_test_copy_goes_to_the_editor_only(site, client, login_as):
    add_subscribers(site, "ana@example.org")
    email = login_as("editor")
    response = issue_form(client, action="test")
    assert response.status_code == 303
    with site.app_context():
        [copy] = db.session.scalars(sa.select(OutboxEmail)).all()
        assert copy.to_address == email
        assert copy.subject == "[Test] Winter notes"
    assert stored_issues(site)[0].status == "draft"


def test_scheduled_for_nine_local_goes_out_at_nine_not_a_minute_before(
    site, client, login_as, runner, clock_
):
    add_subscribers(site, "ana@example.org", "ben@example.org")
    login_as("editor")
    response = issue_form(client, action="schedule", send_date="2026-12-10", send_time="09:00")
    assert response.status_code == 303
    [issue] = stored_issues(site)
    assert (issue.status, issue.send_at) == ("scheduled", NINE_AM)  # 09:00 in Los Angeles
    follow = text_of(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "scheduled for" in follow

    clock_.moment = NINE_AM - timedelta(minutes=1)
    runner.invoke(args=["newsletter", "send-due"])
    assert recipients(site) == []
    clock_.moment = NINE_AM
    runner.invoke(args=["newsletter", "send-due"])
    assert recipients(site) == ["ana@example.org", "ben@example.org"]
    assert issue_status(site, issue.id) == "sent"


def test_send_now_goes_out_on_the_next_run(site, client, login_as, runner):
    add_subscribers(site, "ana@example.org")
    login_as("admin")
    response = issue_form(client, action="send_now")
    assert response.status_code == 303
    assert "starts going out within a minute" in client.get(response.headers["Location"]).text
    runner.invoke(args=["newsletter", "send-due"])
    assert recipients(site) == ["ana@example.org"]


def test_an_issue_that_is_sending_can_no_longer_be_changed(site, client, login_as):
    issue_id = add_issue(site, status="sending", send_at=NINE_AM)
    login_as("editor")
    url = f"/staff/newsletter/issues/{issue_id}"
    page = client.get(url).get_data(as_text=True)
    assert "can no longer be changed" in page and "Unsubscribed after" in page
    token = csrf_token(client, NEW)
    response = client.post(url, data={"csrf_token": token, "subject": "Changed", "action": "save"})
    assert response.status_code == 303
    assert stored_issues(site)[0].subject == "Winter notes"


def test_a_scheduled_issue_goes_back_to_a_draft(site, client, login_as):
    issue_id = add_issue(site, send_at=NINE_AM)
    login_as("editor")
    url = f"/staff/newsletter/issues/{issue_id}"
    assert "2026-12-10" in client.get(url).text  # the schedule shown in local time
    response = issue_form(client, url, action="unschedule")
    assert response.status_code == 303
    issue = stored_issues(site)[0]
    assert (issue.status, issue.send_at) == ("draft", None)


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"subject": ""}, "Please give the issue a subject line."),
        ({"subject": "x" * 201}, "Please keep it to 200 characters."),
        ({"body": "x" * 50_001}, "Please keep it to 50,000 characters."),
        ({"service_id": "999999"}, "Please choose a service from the list, or none."),
        ({"service_id": "not-a-number"}, "Please choose a service from the list, or none."),
        ({"post_ids": "abc"}, "Please choose posts from the list."),
        ({"post_ids": "99999999999999999999"}, "Please choose posts from the list."),
        ({"action": "schedule"}, "Please choose the date to send it on."),
        ({"action": "schedule", "send_date": "2026-13-45", "send_time": "09:00"}, "YYYY-MM-DD"),
        ({"action": "schedule", "send_date": "2026-12-10", "send_time": "9 o'clock"}, "HH:MM"),
        (
            {"action": "schedule", "send_date": "2026-12-08", "send_time": "09:00"},
            "That time has passed",
        ),
    ],
)
def test_bad_input_is_a_clear_form_error_and_stores_nothing(
    site, client, login_as, fields, message
):
    login_as("editor")
    response = issue_form(client, **fields)
    assert response.status_code == 422
    assert message in text_of(response.get_data(as_text=True))
    assert stored_issues(site) == []


def test_an_unknown_button_or_a_missing_csrf_token_is_refused(site, client, login_as):
    login_as("editor")
    assert issue_form(client, action="explode").status_code == 400
    assert client.post(NEW, data={"subject": "No token", "action": "save"}).status_code == 400
    assert stored_issues(site) == []
