"""Write a :class:`~excel.layout.PanelData` into an open workbook through xlwings (what the buttons show).

Program-owned sheets get their header and values replaced whole and their table resized (rows with wrapped text
fitted to it); on the people's Notes sheet only the program's cells (Note id, Synced) are written, and rows for
notes added outside the workbook appended (:func:`notes_writer`); an erasure's blanks have a writer of their own
(:func:`notes_eraser`). Values cross into Excel here and only here: amounts
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

    ``sheets`` / ``cells`` limit what is written (default: every program sheet ``data`` has rows for, every cell in
    ``data.cells``); a sheet ``data`` holds no rows for is left as it is (a refresh leaves a reminder batch).
    """
    wanted = set(sheets) if sheets is not None else set(data.rows)
    for sheet in layout.SHEETS:
        if sheet.owner != layout.PROGRAM or sheet.name not in wanted:
            continue
        if sheet.name == layout.TODAY and not has_sheet(book, sheet.name):
            continue        # a panel built before the Today sheet (see jobs.refresh.fit_to_panel)
        _write_sheet(book.sheets[sheet.name], sheet, data)
    names = set(cells) if cells is not None else set(data.cells)
    defined = {n.name for n in book.names}
    for named in layout.NAMED_CELLS:
        if named.name in names and named.name in data.cells:
            if named.name in layout.WORK_CELLS and named.name not in defined:
                continue    # ditto: its Control sheet has no place for the day's figures
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


# -- the Notes sheet ------------------------------------------------------------------------------------------------
def _live_cell(value):
    """A cell value from Excel as the file reader gives it: numbers as exact Decimals (Excel's doubles printed
    shortest, i.e. as typed), dates as dates."""
    from decimal import Decimal

    if isinstance(value, dt.datetime):
        return Decimal(str(value.toordinal() - dt.date(1899, 12, 30).toordinal()))
    if isinstance(value, dt.date):
        return Decimal(str(value.toordinal() - dt.date(1899, 12, 30).toordinal()))
    if isinstance(value, float | int) and not isinstance(value, bool):
        return Decimal(repr(value))
    return value


def _live_cells(ws) -> dict[int, dict[int, object]]:
    """A sheet's non-empty cells (row -> column -> value) as the file reader gives them."""
    last = ws.used_range.last_cell
    values = ws.range((1, 1), (max(last.row, 1), max(last.column, 1))).options(ndim=2).value or []
    cells = {r: {c: _live_cell(v) for c, v in enumerate(row, start=1) if v is not None and v != ""}
             for r, row in enumerate(values, start=1)}
    return {r: v for r, v in cells.items() if v}


def read_live_notes(book, name: str = "the workbook") -> list[dict]:
    """The Notes sheet's rows of the open ``book``, as :func:`excel.package.read_notes` reads them from a file."""
    from excel.package.read import notes_from_cells

    return notes_from_cells(_live_cells(book.sheets[layout.NOTES]), name, date1904=False)


def read_live_today(book, name: str = "the workbook") -> list[dict]:
    """What was typed on the Today sheet of the open ``book``, as :func:`excel.package.read_today` reads it from a
    file (none from a panel built before the sheet)."""
    from excel.package.read import today_from_cells

    if not has_sheet(book, layout.TODAY):
        return []
    return today_from_cells(_live_cells(book.sheets[layout.TODAY]), name, date1904=False)


def has_sheet(book, name: str) -> bool:
    return any(s.name.casefold() == name.casefold() for s in book.sheets)


def notes_writer(book):
    """A writer of the program's Notes cells into the open ``book`` (:func:`jobs.notes.push`'s ``live_sheet``)."""
    def write(cells: dict[int, dict[str, object]], appended: list[dict]) -> None:
        ws = book.sheets[layout.NOTES]
        sheet = layout.sheet(layout.NOTES)
        header = ws.range((sheet.header_row, 1), (sheet.header_row, max(ws.used_range.last_cell.column, 1)))
        heads = header.options(ndim=1).value or []
        where = {c.field: heads.index(c.header) + 1 for c in sheet.columns if c.header in heads}
        for row, values in cells.items():
            for field, value in values.items():
                if field in layout.NOTE_PROGRAM_FIELDS and field in where:
                    ws.range((row, where[field])).value = live_value(value)
        if appended:
            last = ws.used_range.last_cell.row
            for n, note in enumerate(appended, start=1):
                for field, col in where.items():
                    value = note.get(field)
                    if value is not None and value != "":
                        ws.range((last + n, col)).value = live_value(value)
            for table in ws.tables:
                if table.name == sheet.table:
                    table.resize(ws.range((sheet.header_row, 1), (last + len(appended), len(where))))
    return write


def notes_eraser(book):
    """The erasure's writer on the open ``book``'s Notes sheet (what :func:`excel.package.erase_notes` does to a
    file): blank the given cells of erased or pruned notes, or put a person's pseudonym in its Customer cell;
    anything else is refused (:func:`excel.package.notes.check_erasure`)."""
    from excel.package.notes import check_erasure

    def write(cells: dict[int, dict[str, str | None]]) -> None:
        check_erasure(cells)
        ws = book.sheets[layout.NOTES]
        sheet = layout.sheet(layout.NOTES)
        header = ws.range((sheet.header_row, 1), (sheet.header_row, max(ws.used_range.last_cell.column, 1)))
        heads = header.options(ndim=1).value or []
        where = {c.field: heads.index(c.header) + 1 for c in sheet.columns if c.header in heads}
        for row, values in cells.items():
            for field, value in values.items():
                if field in where:
                    ws.range((row, where[field])).value = live_value(value)
    return write


# -- the Reminders sheet -------------------------------------------------------------------------------------------
def read_live_reminder_choices(book, name: str = "the workbook") -> dict[tuple[int, str], bool]:
    """The Reminders sheet's Send column of the open ``book`` (:func:`excel.package.read.choices_from_cells`)."""
    from excel.package.read import choices_from_cells

    return choices_from_cells(_live_cells(book.sheets[layout.REMINDERS]), name)
