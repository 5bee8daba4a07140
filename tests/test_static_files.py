"""Static files: fingerprinted URLs, long caching, gzip, and answers without the session."""

from __future__ import annotations

import gzip
import hashlib
import os
import re
from pathlib import Path

import pytest
from werkzeug.http import parse_accept_header

from clinicsite.static_files import LONG_CACHE, StaticFiles, accepts_gzip

STATIC = Path(__file__).resolve().parent.parent / "static"


def fingerprint(name: str) -> str:
    return hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]


def fresh_url(name: str) -> str:
    return f"/static/{name}?v={fingerprint(name)}"


def fetch(client, url: str, headers: dict | None = None, method: str = "GET"):
    """The answer, read and closed (a file's answer holds the file open until then)."""
    with client.open(url, method=method, headers=headers or {}) as response:
        response.get_data()
    return response


GZIP = {"Accept-Encoding": "gzip, deflate, br"}
SITE_CSS = "css/site.css"


@pytest.mark.parametrize(
    ("page", "stylesheets"),
    [("/", ["css/site.css"]), ("/staff/login", ["css/site.css", "css/staff.css"])],
)
def test_pages_link_their_stylesheets_and_icons_by_fingerprint(client, page, stylesheets):
    html = client.get(page).get_data(as_text=True)
    linked = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert linked == [fresh_url(name) for name in stylesheets]
    assert f'<link rel="icon" href="{fresh_url("favicon.svg")}"' in html
    assert f'<link rel="icon" href="{fresh_url("favicon.ico")}"' in html


def test_the_fingerprinted_url_is_cached_for_a_year(client):
    response = fetch(client, fresh_url(SITE_CSS))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == LONG_CACHE
    assert response.headers["ETag"] == f'"{fingerprint(SITE_CSS)}"'


@pytest.mark.parametrize("query", ["", "?v=000000000000", "?v="])
def test_a_missing_or_stale_fingerprint_is_revalidated(client, query):
    response = fetch(client, f"/static/{SITE_CSS}{query}", GZIP)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["ETag"]
    assert response.headers["Last-Modified"]


def test_gzip_to_a_client_that_accepts_it_unpacks_to_the_files_bytes(client):
    response = fetch(client, fresh_url(SITE_CSS), GZIP)
    body = response.get_data()
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Vary"] == "Accept-Encoding"
    assert response.headers["Content-Type"] == "text/css; charset=utf-8"
    assert int(response.headers["Content-Length"]) == len(body)
    assert gzip.decompress(body) == (STATIC / SITE_CSS).read_bytes()
    assert len(body) < (STATIC / SITE_CSS).stat().st_size / 3
    assert response.headers["ETag"] == f'"{fingerprint(SITE_CSS)}-gzip"'
    assert response.headers["Cache-Control"] == LONG_CACHE


@pytest.mark.parametrize("accept", [None, "identity", "gzip;q=0", "gzip;q=0, *", "br", "*;q=0"])
def test_the_files_own_bytes_to_a_client_that_does_not_accept_gzip(client, accept):
    headers = {"Accept-Encoding": accept} if accept is not None else {}
    response = fetch(client, fresh_url(SITE_CSS), headers)
    assert "Content-Encoding" not in response.headers
    assert response.headers["Vary"] == "Accept-Encoding"
    assert response.get_data() == (STATIC / SITE_CSS).read_bytes()
    assert response.headers["ETag"] == f'"{fingerprint(SITE_CSS)}"'


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("gzip", True),
        ("GZIP;q=0.5", True),
        ("*", True),
        ("br, *;q=0.1", True),
        ("gzip;q=0, *", False),
        ("identity", False),
        ("", False),
    ],
)
def test_accept_encoding_is_read_as_rfc_9110_says(accept, expected):
    assert accepts_gzip(parse_accept_header(accept)) is expected


def test_binary_files_are_not_compressed(client):
    response = fetch(client, fresh_url("favicon.ico"), GZIP)
    assert "Content-Encoding" not in response.headers
    assert "Vary" not in response.headers
    assert response.get_data() == (STATIC / "favicon.ico").read_bytes()
    assert response.headers["Cache-Control"] == LONG_CACHE


