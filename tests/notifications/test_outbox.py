"""The outbox: queueing with the caller's transaction, delivery, retries and claims."""

from __future__ import annotations

import email
import email.policy
import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from clinicsite.extensions import db
from clinicsite.mail import (
    MAX_ATTEMPTS,
    MailConfigError,
    appointment_ics,
    build_message,
    deliver_due,
    enqueue,
)
from clinicsite.mail.cli import outbox_cli
from clinicsite.mail.ics import CalendarEvent, Invitation
from clinicsite.mail.outbox import BACKOFF, LEASE, _claim, backoff, reply_to
from clinicsite.models import OutboxEmail
from clinicsite.models.types import utcnow
from tests.support.app import make_app, wipe
from tests.support.smtp_sink import SMTPSink


@pytest.fixture
def files_app(app, tmp_path):
    app.config["MAIL_BACKEND"] = "files"
    app.config["MAIL_FILE_DIR"] = str(tmp_path / "outbox")
    return app


@pytest.fixture
def sink():
    with SMTPSink() as running:
        yield running


@pytest.fixture
def smtp_app(migrated, sink, app):
    """An app sending to the sink (on the same database as `app`, which wipes it)."""
    smtp = make_app(migrated, MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=sink.port)
    yield smtp
    wipe(smtp)


def booking_ics() -> str:
    event = CalendarEvent(
        uid="appointment-1@clinic.test",
        summary="Neuromuscular Therapy, 60 min",
        description="See you soon.",
        location="1 Main St",
        starts_at=datetime(2026, 7, 1, 17, 0, tzinfo=UTC),
        ends_at=datetime(2026, 7, 1, 18, 0, tzinfo=UTC),
    )
    invitation = Invitation(
        organizer_email="bookings@clinic.test",
        organizer_name="The Clinic",
        attendee_email="pat@example.com",
    )
    return appointment_ics(event, invitation, "America/Los_Angeles")


def queue(n: int = 1, **fields) -> list[int]:
    """Queue and commit n emails; their ids."""
    ids = []
    for i in range(n):
        values = {"to": f"client{i}@example.com", "subject": f"Booking {i}", "text": "Hello"}
        values.update(fields)
        queued = enqueue(**values)
        assert queued is not None
        db.session.flush()
        ids.append(queued.id)
    db.session.commit()
    return ids


def row(email_id: int) -> OutboxEmail:
    return db.session.get(OutboxEmail, email_id, populate_existing=True)


def count(**where) -> int:
    query = sa.select(sa.func.count()).select_from(OutboxEmail)
    for name, value in where.items():
        query = query.where(getattr(OutboxEmail, name) == value)
    return db.session.scalar(query)


# --- queueing ---------------------------------------------------------------------------


def test_enqueue_joins_the_callers_transaction(app):
    with app.app_context():
        enqueue(to="pat@example.com", subject="Booked", text="Hi")
        db.session.rollback()  # the booking failed: so does its email
        assert count() == 0
        queued = enqueue(to="pat@example.com", subject="Booked\r\nBcc: x@y.z", text="Hi")
        db.session.commit()
        assert queued.status == "pending" and queued.attempts == 0
        assert queued.subject == "Booked Bcc: x@y.z"  # no header injection
        assert queued.next_attempt_at <= utcnow()


@pytest.mark.parametrize("to", ["", "no-at-sign", "pat@example.com\r\nBcc: x@y.z"])
def test_enqueue_refuses_unusable_addresses(app, to):
    with app.app_context(), pytest.raises(ValueError):
        enqueue(to=to, subject="s", text="t")


def test_enqueue_refuses_unsafe_attachment_names(app):
    attachment = {"filename": "../x.ics", "content_type": "text/calendar", "content": "x"}
    with app.app_context(), pytest.raises(ValueError):
        enqueue(to="pat@example.com", subject="s", text="t", attachments=[attachment])


