"""``write_panel_data``: replace the program-owned sheets of a workbook file in place, atomically.

Only the parts that hold program data change: each data sheet's part and table part, the cells of the output
named cells, and where needed ``workbook.xml`` (``fullCalcOnLoad``), ``styles.xml`` (a missing number format)
and the calc chain (dropped when it lists a replaced cell). Every other member is copied unchanged, in order,
with its compression. The new file is written beside the old one, flushed to disk and renamed over it, so a
failure or a kill mid-write leaves the previous file as it was.
"""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

from excel.layout import PROGRAM, SHEETS, PanelData
from excel.tempfiles import new_temp, remove_leftovers
from receivables.errors import WorkbookBusy

from . import xmlsplice as xs
from .cells import split_ref
from .control import named_cell_places, write_cells
from .datasheet import SheetEdit, plan_sheet
from .lock import workbook_lock
from .opc import Package
from .styles import Styles

_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")


def write_panel_data(path: str | Path, data: PanelData) -> None:
    """Write ``data`` into the workbook file at ``path``: the program-owned sheets named in ``data.rows`` are
    replaced whole (sheets not named there are left as they are), the named cells in ``data.cells`` get their
    values, and nothing a person typed elsewhere changes. Raises ``WorkbookBusy`` (writing nothing) when the
    workbook is open in a spreadsheet program, ``InputError`` when the file is not a usable panel."""
    path = Path(path)
    program = {s.name: s for s in SHEETS if s.owner == PROGRAM}
    for name in data.rows:
        if name not in program:
            raise ValueError(
                f"{name!r} is not a program-owned sheet of the panel; its rows cannot be written"
            )
    busy = workbook_lock(path)
    if busy:
        raise WorkbookBusy(
            f"the workbook is {busy}; nothing was written",
            source=str(path),
            hint="close it there and run the refresh again",
        )
    with Package(path) as pkg:
        replaced: dict[str, bytes] = {}
        streamed: dict[str, SheetEdit] = {}
        styles_rel = pkg.workbook_rel("styles")
        styles = Styles(pkg.read(styles_rel.target), styles_rel.target) if styles_rel else None
        for name in data.rows:
            edit = plan_sheet(pkg, program[name], data, styles)
            streamed[edit.part] = edit
            replaced.update(edit.tables)
        written_cells: dict[str, set[tuple[int, int]]] = {}
        for sheet_name, places in named_cell_places(pkg, data.cells).items():
            part = pkg.sheet(sheet_name).part
            if part in streamed:
                raise ValueError(f"named cells on the data sheet {sheet_name!r} cannot be written")
            replaced[part] = write_cells(pkg.read(part), places, data.cells, pkg.date1904, part, styles)
            written_cells[part] = {(r, c) for _n, r, c in places}
        if styles is not None and styles.changed:
            replaced[styles.member] = styles.xml
        _chart_ranges(pkg, data, program, replaced)
        dropped = _calc_chain(pkg, set(streamed), written_cells, replaced)
        _full_calc(pkg, set(streamed), replaced, force=bool(dropped))
        _write_atomic(path, pkg, replaced, streamed, dropped)


def _calc_chain(
    pkg: Package, sheet_parts: set[str], cells: dict[str, set], replaced: dict[str, bytes]
) -> set[str]:
    """Drop the calc chain (its part, relationship and content type) when it lists a cell being replaced.

    Excel rebuilds the chain on the next full calculation; a chain naming a cell that holds no formula any
    more makes Excel report the file as damaged.
    """
    rel = pkg.workbook_rel("calcChain")
    if rel is None or rel.target not in pkg.infos:
        return set()
    # "i" is the sheet's id; it carries over from the previous entry when absent.
    # Match ids and positions both.
    ids: dict[str, set[str]] = {}
    for s in pkg.sheets:
        for key in (s.sheet_id, str(s.position + 1)):
            ids.setdefault(key, set()).add(s.part)
    hit = False
    current = "1"
    for m in re.finditer(rb"<(?:\w+:)?c\b([^>]*?)/?>", pkg.read(rel.target)):
        a = xs.attrs(m.group(1))
        current = a.get("i", current)
        parts = ids.get(current, set())
        if parts & sheet_parts:
            hit = True
            break
        try:
            cell = split_ref(a.get("r", ""))
        except ValueError:
            continue
        if any(cell in cells.get(p, ()) for p in parts):
            hit = True
            break
    if not hit:
        return set()
    wb_rels = _rels_member(pkg.workbook_part)
    rels_xml = replaced.get(wb_rels, pkg.read(wb_rels))
    rels_xml = re.sub(
        rb"<(?:\w+:)?Relationship\b[^>]*?\bId=\"" + re.escape(rel.id.encode()) + rb"\"[^>]*?/>", b"", rels_xml
    )
    replaced[wb_rels] = rels_xml
    ct = pkg.read("[Content_Types].xml")
    replaced["[Content_Types].xml"] = re.sub(
        rb"<(?:\w+:)?Override\b[^>]*?PartName=\"/" + re.escape(rel.target.encode()) + rb"\"[^>]*?/>", b"", ct
    )
    return {rel.target}