@pytest.mark.parametrize("headers", [{}, GZIP], ids=["identity", "gzip"])
def test_if_none_match_answers_304_for_each_variant(client, headers):
    first = fetch(client, fresh_url(SITE_CSS), headers)
    again = fetch(client, fresh_url(SITE_CSS), {**headers, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Cache-Control"] == LONG_CACHE
    assert again.headers["Vary"] == "Accept-Encoding"


def test_the_other_variants_etag_does_not_match(client):
    identity_etag = fetch(client, fresh_url(SITE_CSS)).headers["ETag"]
    response = fetch(client, fresh_url(SITE_CSS), {**GZIP, "If-None-Match": identity_etag})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"


@pytest.mark.parametrize("headers", [{}, GZIP], ids=["identity", "gzip"])
def test_head_answers_the_headers_of_get_without_a_body(client, headers):
    get = fetch(client, fresh_url(SITE_CSS), headers)
    head = fetch(client, fresh_url(SITE_CSS), method="HEAD", headers=headers)
    assert head.status_code == 200
    assert head.get_data() == b""
    for name in ("Content-Length", "Content-Encoding", "ETag", "Cache-Control", "Vary"):
        assert head.headers.get(name) == get.headers.get(name)


def test_a_range_request_gets_a_range_of_the_files_own_bytes(client):
    # Ranges of the gzip stream would be of no use to a client that resumes a download of
    # the file, so a Range request is answered from the file, even when gzip is allowed.
    response = fetch(client, fresh_url(SITE_CSS), {**GZIP, "Range": "bytes=10-19"})
    assert response.status_code == 206
    assert "Content-Encoding" not in response.headers
    assert response.headers["Content-Range"] == f"bytes 10-19/{(STATIC / SITE_CSS).stat().st_size}"
    assert response.get_data() == (STATIC / SITE_CSS).read_bytes()[10:20]


def test_static_answers_carry_no_session_cookie_for_a_logged_in_user(client, login_as):
    login_as("admin")
    assert client.get_cookie("session") is not None
    answers = [
        fetch(client, fresh_url(SITE_CSS)),
        fetch(client, f"/static/{SITE_CSS}", GZIP),
        fetch(client, fresh_url(SITE_CSS), {"Range": "bytes=0-9"}),
        fetch(client, fresh_url(SITE_CSS), method="HEAD"),
    ]
    etag = answers[0].headers["ETag"]
    answers.append(fetch(client, fresh_url(SITE_CSS), {"If-None-Match": etag}))
    assert [r.status_code for r in answers] == [200, 200, 206, 200, 304]
    for response in answers:
        assert "Set-Cookie" not in response.headers
        assert "Cookie" not in response.headers.get("Vary", "")


def test_pages_still_save_the_session(client):
    response = client.get("/staff/login")  # the CSRF token starts a session
    assert "Set-Cookie" in response.headers
    assert "Cookie" in response.headers["Vary"]


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("GET", "/static/no-such.css", 404),
        ("GET", "/static/css", 404),
        ("POST", "/static/css/site.css", 405),
    ],
)
def test_errors_under_static_are_the_sites_error_pages(client, method, url, status):
    response = fetch(client, url, method=method)
    assert response.status_code == status
    assert "text/html" in response.headers["Content-Type"]


def test_a_path_outside_the_folder_is_not_a_static_file(tmp_path):
    (tmp_path / "public").mkdir()
    (tmp_path / "secret.txt").write_text("no")
    files = StaticFiles(str(tmp_path / "public"))
    assert files.get("../secret.txt") is None
    assert files.get("/etc/passwd") is None


def test_a_changed_file_gets_a_new_fingerprint_and_gzip(tmp_path):
    path = tmp_path / "app.css"
    path.write_text("body { color: red; }\n" * 50)
    files = StaticFiles(str(tmp_path))
    before = files.get("app.css")
    assert files.get("app.css") is before  # read once per version
    path.write_text("body { color: blue; }\n" * 50)
    os.utime(path, ns=(before.stamp[0] + 10**9, before.stamp[0] + 10**9))
    after = files.get("app.css")
    assert after.fingerprint != before.fingerprint
    assert gzip.decompress(after.gzipped) == path.read_bytes()


def test_gzip_is_kept_only_when_it_is_smaller(tmp_path):
    (tmp_path / "tiny.txt").write_text("a")
    assert StaticFiles(str(tmp_path)).get("tiny.txt").gzipped is None
