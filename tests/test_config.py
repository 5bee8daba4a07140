"""The production configuration refuses settings it cannot run safely with."""

from __future__ import annotations

import pytest

from clinicsite import create_app
from clinicsite.config import (
    DEV_SECRET_KEY,
    DevelopmentConfig,
    ProductionConfig,
    config_from_environment,
)

STRONG = "3f9c1d7e6b2a4c8d9e0f1a2b3c4d5e6f7a8b9c0d"
GOOD_DB = "postgresql://app@db.internal/clinic"
STRIPE = {
    "STRIPE_SECRET_KEY": "sk_live_x",
    "STRIPE_WEBHOOK_SECRET": "whsec_x",
    "SITE_URL": "https://clinic.example.com",
    "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
}


@pytest.mark.parametrize(
    "env, problem",
    [
        ({"DATABASE_URL": GOOD_DB}, "SECRET_KEY"),
        ({"SECRET_KEY": DEV_SECRET_KEY, "DATABASE_URL": GOOD_DB}, "SECRET_KEY"),
        ({"SECRET_KEY": "change-me", "DATABASE_URL": GOOD_DB}, "SECRET_KEY"),
        ({"SECRET_KEY": "short-but-random-9f8e", "DATABASE_URL": GOOD_DB}, "SECRET_KEY"),
        ({"SECRET_KEY": STRONG}, "DATABASE_URL must be set"),
        ({"SECRET_KEY": STRONG, "DATABASE_URL": "sqlite://"}, "in-memory"),
        ({"SECRET_KEY": STRONG, "DATABASE_URL": "sqlite:///:memory:"}, "in-memory"),
        (
            {"SECRET_KEY": STRONG, "DATABASE_URL": "sqlite:///file:x?mode=memory&uri=true"},
            "in-memory",
        ),
    ],
)
def test_production_refuses_to_start_with_bad_settings(env, problem):
    with pytest.raises(RuntimeError, match=problem):
        create_app(ProductionConfig({**STRIPE, **env}))


@pytest.mark.parametrize(
    "env, problem",
    [
        ({"PAYMENT_GATEWAY": "fake"}, "fake gateway is for demos"),
        ({"STRIPE_SECRET_KEY": ""}, "STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET"),
        ({"STRIPE_WEBHOOK_SECRET": ""}, "STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET"),
        ({"PAYMENT_GATEWAY": "paypal"}, "PAYMENT_GATEWAY must be stripe or fake"),
        ({"SITE_URL": ""}, "SITE_URL must be set"),
    ],
)
def test_production_refuses_fake_payments_or_missing_stripe_keys(env, problem):
    settings = {"SECRET_KEY": STRONG, "DATABASE_URL": GOOD_DB, **STRIPE, **env}
    with pytest.raises(RuntimeError, match=problem):
        create_app(ProductionConfig(settings))


def test_production_starts_with_good_settings():
    app = create_app(
        ProductionConfig(
            {"SECRET_KEY": STRONG, "DATABASE_URL": "postgres://app@db/clinic", **STRIPE}
        )
    )
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://app@db/clinic"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert not app.testing


def test_environment_picks_production_by_default():
    assert isinstance(config_from_environment({}), ProductionConfig)
    assert isinstance(config_from_environment({"CLINICSITE_ENV": "development"}), DevelopmentConfig)
    with pytest.raises(RuntimeError, match="CLINICSITE_ENV"):
        config_from_environment({"CLINICSITE_ENV": "staging"})


def test_development_defaults_to_an_sqlite_file_in_instance():
    config = DevelopmentConfig({})
    assert config.SQLALCHEMY_DATABASE_URI.startswith("sqlite:///")
    assert config.SQLALCHEMY_DATABASE_URI.endswith("instance/clinicsite.sqlite3")


@pytest.mark.parametrize(
    "name, value", [("HSTS_SECONDS", "a year"), ("RATELIMIT_ENABLED", "maybe")]
)
def test_malformed_numbers_and_flags_are_reported_by_name(name, value):
    with pytest.raises(RuntimeError, match=name):
        DevelopmentConfig({name: value})


def test_production_refuses_a_rate_limit_store_each_worker_keeps_alone():
    settings = {"SECRET_KEY": STRONG, "DATABASE_URL": GOOD_DB, **STRIPE}
    for store in ("memory://", ""):
        with pytest.raises(RuntimeError, match="RATELIMIT_STORAGE_URI must name a shared store"):
            create_app(ProductionConfig({**settings, "RATELIMIT_STORAGE_URI": store}))


@pytest.mark.parametrize(
    "origin",
    ["checkout.stripe.com", "https://checkout.stripe.com/pay", "https://a.test 'unsafe-inline'"],
)
def test_a_checkout_origin_that_is_not_an_origin_is_refused(origin):
    with pytest.raises(RuntimeError, match="STRIPE_CHECKOUT_ORIGIN"):
        DevelopmentConfig({"STRIPE_CHECKOUT_ORIGIN": origin}).validate()


def test_development_links_do_not_depend_on_the_request():
    assert DevelopmentConfig({}).SITE_URL == "http://127.0.0.1:8000"
    assert DevelopmentConfig({"PORT": "5001"}).SITE_URL == "http://127.0.0.1:5001"
    assert DevelopmentConfig({"SITE_URL": "http://demo.test/"}).SITE_URL == "http://demo.test"


def test_production_reads_calendars_over_https_from_public_hosts_only():
    settings = {"SECRET_KEY": STRONG, "DATABASE_URL": GOOD_DB, **STRIPE}
    app = create_app(ProductionConfig(settings))
    assert app.config["CALENDAR_ALLOW_HTTP"] is False
    assert app.config["CALENDAR_ALLOW_PRIVATE_HOSTS"] is False
    with pytest.raises(RuntimeError, match="CALENDAR_ALLOW_HTTP must be off"):
        create_app(ProductionConfig({**settings, "CALENDAR_ALLOW_HTTP": "true"}))
    assert DevelopmentConfig({}).CALENDAR_ALLOW_HTTP is True
