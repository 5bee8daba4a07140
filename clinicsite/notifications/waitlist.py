"""The waitlist's emails: joined (with the link to leave), a time offered (with the claim
link), and the time gone to someone else."""

from __future__ import annotations

from clinicsite.extensions import db
from clinicsite.mail.outbox import enqueue
from clinicsite.models import ClinicSettings, WaitlistEntry, WaitlistOffer
from clinicsite.notifications.links import Links, site_links
from clinicsite.notifications.render import render
from clinicsite.timefmt import long_datetime


def _send(entry: WaitlistEntry, kind: str, links: Links, key: str, **extra) -> None:
    clinic = db.session.get(ClinicSettings, 1)
    email = render(
        kind,
        links,
        clinic=clinic,
        entry=entry,
        withdraw_url=links.waitlist_withdraw(entry.withdraw_token),
        book_url=links.book(),
        **extra,
    )
    enqueue(to=entry.email, subject=email.subject, text=email.text, html=email.html, key=key)


def waitlist_joined(entry: WaitlistEntry, links: Links | None = None) -> None:
    """Tell the client they are on the waitlist, and how to leave it."""
    _send(entry, "waitlist_joined", links or site_links(), key=f"waitlist-joined:{entry.id}")


def _offer_context(offer: WaitlistOffer) -> dict:
    tz = db.session.get(ClinicSettings, 1).tz
    return {
        "offer": offer,
        "when": long_datetime(offer.starts_at, tz),
        "until": long_datetime(offer.expires_at, tz),
    }


def waitlist_offer(offer: WaitlistOffer, token: str, links: Links | None = None) -> None:
    """Offer a freed time, with the claim link (`token` is its secret, never stored)."""
    links = links or site_links()
    _send(
        offer.entry,
        "waitlist_offer",
        links,
        key=f"waitlist-offer:{offer.id}",
        claim_url=links.waitlist_claim(token),
        **_offer_context(offer),
    )


def waitlist_gone(offer: WaitlistOffer, links: Links | None = None) -> None:
    """Tell a client the time offered to them went to someone else."""
    _send(
        offer.entry,
        "waitlist_gone",
        links or site_links(),
        key=f"waitlist-gone:{offer.id}",
        **_offer_context(offer),
    )
