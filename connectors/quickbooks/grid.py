"""Load an export file into sheets of text cells: CSV (UTF-8 with or without BOM, or cp1252), XLSX, IIF.

The file is read once into memory; its size and modification time are compared before and after the read, so a file
still being written is refused instead of half read. XLSX files are read with ``data_only=False``: QuickBooks
writes amounts as formulas with no cached value (``=15000.00``, ``=I7+I8``), which are evaluated here exactly.

A workbook without formulas is read with calamine, several times faster than openpyxl, into exactly the texts the
openpyxl reading gives (:func:`_calamine_sheets`); anything calamine would read differently (formulas, error cells,
escaped characters, a date style it judges otherwise...) sends the workbook to openpyxl (:func:`_openpyxl_sheets`),
which also words every error about a damaged file.
"""
from __future__ import annotations

import csv
import html
import io
import re
import warnings
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from functools import partial
from pathlib import Path

from connectors.files import read_regular
from receivables.errors import InputError
from receivables.money import money

from .cells import FormulaError, evaluate_formula

_TEXT = re.compile(rb"[^\xef\xbb\xbf \t\r\n\x00]")   # a byte that is not blank, a BOM's or NUL
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
    if _TEXT.search(data) is None:          # all blank (found at the first character of any real file)
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
    if _macro_enabled(data):
        raise InputError("is a macro-enabled workbook (.xlsm), such as ardesk's control panel, not a QuickBooks export",
                         source=source,
                         hint="give the .csv, .xlsx or .iif file QuickBooks exported; to refresh a control panel "
                              "run `ardesk refresh --workbook PATH`")
    sheets = _calamine_sheets(data, source)
    return _openpyxl_sheets(data, source) if sheets is None else sheets


def _openpyxl_sheets(data: bytes, source: str) -> list[Sheet]:
    """Every worksheet read with openpyxl (read-only, formulas as text), its values as :func:`_texts` words them."""
    import openpyxl

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


# ---------------------------------------------------------------- the calamine reading
class _Differs(Exception):
    """The workbook holds something calamine reads otherwise than openpyxl: it takes the openpyxl path."""


