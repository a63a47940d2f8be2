"""Cell values of QuickBooks exports: amounts, dates and the simple formulas QuickBooks writes into XLSX files.

Everything here works on untrusted text. Amount and date parsers return ``None`` for text they cannot read, so the
caller can raise an :class:`~receivables.errors.InputError` naming the file, row and column.
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

from receivables.money import money

MDY, DMY = "MM/DD", "DD/MM"

_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_EXCEL_EPOCH = date(1899, 12, 30)
_ZERO = money(0)


def parse_amount(text: str) -> Decimal | None:
    """The signed ``Decimal`` in an exported amount cell, or ``None`` when it is not an amount.

    Accepts thousands separators, a currency symbol or prefix (``$``, ``Ksh``, ``-Ksh``, ``-$``), a leading or
    trailing minus and parentheses. A blank cell is zero. The decorations are taken off here; the plain decimal
    left is made by :func:`receivables.money.money`.
    """
    s = text.strip()
    if not s:
        return _ZERO
    # The common case: a plain decimal, perhaps negative, perhaps with thousands separators.
    if "," in s:
        if BAD_COMMA.search(s):
            return None
        plain = s.replace(",", "")
    else:
        plain = s
    digits = plain[1:] if plain[0] == "-" else plain
    if digits.replace(".", "", 1).isdigit() and len(digits) < 20 and digits.isascii():
        return money(plain)
    return _parse_decorated(s)


def _parse_decorated(s: str) -> Decimal | None:
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1].strip()
    elif s.endswith("-"):
        negative, s = True, s[:-1].strip()
    if s.startswith("-"):
        if negative:
            return None
        negative, s = True, s[1:].strip()
    # A currency prefix made of letters and symbols: $, Ksh, EUR, £, €.
    i = 0
    while i < len(s) and (s[i].isalpha() or s[i] in _SYMBOLS):
        i += 1
    if i > 4:
        return None
    core = s[i:].strip()
    if not negative and core.startswith("-"):
        negative, core = True, core[1:]
    elif not negative and core.startswith("(") and core.endswith(")"):
        negative, core = True, core[1:-1]
    core = core.replace(",", "")
    if not core or core == "." or not core.isascii() or not core.replace(".", "", 1).isdigit() or len(core) > 19:
        return None
    value = money(core)
    return -value if negative else value


# A comma that is not a thousands separator: not followed by three digits, not preceded by a digit, after a
# group of four digits or inside the decimals. Every alternative starts with the comma, so a search is quick.
BAD_COMMA = re.compile(r",(?:(?!\d{3}(?:[.,\n)]|\Z))|(?<!\d,)|(?<=\d{4},)|(?<=\.\d,)|(?<=\.\d\d,)|(?<=\.\d{3},))")
_SYMBOLS = "$£€¥₹₦₱"


def split_numeric_date(text: str) -> tuple[int, int, int] | None:
    """The three numbers of ``a/b/yyyy``, ``a-b-yy`` or ``a.b.yyyy`` (in written order), or ``None``."""
    s = text.strip()
    for sep in "/-.":
        if sep in s:
            parts = s.split(sep)
            break
    else:
        return None
    if len(parts) != 3 or not s.isascii() or not all(p.isdigit() and 0 < len(p) <= 4 for p in parts):
        return None
    return int(parts[0]), int(parts[1]), int(parts[2])


def decide_date_order(samples) -> tuple[str, bool]:
    """The date order of one file from its numeric dates: ``(MDY or DMY, ambiguous)``.

    A first field above 12 means DD/MM, a second field above 12 means MM/DD; a file with neither is ambiguous and
    read as MM/DD (the caller says so in the notes). Returns ``(None, False)`` when the file mixes both.
    """
    first = second = False
    for text in samples:
        parts = split_numeric_date(text)
        if parts is None or _is_iso(text):
            continue                     # ISO dates tell nothing about the order
        if parts[0] > 12:
            first = True
        if parts[1] > 12:
            second = True
    if first and second:
        return None, False
    if first:
        return DMY, False
    return MDY, not second


def parse_date(text: str, order: str, *, serials: bool = False) -> date | None:
    """A ``date`` from ``MM/DD/YYYY`` or ``DD/MM/YYYY`` (per ``order``), two-digit years, ISO ``YYYY-MM-DD``,
    ``Jul 25, 2026`` and (when ``serials``) Excel serial day numbers. ``None`` when it is not a date."""
    s = text.strip()
    parts = split_numeric_date(s)
    try:
        if parts is not None:
            a, b, y = parts
            if _is_iso(s):
                return date(a, b, y)
            month, day = (a, b) if order == MDY else (b, a)
            if y < 100:
                y += 2000 if y < 70 else 1900
            return date(y, month, day)
        if serials:
            number = s.removesuffix(".0")
            if number.isdigit() and 1 <= int(number) < 2958466:
                return _EXCEL_EPOCH + timedelta(days=int(number))
        return parse_text_date(s)
    except (ValueError, OverflowError):
        return None


def _is_iso(text: str) -> bool:
    s = text.strip()
    return len(s) > 4 and s[:4].isdigit() and s[4] in "-/."


_TEXT_DATE = re.compile(r"([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})")


def parse_text_date(text: str) -> date | None:
    """``Jul 25, 2026`` or ``December 21, 2025`` (month names in English), else ``None``."""
    m = _TEXT_DATE.fullmatch(text.strip())
    if not m:
        return None
    month = _MONTHS.get(m.group(1)[:3].lower())
    if month is None:
        return None
    try:
        return date(int(m.group(3)), month, int(m.group(2)))
    except ValueError:
        return None


# -- formulas ---------------------------------------------------------------------------------------------------

_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d*)?|\.\d+)|(\$?[A-Za-z]{1,3}\$?\d{1,7}(?::\$?[A-Za-z]{1,3}\$?\d{1,7})?)"
                    r"|(SUM|sum|Sum)\s*\(|([-+*/()]))")


class FormulaError(ValueError):
    """A formula that is not simple arithmetic over numbers and cells."""


def evaluate_formula(text: str, lookup, depth: int = 0) -> Decimal:
    """Evaluate ``=15000.00``, ``=I7+I8``, ``=-(A1-B2)*2``, ``=SUM(I7:I9)`` exactly, without ``eval``.

    ``lookup(ref)`` returns the ``Decimal`` value of a cell ``"I7"`` (itself resolving formulas, with ``depth + 1``)
    or of a range ``"I7:I9"`` (the sum). Anything else raises :class:`FormulaError`.
    """
    if depth > 50:
        raise FormulaError("formulas nest too deeply or refer to themselves")
    body = text.removeprefix("=")
    tokens, pos = [], 0
    while pos < len(body):
        m = _TOKEN.match(body, pos)
        if not m or m.end() == pos:
            if body[pos:].strip() == "":
                break
            raise FormulaError(f"unsupported formula {text!r}")
        pos = m.end()
        if m.group(1) is not None:
            tokens.append(("num", money(m.group(1))))
        elif m.group(2) is not None:
            tokens.append(("ref", m.group(2).replace("$", "").upper()))
        elif m.group(3) is not None:
            tokens.append(("op", "SUM("))
        else:
            tokens.append(("op", m.group(4)))
    parser = _Parser(tokens, lookup, depth)
    value = parser.expr()
    if parser.i != len(tokens):
        raise FormulaError(f"unsupported formula {text!r}")
    return value


class _Parser:
    def __init__(self, tokens, lookup, depth):
        self.tokens, self.lookup, self.depth, self.i = tokens, lookup, depth, 0

    def _peek(self):
        return self.tokens[self.i] if self.i < len(self.tokens) else (None, None)

    def expr(self) -> Decimal:
        value = self.term()
        while self._peek() in (("op", "+"), ("op", "-")):
            op = self.tokens[self.i][1]
            self.i += 1
            value = value + self.term() if op == "+" else value - self.term()
        return value

    def term(self) -> Decimal:
        value = self.unary()
        while self._peek() in (("op", "*"), ("op", "/")):
            op = self.tokens[self.i][1]
            self.i += 1
            right = self.unary()
            if op == "*":
                value *= right
            elif right == 0:
                raise FormulaError("division by zero")
            else:
                value /= right
        return value

    def unary(self) -> Decimal:
        kind, tok = self._peek()
        if (kind, tok) in (("op", "-"), ("op", "+")):
            self.i += 1
            value = self.unary()
            return -value if tok == "-" else value
        if kind == "num":
            self.i += 1
            return tok
        if kind == "ref":
            self.i += 1
            return self.lookup(tok, self.depth + 1)
        if (kind, tok) in (("op", "("), ("op", "SUM(")):
            self.i += 1
            value = self.expr()
            if self._peek() != ("op", ")"):
                raise FormulaError("unbalanced parentheses")
            self.i += 1
            return value
        raise FormulaError("unexpected end of formula")
