"""Printing reports: the same report as a table for people, JSON for programs, CSV for spreadsheets.

Every report object has ``to_json_dict()`` (the contract of DESIGN.md); tables and CSV are derived from that dict
by one small description per report kind, so the three formats never disagree.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

from excel.values import csv_safe, is_number

FORMATS = ("table", "json", "csv")


def _aging_rows(d: dict) -> tuple[list[str], list[list], list[str]]:
    labels = d["buckets"]
    headers = ["Customer", *labels, "Total"]
    rows = [[c["customer"], *[c["buckets"][b] for b in labels], c["total"]] for c in d["customers"]]
    footer = ["TOTAL", *[d["totals"][b] for b in labels], d["totals"]["total"]]
    rows.append(footer)
    head = [f"Aging as of {d['as_of']} by {d['by']} date, {d['currency']}" + books_date(d)]
    return headers, rows, head


UNKNOWN_DATE = "books' date unknown"


def books_date(d: dict) -> str:
    """What a table's head says of the date the books stand at: ``" (books as of 2026-10-31)"``, or that the source
    gives none (``" (books' date unknown)"``): its open balances may be of any day."""
    return f" (books as of {d['source_date']})" if d.get("source_date") else f" ({UNKNOWN_DATE})"


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k} {_cell(v)}" for k, v in value.items())
    return str(value)


TABULATORS: dict[str, Callable[[dict], tuple[list[str], list[list], list[str]]]] = {"aging": _aging_rows}


def render(kind: str, data: dict, fmt: str) -> str:
    """The report ``data`` (a ``to_json_dict()``) as ``fmt``; warnings go into the table's head, JSON, and below
    the CSV's rows (where a spreadsheet user sees them, as QuickBooks puts its own notes below a report)."""
    return "".join(chunks(kind, data, fmt))


#: A table longer than this repeats its last line (the totals) right under its header, where it is seen first.
TOTALS_FIRST = 40


def chunks(kind: str, data: dict, fmt: str):
    """:func:`render` in pieces, for writing a large report as it is made rather than as one string."""
    if fmt == "json":
        yield from json_chunks(data)
        yield "\n"
        return
    if fmt == "table":
        headers, rows, head = TABULATORS[kind](data)
        yield from (line + "\n" for line in head)
        yield from (f"warning: {w}\n" for w in data.get("warnings", []) or [])
        yield from _table_lines(headers, rows, totals_first=kind in _TOTALLED and len(rows) > TOTALS_FIRST)
        yield from (f"{k}: {reason}\n" for k, reason in (data.get("reasons") or {}).items())
        return
    yield _render_rest(kind, data, fmt)


def write(kind: str, data: dict, fmt: str, stream) -> None:
    """Write the report to ``stream`` in blocks of lines."""
    block: list[str] = []
    for piece in chunks(kind, data, fmt):
        block.append(piece)
        if len(block) >= 2048:
            stream.write("".join(block))
            block.clear()
    stream.write("".join(block))


def _render_rest(kind: str, data: dict, fmt: str) -> str:
    headers, rows, head = TABULATORS[kind](data)
    if fmt == "csv":
        # Every row says the date it is as of and the date of the books it was computed from.
        dates = [data.get("as_of") or "", data.get("source_date") or "unknown"]
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([*headers, "As of", "Books as of"])
        writer.writerows([*(_csv_safe(c) for c in row), *dates] for row in rows)
        warnings = data.get("warnings") or []
        if warnings:
            writer.writerow([])
            writer.writerows([_csv_safe(f"warning: {w}")] for w in warnings)
        return out.getvalue()
    raise ValueError(f"unknown format {fmt!r}")


def json_chunks(value, indent: int = 0):
    """``value`` as indented JSON, in pieces: objects and lists open one member per line, while a member that holds
    no list (a customer's entry with its buckets, a month of DSO) stays on one line, written by the C encoder. A
    report of 40,000 customers is 40,000 readable lines, made without the pure-Python indenting encoder."""
    if not (isinstance(value, (dict, list)) and value and _opens(value)):
        yield _dumps(value)
        return
    inner = " " * (indent + 2)
    items = value.items() if isinstance(value, dict) else ((None, v) for v in value)
    opening, closing = ("{", "}") if isinstance(value, dict) else ("[", "]")
    yield opening
    first = True
    for key, member in items:
        yield ("\n" if first else ",\n") + inner
        first = False
        if key is not None:
            yield _dumps(key) + ": "
        if isinstance(member, dict):
            text = _dumps(member)                    # most members hold no list: one line, as encoded
            if "[" in text and _opens(member):
                yield from json_chunks(member, indent + 2)
            else:
                yield text
        else:
            yield from json_chunks(member, indent + 2)
    yield "\n" + " " * indent + closing


