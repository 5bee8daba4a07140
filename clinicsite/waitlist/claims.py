"""Claiming an offered time: first claim wins.

A claim holds the time exactly as a booking does (`appointments.holding.hold`, under the
therapist's booking lock), so two clients claiming the same freed time at once, or a client
booking it on the public pages meanwhile, cannot both have it. The claim's hold then goes
on like any other: the deposit checkout, or confirmed at once when there is none. The other
clients offered an overlapping time are told it has gone.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from clinicsite import notifications
from clinicsite.appointments import holding
from clinicsite.appointments.limits import ClientKeys
from clinicsite.extensions import db
from clinicsite.models import Appointment, ClinicSettings, WaitlistOffer
from clinicsite.notifications.links import Links
from clinicsite.scheduling.holds import SlotTaken, lock_therapists
from clinicsite.waitlist import texts
from clinicsite.waitlist.offers import hash_token, live

TAKEN = "Someone else took this time just before you."
EXPIRED = "This offer has expired."
ENDED = "This waitlist entry is no longer active."


class OfferGone(Exception):
    """The offer cannot be claimed; str() says why, for the client."""


def offer_for_token(token: str) -> WaitlistOffer | None:
    """The offer of a claim link's secret (only its hash is stored)."""
    if not token or len(token) > 64:
        return None
    return db.session.scalar(
        sa.select(WaitlistOffer).where(WaitlistOffer.token_hash == hash_token(token))
    )


def why_not(offer: WaitlistOffer, now: datetime) -> str | None:
    """Why `offer` cannot be claimed now (None: it can). Reads, changes nothing."""
    if offer.status == "gone":
        return TAKEN
    if offer.status == "expired" or (offer.status == "offered" and offer.expires_at <= now):
        return EXPIRED
    if offer.status == "offered" and offer.entry.status != "active":
        return ENDED
    return None


def claim(
    offer: WaitlistOffer,
    clinic: ClinicSettings,
    now: datetime,
    client_keys: ClientKeys | None = None,
    intake: dict | None = None,
    notes: str = "",
    consent_text_id: int | None = None,
    links: Links | None = None,
) -> Appointment:
    """Hold the offered time for the entry's client and commit: `held` until the deposit
    is paid, or confirmed when there is none. Claiming the same offer again returns the same
    appointment. Raises OfferGone (the offer is then marked gone when the time was taken),
    or LimitReached from the booking limits."""
    with db.session.no_autoflush:
        lock_therapists(offer.therapist_id)  # one claim (or booking) of this therapist at a time
    db.session.refresh(offer)
    db.session.refresh(offer.entry)
    if offer.status == "claimed":
        db.session.rollback()
        return _claimed_appointment(offer)
    reason = why_not(offer, now)
    if reason:
        db.session.rollback()
        raise OfferGone(reason)
    entry = offer.entry
    offer.status = "claimed"
    entry.status, entry.ended_at = "booked", now
    request = holding.HoldRequest(
        offer.option,
        offer.therapist,
        offer.location,
        offer.starts_at,
        holding.ClientDetails(
            entry.name,
            entry.email,
            entry.phone,
            notes=notes,
            intake=intake or {},
            consent_text_id=consent_text_id,
        ),
        request_key=_request_key(offer),
        client_keys=client_keys,
    )
    try:
        appointment = holding.hold(request, clinic, now)  # rolls back on SlotTaken
    except SlotTaken:
        _mark_gone(offer.id)
        raise OfferGone(TAKEN) from None
    _settle_others(offer, appointment, now, links)
    return appointment


def _request_key(offer: WaitlistOffer) -> str:
    return f"waitlist-offer-{offer.id}"


def _claimed_appointment(offer: WaitlistOffer) -> Appointment:
    if offer.appointment is not None:
        return offer.appointment
    found = db.session.scalar(
        sa.select(Appointment).where(Appointment.request_key == _request_key(offer))
    )
    if found is None:
        raise OfferGone(TAKEN)
    return found


def _mark_gone(offer_id: int) -> None:
    offer = db.session.get(WaitlistOffer, offer_id)
    if offer is not None and offer.status == "offered":
        offer.status = "gone"
        db.session.commit()


def _settle_others(
    offer: WaitlistOffer, appointment: Appointment, now: datetime, links: Links | None
) -> None:
    """After the claim's hold is committed: link the offer to it, and end every other live
    offer whose time now overlaps it, telling each client; commits."""
    offer.appointment_id = appointment.id
    for other in offer.entry.offers:  # the client has their time: nothing else for them
        if other.id != offer.id and other.status == "offered":
            other.status = "gone"
    for other in overlapping_offers(appointment, now):
        if other.id == offer.id:
            continue
        other.status = "gone"
        if other.entry_id != offer.entry_id:
            notifications.waitlist_gone(other, links)
            texts.text_gone(other, now)
    db.session.commit()


def overlapping_offers(appointment: Appointment, now: datetime) -> list[WaitlistOffer]:
    """Live offers of the appointment's therapist whose time meets it (buffers included)."""
    nearby = db.session.scalars(
        sa.select(WaitlistOffer).where(
            WaitlistOffer.therapist_id == appointment.therapist_id,
            WaitlistOffer.starts_at < appointment.blocks_until,
            WaitlistOffer.starts_at > appointment.starts_at - timedelta(days=1),
            live(now),
        )
    )
    found = []
    for other in nearby:
        length = timedelta(
            minutes=other.option.duration_minutes + other.option.service.buffer_minutes
        )
        if other.starts_at + length > appointment.starts_at:
            found.append(other)
    return found
