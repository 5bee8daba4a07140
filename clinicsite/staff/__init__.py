"""The staff area: one blueprint, `staff`, whose views live in a sub-package per job.

`bookings` (appointments, the calendar, phone bookings, free times), `schedules` (working
hours, time off), `catalogue` (services, areas, studios, therapists, settings) and
`editorial` (the blog, comments, the newsletter, inquiries), `accounts` (invitations,
roles, password resets) each register their views on
`bp`; log in, the dashboard, the navigation and the calendar feeds stay at this level.
"""

from flask import Blueprint

bp = Blueprint("staff", __name__)

from clinicsite.staff import (  # noqa: E402,F401
    accounts,
    bookings,
    cardfees,  # noqa: E402,F401  cards on file and fees (issue 14)
    catalogue,
    clients,
    closures,  # noqa: E402,F401  closed days and hours (issue 15)
    coupons,  # noqa: E402,F401
    editorial,
    feeds,
    giftcards,  # noqa: E402,F401
    intake,  # noqa: E402,F401  health questions and consent (issue 15)
    memberships,  # noqa: E402,F401
    nav,
    packages,  # noqa: E402,F401
    payments,  # noqa: E402,F401
    reminders,  # noqa: E402,F401
    reports,
    rooms,  # noqa: E402,F401  rooms and equipment per studio (issue 15)
    routes,
    schedules,
    travel,  # noqa: E402,F401  travel times between areas and studios (issue 16)
    waitlist,
)
