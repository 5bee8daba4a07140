"""Garbage in the booking flow, the details form, the availability API and the manage pages:
never a 500, always a clear message, no appointment made by mistake, and what the client
typed is kept wherever the form is shown again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode, urlsplit

import pytest

from clinicsite.models import Appointment
from tests.support.booking_helpers import (
    CLIENT_DETAILS,
    DISCOVERY,
    NMT,
    TUESDAY,
    FrozenClock,
    appointment,
    appointments,
    book_slot,
    count_rows,
    csrf_from,
    details_form,
    details_url,
    extract_hidden_fields,
    first_free_slot,
    flashes,
    free_slots,
    input_value,
    load_fixture_clinic,
    location_slug,
    option_id,
    radio_values,
    reschedule_times,
    stripe_app,
    text_of,
    textarea_value,
    token_from,
)
from tests.support.stripe_stub import StripeStub

XSS = '<script>alert("x")</script>'


@pytest.fixture
def clock(monkeypatch) -> FrozenClock:
    return FrozenClock().install(monkeypatch)


@pytest.fixture
def app(migrated, clock):  # the fake gateway, the test clinic, no rate limits
    from tests.support.app import make_app, wipe

    app = make_app(migrated, RATELIMIT_ENABLED="false")
    try:
        load_fixture_clinic(app)
        yield app
    finally:
        wipe(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def slot(client, app) -> dict:
    """A really free time: Tuesday with Dana, 60 minutes, and the studio's slug."""
    found = first_free_slot(client, NMT, TUESDAY, "dana-okafor")
    return {**found, "location_slug": location_slug(app, found["location"])}


def params_for(slot, **changes) -> dict:
    values = {
        "service": NMT,
        "option": str(slot["option_id"]),
        "location": slot["location_slug"],
        "therapist": slot["therapist"],
        "start": slot["start"],
    }
    values.update(changes)
    return {k: v for k, v in values.items() if v is not None}


def valid_form(client, slot) -> dict:
    url = details_url(NMT, slot["option_id"], slot["location_slug"], "dana-okafor", slot["start"])
    return {**details_form(client, url), **CLIENT_DETAILS}


def assert_redirect_to_start(response, message: str, client):
    assert response.status_code == 302, response.status_code
    assert urlsplit(response.headers["Location"]).path == "/book/"
    page = client.get(response.headers["Location"])
    assert page.status_code < 500
    assert any(message in f for f in flashes(page.get_data(as_text=True))), flashes(
        page.get_data(as_text=True)
    )


# -- /book/ ------------------------------------------------------------------------------------


def _book_cases(app):
    deep_option = option_id(app, "deep-tissue-sports-massage", 60)
    nmt = {"service": NMT, "option": str(option_id(app, NMT, 60))}
    place = {**nmt, "location": "culver-city-studio"}
    return [
        ({"service": "no-such-service"}, "We could not find that service"),
        ({"service": NMT, "option": "99999"}, "That session length is not offered"),
        ({"service": NMT, "option": "abc"}, "That session length is not offered"),
        ({"service": NMT, "option": str(deep_option)}, "That session length is not offered"),
        ({**nmt, "location": "atlantis"}, "That studio does not offer this service"),
        ({**place, "therapist": "nobody"}, "That therapist is not available"),
        (
            {
                "service": "prenatal-massage",
                "option": option_id(app, "prenatal-massage", 60),
                "location": "culver-city-studio",
                "therapist": "dana-okafor",
            },
            "That therapist is not available",
        ),
        ({**place, "therapist": "dana-okafor", "day": "2026-13-45"}, "That date could not be read"),
        ({**place, "therapist": "any", "day": "tomorrow"}, "That date could not be read"),
    ]


def test_book_start_explains_unknown_and_wrong_choices(client, app):
    for params, message in _book_cases(app):
        response = client.get("/book/?" + urlencode(params))
        assert response.status_code == 400, params
        html = response.get_data(as_text=True)
        assert message in text_of(html), (params, text_of(html)[:500])
        assert 'class="choice' in html, params  # something to pick instead


def test_book_start_studio_where_nobody_works_is_refused(client, app):
    from clinicsite.extensions import db
    from tests.support.factories import make_location

    with app.app_context():
        make_location(slug="empty-studio", name="Empty Studio")
        db.session.commit()
    params = {"service": NMT, "option": option_id(app, NMT, 60), "location": "empty-studio"}
    response = client.get("/book/?" + urlencode(params))
    assert response.status_code == 400
    assert "That studio does not offer this service" in text_of(response.get_data(as_text=True))


