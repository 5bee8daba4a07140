"""The appointments of the large data set: inside each therapist's weekly hours at the studio
of those hours, one after another with the service's buffer between them, so no two of a
therapist's appointments overlap (the future ones are bookings the site must respect)."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from bench import large_text as text

PAST, FUTURE = 50_000, 2_000
FUTURE_DAYS = 59  # inside the demo's 60-day booking horizon


def appointment_rows(conn, rng: random.Random, now: datetime, first_id: int) -> list[dict]:
    """PAST completed (some no-shows and cancellations) and FUTURE confirmed appointments,
    spread evenly over the therapists, with ids from `first_id`."""
    tz = ZoneInfo(conn.scalar(sa.text("SELECT timezone FROM clinic_settings WHERE id = 1")))
    hours, skills = _hours(conn), _skills(conn)
    today = now.astimezone(tz).date()
    therapists = sorted(hours)
    rows: list[dict] = []
    for n, therapist in enumerate(therapists):
        plan = _Plan(rng, tz, hours[therapist], skills[therapist])
        future = FUTURE // len(therapists) + (n < FUTURE % len(therapists))
        past = PAST // len(therapists) + (n < PAST % len(therapists))
        upcoming = [s for d in range(1, FUTURE_DAYS + 1) for s in plan.day(today + timedelta(d))]
        for slot in sorted(rng.sample(upcoming, future), key=lambda s: s[0]):
            rows.append(_row(rng, therapist, slot, "confirmed", now))
        day, taken = today - timedelta(days=1), 0
        while taken < past:
            for slot in plan.day(day):
                if taken < past and rng.random() < 0.8:
                    status = rng.choices(("completed", "no_show", "cancelled"), (88, 4, 8))[0]
                    rows.append(_row(rng, therapist, slot, status, now))
                    taken += 1
            day -= timedelta(days=1)
    for offset, row in enumerate(rows):
        row["id"] = first_id + offset
        row["client_email"] = f"client{row['id']}@example.net"
    return rows


def payment_rows(appointments: list[dict], first_id: int) -> list[dict]:
    """The deposit of every appointment that had one: paid, or refunded when cancelled."""
    rows = []
    for a in (a for a in appointments if a["deposit"] > 0):
        refunded = a["status"] == "cancelled"
        rows.append(
            {
                "id": first_id + len(rows),
                "appointment_id": a["id"],
                "provider": "stripe",
                "checkout_session_id": f"cs_test_bench{a['id']}",
                "checkout_url": None,
                "payment_intent_id": f"pi_test_bench{a['id']}",
                "amount": a["deposit"],
                "amount_refunded": a["deposit"] if refunded else 0,
                "currency": "USD",
                "status": "refunded" if refunded else "paid",
                "created_at": a["created_at"],
                "paid_at": a["created_at"],
                "attention": None,
                "attention_at": None,
            }
        )
    return rows


class _Plan:
    """One therapist's possible appointments on a day: back to back through each range of
    hours, each a service they perform, sometimes with a gap before the next."""

    def __init__(self, rng, tz, hours, skills) -> None:
        self.rng, self.tz, self.hours, self.skills = rng, tz, hours, skills

    def day(self, day: date) -> list[tuple]:
        slots = []
        for starts, ends, location in self.hours.get(day.weekday(), ()):
            cursor = datetime.combine(day, starts, self.tz).astimezone(UTC)
            closes = datetime.combine(day, ends, self.tz).astimezone(UTC)
            while True:
                service, buffer, options = self.rng.choice(self.skills)
                option = self.rng.choice(options)
                end = cursor + timedelta(minutes=option[1])
                if end > closes:
                    break
                blocks = end + timedelta(minutes=buffer)
                slots.append((cursor, end, blocks, service, option, location))
                cursor = blocks + timedelta(minutes=self.rng.choice((0, 0, 15, 30)))
        return slots


def _row(rng: random.Random, therapist: int, slot: tuple, status: str, now: datetime) -> dict:
    starts, ends, blocks, service, (option, _, price, deposit), location = slot
    booked = min(starts - timedelta(days=rng.randint(1, 21), minutes=rng.randint(0, 600)), now)
    return {
        "token": f"{rng.getrandbits(192):048x}",
        "service_id": service,
        "option_id": option,
        "therapist_id": therapist,
        "location_id": location,
        "starts_at": starts,
        "ends_at": ends,
        "blocks_until": blocks,
        "status": status,
        "hold_expires_at": None,
        "price": price,
        "deposit": deposit,
        "currency": "USD",
        "client_name": text.person(rng),
        "client_phone": f"310-555-{rng.randint(0, 9999):04d}",
        "client_notes": "",
        "intake": {},
        "staff_notes": "",
        "source": "online",
        "client_address_key": None,
        "client_email_key": None,
        "client_device_key": None,
        "request_key": None,
        "sequence": 0,
        "created_at": booked,
        "updated_at": booked,
        "confirmed_at": booked if status != "cancelled" else None,
        "cancelled_at": booked + timedelta(hours=2) if status == "cancelled" else None,
        "reminder_queued_at": starts - timedelta(days=1) if starts < now else None,
    }


def _hours(conn) -> dict[int, dict[int, list[tuple]]]:
    """therapist id -> weekday -> [(starts, ends, location id)] of the active therapists."""
    hours: dict[int, dict[int, list[tuple]]] = defaultdict(lambda: defaultdict(list))
    query = sa.text(
        "SELECT h.therapist_id, h.weekday, h.starts_at, h.ends_at, h.location_id "
        "FROM working_hours h JOIN therapist t ON t.id = h.therapist_id WHERE t.active "
        "ORDER BY h.therapist_id, h.weekday, h.starts_at"
    )
    for therapist, weekday, starts, ends, location in conn.execute(query):
        hours[therapist][weekday].append((starts, ends, location))
    return hours


def _skills(conn) -> dict[int, list[tuple]]:
    """therapist id -> [(service id, buffer minutes, [(option id, minutes, price, deposit)])]."""
    options = defaultdict(list)
    for row in conn.execute(
        sa.text("SELECT service_id, id, duration_minutes, price, deposit FROM service_option")
    ):
        options[row[0]].append(tuple(row[1:]))
    skills = defaultdict(list)
    query = sa.text(
        "SELECT ts.therapist_id, s.id, s.buffer_minutes FROM therapist_service ts "
        "JOIN service s ON s.id = ts.service_id ORDER BY ts.therapist_id, s.id"
    )
    for therapist, service, buffer in conn.execute(query):
        skills[therapist].append((service, buffer, options[service]))
    return skills