def test_a_key_is_queued_once(app):
    with app.app_context():
        first = enqueue(to="pat@example.com", subject="Reminder", text="t", key="reminder:1")
        assert first is not None and first.id is not None
        assert enqueue(to="pat@example.com", subject="Again", text="t", key="reminder:1") is None
        db.session.add(OutboxEmail(to_address="a@b.c", subject="s", body_text="t", key="k:2"))
        assert enqueue(to="pat@example.com", subject="s", text="t", key="k:2") is None  # pending
        db.session.commit()
        assert enqueue(to="pat@example.com", subject="s", text="t", key="reminder:1") is None
        assert enqueue(to="pat@example.com", subject="s", text="t", key="reminder:2")
        db.session.commit()
        assert count() == 3
        assert db.session.scalar(sa.select(OutboxEmail.subject).filter_by(key="reminder:1")) == (
            "Reminder"
        )


def test_a_rolled_back_key_can_be_queued_again(app):
    with app.app_context():
        assert enqueue(to="pat@example.com", subject="s", text="t", key="confirm:9")
        db.session.rollback()
        assert enqueue(to="pat@example.com", subject="s", text="t", key="confirm:9")
        db.session.commit()
        assert count(key="confirm:9") == 1


# --- messages ---------------------------------------------------------------------------


def test_files_backend_writes_a_complete_eml(files_app, tmp_path):
    with files_app.app_context():
        [email_id] = queue(
            to="Pat Client <pat@example.com>",
            subject="Your booking is confirmed",
            text="Plain text body, café",
            html="<p>HTML body, café</p>",
            attachments=[
                {
                    "filename": "booking.ics",
                    "content_type": "text/calendar; method=REQUEST",
                    "content": booking_ics(),
                }
            ],
        )
        report = deliver_due()
        assert (report.sent, report.retrying, report.failed) == (1, 0, 0)
        sent = row(email_id)
        assert sent.status == "sent" and sent.sent_at is not None and sent.attempts == 1

    [path] = (tmp_path / "outbox").iterdir()
    assert path.name.startswith(f"{email_id}-") and path.suffix == ".eml"
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert message["To"] == "Pat Client <pat@example.com>"
    assert message["From"] == "Clinic <bookings@example.com>"
    assert message["Subject"] == "Your booking is confirmed"
    assert message["Date"].datetime.tzinfo is not None
    assert message["Message-ID"].endswith("@example.com>")
    assert message.get_content_type() == "multipart/mixed"
    assert message.get_body(("plain",)).get_content().strip() == "Plain text body, café"
    assert message.get_body(("html",)).get_content().strip() == "<p>HTML body, café</p>"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "booking.ics"
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "REQUEST"
    calendar = Calendar.from_ical(attachment.get_content())
    assert calendar.events[0]["UID"] == "appointment-1@clinic.test"


def test_plain_text_only_message(app):
    with app.app_context():
        [email_id] = queue(text="Just text")
        message = build_message(row(email_id), "Clinic <bookings@clinic.test>")
    assert message.get_content_type() == "text/plain"
    assert message.get_content().strip() == "Just text"
    assert not message.is_multipart()


def test_retries_keep_the_message_id(app):
    with app.app_context():
        [email_id] = queue()
        first = build_message(row(email_id), "bookings@clinic.test")["Message-ID"]
        again = build_message(row(email_id), "bookings@clinic.test")["Message-ID"]
    assert first == again and first.endswith("@clinic.test>")


# --- SMTP -------------------------------------------------------------------------------


def test_smtp_delivery_to_the_sink(smtp_app, sink):
    with smtp_app.app_context():
        ids = queue(3, html="<p>Hello</p>")
        report = deliver_due()
        assert str(report) == "sent 3, retrying 0, failed 0"
        assert all(row(i).status == "sent" for i in ids)
    assert len(sink.messages) == 3
    assert sink.connections == 1  # one connection for the whole run
    received = sink.messages[0]
    assert received.mail_from == "bookings@example.com"
    assert received.rcpt_tos == ["client0@example.com"]
    assert received.message["Subject"] == "Booking 0"
    assert received.message.get_body(("html",)).get_content().strip() == "<p>Hello</p>"


