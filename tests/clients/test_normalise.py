"""A client's email in the form it is matched in."""

from __future__ import annotations

import pytest

from clinicsite.clients.normalise import email_key


@pytest.mark.parametrize(
    "typed, key",
    [("  Ana@Example.COM ", "ana@example.com"), ("", None), (None, None), ("   ", None)],
)
def test_emails_match_whatever_their_case_and_spacing(typed, key):
    assert email_key(typed) == key
