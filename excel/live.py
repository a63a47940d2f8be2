"""Write a :class:`~excel.layout.PanelData` into an open workbook through xlwings (what the buttons show).

Program-owned sheets get their header and values replaced whole and their table resized (rows with wrapped text
fitted to it); people-owned sheets (Notes) are never touched. Values cross into Excel here and only here: amounts
become numbers once, dates stay dates, and text that Excel would read as a formula is written as text (with
Excel's ``'`` text prefix).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from excel import layout
from excel.layout import PanelData
from excel.values import named_value, row_reader, to_double

#: Leading characters that make Excel treat typed text as a formula (or eat the first character).
_FORMULA_LEAD = ("=", "+", "-", "@", "'", "\t", "\r", "\n")


def write_live(book, data: PanelData, sheets: Iterable[str] | None = None,
               cells: Iterable[str] | None = None) -> None:
    """Replace the program sheets' values in the xlwings ``book`` with ``data`` and set the output cells.

    ``sheets`` / ``cells`` limit what is written (default: every program sheet, every cell in ``data.cells``).
    """
    wanted = set(sheets) if sheets is not None else None
    for sheet in layout.SHEETS:
        if sheet.owner != layout.PROGRAM or (wanted is not None and sheet.name not in wanted):
            continue
        _write_sheet(book.sheets[sheet.name], sheet, data)
    names = set(cells) if cells is not None else set(data.cells)
    for named in layout.NAMED_CELLS:
        if named.name in names and named.name in data.cells:
            set_cell(book, named.name, data.cells[named.name])


def set_cell(book, name: str, value) -> None:
    """Set the named cell ``name`` (declared in layout.NAMED_CELLS) to ``value``; a date-time cell also gets its
    number format (a panel built before the cell held a date-time shows it as text otherwise)."""
    rng = book.names[name].refers_to_range
    rng.value = live_value(named_value(name, value))
    kind = layout.named_cell(name).kind
    if kind == layout.DATETIME and value is not None:
        rng.number_format = layout.NUMBER_FORMATS[kind]


def _write_sheet(ws, sheet: layout.Sheet, data: PanelData) -> None:
    columns, values = row_reader(sheet, data.bucket_labels)
    rows = data.rows.get(sheet.name, [])
    top = sheet.header_row
    matrix = [[c.header for c in columns]]
    matrix += [[live_value(v) for v in values(line, r)] for r, line in enumerate(rows, start=top + 1)]
    old = ws.used_range.last_cell
    old_last_row, old_last_col = max(old.row, top + 1), max(old.column, len(columns))
    ws.range((top + 1, 1), (old_last_row, old_last_col)).clear_contents()
    if old_last_col > len(columns):
        ws.range((top, len(columns) + 1), (top, old_last_col)).clear_contents()
    ws.range((top, 1)).value = matrix
    for table in ws.tables:
        if table.name == sheet.table:
            table.resize(ws.range((top, 1), (top + max(len(rows), 1), len(columns))))
    if layout.has_wrap(columns) and rows:      # Excel fits the rows' heights to their wrapped text
        ws.range((top + 1, 1), (top + len(rows), len(columns))).rows.autofit()


def live_value(value):
    """What to hand to Excel for a cell value (:mod:`excel.values`): numbers as Excel stores them, and text that
    Excel would read as a formula with Excel's ``'`` text prefix."""
    if type(value) is str:
        return "'" + value if value.startswith(_FORMULA_LEAD) else value
    if value is None or isinstance(value, dt.date):
        return value
    return to_double(value)
