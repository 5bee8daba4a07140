"""The waitlist's pages: joining from the booking flow, garbage in every field and link, and
the staff's list with its withdraw button."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import ServiceOption, WaitlistEntry
from tests.support.booking_helpers import FrozenClock, csrf_from, input_value, page_html, text_of
from tests.support.waitlist_helpers import NMT, NOW, entry_status, join

PICKED = {"service": NMT, "location": "hermosa-beach-studio", "therapist": "dana-okafor"}


@pytest.fixture
def clock(monkeypatch):
    return FrozenClock(NOW).install(monkeypatch)


def option_60(app) -> str:
    with app.app_context():
        return str(
            db.session.scalar(
                sa.select(ServiceOption.id)
                .join(ServiceOption.service)
                .where(ServiceOption.duration_minutes == 60)
                .filter_by(slug=NMT)
            )
        )


def join_url(app, **extra) -> str:
    return "/book/waitlist?" + urlencode({**PICKED, "option": option_60(app), **extra})


def form_data(html: str, **override) -> dict:
    data = {
        **PICKED,
        "csrf_token": csrf_from(html),
        "date_from": "2026-12-09",
        "date_to": "2026-12-11",
        "earliest": "09:00",
        "latest": "12:00",
        "weekdays": ["2", "3"],
        "name": "Wanda Wait",
        "email": "wanda@example.com",
        "phone": "",
    }
    data.update(override)
    return data


def entries(app) -> list[tuple]:
    with app.app_context():
        return db.session.execute(
            sa.select(
                WaitlistEntry.email,
                WaitlistEntry.therapist_id.is_(None),
                WaitlistEntry.weekdays,
                WaitlistEntry.date_from,
                WaitlistEntry.date_to,
            )
        ).all()


def test_a_full_day_links_to_the_waitlist_with_the_choices_kept(clinic, client, clock):
    url = "/book/?" + urlencode({**PICKED, "option": option_60(clinic), "day": "2026-12-10"})
    html = page_html(client, url)  # Dana does not work at Hermosa Beach on Thursdays
    assert "No free times on that day" in text_of(html)
    assert "Join the waitlist" in text_of(html)
    assert "/book/waitlist?service=neuromuscular-therapy&amp;option=" in html
    assert "day=2026-12-10" in html


def test_the_form_is_prefilled_from_the_booking_choices(clinic, client, clock):
    html = page_html(client, join_url(clinic, day="2026-12-10"))
    assert input_value(html, "date_from") == input_value(html, "date_to") == "2026-12-10"
    assert input_value(html, "earliest") == "07:00"
    assert "Dana Okafor" in text_of(html)


def test_joining_puts_the_client_on_the_waitlist_and_emails_them(clinic, client, clock):
    html = page_html(client, join_url(clinic))
    data = form_data(html, option=option_60(clinic))
    response = client.post("/book/waitlist", data=data)
    assert response.status_code == 200
    assert "You are on the waitlist" in text_of(response.get_data(as_text=True))
    import datetime as dt

    assert entries(clinic) == [
        (
            "wanda@example.com",
            False,
            (1 << 2) | (1 << 3),
            dt.date(2026, 12, 9),
            dt.date(2026, 12, 11),
        )
    ]


def test_any_therapist_joins_for_any_therapist(clinic, client, clock):
    html = page_html(client, join_url(clinic, therapist="any"))
    data = form_data(html, option=option_60(clinic), therapist="any")
    assert client.post("/book/waitlist", data=data).status_code == 200
    assert [row[1] for row in entries(clinic)] == [True]


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"date_from": "yesterday"}, "Not a valid date value."),
        ({"date_from": "2026-12-01", "date_to": "2026-12-02"}, "today or later"),
        ({"date_from": "2026-12-11", "date_to": "2026-12-09"}, "on or after the first day"),
        ({"date_to": "2027-06-01"}, "days ahead"),
        ({"earliest": "25:99"}, "Not a valid time value."),
        ({"earliest": "15:00", "latest": "09:00"}, "at or after the earliest start"),
        ({"weekdays": []}, "at least one day of the week"),
        ({"weekdays": ["9"]}, "Please pick days from the list."),
        ({"weekdays": ["x"]}, "Please pick"),
        ({"email": "not an email"}, "does not look right"),
        ({"name": ""}, "Please give your name."),
        ({"phone": "call me"}, "at least 7 digits"),
    ],
)
def test_garbage_in_the_form_gets_a_clear_message(clinic, client, clock, override, message):
    html = page_html(client, join_url(clinic))
    response = client.post(
        "/book/waitlist", data=form_data(html, option=option_60(clinic), **override)
    )
    assert response.status_code == 422
    assert message in text_of(response.get_data(as_text=True))
    assert entries(clinic) == []


@pytest.mark.parametrize(
    "query",
    [
        "",
        "service=nope",
        "service=neuromuscular-therapy&option=999999999999999999999",
        "service=neuromuscular-therapy&option=x&therapist=<script>",
        "service=neuromuscular-therapy&location=nowhere&therapist=any",
    ],
)
def test_garbage_choices_get_a_page_not_an_error(clinic, client, clock, query):
    response = client.get(f"/book/waitlist?{query}")
    assert response.status_code == 400
    assert "choose a service" in text_of(response.get_data(as_text=True))


def test_a_post_without_its_token_is_refused(clinic, client, clock):
    page_html(client, join_url(clinic))
    data = form_data('<input type="hidden" name="csrf_token" value="x">', option=option_60(clinic))
    data.pop("csrf_token")
    assert client.post("/book/waitlist", data=data).status_code in (400, 422)
    assert entries(clinic) == []


@pytest.mark.parametrize(
    "path",
    [
        "/book/waitlist/claim/nope",
        "/book/waitlist/claim/" + "a" * 300,
        "/book/waitlist/withdraw/nope",
        "/book/waitlist/withdraw/" + "b" * 300,
    ],
)
def test_unknown_links_are_not_found(clinic, client, path):
    assert client.get(path).status_code == 404
    assert client.post(path).status_code in (400, 404)


def test_one_email_cannot_fill_the_waitlist(clinic, client, clock):
    for _ in range(3):
        join(clinic)
    html = page_html(client, join_url(clinic))
    response = client.post(
        "/book/waitlist", data=form_data(html, option=option_60(clinic), email="wanda@example.com")
    )
    assert response.status_code == 422
    assert "already on the waitlist 3 times" in text_of(response.get_data(as_text=True))


# -- staff --------------------------------------------------------------------------------------


def test_staff_see_who_is_waiting_and_can_withdraw_an_entry(clinic, client, login_as, clock):
    waiting = join(clinic, "wanda@example.com", "Wanda Wait")
    login_as("admin")
    html = page_html(client, "/staff/waitlist/")
    assert "Wanda Wait" in text_of(html)
    response = client.post(
        f"/staff/waitlist/{waiting}/withdraw", data={"csrf_token": csrf_from(html)}
    )
    assert response.status_code == 303
    assert entry_status(clinic, waiting) == "withdrawn"
    assert "Nobody is waiting" in text_of(page_html(client, "/staff/waitlist/"))


@pytest.mark.parametrize("entry_id", ["0", "abc", "99999999999999999999999"])
def test_staff_withdraw_of_an_unknown_entry_is_not_found(clinic, client, login_as, entry_id):
    login_as("admin")
    html = page_html(client, "/staff/waitlist/")
    response = client.post(
        f"/staff/waitlist/{entry_id}/withdraw", data={"csrf_token": csrf_from(html)}
    )
    assert response.status_code == 404


def test_editors_cannot_open_the_waitlist(clinic, client, login_as):
    login_as("editor")
    assert client.get("/staff/waitlist/").status_code == 403


def test_the_waitlist_needs_a_login(clinic, client):
    assert client.get("/staff/waitlist/").status_code == 302
