"""Sending newsletter issues with `flask newsletter send-due` under a stopped clock: on
time and not before, to confirmed subscribers only, once each, in batches; nothing more for
someone who leaves mid-send; no duplicates after a crash or with runs interleaved; hard
bounces marked and skipped."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import OutboxEmail, Subscriber
from clinicsite.newsletter import sending
from tests.support.app import make_app
from tests.support.booking_helpers import FrozenClock
from tests.support.factories import make_clinic
from tests.support.mail_helpers import deliver
from tests.support.newsletter_helpers import (
    NINE_AM,
    add_issue,
    add_subscribers,
    deliveries,
    issue_emails,
    issue_status,
    recipients,
)
from tests.support.smtp_sink import SMTPSink

CONFIRMED = ["ana@example.org", "ben@example.org", "cy@example.org", "dee@example.org"]


@pytest.fixture
def site(app):
    app.config["NEWSLETTER_BATCH_SIZE"] = 2
    with app.app_context():
        make_clinic(name="Saltgrass Bodywork")
        db.session.commit()
    return app


@pytest.fixture
def frozen(monkeypatch) -> FrozenClock:
    return FrozenClock(NINE_AM - timedelta(minutes=1)).install(monkeypatch)


def send_due(runner) -> str:
    result = runner.invoke(args=["newsletter", "send-due"])
    assert result.exit_code == 0, result.output
    return result.output


def test_an_issue_for_nine_goes_out_at_nine_to_confirmed_subscribers_once_in_batches(
    site, runner, frozen
):
    add_subscribers(site, *CONFIRMED)
    add_subscribers(site, "pending@example.org", status="pending")
    add_subscribers(site, "gone@example.org", status="unsubscribed")
    issue_id = add_issue(site, send_at=NINE_AM)

    send_due(runner)  # 08:59
    assert issue_emails(site) == []
    assert issue_status(site, issue_id) == "scheduled"

    frozen.advance(minutes=1)  # 09:00
    assert "queued 2 emails" in send_due(runner)
    assert issue_status(site, issue_id) == "sending"
    assert len(issue_emails(site)) == 2  # one batch of NEWSLETTER_BATCH_SIZE

    frozen.advance(minutes=1)
    send_due(runner)
    assert recipients(site) == sorted(CONFIRMED)
    assert issue_status(site, issue_id) == "sent"

    for _ in range(3):  # cron keeps running: nobody gets it again
        frozen.advance(minutes=1)
        send_due(runner)
    assert recipients(site) == sorted(CONFIRMED)
    assert Counter(e.key for e in issue_emails(site)).most_common(1)[0][1] == 1


def test_someone_who_unsubscribes_mid_send_gets_nothing_more(
    site, runner, frozen, client, tmp_path
):
    ids = add_subscribers(site, *CONFIRMED)
    issue_id = add_issue(site, send_at=NINE_AM)
    frozen.advance(minutes=1)
    send_due(runner)  # ana and ben queued, not delivered yet
    with site.app_context():
        tokens = {s.email: s.token for s in db.session.scalars(sa.select(Subscriber))}
    # Ben uses his mail program's button before his copy left; Dee before her batch.
    for address in ("ben@example.org", "dee@example.org"):
        response = client.post(
            f"/newsletter/unsubscribe/{tokens[address]}",
            data={"List-Unsubscribe": "One-Click"},
        )
        assert response.status_code == 200
    frozen.advance(minutes=1)
    send_due(runner)
    assert issue_status(site, issue_id) == "sent"

    delivered = deliver(site, tmp_path)
    assert sorted(m["To"] for m in delivered) == ["ana@example.org", "cy@example.org"]
    assert deliveries(site, issue_id) == {
        "ana@example.org": "queued",
        "ben@example.org": "withdrawn",
        "cy@example.org": "queued",
        "dee@example.org": "skipped",
    }
    assert len(ids) == 4


def test_a_crash_half_way_through_a_batch_resumes_without_duplicates(
    site, runner, frozen, monkeypatch
):
    add_subscribers(site, *CONFIRMED)
    add_issue(site, send_at=NINE_AM)
    site.config["NEWSLETTER_BATCH_SIZE"] = 4
    frozen.advance(minutes=1)
    real = sending.notifications.newsletter_issue
    calls = []

    def dies_on_the_third(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("the process was killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(sending.notifications, "newsletter_issue", dies_on_the_third)
    result = runner.invoke(args=["newsletter", "send-due"])
    assert result.exit_code != 0
    with site.app_context():
        db.session.remove()
    assert issue_emails(site) == []  # the half batch was never committed

    send_due(runner)
    assert recipients(site) == sorted(CONFIRMED)


def test_two_runs_interleaved_queue_each_subscriber_once(site, frozen):
    add_subscribers(site, *CONFIRMED)
    issue_id = add_issue(site, send_at=NINE_AM)
    now = frozen.advance(minutes=1)
    with site.app_context():
        sending.start_due(now)
        sending.add_recipients(issue_id)
        sending.add_recipients(issue_id)  # a second run, or a rerun after a crash
        db.session.commit()
        first_run_batch = sending.waiting_batch(issue_id, 4)  # run A reads its batch...
        db.session.commit()
        sending.send_due(now, batch_size=3)  # ...run B queues three meanwhile...
        assert sending.queue_batch(issue_id, first_run_batch, now) == (1, 0)  # ...A: the rest
        db.session.commit()
        sending.send_due(now, batch_size=10)
    assert recipients(site) == sorted(CONFIRMED)
    assert issue_status(site, issue_id) == "sent"


def test_an_address_that_hard_bounces_is_marked_and_skipped_next_time(site, migrated, frozen):
    [ana] = add_subscribers(site, "ana@example.org")
    first = add_issue(site, send_at=NINE_AM)
    now = frozen.advance(minutes=1)
    with SMTPSink() as sink:
        smtp = make_app(migrated, MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=sink.port)
        with smtp.app_context():
            sending.send_due(now, batch_size=10)
            sink.fail(550, "rcpt")
            from clinicsite.mail import deliver_due

            report = deliver_due(now=now)
            assert (report.sent, report.failed) == (0, 1)
            [bounced] = db.session.scalars(sa.select(OutboxEmail)).all()
            assert bounced.status == "failed" and bounced.bounced_at == now
            assert "550" in bounced.last_error
            db.session.remove()
            db.engine.dispose()
    add_subscribers(site, "ben@example.org")
    second = add_issue(site, subject="Spring notes", send_at=now + timedelta(days=1))
    later = frozen.advance(days=1)
    with site.app_context():
        report = sending.send_due(later, batch_size=10)
        assert report.bounced == 1
        assert db.session.get(Subscriber, ana).bounced_at == later
    assert deliveries(site, second) == {"ben@example.org": "queued"}
    assert deliveries(site, first) == {"ana@example.org": "queued"}


def test_a_temporary_refusal_is_not_a_bounce(site, migrated, frozen):
    add_subscribers(site, "ana@example.org")
    add_issue(site, send_at=NINE_AM)
    now = frozen.advance(minutes=1)
    with SMTPSink() as sink:
        smtp = make_app(migrated, MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=sink.port)
        with smtp.app_context():
            sending.send_due(now, batch_size=10)
            sink.fail(451, "rcpt")
            from clinicsite.mail import deliver_due

            assert deliver_due(now=now).retrying == 1
            [email] = db.session.scalars(sa.select(OutboxEmail)).all()
            assert email.bounced_at is None
            assert sending.mark_bounced(now) == 0
            db.session.remove()
            db.engine.dispose()


def test_runs_at_the_same_moment_send_each_subscriber_the_issue_once(site, frozen):
    """Two hosts' cron at the same minute: every run reads the same waiting deliveries; the
    claims (and behind them the unique pair and the outbox key) let one run queue each
    email, and no run fails on PostgreSQL."""
    everyone = [f"reader{n}@example.org" for n in range(6)]
    add_subscribers(site, *everyone)
    issue_id = add_issue(site, send_at=NINE_AM)
    now = frozen.advance(minutes=1)
    runs = 4
    barrier = threading.Barrier(runs)
    errors: list[BaseException] = []

    def run() -> None:
        with site.app_context():  # its own session and connection
            try:
                barrier.wait(timeout=30)
                sending.send_due(now, batch_size=3)
            except sa.exc.OperationalError as exc:  # SQLite: one writer; the rest give up
                db.session.rollback()
                if site.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
                    errors.append(exc)
            except BaseException as exc:  # noqa: BLE001 -- reported by the test
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(runs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    with site.app_context():
        for _ in range(3):  # the next minutes' runs finish the list
            sending.send_due(now, batch_size=3)
    assert recipients(site) == sorted(everyone)
    assert issue_status(site, issue_id) == "sent"
