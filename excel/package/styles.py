"""Finding (and, when a workbook lacks one, adding) the cell style for a column kind's number format, and the
style like a cell's own but with a kind's number format or wrapped text."""

from __future__ import annotations

import re

from excel.layout import NUMBER_FORMATS

from . import xmlsplice as xs
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

_XF = re.compile(rb"<(?:\w+:)?xf\b[^>]*?(?:/>|>.*?</(?:\w+:)?xf>)", re.DOTALL)
# Characters that mean something in a format code: a literal one must stay marked as literal.
_MEANINGFUL = set("0#?.,%eE@/*_;[]abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _norm(code: str) -> str:
    """A format code in one spelling, so that the same format written by ardesk, Excel or LibreOffice compares
    equal: case folded, and literal characters (quoted, or escaped with a backslash) written as ``\\c`` when they
    would mean something unmarked (``0.0"%"`` and ``0.0\\%`` are one format, ``0.0%`` another) and bare
    otherwise (``yyyy\\-mm\\-dd`` is ``yyyy-mm-dd``)."""
    out = []
    i, n = 0, len(code)
    while i < n:
        ch = code[i]
        if ch == "\\" and i + 1 < n:
            literal, i = code[i + 1], i + 2
        elif ch == '"':
            end = code.find('"', i + 1)
            end = n if end < 0 else end
            for lit in code[i + 1 : end]:
                out.append("\\" + lit.lower() if lit in _MEANINGFUL else lit.lower())
            i = end + 1
            continue
        else:
            out.append(ch.lower())
            i += 1
            continue
        out.append("\\" + literal.lower() if literal in _MEANINGFUL else literal.lower())
    return "".join(out)


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
        xfs = xfs if xfs is not None else []
        self._xf_fmt = [int(x.get("numFmtId", "0")) for x in xfs]
        self._xf_wrap = [
            (x.find(f"{{{NS}}}alignment") is not None
             and x.find(f"{{{NS}}}alignment").get("wrapText", "0").lower() in ("1", "true"))
            for x in xfs
        ]
        self._derived: dict[tuple, int] = {}

    def _code(self, fmt_id: int) -> str:
        return self._codes.get(fmt_id, _BUILTIN.get(fmt_id, ""))

    def style_for(self, kind: str) -> int:
        """Index of a cell style showing ``kind``'s number format (layout.NUMBER_FORMATS)."""
        want = _norm(NUMBER_FORMATS[kind])
        for i, fmt_id in enumerate(self._xf_fmt):
            if self._code(fmt_id) == want:
                return i
        xf = f'<xf numFmtId="{self._fmt_id(NUMBER_FORMATS[kind])}" fontId="0" fillId="0" borderId="0" xfId="0" '
        return self._append(xf.encode() + b'applyNumberFormat="1"/>')

    def derive(self, index: int | None, *, kind: str | None = None, wrap: bool = False) -> int:
        """Index of a style like style ``index`` (None: the default style, or ``kind``'s) that shows ``kind``'s
        number format and, with ``wrap``, wraps its text: ``index`` itself when it already does, else an equal
        style already there, else a new one (font, fill, border and the rest copied)."""
        if index is None or not 0 <= index < len(self._xf_fmt):
            index = self.style_for(kind) if kind else 0
            if not self._xf_fmt:
                return index
        key = (index, kind, wrap)
        if key in self._derived:
            return self._derived[key]
        fmt_ok = kind is None or self._code(self._xf_fmt[index]) == _norm(NUMBER_FORMATS[kind])
        wrap_ok = not wrap or self._xf_wrap[index]
        if fmt_ok and wrap_ok:
            self._derived[key] = index
            return index
        xfs = self._xfs()
        xf = xfs[index]
        m = re.match(rb"<(\w+:)?xf\b[^>]*?(/?)>", xf)
        prefix = m.group(1) or b""
        if m.group(2):  # <xf .../>
            start, body, close = m.group(0)[:-2].rstrip() + b">", b"", b"</" + prefix + b"xf>"
        else:
            at = xf.rindex(b"</")
            start, body, close = m.group(0), xf[m.end() : at], xf[at:]
        if not fmt_ok:
            start = xs.set_attr(start, b"numFmtId", str(self._fmt_id(NUMBER_FORMATS[kind])).encode())
            start = xs.set_attr(start, b"applyNumberFormat", b"1")
        if not wrap_ok:
            start = xs.set_attr(start, b"applyAlignment", b"1")
            align = re.search(rb"<(?:\w+:)?alignment\b[^>]*?/?>", body)
            if align:
                body = body[: align.start()] + xs.set_attr(align.group(0), b"wrapText", b"1") + body[align.end() :]
            else:  # alignment comes first among an xf's children
                body = b"<" + prefix + b'alignment wrapText="1"/>' + body
        new = start + body + close
        found = next((i for i, x in enumerate(xfs) if x == new), None)
        result = found if found is not None else self._append(new, wrap=self._xf_wrap[index] or wrap)
        self._derived[key] = result
        return result

    def _xfs(self) -> list[bytes]:
        span = xs.element(self.xml, b"cellXfs")
        return [m.group(0) for m in _XF.finditer(self.xml[span[1] : span[2]])] if span else []

    def _fmt_id(self, code: str) -> int:
        """The id of number format ``code``, added to ``numFmts`` when the workbook has none like it."""
        want = _norm(code)
        for fmt_id in (*self._codes, *_BUILTIN):
            if self._code(fmt_id) == want:
                return fmt_id
        xml = self.xml
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
        self.xml = xml
        self.changed = True
        return fmt_id

    def _append(self, xf: bytes, wrap: bool = False) -> int:
        """Add ``xf`` at the end of ``cellXfs``; its index."""
        xml = self.xml
        span = xs.element(xml, b"cellXfs")
        end = span[2]
        xml = _bump_count(xml[:end] + xf + xml[end:], b"cellXfs")
        m = re.search(rb'\bnumFmtId="(\d+)"', xf)
        self._xf_fmt.append(int(m.group(1)) if m else 0)
        self._xf_wrap.append(wrap)
        self.xml = xml
        self.changed = True
        return len(self._xf_fmt) - 1


def _bump_count(xml: bytes, tag: bytes) -> bytes:
    m = re.search(rb"<(?:\w+:)?" + tag + rb"\b[^>]*?\bcount=\"(\d+)\"", xml)
    if m is None:
        return xml
    return xml[: m.start(1)] + str(int(m.group(1)) + 1).encode() + xml[m.end(1) :]
