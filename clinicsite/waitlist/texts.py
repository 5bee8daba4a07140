"""The waitlist's texts, beside its emails: a freed time offered, and that time gone, to a
client who ticked "Text me" when joining and has not texted STOP since. Queued in the
caller's transaction (clinicsite/sms/outbox.py), sent by `flask outbox send`."""

from __future__ import annotations

from datetime import datetime

from clinicsite import timefmt
from clinicsite.extensions import db
from clinicsite.models import ClinicSettings, WaitlistEntry, WaitlistOffer
from clinicsite.phones import phone_key, region_for
from clinicsite.sms.outbox import queue_text


def textable(entry: WaitlistEntry, clinic: ClinicSettings) -> str | None:
    """The entry's number as texted (E.164), or None when the client did not agree to texts
    or gave no number that can be texted."""
    if not entry.sms_consent:
        return None
    return phone_key(entry.phone, region_for(clinic.country))


def _when(offer: WaitlistOffer, clinic: ClinicSettings) -> str:
    """'Tuesday, December 1 at 10:15 AM PST'"""
    day = timefmt.day_label(timefmt.local(offer.starts_at, clinic.tz).date())
    return f"{day} at {timefmt.clock_with_zone(offer.starts_at, clinic.tz)}"


def text_offer(offer: WaitlistOffer, claim_url: str, now: datetime) -> None:
    """Queue the offer as a text, with the claim link, when the client may be texted."""
    clinic = db.session.get(ClinicSettings, 1)
    number = textable(offer.entry, clinic)
    if number is None:
        return
    until = timefmt.clock_with_zone(offer.expires_at, clinic.tz)
    body = (
        f"{clinic.name}: a time has come free for {offer.option.service.name}, "
        f"{_when(offer, clinic)} with {offer.therapist.name}. First to claim it gets it, "
        f"until {until}: {claim_url} Reply STOP to stop texts."
    )
    queue_text(number, body, f"waitlist-offer:{offer.id}", now)


def text_gone(offer: WaitlistOffer, now: datetime) -> None:
    """Queue a text that the offered time went to someone else, when the client may be
    texted."""
    clinic = db.session.get(ClinicSettings, 1)
    number = textable(offer.entry, clinic)
    if number is None:
        return
    body = (
        f"{clinic.name}: sorry, the time we offered you, {_when(offer, clinic)}, has "
        "been claimed by someone else. You are still on the waitlist. Reply STOP to stop texts."
    )
    queue_text(number, body, f"waitlist-gone:{offer.id}", now)
