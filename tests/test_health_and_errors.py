"""/healthz and the central error handling."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from flask import abort

from clinicsite import create_app
from clinicsite.config import TestingConfig


def test_healthz_answers_200_after_a_database_round_trip(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["database"] == "ok"


def test_healthz_time_is_utc_whatever_the_servers_zone(client, monkeypatch):
    monkeypatch.setenv("TZ", "Pacific/Chatham")  # UTC+12:45 or +13:45
    time.tzset()
    try:
        stamp = datetime.fromisoformat(client.get("/healthz").json["time"])
    finally:
        monkeypatch.undo()
        time.tzset()
    assert stamp.utcoffset() == timedelta(0)
    assert abs(stamp - datetime.now(UTC)) < timedelta(minutes=1)


def test_healthz_answers_503_when_the_database_is_unreachable(tmp_path):
    unreachable = f"sqlite:///{tmp_path}/missing-dir/db.sqlite3"
    app = create_app(TestingConfig({"DATABASE_URL": unreachable}))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "error", "database": "unreachable"}


def test_pages_still_render_an_error_page_when_the_database_is_down(tmp_path):
    app = create_app(TestingConfig({"DATABASE_URL": f"sqlite:///{tmp_path}/missing/db.sqlite3"}))
    response = app.test_client().get("/services/")
    assert response.status_code == 503  # a bad minute, not a bug: see test_database_outage.py
    assert "briefly unavailable" in response.get_data(as_text=True)


def test_unexpected_errors_show_the_500_page_and_roll_back(app):
    @app.get("/boom")
    def boom():
        raise ZeroDivisionError

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.get_data(as_text=True)


def test_api_paths_get_json_errors(app):
    @app.get("/api/forbidden")
    def forbidden():
        abort(403)

    client = app.test_client()
    response = client.get("/api/no-such-endpoint")
    assert response.status_code == 404
    assert response.is_json and response.json["status"] == 404
    response = client.get("/api/forbidden")
    assert response.status_code == 403 and response.json["status"] == 403


def test_wrong_method_gets_405_with_allow_header(client):
    response = client.post("/services/")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert "That action is not possible here" in response.get_data(as_text=True)


def test_forbidden_page(app):
    @app.get("/private")
    def private():
        abort(403)

    response = app.test_client().get("/private")
    assert response.status_code == 403
    assert "You do not have access to this page" in response.get_data(as_text=True)
