"""Fixtures of the blog's tests."""

from __future__ import annotations

import pytest

from tests.support.blog_factories import NOW


@pytest.fixture
def clock(monkeypatch):
    """clock(moment): stop the site's clock there (starts at NOW)."""

    def freeze(moment):
        monkeypatch.setattr("clinicsite.clock.now", lambda: moment)

    freeze(NOW)
    return freeze
