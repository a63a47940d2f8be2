"""The workbook's shared strings, emptied where no cell uses them any more; a sheet's rows read by its headers.

A spreadsheet program that saves the panel keeps every text of every sheet in one table (``sharedStrings.xml``),
and cells point into it. When a refresh replaces a program sheet, or an erasure blanks a person's cell, the texts
those cells showed stay in the table, unused, but still in the file: a name or an e-mail address erased from the
ledger would still be inside the workbook. :func:`drop_unused_strings` empties every entry no cell points at
(keeping the entries, so that the other cells' pointers stay right); a spreadsheet program never shows them.
"""
from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from excel.layout import sheet
from receivables.errors import WorkbookBusy

from .lock import workbook_lock
from .opc import NS, Package, parse
from .read import _sheet_cells
from .write import _write_atomic

_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_SHARED = re.compile(rb"""\bt\s*=\s*["']s["']""")
_VALUE = re.compile(rb"<(?:\w+:)?v>\s*(\d+)\s*</(?:\w+:)?v>")


def _used(pkg: Package) -> set[int]:
    """The shared-string indices any cell of any sheet points at."""
    used: set[int] = set()
    for ref in pkg.sheets:
        if ref.part not in pkg.infos:
            continue
        for m in _CELL.finditer(pkg.read(ref.part)):
            if m.group(2) and _SHARED.search(m.group(1)):
                v = _VALUE.search(m.group(2))
                if v:
                    used.add(int(v.group(1)))
    return used


def drop_unused_strings(path: str | Path) -> int:
    """Empty the shared strings no cell uses (see the module); returns how many were emptied. Raises
    ``WorkbookBusy`` (writing nothing) when the workbook is open."""
    path = Path(path)
    with Package(path) as pkg:
        rel = pkg.workbook_rel("sharedStrings")
        if rel is None or rel.target not in pkg.infos:
            return 0
        root = parse(pkg.read(rel.target), rel.target)
        items = list(root.iterchildren(f"{{{NS}}}si"))
        used = _used(pkg)
        emptied = 0
        for k, si in enumerate(items):
            if k in used or not "".join(si.itertext()):
                continue
            for child in list(si):
                si.remove(child)
            etree.SubElement(si, f"{{{NS}}}t")
            emptied += 1
        if not emptied:
            return 0
        busy = workbook_lock(path)
        if busy:
            raise WorkbookBusy(f"the workbook is {busy}; nothing was written", source=str(path))
        data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        _write_atomic(path, pkg, {rel.target: data}, {}, set())
    return emptied


def read_rows(path: str | Path, name: str) -> list[dict]:
    """The rows below the header of sheet ``name`` (a layout's sheet), as dicts keyed by its columns' fields (plus
    ``"_row"``); cells as stored (text, exact numbers); an empty list when the workbook has no such sheet."""
    layout = sheet(name)
    with Package(path) as pkg:
        if not any(s.name == layout.name for s in pkg.sheets):
            return []
        cells = _sheet_cells(pkg, layout.name)
    header = {str(v).strip(): col for col, v in cells.get(layout.header_row, {}).items()}
    where = {c.field: header[c.header] for c in layout.columns if c.header in header}
    return [{"_row": r, **{f: cells[r].get(col) for f, col in where.items()}}
            for r in sorted(k for k in cells if k > layout.header_row)]
