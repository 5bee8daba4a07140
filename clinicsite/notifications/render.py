"""The one module of notifications that reaches the Flask app: its Jinja environment (the
site's filters and globals) and its configuration.

An email is one template, `email/<kind>.html`: the `subject` and `text` blocks are
rendered on their own, and the whole template, which extends the shared email layout, is
the HTML part.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app

from clinicsite.notifications.links import Links


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def render(kind: str, links: Links, **context: Any) -> Rendered:
    """The subject, plain text and HTML of the email `kind`, filled with `context` (and the
    home page's link, which the layout's header carries)."""
    context["home_url"] = links.home()
    template = current_app.jinja_env.get_template(f"email/{kind}.html")

    def block(name: str) -> str:
        return "".join(template.blocks[name](template.new_context(context)))

    return Rendered(subject=block("subject"), text=block("text"), html=template.render(context))


def render_partial(name: str, **context: Any) -> str:
    """A piece shared by several emails (a footer), rendered on its own."""
    return current_app.jinja_env.get_template(name).render(context)


def setting(name: str, default: Any = None) -> Any:
    """A configuration value of the running app (STAFF_NOTIFY_EMAIL, SITE_URL)."""
    return current_app.config.get(name, default)
