"""Write a :class:`~excel.layout.PanelData` into an open workbook through xlwings (what the buttons show).

Program-owned sheets get their header and values replaced whole and their table resized; people-owned sheets
(Notes) are never touched. Values cross into Excel here and only here: amounts become numbers once, dates stay
dates, and text that Excel would read as a formula is written as text (with Excel's ``'`` text prefix).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from excel import layout
from excel.layout import PanelData
from receivables.errors import InputError

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
    """Set the named cell ``name`` (declared in layout.NAMED_CELLS) to ``value``."""
    named = layout.named_cell(name)
    column = layout.Column(named.label, named.name, named.kind)
    book.names[name].refers_to_range.value = excel_value(column, value, named.sheet, None)


def _write_sheet(ws, sheet: layout.Sheet, data: PanelData) -> None:
    columns = layout.columns_of(sheet, data.bucket_labels)
    rows = data.rows.get(sheet.name, [])
    top = sheet.header_row
    matrix = [[c.header for c in columns]]
    matrix += [[excel_value(c, row.get(c.field), sheet.name, top + i) for c in columns]
               for i, row in enumerate(rows, start=1)]
    old = ws.used_range.last_cell
    old_last_row, old_last_col = max(old.row, top + 1), max(old.column, len(columns))
    ws.range((top + 1, 1), (old_last_row, old_last_col)).clear_contents()
    if old_last_col > len(columns):
        ws.range((top, len(columns) + 1), (top, old_last_col)).clear_contents()
    ws.range((top, 1)).value = matrix
    for table in ws.tables:
        if table.name == sheet.table:
            table.resize(ws.range((top, 1), (top + max(len(rows), 1), len(columns))))


def excel_value(column: layout.Column, value, where: str, row: int | None):
    """The value to hand to Excel for a cell of ``column``."""
    if value is None or value == "":
        return None
    if column.kind == layout.TEXT:
        text = str(value)
        return "'" + text if text.startswith(_FORMULA_LEAD) else text
    if column.kind == layout.DATE:
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            raise InputError(f"expected a date, found {value!r}", source=where, row=row, column=column.header)
        return value
    return excel_number(value, where, row, column.header)


def excel_number(value, where: str, row: int | None, column: str) -> float | int:
    """The number Excel stores for ``value``: an int as it is, a ``Decimal`` (already rounded by the job) as the
    nearest double.

    Excel keeps every number as a double, so this is the one place a Decimal becomes one; an amount of at most
    15 significant digits reads back from that double as the same decimal.
    """
    if isinstance(value, bool):
        raise InputError(f"expected a number, found {value!r}", source=where, row=row, column=column)
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InputError(f"not a finite number: {value}", source=where, row=row, column=column)
        return float(value)
    raise InputError(f"expected a Decimal or int, found {type(value).__name__} {value!r}",
                     source=where, row=row, column=column, hint="amounts are Decimal, counts int")
