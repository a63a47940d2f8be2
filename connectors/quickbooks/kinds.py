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
QBO_SALES_BY_CUSTOMER_SUMMARY = "qbo_sales_by_customer_summary"
QBO_SALES_BY_CUSTOMER_DETAIL = "qbo_sales_by_customer_detail"
QBD_SALES_BY_CUSTOMER_SUMMARY = "qbd_sales_by_customer_summary"
QBD_SALES_BY_CUSTOMER_DETAIL = "qbd_sales_by_customer_detail"
IIF = "iif"

OPEN_ITEM_KINDS = (QBO_AR_AGING_DETAIL, QBO_OPEN_INVOICES, QBD_AR_AGING_DETAIL, QBD_OPEN_INVOICES,
                   QBD_CUSTOMER_OPEN_BALANCE, QBO_AR_AGING_SUMMARY)      # in order of preference
HISTORY_KINDS = (QBO_INVOICES_AND_PAYMENTS, QBO_CUSTOMER_BALANCE_DETAIL, QBO_INVOICE_LIST,
                 QBO_TRANSACTION_LIST_BY_CUSTOMER, IIF)
#: Sales reports: no receivables, but the sales per customer that DSO needs when the books have no invoice history
#: (connectors.quickbooks.sales); in order of preference (a Detail tells invoices from sales receipts).
SALES_KINDS = (QBO_SALES_BY_CUSTOMER_DETAIL, QBD_SALES_BY_CUSTOMER_DETAIL, QBO_SALES_BY_CUSTOMER_SUMMARY,
               QBD_SALES_BY_CUSTOMER_SUMMARY)
SALES_SUMMARY_KINDS = (QBO_SALES_BY_CUSTOMER_SUMMARY, QBD_SALES_BY_CUSTOMER_SUMMARY)
#: Reports of one row per customer (amount columns, no transactions): walked by their amount columns.
SUMMARY_KINDS = (QBO_AR_AGING_SUMMARY,) + SALES_SUMMARY_KINDS
ALL_KINDS = OPEN_ITEM_KINDS + HISTORY_KINDS + SALES_KINDS

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
    QBO_SALES_BY_CUSTOMER_SUMMARY: "Sales by Customer Summary",
    QBO_SALES_BY_CUSTOMER_DETAIL: "Sales by Customer Detail",
    QBD_SALES_BY_CUSTOMER_SUMMARY: "Sales by Customer Summary",
    QBD_SALES_BY_CUSTOMER_DETAIL: "Sales by Customer Detail",
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
    ("sales by customer summary", QBO_SALES_BY_CUSTOMER_SUMMARY),
    ("sales by customer detail", QBO_SALES_BY_CUSTOMER_DETAIL),
)
_DESKTOP_TWIN = {QBO_OPEN_INVOICES: QBD_OPEN_INVOICES, QBO_AR_AGING_DETAIL: QBD_AR_AGING_DETAIL,
                 QBO_SALES_BY_CUSTOMER_DETAIL: QBD_SALES_BY_CUSTOMER_DETAIL}


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
    spans: dict[int, tuple[date, date]] = field(default_factory=dict)   # column index -> the dates it sums

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
        if kind in SALES_SUMMARY_KINDS:
            found = _sales_summary_header(row)
            if found is not None:
                title = next(t for t in title_lines if title_kind(t))
                columns, names, spans, desktop = found
                layout = Layout(kind, sheet, index, columns, names, title, title_lines=title_lines, spans=spans)
                if desktop or any(norm(t) in ("accrual basis", "cash basis") for t in title_lines):
                    layout.kind = QBD_SALES_BY_CUSTOMER_SUMMARY
                _read_title_block(layout)
                _total_only(layout)
                return layout
        columns, names, buckets = _header_columns(row)
        if kind is not None and kind not in SALES_SUMMARY_KINDS and _is_header(columns, buckets, kind):
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
    if kind == QBO_SALES_BY_CUSTOMER_DETAIL:            # customised with as few columns as Date, Account, Amount
        return DATE in columns and AMOUNT in columns
    return DATE in columns and len(columns) >= 3


_CUSTOMER_HEADINGS = frozenset({"customer", "customer full name", "customer name", "name", "customer/project"})


