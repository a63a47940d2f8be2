"""Which QuickBooks report a sheet is, found from its title text and its header row, and what its title block says.

The title block (company, title, period, in any order) sits above the header row. Columns are mapped by name,
never by position; names are compared in lower case with spaces collapsed, so sentence and title case both match.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

from .cells import parse_text_date
from .grid import Sheet

QBO_OPEN_INVOICES = "qbo_open_invoices"
QBO_AR_AGING_DETAIL = "qbo_ar_aging_detail"
QBO_AR_AGING_SUMMARY = "qbo_ar_aging_summary"
QBO_INVOICE_LIST = "qbo_invoice_list"
QBO_CUSTOMER_BALANCE_DETAIL = "qbo_customer_balance_detail"
QBO_TRANSACTION_LIST_BY_CUSTOMER = "qbo_transaction_list_by_customer"
QBO_INVOICES_AND_PAYMENTS = "qbo_invoices_and_received_payments"
QBD_OPEN_INVOICES = "qbd_open_invoices"
QBD_AR_AGING_DETAIL = "qbd_ar_aging_detail"
QBD_CUSTOMER_OPEN_BALANCE = "qbd_customer_open_balance"
IIF = "iif"

OPEN_ITEM_KINDS = (QBO_AR_AGING_DETAIL, QBO_OPEN_INVOICES, QBD_AR_AGING_DETAIL, QBD_OPEN_INVOICES,
                   QBD_CUSTOMER_OPEN_BALANCE, QBO_AR_AGING_SUMMARY)      # in order of preference
HISTORY_KINDS = (QBO_INVOICES_AND_PAYMENTS, QBO_CUSTOMER_BALANCE_DETAIL, QBO_INVOICE_LIST,
                 QBO_TRANSACTION_LIST_BY_CUSTOMER, IIF)
ALL_KINDS = OPEN_ITEM_KINDS + HISTORY_KINDS

#: Each report's title as QuickBooks prints it in the title block (Online appends "Report" to most; Desktop prints
#: the bare name). :func:`title_kind` recognises every one (a Desktop title as its Online twin, until the header row
#: tells them apart); an IIF file has no title.
TITLES = {
    QBO_OPEN_INVOICES: "Open Invoices Report",
    QBO_AR_AGING_DETAIL: "A/R Aging Detail Report",
    QBO_AR_AGING_SUMMARY: "A/R Aging Summary Report",
    QBO_INVOICE_LIST: "Invoice List by Date",
    QBO_CUSTOMER_BALANCE_DETAIL: "Customer Balance Detail Report",
    QBO_TRANSACTION_LIST_BY_CUSTOMER: "Transaction List by Customer",
    QBO_INVOICES_AND_PAYMENTS: "Invoices and Received Payments",
    QBD_OPEN_INVOICES: "Open Invoices",
    QBD_AR_AGING_DETAIL: "A/R Aging Detail",
    QBD_CUSTOMER_OPEN_BALANCE: "Customer Open Balance",
}

# Canonical column keys.
DATE, TYPE, NUM, CUSTOMER, DUE, AMOUNT, OPEN, BALANCE, MEMO, TERMS, AGING = (
    "date", "type", "num", "customer", "due", "amount", "open", "balance", "memo", "terms", "aging")
CURRENCY, FAMOUNT, FOPEN, RATE, TOTAL = "currency", "foreign_amount", "foreign_open", "rate", "total"

ALIASES = {
    "date": DATE, "transaction date": DATE, "txn date": DATE,
    "transaction type": TYPE, "type": TYPE, "txn type": TYPE,
    "num": NUM, "number": NUM, "no.": NUM, "no": NUM, "transaction number": NUM, "ref no.": NUM, "doc num": NUM,
    "customer full name": CUSTOMER, "customer": CUSTOMER, "name": CUSTOMER, "customer name": CUSTOMER,
    "customer/project": CUSTOMER,
    "due date": DUE,
    "amount": AMOUNT,
    "open balance": OPEN,
    "balance": BALANCE,
    "memo": MEMO, "memo/description": MEMO, "description": MEMO,
    "term": TERMS, "terms": TERMS,
    "aging": AGING, "past due": AGING, "days past due": AGING,
    "currency": CURRENCY,
    "foreign amount": FAMOUNT,
    "foreign open balance": FOPEN,
    "exchange rate": RATE,
    "total": TOTAL,
}

_TITLES = (
    ("a/r aging detail", QBO_AR_AGING_DETAIL), ("ar aging detail", QBO_AR_AGING_DETAIL),
    ("a/r aging summary", QBO_AR_AGING_SUMMARY), ("ar aging summary", QBO_AR_AGING_SUMMARY),
    ("open invoices", QBO_OPEN_INVOICES),
    ("invoice list", QBO_INVOICE_LIST),
    ("customer balance detail", QBO_CUSTOMER_BALANCE_DETAIL),
    ("transaction list by customer", QBO_TRANSACTION_LIST_BY_CUSTOMER),
    ("invoices and received payments", QBO_INVOICES_AND_PAYMENTS),
    ("customer open balance", QBD_CUSTOMER_OPEN_BALANCE),
)
_DESKTOP_TWIN = {QBO_OPEN_INVOICES: QBD_OPEN_INVOICES, QBO_AR_AGING_DETAIL: QBD_AR_AGING_DETAIL}


def norm(text: str) -> str:
    return " ".join(text.lower().split())


@dataclass
class Bucket:
    """An aging column of a summary: days past due from ``low`` to ``high`` (``None`` = open-ended)."""

    label: str
    low: int | None
    high: int | None


@dataclass
class Layout:
    """What was found in a sheet: its kind, header row, columns and title block."""

    kind: str
    sheet: Sheet
    header_index: int                      # index into sheet.rows
    columns: dict[str, int]                # canonical key -> column index
    header_names: dict[int, str]           # column index -> header text as exported
    title: str
    report_date: date | None = None
    period: tuple[date, date] | None = None
    buckets: dict[int, Bucket] = field(default_factory=dict)
    title_lines: list[str] = field(default_factory=list)

    def name_of(self, key: str) -> str:
        index = self.columns.get(key)
        return self.header_names.get(index, key) if index is not None else key


def title_kind(text: str) -> str | None:
    """The report kind a title names (``"A/R Ageing Detail Report (Beta)"`` → aging detail), or ``None``."""
    t = norm(text).replace("ageing", "aging").replace("(beta)", " ")
    t = " ".join(t.replace(" report", " ").split())
    for needle, kind in _TITLES:
        if t == needle or t.startswith(needle + " ") or t.endswith(" " + needle) or t == needle + " by date":
            return kind
    return None


def bucket_of(text: str) -> Bucket | None:
    """An aging-summary column: ``CURRENT``, ``1 - 30``, ``91 AND OVER``, ``> 90``, ``Over 90``."""
    t = norm(text).replace(" ", "")
    if t == "current":
        return Bucket(text.strip(), None, 0)
    m = re.fullmatch(r"(\d+)-(\d+)", t)
    if m and int(m.group(1)) <= int(m.group(2)):
        return Bucket(text.strip(), int(m.group(1)), int(m.group(2)))
    m = re.fullmatch(r"(\d+)(?:andover|ormore|\+|ormoredayspastdue)", t)
    if m:
        return Bucket(text.strip(), int(m.group(1)), None)
    m = re.fullmatch(r"(?:>|over)(\d+)", t)
    if m:
        return Bucket(text.strip(), int(m.group(1)) + 1, None)
    return None


def find_layout(sheet: Sheet) -> Layout | None:
    """The report layout of ``sheet``: a known title above a header row naming known columns; else ``None``."""
    title_lines: list[str] = []
    kind = None
    for index, row in enumerate(sheet.rows[:40]):
        cells = [c.strip() for c in row if c and c.strip()]
        if not cells:
            continue
        columns, names, buckets = _header_columns(row)
        if kind is not None and _is_header(columns, buckets, kind):
            title = next(t for t in title_lines if title_kind(t))
            layout = Layout(kind, sheet, index, columns, names, title, buckets=buckets, title_lines=title_lines)
            if kind in _DESKTOP_TWIN and _looks_desktop(row):
                layout.kind = _DESKTOP_TWIN[kind]
            _read_title_block(layout)
            return layout
        if len(cells) <= 2:
            title_lines.extend(cells)
            if kind is None:
                for text in cells:
                    kind = kind or title_kind(text)
    return None


def _header_columns(row: list[str]):
    columns, names, buckets = {}, {}, {}
    for i, cell in enumerate(row):
        if not cell:
            continue
        key = ALIASES.get(norm(cell))
        if key is not None and key not in columns:
            columns[key] = i
            names[i] = cell.strip()
            continue
        bucket = bucket_of(cell)
        if bucket is not None:
            buckets[i] = bucket
            names[i] = cell.strip()
    return columns, names, buckets


def _is_header(columns: dict, buckets: dict, kind: str) -> bool:
    if kind == QBO_AR_AGING_SUMMARY:
        return len(buckets) >= 2 and TOTAL in columns
    return DATE in columns and len(columns) >= 3


def _looks_desktop(row: list[str]) -> bool:
    names = {norm(c) for c in row if c}
    return "type" in names and "transaction type" not in names


_AS_OF = re.compile(r"as of\s+(.+)$", re.IGNORECASE)
_MONTH = r"([A-Za-z]{3,9})\.?"
_PERIODS = (
    # January 1, 2024-December 31, 2025
    (re.compile(rf"{_MONTH}\s+(\d{{1,2}}),?\s+(\d{{4}})\s*[-–]\s*{_MONTH}\s+(\d{{1,2}}),?\s+(\d{{4}})"),
     lambda g: ((g[0], g[1], g[2]), (g[3], g[4], g[5]))),
    # January 1-December 31, 2025
    (re.compile(rf"{_MONTH}\s+(\d{{1,2}})\s*[-–]\s*{_MONTH}\s+(\d{{1,2}}),?\s+(\d{{4}})"),
     lambda g: ((g[0], g[1], g[4]), (g[2], g[3], g[4]))),
    # December 1-31, 2025
    (re.compile(rf"{_MONTH}\s+(\d{{1,2}})\s*[-–]\s*(\d{{1,2}}),?\s+(\d{{4}})"),
     lambda g: ((g[0], g[1], g[3]), (g[0], g[2], g[3]))),
)
_MONTH_YEAR = re.compile(rf"{_MONTH}\s+(\d{{4}})")


def _read_title_block(layout: Layout) -> None:
    for line in layout.title_lines:
        text = line.strip()
        m = _AS_OF.search(text)
        if m and layout.report_date is None:
            layout.report_date = parse_text_date(m.group(1).strip())
            continue
        if layout.period is None:
            layout.period = parse_period(text)


def parse_period(text: str) -> tuple[date, date] | None:
    """The dates of a period line (``January 1-December 31, 2025``, ``July 2026``); ``None`` for ``All Dates``."""
    for pattern, pick in _PERIODS:
        m = pattern.fullmatch(text)
        if m:
            (m1, d1, y1), (m2, d2, y2) = pick(m.groups())
            first, last = parse_text_date(f"{m1} {d1}, {y1}"), parse_text_date(f"{m2} {d2}, {y2}")
            if first and last and first <= last:
                return first, last
            return None
    m = _MONTH_YEAR.fullmatch(text)
    if m:
        first = parse_text_date(f"{m.group(1)} 1, {m.group(2)}")
        if first:
            return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return None
