"""Fetching a feed from a real local HTTP server: validators, limits, errors in words."""

from __future__ import annotations

import time

import pytest

from clinicsite.calendars.addresses import BadAddress, masked, normalise
from clinicsite.calendars.fetching import FetchError, Limits, fetch
from tests.calendars import feeds
from tests.support.ics_server import FeedServer

LOCAL = Limits(
    connect_seconds=2, read_seconds=0.5, total_seconds=2, allow_http=True, allow_private=True
)


@pytest.fixture
def server():
    with FeedServer() as running:
        yield running


def test_a_feed_is_read_with_its_validators(server):
    server.route("/g.ics", feeds.GOOGLE, etag='"v1"', last_modified="Mon, 07 Dec 2026 10:00:00 GMT")
    got = fetch(server.url("/g.ics"), LOCAL)
    assert got.body == feeds.GOOGLE
    assert (got.etag, got.last_modified) == ('"v1"', "Mon, 07 Dec 2026 10:00:00 GMT")


def test_an_unchanged_feed_answers_304_and_no_body(server):
    route = server.route("/g.ics", feeds.GOOGLE, etag='"v1"')
    got = fetch(server.url("/g.ics"), LOCAL, etag='"v1"', last_modified="then")
    assert got.body is None and got.etag == '"v1"'
    assert route.requests[0]["If-None-Match"] == '"v1"'
    assert route.requests[0]["If-Modified-Since"] == "then"


def test_a_feed_over_the_size_limit_is_refused(server):
    server.route("/huge.ics", feeds.huge(2.2))
    with pytest.raises(FetchError, match="larger than 2 MB"):
        fetch(server.url("/huge.ics"), LOCAL)


def test_the_size_limit_holds_without_a_content_length(server):
    server.route("/chunked.ics", feeds.huge(0.01), trickle=0.0001)
    small = Limits(**{**LOCAL.__dict__, "max_bytes": 1024, "total_seconds": 10})
    with pytest.raises(FetchError, match="larger than"):
        fetch(server.url("/chunked.ics"), small)


def test_a_slow_server_is_given_up_on(server):
    server.route("/slow.ics", feeds.GOOGLE, delay=3)
    began = time.monotonic()
    with pytest.raises(FetchError, match="took too long"):
        fetch(server.url("/slow.ics"), LOCAL)
    assert time.monotonic() - began < 2


def test_a_trickling_server_hits_the_overall_deadline(server):
    server.route("/trickle.ics", feeds.GOOGLE, trickle=0.05)
    began = time.monotonic()
    with pytest.raises(FetchError, match="too long"):
        fetch(server.url("/trickle.ics"), LOCAL)
    assert time.monotonic() - began < 3


@pytest.mark.parametrize("status", [500, 404, 403])
def test_an_error_answer_is_reported_with_its_status(server, status):
    server.route("/broken.ics", b"oops", status=status)
    with pytest.raises(FetchError, match=f"HTTP {status}"):
        fetch(server.url("/broken.ics"), LOCAL)


def test_redirects_are_followed_a_few_times_only(server):
    server.route("/a", status=302, location="/b")
    server.route("/b", status=301, location=server.url("/g.ics"))
    server.route("/g.ics", feeds.GOOGLE)
    assert fetch(server.url("/a"), LOCAL).body == feeds.GOOGLE
    server.route("/loop", status=302, location="/loop")
    with pytest.raises(FetchError, match="redirected more than 3 times"):
        fetch(server.url("/loop"), LOCAL)


def test_a_redirect_to_another_scheme_is_not_followed(server):
    server.route("/ftp", status=302, location="ftp://example.com/cal.ics")
    with pytest.raises(FetchError, match="do not follow"):
        fetch(server.url("/ftp"), LOCAL)


def test_production_limits_refuse_http_and_local_hosts(server):
    server.route("/g.ics", feeds.GOOGLE)
    with pytest.raises(FetchError, match="https"):
        fetch(server.url("/g.ics"), Limits())
    with pytest.raises(FetchError, match="private network"):
        fetch(server.url("/g.ics"), Limits(allow_http=True))


def test_nobody_listening_is_reported():
    with FeedServer() as gone:
        url = gone.url("/g.ics")
    with pytest.raises(FetchError, match="could not be reached"):
        fetch(url, LOCAL)


@pytest.mark.parametrize(
    "typed, expected",
    [
        (
            "webcal://p12-caldav.icloud.com/published/2/abc",
            "https://p12-caldav.icloud.com/published/2/abc",
        ),
        (
            "  https://calendar.google.com/calendar/ical/x/private-1/basic.ics ",
            "https://calendar.google.com/calendar/ical/x/private-1/basic.ics",
        ),
        (
            "HTTPS://outlook.office365.com/owa/calendar/a/b/calendar.ics",
            "https://outlook.office365.com/owa/calendar/a/b/calendar.ics",
        ),
    ],
)
def test_addresses_are_normalised(typed, expected):
    assert normalise(typed, allow_http=False) == expected


@pytest.mark.parametrize(
    "typed, words",
    [
        ("", "paste"),
        ("http://calendar.example.com/x.ics", "https://"),
        ("javascript:alert(1)", "https://"),
        ("https://", "host"),
        ("https://user:pw@example.com/x.ics", "host"),
        ("https://exa mple.com/x.ics", "spaces"),
        ("https://example.com:99999/x", "web address"),
        ("https://example.com/" + "a" * 2001, "too long"),
    ],
)
def test_bad_addresses_are_refused_in_words(typed, words):
    with pytest.raises(BadAddress, match=words):
        normalise(typed, allow_http=False)


def test_the_address_is_shown_masked():
    url = "https://calendar.google.com/calendar/ical/dana%40example.com/private-9f8e7d6c/basic.ics"
    shown = masked(url)
    assert shown == "calendar.google.com/….ics"
    assert "private" not in shown and "dana" not in shown
