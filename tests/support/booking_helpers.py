"""Reusable helpers for booking tests (flow, input, concurrency and browser tests).

Everything here goes through the public pages and the JSON API, as a client would, except
the small read-only database helpers at the end (which open their own app context).

    clock = FrozenClock(MONDAY_8AM)
    clock.install(monkeypatch, stub)          # app and stub share one stopped clock
    slot = first_free_slot(client, "neuromuscular-therapy", "2026-12-08", "dana-okafor")
    response = book_slot(client, app, slot)   # GET /book/details, then POST it back
    body, status = webhook(client, "checkout.session.completed", stub.complete_session(sid))
"""

from __future__ import annotations

import html as html_lib
import re
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar

from tests.support.stripe_stub import WEBHOOK_SECRET, signed_event

FIXTURE_CLINIC_DIR = Path(__file__).parents[1] / "fixture_clinic"
TZ_NAME = "America/Los_Angeles"
# Monday 2026-12-07 08:00 in Los Angeles (PST, UTC-8): Tuesday 10:00 is 26 hours away.
MONDAY_8AM = datetime(2026, 12, 7, 16, 0, tzinfo=UTC)
TUESDAY = "2026-12-08"
NMT = "neuromuscular-therapy"  # 60 min: $140, deposit $35; 90 min: $195, deposit $50
DISCOVERY = "discovery-session"  # 20 min, free, no deposit

CLIENT_DETAILS = {
    "name": "Ana Client",
    "email": "ana@example.com",
    "phone": "310-555-0199",
    "pain": "Stiff neck after desk work",
    "conditions": "",
    "pregnant": "not-applicable",
    "notes": "",
    "consent": "y",
}


class FrozenClock:
    """A stopped clock for `clinicsite.clock.now` (and the Stripe stub), movable by tests."""

    def __init__(self, moment: datetime = MONDAY_8AM) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment

    def timestamp(self) -> float:
        return self.moment.timestamp()

    def advance(self, **delta) -> datetime:
        self.moment = self.moment + timedelta(**delta)
        return self.moment

    def install(self, monkeypatch, stub=None) -> FrozenClock:
        monkeypatch.setattr("clinicsite.clock.now", self)
        if stub is not None:
            stub.clock = self.timestamp
        return self


def load_fixture_clinic(app: Flask) -> None:
    """Load the test clinic of `tests/fixture_clinic/`: the demo's data format, with the
    demo's slugs, prices and hours but short test text."""
    load_clinic_content(app, fixture_clinic_content())


def load_clinic_content(app: Flask, content) -> None:
    """Load `content` (a DemoContent) with a cheap password hash for its staff accounts (the
    real one is slow on purpose and would cost about a second per test)."""
    from unittest import mock

    from werkzeug.security import generate_password_hash

    from clinicsite.demo import load_demo

    def cheap(password: str, *args, **kwargs) -> str:
        return generate_password_hash(password, method="pbkdf2:sha256:1")

    with app.app_context(), mock.patch("clinicsite.demo.seed.generate_password_hash", cheap):
        load_demo(content)


@cache
def fixture_clinic_content():
    """The test clinic's data files, parsed once per run (they never change during one)."""
    from clinicsite.demo.content import read_content

    return read_content(FIXTURE_CLINIC_DIR)


@contextmanager
def stripe_app(database_url: str, stub_url: str, **settings):
    """An app using the real Stripe SDK against `stub_url`, with the test clinic loaded;
    every row is wiped afterwards."""
    from clinicsite.extensions import limiter
    from tests.support.app import make_app, wipe

    values = dict(
        PAYMENT_GATEWAY="stripe",
        STRIPE_SECRET_KEY="sk_test_clinic",
        STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        STRIPE_API_BASE=stub_url,
        RATELIMIT_ENABLED="false",
    )
    values.update(settings)
    app = make_app(database_url, **values)
    limiter.reset()
    try:
        load_fixture_clinic(app)
        yield app
    finally:
        gateway = app.extensions.get("payment_gateway")
        if gateway is not None and hasattr(gateway, "close"):
            gateway.close()
        wipe(app)


# -- pages and forms --------------------------------------------------------------------------

_INPUT = re.compile(r"<input\b[^>]*>", re.I)
_ATTR = re.compile(r'([a-zA-Z_:-]+)="([^"]*)"')


def extract_hidden_fields(html: str) -> dict[str, str]:
    """name -> value of every <input type="hidden"> in `html` (the last one wins)."""
    fields: dict[str, str] = {}
    for tag in _INPUT.findall(html):
        attrs = {k.lower(): html_lib.unescape(v) for k, v in _ATTR.findall(tag)}
        if attrs.get("type", "").lower() == "hidden" and "name" in attrs:
            fields[attrs["name"]] = attrs.get("value", "")
    return fields


def input_value(html: str, name: str) -> str | None:
    """The value of the visible or hidden <input name=...> (None when absent)."""
    for tag in _INPUT.findall(html):
        attrs = {k.lower(): html_lib.unescape(v) for k, v in _ATTR.findall(tag)}
        if attrs.get("name") == name:
            return attrs.get("value", "")
    return None


