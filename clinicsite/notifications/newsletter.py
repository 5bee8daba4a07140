"""The newsletter's emails: the confirmation request, the welcome and the guide, and the
footer and headers every list email carries. Whether to send them is decided in
`newsletter/service.py`."""

from __future__ import annotations

from typing import Any

from clinicsite.clinic import get_clinic
from clinicsite.mail.outbox import ONE_CLICK, enqueue
from clinicsite.models import LeadMagnet, OutboxEmail, Subscriber
from clinicsite.notifications.links import Links, site_links
from clinicsite.notifications.render import render, render_partial


def newsletter_email_footer(subscriber: Subscriber, links: Links | None = None) -> str:
    """The end of every newsletter email: why they get it and the one-click unsubscribe
    link. Add it to any newsletter issue sent later."""
    links = links or site_links()
    return render_partial(
        "email/newsletter_footer.txt",
        clinic=get_clinic(),
        unsubscribe_url=links.newsletter_unsubscribe(subscriber.token),
    )


def newsletter_headers(subscriber: Subscriber, links: Links | None = None) -> dict[str, str]:
    """The headers of every email sent to a subscriber because they are on the list (the
    welcome, any issue sent later): mail programs show their own Unsubscribe button and
    send the RFC 8058 one-click POST to the same URL as the footer's link. Not on the
    confirmation request: the address is not on the list until it is confirmed."""
    url = (links or site_links()).newsletter_unsubscribe(subscriber.token)
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": ONE_CLICK}


def newsletter_confirm(
    subscriber: Subscriber, key: str, guide: LeadMagnet | None, links: Links | None = None
) -> OutboxEmail | None:
    """Ask the address to confirm; the guide is promised only when there is one. Not list
    mail yet, so no unsubscribe headers. None when the key was taken."""
    return _send(subscriber, "newsletter_confirm", key, guide, links, list_mail=False)


def newsletter_welcome(
    subscriber: Subscriber, key: str, guide: LeadMagnet | None, links: Links | None = None
) -> OutboxEmail | None:
    """Welcome a confirmed subscriber, with the guide's link when there is one."""
    return _send(subscriber, "newsletter_welcome", key, guide, links)


def newsletter_guide(
    subscriber: Subscriber, key: str, guide: LeadMagnet, links: Links | None = None
) -> OutboxEmail | None:
    """Send the guide to a subscriber who confirmed before it was uploaded."""
    return _send(subscriber, "newsletter_guide", key, guide, links)


def _send(
    subscriber: Subscriber,
    kind: str,
    key: str,
    guide: LeadMagnet | None,
    links: Links | None,
    list_mail: bool = True,
) -> OutboxEmail | None:
    links = links or site_links()
    context: dict[str, Any] = {
        "clinic": get_clinic(),
        "subscriber": subscriber,
        "guide": guide,
        "confirm_url": links.newsletter_confirm(subscriber.token),
        "guide_url": links.newsletter_guide(subscriber.token),
        "unsubscribe_url": links.newsletter_unsubscribe(subscriber.token),
    }
    email = render(kind, links, **context)
    return enqueue(
        to=subscriber.email,
        subject=email.subject,
        text=email.text,
        html=email.html,
        key=key,
        headers=newsletter_headers(subscriber, links) if list_mail else None,
    )