def _sales_summary_header(row: list[str]):
    """The header row of a Sales by Customer Summary: a blank (or ``Customer``) label column, then amount columns,
    each a ``Total`` or a span of dates (``Jan 2026``, ``Oct 1-15, 2026``; Desktop ``Jan 26``, ``Jan - Oct 26``);
    percentage columns are passed over. ``(columns, names, spans, desktop)``, or ``None`` for any other row (a title
    line, a period line beside Desktop's ``Accrual Basis``)."""
    columns, names, spans = {}, {}, {}
    desktop = False
    first = True
    for i, cell in enumerate(row):
        text = cell.strip() if cell else ""
        if not text:
            continue
        key = norm(text)
        if first and i == 0 and key not in _CUSTOMER_HEADINGS:
            return None                             # the label column's heading is blank or names the customer
        first = False
        if key in _CUSTOMER_HEADINGS and CUSTOMER not in columns and not spans and TOTAL not in columns:
            columns[CUSTOMER] = i
        elif key == "total" and TOTAL not in columns:
            columns[TOTAL] = i
            desktop = desktop or text == "TOTAL"
        elif "%" in text:
            continue
        else:
            span = column_span(text)
            if span is None:
                return None
            spans[i] = span
            desktop = desktop or _SHORT_SPAN.fullmatch(" ".join(text.split())) is not None
        names[i] = text
    if TOTAL not in columns and len(spans) != 1:
        return None
    return columns, names, spans, desktop


def _total_only(layout: Layout) -> None:
    """A Desktop summary run with "Total only" heads its one amount column with the period (``Jan - Oct 26``): that
    column is the total, and gives the period when the title block does not."""
    if TOTAL in layout.columns:
        return
    (col, span), = layout.spans.items()
    layout.columns[TOTAL] = col
    layout.spans = {}
    if layout.period is None:
        layout.period = span


def _looks_desktop(row: list[str]) -> bool:
    names = {norm(c) for c in row if c}
    return "type" in names and "transaction type" not in names


_AS_OF = re.compile(r"as of\s+(.+)$", re.IGNORECASE)
_MONTH = r"([A-Za-z]{3,9})\.?"
_THROUGH = re.compile(r"\s+through\s+", re.IGNORECASE)          # Desktop: "January 1 through October 31, 2026"
_MONTHS = (
    # January - December 2025
    (re.compile(rf"{_MONTH}\s*[-–]\s*{_MONTH},?\s+(\d{{4}})"), lambda g: ((g[0], g[2]), (g[1], g[2]))),
    # November 2025 - October 2026
    (re.compile(rf"{_MONTH},?\s+(\d{{4}})\s*[-–]\s*{_MONTH},?\s+(\d{{4}})"), lambda g: ((g[0], g[1]), (g[2], g[3]))),
)
# Desktop column headings, two-digit years: "Jan 26", "Jan '26", "Jan - Oct 26", "Nov '25 - Oct 26"
_SHORT_SPAN = re.compile(rf"{_MONTH}(?:\s+'?(\d{{2}}))?(?:\s*[-–]\s*{_MONTH}\s+'?(\d{{2}})|(?<=\d))")
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
    """The dates of a period line (``January 1-December 31, 2025``, ``January - December 2025``, ``July 2026``,
    Desktop's ``January 1 through October 31, 2026``); ``None`` for ``All Dates``."""
    text = _THROUGH.sub(" - ", text.strip())
    for pattern, pick in _MONTHS:
        m = pattern.fullmatch(text)
        if m:
            (m1, y1), (m2, y2) = pick(m.groups())
            return _month_span(m1, y1, m2, y2)
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
        return _month_span(m.group(1), m.group(2), m.group(1), m.group(2))
    return None


def _month_span(m1: str, y1: str, m2: str, y2: str) -> tuple[date, date] | None:
    """From the first day of month ``m1`` of ``y1`` to the last of ``m2`` of ``y2``; ``None`` unless both are months
    and the first comes first."""
    first, end = parse_text_date(f"{m1} 1, {y1}"), parse_text_date(f"{m2} 1, {y2}")
    if first is None or end is None or end < first:
        return None
    return first, end.replace(day=calendar.monthrange(end.year, end.month)[1])


def column_span(text: str) -> tuple[date, date] | None:
    """The dates an amount column of a summary report sums, from its heading: a period as :func:`parse_period`
    reads it (``Jan 2026``, ``Oct 1-15, 2026``, ``Jan - Dec 2025``) or Desktop's with two-digit years (``Jan 26``,
    ``Jan - Oct 26``, ``Nov '25 - Oct 26``); ``None`` for other text."""
    t = " ".join(text.split())
    found = parse_period(t)
    if found is not None:
        return found
    m = _SHORT_SPAN.fullmatch(t)
    if m is None:
        return None
    m1, y1, m2, y2 = m.groups()
    if m2 is None:
        return _month_span(m1, f"20{y1}", m1, f"20{y1}")
    return _month_span(m1, f"20{y1 or y2}", m2, f"20{y2}")
