"""Amounts as people type them, read into minor units in one place for every form."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinicsite.money import format_amount, parse_amount


@pytest.mark.parametrize(
    ("typed", "minor"),
    [
        ("85", 8500),
        ("85.5", 8550),
        ("85.50", 8550),
        ("$85.50", 8550),
        ("$ 85", 8500),
        (" 85 ", 8500),
        ("1,200", 120000),
        ("12,345.67", 1234567),
        ("100,000", 10000000),
        ("0", 0),
        ("", 0),
        (None, 0),
    ],
)
def test_what_people_type_is_read_in_cents(typed, minor):
    assert parse_amount(typed) == minor


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("abc", "Please enter an amount like 85 or 85.50."),
        ("1e9", "Please enter an amount like 85 or 85.50."),
        ("NaN", "Please enter an amount like 85 or 85.50."),
        ("85,50", "Please enter an amount like 85 or 85.50."),  # not read as 8,550
        ("1,20,000", "Please enter an amount like 85 or 85.50."),
        ("١٢", "Please enter an amount like 85 or 85.50."),  # digits of another script
        ("12.345", "Please use at most two decimal places."),
        ("-5", "The amount can't be negative."),
        ("- $5", "The amount can't be negative."),
        ("100,001", "Please enter an amount of at most 100,000."),
        ("9" * 5000, "Please enter an amount of at most 100,000."),
    ],
)
def test_garbage_is_refused_in_words(typed, says):
    with pytest.raises(ValueError) as refused:
        parse_amount(typed)
    assert str(refused.value) == says


def test_signed_amounts_and_currencies_without_cents():
    assert parse_amount("-12.50", signed=True) == -1250
    assert parse_amount("+12.50", signed=True) == 1250
    assert parse_amount("1500", exponent=0) == 1500
    with pytest.raises(ValueError, match="Please enter a whole amount, like 75."):
        parse_amount("15.5", exponent=0, example="75")
    with pytest.raises(ValueError, match="like 120 or 120.50"):
        parse_amount("twelve", example="120")


@given(st.integers(min_value=0, max_value=100_000 * 100))
def test_an_amount_shown_reads_back_as_itself(minor):
    assert parse_amount(format_amount(minor, "USD")) == minor