@pytest.mark.parametrize(
    "day, why",
    [
        ("2026-12-01", "past"),
        ("2027-02-09", "beyond the 60-day horizon"),
        ("2030-01-01", "far beyond"),
    ],
)
def test_book_start_days_outside_the_booking_window(client, app, day, why):
    params = {
        "service": NMT,
        "option": option_id(app, NMT, 60),
        "location": "culver-city-studio",
        "therapist": "dana-okafor",
        "day": day,
    }
    response = client.get("/book/?" + urlencode(params))
    assert response.status_code == 400, why
    html = response.get_data(as_text=True)
    assert "Online booking is open for the next 60 days" in text_of(html), why
    assert "/book/details" not in html, why
    assert "5. Choose a day" in text_of(html), why  # the days that do have times


@pytest.mark.parametrize("day, why", [("2026-12-07", "today, all within notice")])
def test_book_start_days_without_times(client, app, day, why):
    params = {
        "service": NMT,
        "option": option_id(app, NMT, 60),
        "location": "culver-city-studio",
        "therapist": "dana-okafor",
        "day": day,
    }
    response = client.get("/book/?" + urlencode(params))
    assert response.status_code == 200, why
    html = response.get_data(as_text=True)
    assert "No free times on that day" in text_of(html), why
    assert "/book/details" not in html, why


def test_book_start_escapes_parameters(client, app):
    nmt = option_id(app, NMT, 60)
    for params in (
        {"service": XSS},
        {"service": NMT, "option": XSS},
        {"service": NMT, "option": nmt, "location": XSS},
        {"service": NMT, "option": nmt, "location": "culver-city-studio", "therapist": XSS},
        {
            "service": NMT,
            "option": nmt,
            "location": "culver-city-studio",
            "therapist": "any",
            "day": XSS,
        },
    ):
        response = client.get("/book/?" + urlencode(params))
        assert response.status_code == 400, params
        assert "<script>alert" not in response.get_data(as_text=True), params
    details = client.get("/book/details?" + urlencode({"service": XSS, "start": XSS}))
    assert details.status_code == 302
    follow = client.get(details.headers["Location"]).get_data(as_text=True)
    assert "<script>alert" not in follow


# -- /book/details: the choices in the query and the hidden fields --------------------------------


def _unreadable_choices(app, slot):
    other_option = option_id(app, "deep-tissue-sports-massage", 60)
    return [
        ({"start": None}, "Please choose a time first."),
        ({"start": ""}, "Please choose a time first."),
        ({"start": "tomorrow at ten"}, "That time could not be read"),
        ({"start": "2026-12-08T10:00:00"}, "That time could not be read"),  # naive
        ({"start": "2026-12-08"}, "That time could not be read"),
        ({"option": "99999"}, "That session length is not offered"),
        ({"option": str(other_option)}, "That session length is not offered"),
        ({"service": "no-such-service"}, "We could not find that service"),
        ({"service": None}, "Please choose a time first."),
        ({"location": "atlantis"}, "That studio does not offer this service"),
        ({"therapist": "nobody"}, "That therapist is not available"),
        (
            {
                "service": "prenatal-massage",
                "option": str(option_id(app, "prenatal-massage", 60)),
                "therapist": "dana-okafor",
            },
            "That therapist is not available",
        ),
    ]


def test_details_unreadable_choices_go_back_to_the_start(client, app, slot):
    for change, message in _unreadable_choices(app, slot):
        get = client.get("/book/details?" + urlencode(params_for(slot, **change)))
        assert_redirect_to_start(get, message, client)
        data = {**valid_form(client, slot), **{k: v for k, v in change.items()}}
        post = client.post("/book/details", data={k: v for k, v in data.items() if v is not None})
        assert_redirect_to_start(post, message, client)
    assert count_rows(app, Appointment) == 0


TAKEN_PAGE_500 = (
    "BUG (regression in d6ad046): templates/booking/details.html now shows "
    "'Someone booked {{ taken_start | local_long }}' but booking/routes.py _taken() never "
    "passes taken_start: Undefined -> 500 on every 'That time was just taken' page (a GET of "
    "a time no longer offered, or a POST that lost the race)"
)


def _times_never_offered(slot):
    start = datetime.fromisoformat(slot["start"])
    return {
        "off the 15-minute grid": (start + timedelta(minutes=7)).isoformat(),
        "in the past": "2026-12-01T10:00:00-08:00",
        "inside the 12 h minimum notice": "2026-12-07T19:00:00-08:00",
        "before working hours": "2026-12-08T07:00:00-08:00",
        "after working hours": "2026-12-08T19:30:00-08:00",
        "beyond the horizon": "2027-03-02T10:00:00-08:00",
    }


