"""Offering a freed time to the waitlist.

The choice: a freed time is offered to the first few matching entries at once
(`OFFER_AT_ONCE`, in the order they joined), not to one at a time. A time that frees up
the day before is worth little after a chain of half-hour offers runs out, and the claim
is first come, first served under the booking lock, so offering it to three people costs
the two who lose one "it has gone" email each. An entry holds one live offer at a time and
is never offered the same time twice; an offer lapses after the clinic's
`waitlist_offer_minutes`, and `flask waitlist offer` (from cron) expires it and offers the
time, still free, to the next entries.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa

from clinicsite import notifications
from clinicsite.extensions import db
from clinicsite.models import ClinicSettings, Therapist, WaitlistEntry, WaitlistOffer
from clinicsite.notifications.links import Links, site_links
from clinicsite.onetime import token_hash as hash_token
from clinicsite.scheduling.slots import find_slots
from clinicsite.waitlist import matching, texts

OFFER_AT_ONCE = 3


def live(now: datetime):
    """Offers a client may still claim at `now`."""
    return sa.and_(WaitlistOffer.status == "offered", WaitlistOffer.expires_at > now)


def after_freed(
    therapist_id: int,
    starts_at: datetime,
    ends_at: datetime,
    now: datetime,
    links: Links | None = None,
) -> list[WaitlistOffer]:
    """Offer the free start times of `therapist_id` in [starts_at, ends_at) (UTC) to the
    waitlist entries they suit, in join order, each by email with a claim link (and by text
    when the client agreed to texts: waitlist/texts.py). A start is
    offered only when it is really free now (scheduling decides, with the clinic's notice
    and horizon). Queues the emails and texts in the caller's transaction; the caller
    commits."""
    clinic = db.session.get(ClinicSettings, 1)
    therapist = db.session.get(Therapist, therapist_id)
    if clinic is None or therapist is None or not therapist.active or ends_at <= starts_at:
        return []
    days = matching.local_days(starts_at, ends_at, clinic.tz)
    entries = matching.candidates(therapist, days)
    if not entries:
        return []
    budget = OFFER_AT_ONCE - _live_offers_between(therapist_id, starts_at, ends_at, now)
    made: list[WaitlistOffer] = []
    for entry in entries:
        if len(made) >= budget:
            break
        if _has_live_offer(entry, now):
            continue
        slot = _first_suitable(entry, therapist, starts_at, ends_at, days, clinic, now)
        if slot is None:
            continue
        option = matching.option_for(entry)
        made.append(_offer(entry, therapist, slot, option, clinic, now, links))
    return made


def _first_suitable(entry, therapist, starts_at, ends_at, days, clinic, now):
    option = matching.option_for(entry)
    if option is None:
        return None
    offered_before = {
        o.starts_at for o in entry.offers if o.therapist_id == therapist.id
    }  # never the same time twice
    for slot in find_slots(option, [therapist], days, clinic, now, location_id=entry.location_id):
        if not starts_at <= slot.start < ends_at or slot.start in offered_before:
            continue
        if matching.suits(entry, therapist.id, slot.location_id, slot.start, clinic.tz):
            return slot
    return None


def _offer(entry, therapist, slot, option, clinic, now, links) -> WaitlistOffer:
    token = secrets.token_urlsafe(24)
    offer = WaitlistOffer(
        entry=entry,
        therapist_id=therapist.id,
        location_id=slot.location_id,
        option_id=option.id,
        starts_at=slot.start,
        token_hash=hash_token(token),
        offered_at=now,
        expires_at=now + timedelta(minutes=clinic.waitlist_offer_minutes),
        status="offered",
    )
    db.session.add(offer)
    db.session.flush()
    links = links or site_links()
    notifications.waitlist_offer(offer, token, links)
    texts.text_offer(offer, links.waitlist_claim(token), now)
    return offer


def _has_live_offer(entry: WaitlistEntry, now: datetime) -> bool:
    return any(o.status == "offered" and o.expires_at > now for o in entry.offers)


def _live_offers_between(therapist_id: int, starts_at: datetime, ends_at: datetime, now) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(WaitlistOffer.id)).where(
            WaitlistOffer.therapist_id == therapist_id,
            WaitlistOffer.starts_at >= starts_at,
            WaitlistOffer.starts_at < ends_at,
            live(now),
        )
    )


def expire_and_reoffer(now: datetime, links: Links | None = None) -> tuple[int, int, int]:
    """Time passing, run by `flask waitlist offer`: offers past their time expire and their
    times (if still free) go to the next entries; entries whose last day is over expire.
    Commits; returns (offers expired, offers made, entries expired)."""
    lapsed = list(
        db.session.scalars(
            sa.select(WaitlistOffer)
            .where(WaitlistOffer.status == "offered", WaitlistOffer.expires_at <= now)
            .with_for_update(skip_locked=True)
        )
    )
    for offer in lapsed:
        offer.status = "expired"
    db.session.flush()
    made = 0
    for therapist_id, start in sorted({(o.therapist_id, o.starts_at) for o in lapsed}):
        made += len(after_freed(therapist_id, start, start + timedelta(minutes=1), now, links))
    ended = _expire_entries(now)
    db.session.commit()
    return len(lapsed), made, ended


def _expire_entries(now: datetime) -> int:
    clinic = db.session.get(ClinicSettings, 1)
    if clinic is None:
        return 0
    today = now.astimezone(clinic.tz).date()
    over = list(
        db.session.scalars(
            sa.select(WaitlistEntry).where(
                WaitlistEntry.status == "active", WaitlistEntry.date_to < today
            )
        )
    )
    for entry in over:
        entry.status, entry.ended_at = "expired", now
    return len(over)


def after_new_hours(therapist_id: int, now: datetime, links: Links | None = None) -> list:
    """Staff gave a therapist more hours (weekly or one day): offer the free times of the
    whole booking horizon to the entries they suit. The caller commits."""
    clinic = db.session.get(ClinicSettings, 1)
    if clinic is None:
        return []
    return after_freed(therapist_id, now, now + timedelta(days=clinic.horizon_days + 1), now, links)
