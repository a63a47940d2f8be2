"""Finding (and, when a workbook lacks one, adding) the cell style for a column kind's number format."""

from __future__ import annotations

import re

from excel.layout import NUMBER_FORMATS

from .cells import escape_attr
from .opc import NS, parse

_BUILTIN = {
    0: "general",
    1: "0",
    2: "0.00",
    3: "#,##0",
    4: "#,##0.00",
    9: "0%",
    10: "0.00%",
    14: "mm-dd-yy",
    49: "@",
}


def _norm(code: str) -> str:
    return code.replace("\\", "").replace('"', "").lower()


class Styles:
    """The workbook's ``cellXfs`` by number format; :meth:`style_for` adds a style only when none fits."""

    def __init__(self, xml: bytes, member: str):
        self.xml = xml
        self.member = member
        self.changed = False
        root = parse(xml, member)
        self._codes = {
            int(f.get("numFmtId")): _norm(f.get("formatCode", "")) for f in root.iter(f"{{{NS}}}numFmt")
        }
        xfs = root.find(f"{{{NS}}}cellXfs")
        self._xf_fmt = [int(x.get("numFmtId", "0")) for x in (xfs if xfs is not None else [])]

    def _code(self, fmt_id: int) -> str:
        return self._codes.get(fmt_id, _BUILTIN.get(fmt_id, ""))

    def style_for(self, kind: str) -> int:
        """Index of a cell style showing ``kind``'s number format (layout.NUMBER_FORMATS)."""
        want = _norm(NUMBER_FORMATS[kind])
        for i, fmt_id in enumerate(self._xf_fmt):
            if self._code(fmt_id) == want:
                return i
        return self._add(NUMBER_FORMATS[kind])

    def _add(self, code: str) -> int:
        xml = self.xml
        want = _norm(code)
        fmt_id = next((i for i, c in self._codes.items() if c == want), None)
        if fmt_id is None:
            fmt_id = max([163, *self._codes]) + 1
            self._codes[fmt_id] = want
            entry = f'<numFmt numFmtId="{fmt_id}" formatCode="{escape_attr(code)}"/>'.encode()
            m = re.search(rb"<numFmts\b[^>]*?(/?)>", xml)
            if m is None:
                at = re.search(rb"<styleSheet\b[^>]*>", xml).end()
                xml = xml[:at] + b'<numFmts count="1">' + entry + b"</numFmts>" + xml[at:]
            elif m.group(1):
                xml = xml[: m.start()] + b'<numFmts count="1">' + entry + b"</numFmts>" + xml[m.end() :]
            else:
                end = xml.index(b"</numFmts>", m.end())
                xml = xml[:end] + entry + xml[end:]
                xml = _bump_count(xml, b"numFmts")
        xf = f'<xf numFmtId="{fmt_id}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        xf = xf.encode()
        end = xml.index(b"</cellXfs>")
        xml = _bump_count(xml[:end] + xf + xml[end:], b"cellXfs")
        self._xf_fmt.append(fmt_id)
        self.xml = xml
        self.changed = True
        return len(self._xf_fmt) - 1


def _bump_count(xml: bytes, tag: bytes) -> bytes:
    m = re.search(rb"<" + tag + rb"\b[^>]*?\bcount=\"(\d+)\"", xml)
    if m is None:
        return xml
    return xml[: m.start(1)] + str(int(m.group(1)) + 1).encode() + xml[m.end(1) :]
