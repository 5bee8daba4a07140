"""/staff/reminders/: who may see and change it, the rules, quiet hours, and the log of
what was sent and what failed; the appointment's history lists its reminders."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import ClinicSettings, ReminderRule
from tests.reminders.conftest import book, run_at
from tests.support.app import csrf_token
from tests.support.booking_helpers import text_of

PAGE = "/staff/reminders/"


def rules(app) -> list[tuple[int, str, bool]]:
    with app.app_context():
        return [
            (r.hours_before, r.channel, r.active)
            for r in db.session.scalars(sa.select(ReminderRule).order_by(ReminderRule.id))
        ]


def post(client, url: str, **data):
    return client.post(url, data={"csrf_token": csrf_token(client, PAGE), **data})


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/staff/login" in response.location


def test_editors_may_not_see_it_and_therapists_may_not_change_it(clinic, client, login_as):
    login_as("editor")
    assert client.get(PAGE).status_code == 403
    client.post("/staff/logout", data={"csrf_token": csrf_token(client, "/staff/")})
    login_as("therapist", email="t@example.com")
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "Email 1 day before" in page.text and "Add reminder" not in page.text
    token = csrf_token(client, "/staff/")
    response = client.post(
        "/staff/reminders/rules", data={"csrf_token": token, "hours_before": "2", "channel": "sms"}
    )
    assert response.status_code == 403
    assert rules(clinic) == [(24, "email", True)]


def test_an_admin_adds_turns_off_and_removes_rules(clinic, client, login_as):
    login_as("admin")
    response = post(client, "/staff/reminders/rules", hours_before="2", channel="sms")
    assert response.status_code == 302
    assert rules(clinic) == [(24, "email", True), (2, "sms", True)]
    page = client.get(PAGE).text
    assert "Text 2 hours before" in page and "Added: Text 2 hours before." in page

    with clinic.app_context():
        sms_id = db.session.scalar(sa.select(ReminderRule.id).filter_by(channel="sms"))
    post(client, f"/staff/reminders/rules/{sms_id}/active", active="off")
    assert rules(clinic)[1] == (2, "sms", False)
    post(client, f"/staff/reminders/rules/{sms_id}/delete")
    assert rules(clinic) == [(24, "email", True)]
    assert post(client, "/staff/reminders/rules/999999/delete").status_code == 404
    assert post(client, "/staff/reminders/rules/x/active").status_code == 404


@pytest.mark.parametrize(
    ("hours", "channel", "message"),
    [
        ("", "email", "Please give a number of hours."),
        ("abc", "email", "Not a valid integer value."),
        ("0", "email", "Please give 1 to 336 hours."),
        ("99999999999999999999", "email", "Please give"),
        ("24", "fax", "Not a valid choice"),
        ("24", "email", "That reminder exists already."),
    ],
)
def test_bad_rules_are_refused_with_a_message(clinic, client, login_as, hours, channel, message):
    login_as("admin")
    response = post(client, "/staff/reminders/rules", hours_before=hours, channel=channel)
    assert response.status_code == 400
    assert message in text_of(response.text)
    assert rules(clinic) == [(24, "email", True)]


def test_an_admin_sets_quiet_hours_and_garbage_is_refused(clinic, client, login_as):
    login_as("admin")
    response = post(client, "/staff/reminders/quiet-hours", quiet_start="22:30", quiet_end="07:00")
    assert response.status_code == 302
    with clinic.app_context():
        settings = db.session.get(ClinicSettings, 1)
        assert (settings.quiet_start, settings.quiet_end) == (time(22, 30), time(7))
    for start in ("25:99", "", "9pm", "21:00:00:00"):
        bad = post(client, "/staff/reminders/quiet-hours", quiet_start=start, quiet_end="07:00")
        assert bad.status_code == 400
        assert "Please give a time as HH:MM" in text_of(bad.text)


def test_the_log_shows_sent_and_failed_texts_and_the_history_lists_them(
    sms_app, twilio, client, login_as, monkeypatch
):
    appointment = book(sms_app, datetime(2026, 12, 9, 22, 0, tzinfo=UTC), "ines@example.com")
    twilio.fail_next(400, 21614, "To number: +13105550199, is not a mobile number")
    run_at(sms_app, monkeypatch, datetime(2026, 12, 9, 20, 0, tzinfo=UTC))
    login_as("admin")
    page = text_of(client.get(PAGE).text)
    assert "Failed: Twilio 400 (code 21614)" in page and "is not a mobile number" in page
    assert "Email 1 day before" in page and "ines@example.com" in page and "Queued" in page
    history = text_of(client.get(f"/staff/appointments/{appointment}").text)
    assert "reminder failed by system (Text 2 hours before to +13105550199" in history
    assert "reminder sent by system (Email 1 day before to ines@example.com)" in history
    assert client.get(PAGE + "?page=99999999999999").status_code == 200