OUTSIDE_THE_WINDOW = ("in the past", "beyond the horizon")


def test_details_times_never_offered_book_nothing(client, app, slot):
    for why, start in _times_never_offered(slot).items():
        response = client.post("/book/details", data={**valid_form(client, slot), "start": start})
        if why in OUTSIDE_THE_WINDOW:  # back to choosing a day, with the reason
            assert response.status_code == 302, why
            assert response.headers["Location"].startswith("/book/?"), why
        else:
            assert response.status_code == 422, why
    assert count_rows(app, Appointment) == 0


def test_details_times_never_offered_keep_the_form_and_book_nothing(client, app, slot):
    typed = {
        "name": "Zoë O'Brien",
        "email": "zoe@example.com",
        "phone": "+1 (310) 555-0123",
        "notes": "Left shoulder <b>only</b>",
        "pain": "Ache & stiffness",
    }
    for why, start in _times_never_offered(slot).items():
        if why in OUTSIDE_THE_WINDOW:
            continue  # covered above: back to the day list
        get = client.get("/book/details?" + urlencode(params_for(slot, start=start)))
        assert get.status_code in (200, 422), why
        assert "Hold this time" in get.get_data(as_text=True), why  # never a dead end
        data = {**valid_form(client, slot), **typed, "start": start}
        post = client.post("/book/details", data=data)
        assert post.status_code == 422, why
        html = post.get_data(as_text=True)
        assert "That time is not available" in text_of(html), why
        assert input_value(html, "name") == typed["name"], why
        assert input_value(html, "email") == typed["email"], why
        assert input_value(html, "phone") == typed["phone"], why
        assert textarea_value(html, "notes") == typed["notes"], why
        assert textarea_value(html, "pain") == typed["pain"], why
        assert "<b>only</b>" not in html, why
    assert count_rows(app, Appointment) == 0


def test_details_time_never_offered_is_not_called_taken(client, app, slot):
    for why, start in _times_never_offered(slot).items():
        response = client.get("/book/details?" + urlencode(params_for(slot, start=start)))
        assert response.status_code < 500, why
        assert "a moment ago" not in text_of(response.get_data(as_text=True)), why


def test_lost_race_offers_alternatives_and_keeps_the_form(client, app, slot):
    form = {**valid_form(client, slot), "name": "Second Client", "notes": "Lower back"}
    first = client.post("/book/details", data=valid_form(client, slot))  # someone else wins
    assert first.status_code == 303 and "/pay/test/" in first.headers["Location"]
    lost = client.post("/book/details", data=form)
    assert lost.status_code == 409
    html = lost.get_data(as_text=True)
    assert "That time was just taken" in text_of(html)
    alternatives = radio_values(html, "start")
    assert alternatives and slot["start"] not in alternatives
    assert input_value(html, "name") == "Second Client"
    assert textarea_value(html, "notes") == "Lower back"
    assert input_value(html, "request_key") != form["request_key"]  # a fresh one for the retry
    retry = client.post(
        "/book/details",
        data={**extract_hidden_fields(html), **CLIENT_DETAILS, "start": alternatives[0]},
    )
    assert retry.status_code == 303
    assert len(appointments(app)) == 2


@pytest.mark.parametrize(
    "url",
    [
        "/api/availability?service=neuromuscular-therapy&date=9999-12-31",
        "/api/availability?service=neuromuscular-therapy&date=0001-01-01",
        "/api/availability?service=neuromuscular-therapy&date=9999-12-20&days=31",
        "/book/?service=neuromuscular-therapy&option={opt}&location=culver-city-studio"
        "&therapist=dana-okafor&day=9999-12-31",
        "/book/details?service=neuromuscular-therapy&option={opt}&location=culver-city-studio"
        "&therapist=any&start=9999-12-31T23:00:00%2B00:00",
        "/book/details?service=neuromuscular-therapy&option={opt}&location=culver-city-studio"
        "&therapist=any&start=0001-01-01T00:00:00%2B00:00",
    ],
)
def test_far_dates_are_not_a_server_error(client, app, url):
    response = client.get(url.format(opt=option_id(app, NMT, 60)))
    assert response.status_code < 500
    if url.startswith("/api/"):
        assert response.status_code == 400 and response.get_json()["error"]


# -- /book/details: the client's answers ------------------------------------------------------


