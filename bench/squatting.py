"""How much of one therapist's calendar one client can take by looping over the booking form.

Run by hand: `.venv/bin/python -m bench.squatting --seconds 300` (add `--no-limits` to see
the site without the per-client limits). Figures go in bench/README.md.

The attacker is the cheapest one the limits must stop: one network address, a fresh
browser for every attempt (no cookies kept), a new made-up email each time, alternating
between the paid service (an unpaid hold) and the free discovery session (confirmed at
once), always at a time the availability API still offers for the one therapist. The app
runs on an SQLite file built by the migrations with the test clinic (tests/fixture_clinic/,
the demo's services and hours), through Flask's test client, on the real clock; the rate
limiter is off so the booking limits are measured on their own (in memory, it is per worker
process anyway).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections import Counter
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from clinicsite import clock
from clinicsite.extensions import db
from clinicsite.models import Appointment, ClinicSettings
from tests.support.app import make_app
from tests.support.booking_helpers import DISCOVERY, NMT, book_slot, load_fixture_clinic

ATTACKER = "203.0.113.66"


def fresh_app(limits: bool = True) -> Flask:
    url = f"sqlite:///{tempfile.mkdtemp()}/squatting.sqlite3"
    app = make_app(url, RATELIMIT_ENABLED="false")
    with app.app_context():
        upgrade()
    load_fixture_clinic(app)
    if not limits:
        with app.app_context():
            clinic = db.session.get(ClinicSettings, 1)
            clinic.max_holds_per_client = 0
            clinic.max_bookings_per_client_day = 0
            clinic.max_free_per_client = 0
            db.session.commit()
    return app


def free_starts(app: Flask, service: str, therapist: str) -> list[dict]:
    """Every free start of `therapist` for `service` over the clinic's booking horizon."""
    with app.app_context():
        clinic = db.session.get(ClinicSettings, 1)
        horizon, tz = clinic.horizon_days, clinic.tz
    client = app.test_client()
    today = clock.now().astimezone(tz).date()
    slots, day = [], today
    while day <= today + timedelta(days=horizon):
        days = min(31, (today + timedelta(days=horizon) - day).days + 1)
        answer = client.get(
            "/api/availability",
            query_string={
                "service": service,
                "date": day.isoformat(),
                "days": days,
                "therapist": therapist,
            },
        ).get_json()
        slots += [{**s, "option_id": answer["option"]["id"]} for s in answer["slots"]]
        day += timedelta(days=days)
    return slots


def count_free(app: Flask, therapist: str) -> dict[str, int]:
    return {service: len(free_starts(app, service, therapist)) for service in (NMT, DISCOVERY)}


def attack(
    app: Flask, seconds: float, therapist: str, seed: int = 7, attempts: int | None = None
) -> Counter:
    """Loop over the details form from one address for `seconds` (or until `attempts`);
    returns the answers (HTTP status codes, or "no free time")."""
    rng = random.Random(seed)
    outcomes: Counter = Counter()
    known: dict[str, list[dict]] = {}
    deadline = time.monotonic() + seconds
    attempt = 0
    while time.monotonic() < deadline and (attempts is None or attempt < attempts):
        service = (NMT, DISCOVERY)[attempt % 2]
        attempt += 1
        if attempt % 20 < 2 or not known.get(service):  # look again now and then
            known[service] = free_starts(app, service, therapist)
        if not known[service]:
            outcomes["no free time"] += 1
            continue
        slot = known[service].pop(rng.randrange(len(known[service])))
        browser = app.test_client()  # a fresh browser: no device cookie, no session
        browser.environ_base["REMOTE_ADDR"] = ATTACKER
        response = book_slot(browser, app, slot, service=service, email=f"bot{attempt}@example.net")
        outcomes[response.status_code] += 1
    return outcomes


def taken(app: Flask) -> dict[str, int]:
    """What the attacker holds now: live unpaid holds and confirmed free sessions."""
    now = clock.now()
    with app.app_context():
        rows = db.session.execute(
            sa.select(Appointment.status, Appointment.deposit, Appointment.hold_expires_at)
        ).all()
    return {
        "holds": sum(1 for s, _, until in rows if s == "held" and until > now),
        "free sessions": sum(1 for s, deposit, _ in rows if s == "confirmed" and deposit == 0),
    }


def run(seconds: float, therapist: str = "dana-okafor", limits: bool = True) -> dict:
    app = fresh_app(limits)
    before = count_free(app, therapist)
    started = time.monotonic()
    outcomes = attack(app, seconds, therapist)
    elapsed = time.monotonic() - started
    result = {
        "seconds": round(elapsed, 1),
        "attempts": sum(outcomes.values()),
        "answers": dict(outcomes),
        **taken(app),
        "free before": before,
        "free after": count_free(app, therapist),
    }
    with app.app_context():
        db.engine.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=300.0)
    parser.add_argument("--therapist", default="dana-okafor")
    parser.add_argument("--no-limits", action="store_true", help="all per-client limits 0")
    args = parser.parse_args()
    result = run(args.seconds, args.therapist, limits=not args.no_limits)
    for name, value in result.items():
        print(f"{name}: {value}")


if __name__ == "__main__":
    main()
