"""Money: one constructor for ``Decimal`` amounts, and exact int64 minor units for DataFrames.

Floats are refused everywhere: a float has already lost the cents. Amounts are rounded once, on output,
with :func:`quantize` to the currency's precision (ISO 4217 minor units).
"""
from __future__ import annotations

import operator
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from itertools import repeat

# ISO 4217 minor units where they differ from 2.
_MINOR_UNITS = {
    "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0, "RWF": 0,
    "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
    "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
}


# ISO 4217 currency codes (List One, as published by the maintenance agency in 2025; taken from Debian's iso-codes
# 4.15 and brought up to date with XCG and ZWG), funds and precious metals included. XTS ("for testing") and XXX
# ("no currency") are left out: no amount is in them.
_ISO_4217 = frozenset("""
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD CDF
CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD
GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR
LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK
PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND
TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XAG XAU XBA XBB XBC XBD XCD XCG XDR
XOF XPD XPF XPT XSU XUA YER ZAR ZMW ZWG
""".split())
# Codes withdrawn from ISO 4217 since 1999 (List Three): older exports and ledgers still name them (QuickBooks
# Desktop's own currency list kept several for years), so they are read like current ones.
_ISO_4217_WITHDRAWN = frozenset("""
ADP AFA AOR ATS AZM BEF BGL BYB BYR CSD CYP DEM ECS EEK ESP FIM FRF GHC GRD GWP HRK IEP ITL LTL LUF LVL MGF MRO
MTL MZM NLG PTE ROL RUR SDD SIT SKK SLL SRG STD TMM TPE TRL VEB VEF XEU XFO XFU YUM ZMK ZWD ZWL ZWN ZWR
""".split())


def currency_code(text: str) -> str:
    """The ISO 4217 code ``text`` names (case and surrounding spaces ignored: ``" eur"`` → ``"EUR"``), current or
    withdrawn since 1999. Raises ``ValueError`` for anything else (``"XXQ"``, ``"US$"``, ``"Euro"``, ``"XXX"``): the
    one check of a currency code every reader makes."""
    code = text.strip().upper()
    if code in _ISO_4217 or code in _ISO_4217_WITHDRAWN:
        return code
    if code in ("XXX", "XTS"):
        raise ValueError(f"{code} is ISO 4217's code for {'no currency' if code == 'XXX' else 'testing'}, "
                         "not a currency an amount can be in")
    raise ValueError(f"not an ISO 4217 currency code: {text.strip()[:20]!r}")


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


_EXPONENTS = {p: Decimal(1).scaleb(-p) for p in range(0, 9)}


def quantize(amount: Decimal, currency: str | None = None) -> Decimal:
    """Round ``amount`` to the currency's precision, half up (the one rounding, on output)."""
    places = precision(currency)
    if amount.as_tuple().exponent == -places and amount.is_finite():
        return amount                  # already at the currency's places: nothing to round
    exp = _EXPONENTS.get(places) or Decimal(1).scaleb(-places)
    return amount.quantize(exp, rounding=ROUND_HALF_UP)


def _whole(scaled: Sequence[Decimal], units: Sequence[int]) -> bool:
    """The one rule of exactness in minor units: every scaled amount equals its integer part (``int`` truncates, so
    an amount with finer decimals than its currency has differs from it)."""
    return all(map(operator.eq, scaled, units))


def _minor_at(amount: Decimal, places: int, currency: str | None) -> int:
    scaled = money(amount).scaleb(places)
    units = int(scaled)
    if not _whole((scaled,), (units,)):
        raise ValueError(f"{amount} has more decimals than {currency or 'the currency'} allows")
    return units


def to_minor(amount: Decimal, currency: str | None = None) -> int:
    """Exact minor units of ``amount`` (cents for USD). Raises if the amount has finer precision."""
    return _minor_at(amount, precision(currency), currency)


def minor_units(amounts: Sequence[Decimal], places: int, currency: str | None = None) -> list[int]:
    """:func:`to_minor` of many amounts at once, at ``places`` decimal places: their exact minor units, in order.

    Made for columns of a million amounts: one ``scaleb`` and one ``int`` per amount and one bulk check of the
    rule :func:`to_minor` applies. An amount it refuses (finer decimals than ``places``, a float, not finite) gets
    the very error :func:`to_minor` raises for it (``currency`` names the currency in the message), for the first
    such amount, with its position in ``amounts`` as the error's ``index`` attribute (and in a note).
    """
    try:
        scaled = list(map(Decimal.scaleb, amounts, repeat(places)))
        units = list(map(int, scaled))
    except Exception:  # not all Decimals (an int, a string, a float) or not all finite: see below
        pass
    else:
        if _whole(scaled, units):
            return units
    out = []
    for index, amount in enumerate(amounts):
        try:
            out.append(_minor_at(amount, places, currency))
        except (TypeError, ValueError) as exc:
            exc.index = index
            exc.add_note(f"amount {index + 1:,} of {len(amounts):,}")
            raise
    return out


