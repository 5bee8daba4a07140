"""The email that carries a client's sign-in link to their own page (/my/). Whether to
send it is decided in `my/links.py`."""

from __future__ import annotations

from dataclasses import dataclass

from clinicsite.clinic import get_clinic
from clinicsite.mail.outbox import enqueue
from clinicsite.models import OutboxEmail
from clinicsite.notifications.links import Links, site_links
from clinicsite.notifications.render import Rendered, render


@dataclass(frozen=True)
class SignInEmail:
    """A rendered sign-in email, queued only when `queue()` is called."""

    to: str
    email: Rendered

    def queue(self) -> OutboxEmail | None:
        return enqueue(
            to=self.to, subject=self.email.subject, text=self.email.text, html=self.email.html
        )


def sign_in_link(to: str, url: str, minutes: int, links: Links | None = None) -> SignInEmail:
    """The sign-in email for `to`, with the link `url` that works for `minutes`."""
    links = links or site_links()
    email = render(
        "sign_in_link",
        links,
        clinic=get_clinic(),
        sign_in_url=url,
        minutes=minutes,
        again_url=links.my_sign_in(),
    )
    return SignInEmail(to=to, email=email)
