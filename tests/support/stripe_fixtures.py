"""Fixtures for modules that run the app on Stripe: the real SDK against a local stub, with
the app's clock stopped. A module takes them by assigning them, which overrides conftest's
`app` and `client` for that module:

    clock, stub, app, client = stripe_fixtures.FIXTURES
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.booking_helpers import FrozenClock, stripe_app
from tests.support.stripe_stub import StripeStub


@pytest.fixture
def clock(monkeypatch) -> FrozenClock:
    return FrozenClock().install(monkeypatch)


@pytest.fixture
def stub(clock) -> Iterator[StripeStub]:
    with StripeStub() as running:
        running.clock = clock.timestamp
        yield running


@pytest.fixture
def app(migrated, stub):
    with stripe_app(migrated, stub.url) as app:
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


FIXTURES = (clock, stub, app, client)
