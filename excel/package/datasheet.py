"""Rewriting one program-owned data sheet: its header and rows, dimension, columns and table.

The sheet part is cut around ``<sheetData>``; what precedes and follows it is kept (with the ``<dimension>``
and, when the columns change, the ``<cols>`` updated), and the rows are produced as a stream of chunks. The
number format of each data column comes from the column default styles (``<cols>``), falling back to the old
cells and then to the workbook's styles.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from excel.layout import MONEY, Column, PanelData, Sheet, has_wrap, header_height, row_height
from excel.values import row_reader

from . import xmlsplice as xs
from .cells import RowWriter, col_letter, escape_attr, escape_text, unescape_ooxml
from .opc import NS, Package, SheetRef, parse
from .styles import Styles

CHUNK_ROWS = 2000


@dataclass
class SheetEdit:
    """The new bytes of one data sheet and its table, ready to be streamed into the new package."""

    part: str
    head: bytes
    body: Callable[[], Iterator[bytes]]
    tail: bytes
    tables: dict[str, bytes] = field(default_factory=dict)

    def chunks(self) -> Iterator[bytes]:
        yield self.head
        yield from self.body()
        yield self.tail


def _cell_text(pkg: Package, a: dict[str, str], content: bytes) -> str | None:
    t = a.get("t", "n")
    if t == "inlineStr":
        m = re.findall(rb"<(?:\w+:)?t\b[^>]*>(.*?)</(?:\w+:)?t>", content, re.DOTALL)
        return unescape_ooxml(_unxml(b"".join(m).decode())) if m else ""
    v = re.search(rb"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", content, re.DOTALL)
    if v is None:
        return None
    text = _unxml(v.group(1).decode())
    if t == "s":
        try:
            return pkg.shared_strings[int(text)]
        except (ValueError, IndexError):
            return None
    return text


def _unxml(text: str) -> str:
    if "&" not in text:
        return text
    return parse(b"<x>" + text.encode() + b"</x>", "cell").text or ""


def _old_table(pkg: Package, sheet_ref: SheetRef, layout: Sheet) -> tuple[str, bytes] | None:
    tables = pkg.tables_of(sheet_ref)
    for member in tables:
        xml = pkg.read(member)
        root = parse(xml, member)
        if layout.table in (root.get("name"), root.get("displayName")):
            return member, xml
    if tables:
        return tables[0], pkg.read(tables[0])
    return None


def _old_kind(layout: Sheet, header: str) -> str | None:
    for c in layout.columns:
        if c.header == header:
            return c.kind
    return MONEY if layout.dynamic_field else None


def plan_sheet(pkg: Package, layout: Sheet, data: PanelData, styles: Styles) -> SheetEdit:
    """Work out the new sheet part and table part of ``layout``'s sheet for ``data``."""
    ref = pkg.sheet(layout.name)
    xml = pkg.read(ref.part)
    span = xs.element(xml, b"sheetData")
    if span is None:
        raise_damaged(pkg, ref.part)
    columns, values = row_reader(layout, data.bucket_labels)
    hr = layout.header_row
    inner = xml[span[1] : span[2]]

    kept: list[bytes] = []  # rows above the header (a title, say) stay as they are
    header_cells: dict[int, tuple[dict, bytes]] = {}
    first_cells: dict[int, tuple[dict, bytes]] = {}
    for r, _a, content, start, end in xs.rows(inner):
        if r < hr:
            kept.append(inner[start:end])
        elif r == hr:
            header_cells = {c: (a, body) for c, a, body, _s, _e in xs.cells(content)}
        elif r == hr + 1:
            first_cells = {c: (a, body) for c, a, body, _s, _e in xs.cells(content)}
        else:
            break

    old_table = _old_table(pkg, ref, layout)
    if old_table is not None:
        troot = parse(old_table[1], old_table[0])
        old_headers = [tc.get("name", "") for tc in troot.iter(f"{{{NS}}}tableColumn")]
    else:
        old_headers = [_cell_text(pkg, *header_cells[c]) or "" for c in sorted(header_cells)]
    old_cols = xs.cols(xml)

    def data_style(k: int) -> int | None:
        if k in old_cols and "style" in old_cols[k]:
            return int(old_cols[k]["style"])
        if k in first_cells and "s" in first_cells[k][0]:
            return int(first_cells[k][0]["s"])
        return None

    def header_style(k: int) -> int | None:
        if k in header_cells and "s" in header_cells[k][0]:
            return int(header_cells[k][0]["s"])
        return data_style(k)

    old_pos = {h: i + 1 for i, h in enumerate(old_headers)}
    d_styles: list[int | None] = []
    h_styles: list[int | None] = []
    for col in columns:
        k = old_pos.get(col.header)
        if k is None:  # a new column: borrow from an old column of the same kind
            k = next((old_pos[h] for h in old_headers if _old_kind(layout, h) == col.kind), None)
        ds = data_style(k) if k else None
        if ds is None:
            ds = styles.style_for(col.kind)
        hs = header_style(k) if k else None
        hs = hs if hs is not None else header_style(1)
        if styles is not None:  # a long header wraps (and so does a wrap column's text), in an older file too
            hs = styles.derive(hs, wrap=True)
            if col.wrap:
                ds = styles.derive(ds, wrap=True)
        d_styles.append(ds)
        h_styles.append(hs)

    records = data.rows.get(layout.name, [])
    n = len(records)
    last_col = col_letter(len(columns))
    last_row = hr + n
    first_row = min([hr] + [r for r, *_ in xs.rows(b"".join(kept))])
    headers_changed = [c.header for c in columns] != old_headers
    # the widths the columns will have (kept from the file where it has them), for the heights of wrapped rows
    widths = []
    for i, col in enumerate(columns, start=1):
        old = old_cols.get(old_pos.get(col.header, 0) if headers_changed else i, {}).get("width")
        try:
            widths.append(float(old) if old else col.width)
        except ValueError:
            widths.append(col.width)

    head_row = RowWriter(h_styles, pkg.date1904).row_xml(hr, [c.header for c in columns],
                                                           header_height(columns, widths))
    open_tag = xml[span[0] : span[1]]
    if open_tag.endswith(b"/>"):
        open_tag = open_tag[:-2].rstrip() + b">"
    prefix = re.match(rb"<(\w+:)?", open_tag).group(1) or b""
    before = xml[: span[0]]
    after = xml[span[3] :]
    dim = xs.element(before, b"dimension")
    if dim is not None:
        tag = xs.set_attr(before[dim[0] : dim[1]], b"ref", f"A{first_row}:{last_col}{last_row}".encode())
        before = before[: dim[0]] + tag + before[dim[1] :]
    if headers_changed:
        before = _new_cols(before, columns, old_cols, old_pos, d_styles)
    after = _sheet_autofilter(after, f"A{hr}:{last_col}{max(last_row, hr + 1)}")

    writer = RowWriter(d_styles, pkg.date1904)
    wraps = has_wrap(columns)

    def body() -> Iterator[bytes]:
        row_xml = writer.row_xml
        r = hr + 1
        for i in range(0, n, CHUNK_ROWS):
            out = []
            for line in records[i : i + CHUNK_ROWS]:
                if wraps:
                    cells = values(line, r)
                    out.append(row_xml(r, cells, row_height(columns, cells, widths)))
                else:
                    out.append(row_xml(r, values(line, r)))
                r += 1
            yield "".join(out).encode("utf-8", "replace")

    head = before + open_tag + b"".join(kept) + head_row.encode("utf-8", "replace")
    tail = b"</" + prefix + b"sheetData>" + after
    edit = SheetEdit(ref.part, head, body, tail)
    if old_table is not None:
        ref_text = f"A{hr}:{last_col}{max(last_row, hr + 1)}"
        edit.tables[old_table[0]] = _new_table(old_table[1], ref_text, columns, headers_changed)
    return edit


