"""The staff area's menu: only the sections the user's role may open. Who may open a page
is declared once, by `roles_required` on its view; the menu reads that declaration."""

from __future__ import annotations

from flask import current_app
from flask_login import current_user

from clinicsite.staff import bp
from clinicsite.staff.auth import allowed_roles

# (endpoint, label), in menu order
SECTIONS = [
    ("staff.dashboard", "Today"),
    ("staff.calendar_week", "Calendar"),
    ("staff.phone_booking", "Book a client"),
    ("staff.clients", "Clients"),
    ("staff.schedules", "Schedules"),
    ("staff.closures_page", "Closures"),
    ("staff.rooms_page", "Rooms"),
    ("staff.blog_posts", "Blog"),
    ("staff.comments", "Comments"),
    ("staff.subscribers", "Newsletter"),
    ("staff.inquiries", "Inquiries"),
    ("staff.catalogue", "Services & areas"),
    ("staff.travel_times", "Travel times"),
    ("staff.intake_questions", "Health questions"),
    ("staff.settings", "Settings"),
    ("staff.feeds", "Calendar feed"),
    ("staff.waitlist", "Waitlist"),
    ("staff.reminders", "Reminders"),
    ("staff.takings_day", "Takings"),
    ("staff.coupons", "Coupons"),
    ("staff.gift_cards", "Gift cards"),
    ("staff.packages", "Packages"),
    ("staff.memberships", "Memberships"),
    ("staff.reports", "Reports"),
    ("staff.accounts", "Accounts"),
]


def staff_nav() -> list[tuple[str, str]]:
    if not current_user.is_authenticated:
        return []
    views = current_app.view_functions
    return [
        (endpoint, label)
        for endpoint, label in SECTIONS
        if endpoint in views and current_user.role in (allowed_roles(views[endpoint]) or ())
    ]


@bp.record_once
def offer_to_templates(state) -> None:
    """Staff templates call `staff_nav()`; the staff blueprint brings it, not templating.py."""
    state.app.jinja_env.globals["staff_nav"] = staff_nav
