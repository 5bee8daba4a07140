"""Helpers for the tests of a client's own page (/my/): bookings of a given email, asking
for a sign-in link, reading it from the delivered email and using it."""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from clinicsite.clients.matching import find_or_create
from clinicsite.extensions import db
from clinicsite.models import Appointment, Location, Service, ServiceOption, Therapist
from tests.support.app import csrf_token
from tests.support.mail_helpers import deliver, html, plain

LINK = re.compile(r"https?://[^/\s]+(/my/link/[A-Za-z0-9_\-]+)")


def add_booking(
    app: Flask,
    email: str,
    starts_at: datetime,
    status: str = "confirmed",
    service: str = "neuromuscular-therapy",
    minutes: int = 90,
    therapist: str = "dana-okafor",
    location: str = "hermosa-beach-studio",
    name: str = "Ana Client",
) -> str:
    """An appointment of `email` as it stands after booking (its client matched as `hold`
    matches it; no payment rows): its token."""
    with app.app_context():
        svc = db.session.scalar(sa.select(Service).filter_by(slug=service))
        option = db.session.scalar(
            sa.select(ServiceOption).filter_by(service_id=svc.id, duration_minutes=minutes)
        )
        token = secrets.token_urlsafe(24)
        db.session.add(
            Appointment(
                token=token,
                service=svc,
                option=option,
                therapist=db.session.scalar(sa.select(Therapist).filter_by(slug=therapist)),
                location=db.session.scalar(sa.select(Location).filter_by(slug=location)),
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=minutes),
                blocks_until=starts_at + timedelta(minutes=minutes + svc.buffer_minutes),
                status=status,
                hold_expires_at=starts_at - timedelta(days=1) if status == "held" else None,
                price=option.price,
                deposit=option.deposit,
                currency="USD",
                client=find_or_create(name, email, None),
                client_name=name,
                client_email=email,
            )
        )
        db.session.commit()
    return token


def ask_for_link(client: FlaskClient, email: str, **extra):
    """Send the sign-in form as a browser would (its CSRF token first)."""
    token = csrf_token(client, "/my/sign-in")
    return client.post("/my/sign-in", data={"email": email, "csrf_token": token, **extra})


def link_paths(app: Flask, folder: Path) -> list[str]:
    """The /my/link/... paths of every sign-in email delivered into `folder` (read as a mail
    program would), checking the HTML part carries the same link as the text."""
    paths = []
    for message in deliver(app, folder):
        found = LINK.search(plain(message))
        if found is None:
            continue
        assert found.group(1) in html(message)
        paths.append(found.group(1))
    return paths


def sign_in(client: FlaskClient, path: str):
    """Press the "Sign in" button on a link's page (its CSRF token first)."""
    token = csrf_token(client, path)
    return client.post(path, data={"csrf_token": token})


def new_link(app: Flask, email: str, now: datetime) -> str:
    """A fresh sign-in link of `email` (as if emailed at `now`): its path."""
    from clinicsite.models import SignInLink
    from clinicsite.my.links import LIFETIME, token_hash

    token = secrets.token_urlsafe(32)
    with app.app_context():
        db.session.add(
            SignInLink(
                token_hash=token_hash(token),
                email=email,
                created_at=now,
                expires_at=now + LIFETIME,
            )
        )
        db.session.commit()
    return f"/my/link/{token}"


def signed_in_client(app: Flask, email: str, now: datetime) -> FlaskClient:
    """A test client signed in to /my/ as `email` through a link of its own."""
    client = app.test_client()
    assert sign_in(client, new_link(app, email, now)).status_code == 303
    return client
