"""The staff area's menu: only the sections the user's role may open."""

from __future__ import annotations

from flask import current_app
from flask_login import current_user

# (endpoint, label, roles)
SECTIONS = [
    ("staff.dashboard", "Today", ("admin", "therapist", "editor")),
    ("staff.calendar_week", "Calendar", ("admin", "therapist")),
    ("staff.phone_booking", "Book a client", ("admin", "therapist")),
    ("staff.schedules", "Schedules", ("admin", "therapist")),
    ("staff.blog_posts", "Blog", ("admin", "editor")),
    ("staff.comments", "Comments", ("admin", "editor")),
    ("staff.subscribers", "Newsletter", ("admin", "editor")),
    ("staff.inquiries", "Inquiries", ("admin", "editor")),
    ("staff.catalogue", "Services & areas", ("admin",)),
    ("staff.settings", "Settings", ("admin",)),
    ("staff.feeds", "Calendar feed", ("admin", "therapist")),
]


def staff_nav() -> list[tuple[str, str]]:
    if not current_user.is_authenticated:
        return []
    return [
        (endpoint, label)
        for endpoint, label, roles in SECTIONS
        if current_user.role in roles and endpoint in current_app.view_functions
    ]
