"""Writing the program's cells of the Notes sheet into the file: a note's id and its Synced text, and rows for notes
added outside the workbook. Nothing a person typed changes.

The Notes sheet belongs to people; the program's only cells there are the *Note id* and *Synced* columns of each
row (:data:`excel.layout.NOTE_PROGRAM_FIELDS`), written in place, cell by cell, keeping each cell's style. Notes
added with ``ardesk notes add`` are appended below the last row a person used, and the sheet's table grows to
hold them; from then on those rows are the people's like any other. The file is written atomically, as a refresh
writes it (:func:`excel.package.write._write_atomic`).

The one exception is personal data erased on request or pruned by retention: :func:`erase_notes`, a path of its own,
blanks those notes' cells (or puts a person's pseudonym in its Customer cell) and can write nothing else.
"""
from __future__ import annotations

import re
from pathlib import Path

from excel.layout import NOTE_PROGRAM_FIELDS, NOTES, sheet
from receivables.erasure import PSEUDONYM_PREFIX
from receivables.errors import InputError, WorkbookBusy

from . import xmlsplice as xs
from .cells import col_letter, split_ref
from .control import _Damaged, _write_cell
from .datasheet import _new_table, _old_table
from .lock import workbook_lock
from .opc import Package
from .read import _sheet_cells
from .write import _calc_chain, _write_atomic


def write_notes(path: str | Path, cells: dict[int, dict[str, object]], appended: list[dict] | tuple = ()) -> int:
    """Write ``cells`` (sheet row -> {field: value}, only fields of :data:`NOTE_PROGRAM_FIELDS`) and append the
    ``appended`` notes (dicts keyed by the Notes layout's fields) to the Notes sheet of the workbook at ``path``.
    Returns the number of cells written. Raises ``WorkbookBusy`` (writing nothing) when the workbook is open."""
    path = Path(path)
    for row, values in cells.items():
        other = set(values) - set(NOTE_PROGRAM_FIELDS)
        if other:
            raise ValueError(f"row {row}: {sorted(other)} belong to people; the program writes only "
                             f"{list(NOTE_PROGRAM_FIELDS)} on the Notes sheet")
    if not cells and not appended:
        return 0
    busy = workbook_lock(path)
    if busy:
        raise WorkbookBusy(f"the workbook is {busy}; nothing was written", source=str(path),
                           hint="close it there and push again")
    layout = sheet(NOTES)
    with Package(path) as pkg:
        ref = pkg.sheet(layout.name)
        xml = pkg.read(ref.part)
        grid = _sheet_cells(pkg, layout.name)
        header = {str(v).strip(): col for col, v in grid.get(layout.header_row, {}).items()}
        where = {c.field: header[c.header] for c in layout.columns if c.header in header}
        missing = [f for f in NOTE_PROGRAM_FIELDS if f not in where]
        if missing:
            column = next(c.header for c in layout.columns if c.field == missing[0])
            raise InputError(f"the Notes sheet has no column {column!r} in row {layout.header_row}",
                             source=str(path), hint="restore the header, or copy the notes into a new panel")
        col_styles = {i: a.get("style") for i, a in xs.cols(xml).items()}

        def restyle_for(col: int):
            def restyle(s):       # a cell keeps its style; a new one takes its column's
                return s if s is not None else (int(col_styles[col]) if col_styles.get(col) else None)
            return restyle

        todo: dict[tuple[int, int], object] = {}
        for row, values in cells.items():
            for field, value in values.items():
                todo[(row, where[field])] = value
        last = max([layout.header_row] + list(grid))
        for n, note in enumerate(appended, start=1):
            for field, col in where.items():
                value = note.get(field)
                if value is not None and value != "":
                    todo[(last + n, col)] = value
        try:
            for (row, col), value in sorted(todo.items()):
                xml = _write_cell(xml, row, col, value, pkg.date1904, restyle_for(col))
        except _Damaged:
            raise InputError(f"part {ref.part} has no sheet data", source=str(path),
                             hint="rebuild the panel with `ardesk workbook new`") from None
        replaced = {ref.part: xml}
        if appended:
            end = last + len(appended)
            width = max(len(layout.columns), max(where.values()))
            span = f"A{layout.header_row}:{col_letter(width)}{end}"
            table = _old_table(pkg, ref, layout)
            if table is not None:
                member, table_xml = table
                tag = xs.element(table_xml, b"table")
                first, _, last_ref = xs.attrs(table_xml[tag[0]:tag[1]]).get("ref", "").partition(":")
                old_end, last_col = split_ref(last_ref) if last_ref else (0, width)
                if end > old_end:
                    replaced[member] = _new_table(table_xml, f"{first or 'A1'}:{col_letter(last_col)}{end}",
                                                  layout.columns, False)
            dim = xs.element(replaced[ref.part], b"dimension")
            if dim is not None:
                tag = replaced[ref.part][dim[0]:dim[1]]
                replaced[ref.part] = (replaced[ref.part][:dim[0]] + xs.set_attr(tag, b"ref", span.encode())
                                      + replaced[ref.part][dim[1]:])
        dropped = _calc_chain(pkg, set(), {ref.part: set(todo)}, replaced)
        _write_atomic(path, pkg, replaced, {}, dropped)
    return len(todo)


