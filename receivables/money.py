"""Money: one constructor for ``Decimal`` amounts, and exact int64 minor units for DataFrames.

Floats are refused everywhere: a float has already lost the cents. Amounts are rounded once, on output,
with :func:`quantize` to the currency's precision (ISO 4217 minor units).
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# ISO 4217 minor units where they differ from 2.
_MINOR_UNITS = {
    "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0, "RWF": 0,
    "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
    "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
}


def precision(currency: str | None) -> int:
    """Number of decimal places of ``currency`` (2 when unknown)."""
    return _MINOR_UNITS.get((currency or "").upper(), 2)


def money(value: Decimal | int | str, currency: str | None = None) -> Decimal:
    """Make an exact amount. Accepts ``Decimal``, ``int`` or a plain decimal string; refuses ``float``.

    The value is not rounded (rounding happens once, on output), but it must be finite. Surrounding whitespace
    of a string is ignored. Every amount read from a source (an export's cell, an ERP's field, a ledger's column,
    a workbook's cell) is made here; readers that must first take decorations off a text (currency symbols,
    thousands separators, parentheses) end in this function with the plain decimal left.
    """
    if type(value) is str:
        # The common case, first and short: a reader's text, often 100,000 of them in a column. ``Decimal()``
        # ignores the same surrounding whitespace ``str.strip`` does.
        try:
            result = Decimal(value)
        except InvalidOperation:
            raise ValueError(f"not an amount: {value!r}") from None
        if result.is_finite():
            return result
        raise ValueError(f"not a finite amount: {value!r}")
    if isinstance(value, (bool, float)):
        raise TypeError(f"money() refuses {type(value).__name__} {value!r}: pass a Decimal, an int or a string")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"not an amount: {value!r}") from None
    else:
        raise TypeError(f"money() refuses {type(value).__name__} {value!r}")
    if not result.is_finite():
        raise ValueError(f"not a finite amount: {value!r}")
    return result


def quantize(amount: Decimal, currency: str | None = None) -> Decimal:
    """Round ``amount`` to the currency's precision, half up (the one rounding, on output)."""
    exp = Decimal(1).scaleb(-precision(currency))
    return amount.quantize(exp, rounding=ROUND_HALF_UP)


def to_minor(amount: Decimal, currency: str | None = None) -> int:
    """Exact minor units of ``amount`` (cents for USD). Raises if the amount has finer precision."""
    scaled = money(amount).scaleb(precision(currency))
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} has more decimals than {currency or 'the currency'} allows")
    return int(scaled)


def from_minor(units: int, currency: str | None = None, *, places: int | None = None) -> Decimal:
    """The exact ``Decimal`` amount of ``units`` minor units of ``currency`` (or of ``places`` decimal places),
    at that precision: the one way minor units become an amount."""
    return Decimal(int(units)).scaleb(-(precision(currency) if places is None else places))


def fmt(amount: Decimal | None, currency: str | None = None) -> str:
    """Decimal string for JSON and CSV outputs ("1234.50"); empty for ``None``."""
    if amount is None:
        return ""
    return format(quantize(amount, currency), "f")


TENTH = Decimal("0.1")


def tenth(value: Decimal | None) -> Decimal | None:
    """Days and percentages as shown: rounded half up to 0.1 (the one such rounding, on output)."""
    return None if value is None else value.quantize(TENTH, rounding=ROUND_HALF_UP)