def _opens(value) -> bool:
    """Whether ``value`` is opened one member per line: an object holding a list somewhere inside a member, or a
    list of objects or lists."""
    if isinstance(value, list):
        return any(isinstance(v, (dict, list)) for v in value)
    return any(isinstance(v, (dict, list)) and _has_list(v) for v in value.values())


def _has_list(value) -> bool:
    if isinstance(value, list):
        return True
    return isinstance(value, dict) and any(_has_list(v) for v in value.values())


_dumps = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode


def _csv_safe(value) -> str:
    """CSV cells people open in a spreadsheet (:func:`excel.values.csv_safe`)."""
    return csv_safe(_cell(value))


def _table(headers: list[str], rows: list[list]) -> str:
    return "".join(_table_lines(headers, rows)).rstrip("\n")


def _table_lines(headers: list[str], rows: list[list], *, totals_first: bool = False):
    """The table's lines, each ending in a newline; with ``totals_first`` its last row (the totals) is also printed
    right under the header, so that a table of 40,000 customers says its totals before it scrolls."""
    cells = [[_cell(c) for c in r] for r in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    numeric = [all(is_number(r[i]) or r[i] == "" for r in cells) and i > 0 for i in range(len(headers))]

    def line(values):
        return "  ".join(v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric)).rstrip() \
            + "\n"

    rule = line(["-" * w for w in widths])
    yield line(headers)
    yield rule
    if totals_first and cells:
        yield line(cells[-1])
        yield rule
    yield from map(line, cells)


def _dso_rows(d: dict):
    cols = [("Month", "month"), ("AR", "ar"), ("Credit sales", "credit_sales"), ("DSO", "dso"),
            ("Countback", "countback_dso"), ("Best possible", "best_possible_dso"),
            ("Days delinquent", "average_days_delinquent"), ("CEI %", "cei")]
    rows = [[_cell(m.get(f)) for _, f in cols] for m in d["months"]]
    period = f"{d.get('period_start', '?')}..{d['as_of']}"
    rows.append([f"period {period}"] + [_cell(d.get(f)) for _, f in cols[1:]])
    head = [(f"DSO as of {d['as_of']}, {d.get('currency', '')}: period of {d['period_days']} days "
             f"({d.get('day_count', '')}); CEI credit sales: {d.get('cei_sales', '')}" + books_date(d))]
    return [h for h, _ in cols], rows, head


def _customers_rows(d: dict):
    cols = [("Customer", "customer"), ("Open AR", "open_ar"), ("Overdue", "overdue"), ("% current", "percent_current"),
            ("Days late 3m", "late_3m"), ("6m", "late_6m"), ("12m", "late_12m"), ("Days to pay 12m", "dtp_12m"),
            ("Trend", "trend"), ("Segment", "segment"), ("Limit used %", "limit_used"), ("Risk", "risk_score"),
            ("Risk factors", "factors"), ("Promise", "promise_text"), ("Dispute", "dispute_text")]
    rows = []
    for c in d["customers"]:
        flat = dict(c)
        for k, v in (c.get("days_late") or {}).items():
            flat[f"late_{k}"] = v
        flat["dtp_12m"] = (c.get("days_to_pay") or {}).get("12m")
        flat["factors"] = ", ".join(f"{f['factor']} {f['points']}" for f in c.get("risk_factors", []) if f["points"])
        p = c.get("promise")
        flat["promise_text"] = (f"{p['amount'] or 'open amount'} by {p['due']}: {p['state']}" if p else "")
        flat["dispute_text"] = "; ".join(d.get("invoice_number") or "whole customer" for d in c.get("disputes", []))
        rows.append([_cell(flat.get(f)) for _, f in cols])
    return [h for h, _ in cols], rows, [f"Customers as of {d['as_of']}, {d.get('currency', '')}" + books_date(d)]


def _forecast_rows(d: dict):
    weeks = [*d["weeks"], d["later"]]
    rows = [[w["week"], w["start"], w["end"] or "", w["amount"], len(w.get("items", []))] for w in weeks]
    rows.append(["credits set aside", "", "", d["credits_set_aside"], ""])   # open credits: no receipt expected
    rows.append(["TOTAL (open AR)", "", "", d["open_ar"], ""])
    return (["Week", "From", "To", "Expected", "Items"], rows,
            [f"Expected receipts after {d['as_of']} (week 1 starts {d['first_day']}), {d.get('currency', '')}: "
             f"{d.get('basis', '')}" + books_date(d)])


TABULATORS.update({"dso": _dso_rows, "customers": _customers_rows, "forecast": _forecast_rows})
_TOTALLED = ("aging",)          # tables whose last row is their totals