def raise_damaged(pkg: Package, part: str):
    from receivables.errors import InputError

    raise InputError(
        f"part {part} has no sheet data",
        source=str(pkg.path),
        hint="the file is damaged; rebuild it with `ardesk workbook new`",
    )


def _new_cols(before: bytes, columns: tuple[Column, ...], old_cols, old_pos, d_styles) -> bytes:
    parts = []
    for i, (col, style) in enumerate(zip(columns, d_styles), start=1):
        old = old_cols.get(old_pos.get(col.header, 0), {})
        width = old.get("width") or str(col.width)
        parts.append(f'<col min="{i}" max="{i}" width="{width}" style="{style}" customWidth="1"/>')
    new = ("<cols>" + "".join(parts) + "</cols>").encode()
    span = xs.element(before, b"cols")
    if span is not None:
        return before[: span[0]] + new + before[span[3] :]
    return before + new  # <cols> comes right before <sheetData>


def _sheet_autofilter(after: bytes, ref: str) -> bytes:
    span = xs.element(after, b"autoFilter")
    if span is None:
        return after
    tag = after[span[0] : span[1]]
    if not tag.endswith(b"/>"):
        tag = tag[:-1].rstrip() + b"/>"
    return after[: span[0]] + xs.set_attr(tag, b"ref", ref.encode()) + after[span[3] :]


def _new_table(xml: bytes, ref: str, columns: tuple[Column, ...], headers_changed: bool) -> bytes:
    """The table part with its range set to ``ref``, stale filter and sort state dropped, and its columns
    renamed to the layout's when they changed (kept columns keep their ids and attributes)."""
    span = xs.element(xml, b"table")
    start_tag = xs.set_attr(xml[span[0] : span[1]], b"ref", ref.encode())
    xml = xml[: span[0]] + start_tag + xml[span[1] :]
    af = xs.element(xml, b"autoFilter")
    if af is not None:
        tag = xml[af[0] : af[1]]
        if not tag.endswith(b"/>"):
            tag = tag[:-1].rstrip() + b"/>"
        xml = xml[: af[0]] + xs.set_attr(tag, b"ref", ref.encode()) + xml[af[3] :]
    ss = xs.element(xml, b"sortState")
    if ss is not None:
        xml = xml[: ss[0]] + xml[ss[3] :]
    if headers_changed:
        tc = xs.element(xml, b"tableColumns")
        body = xml[tc[1] : tc[2]]
        old = {}
        for m in re.finditer(
            rb"<(?:\w+:)?tableColumn\b([^>]*?)(?:/>|>.*?</(?:\w+:)?tableColumn>)", body, re.DOTALL
        ):
            a = xs.attrs(m.group(1))
            old[unescape_ooxml(_unxml(a.get("name", "")))] = (int(a.get("id", "0")), m.group(0))
        next_id = max([0] + [i for i, _ in old.values()]) + 1
        parts = []
        for col in columns:
            if col.header in old:
                parts.append(old[col.header][1])
            else:
                parts.append(f'<tableColumn id="{next_id}" name="{escape_attr(col.header)}"/>'.encode())
                next_id += 1
        new = xs.set_attr(
            xml[tc[0] : tc[1]] if tc[1] > tc[0] else b"<tableColumns>", b"count", str(len(columns)).encode()
        )
        xml = xml[: tc[0]] + new + b"".join(parts) + b"</tableColumns>" + xml[tc[3] :]
    return xml


__all__ = ["SheetEdit", "escape_text", "plan_sheet"]
