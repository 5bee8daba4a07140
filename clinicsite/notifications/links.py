"""The links an email carries, built by whoever sends it.

Emails never build URLs from a request: `site_links()` makes them absolute on SITE_URL
(`templating.absolute_url`, which needs the app but no request), and a test may pass any
other `Links` it likes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Links:
    """Absolute URLs for the pages emails point to; `build(endpoint, **values)` makes one."""

    build: Callable[..., str]

    def home(self) -> str:
        return self.build("public.index")

    def book(self) -> str:
        return self.build("booking.start")

    def manage(self, token: str) -> str:
        return self.build("booking.manage", token=token)

    def newsletter_confirm(self, token: str) -> str:
        return self.build("newsletter.confirm", token=token)

    def newsletter_unsubscribe(self, token: str) -> str:
        return self.build("newsletter.unsubscribe", token=token)

    def newsletter_preferences(self, token: str) -> str:
        return self.build("newsletter.preferences_page", token=token)

    def newsletter_guide(self, token: str) -> str:
        return self.build("newsletter.guide", token=token)

    def post(self, slug: str) -> str:
        return self.build("blog.post", slug=slug)

    def staff_inquiries(self) -> str:
        return self.build("staff.inquiries")

    def staff_comments(self) -> str:
        return self.build("staff.comments")

    def staff_set_password(self, token: str) -> str:
        return self.build("staff.set_password", token=token)

    def staff_login(self) -> str:
        return self.build("staff.login")

    def staff_password_reset(self) -> str:
        return self.build("staff.password_reset")

    def my_sign_in(self) -> str:
        return self.build("my.sign_in")

    def my_link(self, token: str) -> str:
        return self.build("my.link", token=token)

    def waitlist_claim(self, token: str) -> str:
        return self.build("booking.waitlist_claim", token=token)

    def waitlist_withdraw(self, token: str) -> str:
        return self.build("booking.waitlist_withdraw", token=token)


def site_links() -> Links:
    """Links on the running app's SITE_URL."""
    from clinicsite.templating import absolute_url

    def build(endpoint: str, **values: Any) -> str:
        return absolute_url(endpoint, **values)

    return Links(build)
