"""Pricing a code against a booking: amount and percent off, the rounding rule, never below
zero, the deposit after the coupon, the clinic's local days at midnight, and services."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from clinicsite.coupons.rules import (
    CouponRefused,
    code_problem,
    deposit_after,
    discount,
    normalise,
    price_with,
)
from clinicsite.models import ClinicSettings, Coupon, Service

LA = ZoneInfo("America/Los_Angeles")
NOON = datetime(2026, 3, 15, 12, 0, tzinfo=LA)


def coupon(kind="amount", value=2000, **fields) -> Coupon:
    return Coupon(code="SPRING", kind=kind, value=value, **{"active": True, **fields})


def clinic() -> ClinicSettings:
    return ClinicSettings(timezone="America/Los_Angeles", currency="USD")


def service(id_=1, name="Neuromuscular therapy") -> Service:
    return Service(id=id_, name=name)


def test_an_amount_off_comes_off_the_price():
    assert discount(coupon(value=2000), 12000) == 2000


def test_an_amount_off_never_takes_the_price_below_zero():
    assert discount(coupon(value=50000), 12000) == 12000


@pytest.mark.parametrize(
    ("price", "percent", "off"),
    [
        (12000, 20, 2400),
        (4550, 15, 683),  # 682.5 cents: halves round up
        (4549, 15, 682),  # 682.35 cents: down
        (999, 33, 330),  # 329.67 cents: up
        (1, 50, 1),  # half a cent rounds up to the whole cent
        (12000, 100, 12000),
        (0, 30, 0),
    ],
)
def test_a_percentage_is_rounded_to_the_nearest_cent_halves_up(price, percent, off):
    assert discount(coupon("percent", percent), price) == off


def test_the_deposit_is_never_more_than_the_discounted_price():
    assert deposit_after(3500, 12000 - 2000) == 3500
    assert deposit_after(3500, 2000) == 2000
    assert deposit_after(3500, 0) == 0


def test_a_free_result_asks_no_deposit():
    priced = price_with(coupon("percent", 100), service(), 14000, 3500, clinic(), NOON)
    assert (priced.discount, priced.price_due, priced.deposit, priced.free) == (
        14000,
        0,
        0,
        True,
    )


def test_codes_are_compared_in_upper_case_without_spaces():
    assert normalise("  spring 20 ") == "SPRING20"
    assert normalise(None) == ""


@pytest.mark.parametrize(
    "typed", ["", "AB", "X" * 33, "SPRING!", "ÉTÉ", "<script>", "DROP;TABLE", "10%"]
)
def test_garbage_is_not_a_code(typed):
    assert code_problem(normalise(typed)) is not None


def test_an_inactive_code_is_refused():
    with pytest.raises(CouponRefused, match="no longer in use"):
        price_with(coupon(active=False), service(), 14000, 3500, clinic(), NOON)


def last_minute(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=LA)


def test_the_last_day_lasts_until_midnight_clinic_time():
    ends = coupon(valid_until=date(2026, 3, 31))
    # 23:59:59 in Los Angeles on the 31st is already 1 April in UTC: still valid.
    moment = last_minute(date(2026, 3, 31))
    assert moment.astimezone(UTC).date() == date(2026, 4, 1)
    assert price_with(ends, service(), 14000, 3500, clinic(), moment).discount == 2000
    midnight = datetime(2026, 4, 1, 0, 0, tzinfo=LA)
    with pytest.raises(CouponRefused, match="expired on 31 March 2026"):
        price_with(ends, service(), 14000, 3500, clinic(), midnight)


def test_the_first_day_starts_at_midnight_clinic_time():
    starts = coupon(valid_from=date(2026, 4, 1))
    # 17:00 on 31 March in Los Angeles is 1 April in UTC: not yet.
    before = datetime(2026, 3, 31, 23, 59, 59, tzinfo=LA)
    with pytest.raises(CouponRefused, match="can be used from 1 April 2026"):
        price_with(starts, service(), 14000, 3500, clinic(), before)
    at_midnight = datetime(2026, 4, 1, 0, 0, tzinfo=LA)
    assert price_with(starts, service(), 14000, 3500, clinic(), at_midnight).discount == 2000


def test_a_code_for_other_services_is_refused_with_their_names():
    restricted = coupon()
    restricted.services = [service(2, "Prenatal massage")]
    with pytest.raises(CouponRefused, match="for Prenatal massage only, not Neuromuscular"):
        price_with(restricted, service(1), 14000, 3500, clinic(), NOON)
    assert price_with(restricted, service(2, "Prenatal massage"), 14000, 3500, clinic(), NOON)