LONG_UNSUBSCRIBE = (
    "https://www.saltgrass-neuromuscular-therapy.example.com/newsletter/unsubscribe/"
    "Zq3v8M1oXb0-6aKc2eT9uWn4yR7pLs5dHj_0fGi1kQe"
)


def test_extra_headers_reach_the_mail_client_as_written(smtp_app, sink):
    """As a mail client parses what the SMTP server received: Reply-To is the client, and
    List-Unsubscribe is the plain <URL> (a long URL must not become RFC 2047 encoded
    words, which mailbox providers do not decode in that header)."""
    with smtp_app.app_context():
        queue(
            to="front-desk@clinic.test",
            html="<p>Hello</p>",
            headers={
                "Reply-To": reply_to("Zoë O'Brien, Jr.", "zoe@example.org"),
                "List-Unsubscribe": f"<{LONG_UNSUBSCRIBE}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
        assert deliver_due().sent == 1
    [received] = sink.messages
    message = received.message
    [address] = message["Reply-To"].addresses
    assert (address.display_name, address.addr_spec) == ("Zoë O'Brien, Jr.", "zoe@example.org")
    assert message["List-Unsubscribe"] == f"<{LONG_UNSUBSCRIBE}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"\r\nList-Unsubscribe: <{LONG_UNSUBSCRIBE}>\r\n".encode() in received.data
    assert received.rcpt_tos == ["front-desk@clinic.test"]  # Reply-To adds no recipient
    assert message.get_content_type() == "multipart/alternative"


def test_emails_without_extra_headers_have_none(app):
    with app.app_context():
        [email_id] = queue()
        message = build_message(row(email_id), "bookings@clinic.test")
    for name in ("Reply-To", "List-Unsubscribe", "List-Unsubscribe-Post"):
        assert message[name] is None


@pytest.mark.parametrize(
    "address",
    [
        "maya@example.org\r\nBcc: victim@example.com",
        "maya@example.org\nBcc: victim@example.com",
        "maya@example.org, victim@example.com",
        "Mallory <mallory@example.com>",
        "maya@example.org (Bcc: victim@example.com)",
        "maya@example.org>",
        "not-an-address",
        "",
    ],
)
def test_reply_to_takes_only_one_bare_address(address):
    assert reply_to("Maya", address) is None


def test_a_newline_in_the_reply_to_name_cannot_add_a_header(app):
    value = reply_to("Maya\r\nBcc: victim@example.com", "maya@example.org")
    with app.app_context():
        [email_id] = queue(headers={"Reply-To": value})
        raw = build_message(row(email_id), "bookings@clinic.test").as_bytes()
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Bcc"] is None
    assert [a.addr_spec for a in parsed["Reply-To"].addresses] == ["maya@example.org"]
    assert parsed["Reply-To"].addresses[0].display_name == "Maya Bcc: victim@example.com"


@pytest.mark.parametrize(
    "headers",
    [
        {"Bcc": "victim@example.com"},
        {"reply-to": "maya@example.org"},
        {"Reply-To": "maya@example.org\r\nBcc: victim@example.com"},
        {"Reply-To": "maya@example.org, victim@example.com"},
        {"List-Unsubscribe": "https://example.com/u/1"},
        {"List-Unsubscribe": "<https://example.com/u/1>\r\nBcc: victim@example.com"},
        {"List-Unsubscribe": "<javascript:alert(1)>"},
        {"List-Unsubscribe-Post": "List-Unsubscribe=Yes"},
    ],
)
def test_enqueue_refuses_headers_it_cannot_vouch_for(app, headers):
    with app.app_context(), pytest.raises(ValueError):
        enqueue(to="pat@example.com", subject="s", text="t", headers=headers)


def test_smtp_login(migrated, app):
    with SMTPSink(credentials=("mailer", "s3cret-pass")) as sink:
        settings = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": sink.port, "MAIL_BACKEND": "smtp"}
        good = make_app(migrated, SMTP_USERNAME="mailer", SMTP_PASSWORD="s3cret-pass", **settings)
        bad = make_app(migrated, SMTP_USERNAME="mailer", SMTP_PASSWORD="wrong-pass", **settings)
        try:
            with bad.app_context():
                first, second = queue(2)
                report = deliver_due(now=utcnow())
                # The login failed: one attempt recorded, the rest of the run skipped.
                assert (report.sent, report.retrying, report.failed) == (0, 1, 0)
                assert "535" in row(first).last_error
                assert "wrong-pass" not in row(first).last_error
                assert row(second).attempts == 0
            with good.app_context():
                report = deliver_due(now=utcnow() + timedelta(hours=1))
                assert report.sent == 2
        finally:
            wipe(good)
            wipe(bad)
    assert len(sink.messages) == 2


def test_temporary_failure_is_retried_with_backoff(smtp_app, sink):
    sink.fail(451, "rcpt")
    with smtp_app.app_context():
        [email_id] = queue()
        t0 = utcnow()
        report = deliver_due(now=t0 + timedelta(minutes=1))
        assert (report.sent, report.retrying, report.failed) == (0, 1, 0)
        waiting = row(email_id)
        assert waiting.status == "pending" and waiting.attempts == 1
        assert waiting.next_attempt_at == t0 + timedelta(minutes=1) + BACKOFF[0]
        assert "451" in waiting.last_error and "try again later" in waiting.last_error

        sink.fail(451, "data")
        report = deliver_due(now=t0 + timedelta(minutes=2))
        assert report.retrying == 1
        assert row(email_id).next_attempt_at == t0 + timedelta(minutes=2) + BACKOFF[1]

        assert str(deliver_due(now=t0 + timedelta(minutes=6))) == "sent 0, retrying 0, failed 0"
        sink.succeed()
        report = deliver_due(now=t0 + timedelta(minutes=7))
        assert report.sent == 1
        sent = row(email_id)
        assert sent.status == "sent" and sent.attempts == 3 and sent.last_error == ""
        assert sent.sent_at == t0 + timedelta(minutes=7)
    assert len(sink.messages) == 1


def test_gives_up_after_max_attempts(smtp_app, sink):
    sink.fail(451, "data")
    with smtp_app.app_context():
        [email_id] = queue()
        now = utcnow()
        for attempt in range(1, MAX_ATTEMPTS + 1):
            report = deliver_due(now=now)
            expected = (0, 0, 1) if attempt == MAX_ATTEMPTS else (0, 1, 0)
            assert (report.sent, report.retrying, report.failed) == expected
            current = row(email_id)
            assert current.attempts == attempt
            now = current.next_attempt_at
        failed = row(email_id)
        assert failed.status == "failed" and "451" in failed.last_error
        sink.succeed()
        assert deliver_due(now=now + timedelta(days=30)).sent == 0
    assert sink.messages == []


def test_backoff_grows_and_levels_off():
    waits = [backoff(n) for n in range(1, MAX_ATTEMPTS + 3)]
    assert waits == sorted(waits)
    assert waits[0] == timedelta(minutes=1) and waits[-1] == BACKOFF[-1]


def test_permanent_rejection_fails_at_once(smtp_app, sink):
    sink.fail(550, "rcpt")
    with smtp_app.app_context():
        rejected, also_rejected = queue(2)
        report = deliver_due()
        assert (report.sent, report.retrying, report.failed) == (0, 0, 2)
        assert row(rejected).status == "failed" and row(rejected).attempts == 1
        assert "550" in row(also_rejected).last_error


def test_unreachable_server_stops_the_run(migrated, app):
    with SMTPSink() as closed:
        port = closed.port  # nothing listens here once the sink has stopped
    broken = make_app(migrated, MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=port)
    try:
        with broken.app_context():
            first, second = queue(2)
            report = deliver_due()
            assert (report.sent, report.retrying, report.failed) == (0, 1, 0)
            assert "refused" in row(first).last_error.lower()
            assert row(second).attempts == 0 and row(second).last_error == ""
    finally:
        wipe(broken)


def test_emails_not_due_are_left_alone(smtp_app, sink):
    with smtp_app.app_context():
        queue()
        assert deliver_due(now=utcnow() - timedelta(minutes=1)).sent == 0
        assert count(status="pending") == 1
        assert deliver_due(limit=1).sent == 1
    assert len(sink.messages) == 1


def test_limit_sends_the_longest_waiting_first(smtp_app, sink):
    with smtp_app.app_context():
        old, new = queue(2)
        row(new).next_attempt_at = utcnow() - timedelta(hours=1)
        db.session.commit()
        assert deliver_due(limit=1).sent == 1
        assert row(new).status == "sent" and row(old).status == "pending"


# --- claims and concurrency -------------------------------------------------------------


def test_a_claim_succeeds_once(files_app):
    with files_app.app_context():
        [email_id] = queue()
        now = utcnow()
        assert _claim(email_id, 0, now) is True
        assert _claim(email_id, 0, now) is False  # a second run that read the same row
        assert _claim(email_id, 1, now) is False  # leased: not due again before LEASE
        assert row(email_id).next_attempt_at == now + LEASE
        assert deliver_due(now=now + timedelta(minutes=1)).sent == 0
        # The run holding the claim died: after the lease the email goes out.
        assert deliver_due(now=now + LEASE).sent == 1
        assert row(email_id).attempts == 2


def test_concurrent_runs_send_each_email_once(migrated, app):
    total = 30
    with SMTPSink(delay=0.02) as sink:
        settings = {"MAIL_BACKEND": "smtp", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": sink.port}
        workers = [make_app(migrated, **settings) for _ in range(2)]
        try:
            with workers[0].app_context():
                ids = queue(total)
            barrier = threading.Barrier(len(workers))
            reports, errors = [], []

            def run(worker):
                try:
                    with worker.app_context():
                        barrier.wait()
                        reports.append(deliver_due())
                except Exception as exc:  # surfaced below
                    errors.append(exc)

            threads = [threading.Thread(target=run, args=(w,)) for w in workers]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
            assert not errors
            assert sum(r.sent for r in reports) == total
            assert all(r.sent > 0 for r in reports)  # both runs really competed
            with app.app_context():
                assert count(status="sent") == total
                assert {row(i).attempts for i in ids} == {1}
        finally:
            for worker in workers:
                wipe(worker)
    message_ids = [m.message["Message-ID"] for m in sink.messages]
    assert len(message_ids) == total and len(set(message_ids)) == total


# --- configuration and the command ------------------------------------------------------


@pytest.mark.parametrize(
    "settings",
    [
        {"MAIL_BACKEND": "pigeon"},
        {"MAIL_FROM": "not an address"},
        {"MAIL_BACKEND": "smtp", "SMTP_SSL": True, "SMTP_STARTTLS": True},
        {"MAIL_BACKEND": "smtp", "SMTP_HOST": ""},
    ],
)
def test_configuration_errors_come_before_any_row_is_touched(app, settings):
    app.config.update(settings)
    with app.app_context():
        [email_id] = queue()
        with pytest.raises(MailConfigError):
            deliver_due()
        assert row(email_id).attempts == 0


def test_flask_outbox_send(files_app, runner, tmp_path):
    with files_app.app_context():
        queue(2)
    result = runner.invoke(outbox_cli, ["send", "--limit", "5"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "sent 2, retrying 0, failed 0"
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 2
    result = runner.invoke(outbox_cli, ["send"])  # nothing left: still fine for cron
    assert result.exit_code == 0 and result.output.strip() == "sent 0, retrying 0, failed 0"


def test_flask_outbox_send_exits_0_when_emails_fail(migrated, app, sink):
    sink.fail(451)
    smtp = make_app(migrated, MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=sink.port)
    try:
        with smtp.app_context():
            queue()
        result = smtp.test_cli_runner().invoke(outbox_cli, ["send"])
        assert result.exit_code == 0, result.output
        assert result.output.strip() == "sent 0, retrying 1, failed 0"
    finally:
        wipe(smtp)


def test_flask_outbox_send_fails_on_bad_configuration(app, runner):
    app.config["MAIL_BACKEND"] = "pigeon"
    result = runner.invoke(outbox_cli, ["send"])
    assert result.exit_code != 0
    assert "MAIL_BACKEND" in result.output