FIELD_PROBLEMS = [
    ({"name": ""}, "Please give your name."),
    ({"name": "N" * 101}, "100 characters"),
    ({"email": ""}, "Please give your email"),
    ({"email": "not-an-email"}, "That email address does not look right"),
    ({"email": "ana@@example"}, "That email address does not look right"),
    ({"email": "a" * 250 + "@example.com"}, ""),
    ({"phone": ""}, "Please give a phone number"),
    ({"phone": "call me"}, "at least 7 digits"),
    ({"phone": "1" * 41}, "That phone number is too long."),
    ({"notes": "n" * 1001}, "1000 characters"),
    ({"pain": "p" * 1001}, "1000 characters"),
    ({"conditions": "c" * 1001}, "1000 characters"),
    ({"pregnant": "maybe"}, "Please choose one of the answers offered."),
    ({"consent": None}, "Please accept the cancellation policy to book."),
]


def test_details_bad_answers_are_explained_and_kept(client, app, slot):
    for change, message in FIELD_PROBLEMS:
        data = {**valid_form(client, slot), **change}
        response = client.post(
            "/book/details", data={k: v for k, v in data.items() if v is not None}
        )
        assert response.status_code == 422, change
        html = response.get_data(as_text=True)
        page = text_of(html)
        assert "Please check the form" in page, change
        assert message in page, (change, page[:800])
        assert 'aria-invalid="true"' in html or "field-error" in html, change
        for name in ("name", "email", "phone"):
            assert input_value(html, name) == data[name], (change, name)
        for name in ("notes", "pain", "conditions"):
            assert textarea_value(html, name) == data[name], (change, name)
        hidden = {k: input_value(html, k) for k in ("service", "option", "location", "start")}
        assert hidden["service"] == NMT and hidden["start"], change  # the choice survives
    assert count_rows(app, Appointment) == 0


def test_details_missing_or_wrong_csrf_token_is_a_400(client, app, slot):
    data = valid_form(client, slot)
    for token in (None, "", "forged-token"):
        body = {**data, "csrf_token": token}
        response = client.post(
            "/book/details", data={k: v for k, v in body.items() if v is not None}
        )
        assert response.status_code == 400, token
        assert "This form has expired" in text_of(response.get_data(as_text=True))
    assert count_rows(app, Appointment) == 0


def test_details_huge_post_is_refused_cleanly(client, app, slot):
    data = {**valid_form(client, slot), "notes": "x" * (3 * 1024 * 1024)}
    response = client.post("/book/details", data=data)
    assert response.status_code == 413
    assert count_rows(app, Appointment) == 0


def test_details_price_fields_in_the_form_are_ignored(migrated, clock):
    with StripeStub() as stub, stripe_app(migrated, stub.url) as app:
        stub.clock = clock.timestamp
        client = app.test_client()
        found = first_free_slot(client, NMT, TUESDAY, "dana-okafor")
        response = book_slot(
            client,
            app,
            found,
            price="1",
            deposit="1",
            amount="1",
            unit_amount="1",
            amount_total="1",
            currency="jpy",
            duration_minutes="600",
        )
        assert response.status_code == 303
        [booked] = appointments(app)
        assert (booked["price"], booked["deposit"], booked["currency"]) == (14000, 3500, "USD")
        assert booked["ends_at"] - booked["starts_at"] == timedelta(minutes=60)
        [create] = stub.requests_to("/v1/checkout/sessions")
        [item] = create.params["line_items"]
        assert item["price_data"]["unit_amount"] == "3500"
        assert item["price_data"]["currency"] == "usd"


def test_details_overlong_request_key_is_not_stored(client, app, slot):
    data = {**valid_form(client, slot), "request_key": "k" * 200}
    response = client.post("/book/details", data=data)
    assert response.status_code < 500
    assert all(len(a["request_key"] or "") <= 64 for a in appointments(app))


# -- /api/availability -------------------------------------------------------------------------


API_ERRORS = [
    {"date": TUESDAY},
    {"service": "", "date": TUESDAY},
    {"service": "no-such-service", "date": TUESDAY},
    {"service": XSS, "date": TUESDAY},
    {"service": NMT, "date": TUESDAY, "therapist": "nobody"},
    {"service": "prenatal-massage", "date": TUESDAY, "therapist": "dana-okafor"},
    {"service": NMT, "date": TUESDAY, "option": "99999"},
    {"service": NMT},
    {"service": NMT, "date": ""},
    {"service": NMT, "date": "tomorrow"},
    {"service": NMT, "date": "2026-02-30"},
    {"service": NMT, "date": "12/08/2026"},
    {"service": NMT, "date": TUESDAY, "days": "0"},
    {"service": NMT, "date": TUESDAY, "days": "32"},
    {"service": NMT, "date": TUESDAY, "days": "-1"},
    {"service": NMT, "date": TUESDAY, "days": "abc"},
    {"service": NMT, "date": TUESDAY, "days": "1.5"},
    {"service": NMT, "date": TUESDAY, "days": ""},
]