_MAIN_NS = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_FORMULA = re.compile(rb"<f[\s/>]")
_TYPED = re.compile(rb't="[ed]"')                        # error cells (calamine: empty), ISO-date cells
_ESCAPED = re.compile(rb"_x[0-9A-Fa-f]{4}_|x005F_")       # calamine decodes _x000D_; openpyxl does not
# texts calamine trims (no xml:space="preserve") that may start or end with a blank, maybe as a character reference
_UNTRIMMED = re.compile(rb"<t>([ \t\r\n&][^<]*+|[^<]*+(?<=[ \t\r\n;]))</t>")
_ENCODING = re.compile(rb"""^(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")
_ROW_NUMBER = re.compile(rb'<row\s[^>]*?(?<=\s)r="(\d+)"')
# the values worth a second look: of 7+ digits, with an exponent, or no number at all
_BIG_VALUE = re.compile(rb"<v>\s*[-+]?(?:\d{7}|[\d.]*[eEnNiI])")
_STYLE = re.compile(rb"""\ss\s*=\s*["']\s*(\d+)""")


def _calamine_sheets(data: bytes, source: str) -> list[Sheet] | None:
    """Every worksheet of the workbook read with calamine, the same :class:`Sheet` rows :func:`_openpyxl_sheets`
    gives, or ``None`` when the workbook must take the openpyxl path: it holds formulas (calamine gives their
    cached values, and QuickBooks writes none), error or ISO-date cells, escaped or untrimmed texts, date styles
    calamine judges otherwise than openpyxl, or it cannot be read here at all (openpyxl then says what is wrong).

    The workbook's outline (its worksheets and their order, each sheet's declared size, the date styles) is
    openpyxl's own, read without the cells; only the cells come from calamine.
    """
    try:
        return _read_calamine(data, source)
    except Exception:  # noqa: BLE001 - _Differs, or a damaged file: the openpyxl path reads it and words the error
        return None


def _read_calamine(data: bytes, source: str) -> list[Sheet]:
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.utils.datetime import WINDOWS_EPOCH
    from openpyxl.xml.constants import SHARED_STRINGS
    from python_calamine import CalamineWorkbook

    class Outline(ExcelReader):
        def read_strings(self):  # the cells, strings included, come from calamine
            pass

    reader = Outline(io.BytesIO(data), read_only=True, data_only=False)
    reader.read()
    book = reader.wb
    try:
        # openpyxl reads xl/styles.xml and the shared strings the manifest names; calamine the styles.xml and
        # sharedStrings.xml beside the workbook part that _rels/.rels names
        if reader.parser.workbook_part_name != "xl/workbook.xml" or not re.search(
                rb'Target="/?xl/workbook\.xml"', reader.archive.read("_rels/.rels")):
            raise _Differs("the workbook part is not xl/workbook.xml")
        # (calamine finds a part whatever the case of its name)
        names = [name.lower() for name in reader.valid_files]
        if len(set(names)) != len(names):
            raise _Differs("parts whose names differ only in case, or twice the same part")
        strings = reader.package.find(SHARED_STRINGS)
        if strings is not None:
            if strings.PartName != "/xl/sharedStrings.xml":
                raise _Differs("shared strings elsewhere than calamine reads them")
            _check_part(reader.archive.read("xl/sharedStrings.xml"), b"sst")
        elif "xl/sharedstrings.xml" in names:
            raise _Differs("shared strings openpyxl does not read")
        dates = bool(book._date_formats)
        if dates:
            if book._timedelta_formats or 0 in book._date_formats or book.epoch != WINDOWS_EPOCH:
                raise _Differs("duration styles, a date default style or the 1904 date system")
            styles = reader.archive.read("xl/styles.xml")
            judged = _calamine_date_styles(styles, len(book._cell_styles))
            if judged != [i in book._date_formats for i in range(len(book._cell_styles))]:
                raise _Differs("calamine and openpyxl disagree on which styles are dates")
        shapes = []
        for ws in book.worksheets:
            if ws.max_row is None or ws.max_column is None:
                raise _Differs(f"sheet {ws.title!r} declares no size")
            xml = reader.archive.read(ws._worksheet_path)
            _check_part(xml, b"worksheet")
            if _FORMULA.search(xml) or _TYPED.search(xml):
                raise _Differs(f"sheet {ws.title!r} holds formulas, error or ISO-date cells")
            long_ints = _big_values(xml, book._date_formats if dates else ())
            shapes.append((ws.title, _row_count(xml, ws.max_row), ws.max_column, long_ints))
            del xml
    finally:
        book.close()
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    names = workbook.sheet_names
    sheets = []
    for title, nrows, ncols, long_ints in shapes:
        if names.count(title) != 1:
            raise _Differs(f"sheet name {title!r} is not unique")
        raw = workbook.get_sheet_by_name(title).to_python(skip_empty_area=False)
        sheets.append(Sheet(source, _calamine_texts(raw, nrows, ncols, dates, long_ints), serials=True, name=title))
    return sheets


def _check_part(xml: bytes, root: bytes) -> None:
    """Refuse (``_Differs``) a sheet or shared-strings part whose texts calamine would read otherwise: not UTF-8, the
    spreadsheet namespace not the sole default one (openpyxl reads only that namespace, calamine any), CDATA,
    ``_x000D_`` escapes (calamine decodes them), texts with outer blanks but no ``xml:space="preserve"`` (calamine
    trims them)."""
    found = _ENCODING.match(xml)
    if found and found.group(1).lower() not in (b"utf-8", b"utf8"):
        raise _Differs("not UTF-8")
    start = xml.find(b"<" + root)
    head = xml[start:xml.find(b">", start) + 1] if start >= 0 else b""
    if b'xmlns="' + _MAIN_NS + b'"' not in head or xml.count(b"spreadsheetml/2006/main") != 1:
        raise _Differs("namespaces")
    if b"[" in xml and b"<![CDATA[" in xml:
        raise _Differs("CDATA")
    if b"_" in xml and _ESCAPED.search(xml):
        raise _Differs("escaped characters")
    for found in _UNTRIMMED.finditer(xml):
        text = html.unescape(found.group(1).decode())
        if text != text.strip(" \t\r\n"):
            raise _Differs("texts calamine trims")


def _row_count(xml: bytes, max_row: int) -> int:
    """How many rows openpyxl's read-only ``iter_rows`` gives for a sheet part with declared size ``max_row``: up to
    the last ``<row>`` element, or exactly ``max_row`` when the rows run past it."""
    end = xml.rfind(b"</sheetData>")
    if end < 0:
        if re.search(rb"<sheetData\s*/>", xml):
            return 0
        raise _Differs("no sheetData")
    while True:
        end = xml.rfind(b"<row", 0, end)
        if end < 0:
            return 0
        if xml[end + 4:end + 5] in (b" ", b"\t", b"\r", b"\n", b">", b"/"):
            break
    found = _ROW_NUMBER.match(xml, end)
    if found is None:
        raise _Differs("the last row has no number")
    return min(int(found.group(1)), max_row)


def _big_values(xml: bytes, date_styles) -> bool:
    """Whether the sheet part holds an integer of 16 or more digits (openpyxl reads it as an int, its exact digits;
    calamine as a float). Refuses (``_Differs``) a number in one of the ``date_styles`` that calamine gives as a
    plain number where openpyxl gives ``#VALUE!`` or fails: from 9999-12-31 noon (2958465.5) on, that may round to
    10000-01-01 or lie past it, its negative, or no number at all."""
    long_ints = False
    for found in _BIG_VALUE.finditer(xml):
        text = xml[found.start() + 3:xml.find(b"<", found.start() + 3)].strip()
        if text.lstrip(b"+-").isdigit() and len(text.lstrip(b"+-")) >= 16:
            long_ints = True
        if not date_styles:
            continue
        try:
            if abs(float(text)) < 2958465.5:
                continue
        except ValueError:
            pass
        start = max(xml.rfind(b"<c ", 0, found.start()), xml.rfind(b"<c>", 0, found.start()))
        style = _STYLE.search(xml, start, xml.find(b">", start)) if start >= 0 else None
        if start < 0 or style and int(style.group(1)) in date_styles:
            raise _Differs("a date-styled number beyond the dates")
    return long_ints


def _calamine_date_styles(styles: bytes, count: int) -> list[bool]:
    """For each of the ``count`` cell styles of a workbook with styles part ``styles``: whether calamine reads a
    number in that style as a date. Asked of calamine itself, on a one-row workbook with the same styles part."""
    from python_calamine import CalamineWorkbook

    main = _MAIN_NS.decode()
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    cells = "".join(f'<c r="{_coord(0, i)}" s="{i}"><v>1.5</v></c>' for i in range(count))
    parts = {
        "[Content_Types].xml":
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>',
        "_rels/.rels":
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml":
            f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets>'
            '</workbook>',
        "xl/_rels/workbook.xml.rels":
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/styles" Target="styles.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{main}"><sheetData><row r="1">{cells}</row></sheetData>'
                                    '</worksheet>',
        "xl/styles.xml": styles,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, part in parts.items():
            package.writestr(name, part)
    buffer.seek(0)
    row = CalamineWorkbook.from_filelike(buffer).get_sheet_by_index(0).to_python(skip_empty_area=False)[0]
    if len(row) != count or any(v.__class__ not in (float, datetime) for v in row):
        raise _Differs("calamine reads the style probe unexpectedly")
    return [v.__class__ is datetime for v in row]


def _calamine_texts(raw: list[list], nrows: int, ncols: int, dates: bool, long_ints: bool) -> list[list[str]]:
    """calamine's values as the texts :func:`_texts` makes of openpyxl's, in openpyxl's shape: ``nrows`` rows of
    ``ncols`` cells (the declared size cuts off cells beyond it; missing ones are blank). Each distinct value other
    than a text is worded once. ``dates``: the workbook has date styles; ``long_ints``: the sheet holds integers of 16
    or more digits (see :func:`_big_values`)."""
    del raw[nrows:]
    text = _Memo(partial(_date_value_text if dates else _value_text, long_ints=long_ints)).__getitem__
    for i, row in enumerate(raw):
        if len(row) > ncols:
            del row[ncols:]
        # not a bool through the memo: True == 1.0
        raw[i] = row = [v if (c := v.__class__) is str else text(v) if c is not bool else str(v) for v in row]
        if len(row) < ncols:
            row.extend([""] * (ncols - len(row)))
        if "=" in "".join(row) and any(c[:1] == "=" and len(c) > 1 for c in row):
            raise _Differs("a text cell holds a formula")   # _texts evaluates it: leave the workbook to openpyxl
    raw.extend([""] * ncols for _ in range(nrows - len(raw)))
    return raw


class _Memo(dict):
    """``convert(key)`` for each key, worked out once."""

    def __init__(self, convert):
        super().__init__()
        self.convert = convert

    def __missing__(self, key):
        value = self[key] = self.convert(key)
        return value


def _value_text(v, *, long_ints: bool) -> str:
    """The text :func:`_texts` gives for the value openpyxl reads where calamine reads ``v`` (no date styles)."""
    if v.__class__ is float:
        if v.is_integer():
            if -1e15 < v < 1e15:
                return str(int(v))
            if not long_ints:           # then written with a point or an exponent: a float for openpyxl too
                return repr(v)
        elif v - v == 0:                # finite
            return repr(v)
        # an integer of 16+ digits is an int for openpyxl (its exact digits) or a float; inf and nan are neither
        raise _Differs(f"number {v!r}")
    if v.__class__ is bool or (v.__class__ is int and -10**15 < v < 10**15):
        return str(v)
    raise _Differs(f"value {v!r}")


def _date_value_text(v, *, long_ints: bool) -> str:
    """As :func:`_value_text`, in a workbook with date styles (that calamine and openpyxl agree on)."""
    cls = v.__class__
    if cls is date:
        return v.isoformat()
    if cls is datetime:
        moment = v.time()
        if moment == time(0) or moment >= time(23, 59, 59, 999000):
            raise _Differs("a date-time within a millisecond of midnight")  # the two round the fraction apart
        return v.date().isoformat()
    if cls is float:                    # not in a date style, or beyond the dates (see _big_values)
        return _value_text(v, long_ints=long_ints)
    raise _Differs(f"value {v!r}")   # times, durations


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
