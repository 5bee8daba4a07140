"""Files staff upload (post covers, the newsletter guide): checked by type and size,
stored under UPLOAD_DIR with a random name, served from /media/<name>."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import Response, current_app, send_from_directory
from werkzeug.datastructures import FileStorage

# The first bytes of each accepted type: the browser's claimed type is not trusted.
SIGNATURES = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/webp": (b"RIFF",),  # and b"WEBP" at offset 8, checked below
    "application/pdf": (b"%PDF-",),
}
EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "application/pdf": "pdf",
}
IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp")


class UploadError(ValueError):
    """Why the file was refused, for the person who chose it."""


@dataclass(frozen=True)
class Stored:
    name: str  # the file name under UPLOAD_DIR
    content_type: str
    size: int
    original_name: str


def accepts_uploads(max_bytes: int, fields: tuple[str, ...]):
    """Mark a view as taking files up to `max_bytes` (plus the form around them) in the
    form fields named `fields`; the request limit is raised for that view only, before its
    body is read. A file part under any other name is refused (security.py)."""

    def decorator(view):
        view.upload_limit = max_bytes + 64 * 1024
        view.upload_fields = fields
        return view

    return decorator


def upload_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def send_private(stored_name: str, content_type: str, original_name: str) -> Response:
    """An uploaded file as a download under its original name, kept out of shared caches
    (a guide is sent only to whoever holds the link)."""
    response = send_from_directory(
        upload_dir(),
        stored_name,
        mimetype=content_type,
        as_attachment=True,
        download_name=original_name,
    )
    response.cache_control.public = False
    response.cache_control.private = True
    return response


def sniff(head: bytes) -> str | None:
    for content_type, prefixes in SIGNATURES.items():
        if any(head.startswith(p) for p in prefixes):
            if content_type == "image/webp" and head[8:12] != b"WEBP":
                continue
            return content_type
    return None


def save(file: FileStorage | None, allowed: tuple[str, ...], max_bytes: int) -> Stored:
    """Check and store an upload. Raises UploadError with a message for the form."""
    if file is None or not file.filename:
        raise UploadError("Please choose a file.")
    data = file.stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UploadError(f"The file is larger than {max_bytes // (1024 * 1024)} MB.")
    if not data:
        raise UploadError("The file is empty.")
    content_type = sniff(data[:16])
    if content_type not in allowed:
        kinds = ", ".join(EXTENSIONS[t].upper() for t in allowed)
        raise UploadError(f"Please choose a {kinds} file.")
    name = f"{secrets.token_urlsafe(16)}.{EXTENSIONS[content_type]}"
    (upload_dir() / name).write_bytes(data)
    original = Path(file.filename).name[:200]
    return Stored(name=name, content_type=content_type, size=len(data), original_name=original)


def write(data: bytes, extension: str) -> str:
    """Store bytes the site made itself (a prepared portrait) under a new random name."""
    name = f"{secrets.token_urlsafe(16)}.{extension}"
    (upload_dir() / name).write_bytes(data)
    return name


def delete(name: str | None) -> None:
    if name and "/" not in name and "\\" not in name:
        (upload_dir() / name).unlink(missing_ok=True)
