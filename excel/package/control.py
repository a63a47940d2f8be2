"""Writing the output named cells (PanelData.cells) into their sheet's XML, touching no other cell."""

from __future__ import annotations

import re

from excel.layout import DATE, DATETIME, NAMED_CELLS
from excel.values import named_value
from receivables.errors import InputError

from . import xmlsplice as xs
from .cells import cell_xml, col_letter, split_ref
from .opc import Package
from .styles import Styles


def named_cell_places(pkg: Package, names) -> dict[str, list[tuple[str, int, int]]]:
    """For each named cell in ``names``: sheet name -> [(name, row, column)], found through the defined
    names."""
    declared = {c.name: c for c in NAMED_CELLS}
    out: dict[str, list[tuple[str, int, int]]] = {}
    for name in names:
        if name not in declared:
            raise ValueError(f"{name!r} is not a named cell of the panel (see excel.layout.NAMED_CELLS)")
        nc = declared[name]
        sheet, cell = pkg.named_cell(name, nc.sheet, nc.cell)
        row, col = split_ref(cell)
        out.setdefault(pkg.sheet(sheet).name, []).append((name, row, col))
    return out


def write_cells(
    xml: bytes, places: list[tuple[str, int, int]], values: dict[str, object], date1904: bool, part: str,
    styles: Styles | None = None,
) -> bytes:
    """``xml`` (a sheet part) with the given cells' values replaced; each cell keeps its style, except that a date
    or date-time cell whose style shows no such format (a panel older than the cell's kind) gets a copy of its
    style that does (with ``styles``, the workbook's :class:`~excel.package.styles.Styles`)."""
    kinds = {c.name: c.kind for c in NAMED_CELLS}
    for name, row, col in places:
        kind = kinds.get(name)
        restyle = None
        if styles is not None and kind in (DATE, DATETIME) and not isinstance(values[name], str):
            def restyle(s, kind=kind):
                return styles.derive(s, kind=kind)
        try:
            xml = _write_cell(xml, row, col, named_value(name, values[name]), date1904, restyle)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"named cell {name}: {exc}") from None
        except _Damaged:
            raise InputError(
                f"part {part} has no sheet data", hint="rebuild the panel with `ardesk workbook new`"
            ) from None
    return xml


class _Damaged(Exception):
    pass


def _style(a: dict | None, restyle) -> str:
    """The ``s`` attribute text of a cell written over one with attributes ``a`` (None: a new cell)."""
    s = a.get("s") if a else None
    if restyle is not None:
        s = restyle(int(s) if s is not None and s.isdigit() else None)
    return f' s="{s}"' if s is not None else ""


def _write_cell(xml: bytes, row: int, col: int, value, date1904: bool, restyle=None) -> bytes:
    span = xs.element(xml, b"sheetData")
    if span is None:
        raise _Damaged
    ref = f"{col_letter(col)}{row}"
    inner_start = span[1]
    if span[1] == span[3]:  # <sheetData/>: open it up
        tag = xml[span[0] : span[1]]
        prefix = re.match(rb"<(\w+:)?", tag).group(1) or b""
        xml = xml[: span[0]] + tag[:-2].rstrip() + b"></" + prefix + b"sheetData>" + xml[span[1] :]
        span = xs.element(xml, b"sheetData")
        inner_start = span[1]
    inner = xml[span[1] : span[2]]
    insert_at = len(inner)
    for r, _attrs, content, start, end in xs.rows(inner):
        if r < row:
            continue
        if r > row:
            insert_at = start
            break
        # the row exists: find the cell or where it goes
        content_start = inner.find(b">", start) + 1
        if inner[content_start - 2 : content_start] == b"/>":  # <row .../>: give it content
            open_tag = inner[start : content_start - 2].rstrip() + b">"
            new_row = open_tag + cell_xml(ref, value, _style(None, restyle), date1904).encode() + b"</row>"
            return xml[: inner_start + start] + new_row + xml[inner_start + end :]
        at = content_start + len(content)
        for c, a, _body, cs, ce in xs.cells(content):
            if c < col:
                continue
            if c == col:
                new = cell_xml(ref, value, _style(a, restyle), date1904).encode()
                s0, s1 = inner_start + content_start + cs, inner_start + content_start + ce
                return xml[:s0] + new + xml[s1:]
            at = content_start + cs
            break
        new = cell_xml(ref, value, _style(None, restyle), date1904).encode()
        return xml[: inner_start + at] + new + xml[inner_start + at :]
    new_row = f'<row r="{row}">{cell_xml(ref, value, _style(None, restyle), date1904)}</row>'.encode()
    return xml[: inner_start + insert_at] + new_row + xml[inner_start + insert_at :]