def textarea_value(html: str, name: str) -> str | None:
    match = re.search(rf'<textarea[^>]*name="{re.escape(name)}"[^>]*>(.*?)</textarea>', html, re.S)
    return html_lib.unescape(match.group(1)).strip("\r\n") if match else None


def radio_values(html: str, name: str) -> list[str]:
    """The values of the radio buttons called `name`, in page order."""
    values = []
    for tag in _INPUT.findall(html):
        attrs = {k.lower(): html_lib.unescape(v) for k, v in _ATTR.findall(tag)}
        if attrs.get("type") == "radio" and attrs.get("name") == name:
            values.append(attrs.get("value", ""))
    return values


def csrf_from(html: str) -> str:
    token = extract_hidden_fields(html).get("csrf_token")
    assert token, "no CSRF token on the page"
    return token


def flashes(html: str) -> list[str]:
    """The texts of the flash messages and step problems on a page."""
    return [
        html_lib.unescape(re.sub(r"<[^>]+>", "", m))
        for m in re.findall(r'<p class="flash[^"]*"[^>]*>(.*?)</p>', html, re.S)
    ]


def text_of(html: str) -> str:
    """The page's visible text, tags removed and whitespace collapsed (for 'says' checks)."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S | re.I)
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def details_url(service: str, option_id, location: str, therapist: str, start_iso: str) -> str:
    query = {
        "service": service,
        "option": str(option_id),
        "location": location,
        "therapist": therapist,
        "start": start_iso,
    }
    return "/book/details?" + urlencode(query)


def details_form(client: FlaskClient, url: str) -> dict[str, str]:
    """GET the details page and return the fields a browser would send back (hidden ones
    and the defaults), ready to be completed with the client's answers."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.headers)
    return extract_hidden_fields(response.get_data(as_text=True))


def book(
    client: FlaskClient,
    service: str,
    option_id,
    location: str,
    therapist: str,
    start_iso: str,
    **details,
):
    """Fill in and send the details form for one time; returns the POST's response (a 303 to
    the checkout, or to /booking/<token> for a free session)."""
    fields = details_form(client, details_url(service, option_id, location, therapist, start_iso))
    data = {**fields, **CLIENT_DETAILS, **details}
    return client.post("/book/details", data={k: v for k, v in data.items() if v is not None})


def token_from(response) -> str:
    """The manage token from a redirect to /booking/<token>."""
    path = urlsplit(response.headers["Location"]).path
    match = re.fullmatch(r"/booking/([^/]+)", path)
    assert match, f"not a redirect to a booking page: {response.headers['Location']}"
    return match.group(1)


def page_html(client: FlaskClient, url: str, status: int = 200, **query) -> str:
    response = client.get(url, query_string=query) if query else client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def post_form(client: FlaskClient, page_url: str, action_url: str | None = None, **data):
    """GET `page_url` for its CSRF token, then POST `data` with it to `action_url` (default:
    the same URL), as a browser submitting the page's form would."""
    token = csrf_from(page_html(client, page_url))
    return client.post(action_url or page_url, data={"csrf_token": token, **data})


def reschedule_times(client: FlaskClient, token: str, day: str) -> tuple[str, list[str]]:
    """The reschedule page for one day: (html, the start values offered)."""
    html = page_html(client, f"/booking/{token}/reschedule", day=day)
    return html, radio_values(html, "start")


# -- the availability API ---------------------------------------------------------------------


