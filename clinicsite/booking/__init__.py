from flask import Blueprint

bp = Blueprint("booking", __name__)

from clinicsite.booking import api, manage, repeat, routes, waitlist, webhook  # noqa: E402,F401