_CHART_REF = re.compile(
    rb"(<(?:\w+:)?f>)('?)([^<!']+)\2!(\$[A-Z]+\$)(\d+):(\$[A-Z]+\$)(\d+)(</(?:\w+:)?f>)"
)
_CACHE = re.compile(rb"<(?:\w+:)?(?:numCache|strCache)>.*?</(?:\w+:)?(?:numCache|strCache)>", re.DOTALL)


def _chart_ranges(pkg: Package, data: PanelData, program: dict, replaced: dict[str, bytes]) -> None:
    """Fit the charts' series ranges on the replaced sheets to their new row counts (and drop the stale caches
    of those series, which the spreadsheet program rebuilds from the ranges)."""
    last_row = {name.encode(): program[name].header_row + max(len(rows), 1) for name, rows in data.rows.items()}
    for member in pkg.infos:
        if not (member.startswith("xl/charts/") and member.endswith(".xml") and "/_rels/" not in member):
            continue
        xml = pkg.read(member)

        def fit(m: re.Match) -> bytes:
            end = last_row.get(m.group(3))
            if end is None:
                return m.group(0)
            return m.group(0)[: m.start(7) - m.start(0)] + str(end).encode() + m.group(8)

        new = _CHART_REF.sub(fit, xml)
        if new != xml:
            replaced[member] = _CACHE.sub(b"", new)


def _rels_member(part: str) -> str:
    folder, name = part.rsplit("/", 1) if "/" in part else ("", part)
    return f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"


def _full_calc(pkg: Package, sheet_parts: set[str], replaced: dict[str, bytes], force: bool) -> None:
    """Set ``fullCalcOnLoad`` when formulas outside the replaced sheets may read them (or the chain was
    dropped)."""
    needed = force
    if not needed:
        for s in pkg.sheets:
            if s.part in sheet_parts or s.part not in pkg.infos:
                continue
            if _FORMULA.search(replaced.get(s.part) or pkg.read(s.part)):
                needed = True
                break
    if not needed:
        return
    xml = pkg.workbook_xml
    span = xs.element(xml, b"calcPr")
    if span is not None:
        tag = xml[span[0] : span[1]]
        m = re.search(rb'\sfullCalcOnLoad\s*=\s*"([^"]*)"', tag)
        if m and m.group(1).lower() in (b"1", b"true"):
            return
        xml = xml[: span[0]] + xs.set_attr(tag, b"fullCalcOnLoad", b"1") + xml[span[1] :]
    else:
        for tag in (b"definedNames", b"externalReferences", b"functionGroups", b"sheets"):
            at = xs.element(xml, tag)
            if at is not None:
                xml = xml[: at[3]] + b'<calcPr fullCalcOnLoad="1"/>' + xml[at[3] :]
                break
    replaced[pkg.workbook_part] = xml


def _write_atomic(
    path: Path, pkg: Package, replaced: dict[str, bytes], streamed: dict[str, SheetEdit], dropped: set[str]
) -> None:
    remove_leftovers(path)
    fd, tmp = new_temp(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            with zipfile.ZipFile(fh, "w") as out:
                for info in pkg.zip.infolist():
                    name = info.filename
                    if name in dropped:
                        continue
                    new = zipfile.ZipInfo(name, info.date_time)
                    new.compress_type = info.compress_type
                    new.external_attr = info.external_attr
                    new.create_system = info.create_system
                    if name in streamed:
                        with out.open(new, "w") as dst:
                            for chunk in streamed[name].chunks():
                                dst.write(chunk)
                    elif name in replaced:
                        out.writestr(new, replaced[name])
                    else:
                        out.writestr(new, pkg.zip.read(name))
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.chmod(tmp, os.stat(path).st_mode & 0o7777)
        except OSError:
            pass
        try:
            os.replace(tmp, path)
        except PermissionError:
            raise WorkbookBusy(
                "the workbook is in use by another program; nothing was written",
                source=str(path),
                hint="close it there and run the refresh again",
            ) from None
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
