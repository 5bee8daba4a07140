"""/media/<name>: uploaded images, served with long-lived cache headers; nothing else."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask import url_for
from werkzeug.datastructures import FileStorage

from clinicsite import uploads
from clinicsite.extensions import limiter
from tests.support.app import make_app, wipe

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
WEBP = b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"\x00" * 64


@pytest.fixture
def app(migrated, tmp_path):
    app = make_app(migrated, UPLOAD_DIR=tmp_path / "uploads")
    limiter.reset()
    yield app
    wipe(app)


def store(app, content: bytes, filename: str) -> str:
    with app.test_request_context():
        file = FileStorage(io.BytesIO(content), filename=filename)
        return uploads.save(file, uploads.IMAGE_TYPES, 5 * 1024 * 1024).name


def test_an_image_is_served_inline_with_cache_headers(app, client):
    name = store(app, PNG, "photo.jpg")
    assert name.endswith(".png")
    with app.test_request_context():
        assert url_for("media", name=name) == f"/media/{name}"

    response = client.get(f"/media/{name}")
    assert response.status_code == 200
    assert response.data == PNG
    assert response.mimetype == "image/png"
    cache = response.cache_control
    assert cache.public and cache.max_age == 31536000 and cache.immutable
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("inline")
    assert "Set-Cookie" not in response.headers

    response.close()
    again = client.get(f"/media/{name}", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    again.close()


def test_webp_has_its_own_content_type(app, client):
    name = store(app, WEBP, "photo.webp")
    response = client.get(f"/media/{name}")
    assert response.mimetype == "image/webp"
    response.close()


def test_unknown_names_are_404(app, client):
    assert client.get("/media/AbCdEf123456.png").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/media/../config.py",
        "/media/..%2Fconfig.py",
        "/media/%2e%2e%2fsecret.png",
        "/media/a/b.png",
        "/media/..png",
        "/media/.hidden.png",
        "/media/name.PNG",
        "/media/name.svg",
        "/media/name.png.html",
    ],
)
def test_paths_and_other_names_are_404(app, client, path):
    assert client.get(path).status_code == 404


def test_pdfs_are_not_served_here(app, client):
    """The newsletter guide is uploaded the same way but served only to subscribers."""
    with app.test_request_context():
        file = FileStorage(io.BytesIO(b"%PDF-1.7\n" + b"0" * 32), filename="guide.pdf")
        name = uploads.save(file, ("application/pdf",), 1024 * 1024).name
        assert Path(uploads.upload_dir(), name).exists()
    assert client.get(f"/media/{name}").status_code == 404


def test_only_get_is_allowed(app, client):
    name = store(app, PNG, "p.png")
    assert client.post(f"/media/{name}").status_code in (400, 405)
