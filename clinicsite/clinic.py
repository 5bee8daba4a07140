"""The clinic's settings for the current request."""

from __future__ import annotations

from flask import current_app, g
from sqlalchemy.exc import SQLAlchemyError

from clinicsite.extensions import db
from clinicsite.models import ClinicSettings
from clinicsite.phones import region_for


def get_clinic() -> ClinicSettings:
    """The settings row, read once per request.

    Before the demo is loaded (or while the database is down, for the error pages) a
    transient default stands in so every page can still render.
    """
    if "clinic" not in g:
        try:
            clinic = db.session.get(ClinicSettings, 1)
        except SQLAlchemyError:
            current_app.logger.warning("Clinic settings unavailable; using defaults")
            db.session.rollback()
            clinic = None
        g.clinic = clinic or ClinicSettings(
            id=1,
            name="Our clinic",
            tagline="",
            about="",
            phone="",
            email="",
            street="",
            city="",
            state="",
            postal_code="",
            country="US",
            timezone="America/Los_Angeles",
            currency="USD",
        )
    return g.clinic


def phone_region() -> str:
    """The region clients' national phone numbers are read in: the clinic's country, else
    the configured DEFAULT_PHONE_REGION."""
    return region_for(get_clinic().country, current_app.config.get("DEFAULT_PHONE_REGION", "US"))
