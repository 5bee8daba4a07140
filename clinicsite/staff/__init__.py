from flask import Blueprint

bp = Blueprint("staff", __name__)

from clinicsite.staff import (  # noqa: E402,F401
    appointments,
    calendar,
    catalogue,
    inquiries,
    phone,
    routes,
    schedules,
)
