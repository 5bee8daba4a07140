"""Static files: fingerprinted URLs, a year's caching, gzip, and no session cookie.

`url_for('static', filename=...)` adds `?v=` and the first 12 hex digits of the file's
SHA-256. A request whose `v` matches the file as it is now may be kept for a year
(`immutable`): a changed file gets a new URL, so no browser keeps a stale copy. Without `v`,
or with another one (a page cached from before a deploy, a hand-typed URL, a `url()` inside
a stylesheet), the answer is `no-cache` with an ETag, so it is revalidated (304), not kept.

Text files are gzipped once per process, in memory (nothing is written next to them), and
served gzipped to clients that accept it. A request with a Range header gets the file's own
bytes instead, so every range counts bytes of the file. The fingerprint and both ETags come
from the content, so every worker on every host agrees on them; werkzeug's default ETag
mixes in the mtime, which differs between hosts that unpacked a release at different times.

A file's answer is the same for everyone, so it carries no session cookie and no
`Vary: Cookie` (Flask-Login reads the session after every request, which would add one).
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import os
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, abort, current_app, request, send_file
from werkzeug.datastructures import Accept
from werkzeug.security import safe_join

FINGERPRINT_ARG = "v"
FINGERPRINT_LENGTH = 12
LONG_CACHE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
COMPRESSIBLE = frozenset({".css", ".js", ".svg", ".txt", ".xml", ".json"})
# Larger files are streamed from disk as they are rather than held in every worker's memory.
MAX_GZIP_SOURCE = 1024 * 1024


@dataclass(frozen=True)
class StaticFile:
    """One version of a file under static/, as served."""

    path: str
    stamp: tuple[int, int]  # (mtime in ns, size): when either changes, it is read again
    fingerprint: str
    gzipped: bytes | None  # None: not text, too big, or gzip would not make it smaller

    @property
    def etag(self) -> str:
        return self.fingerprint

    @property
    def gzip_etag(self) -> str:
        return f"{self.fingerprint}-gzip"

    @property
    def last_modified(self) -> datetime:
        return datetime.fromtimestamp(self.stamp[0] / 1e9, UTC)


class StaticFiles:
    """The files of one folder, each read, hashed and compressed once per version.

    Threads of a worker may read the same new version at once; both get the same result, so
    the dictionary needs no lock."""

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self._known: dict[str, StaticFile] = {}

    def get(self, filename: str) -> StaticFile | None:
        """The file at `filename` under the folder, or None (missing, a directory, or a
        path that leaves the folder)."""
        path = safe_join(self.folder, filename)
        if path is None:
            return None
        try:
            info = os.stat(path)
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode):
            return None
        known = self._known.get(path)
        if known is not None and known.stamp == (info.st_mtime_ns, info.st_size):
            return known
        try:
            self._known[path] = known = read_static_file(path)
        except OSError:
            return None
        return known


def read_static_file(path: str) -> StaticFile:
    with open(path, "rb") as file:
        info = os.fstat(file.fileno())
        content = file.read()
    gzipped = None
    if os.path.splitext(path)[1].lower() in COMPRESSIBLE and len(content) <= MAX_GZIP_SOURCE:
        # mtime=0: the same bytes, hence the same ETag, from every worker.
        packed = gzip.compress(content, compresslevel=9, mtime=0)
        gzipped = packed if len(packed) < len(content) else None
    return StaticFile(
        path=path,
        stamp=(info.st_mtime_ns, info.st_size),
        fingerprint=hashlib.sha256(content).hexdigest()[:FINGERPRINT_LENGTH],
        gzipped=gzipped,
    )


def accepts_gzip(accept: Accept) -> bool:
    """Whether Accept-Encoding allows gzip: named with q > 0, or not named and `*` allowed.
    (werkzeug's own lookup lets `*` win over an explicit `gzip;q=0`.)"""
    qualities = {value.lower(): quality for value, quality in accept}
    return qualities.get("gzip", qualities.get("*", 0)) > 0


def serve_static(filename: str) -> Response:
    """The static endpoint's view, replacing Flask's."""
    files: StaticFiles = current_app.extensions["clinicsite.static_files"]
    found = files.get(filename)
    if found is None:
        abort(404)
    if (
        found.gzipped is not None
        and "Range" not in request.headers
        and accepts_gzip(request.accept_encodings)
    ):
        response = gzip_response(found)
    else:
        response = identity_response(found)
    if found.gzipped is not None:
        response.vary.add("Accept-Encoding")
    fresh = request.args.get(FINGERPRINT_ARG) == found.fingerprint
    response.headers["Cache-Control"] = LONG_CACHE if fresh else REVALIDATE
    return response


def identity_response(found: StaticFile) -> Response:
    """The file's own bytes from disk: 304 and 206 (ranges) answered by werkzeug."""
    return send_file(found.path, conditional=True, etag=found.etag)


def gzip_response(found: StaticFile) -> Response:
    """The gzipped bytes, with their own ETag; 304 when the client holds them already."""
    mimetype = mimetypes.guess_type(found.path)[0] or "application/octet-stream"
    response = current_app.response_class(found.gzipped, mimetype=mimetype)
    response.headers["Content-Encoding"] = "gzip"
    response.set_etag(found.gzip_etag)
    response.last_modified = found.last_modified
    return response.make_conditional(request)


def register_static_files(app: Flask) -> None:
    """Serve app.static_folder as described above and fingerprint its URLs."""
    if not app.has_static_folder:
        return
    files = StaticFiles(app.static_folder)
    app.extensions["clinicsite.static_files"] = files
    app.view_functions["static"] = serve_static

    @app.url_defaults
    def add_fingerprint(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint != "static" or FINGERPRINT_ARG in values:
            return
        found = files.get(values.get("filename", ""))
        if found is not None:
            values[FINGERPRINT_ARG] = found.fingerprint
