"""What a coupon takes off a booking, and why a code cannot be used.

Rules, applied on the server to the price the server worked out (option plus add-ons):
- amount off: that many minor units, never more than the price (never below zero);
- percent off: price × percent / 100 rounded to the nearest minor unit, halves up
  ($45.50 at 15% is 682.5 cents off → 683);
- the deposit becomes min(deposit, discounted price): the client never pays online more
  than the visit now costs, and a discount first comes off what is paid at the studio;
- a discounted price of 0 is a free session: no deposit, confirmed at once;
- the dates are the clinic's local days, both included, judged on the day of booking (not
  the day of the visit): a code valid until 31 March works until midnight clinic time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import ClinicSettings, Coupon, Service
from clinicsite.money import format_money

# Codes as stored and compared: letters, digits and dashes, upper case.
CODE_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")
MIN_CODE_LENGTH = 3
MAX_CODE_LENGTH = 32


class CouponRefused(Exception):
    """The code cannot be used for this booking; the message says why, in the client's words."""


def normalise(code: str | None) -> str:
    """A typed code as stored: without surrounding or inner spaces, upper case."""
    return "".join((code or "").split()).upper()


def code_problem(code: str) -> str | None:
    """Why a (normalised) code cannot be a coupon's code, or None."""
    if not MIN_CODE_LENGTH <= len(code) <= MAX_CODE_LENGTH:
        return f"A code has {MIN_CODE_LENGTH} to {MAX_CODE_LENGTH} letters or digits."
    if not set(code) <= CODE_CHARACTERS:
        return "A code has only letters, digits and dashes."
    return None


def find(code: str | None) -> Coupon | None:
    normalised = normalise(code)
    if not normalised or code_problem(normalised):
        return None
    return db.session.scalar(sa.select(Coupon).where(Coupon.code == normalised))


def discount(coupon: Coupon, price: int) -> int:
    """What the coupon takes off `price` (minor units): never more than the price."""
    if coupon.kind == "percent":
        off = (price * coupon.value * 2 + 100) // 200  # nearest minor unit, halves up
    else:
        off = coupon.value
    return max(0, min(off, price))


def deposit_after(deposit: int, discounted_price: int) -> int:
    return max(0, min(deposit, discounted_price))


def local_day(now: datetime, clinic: ClinicSettings) -> date:
    return now.astimezone(clinic.tz).date()


def date_problem(coupon: Coupon, today: date) -> str | None:
    if coupon.valid_from and today < coupon.valid_from:
        return f"The code {coupon.code} can be used from {coupon.valid_from:%-d %B %Y}."
    if coupon.valid_until and today > coupon.valid_until:
        return f"The code {coupon.code} expired on {coupon.valid_until:%-d %B %Y}."
    return None


def describe(coupon: Coupon, currency: str) -> str:
    """ "20% off" or "$20 off"."""
    if coupon.kind == "percent":
        return f"{coupon.value}% off"
    return f"{format_money(coupon.value, currency)} off"


@dataclass(frozen=True)
class Priced:
    """A booking's money with a coupon applied (all minor units)."""

    coupon: Coupon
    price: int  # as booked, before the coupon
    discount: int
    deposit: int  # the deposit to ask for online, after the coupon
    deposit_before: int  # the deposit without the coupon

    @property
    def code(self) -> str:
        return self.coupon.code

    @property
    def price_due(self) -> int:
        return self.price - self.discount

    @property
    def free(self) -> bool:
        return self.price_due == 0


def price(
    code: str | None,
    service: Service,
    price: int,
    deposit: int,
    clinic: ClinicSettings,
    now: datetime,
) -> Priced:
    """Apply a typed code to a booking of `service` at `price` with `deposit`, without
    counting uses (uses.take does that under the coupon's lock). Raises CouponRefused."""
    coupon = find(code)
    if coupon is None:
        raise CouponRefused(
            f"We do not know the code {normalise(code)[:MAX_CODE_LENGTH]}. "
            "Please check it, or leave the box empty."
        )
    return price_with(coupon, service, price, deposit, clinic, now)


def price_with(
    coupon: Coupon,
    service: Service,
    price: int,
    deposit: int,
    clinic: ClinicSettings,
    now: datetime,
) -> Priced:
    if not coupon.active:
        raise CouponRefused(f"The code {coupon.code} is no longer in use.")
    problem = date_problem(coupon, local_day(now, clinic))
    if problem:
        raise CouponRefused(problem)
    if coupon.services and service.id not in {s.id for s in coupon.services}:
        names = ", ".join(s.name for s in coupon.services)
        raise CouponRefused(f"The code {coupon.code} is for {names} only, not {service.name}.")
    off = discount(coupon, price)
    return Priced(coupon, price, off, deposit_after(deposit, price - off), deposit)
