"""The demo clinic has a newsletter: subscribers, an issue already sent (with its counts)
and one scheduled, loaded once from content/newsletter.toml, so a new user sees both on
the staff issues page."""

from __future__ import annotations

import re

import sqlalchemy as sa

from clinicsite.demo.content import read_content
from clinicsite.extensions import db
from clinicsite.models import NewsletterIssue, OutboxEmail
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
    # Subject, status, time, queued, sent, failed, unsubscribed after: five confirmed when
    # it went out, one of whom has left since.
    assert by_subject[sent][1] == "Sent" and by_subject[sent][3:] == ["0", "5", "0", "1"]
    assert by_subject[scheduled][1] == "Scheduled"
    assert "9:00" in by_subject[scheduled][2] or "9 a.m." in by_subject[scheduled][2]
