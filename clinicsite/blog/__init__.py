from flask import Blueprint

bp = Blueprint("blog", __name__)

from clinicsite.blog import comments, routes  # noqa: E402,F401