def from_minor(units: int, currency: str | None = None, *, places: int | None = None) -> Decimal:
    """The exact ``Decimal`` amount of ``units`` minor units of ``currency`` (or of ``places`` decimal places),
    at that precision: the one way minor units become an amount."""
    return Decimal(int(units)).scaleb(-(precision(currency) if places is None else places))


def fmt(amount: Decimal | None, currency: str | None = None) -> str:
    """Decimal string for JSON and CSV outputs ("1234.50"); empty for ``None``."""
    if amount is None:
        return ""
    return format(quantize(amount, currency), "f")


def minor_text(units: int, places: int) -> str:
    """What :func:`fmt` prints for ``units`` minor units at ``places`` decimal places, made from the integer: exact
    amounts need no rounding, so a large report formats them without a ``Decimal`` each."""
    if places <= 0:
        return str(units * 10 ** -places)
    digits = str(-units if units < 0 else units).rjust(places + 1, "0")
    return ("-" if units < 0 else "") + digits[:-places] + "." + digits[-places:]


def plain_minor_units(texts, places: int):
    """Exact int64 minor units (a numpy array) at ``places`` of an arrow array of plain decimal texts (``-1234.5``,
    no separators): arrow's cast to a 128-bit decimal, which refuses to round, then each value's low 64-bit word,
    its high word checked to be the sign extended. Raises ``ValueError`` where a text is finer than ``places``
    allows, is no plain decimal, or the amount lies beyond int64 minor units: the caller reads those one by one."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        decimals = pc.cast(texts, pa.decimal128(38, places))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise ValueError(f"not amounts at {places} places: {exc}") from None
    if isinstance(decimals, pa.ChunkedArray):
        decimals = decimals.combine_chunks()
    words = np.frombuffer(decimals.buffers()[1], dtype=np.int64).reshape(-1, 2)
    words = words[decimals.offset:decimals.offset + len(decimals)]
    low, high = words[:, 0], words[:, 1]
    if not (high == (low >> 63)).all():
        raise ValueError("beyond int64 minor units")
    return low.copy()


# A decimal text that str(Decimal(text)) gives back as it is (no leading zeros, no exponent, not so small that it is
# printed with one).
_CANONICAL = r"^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$"
_TINY = r"^-?0\.0{6}"


def decimal_texts(texts) -> list:
    """``str(money(text))`` of each text of an arrow column of amounts (``None`` for NULL): the text itself where
    it is already what ``str`` gives, the others one by one."""
    import numpy as np
    import pyarrow.compute as pc

    values = texts.to_pylist()
    same = pc.and_(pc.match_substring_regex(texts, _CANONICAL).fill_null(True),
                   pc.invert(pc.match_substring_regex(texts, _TINY).fill_null(False)))
    for k in np.flatnonzero(~same.to_numpy(zero_copy_only=False)).tolist():
        values[k] = str(money(values[k]))
    return values


def minor_texts(units, places: int) -> list[str]:
    """:func:`minor_text` of many int64 minor units at once (a numpy array or a list), formatted in bulk: each value
    is taken as the unscaled integer of a 128-bit decimal at ``places`` and printed by pyarrow's cast to text."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    values = np.ascontiguousarray(units, dtype=np.int64)
    if places < 0 or not len(values):
        return [minor_text(int(v), places) for v in values.tolist()]
    words = np.empty((len(values), 2), dtype=np.int64)
    words[:, 0] = values
    words[:, 1] = values >> 63                       # the high word: the sign, extended
    decimals = pa.Array.from_buffers(pa.decimal128(38, places), len(values), [None, pa.py_buffer(words)])
    return pc.cast(decimals, pa.string()).to_pylist()


TENTH = Decimal("0.1")


def tenth(value: Decimal | None) -> Decimal | None:
    """Days and percentages as shown: rounded half up to 0.1 (the one such rounding, on output)."""
    return None if value is None else value.quantize(TENTH, rounding=ROUND_HALF_UP)
