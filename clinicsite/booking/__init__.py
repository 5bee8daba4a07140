from flask import Blueprint

bp = Blueprint("booking", __name__)

from clinicsite.booking import (  # noqa: E402,F401
    api,
    cards,  # noqa: E402,F401  cards on file (issue 14)
    embed,
    manage,
    repeat,
    routes,
    waitlist,
    webhook,
)
