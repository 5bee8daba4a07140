"""Therapist portraits uploaded by staff: read with Pillow from the file's own bytes, turned
upright (the camera's orientation tag), cropped to a square around the upper middle (where
a face is in a portrait) and stored as one 480-pixel JPEG without the original's metadata
(a phone photo's EXIF can carry where it was taken).

What is refused, with a reason for the person who chose the file: anything Pillow cannot
read as a JPEG, PNG or WebP, an image too small to show sharply, and one of more pixels
than a camera makes (a "decompression bomb": a small file that would take gigabytes once
decoded), checked from the header before any pixel is decoded.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

SIZE = 480  # pixels a side, twice the largest portrait the pages show
MIN_SIDE = 200
MAX_PIXELS = 50_000_000  # more than any phone camera; a bomb is far beyond
MAX_BYTES = 8 * 1024 * 1024
FORMATS = {"JPEG", "PNG", "WEBP"}
TOO_MANY_PIXELS = "The image has more pixels than a camera makes. Please choose a smaller one."


class PortraitError(ValueError):
    """Why the image was refused, for the person who chose it."""


def prepare(data: bytes) -> bytes:
    """The portrait to store for an uploaded image, or PortraitError."""
    if len(data) > MAX_BYTES:
        raise PortraitError(f"The image is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as image:
                _check_header(image)
                image.load()
                upright = ImageOps.exif_transpose(image)
        except PortraitError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise PortraitError(TOO_MANY_PIXELS) from error
        except (
            UnidentifiedImageError,
            OSError,
            SyntaxError,
            ValueError,
        ) as error:
            raise PortraitError(
                "This file could not be read as an image. Please choose a JPEG, PNG or WebP photo."
            ) from error
    square = ImageOps.fit(
        upright.convert("RGB"), (SIZE, SIZE), Image.Resampling.LANCZOS, centering=(0.5, 0.35)
    )
    out = io.BytesIO()
    square.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    return out.getvalue()


def _check_header(image: Image.Image) -> None:
    if image.format not in FORMATS:
        raise PortraitError("Please choose a JPEG, PNG or WebP photo.")
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise PortraitError(TOO_MANY_PIXELS)
    if min(width, height) < MIN_SIDE:
        raise PortraitError(
            f"The image is {width} × {height} pixels; please choose one at least "
            f"{MIN_SIDE} pixels on each side, so the portrait is sharp."
        )
