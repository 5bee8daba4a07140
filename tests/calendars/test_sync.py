"""`flask calendars sync` against a real local server: busy times stored and replaced as a
whole, kept when a fetch fails (the error recorded in words), 304s, two runs at once."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from clinicsite import clock
from clinicsite.calendars.fetching import Limits
from clinicsite.calendars.sync import sync_one
from clinicsite.extensions import db
from clinicsite.models import ExternalBusy, ExternalCalendar, Therapist
from tests.calendars import feeds
from tests.support.booking_helpers import MONDAY_8AM, FrozenClock, clinic_tz
from tests.support.ics_server import FeedServer

DANA, LENA = "dana-okafor", "lena-marchetti"


@pytest.fixture
def server():
    with FeedServer() as running:
        yield running


@pytest.fixture
def stopped(monkeypatch) -> FrozenClock:
    return FrozenClock(MONDAY_8AM).install(monkeypatch)


def add_feed(app, slug: str, url: str) -> int:
    with app.app_context():
        therapist = db.session.scalar(sa.select(Therapist).where(Therapist.slug == slug))
        calendar = ExternalCalendar(therapist_id=therapist.id, url=url)
        db.session.add(calendar)
        db.session.commit()
        return calendar.id


def busy_local(app, slug: str) -> list[tuple[str, str]]:
    tz = clinic_tz()
    with app.app_context():
        rows = db.session.execute(
            sa.select(ExternalBusy.starts_at, ExternalBusy.ends_at)
            .join(Therapist, Therapist.id == ExternalBusy.therapist_id)
            .where(Therapist.slug == slug)
            .order_by(ExternalBusy.starts_at)
        )
        return [
            (s.astimezone(tz).strftime("%Y-%m-%d %H:%M"), e.astimezone(tz).strftime("%H:%M"))
            for s, e in rows
        ]


def calendar_of(app, slug: str) -> ExternalCalendar:
    with app.app_context():
        calendar = db.session.scalar(
            sa.select(ExternalCalendar).join(Therapist).where(Therapist.slug == slug)
        )
        db.session.expunge(calendar)
        return calendar


def sync(runner) -> str:
    result = runner.invoke(args=["calendars", "sync"])
    assert result.exit_code == 0, result.output
    return result.output


def test_sync_stores_the_busy_times_and_says_so(clinic, runner, server, stopped):
    server.route("/dana.ics", feeds.GOOGLE, etag='"g1"')
    add_feed(clinic, DANA, server.url("/dana.ics"))
    output = sync(runner)
    assert "Dana Okafor: changed" in output
    busy = busy_local(clinic, DANA)
    assert busy[:2] == [("2026-12-08 11:00", "12:00"), ("2026-12-22 16:00", "17:00")]
    # The whole booking horizon (60 days) is covered.
    assert busy[-1][0] >= "2027-02-02"
    calendar = calendar_of(clinic, DANA)
    assert calendar.synced_at == MONDAY_8AM and calendar.error == "" and calendar.etag == '"g1"'


def test_an_unchanged_feed_keeps_its_busy_times(clinic, runner, server, stopped):
    route = server.route("/dana.ics", feeds.GOOGLE, etag='"g1"')
    add_feed(clinic, DANA, server.url("/dana.ics"))
    sync(runner)
    before = busy_local(clinic, DANA)
    stopped.advance(minutes=15)
    assert "Dana Okafor: unchanged" in sync(runner)
    assert route.requests[-1].get("If-None-Match") == '"g1"'
    assert busy_local(clinic, DANA) == before
    assert calendar_of(clinic, DANA).synced_at == stopped.moment


def test_a_week_later_the_whole_file_is_read_again_for_the_days_coming_in(
    clinic, runner, server, stopped
):
    route = server.route("/dana.ics", feeds.GOOGLE, etag='"g1"')
    add_feed(clinic, DANA, server.url("/dana.ics"))
    sync(runner)
    stopped.advance(days=8)
    assert "changed" in sync(runner)
    assert "If-None-Match" not in route.requests[-1]


def test_a_changed_feed_replaces_the_busy_times_as_a_whole(clinic, runner, server, stopped):
    route = server.route("/dana.ics", feeds.GOOGLE)
    add_feed(clinic, DANA, server.url("/dana.ics"))
    sync(runner)
    route.body = feeds.OUTLOOK
    output = sync(runner)
    assert "Dana Okafor: changed, 2 busy times (Unknown time zone Customized" in output
    assert busy_local(clinic, DANA) == [
        ("2026-12-10 10:30", "11:30"),
        ("2026-12-11 09:00", "09:30"),
    ]
    assert "Customized Time Zone 7" in calendar_of(clinic, DANA).warning


@pytest.mark.parametrize(
    "route, words",
    [
        ({"body": b"oops", "status": 500}, "HTTP 500"),
        ({"body": feeds.GARBAGE}, "does not answer with a calendar"),
        ({"body": feeds.BROKEN}, "cannot read"),
        ({"body": feeds.huge(2.1)}, "larger than 2 MB"),
        ({"body": feeds.GOOGLE, "delay": 2}, "took too long"),
    ],
)
def test_a_failed_sync_keeps_the_busy_times_and_records_the_error(
    clinic, runner, server, stopped, route, words
):
    server.route("/dana.ics", feeds.GOOGLE)
    add_feed(clinic, DANA, server.url("/dana.ics"))
    sync(runner)
    before = busy_local(clinic, DANA)
    server.route("/dana.ics", **route)
    clinic.config["CALENDAR_READ_TIMEOUT"] = 0.5
    stopped.advance(minutes=15)
    output = sync(runner)  # exit 0: one bad feed is not a failed job
    assert "Dana Okafor: failed: " in output and words in output
    assert busy_local(clinic, DANA) == before
    calendar = calendar_of(clinic, DANA)
    assert words in calendar.error
    assert calendar.synced_at == MONDAY_8AM and calendar.checked_at == stopped.moment


def test_one_failing_feed_does_not_stop_the_others(clinic, runner, server, stopped):
    server.route("/dana.ics", b"", status=500)
    server.route("/lena.ics", feeds.APPLE)
    add_feed(clinic, DANA, server.url("/dana.ics"))
    add_feed(clinic, LENA, server.url("/lena.ics"))
    output = sync(runner)
    assert "Dana Okafor: failed" in output and "Lena Marchetti: changed" in output
    assert "synced 1 calendars, 1 failed" in output
    assert busy_local(clinic, LENA)


def test_two_syncs_at_once_leave_one_set_of_busy_times(clinic, server, stopped):
    server.route("/dana.ics", feeds.GOOGLE, delay=0.3)
    calendar_id = add_feed(clinic, DANA, server.url("/dana.ics"))
    limits = Limits.from_config(clinic.config)
    outcomes, problems = [], []

    def run() -> None:
        try:
            with clinic.app_context():
                outcomes.append(sync_one(calendar_id, limits, clinic_tz(), 60, clock.now()))
                db.session.remove()
        except Exception as error:  # surfaced below
            problems.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert problems == [] and [o.status for o in outcomes] == ["changed", "changed"]
    busy = busy_local(clinic, DANA)
    assert len(busy) == len(set(busy)) == outcomes[0].busy


def test_a_feed_removed_during_its_download_is_left_alone(clinic, server, stopped):
    route = server.route("/dana.ics", feeds.GOOGLE, delay=0.3)
    calendar_id = add_feed(clinic, DANA, server.url("/dana.ics"))
    limits = Limits.from_config(clinic.config)
    with clinic.app_context():
        # Another request changes the address while the download is on its way.
        timer = threading.Timer(0.1, change_address, (clinic, calendar_id))
        timer.start()
        outcome = sync_one(calendar_id, limits, clinic_tz(), 60, clock.now())
        timer.join()
    assert outcome.failed and "changed while" in outcome.message
    assert busy_local(clinic, DANA) == []
    assert route.requests


def change_address(app, calendar_id: int) -> None:
    with app.app_context():
        db.session.get(ExternalCalendar, calendar_id).url = "http://127.0.0.1:9/other.ics"
        db.session.commit()
        db.session.remove()


def test_sync_with_no_calendars_says_so(clinic, runner):
    assert "synced 0 calendars, 0 failed" in sync(runner)


def test_removing_a_calendar_removes_its_busy_times(clinic, runner, server, stopped):
    server.route("/dana.ics", feeds.GOOGLE)
    calendar_id = add_feed(clinic, DANA, server.url("/dana.ics"))
    sync(runner)
    with clinic.app_context():
        db.session.execute(sa.delete(ExternalCalendar).where(ExternalCalendar.id == calendar_id))
        db.session.commit()
    assert busy_local(clinic, DANA) == []
