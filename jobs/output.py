"""Printing reports: the same report as a table for people, JSON for programs, CSV for spreadsheets.

Every report object has ``to_json_dict()`` (the contract of DESIGN.md); tables and CSV are derived from that dict
by one small description per report kind, so the three formats never disagree.
"""
from __future__ import annotations

import csv
import io
import json
from typing import Callable

FORMATS = ("table", "json", "csv")


def _aging_rows(d: dict) -> tuple[list[str], list[list], list[str]]:
    labels = d["buckets"]
    headers = ["Customer", *labels, "Total"]
    rows = [[c["customer"], *[c["buckets"][b] for b in labels], c["total"]] for c in d["customers"]]
    footer = ["TOTAL", *[d["totals"][b] for b in labels], d["totals"]["total"]]
    rows.append(footer)
    head = [f"Aging as of {d['as_of']} by {d['by']} date, {d['currency']}"
            + (f" (books as of {d['source_date']})" if d.get("source_date") else "")]
    return headers, rows, head


def _records_rows(key: str, columns: list[tuple[str, str]], title: Callable[[dict], str]):
    def build(d: dict):
        headers = [h for h, _ in columns]
        rows = [[_cell(r.get(f)) for _, f in columns] for r in d.get(key, [])]
        return headers, rows, [title(d)]
    return build


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k} {_cell(v)}" for k, v in value.items())
    return str(value)


TABULATORS: dict[str, Callable[[dict], tuple[list[str], list[list], list[str]]]] = {"aging": _aging_rows}


def register(kind: str, key: str, columns: list[tuple[str, str]], title: Callable[[dict], str]) -> None:
    TABULATORS[kind] = _records_rows(key, columns, title)


def render(kind: str, data: dict, fmt: str) -> str:
    """The report ``data`` (a ``to_json_dict()``) as ``fmt``; warnings go into the table's head and JSON."""
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False)
    headers, rows, head = TABULATORS[kind](data)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(headers)
        writer.writerows([_csv_safe(c) for c in row] for row in rows)
        return out.getvalue()
    lines = list(head)
    for w in data.get("warnings", []) or []:
        lines.append(f"warning: {w}")
    lines.append(_table(headers, rows))
    for k, reason in (data.get("reasons") or {}).items():
        lines.append(f"{k}: {reason}")
    return "\n".join(lines) + "\n"


def _csv_safe(value) -> str:
    """CSV cells people open in a spreadsheet: text that would start a formula is prefixed with a quote."""
    text = _cell(value)
    if text[:1] in ("=", "+", "@", "\t", "\r") or (text[:1] == "-" and not _is_number(text)):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)  # only a test of shape: the value is printed as the text it already is
        return True
    except ValueError:
        return False


def _table(headers: list[str], rows: list[list]) -> str:
    cells = [[_cell(c) for c in r] for r in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    numeric = [all(_is_number(r[i]) or r[i] == "" for r in cells) and i > 0 for i in range(len(headers))]

    def line(values):
        return "  ".join(v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric)).rstrip()

    out = [line(headers), line(["-" * w for w in widths])]
    out += [line(r) for r in cells]
    return "\n".join(out)
