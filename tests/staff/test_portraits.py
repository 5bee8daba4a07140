"""Therapist portraits uploaded by an admin: prepared with Pillow (upright, square, 480
pixels, no location data), shown on the public profile at once, replaced and removed
without leaving files behind; anything else refused with a reason."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image

from clinicsite.extensions import db
from clinicsite.models import Therapist
from tests.support.app import make_app, wipe
from tests.support.booking_helpers import csrf_from, load_fixture_clinic, page_html, text_of
from tests.support.factories import make_staff

DANA = "dana-okafor"


@pytest.fixture
def app(migrated, tmp_path):
    app = make_app(migrated, UPLOAD_DIR=tmp_path / "uploads")
    try:
        load_fixture_clinic(app)
        yield app
    finally:
        wipe(app)


def dana(app) -> Therapist:
    with app.app_context():
        therapist = db.session.scalar(sa.select(Therapist).filter_by(slug=DANA))
        db.session.expunge(therapist)
        return therapist


def page(app) -> str:
    return f"/staff/catalogue/therapists/{dana(app).id}/portrait"


def photo(width=1200, height=1600, orientation: int | None = None, fmt="JPEG") -> bytes:
    """Red on the left half, blue on the right; with an orientation tag and a GPS block."""
    image = Image.new("RGB", (width, height), "blue")
    image.paste("red", (0, 0, width // 2, height))
    exif = Image.Exif()
    exif[0x0110] = "Test Camera"  # model
    exif[0x8825] = {1: "N", 2: (33.0, 51.0, 0.0)}  # GPS: where it was taken
    if orientation:
        exif[0x0112] = orientation
    out = io.BytesIO()
    image.save(out, fmt, exif=exif) if fmt == "JPEG" else image.save(out, fmt)
    return out.getvalue()


def upload(client, app, data: bytes | None, name="me.jpg", **extra):
    token = csrf_from(page_html(client, page(app)))
    form = {"csrf_token": token, **extra}
    if data is not None:
        form["portrait"] = (io.BytesIO(data), name)
    response = client.post(page(app), data=form, content_type="multipart/form-data")
    # The test client spools a large body to a temporary file and leaves it open.
    response.request.environ["wsgi.input"].close()
    return response


def stored(app) -> list[Path]:
    return sorted(Path(app.config["UPLOAD_DIR"]).glob("*"))


def test_an_upload_is_turned_upright_cropped_stripped_and_shown_at_once(app, client, login_as):
    login_as("admin")
    before = page_html(client, f"/therapists/{DANA}")  # cached for visitors from now on
    # Orientation 6: the camera was turned; the picture is to be rotated 90° clockwise, so
    # the red left half ends on top.
    response = upload(client, app, photo(orientation=6))
    assert response.status_code == 303
    name = dana(app).portrait
    assert name and [p.name for p in stored(app)] == [name]
    with Image.open(stored(app)[0]) as kept:
        assert kept.format == "JPEG" and kept.size == (480, 480)
        assert not kept.getexif()  # no camera, no GPS
        top, bottom = kept.getpixel((240, 20)), kept.getpixel((240, 460))
    assert top[0] > 200 and top[2] < 60, top  # red on top: turned upright
    assert bottom[2] > 200 and bottom[0] < 60, bottom
    public = client.get(f"/therapists/{DANA}").get_data(as_text=True)
    assert public != before and f'src="/media/{name}"' in public
    served = client.get(f"/media/{name}")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    served.close()


def test_replacing_and_removing_leave_no_file_behind(app, client, login_as):
    login_as("admin")
    assert upload(client, app, photo()).status_code == 303
    first = dana(app).portrait
    assert upload(client, app, photo(900, 700, fmt="PNG"), name="new.png").status_code == 303
    second = dana(app).portrait
    assert second != first and [p.name for p in stored(app)] == [second]
    assert upload(client, app, None, remove="y").status_code == 303
    assert dana(app).portrait is None and stored(app) == []
    public = page_html(client, f"/therapists/{DANA}")
    assert "/media/" not in public


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` × `height` pixels: a decompression bomb."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 1000))
        + chunk(b"IEND", b"")
    )


def gif() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (400, 400), "green").save(out, "GIF")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"just some text, named like a photo", "could not be read as an image"),
        (photo()[:400], "could not be read as an image"),  # cut short
        (photo(120, 90), "at least 200 pixels on each side"),
        (gif(), "Please choose a JPEG, PNG or WebP photo"),
        (png_claiming(60_000, 60_000), "more pixels than a camera makes"),
        (None, "Please choose a photo"),
    ],
)
def test_what_is_not_a_usable_photo_is_refused_with_a_reason(app, client, login_as, data, message):
    login_as("admin")
    response = upload(client, app, data)
    assert response.status_code == 422
    assert message in text_of(response.get_data(as_text=True))
    assert dana(app).portrait is None and stored(app) == []


def test_a_file_just_over_the_limit_gets_a_message_not_a_413(app, client, login_as):
    login_as("admin")
    response = upload(client, app, b"\xff\xd8\xff" + b"0" * (8 * 1024 * 1024))
    assert response.status_code == 422
    assert "The image is larger than 8 MB." in text_of(response.get_data(as_text=True))
    assert dana(app).portrait is None and stored(app) == []


def test_only_admins_with_a_token_may_change_a_portrait(app, client, login_as):
    therapist = app.test_client()
    with app.app_context():
        make_staff(role="therapist", email="t@example.com", password="correct horse battery")
        db.session.commit()
    token = csrf_from(page_html(therapist, "/staff/login"))
    therapist.post(
        "/staff/login",
        data={"email": "t@example.com", "password": "correct horse battery", "csrf_token": token},
    )
    assert therapist.get(page(app)).status_code == 403
    login_as("admin")
    no_token = client.post(
        page(app),
        data={"portrait": (io.BytesIO(photo()), "me.jpg")},
        content_type="multipart/form-data",
    )
    assert no_token.status_code == 400
    assert client.get("/staff/catalogue/therapists/999999/portrait").status_code == 404
    assert dana(app).portrait is None and stored(app) == []
