"""How a line's value becomes a cell's value: one set of rules for every writer of the panel.

Three writers put values into the workbook (a new file with XlsxWriter, a headless refresh that rewrites sheet
parts, and a live book through xlwings); each reads a sheet's lines through :func:`row_reader` and gets, per cell,
``None`` (no cell), ``str`` (text, never a formula), ``int``, a finite ``Decimal`` (already rounded by the engine),
a ``datetime.date`` or (for a date-time cell) a naive local ``datetime.datetime``, checked against the column's
kind. What a medium needs beyond that (a double for Excel's
numbers, the text prefix that stops Excel from reading typed text as a formula) is the writer's own last step.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from operator import attrgetter

from excel import layout
from receivables.errors import InputError

CellValue = str | int | Decimal | dt.date | dt.datetime | None


def _text(value) -> str | None:
    if type(value) is str or value is None:
        return value
    return str(value)


def _date(value) -> dt.date | None:
    if type(value) is dt.date or value is None:
        return value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    raise TypeError(f"expected a date, found {value!r}")


def _datetime(value) -> dt.datetime | None:
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        raise TypeError(f"expected a date and time, found {value!r}")
    if value.tzinfo is not None:
        raise ValueError(f"expected a local date and time without a time zone, found {value!r} (a cell holds "
                         "no zone: convert it with excel.sheets.local_time)")
    return value


def _number(value) -> int | Decimal | None:
    t = type(value)
    if t is Decimal:
        if not value.is_finite():
            raise ValueError(f"not a finite number: {value}")
        return value
    if t is int or value is None:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, Decimal):
        return _number(Decimal(value))
    raise TypeError(f"expected a Decimal or int, found {type(value).__name__} {value!r} (amounts are Decimal, "
                    "counts int)")


_BY_KIND: dict[str, Callable] = {layout.TEXT: _text, layout.DATE: _date, layout.DATETIME: _datetime}


def checker(kind: str) -> Callable[[object], CellValue]:
    """The rule for a column of ``kind``: the cell value of a line's value, or TypeError/ValueError saying why not."""
    return _BY_KIND.get(kind, _number)


class CellValueError(InputError, TypeError):
    """A value a column cannot hold (a float amount, a datetime for a date, a date or an aware time for a
    date-time): named by sheet, row and column. A
    ``TypeError`` for the code that passed it, and one line for a front that reports it."""


def cell_value(column: layout.Column, value, where: str, row: int | None = None) -> CellValue:
    """The cell value of ``value`` in ``column``; one that the column cannot hold is a :class:`CellValueError`."""
    try:
        return checker(column.kind)(value)
    except (TypeError, ValueError) as exc:
        raise CellValueError(str(exc), source=where, row=row, column=column.header) from None


def row_reader(sheet: layout.Sheet, bucket_labels: Sequence[str]
               ) -> tuple[tuple[layout.Column, ...], Callable[[object, int], list[CellValue]]]:
    """The concrete columns of ``sheet`` and a function ``(line, row number) -> cell values`` for its lines.

    A line is an object with the columns' fields as attributes (the engine's typed lines, an
    :class:`~receivables.errors.Issue`), whose dynamic column (``bucket:<label>``) reads ``line.buckets`` by the
    label's position in ``bucket_labels``; or a dict keyed by the fields (a field it lacks is a blank cell).
    """
    columns = layout.columns_of(sheet, tuple(bucket_labels))
    prefix = sheet.dynamic_field
    fields = [c.field for c in columns]
    if prefix and any(f.startswith(prefix) for f in fields):
        labels = list(bucket_labels)

        def getter(c: layout.Column) -> Callable:
            if c.field.startswith(prefix):
                i = labels.index(c.field[len(prefix):])
                return lambda line: line.buckets[i]
            return attrgetter(c.field)

        parts = [getter(c) for c in columns]

        def get(line) -> tuple:
            return tuple(p(line) for p in parts)
    else:
        get = attrgetter(*fields) if len(fields) > 1 else (lambda line, g=attrgetter(fields[0]): (g(line),))
    checks = [checker(c.kind) for c in columns]

    def values(line, r: int) -> list[CellValue]:
        raw = get(line) if type(line) is not dict else [line.get(f) for f in fields]
        try:
            return [check(v) for check, v in zip(checks, raw)]
        except (TypeError, ValueError):
            for c, v in zip(columns, raw):      # name the cell that failed
                cell_value(c, v, sheet.name, r)
            raise

    return columns, values


def named_value(name: str, value) -> CellValue:
    """The cell value of the named cell ``name`` (declared in ``layout.NAMED_CELLS``) holding ``value``."""
    named = layout.named_cell(name)
    if named.is_input and type(value) is str:
        return value                          # an input holds what a person typed, even where a date belongs
    return cell_value(layout.Column(named.label, named.name, named.kind), value, f"{named.sheet}!{named.cell}")


def to_double(value: int | Decimal) -> int | float:
    """The number a spreadsheet program stores for a number cell value: an int as it is, a ``Decimal`` as the
    nearest double. Excel keeps every number as a double, so this is the one place a Decimal becomes one; an
    amount of at most 15 significant digits reads back from that double as the same decimal."""
    return float(value) if type(value) is Decimal else value


def csv_safe(text: str) -> str:
    """A CSV cell people open in a spreadsheet: text that would start a formula gets a leading quote (a number,
    negative ones too, stays as it is)."""
    if text[:1] in ("=", "+", "@", "\t", "\r") or (text[:1] == "-" and not is_number(text)):
        return "'" + text
    return text


def is_number(text: str) -> bool:
    try:
        float(text)  # only a test of shape: the value is printed as the text it already is
        return True
    except ValueError:
        return False
