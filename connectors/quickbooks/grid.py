"""Load an export file into sheets of text cells: CSV (UTF-8 with or without BOM, or cp1252), XLSX, IIF.

The file is read once into memory; its size and modification time are compared before and after the read, so a file
still being written is refused instead of half read. XLSX files are read with ``data_only=False``: QuickBooks
writes amounts as formulas with no cached value (``=15000.00``, ``=I7+I8``), which are evaluated here exactly.
"""
from __future__ import annotations

import csv
import io
import warnings
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from connectors.files import read_regular
from receivables.errors import InputError
from receivables.money import money

from .cells import FormulaError, evaluate_formula

_CSV_LIMIT = 1 << 20            # a cell longer than 1 MiB is not an export


@dataclass
class Sheet:
    """The cells of one sheet (or of a CSV/IIF file) as text, with the file they came from.

    ``rows[i]`` is the file's row ``i + 1``. ``serials`` is true for XLSX sheets, where a number in a date column
    is an Excel serial day number.
    """

    source: str
    rows: list[list[str]]
    serials: bool = False
    name: str = ""


def read_bytes(path: Path) -> bytes:
    """The file's bytes, refused when it is not a regular file, too large, missing, empty, or changing while it is
    read (see :func:`connectors.files.read_regular`)."""
    data = read_regular(path)
    if not data.strip(b"\xef\xbb\xbf \t\r\n\x00"):
        raise InputError("the file is empty", source=str(path), hint="export the report again from QuickBooks")
    return data


def decode_text(data: bytes, source: str) -> str:
    """Text of a CSV or IIF export: UTF-8 (BOM stripped) or, failing that, Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data:
        raise InputError("the file holds NUL bytes: it is not a text export", source=source,
                         hint="export the report as CSV or Excel from QuickBooks")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 or Windows-1252 text (byte {exc.start})", source=source,
                         hint="export the report again as CSV") from None


def is_xlsx(data: bytes) -> bool:
    return data[:2] == b"PK"


def load_csv(text: str, source: str) -> Sheet:
    """Rows of a CSV export. Records are one per line (QuickBooks never breaks lines inside a cell)."""
    reader = csv.reader(io.StringIO(text))
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise InputError(f"not a readable CSV file ({exc})", source=source, row=reader.line_num,
                         hint="export the report again as CSV") from None
    return Sheet(source, rows)


def load_xlsx(data: bytes, source: str) -> list[Sheet]:
    """Every worksheet of an XLSX export, formulas evaluated, dates as ISO text, numbers as plain decimals.

    A macro-enabled workbook (``.xlsm``: ardesk's own control panel, say) is refused before it is read. The
    spreadsheet library's warnings (QuickBooks omits the default style block; a control panel's conditional
    formatting extensions) are silenced while it reads: what is wrong with a file is said once, as an error.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _load_xlsx(data, source)


def _load_xlsx(data: bytes, source: str) -> list[Sheet]:
    import openpyxl

    if _macro_enabled(data):
        raise InputError("is a macro-enabled workbook (.xlsm), such as ardesk's control panel, not a QuickBooks export",
                         source=source,
                         hint="give the .csv, .xlsx or .iif file QuickBooks exported; to refresh a control panel "
                              "run `ardesk refresh --workbook PATH`")
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, EOFError):
        raise InputError("not a complete XLSX file: it may still be downloading or be damaged", source=source,
                         hint="wait for the download to finish, or export the report again") from None
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types on malformed packages
        raise InputError(f"not a readable XLSX file ({type(exc).__name__})", source=source,
                         hint="export the report again from QuickBooks") from None
    sheets = []
    try:
        for ws in book.worksheets:
            try:
                raw = [list(row) for row in ws.iter_rows(values_only=True)]
            except Exception as exc:  # noqa: BLE001 - as above, for damaged sheet parts
                raise InputError(f"sheet {ws.title!r} is damaged ({type(exc).__name__})", source=source,
                                 hint="export the report again from QuickBooks") from None
            sheets.append(Sheet(source, _texts(raw, source), serials=True, name=ws.title))
    finally:
        book.close()
    return sheets


def _macro_enabled(data: bytes) -> bool:
    """Whether the package holds a VBA project or declares a macro-enabled workbook (False when unreadable: the
    read then says what is wrong)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
            if "xl/vbaProject.bin" in names:
                return True
            if "[Content_Types].xml" in names:
                return b"macroEnabled" in package.read("[Content_Types].xml")[:1 << 20]
    except Exception:  # noqa: BLE001 - a damaged package is reported by the read
        return False
    return False


def _texts(raw: list[list], source: str) -> list[list[str]]:
    resolved: dict[tuple[int, int], Decimal] = {}

    def value_at(r: int, c: int, depth: int) -> Decimal:
        if (r, c) in resolved:
            return resolved[(r, c)]
        cell = raw[r][c] if r < len(raw) and c < len(raw[r]) else None
        if cell is None or cell == "":
            value = Decimal(0)
        elif isinstance(cell, str) and cell.startswith("="):
            value = evaluate_formula(cell, lookup, depth)
        elif isinstance(cell, (int, float)) and not isinstance(cell, bool):
            try:        # a float's shortest text is the decimal the file holds
                value = money(repr(cell) if isinstance(cell, float) else cell)
            except ValueError:
                raise FormulaError(f"a formula refers to {_coord(r, c)}, which is not a finite number") from None
        else:
            raise FormulaError(f"a formula refers to a cell that is not a number ({_coord(r, c)})")
        resolved[(r, c)] = value
        return value

    def lookup(ref: str, depth: int) -> Decimal:
        if ":" in ref:
            (r1, c1), (r2, c2) = (_parse_ref(p) for p in ref.split(":"))
            if (r2 - r1 + 1) * (c2 - c1 + 1) > 100_000 or r2 < r1 or c2 < c1:
                raise FormulaError(f"range {ref} is too large")
            return sum((value_at(r, c, depth) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)), Decimal(0))
        return value_at(*_parse_ref(ref), depth)

    rows = []
    for r, row in enumerate(raw):
        out = []
        for c, cell in enumerate(row):
            if cell is None:
                out.append("")
            elif isinstance(cell, str):
                if cell.startswith("=") and len(cell) > 1:
                    try:
                        out.append(str(value_at(r, c, 0)))
                    except (FormulaError, ArithmeticError, RecursionError) as exc:
                        raise InputError(f"cannot evaluate formula {cell[:40]!r}: {exc}", source=source,
                                         row=r + 1, column=_coord(r, c),
                                         hint="export the report again, or paste values over the formulas") from None
                else:
                    out.append(cell)
            elif isinstance(cell, datetime):
                out.append(cell.date().isoformat())
            elif isinstance(cell, date):
                out.append(cell.isoformat())
            elif isinstance(cell, bool):
                out.append(str(cell))
            elif isinstance(cell, float):
                out.append(str(int(cell)) if cell.is_integer() and abs(cell) < 1e15 else repr(cell))
            else:
                out.append(str(cell))
        rows.append(out)
    return rows


def _parse_ref(ref: str) -> tuple[int, int]:
    letters = ref.rstrip("0123456789")
    digits = ref[len(letters):]
    col = 0
    for ch in letters:
        col = col * 26 + (ord(ch) - 64)
    if not digits or col < 1 or int(digits) < 1:
        raise FormulaError(f"bad cell reference {ref}")
    return int(digits) - 1, col - 1


def _coord(r: int, c: int) -> str:
    letters = ""
    c += 1
    while c:
        c, rem = divmod(c - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{r + 1}"
