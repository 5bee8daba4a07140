"""Public pages served from the cache (clinicsite/pagecache/): what a visitor without a
session gets, and that every edit shows on the next request, on another worker too."""

from __future__ import annotations

import gzip
import importlib
import os
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
import redis
import sqlalchemy as sa
from flask import Flask, before_render_template

from clinicsite import reference
from clinicsite.extensions import db
from clinicsite.models import (
    Comment,
    Post,
    Service,
    ServiceArea,
    ServiceOption,
    Therapist,
    WorkingHours,
)
from clinicsite.pagecache.store import RedisStore
from tests.support.app import csrf_token, make_app, queries_for_page, wipe
from tests.support.blog_factories import NOW, make_comment, make_post

SERVICE = "/services/neuromuscular-therapy"
AREA = "/areas/hermosa-beach"


def statements(app, client, url: str) -> int:
    return queries_for_page(app, client, url, cached=True)


def test_a_second_visit_is_served_from_the_cache_with_one_query(clinic, client):
    for url in ("/", SERVICE, AREA, "/blog/", "/sitemap.xml", "/blog/feed.xml", "/contact"):
        assert statements(clinic, client, url) == 1, url  # the content versions
        assert queries_for_page(clinic, client, url) > 3, url  # rendered: many more


def test_pages_for_visitors_without_a_session_are_public_and_revalidated(clinic, client):
    first = client.get(SERVICE)
    again = client.get(SERVICE)
    for response in (first, again):
        assert "Set-Cookie" not in response.headers
        assert response.headers["Cache-Control"] == "public, no-cache"
        assert response.headers["Vary"] == "Accept-Encoding"
        assert response.headers["Content-Security-Policy"]  # hits get every header too
    assert first.data == again.data and first.headers["ETag"] == again.headers["ETag"]
    unchanged = client.get(SERVICE, headers={"If-None-Match": first.headers["ETag"]})
    assert unchanged.status_code == 304 and unchanged.data == b""
    zipped = client.get(SERVICE, headers={"Accept-Encoding": "gzip, br"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == first.data
    assert zipped.headers["ETag"] != first.headers["ETag"]
    assert client.head(SERVICE).status_code == 200


def test_staff_get_private_pages_and_nothing_they_see_is_kept(clinic, client, login_as):
    visitor = clinic.test_client()
    login_as("admin")
    staff_view = client.get(SERVICE)
    assert staff_view.headers["Cache-Control"] == "private, no-cache"
    assert "ETag" not in staff_view.headers
    assert statements(clinic, visitor, SERVICE) == 1


def test_a_flash_message_is_never_shown_to_another_visitor(clinic, client):
    data = {
        "name": "Ana Reyes",
        "email": "ana@example.org",
        "service": "",
        "message": "Do you open on Sundays, and is parking free?",
    }
    thanked = client.post("/contact", data=data, follow_redirects=True)
    assert "Thank you, your message has reached us" in thanked.text
    assert thanked.headers["Cache-Control"] == "private, no-cache"
    other = clinic.test_client().get("/contact")
    assert "Thank you" not in other.text and "Set-Cookie" not in other.headers


def _edit(app, change) -> None:
    with app.app_context():
        change()
        db.session.commit()


def test_a_new_price_shows_at_once(clinic, client, login_as):
    assert "$140" in client.get(SERVICE).text
    admin = clinic.test_client()
    with clinic.app_context():
        option = db.session.scalar(
            sa.select(ServiceOption)
            .join(Service)
            .where(Service.slug == "neuromuscular-therapy", ServiceOption.duration_minutes == 60)
        )
        url = f"/staff/catalogue/options/{option.id}"
    login_as("admin")  # logs in `client`; the staff edit goes through its pages
    page = client.get(url).text
    fields = dict(re.findall(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', page))
    fields = {k: v for k, v in fields.items() if k != "csrf_token"}
    fields.update(price="155", csrf_token=csrf_token(client, url))
    assert client.post(url, data=fields).status_code == 302
    shown = admin.get(SERVICE).text  # a visitor without a session
    assert "$155" in shown and "$140" not in shown


def test_area_text_therapist_hours_and_posts_show_at_once(clinic, client):
    therapist_url = "/therapists/"
    pages = [AREA, "/blog/", "/"]
    with clinic.app_context():
        therapist = db.session.scalars(sa.select(Therapist).order_by(Therapist.id)).first()
        therapist_url += therapist.slug
    for url in [*pages, therapist_url]:
        client.get(url)  # now kept

    def area_text():
        area = db.session.scalar(sa.select(ServiceArea).filter_by(slug="hermosa-beach"))
        area.intro = "Freshly edited words about Hermosa Beach."

    _edit(clinic, area_text)
    assert "Freshly edited words about Hermosa Beach." in client.get(AREA).text

    def hours():
        therapist = db.session.get(Therapist, therapist_id(clinic, therapist_url))
        therapist.hours.append(
            WorkingHours(
                location=therapist.hours[0].location,
                weekday=6,
                starts_at=therapist.hours[0].starts_at.replace(hour=7),
                ends_at=therapist.hours[0].starts_at.replace(hour=8),
            )
        )

    _edit(clinic, hours)
    assert "7:00–8:00" in client.get(therapist_url).text

    _edit(clinic, lambda: make_post("A brand new post about shoulders", slug="new-shoulders"))
    assert "A brand new post about shoulders" in client.get("/blog/").text


def therapist_id(app, url: str) -> int:
    with app.app_context():
        slug = url.rsplit("/", 1)[1]
        return db.session.scalar(sa.select(Therapist.id).filter_by(slug=slug))


def test_an_edited_post_and_an_approved_comment_show_at_once(app, client, monkeypatch):
    monkeypatch.setattr("clinicsite.clock.now", lambda: NOW)
    with app.app_context():
        post = make_post("Easing a stiff neck", slug="stiff-neck")
        make_comment(post, status="pending", body="Waiting for an editor.")
        db.session.commit()
    assert "Waiting for an editor." not in client.get("/blog/stiff-neck").text

    def approve():
        comment = db.session.scalar(sa.select(Comment))
        comment.status = "approved"

    _edit(app, approve)
    assert "Waiting for an editor." in client.get("/blog/stiff-neck").text

    def retitle():
        db.session.scalar(sa.select(Post)).title = "Easing a stiff neck at the desk"

    _edit(app, retitle)
    assert "Easing a stiff neck at the desk" in client.get("/blog/stiff-neck").text


def test_a_scheduled_post_appears_when_due_with_no_edit(app, client, monkeypatch):
    now = [NOW]
    monkeypatch.setattr("clinicsite.clock.now", lambda: now[0])
    with app.app_context():
        make_post("Already out", slug="already-out")
        make_post("Out tomorrow", slug="out-tomorrow", published_at=NOW + timedelta(days=1))
        db.session.commit()
    assert "Out tomorrow" not in client.get("/blog/").text
    assert "Out tomorrow" not in client.get("/blog/").text  # kept, still hidden
    now[0] = NOW + timedelta(days=1, seconds=1)
    monkeypatch.setattr("time.time", lambda: now[0].timestamp())
    assert "Out tomorrow" in client.get("/blog/").text


def test_a_booking_shows_at_once_in_the_times_offered(clinic, client):
    from tests.support.booking_helpers import NMT, TUESDAY, book_slot, first_free_slot

    slot = first_free_slot(client, NMT, TUESDAY)
    book_slot(client, clinic, slot)
    assert first_free_slot(clinic.test_client(), NMT, TUESDAY) != slot


def test_the_comment_form_of_a_kept_page_says_when_it_was_shown(app, client, monkeypatch):
    now = [NOW]
    monkeypatch.setattr("clinicsite.clock.now", lambda: now[0])
    with app.app_context():
        make_post("Open for comments", slug="open")
        db.session.commit()
    started = re.compile(r'name="started" type="hidden" value="([^"]+)"')
    first = started.search(client.get("/blog/open").text).group(1)
    now[0] = NOW + timedelta(minutes=10)
    second = started.search(client.get("/blog/open").text).group(1)
    assert first != second  # signed at 10 minutes later, though the page was kept
    data = {"started": second, "name": "Ana", "email": "ana@example.org", "body": "Thanks!"}
    quick = client.post("/blog/open/comments", data=data)
    assert quick.status_code == 422 and "That was quick" in quick.text
    # Visitors of one second share one refresh, plain and gzipped alike; the next second
    # gets its own.
    plain = client.get("/blog/open").data
    zipped = client.get("/blog/open", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == plain == client.get("/blog/open").data
    now[0] += timedelta(seconds=1)
    later = client.get("/blog/open", headers={"Accept-Encoding": "gzip"}).data
    assert gzip.decompress(later) != plain
    now[0] += timedelta(seconds=3)
    data["started"] = started.search(gzip.decompress(later).decode()).group(1)
    assert client.post("/blog/open/comments", data=data).status_code == 303


def test_an_edit_on_one_worker_shows_on_another(clinic, migrated, client):
    other = make_app(migrated)
    try:
        visitor = other.test_client()
        assert "$140" in visitor.get(SERVICE).text
        assert statements(other, visitor, SERVICE) == 1  # kept by the other worker

        def new_price():
            option = db.session.scalar(sa.select(ServiceOption).filter_by(price=14000))
            option.price = 16000

        _edit(clinic, new_price)
        assert "$160" in visitor.get(SERVICE).text
    finally:
        with other.app_context():
            db.engine.dispose()


AVAILABILITY = "/api/availability?service=neuromuscular-therapy&date=2026-12-08&days=14"


def test_times_offered_are_kept_until_a_booking_or_the_next_minute(clinic, client):
    assert statements(clinic, client, AVAILABILITY) == 2  # the counters and the bookings
    assert queries_for_page(clinic, client, AVAILABILITY) > 4


def test_a_cancelled_booking_offers_its_time_again_at_once(clinic, client):
    from clinicsite.appointments.cancellation import cancel
    from clinicsite.clinic import get_clinic
    from clinicsite.models import Appointment
    from clinicsite.payments import get_gateway
    from tests.support.booking_helpers import NMT, hold_slot, is_free

    slot, _ = hold_slot(client, clinic)
    assert not is_free(client, NMT, slot["start"], slot["therapist"])
    with clinic.app_context():
        appointment = db.session.scalar(sa.select(Appointment))
        cancel(appointment, get_clinic(), get_gateway(), appointment.created_at)
    assert is_free(client, NMT, slot["start"], slot["therapist"])


def test_an_expired_hold_offers_its_time_again_within_a_minute(clinic, client, monkeypatch):
    from clinicsite.models import Appointment
    from tests.support.booking_helpers import NMT, hold_slot, is_free

    slot, _ = hold_slot(client, clinic)
    assert not is_free(client, NMT, slot["start"], slot["therapist"])
    with clinic.app_context():
        expires = db.session.scalar(sa.select(Appointment.hold_expires_at))
    monkeypatch.setattr("clinicsite.clock.now", lambda: expires + timedelta(minutes=1))
    assert is_free(client, NMT, slot["start"], slot["therapist"])


def test_the_booking_times_are_kept_until_a_booking(clinic, client):
    from tests.support.booking_helpers import NMT, TUESDAY, book_slot, first_free_slot

    slot = first_free_slot(client, NMT, TUESDAY)
    times = (
        f"/book/?service={NMT}&option={slot['option_id']}&location={slot['location']}"
        f"&therapist={slot['therapist']}&day={TUESDAY}"
    )
    visitor = clinic.test_client()
    offered = visitor.get(times).text.count('class="choice time"')
    assert offered > 1
    assert statements(clinic, visitor, times) == 2  # the counters and the bookings
    book_slot(client, clinic, slot)
    assert visitor.get(times).text.count('class="choice time"') < offered


# -- Redis: pages and versions shared by every worker and host ------------------------------


def redis_url() -> str:
    """TEST_REDIS_URL, else a Redis database per pytest-xdist worker (10 to 15)."""
    own = os.environ.get("TEST_REDIS_URL", "").strip()
    if own:
        return own
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return f"redis://127.0.0.1:6379/{10 + int(worker.removeprefix('gw') or 0) % 6}"


@pytest.fixture
def shared_redis() -> Iterator[str]:
    """An emptied Redis database: skipped without Redis locally, failed under CI."""
    url = redis_url()
    try:
        redis.Redis.from_url(url, socket_timeout=3).flushdb()
    except redis.RedisError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"the page cache tests need Redis at {url}: {exc}")
        pytest.skip(f"no Redis at {url}")
    yield url
    redis.Redis.from_url(url, socket_timeout=3).flushdb()


@pytest.fixture
def workers(migrated, shared_redis) -> Iterator[tuple[Flask, Flask]]:
    """Two app instances sharing the database and Redis, as two gunicorn workers (or hosts)
    do; the test clinic loaded."""
    from tests.support.booking_helpers import load_fixture_clinic

    first, second = (make_app(migrated, PAGE_CACHE_URL=shared_redis) for _ in range(2))
    load_fixture_clinic(first)
    yield first, second
    with second.app_context():
        db.engine.dispose()
    wipe(first)


# The option the SERVICE page shows at $140.
HOUR_OF_NMT = (
    sa.select(ServiceOption)
    .join(Service)
    .where(Service.slug == "neuromuscular-therapy", ServiceOption.duration_minutes == 60)
)


def _reprice(app: Flask, cents: int) -> None:
    """The 60-minute option's price, changed through the ORM (as every edit is)."""

    def change():
        option = db.session.scalar(HOUR_OF_NMT)
        option.price = cents

    _edit(app, change)


def _reprice_unseen(app: Flask, cents: int) -> None:
    """The price changed behind the page cache's back (no session, so no version bumped):
    a page showing it proves it was rendered, not served from the cache. The worker's
    reference snapshot, which such an edit would leave stale too, is dropped: what is
    tested here is the page cache."""
    with app.app_context(), db.engine.begin() as conn:
        option_id = conn.scalar(HOUR_OF_NMT.with_only_columns(ServiceOption.id))
        conn.execute(
            sa.text("UPDATE service_option SET price = :p WHERE id = :id"),
            {"p": cents, "id": option_id},
        )
    app.extensions[reference.EXTENSION].clear()


def test_a_hit_from_redis_runs_no_query(workers):
    first, _ = workers
    visitor = first.test_client()
    for url in ("/", SERVICE, AREA, "/blog/", "/sitemap.xml", "/blog/feed.xml", "/contact"):
        assert statements(first, visitor, url) == 0, url
    assert statements(first, visitor, AVAILABILITY) == 1  # the bookings only


def test_workers_share_pages_and_edits_through_redis(workers):
    first, second = workers
    assert "$140" in first.test_client().get(SERVICE).text  # rendered and kept by the first
    assert statements(second, second.test_client(), SERVICE) == 0  # the second never rendered it
    _reprice(second, 16000)  # an edit on the second worker
    assert "$160" in first.test_client().get(SERVICE).text
    _reprice(first, 17000)  # and on the first
    assert "$170" in second.test_client().get(SERVICE).text


def test_a_page_rendered_while_an_edit_commits_is_not_served_after_it(workers):
    first, second = workers
    raced = []

    def edit_during_render(sender, template, context, **extra):
        if not raced:  # the view has read the old price; the edit commits before it is sent
            raced.append(template.name)
            _reprice(second, 16000)

    with before_render_template.connected_to(edit_during_render, first):
        assert "$140" in first.test_client().get(SERVICE).text
    assert raced
    for app in (first, second):
        assert "$160" in app.test_client().get(SERVICE).text


def test_an_edit_is_not_seen_by_other_workers_before_it_commits(workers):
    first, second = workers
    visitor = first.test_client()
    assert "$140" in visitor.get(SERVICE).text
    with second.app_context():
        option = db.session.scalar(HOUR_OF_NMT)
        option.price = 16000
        db.session.flush()  # counted, not committed
        assert "$140" in visitor.get(SERVICE).text  # rendered now, it would be kept as new
        db.session.commit()
    assert "$160" in visitor.get(SERVICE).text


def test_an_edit_in_a_savepoint_is_seen_once_the_transaction_commits(workers):
    first, second = workers
    visitor = first.test_client()
    assert "$140" in visitor.get(SERVICE).text
    with second.app_context():
        with db.session.begin_nested():
            db.session.scalar(HOUR_OF_NMT).price = 16000
        assert "$140" in visitor.get(SERVICE).text  # the savepoint is not the commit
        db.session.commit()
    assert "$160" in visitor.get(SERVICE).text


def test_a_rolled_back_edit_keeps_the_pages(workers):
    first, second = workers
    visitor = first.test_client()
    visitor.get(SERVICE)
    with second.app_context():
        db.session.scalar(HOUR_OF_NMT).price = 16000
        db.session.flush()
        db.session.rollback()
        db.session.commit()  # nothing left to bump
    _reprice_unseen(first, 15000)
    assert "$140" in visitor.get(SERVICE).text  # still the kept page


def test_a_bump_lost_on_the_way_to_redis_is_made_up_within_seconds(workers, monkeypatch):
    first, second = workers
    visitor = first.test_client()
    assert "$140" in visitor.get(SERVICE).text

    def unreachable(*args, **kwargs):
        raise redis.ConnectionError("Redis out of reach")

    monkeypatch.setattr(second.extensions["clinicsite.pagecache"].client, "hset", unreachable)
    _reprice(second, 16000)  # committed; its bump never reached Redis
    monkeypatch.setattr(RedisStore, "RECONCILE_SECONDS", 0.0)  # as if the seconds had passed
    assert "$160" in visitor.get(SERVICE).text


def test_versions_lost_in_redis_mean_a_miss(workers, shared_redis):
    first, _ = workers
    visitor = first.test_client()
    assert "$140" in visitor.get(SERVICE).text
    _reprice_unseen(first, 16000)
    assert "$140" in visitor.get(SERVICE).text  # kept: no edit was seen
    redis.Redis.from_url(shared_redis).delete(RedisStore.VERSIONS)  # pages kept, versions lost
    assert "$160" in visitor.get(SERVICE).text
    assert statements(first, visitor, SERVICE) == 0  # kept again under new versions


def test_pages_of_another_deploy_are_not_served(workers, shared_redis, migrated, monkeypatch):
    first, _ = workers
    assert "$140" in first.test_client().get(SERVICE).text
    _reprice_unseen(first, 16000)
    store_module = importlib.import_module("clinicsite.pagecache.store")
    monkeypatch.setattr(store_module, "code_stamp", lambda: "another-deploy")
    deployed = make_app(migrated, PAGE_CACHE_URL=shared_redis)
    try:
        assert "$160" in deployed.test_client().get(SERVICE).text
        assert "$140" in first.test_client().get(SERVICE).text  # the old deploy's own page
    finally:
        with deployed.app_context():
            db.engine.dispose()


def test_the_code_stamp_follows_the_code():
    from clinicsite.pagecache.store import code_stamp

    assert re.fullmatch(r"[0-9a-f]{12}", code_stamp())
    assert code_stamp() == code_stamp()


def test_pages_render_when_redis_is_down(migrated):
    from tests.support.booking_helpers import load_fixture_clinic

    down = make_app(migrated, PAGE_CACHE_URL="redis://127.0.0.1:1/0")  # connection refused
    load_fixture_clinic(down)
    try:
        visitor = down.test_client()
        for url in (SERVICE, SERVICE, "/", AVAILABILITY):
            response = visitor.get(url)
            assert response.status_code == 200, url
            assert "ETag" not in response.headers  # rendered for this request only
        _reprice(down, 16000)  # the edit commits; only the cache's versions could not move
        assert "$160" in visitor.get(SERVICE).text
    finally:
        wipe(down)
