"""Cell values to and from SpreadsheetML text: references, escaping, date serials and row serialisation.

Rows are built as strings (one join per row, style ids worked out once per column) because a refresh writes
hundreds of thousands of cells; no XML tree is involved. Text is always written as an inline string, so a
value such as ``=HYPERLINK(...)`` stays text and is never read as a formula.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from numbers import Integral

_EPOCH_1900 = date(1899, 12, 30).toordinal()
_EPOCH_1904 = date(1904, 1, 1).toordinal()

# Characters XML 1.0 cannot carry, the OOXML escape form itself (so a literal "_x0041_" survives), and CR.
_NEEDS_OOXML_ESCAPE = re.compile(r"[\x00-\x08\x0b\x0c\x0d\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]+)$")


def col_letter(index: int) -> str:
    """Column letters of the 1-based column ``index`` (1 -> A, 28 -> AB)."""
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def col_index(letters: str) -> int:
    """1-based column number of ``letters`` (A -> 1)."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def split_ref(ref: str) -> tuple[int, int]:
    """(row, column) of an A1 reference such as ``C11`` or ``$C$11``."""
    m = _REF.match(ref.strip())
    if not m:
        raise ValueError(f"not a cell reference: {ref!r}")
    return int(m.group(2)), col_index(m.group(1))


def escape_text(text: str) -> str:
    """Text for element content: XML-escaped, with characters XML cannot hold written as ``_xHHHH_``."""
    if _NEEDS_OOXML_ESCAPE.search(text):
        text = _NEEDS_OOXML_ESCAPE.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def escape_attr(text: str) -> str:
    """Text for an attribute value in double quotes."""
    return escape_text(text).replace('"', "&quot;")


def unescape_ooxml(text: str) -> str:
    """Undo the ``_xHHHH_`` escapes of SpreadsheetML strings (``_x005F_`` is a literal underscore)."""
    if "_x" not in text:
        return text
    return _OOXML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def date_serial(value: date, date1904: bool = False) -> str:
    """The spreadsheet serial number of a date (or datetime, with its time as a day fraction) as text."""
    days = value.toordinal() - (_EPOCH_1904 if date1904 else _EPOCH_1900)
    if isinstance(value, datetime):
        seconds = value.hour * 3600 + value.minute * 60 + value.second + Decimal(value.microsecond) / 1000000
        return format((Decimal(days) + Decimal(seconds) / 86400).quantize(Decimal("1E-10")).normalize(), "f")
    return str(days)


def serial_date(serial: str | float, date1904: bool = False) -> date:
    """The date of a spreadsheet serial number (its time of day dropped)."""
    days = int(Decimal(str(serial)))
    return date.fromordinal(days + (_EPOCH_1904 if date1904 else _EPOCH_1900))


def number_text(value: object) -> str | None:
    """Exact ``<v>`` text of a number value, or None when ``value`` is not a number. Floats are refused."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"not a finite amount: {value!r}")
        return format(value, "f")
    if isinstance(value, Integral):
        return str(int(value))
    if isinstance(value, float):
        raise TypeError(f"a float ({value!r}) cannot be written exactly: pass a Decimal or an int")
    return None


def cell_xml(ref: str, value: object, style: str, date1904: bool = False) -> str:
    """One ``<c>`` element for ``value`` at ``ref``; ``style`` is the ready attribute text (``' s="3"'`` or
    '')."""
    if value is None:
        return f'<c r="{ref}"{style}/>'
    if isinstance(value, str):
        return f'<c r="{ref}"{style} t="inlineStr"><is>{_t(value)}</is></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}"{style}><v>{date_serial(value, date1904)}</v></c>'
    text = number_text(value)
    if text is None:
        raise TypeError(f"cannot write a {type(value).__name__} to a cell: {value!r}")
    return f'<c r="{ref}"{style}><v>{text}</v></c>'


def _t(text: str) -> str:
    if text[:1].isspace() or text[-1:].isspace():
        return f'<t xml:space="preserve">{escape_text(text)}</t>'
    return f"<t>{escape_text(text)}</t>"


class RowWriter:
    """Serialises data rows for fixed columns: ``row_xml(r, values)`` gives one ``<row>`` element.

    ``styles`` holds each column's style index (or None). Values are ``str``, ``int``, ``Decimal``, ``date``
    (a ``datetime`` with its time as a day fraction), ``bool`` or ``None`` (no cell); anything else, floats
    included, raises ``TypeError``.
    """

    def __init__(self, styles: list[int | None], date1904: bool = False):
        self.date1904 = date1904
        self._cols = [(col_letter(i + 1), f' s="{s}"' if s is not None else "") for i, s in enumerate(styles)]

    def row_xml(self, r: int, values, height: float | None = None) -> str:
        """One ``<row>``; with ``height`` (points) the row is that tall (wrapped text)."""
        rs = str(r)
        epoch = _EPOCH_1904 if self.date1904 else _EPOCH_1900
        out = [f'<row r="{rs}" ht="{height:g}" customHeight="1">' if height else f'<row r="{rs}">']
        add = out.append
        for (letter, s), v in zip(self._cols, values):
            t = type(v)
            if v is None:
                continue
            if t is str:
                if v[:1].isspace() or v[-1:].isspace():
                    add(
                        f'<c r="{letter}{rs}"{s} t="inlineStr"><is><t xml:space="preserve">'
                        f"{escape_text(v)}</t></is></c>"
                    )
                else:
                    add(f'<c r="{letter}{rs}"{s} t="inlineStr"><is><t>{escape_text(v)}</t></is></c>')
            elif t is Decimal:
                if not v.is_finite():
                    raise ValueError(f"not a finite amount: {v!r}")
                add(f'<c r="{letter}{rs}"{s}><v>{v:f}</v></c>')
            elif t is int:
                add(f'<c r="{letter}{rs}"{s}><v>{v}</v></c>')
            elif t is date:
                add(
                    f'<c r="{letter}{rs}"{s}><v>{v.toordinal() - epoch}'
                    f"</v></c>"
                )
            else:
                add(cell_xml(letter + rs, v, s, self.date1904))
        add("</row>")
        return "".join(out)
