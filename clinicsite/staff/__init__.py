from flask import Blueprint

bp = Blueprint("staff", __name__)

from clinicsite.staff import (  # noqa: E402,F401
    appointments,
    blog_admin,
    calendar,
    catalogue,
    comments_admin,
    feeds,
    inquiries,
    nav,
    newsletter_admin,
    phone,
    routes,
    schedules,
)
