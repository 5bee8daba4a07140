"""`flask reminders send` over a week with a frozen clock: each reminder once, none in quiet
hours, none after a cancellation, again after a reschedule; texts through the Twilio SDK."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from clinicsite.appointments.reminder_timing import QuietHours
from clinicsite.extensions import db
from clinicsite.models import AuditEvent, OutboxEmail
from tests.reminders.conftest import book, cancel, every, move, run_at, sent_rows
from tests.support.twilio_stub import FROM_NUMBER

LA = ZoneInfo("America/Los_Angeles")
QUIET = QuietHours(datetime.min.time().replace(hour=21), datetime.min.time().replace(hour=8), LA)


def la(*args) -> datetime:
    return datetime(*args, tzinfo=LA).astimezone(UTC)


def reminder_emails(app) -> list[OutboxEmail]:
    with app.app_context():
        return db.session.scalars(
            sa.select(OutboxEmail).where(OutboxEmail.subject.like("Reminder%"))
        ).all()


def test_a_week_of_runs_sends_each_reminder_once_and_never_at_night(sms_app, twilio, monkeypatch):
    wednesday = book(sms_app, la(2026, 12, 9, 14, 0), "wed@example.com")
    early = book(sms_app, la(2026, 12, 10, 7, 30), "early@example.com")  # 2h before: night
    gone = book(sms_app, la(2026, 12, 11, 10, 0), "gone@example.com")
    moved = book(sms_app, la(2026, 12, 8, 15, 0), "moved@example.com")
    no_texts = book(sms_app, la(2026, 12, 9, 16, 0), "email-only@example.com", consent=False)

    for now in every(la(2026, 12, 6, 23, 59), la(2026, 12, 13, 23, 59), timedelta(minutes=30)):
        if now == la(2026, 12, 7, 15, 59):  # Monday, after the first reminder of `moved`
            move(sms_app, moved, la(2026, 12, 10, 15, 0), now)
        if now == la(2026, 12, 9, 11, 59):  # Wednesday: Friday's visit is cancelled
            cancel(sms_app, gone, now)
        run_at(sms_app, monkeypatch, now)

    rows = sent_rows(sms_app)
    sent = sorted((r.appointment_id, r.channel, r.starts_at) for r in rows)
    assert sent == sorted(
        [
            (wednesday, "email", la(2026, 12, 9, 14, 0)),
            (wednesday, "sms", la(2026, 12, 9, 14, 0)),
            (early, "email", la(2026, 12, 10, 7, 30)),
            (early, "sms", la(2026, 12, 10, 7, 30)),
            (moved, "email", la(2026, 12, 8, 15, 0)),  # before the move
            (moved, "email", la(2026, 12, 10, 15, 0)),  # again for the new time
            (moved, "sms", la(2026, 12, 10, 15, 0)),
            (no_texts, "email", la(2026, 12, 9, 16, 0)),
        ]
    )  # nothing for `gone`: its reminders fell due after it was cancelled
    assert gone not in {r.appointment_id for r in rows}
    for row in rows:
        assert row.status == "sent", (row.channel, row.error)
        assert not QUIET.is_quiet(row.sent_at), row.sent_at.astimezone(LA)
        assert row.sent_at < row.starts_at
    [early_text] = [r for r in rows if r.appointment_id == early and r.channel == "sms"]
    assert early_text.sent_at == la(2026, 12, 9, 20, 59)  # before quiet hours, not at 05:30

    assert [(m["To"], m["From"]) for m in twilio.messages] == [("+13105550199", FROM_NUMBER)] * 3
    assert all("Reply STOP" in m["Body"] and "/booking/" in m["Body"] for m in twilio.messages)
    assert twilio.messages[0]["Body"].startswith(
        "Saltgrass Neuromuscular Therapy: reminder of your Free Discovery Session with "
        "Dana Okafor today at 2:00 PM PST, Saltgrass Hermosa Beach Studio."
    )
    emails = reminder_emails(sms_app)
    assert sorted(e.to_address for e in emails) == sorted(
        [
            "wed@example.com",
            "early@example.com",
            "moved@example.com",
            "moved@example.com",
            "email-only@example.com",
        ]
    )
    with sms_app.app_context():
        history = db.session.scalars(
            sa.select(AuditEvent.action).where(AuditEvent.subject_id == moved)
        ).all()
    assert history.count("reminder sent") == 3


def test_two_overlapping_runs_send_each_reminder_once(sms_app, twilio, monkeypatch):
    """Both runs read the same due reminders before either claims one (a barrier holds
    them), then race: the unique key lets exactly one send each."""
    from clinicsite.appointments import reminders

    for hour in (10, 11, 12, 13):
        book(sms_app, la(2026, 12, 9, hour, 0), f"h{hour}@example.com")
    now = la(2026, 12, 9, 9, 0)  # four 24h emails and the texts for 10:00 and 11:00 are due
    monkeypatch.setattr("clinicsite.clock.now", lambda: now)
    barrier = threading.Barrier(2, timeout=20)
    read = reminders._already_sent

    def read_then_wait(ids):
        found = read(ids)
        barrier.wait()
        return found

    monkeypatch.setattr(reminders, "_already_sent", read_then_wait)
    outputs: list[str] = []

    def run() -> None:
        result = sms_app.test_cli_runner().invoke(args=["reminders", "send"])
        # (CliRunner swaps sys.stdout for the whole process, so the two outputs mix.)
        outputs.append("ok" if result.exit_code == 0 else repr(result.exception))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert outputs == ["ok", "ok"]
    rows = sent_rows(sms_app)
    assert len(rows) == 6
    assert len({(r.appointment_id, r.rule_id, r.starts_at) for r in rows}) == 6
    assert sorted(r.status for r in rows) == ["sent"] * 6
    assert len(twilio.messages) == 2
    assert len(reminder_emails(sms_app)) == 4


def test_a_refused_text_is_recorded_as_failed_and_not_retried(sms_app, twilio, monkeypatch):
    appointment = book(sms_app, la(2026, 12, 9, 14, 0), "ines@example.com")
    twilio.fail_next(400, 21610, "Attempt to send to unsubscribed recipient")
    output = run_at(sms_app, monkeypatch, la(2026, 12, 9, 12, 0))
    assert "1 failed" in output
    [text] = [r for r in sent_rows(sms_app) if r.channel == "sms"]
    assert text.status == "failed"
    assert "21610" in text.error and "unsubscribed" in text.error
    run_at(sms_app, monkeypatch, la(2026, 12, 9, 12, 30))
    assert len(twilio.requests) == 1  # once, failed, never again
    with sms_app.app_context():
        notes = db.session.scalars(
            sa.select(AuditEvent.note).where(
                AuditEvent.subject_id == appointment, AuditEvent.action == "reminder failed"
            )
        ).all()
    assert len(notes) == 1 and "21610" in notes[0]


def test_no_text_without_consent_a_valid_number_or_after_stop(sms_app, twilio, monkeypatch):
    from clinicsite.models import SmsOptOut

    book(sms_app, la(2026, 12, 9, 14, 0), "a@example.com", consent=False)
    book(sms_app, la(2026, 12, 9, 14, 30), "b@example.com", phone="12345")
    book(sms_app, la(2026, 12, 9, 15, 0), "c@example.com", phone="(310) 555-0177")
    with sms_app.app_context():
        db.session.add(SmsOptOut(phone="+13105550177", keyword="STOP"))
        db.session.commit()
    run_at(sms_app, monkeypatch, la(2026, 12, 9, 13, 0))
    assert twilio.requests == []
    assert {r.channel for r in sent_rows(sms_app)} == {"email"}


def test_texts_off_sends_only_emails(app, monkeypatch):
    from tests.support.booking_helpers import load_fixture_clinic

    load_fixture_clinic(app)
    with app.app_context():
        from clinicsite.models import ReminderRule

        db.session.add(ReminderRule(hours_before=2, channel="sms"))
        db.session.commit()
    book(app, la(2026, 12, 9, 14, 0), "ines@example.com")
    assert "sent 1 email and 0 text" in run_at(app, monkeypatch, la(2026, 12, 9, 12, 0))
