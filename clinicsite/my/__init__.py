"""A client's own page (/my/): no password, a single-use link by email.

`bookings.py` and `links.py` are domain modules (no request); `routes.py` and `forms.py`
are the blueprint.
"""

from flask import Blueprint

bp = Blueprint("my", __name__)

from clinicsite.my import routes  # noqa: E402,F401
