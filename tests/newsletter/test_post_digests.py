"""New blog posts by email, under a stopped clock: "as published" subscribers get one email
per post once it is public (never before, never twice), "weekly" ones one digest a week of
exactly the posts made public since their last; nothing for those who left or chose
nothing; no duplicates after a crash or with runs at once; the emails read as a mail
program reads them."""

from __future__ import annotations

import re
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import OutboxEmail, PostAlert, Subscriber, WeeklyDigest
from clinicsite.newsletter import digests
from tests.support.blog_factories import make_post
from tests.support.booking_helpers import FrozenClock
from tests.support.factories import make_clinic
from tests.support.mail_helpers import deliver, html, plain
from tests.support.newsletter_helpers import add_subscribers

LA = ZoneInfo("America/Los_Angeles")
CHOSEN = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)  # when the subscribers made their choice


def local(text: str) -> datetime:
    """'2026-12-07 08:00' in Los Angeles, as UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=LA).astimezone(UTC)


@pytest.fixture
def site(app):
    app.config["NEWSLETTER_BATCH_SIZE"] = 50
    with app.app_context():
        make_clinic(name="Saltgrass Bodywork")
        db.session.commit()
    return app


@pytest.fixture
def frozen(monkeypatch) -> FrozenClock:
    return FrozenClock(local("2026-12-07 07:00")).install(monkeypatch)


def subscribe(app, email: str, choice: str, status: str = "confirmed") -> int:
    [subscriber_id] = add_subscribers(app, email, status=status)
    with app.app_context():
        row = db.session.get(Subscriber, subscriber_id)
        row.post_updates, row.post_updates_since = choice, CHOSEN
        db.session.commit()
    return subscriber_id


def post(app, title: str, at: datetime, **fields) -> int:
    with app.app_context():
        row = make_post(
            title, slug=fields.pop("slug", None) or _slug(title), published_at=at, **fields
        )
        db.session.commit()
        return row.id


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def send_due(runner) -> str:
    result = runner.invoke(args=["newsletter", "send-due"])
    assert result.exit_code == 0, result.output
    return result.output


def mails(app, prefix: str) -> list[OutboxEmail]:
    with app.app_context():
        rows = list(
            db.session.scalars(
                sa.select(OutboxEmail)
                .where(OutboxEmail.key.startswith(prefix))
                .order_by(OutboxEmail.id)
            )
        )
        db.session.expunge_all()
        return rows


def post_mails(app) -> list[tuple[str, str]]:
    return [(m.to_address, m.subject) for m in mails(app, "newsletter-post:")]


def digest_titles(app) -> list[tuple[str, list[str]]]:
    """Each digest queued: to whom, and the titles it lists (from its plain text)."""
    return [
        (m.to_address, re.findall(r"^\* (.+)$", m.body_text, re.M))
        for m in mails(app, "newsletter-weekly:")
    ]


# ---- As published ------------------------------------------------------------------------


def test_a_scheduled_post_is_emailed_once_it_is_public_and_only_once(site, runner, frozen):
    subscribe(site, "ana@example.org", "as_published")
    subscribe(site, "cy@example.org", "none")
    subscribe(site, "dee@example.org", "as_published", status="unsubscribed")
    subscribe(site, "pat@example.org", "as_published", status="pending")
    post(site, "A draft", None, status="draft")
    post(site, "Before the choice", CHOSEN - timedelta(hours=1))
    post(site, "Easing a stiff neck", local("2026-12-07 09:00"))  # scheduled

    frozen.moment = local("2026-12-07 08:59")
    send_due(runner)
    assert post_mails(site) == []  # not public yet

    frozen.moment = local("2026-12-07 09:00")
    assert "queued 1 new-post emails" in send_due(runner)
    assert post_mails(site) == [
        ("ana@example.org", "New on the Saltgrass Bodywork blog: Easing a stiff neck")
    ]
    for minutes in (1, 2, 60 * 24):  # cron keeps running: nobody gets it again
        frozen.moment = local("2026-12-07 09:00") + timedelta(minutes=minutes)
        send_due(runner)
    assert len(post_mails(site)) == 1


def test_unpublished_and_published_again_is_not_emailed_twice(site, runner, frozen):
    subscribe(site, "ana@example.org", "as_published")
    post_id = post(site, "Easing a stiff neck", local("2026-12-07 06:00"))
    send_due(runner)
    with site.app_context():
        from clinicsite.models import Post

        row = db.session.get(Post, post_id)
        row.published_at = frozen.advance(hours=1)  # "Publish" again: public from now
        db.session.commit()
    send_due(runner)
    assert len(post_mails(site)) == 1


def test_a_post_unpublished_before_its_email_was_queued_is_skipped(site, frozen):
    subscribe(site, "ana@example.org", "as_published")
    post_id = post(site, "Posted by mistake", local("2026-12-07 06:00"))
    now = frozen.moment
    with site.app_context():
        digests.add_post_alerts(now)
        db.session.commit()
        from clinicsite.models import Post

        db.session.get(Post, post_id).status = "draft"
        db.session.commit()
        assert digests.send_due(now, 10, LA).skipped == 1
    assert post_mails(site) == []


def test_a_post_that_went_public_long_before_cron_ran_is_not_emailed_alone(site, runner, frozen):
    subscribe(site, "ana@example.org", "as_published")
    post(site, "Old news", frozen.moment - digests.ANNOUNCE_WITHIN - timedelta(minutes=1))
    post(site, "Fresh", frozen.moment - timedelta(hours=1))
    send_due(runner)
    assert [subject.split(": ")[-1] for _, subject in post_mails(site)] == ["Fresh"]


def test_switching_to_as_published_does_not_mail_the_archive(site, client, runner, frozen):
    ana = subscribe(site, "ana@example.org", "none")
    post(site, "Yesterday's post", frozen.moment - timedelta(days=1))
    with site.app_context():
        token = db.session.get(Subscriber, ana).token
    url = f"/newsletter/preferences/{token}"
    page = client.get(url).text
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post(url, data={"csrf_token": csrf, "post_updates": "as_published"})
    send_due(runner)
    assert post_mails(site) == []
    frozen.advance(hours=2)
    post(site, "Today's post", frozen.moment)
    send_due(runner)
    assert [subject.split(": ")[-1] for _, subject in post_mails(site)] == ["Today's post"]


# ---- Weekly ------------------------------------------------------------------------------


def test_a_weekly_digest_lists_exactly_the_posts_since_the_last_one(site, runner, frozen):
    subscribe(site, "ben@example.org", "weekly")
    subscribe(site, "eve@example.org", "weekly", status="unsubscribed")
    subscribe(site, "ana@example.org", "as_published")
    post(site, "Before the choice", CHOSEN - timedelta(hours=1))
    post(site, "Thursday", local("2026-12-03 10:00"))
    post(site, "Wednesday", local("2026-12-09 09:00"))  # scheduled
    post(site, "Saturday", local("2026-12-12 09:00"))
    post(site, "Monday late", local("2026-12-14 08:30"))  # after that week's digest
    post(site, "Never out", None, status="draft")

    frozen.moment = local("2026-12-07 07:59")
    send_due(runner)
    assert digest_titles(site) == []  # Monday 08:00 has not come

    frozen.moment = local("2026-12-07 08:00")
    assert "1 weekly digests" in send_due(runner)
    frozen.moment = local("2026-12-07 08:01")
    send_due(runner)
    assert digest_titles(site) == [("ben@example.org", ["Thursday"])]

    frozen.moment = local("2026-12-14 08:00")
    send_due(runner)
    frozen.moment = local("2026-12-15 10:00")
    send_due(runner)
    assert digest_titles(site)[1:] == [("ben@example.org", ["Wednesday", "Saturday"])]

    frozen.moment = local("2026-12-21 08:05")
    send_due(runner)
    assert digest_titles(site)[2:] == [("ben@example.org", ["Monday late"])]

    frozen.moment = local("2026-12-28 09:00")  # nothing new this week: no digest
    send_due(runner)
    assert len(digest_titles(site)) == 3
    assert {to for to, _ in digest_titles(site)} == {"ben@example.org"}


def test_a_quiet_week_rolls_into_the_next_digest(site, runner, frozen):
    subscribe(site, "ben@example.org", "weekly")
    frozen.moment = local("2026-12-07 08:00")
    send_due(runner)  # nothing since the choice: no digest
    post(site, "Tuesday", local("2026-12-08 09:00"))
    frozen.moment = local("2026-12-14 08:00")
    send_due(runner)
    assert digest_titles(site) == [("ben@example.org", ["Tuesday"])]
    with site.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(WeeklyDigest)) == 1


@pytest.mark.parametrize(
    "now, week_of, moment",
    [
        ("2026-12-07 08:00", "2026-12-07", "2026-12-07 16:00"),
        ("2026-12-07 07:59", "2026-11-30", "2026-11-30 16:00"),
        ("2026-12-13 23:59", "2026-12-07", "2026-12-07 16:00"),
        # The Monday after DST ends (Nov 1) and begins (Mar 8): 08:00 local each time.
        ("2026-11-02 08:00", "2026-11-02", "2026-11-02 16:00"),
        ("2026-10-26 08:00", "2026-10-26", "2026-10-26 15:00"),
        ("2026-03-09 09:00", "2026-03-09", "2026-03-09 15:00"),
        ("2026-03-08 12:00", "2026-03-02", "2026-03-02 16:00"),
    ],
)
def test_the_digest_goes_out_at_eight_on_monday_clinic_time(now, week_of, moment):
    day, at = digests.digest_week(local(now), LA)
    assert day.isoformat() == week_of
    assert at == datetime.fromisoformat(moment).replace(tzinfo=UTC)


# ---- Leaving, crashes, runs at once ------------------------------------------------------


def test_unsubscribing_takes_back_what_was_queued_and_stops_the_rest(site, runner, frozen):
    ana = subscribe(site, "ana@example.org", "as_published")
    post(site, "First", frozen.moment - timedelta(hours=1))
    send_due(runner)
    assert len(post_mails(site)) == 1
    with site.app_context():
        token = db.session.get(Subscriber, ana).token
    client = site.test_client()
    response = client.post(
        f"/newsletter/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    [queued] = mails(site, "newsletter-post:")
    assert queued.status == "failed" and queued.last_error.startswith("withdrawn")
    with site.app_context():
        assert db.session.scalar(sa.select(PostAlert.status)) == "withdrawn"
    post(site, "Second", frozen.advance(hours=1))
    send_due(runner)
    assert len(post_mails(site)) == 1


def test_a_crash_half_way_resumes_without_duplicates(site, runner, frozen, monkeypatch):
    for n in range(4):
        subscribe(site, f"reader{n}@example.org", "as_published")
    post(site, "First", frozen.moment - timedelta(hours=1))
    real = digests.notifications.newsletter_post
    calls = []

    def dies_on_the_third(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("the process was killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(digests.notifications, "newsletter_post", dies_on_the_third)
    assert runner.invoke(args=["newsletter", "send-due"]).exit_code != 0
    with site.app_context():
        db.session.remove()
    assert post_mails(site) == []  # the half batch was never committed
    send_due(runner)
    assert sorted(to for to, _ in post_mails(site)) == [f"reader{n}@example.org" for n in range(4)]


def test_two_runs_interleaved_queue_each_email_once(site, frozen):
    subscribe(site, "ana@example.org", "as_published")
    subscribe(site, "ben@example.org", "weekly")
    post(site, "First", local("2026-12-05 10:00"))
    now = frozen.moment = local("2026-12-07 08:00")
    week_of, until = digests.digest_week(now, LA)
    with site.app_context():
        for _ in range(2):  # two runs, or a rerun after a crash, record who is due what
            digests.add_post_alerts(now)
            digests.add_weekly_digests(week_of, until, now)
        db.session.commit()
        alerts = digests.waiting(PostAlert, 10)  # run A reads its batches...
        weekly = digests.waiting(WeeklyDigest, 10)
        db.session.commit()
        digests.send_due(now, 10, LA)  # ...run B queues them meanwhile...
        assert digests.queue_post_alerts(alerts, now) == (0, 0)  # ...A finds nothing left
        assert digests.queue_digests(weekly, now) == (0, 0)
        db.session.commit()
    assert post_mails(site) == [("ana@example.org", "New on the Saltgrass Bodywork blog: First")]
    assert digest_titles(site) == [("ben@example.org", ["First"])]


def test_runs_at_the_same_moment_send_each_email_once(site, frozen):
    """Cron on two hosts at the same minute: the unique rows and the claims let one run
    queue each email, and no run fails on PostgreSQL."""
    readers = [f"reader{n}@example.org" for n in range(6)]
    for n, address in enumerate(readers):
        subscribe(site, address, "as_published" if n % 2 else "weekly")
    post(site, "First", local("2026-12-05 10:00"))
    post(site, "Second", local("2026-12-07 07:30"))
    now = frozen.moment = local("2026-12-07 08:00")
    runs = 4
    barrier = threading.Barrier(runs)
    errors: list[BaseException] = []

    def run() -> None:
        with site.app_context():
            try:
                barrier.wait(timeout=30)
                digests.send_due(now, 3, LA)
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
        for _ in range(4):  # the next minutes' runs finish
            digests.send_due(now, 3, LA)
    assert Counter(to for to, _ in post_mails(site)) == {a: 2 for a in readers[1::2]}
    assert sorted(digest_titles(site)) == [(a, ["First", "Second"]) for a in readers[0::2]]
    keys = [m.key for m in mails(site, "newsletter-")]
    assert len(keys) == len(set(keys)) == 3 * 2 + 3


# ---- As a mail program reads them --------------------------------------------------------


@pytest.mark.parametrize("choice", ["as_published", "weekly"])
def test_the_emails_carry_list_headers_both_parts_and_working_absolute_links(
    site, runner, frozen, tmp_path, choice
):
    reader = subscribe(site, "ana@example.org", choice)
    post(site, "Easing a stiff neck", local("2026-12-05 10:00"), summary="Three small habits.")
    frozen.moment = local("2026-12-07 08:00")
    send_due(runner)
    [message] = deliver(site, tmp_path)
    with site.app_context():
        token = db.session.get(Subscriber, reader).token
    unsubscribe = f"http://localhost/newsletter/unsubscribe/{token}"
    preferences = f"http://localhost/newsletter/preferences/{token}"
    assert message["To"] == "ana@example.org"
    assert message["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Precedence"] == "bulk"
    assert message.get_content_type() == "multipart/alternative"
    text, page = plain(message), html(message)
    for part in (text, page):
        assert "Easing a stiff neck" in part and "Three small habits." in part
        assert "http://localhost/blog/easing-a-stiff-neck" in part
        assert unsubscribe in part and preferences in part
    links = re.findall(r'href="([^"]*)"', page)
    assert links and all(link.startswith("http://localhost/") for link in links)

    client = site.test_client()
    response = client.get(preferences.removeprefix("http://localhost"))
    assert response.status_code == 200 and "Your newsletter preferences" in response.text
    assert client.get("/blog/easing-a-stiff-neck").status_code == 200