#: What the erasure path may write in a Customer cell: a person's pseudonym, nothing else.
_PSEUDONYM = re.compile(re.escape(PSEUDONYM_PREFIX) + r"[0-9a-f]{8}")


def check_erasure(cells: dict[int, dict[str, str | None]]) -> None:
    """Refuse (``ValueError``) anything in ``cells`` but blanking a people's cell of the Notes sheet or writing a
    person's pseudonym in its Customer cell: the erasure's writers (this file's, and the open workbook's in
    :func:`excel.live.notes_eraser`) write nothing else."""
    people = {c.field for c in sheet(NOTES).columns} - set(NOTE_PROGRAM_FIELDS)
    for row, values in cells.items():
        for field, value in values.items():
            if field not in people:
                raise ValueError(f"row {row}: {field!r} is not a cell people type on the Notes sheet")
            if value is not None and not (field == "customer" and _PSEUDONYM.fullmatch(str(value))):
                raise ValueError(f"row {row}: the erasure path blanks cells or writes a pseudonym, not {value!r}")


def erase_notes(path: str | Path, cells: dict[int, dict[str, str | None]]) -> int:
    """The one path that changes what a person typed on the Notes sheet, for erasure only (separate from
    :func:`write_notes`, which refuses every field but the program's): blank the given cells of notes whose content
    was erased on request or pruned (value ``None``), or put a person's pseudonym in its Customer cell. Any other
    value is refused, so nothing but an erasure can pass through here. Returns the number of cells written; raises
    ``WorkbookBusy`` (writing nothing) when the workbook is open."""
    path = Path(path)
    layout = sheet(NOTES)
    check_erasure(cells)
    if not cells:
        return 0
    busy = workbook_lock(path)
    if busy:
        raise WorkbookBusy(f"the workbook is {busy}; nothing was written", source=str(path),
                           hint="close it there and refresh again")
    with Package(path) as pkg:
        ref = pkg.sheet(layout.name)
        xml = pkg.read(ref.part)
        header = {str(v).strip(): col for col, v in _sheet_cells(pkg, layout.name).get(layout.header_row, {}).items()}
        where = {c.field: header[c.header] for c in layout.columns if c.header in header}
        todo = {(row, where[f]): v for row, values in cells.items() for f, v in values.items() if f in where}
        try:
            for (row, col), value in sorted(todo.items()):
                xml = _write_cell(xml, row, col, value, pkg.date1904, lambda s: s)
        except _Damaged:
            raise InputError(f"part {ref.part} has no sheet data", source=str(path),
                             hint="rebuild the panel with `ardesk workbook new`") from None
        replaced = {ref.part: xml}
        dropped = _calc_chain(pkg, set(), {ref.part: set(todo)}, replaced)
        _write_atomic(path, pkg, replaced, {}, dropped)
    return len(todo)
