"""The schedule page's own-calendar form: the therapist (or an admin) sets, syncs and
removes the address; it is shown masked; errors are said in words; CSRF and ownership."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import AuditEvent, ExternalBusy, ExternalCalendar
from tests.calendars import feeds
from tests.support.booking_helpers import MONDAY_8AM, FrozenClock, text_of
from tests.support.ics_server import FeedServer
from tests.support.staff_helpers import form_token, therapist_id

SECRET = "/calendar/ical/dana%40example.com/private-0a1b2c3d4e5f/basic.ics"


@pytest.fixture
def server():
    with FeedServer() as running:
        yield running


@pytest.fixture
def dana(clinic, client, login_as, monkeypatch):
    FrozenClock(MONDAY_8AM).install(monkeypatch)
    login_as("therapist", therapist_id=therapist_id(clinic, "dana-okafor"))
    return therapist_id(clinic, "dana-okafor")


def page(client, tid: int) -> str:
    response = client.get(f"/staff/schedules/{tid}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def post(client, tid: int, path: str = "", **data):
    token = form_token(page(client, tid))
    return client.post(
        f"/staff/schedules/{tid}/calendar{path}",
        data={"csrf_token": token, **data},
        follow_redirects=True,
    )


def busy_rows(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(ExternalBusy))


def test_a_therapist_connects_syncs_and_sees_their_calendar_masked(clinic, client, dana, server):
    server.route(SECRET, feeds.GOOGLE)
    saved = post(client, dana, **{"calendar-url": server.url(SECRET)})
    assert saved.status_code == 200
    assert "Calendar address saved" in text_of(saved.get_data(as_text=True))
    synced = text_of(post(client, dana, "/sync").get_data(as_text=True))
    assert "Calendar read: 9 busy times." in synced
    assert "Busy times coming up 9" in synced
    assert "Last read Monday, December 7, 2026" in synced
    assert "127.0.0.1/….ics" in synced
    html = page(client, dana)
    assert "private-0a1b2c3d4e5f" not in html and server.url(SECRET) not in html
    with clinic.app_context():
        notes = db.session.scalars(sa.select(AuditEvent.after)).all()
    assert notes and "private-0a1b2c3d4e5f" not in str(notes)


def test_a_failing_feed_is_explained_and_keeps_what_was_read(clinic, client, dana, server):
    route = server.route(SECRET, feeds.GOOGLE)
    post(client, dana, **{"calendar-url": server.url(SECRET)})
    post(client, dana, "/sync")
    route.status, route.body = 500, b"oops"
    answer = text_of(post(client, dana, "/sync").get_data(as_text=True))
    assert (
        "The calendar could not be read: The calendar's server answered with an error (HTTP 500)."
        in answer
    )
    assert "The busy times read before are kept." in answer
    assert busy_rows(clinic) == 9


def test_garbage_at_the_address_is_said_in_words(clinic, client, dana, server):
    server.route(SECRET, feeds.GARBAGE)
    post(client, dana, **{"calendar-url": server.url(SECRET)})
    answer = text_of(post(client, dana, "/sync").get_data(as_text=True))
    assert "does not answer with a calendar (.ics) file" in answer
    assert "No busy times have been read yet." in answer


@pytest.mark.parametrize(
    "typed, words",
    [
        ("", "Please paste the calendar's address."),
        ("calendar.google.com/basic.ics", "must start with https://"),
        ("https://exa mple.com/x.ics", "spaces"),
        ("https://" + "a" * 2100, "2000 characters"),
    ],
)
def test_a_bad_address_is_refused_with_a_message(clinic, client, dana, typed, words):
    response = post(client, dana, **{"calendar-url": typed})
    assert response.status_code == 422
    assert words in text_of(response.get_data(as_text=True))
    with clinic.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ExternalCalendar)) == 0


def test_production_settings_take_https_only(clinic, client, dana):
    clinic.config["CALENDAR_ALLOW_HTTP"] = False
    response = post(client, dana, **{"calendar-url": "http://calendar.example.com/x.ics"})
    assert response.status_code == 422
    assert "must start with https://" in text_of(response.get_data(as_text=True))
    ok = post(client, dana, **{"calendar-url": "webcal://p01-caldav.icloud.com/published/2/x"})
    assert "Calendar address saved" in text_of(ok.get_data(as_text=True))
    with clinic.app_context():
        assert db.session.scalar(sa.select(ExternalCalendar.url)).startswith("https://p01-")


def test_a_new_address_or_removing_it_drops_the_old_busy_times(clinic, client, dana, server):
    server.route(SECRET, feeds.GOOGLE)
    server.route("/other.ics", feeds.APPLE)
    post(client, dana, **{"calendar-url": server.url(SECRET)})
    post(client, dana, "/sync")
    assert busy_rows(clinic) == 9
    post(client, dana, **{"calendar-url": server.url("/other.ics")})
    assert busy_rows(clinic) == 0
    post(client, dana, "/sync")
    assert busy_rows(clinic) > 0
    removed = text_of(post(client, dana, "/remove").get_data(as_text=True))
    assert "Calendar removed" in removed and "No calendar connected." in removed
    assert busy_rows(clinic) == 0


def test_another_therapist_cannot_touch_it(clinic, client, login_as):
    login_as("therapist", therapist_id=therapist_id(clinic, "lena-marchetti"))
    dana = therapist_id(clinic, "dana-okafor")
    assert client.get(f"/staff/schedules/{dana}").status_code in (403, 404)
    own = therapist_id(clinic, "lena-marchetti")
    token = form_token(page(client, own))
    response = client.post(
        f"/staff/schedules/{dana}/calendar",
        data={"csrf_token": token, "calendar-url": "https://example.com/x.ics"},
    )
    assert response.status_code in (403, 404)


def test_an_admin_may_set_it_and_a_post_without_csrf_is_refused(clinic, client, login_as):
    login_as("admin")
    dana = therapist_id(clinic, "dana-okafor")
    refused = client.post(
        f"/staff/schedules/{dana}/calendar", data={"calendar-url": "https://example.com/x.ics"}
    )
    assert refused.status_code == 400
    ok = post(client, dana, **{"calendar-url": "https://example.com/x.ics"})
    assert "Calendar address saved" in text_of(ok.get_data(as_text=True))


def test_sync_now_without_an_address_says_so(clinic, client, dana):
    answer = text_of(post(client, dana, "/sync").get_data(as_text=True))
    assert "There is no calendar address to read." in answer