@pytest.mark.parametrize("params", API_ERRORS, ids=lambda p: urlencode(p)[:60])
def test_api_bad_parameters_are_a_400_with_a_message(client, params):
    response = client.get("/api/availability?" + urlencode(params))
    assert response.status_code == 400
    assert response.is_json
    error = response.get_json()["error"]
    assert isinstance(error, str) and len(error) > 5


def test_api_good_request(client, app, clock):
    response = client.get(f"/api/availability?service={NMT}&date=2026-12-07&days=7")
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["service"] == NMT and answer["timezone"] == "America/Los_Angeles"
    assert answer["option"]["duration_minutes"] == 60
    assert answer["slots"]
    earliest = clock() + timedelta(hours=12)
    therapists = set()
    for s in answer["slots"]:
        start, end = datetime.fromisoformat(s["start"]), datetime.fromisoformat(s["end"])
        assert start.utcoffset() is not None and end.utcoffset() is not None
        assert s["start"][-6:] in ("-08:00", "-07:00")
        assert start.minute % 15 == 0 and start.second == 0
        assert end - start == timedelta(minutes=60)
        assert start >= earliest
        assert start.date() <= datetime(2026, 12, 13).date()
        therapists.add(s["therapist"])
    assert therapists == {"dana-okafor", "lena-marchetti", "theo-nakamura"}
    only_dana = client.get(f"/api/availability?service={NMT}&date={TUESDAY}&therapist=dana-okafor")
    assert {s["therapist"] for s in only_dana.get_json()["slots"]} == {"dana-okafor"}


# -- /booking/<token> ----------------------------------------------------------------------------


def _free_booking(client, app):
    found = first_free_slot(client, DISCOVERY, TUESDAY, "dana-okafor")
    response = book_slot(client, app, found, service=DISCOVERY)
    assert response.status_code == 303
    return token_from(response)


def test_manage_unknown_tokens_are_404(client, app):
    token = _free_booking(client, app)
    for bad in ("nope", token[:-1], token + "x", "a" * 64, "a" * 65, "x" * 5000, "%00", XSS):
        for suffix in ("", ".ics", "/cancel", "/reschedule"):
            response = client.get(f"/booking/{bad}{suffix}")
            # NUL is refused before any query (PostgreSQL cannot take it): 400.
            assert response.status_code == (400 if bad == "%00" else 404), (bad[:20], suffix)
        assert client.post(f"/booking/{bad}/pay").status_code in (400, 404)
    assert client.get(f"/booking/{token}").status_code == 200


def test_cancel_without_csrf_is_a_400_and_cancels_nothing(client, app):
    token = _free_booking(client, app)
    for data in ({}, {"csrf_token": "forged"}):
        response = client.post(f"/booking/{token}/cancel", data=data)
        assert response.status_code == 400
        assert "This form has expired" in text_of(response.get_data(as_text=True))
        assert client.post(f"/booking/{token}/pay", data=data).status_code == 400
    assert appointment(app, token)["status"] == "confirmed"


def test_reschedule_to_a_time_not_offered_changes_nothing(client, app, slot):
    token = _free_booking(client, app)
    before = appointment(app, token)
    page, offered = reschedule_times(client, token, TUESDAY)
    csrf = csrf_from(page)
    dana = {s["start"] for s in free_slots(client, DISCOVERY, TUESDAY, "dana-okafor")}
    offered_elsewhere = next(  # Theo is free then, Dana is not; in the page's UTC form
        datetime.fromisoformat(s["start"]).astimezone(UTC).isoformat()
        for s in free_slots(client, DISCOVERY, TUESDAY, "theo-nakamura")
        if s["start"] not in dana
    )
    assert offered and offered_elsewhere not in offered
    for start in (
        "",
        "garbage",
        "2026-12-08T07:00:00+00:00",
        before["starts_at"].isoformat(),
        "2026-12-01T18:00:00+00:00",
        offered_elsewhere,
        XSS,
    ):
        response = client.post(
            f"/booking/{token}/reschedule", data={"csrf_token": csrf, "start": start}
        )
        assert response.status_code == 303, start
        follow = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "That time is not available any more" in " ".join(flashes(follow)), start
    after = appointment(app, token)
    assert (after["starts_at"], after["sequence"]) == (before["starts_at"], before["sequence"])
    missing = client.post(f"/booking/{token}/reschedule", data={"start": offered_elsewhere})
    assert missing.status_code == 400
