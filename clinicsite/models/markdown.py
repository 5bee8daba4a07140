"""Markdown columns that keep their sanitized HTML beside them.

Public pages show staff-written Markdown (a service's description, an area's introduction,
a therapist's biography...). Rendering it on every request cost up to 13% of a page's time
(issue 11), so each such column has an `<name>_html` column, filled whenever the
Markdown is set: by a staff form, the demo loader, a test factory or a command alike, none
of which has to remember it. Pages print the stored HTML as it is.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import MappedColumn, mapped_column, validates

from clinicsite.text import render_markdown


def stored_html() -> MappedColumn[str]:
    """The column for a Markdown column's HTML (sanitized by `render_markdown`).

    The server default lets the migration add it to tables that already have rows."""
    return mapped_column(sa.Text, default="", server_default="")


def renders_markdown(source: str, html: str):
    """A validator for the model's `source` column that stores its HTML in `html` each time
    it is set. Assign it in the class body: `_render_bio = renders_markdown("bio", "bio_html")`.
    """

    @validates(source)
    def render(self, _key: str, value: str | None) -> str | None:
        setattr(self, html, str(render_markdown(value)))
        return value

    return render
