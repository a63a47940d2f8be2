"""Small, exact edits of SpreadsheetML parts as bytes: everything outside the edited element stays as it was.

A refresh must leave the parts a spreadsheet program wrote alone, down to the byte; re-serialising a parsed
tree would not. These helpers find elements by regular expressions on the part's bytes (tags may carry a
namespace prefix) and splice new text in.
"""

from __future__ import annotations

import re

from .cells import col_index

_ATTR = re.compile(rb'([\w:.-]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')
_ROW = re.compile(rb"<(?:\w+:)?row\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?row>)", re.DOTALL)
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.DOTALL)


def attrs(text: bytes) -> dict[str, str]:
    """Attributes of a start tag's attribute text."""
    return {
        m.group(1).decode(): (m.group(2) if m.group(2) is not None else m.group(3)).decode()
        for m in _ATTR.finditer(text)
    }


def set_attr(start_tag: bytes, name: bytes, value: bytes) -> bytes:
    """``start_tag`` with attribute ``name`` set to ``value`` (added before the tag's end when absent)."""
    m = re.search(rb"(\s" + re.escape(name) + rb'\s*=\s*)(?:"[^"]*"|\'[^\']*\')', start_tag)
    if m:
        return start_tag[: m.start()] + m.group(1) + b'"' + value + b'"' + start_tag[m.end() :]
    end = len(start_tag) - (2 if start_tag.endswith(b"/>") else 1)
    return start_tag[:end] + b" " + name + b'="' + value + b'"' + start_tag[end:]


def element(xml: bytes, tag: bytes, start: int = 0) -> tuple[int, int, int, int] | None:
    """Span of the first ``tag`` element: (start, end of start tag, start of end tag, end); None if absent.

    For an empty element written ``<tag/>`` the two middle values both equal the end.
    """
    m = re.compile(rb"<(?:(\w+):)?" + tag + rb"\b[^>]*?(/?)>").search(xml, start)
    if m is None:
        return None
    if m.group(2):
        return m.start(), m.end(), m.end(), m.end()
    prefix = (m.group(1) + b":") if m.group(1) else b""
    close = xml.find(b"</" + prefix + tag + b">", m.end())
    if close < 0:
        return None
    return m.start(), m.end(), close, close + len(prefix) + len(tag) + 3


def rows(sheet_data: bytes):
    """(row number, attribute text, content, start, end) of each ``<row>`` in a sheetData's content,
    lazily."""
    previous = 0
    for m in _ROW.finditer(sheet_data):
        a = attrs(m.group(1))
        r = int(a["r"]) if "r" in a else previous + 1
        previous = r
        yield r, m.group(1), m.group(2) or b"", m.start(), m.end()


def cells(row_content: bytes):
    """(column index, attributes, content, start, end) of each ``<c>`` in a row's content."""
    previous = 0
    for m in _CELL.finditer(row_content):
        a = attrs(m.group(1))
        ref = a.get("r")
        col = col_index(re.match(r"[A-Za-z]+", ref).group(0)) if ref else previous + 1
        previous = col
        yield col, a, m.group(2) or b"", m.start(), m.end()


def cols(xml: bytes) -> dict[int, dict[str, str]]:
    """The sheet's ``<col>`` settings per 1-based column index (ranges expanded)."""
    span = element(xml, b"cols")
    out: dict[int, dict[str, str]] = {}
    if span is None:
        return out
    for m in re.finditer(rb"<(?:\w+:)?col\b([^>]*?)/?>", xml[span[1] : span[2]]):
        a = attrs(m.group(1))
        try:
            lo, hi = int(a.get("min", "0")), int(a.get("max", "0"))
        except ValueError:
            continue
        for i in range(lo, min(hi, 16384) + 1):
            out[i] = a
    return out


def replace_span(xml: bytes, span: tuple[int, int], new: bytes) -> bytes:
    return xml[: span[0]] + new + xml[span[1] :]
