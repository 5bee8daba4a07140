"""Money is an integer of the currency's minor unit; these helpers show it and read what
people type."""

from __future__ import annotations

import re

# ISO 4217 currencies whose minor unit is not the cent.
ZERO_DECIMAL = {"JPY", "KRW", "VND", "CLP", "ISK", "XOF", "XAF", "UGX", "PYG", "RWF"}
SYMBOLS = {"USD": "$", "CAD": "$", "AUD": "$", "NZD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}

# "85", "$85.50", "1,200", "- 12.50": ASCII digits only, commas only between thousands.
TYPED_AMOUNT = re.compile(
    r"(?P<sign>[+-]?)\s*\$?\s*(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?P<fraction>[0-9]+))?"
)
MAX_TYPED_WHOLE = 100_000  # far above any visit or card, far below an integer overflow


def minor_unit_exponent(currency: str) -> int:
    return 0 if currency.upper() in ZERO_DECIMAL else 2


def parse_amount(
    typed: str | None, exponent: int = 2, *, signed: bool = False, example: str = "85"
) -> int:
    """An amount a person typed, in minor units: "85" -> 8500, "$85.50" -> 8550 and
    "1,200" -> 120000 with `exponent` 2; empty is 0; "-12.50" is -1250 when `signed`.
    ValueError says what is wrong in words for the person who typed it, with `example`
    as the amount it suggests."""
    text = (typed or "").strip()
    if not text:
        return 0
    match = TYPED_AMOUNT.fullmatch(text)
    if match is None:
        if exponent:
            raise ValueError(f"Please enter an amount like {example} or {example}.50.")
        raise ValueError(f"Please enter a whole amount, like {example}.")
    sign, whole, fraction = match.group("sign", "whole", "fraction")
    if sign == "-" and not signed:
        raise ValueError("The amount can't be negative.")
    fraction = fraction or ""
    if len(fraction) > exponent:
        if exponent:
            raise ValueError("Please use at most two decimal places.")
        raise ValueError(f"Please enter a whole amount, like {example}.")
    digits = whole.replace(",", "")
    if len(digits) > len(str(MAX_TYPED_WHOLE)) or int(digits) > MAX_TYPED_WHOLE:
        raise ValueError(f"Please enter an amount of at most {MAX_TYPED_WHOLE:,}.")
    minor = int(digits) * 10**exponent + int(fraction.ljust(exponent, "0") or 0)
    return -minor if sign == "-" else minor


def to_decimal_string(amount: int, currency: str) -> str:
    """12000 USD -> '120.00' (the form structured data wants)."""
    exponent = minor_unit_exponent(currency)
    if exponent == 0:
        return str(amount)
    return f"{amount // 100}.{amount % 100:02d}"


def format_money(amount: int, currency: str) -> str:
    """12000 USD -> '$120', 12050 USD -> '$120.50', 0 -> 'Free'."""
    if amount == 0:
        return "Free"
    currency = currency.upper()
    exponent = minor_unit_exponent(currency)
    whole, cents = divmod(amount, 10**exponent) if exponent else (amount, 0)
    number = f"{whole:,}" if not cents else f"{whole:,}.{cents:0{exponent}d}"
    symbol = SYMBOLS.get(currency)
    return f"{symbol}{number}" if symbol else f"{number} {currency}"


def format_amount(amount: int, currency: str) -> str:
    """Like format_money, but a total of nothing is "$0", not "Free"."""
    if amount:
        return format_money(amount, currency)
    symbol = SYMBOLS.get(currency.upper())
    return f"{symbol}0" if symbol else f"0 {currency.upper()}"
