"""The demo clinic has a newsletter: subscribers, an issue already sent (with its counts)
and one scheduled, loaded once from content/newsletter.toml, so a new user sees both on
the staff issues page."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from clinicsite.demo.content import read_content
from clinicsite.extensions import db
from clinicsite.models import ClinicSettings, NewsletterIssue, OutboxEmail, Post, Subscriber
from tests.support.booking_helpers import load_clinic_content, text_of


def test_the_demo_has_a_sent_issue_and_a_scheduled_one(app, login_as, client):
    content = read_content()
    load_clinic_content(app, content)
    load_clinic_content(app, content)  # `flask seed-demo` run twice: nothing new
    with app.app_context():
        issues = db.session.scalars(sa.select(NewsletterIssue).order_by(NewsletterIssue.id))
        assert [i.status for i in issues] == ["sent", "scheduled"]
        # Marked delivered: the demo never mails its made-up addresses.
        assert (
            db.session.scalar(sa.select(sa.func.count()).where(OutboxEmail.status == "pending"))
            == 0
        )
    login_as("editor")
    html = client.get("/staff/newsletter/issues/").get_data(as_text=True)
    rows = [
        [text_of(cell) for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", html, re.S)
    ]
    sent, scheduled = (spec["subject"] for spec in content.newsletter["issue"])
    by_subject = {row[0]: row for row in rows if row}
    # Subject, for whom, status, time, queued, sent, failed, unsubscribed after: five
    # confirmed when it went out, one of whom has left since.
    assert by_subject[sent][1:3] == ["Everyone", "Sent"]
    assert by_subject[sent][4:] == ["0", "5", "0", "1"]
    assert by_subject[scheduled][2] == "Scheduled"
    assert "9:00" in by_subject[scheduled][3] or "9 a.m." in by_subject[scheduled][3]


def test_demo_subscribers_have_areas_and_choices_the_staff_list_shows(app, login_as, client):
    load_clinic_content(app, read_content())
    with app.app_context():
        rosa = db.session.scalar(
            sa.select(Subscriber).where(Subscriber.email == "rosa.lindqvist@example.com")
        )
        assert rosa.post_updates == "weekly"
        assert [a.slug for a in rosa.areas] == ["manhattan-beach", "hermosa-beach"]
        choices = set(db.session.scalars(sa.select(Subscriber.post_updates)))
        assert choices == {"none", "as_published", "weekly"}
    login_as("editor")
    page = text_of(client.get("/staff/newsletter").get_data(as_text=True))
    assert "Manhattan Beach, Hermosa Beach" in page and "Each post" in page


def test_a_demo_subscribers_choice_counts_from_the_load_and_mails_no_archive(app):
    """Right after loading, cron mails none of the published archive; the post the demo
    schedules reaches the "as published" subscriber once it is public."""
    from clinicsite import clock
    from clinicsite.newsletter import digests

    load_clinic_content(app, read_content())
    with app.app_context():
        tz = db.session.get(ClinicSettings, 1).tz
        report = digests.send_due(clock.now() + timedelta(hours=1), 100, tz)
        assert (report.posts_queued, report.digests_queued) == (0, 0)
        scheduled = db.session.scalar(
            sa.select(Post).where(Post.published_at > clock.now()).order_by(Post.published_at)
        )
        report = digests.send_due(scheduled.published_at + timedelta(minutes=1), 100, tz)
        assert report.posts_queued == 1
        [email] = db.session.scalars(
            sa.select(OutboxEmail).where(OutboxEmail.key.startswith("newsletter-post:"))
        )
        assert email.to_address == "tomas.reyes@example.com"
        assert scheduled.title in email.subject
