"""Uploaded images (post covers), served from /media/<name>.

Stored names are random and never reused, so browsers and proxies may keep a file for a
year without asking again. Only image names are served here: other uploads (the newsletter
guide) are PDFs with a guarded route of their own.

Templates link a file with url_for("media", name=...). A blueprint's own routes are always
named "<blueprint>.<view>", so registering `media_bp` adds the view to the app itself.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, send_from_directory
from flask.blueprints import BlueprintSetupState

from clinicsite import uploads

ONE_YEAR = 365 * 24 * 60 * 60
# What uploads.save names an image: a URL-safe token and the extension of the sniffed type.
IMAGE_NAME = re.compile(r"[A-Za-z0-9_-]+\.(jpg|png|webp)")
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}

media_bp = Blueprint("media", __name__)


def media(name: str) -> Response:
    match = IMAGE_NAME.fullmatch(name)
    if match is None:  # slashes, dots, PDFs and anything else uploads.save never names
        abort(404)
    response = send_from_directory(
        uploads.upload_dir(), name, mimetype=CONTENT_TYPES[match.group(1)], max_age=ONE_YEAR
    )
    response.cache_control.public = True
    response.cache_control.immutable = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@media_bp.record_once
def add_media_route(state: BlueprintSetupState) -> None:
    state.app.add_url_rule("/media/<name>", "media", media, methods=["GET"])