def availability(client: FlaskClient, service: str, day: str, **params) -> dict:
    response = client.get(
        "/api/availability?" + urlencode({"service": service, "date": day, **params})
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def free_slots(client: FlaskClient, service: str, day: str, therapist: str | None = None, **params):
    if therapist:
        params["therapist"] = therapist
    return availability(client, service, day, **params)["slots"]


def first_free_slot(
    client: FlaskClient, service: str, day: str, therapist: str | None = None, **params
) -> dict:
    """The first free slot of the day from /api/availability: {"start", "end", "therapist",
    "location" (the studio's slug), "option_id"}."""
    if therapist:
        params["therapist"] = therapist
    answer = availability(client, service, day, **params)
    assert answer["slots"], f"no free time for {service} on {day} ({params})"
    return {**answer["slots"][0], "option_id": answer["option"]["id"]}


def is_free(client: FlaskClient, service: str, start_iso: str, therapist: str) -> bool:
    """Whether the API offers `start_iso` with `therapist` (same instant, any offset)."""
    start = datetime.fromisoformat(start_iso)
    day = start.astimezone(clinic_tz()).date().isoformat()
    return any(
        datetime.fromisoformat(s["start"]) == start
        for s in free_slots(client, service, day, therapist)
    )


def book_slot(client: FlaskClient, app: Flask, slot: dict, service: str = NMT, **details):
    """book() for a slot from first_free_slot()."""
    return book(
        client,
        service,
        slot["option_id"],
        location_slug(app, slot["location"]),
        slot["therapist"],
        slot["start"],
        **details,
    )


# -- Stripe webhooks ----------------------------------------------------------------------------


def webhook(
    client: FlaskClient,
    event_type: str,
    session_obj: dict,
    event_id: str | None = None,
    secret: str = WEBHOOK_SECRET,
):
    """Post a correctly signed event to /stripe/webhook; returns the response."""
    body, header = signed_event(event_type, session_obj, event_id=event_id, secret=secret)
    return client.post(
        "/stripe/webhook",
        data=body,
        headers={"Stripe-Signature": header, "Content-Type": "application/json"},
    )


def hold_slot(
    client: FlaskClient, app: Flask, therapist: str = "dana-okafor", day: str = TUESDAY, **details
):
    """Book the first free 60-minute neuromuscular time of `day`; returns (slot, response)."""
    slot = first_free_slot(client, NMT, day, therapist)
    return slot, book_slot(client, app, slot, **details)


def hold_to_checkout(client: FlaskClient, app: Flask, stub, **kw):
    """Hold a time and follow to Stripe; returns (slot, manage token, checkout session id)."""
    slot, response = hold_slot(client, app, **kw)
    assert response.status_code == 303, response.get_data(as_text=True)
    session_id = session_id_from(response.headers["Location"])
    assert session_id in stub.sessions
    [held] = [
        a
        for a in appointments(app)
        if a["payments"] and a["payments"][-1]["checkout_session_id"] == session_id
    ]
    return slot, held["token"], session_id


def pay_session(client: FlaskClient, stub, session_id: str, event_id: str | None = None, **change):
    """The client pays on Stripe's page, then Stripe sends checkout.session.completed;
    returns (webhook response, the paid session object)."""
    paid = {**stub.complete_session(session_id), **change}
    return webhook(client, "checkout.session.completed", paid, event_id=event_id), paid


def confirmed_booking(client: FlaskClient, app: Flask, stub):
    """A paid, confirmed booking; returns (slot, token, paid session object)."""
    slot, token, session_id = hold_to_checkout(client, app, stub)
    response, paid = pay_session(client, stub, session_id)
    assert response.status_code == 200
    assert appointment(app, token)["status"] == "confirmed"
    return slot, token, paid


def session_id_from(location: str) -> str:
    """The Checkout Session id from the stub's checkout URL (or the fake gateway's page)."""
    return urlsplit(location).path.rstrip("/").rsplit("/", 1)[-1]


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


# -- read-only database look-ups -------------------------------------------------------------


def clinic_tz():
    from zoneinfo import ZoneInfo

    return ZoneInfo(TZ_NAME)


def location_slug(app: Flask, location) -> str:
    """The studio's slug, from the API's "location" (a slug; an id in older versions)."""
    from clinicsite.extensions import db
    from clinicsite.models import Location

    if isinstance(location, str) and not location.isdigit():
        return location
    with app.app_context():
        return db.session.get(Location, int(location)).slug


def option_id(app: Flask, service: str, minutes: int | None = None) -> int:
    from clinicsite.extensions import db
    from clinicsite.models import Service, ServiceOption

    with app.app_context():
        query = sa.select(ServiceOption.id, ServiceOption.duration_minutes).join(Service)
        rows = db.session.execute(query.where(Service.slug == service)).all()
    return next(i for i, d in sorted(rows) if minutes is None or d == minutes)


def appointments(app: Flask) -> list[dict]:
    """Every appointment as a dict of its columns, plus "payments" (dicts), by id."""
    from clinicsite.extensions import db
    from clinicsite.models import Appointment, Payment

    with app.app_context():
        rows = []
        for a in db.session.scalars(sa.select(Appointment).order_by(Appointment.id)):
            row = {c.key: getattr(a, c.key) for c in Appointment.__table__.columns}
            row["payments"] = [
                {c.key: getattr(p, c.key) for c in Payment.__table__.columns}
                for p in sorted(a.payments, key=lambda p: p.id)
            ]
            rows.append(row)
        db.session.remove()
        return rows


def appointment(app: Flask, token: str) -> dict:
    found = [a for a in appointments(app) if a["token"] == token]
    assert found, f"no appointment {token}"
    return found[0]


def outbox(app: Flask) -> list[dict]:
    """The queued emails (to, subject, text, attachments, key), oldest first."""
    from clinicsite.extensions import db
    from clinicsite.models import OutboxEmail

    with app.app_context():
        emails = [
            {
                "to": e.to_address,
                "subject": e.subject,
                "text": e.body_text,
                "attachments": list(e.attachments or []),
                "key": e.key,
            }
            for e in db.session.scalars(sa.select(OutboxEmail).order_by(OutboxEmail.id))
        ]
        db.session.remove()
        return emails


def ics_event(email: dict):
    """The VEVENT of the .ics attachment of a queued email, parsed with icalendar."""
    [attachment] = [a for a in email["attachments"] if a["filename"].endswith(".ics")]
    calendar = Calendar.from_ical(attachment["content"])
    [event] = calendar.walk("VEVENT")
    return event


def count_rows(app: Flask, model) -> int:
    from clinicsite.extensions import db

    with app.app_context():
        n = db.session.scalar(sa.select(sa.func.count()).select_from(model))
        db.session.remove()
        return n
