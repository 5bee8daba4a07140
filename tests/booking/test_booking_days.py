"""The day picker of /book/: 14 days with free times at a time, with "earlier" and "later"
links (plain GET links carrying the choices) that reach every day up to the horizon."""

from __future__ import annotations

import html as html_lib
import re
from datetime import date, datetime
from urllib.parse import urlencode

import pytest

from tests.support import stripe_fixtures
from tests.support.booking_helpers import (
    CLIENT_DETAILS,
    DISCOVERY,
    appointment,
    appointments,
    clinic_tz,
    confirmed_booking,
    details_form,
    flashes,
    option_id,
    page_html,
    post_form,
    query_of,
    reschedule_times,
    text_of,
    token_from,
)

# Monday 2026-12-07 08:00 PST; 60 days ahead is Friday 2027-02-05 08:00 PST, the first
# minute of Dana's Friday hours (08:00-12:00 at Hermosa Beach): that day has one time.
clock, stub, app, client = stripe_fixtures.FIXTURES
LAST_DAY = date(2027, 2, 5)
DANA = "dana-okafor"


def picker_url(app, **extra) -> str:
    query = {
        "service": DISCOVERY,
        "option": option_id(app, DISCOVERY),
        "location": "hermosa-beach-studio",
        "therapist": DANA,
        **extra,
    }
    return "/book/?" + urlencode(query)


def links(html: str, pattern: str) -> list[str]:
    return [html_lib.unescape(h) for h in re.findall(pattern, html)]


def day_links(html: str) -> dict[date, str]:
    """The day picker's days and their links."""
    found = links(html, r'<a class="choice[^"]*" href="([^"]*day=[^"]*)"')
    return {date.fromisoformat(query_of(url)["day"][0]): url for url in found}


def pager(html: str, rel: str) -> str | None:
    found = links(html, rf'<a rel="{rel}" href="([^"]+)"')
    return found[0] if found else None


def test_later_links_reach_the_last_bookable_day_and_book_it(client, app):
    html = page_html(client, picker_url(app))
    assert pager(html, "prev") is None
    seen: list[date] = []
    pages = 0
    while True:
        pages += 1
        days = day_links(html)
        assert 0 < len(days) <= 14
        assert not seen or min(days) > max(seen), "pages overlap or go backwards"
        seen.extend(sorted(days))
        later = pager(html, "next")
        if later is None:
            break
        # The link carries every choice made so far.
        query = query_of(later)
        assert query["service"] == [DISCOVERY] and query["therapist"] == [DANA]
        assert query["location"] == ["hermosa-beach-studio"] and "option" in query
        html = page_html(client, later)
        assert pager(html, "prev") is not None
    assert pages > 1
    assert max(seen) == LAST_DAY
    assert date(2027, 2, 6) not in seen and date(2027, 2, 8) not in seen

    html = page_html(client, day_links(html)[LAST_DAY])
    times = links(html, r'<a class="choice time" href="([^"]+)"')
    assert len(times) == 1, "only 08:00 is inside the horizon on the last day"
    start = datetime.fromisoformat(query_of(times[0])["start"][0])
    assert start.astimezone(clinic_tz()).strftime("%Y-%m-%d %H:%M") == "2027-02-05 08:00"

    fields = details_form(client, times[0])
    response = client.post("/book/details", data={**fields, **CLIENT_DETAILS})
    assert response.status_code == 303
    booked = appointment(app, token_from(response))
    assert booked["status"] == "confirmed" and booked["starts_at"] == start


def test_the_day_after_the_horizon_is_refused(client, app):
    response = client.get(picker_url(app, day="2027-02-06"))
    assert response.status_code == 400
    assert "Online booking is open for the next 60 days" in text_of(response.get_data(as_text=True))
    # A time just past the horizon on the last day is not offered either.
    late = datetime(2027, 2, 5, 8, 30, tzinfo=clinic_tz()).isoformat()
    response = client.get(picker_url(app, start=late).replace("/book/?", "/book/details?"))
    assert response.status_code == 422
    assert appointments(app) == []


def test_a_chosen_day_opens_the_page_that_holds_it(client, app):
    html = page_html(client, picker_url(app, day=LAST_DAY.isoformat()))
    assert LAST_DAY in day_links(html)
    assert pager(html, "next") is None and pager(html, "prev") is not None


@pytest.mark.parametrize(
    "page", ["abc", "0", "-1", "1.5", "", " ", "99999999999999999999", "²", "1e3", "1,2", "two"]
)
def test_garbage_in_the_page_parameter_gets_a_clear_answer(client, app, page):
    response = client.get(picker_url(app) + "&page=" + page)
    html = response.get_data(as_text=True)
    if page.strip() == "":
        assert response.status_code == 200
        return
    assert response.status_code == 400, page
    assert "That page of dates could not be read" in " ".join(flashes(html))
    assert day_links(html), "the first days are shown instead"


def test_a_page_past_the_last_shows_the_last_days(client, app):
    response = client.get(picker_url(app, page="40"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "no free days further ahead" in text_of(html)
    assert LAST_DAY in day_links(html)


def test_moving_a_booking_reaches_the_last_day_too(client, app, stub):
    _, token, _ = confirmed_booking(client, app, stub)  # Dana, Culver City (Tue and Thu)
    url = f"/booking/{token}/reschedule"
    html = page_html(client, url)
    pages = 1
    while (later := pager(html, "next")) is not None:
        assert query_of(later).get("page") and "day" not in query_of(later)
        html = page_html(client, later)
        pages += 1
    assert pages > 1
    last = max(day_links(html))
    assert last == date(2027, 2, 4), "the last Thursday inside the horizon"
    html, starts = reschedule_times(client, token, last.isoformat())
    assert starts
    response = post_form(client, f"{url}?day={last.isoformat()}", url, start=starts[-1])
    assert response.status_code == 303
    assert appointment(app, token)["starts_at"] == datetime.fromisoformat(starts[-1])

    response = client.get(f"/booking/{token}/reschedule?page=later")
    assert response.status_code == 400
    assert "That page of dates could not be read" in text_of(response.get_data(as_text=True))
