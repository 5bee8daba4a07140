"""Money is an integer of the currency's minor unit; these helpers show it."""

from __future__ import annotations

# ISO 4217 currencies whose minor unit is not the cent.
ZERO_DECIMAL = {"JPY", "KRW", "VND", "CLP", "ISK", "XOF", "XAF", "UGX", "PYG", "RWF"}
SYMBOLS = {"USD": "$", "CAD": "$", "AUD": "$", "NZD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}


def minor_unit_exponent(currency: str) -> int:
    return 0 if currency.upper() in ZERO_DECIMAL else 2


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
