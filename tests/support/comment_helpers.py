"""Sending the blog's comment form as a reader would: open the post, wait, submit."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.support.blog_factories import NOW

VALID = {
    "name": "Maya Ortiz",
    "email": "maya.secret@example.org",
    "body": "This helped my neck a lot.\nThank you!",
    "website": "",
}


def form_fields(client, url: str) -> dict[str, str]:
    html = client.get(url).get_data(as_text=True)
    fields = {}
    for name in ("started",):
        match = re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html)
        assert match, f"no {name} on {url}"
        fields[name] = match.group(1)
    return fields


def submit(client, clock, slug="stiff-neck", wait=timedelta(seconds=20), **changes):
    """Open the post, wait `wait`, send the comment form with `changes`."""
    clock(NOW)
    data = {**form_fields(client, f"/blog/{slug}"), **VALID}
    clock(NOW + wait)
    data.update(changes)
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(f"/blog/{slug}/comments", data=data)
