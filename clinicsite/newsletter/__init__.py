from flask import Blueprint

bp = Blueprint("newsletter", __name__)

from clinicsite.newsletter import routes  # noqa: E402,F401
