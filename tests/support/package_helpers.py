"""Shared set-up for the package tests: a package on sale, one bought and paid (as the
webhook would leave it), and reading purchases back."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import Flask

from clinicsite.clients.matching import find_or_create
from clinicsite.extensions import db
from clinicsite.models import Package, PackagePurchase, Service, ServiceOption

NMT = "neuromuscular-therapy"  # fixture clinic: 60 min $140 (deposit $35)
MONDAY_8AM = datetime(2026, 12, 7, 16, 0, tzinfo=UTC)
VISIT = datetime(2026, 12, 9, 18, 0, tzinfo=UTC)  # Wednesday 10am: Dana at Hermosa Beach


def make_package(
    app: Flask,
    slug: str = "five-60",
    service: str = NMT,
    minutes: int = 60,
    sessions: int = 5,
    price: int = 60000,
    validity_days: int = 180,
    **fields,
) -> int:
    with app.app_context():
        svc = db.session.scalar(sa.select(Service).filter_by(slug=service))
        option = db.session.scalar(
            sa.select(ServiceOption).filter_by(service_id=svc.id, duration_minutes=minutes)
        )
        package = Package(
            slug=slug,
            name=fields.pop("name", "Five 60-minute sessions"),
            description=fields.pop("description", "Five visits, booked one at a time."),
            service=svc,
            option=option,
            sessions=sessions,
            price=price,
            currency="USD",
            validity_days=validity_days,
            **fields,
        )
        db.session.add(package)
        db.session.commit()
        return package.id


def active_purchase(
    app: Flask,
    package_id: int,
    email: str = "ana@example.com",
    now: datetime | None = None,
    used: int = 0,
    intent: str = "pi_test_package",
) -> int:
    """A paid, active purchase of the package (as the webhook leaves one): its id."""
    now = now or MONDAY_8AM
    with app.app_context():
        package = db.session.get(Package, package_id)
        purchase = PackagePurchase(
            token=secrets.token_urlsafe(24),
            package=package,
            client=find_or_create("Ana Client", email, None),
            buyer_email=email,
            buyer_name="Ana Client",
            sessions_total=package.sessions,
            sessions_used=used,
            amount=package.price,
            currency=package.currency,
            validity_days=package.validity_days,
            status="active",
            created_at=now,
            activated_at=now,
            expires_at=now + timedelta(days=package.validity_days),
            checkout_session_id=f"cs_test_{secrets.token_hex(8)}",
            payment_intent_id=intent,
        )
        db.session.add(purchase)
        db.session.commit()
        return purchase.id


def purchase(app: Flask, purchase_id: int) -> dict:
    with app.app_context():
        row = db.session.get(PackagePurchase, purchase_id)
        return {
            "status": row.status,
            "used": row.sessions_used,
            "left": row.sessions_left,
            "amount": row.amount,
            "refunded": row.amount_refunded,
            "uses": [(u.appointment_id, u.returned_at is not None) for u in row.uses],
            "attention": row.attention,
        }


def purchases(app: Flask) -> list[dict]:
    with app.app_context():
        ids = db.session.scalars(sa.select(PackagePurchase.id).order_by(PackagePurchase.id))
        return [purchase(app, i) | {"id": i} for i in list(ids)]


def book_with_package(
    app: Flask,
    purchase_id: int,
    starts_at: datetime = VISIT,
    now: datetime = MONDAY_8AM,
    therapist: str = "dana-okafor",
    minutes: int = 60,
    email: str = "ana@example.com",
) -> int:
    """Hold a visit paid by a session of the purchase, through the domain: its id. Raises
    PackageUnavailable (nothing kept) when no session can be drawn."""
    from clinicsite.appointments.holding import ClientDetails, HoldRequest, hold
    from clinicsite.audit import CLIENT
    from clinicsite.clinic import get_clinic
    from clinicsite.models import Location, Therapist
    from clinicsite.packages import sessions

    with app.test_request_context():
        svc = db.session.scalar(sa.select(Service).filter_by(slug=NMT))
        option = db.session.scalar(
            sa.select(ServiceOption).filter_by(service_id=svc.id, duration_minutes=minutes)
        )
        request = HoldRequest(
            option,
            db.session.scalar(sa.select(Therapist).filter_by(slug=therapist)),
            db.session.scalar(sa.select(Location).filter_by(slug="hermosa-beach-studio")),
            starts_at,
            ClientDetails(name="Ana Client", email=email),
            deposit=0,
            paid_by=lambda appt: sessions.draw(purchase_id, appt, CLIENT, now),
        )
        return hold(request, get_clinic(), now).id
