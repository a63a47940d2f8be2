"""Which QuickBooks report a sheet is, found from its title text and its header row, and what its title block says.

The title block (company, title, period, in any order) sits above the header row. Columns are mapped by name,
never by position; names are compared in lower case with spaces collapsed, so sentence and title case both match.

Report dates
------------
Every layout's dates are read from its title block and footer when the layout is found (:func:`find_layout`):

- ``as_of``: an "As of" line (``As of October 31, 2026``, Desktop ``Accrual Basis As of August 31, 2026``;
  ``As of Today`` is the run date);
- ``period``: a period line: a month (``July 2026``), a date range (``January 1-October 31, 2026``,
  ``January 1, 2024-December 31, 2025``, ``December 1-31, 2025``, ``January - December 2025``, Desktop's
  ``January 1 through October 31, 2026``), or a period QuickBooks names relative to the day it ran the report
  (``Today``, ``Yesterday``, ``This Month-to-date``, ``Last Month``, ``This Year-to-date``, ``Since 90 Days Ago``
  ...: resolved from the run date, unknown without one); ``All Dates`` (Desktop ``All Transactions``) sets
  ``all_dates`` and no period;
- ``run_date``: when QuickBooks ran the report: the footer QuickBooks Online prints below the table
  (``Sunday, November 1, 2026 11:27 PM GMTZ``, ``Accrual Basis Sunday, ...``, in XLSX
  ``Sunday, Nov 01, 2026 11:27:00 PM GMTZ - Accrual Basis``), or the time and date QuickBooks Desktop prints at the
  top left (``3:58 PM`` above ``10/07/26``, month first).

``report_date`` is the day the report's open balances stand at, what :attr:`receivables.records.Books.report_date`
means, and is decided per kind (:func:`report_date_of`); ``dated_by`` says from what (``"as of"``, ``"run date"``,
``"period end"``, or ``None`` when the report carries no date at all):

- An "As of" date is the report date of any kind: QuickBooks computes what it prints as of the end of that day.
- Open-item reports (Open Invoices, A/R Aging Detail and Summary, Customer Open Balance) without one: the end of
  their period line (QuickBooks ages to the end of the dates asked for), but never after the run date; with
  ``All Dates`` or no period line, the run date (what is open when the report runs).
- History reports that print an open balance per row (Invoice List, Invoices and Received Payments, Customer
  Balance Detail without an "As of" line): the run date. The period only chooses which invoices and payments are
  listed; each row's open balance is as it stood when the report was run (a July invoice paid in September shows
  0.00 on a report of July run in November), so the books stand at the run date, not at the period's end. Without
  a printed run date: the end of the period (the earliest day the report can have been run for it to be complete),
  said in the books' notes; ``All Dates`` without a run date: unknown.
- A history report without an open balance column (Transaction List by Customer; the reader derives the open
  balances from the transactions listed): the end of its period, or the run date when that comes first (nothing
  after the run is listed); ``All Dates``: the run date.
- Sales reports: the end of their period, or the run date when that comes first (their books hold no open
  balances and claim no report date: :mod:`connectors.quickbooks.sales`).

A report with none of these carries no date: its books' notes say so (a warning) and every output of them says
their date is unknown. (An IIF file has no title block: its date is its ``!HDR`` export date, :mod:`.iif`.) How an
Invoices and Received Payments report run after its period ended ties payments to invoices:
:func:`connectors.quickbooks.history.link_payments`.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

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
REP = "rep"           # the sales rep a report customised with it prints per transaction (Desktop "Rep")

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
    "rep": REP, "sales rep": REP,
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
    report_date: date | None = None        # the day the open balances stand at (see the module's rules)
    period: tuple[date, date] | None = None
    buckets: dict[int, Bucket] = field(default_factory=dict)
    title_lines: list[str] = field(default_factory=list)
    spans: dict[int, tuple[date, date]] = field(default_factory=dict)   # column index -> the dates it sums
    as_of: date | None = None              # the "As of" line's date
    run_date: date | None = None           # when QuickBooks ran the report (footer, or Desktop's top left)
    all_dates: bool = False                # the period line says "All Dates"
    dated_by: str | None = None            # "as of", "run date", "period end"; None: the report carries no date

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
                report_date_of(layout)
                return layout
        columns, names, buckets = _header_columns(row)
        if kind is not None and kind not in SALES_SUMMARY_KINDS and _is_header(columns, buckets, kind):
            title = next(t for t in title_lines if title_kind(t))
            layout = Layout(kind, sheet, index, columns, names, title, buckets=buckets, title_lines=title_lines)
            if kind in _DESKTOP_TWIN and _looks_desktop(row):
                layout.kind = _DESKTOP_TWIN[kind]
            _read_title_block(layout)
            report_date_of(layout)
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
    """The "As of" date, the period and the run date of ``layout`` (see the module's "Report dates")."""
    layout.run_date = run_date(layout)
    for line in layout.title_lines:
        text = line.strip()
        m = _AS_OF.search(text)
        if m and layout.as_of is None:
            said = m.group(1).strip()
            layout.as_of = parse_text_date(said)
            if layout.as_of is None and norm(said) == "today":
                layout.as_of = layout.run_date
            continue
        if norm(text) in ("all dates", "all transactions"):          # Online / Desktop
            layout.all_dates = True
            continue
        if layout.period is None:
            layout.period = parse_period(text) or relative_period(text, layout.run_date)


def report_date_of(layout: Layout) -> None:
    """Set ``layout.report_date`` and ``layout.dated_by`` by the rules of the module's "Report dates"."""
    as_of, run, period = layout.as_of, layout.run_date, layout.period
    end = period[1] if period else None
    if end is not None and run is not None and run < end and not (
            layout.kind in HISTORY_KINDS and OPEN in layout.columns):
        end = run                               # nothing after the run is in the report
    if as_of is not None:
        found = (as_of, "as of")
    elif layout.kind in HISTORY_KINDS and OPEN in layout.columns:
        found = (run, "run date") if run else (end, "period end")
    else:
        found = (end, "period end") if end else (run, "run date")
    layout.report_date, layout.dated_by = found if found[0] is not None else (None, None)


_WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
#: QuickBooks Online's footer: ``Sunday, November 1, 2026 11:27 PM GMTZ`` (CSV, after ``Accrual Basis`` or not),
#: ``Sunday, Nov 01, 2026 11:27:00 PM GMTZ - Accrual Basis`` (XLSX).
_RUN_STAMP = re.compile(rf"\b{_WEEKDAY},?\s+([a-z]{{3,9}})\.?\s+(\d{{1,2}}),?\s+(\d{{4}}),?\s+\d{{1,2}}:\d{{2}}"
                        r"(?::\d{2})?\s*[ap]\.?m\b", re.IGNORECASE)
#: QuickBooks Desktop's top left: the time (``3:58 PM``) and the date (``10/07/26``) it ran the report.
_DESKTOP_TIME = re.compile(r"\d{1,2}:\d{2}\s*[ap]\.?m\.?", re.IGNORECASE)
_DESKTOP_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})")


def run_date(layout: Layout) -> date | None:
    """When QuickBooks ran the report: the footer below the table (Online), else the time and date above the
    title (Desktop, month first as it prints them); ``None`` when it prints neither."""
    rows = layout.sheet.rows
    seen = 0
    for row in reversed(rows[layout.header_index + 1:]):
        cells = [c.strip() for c in row if c and c.strip()]
        if not cells:
            continue
        for cell in cells[:2]:
            m = _RUN_STAMP.search(cell)
            if m:
                return parse_text_date(f"{m.group(1)} {m.group(2)}, {m.group(3)}")
        seen += 1
        if seen == 3:                           # the footer is the last line or two; rows above are the table's
            break
    lines = [t.strip() for t in layout.title_lines]
    if any(_DESKTOP_TIME.fullmatch(t) for t in lines):
        for text in lines:
            m = _DESKTOP_DATE.fullmatch(text)
            if m:
                a, b, y = (int(g) for g in m.groups())
                month, day = (a, b) if a <= 12 else (b, a)
                try:
                    return date(y + 2000 if y < 100 else y, month, day)
                except ValueError:
                    return None
    return None


def relative_period(text: str, run: date | None) -> tuple[date, date] | None:
    """The dates of a period QuickBooks names relative to the day it ran the report: ``Today``, ``Yesterday``,
    ``This``/``Last``/``Next`` ``Week``/``Month``/``Quarter``/``Year``, each ``-to-date`` (``This Month-to-date``:
    from the month's first day to the run date; ``Last Month-to-date``: last month up to the same day),
    ``This Year-to-last-month`` and ``Since 90 Days Ago``; weeks start on Sunday, as QuickBooks' do. ``None`` for
    other text, or without the run date ``run``."""
    if run is None:
        return None
    t = norm(text).replace(" - ", "-").replace(" to date", "-to-date")
    m = _SINCE.fullmatch(t)
    if m:
        return run - timedelta(days=int(m.group(1))), run
    if t in ("today", "yesterday"):
        day = run if t == "today" else run - timedelta(days=1)
        return day, day
    if t == "this year-to-last-month":
        last = run.replace(day=1) - timedelta(days=1)
        return (date(run.year, 1, 1), last) if last.year == run.year else None
    m = _RELATIVE.fullmatch(t)
    if m is None:
        return None
    which, unit, to_date = m.groups()
    step = {"this": 0, "last": -1, "next": 1}[which]
    first, _ = _unit(run, unit, 0)
    start, last = _unit(run, unit, step)
    if to_date:
        if step > 0:
            return None
        last = min(last, start + (run - first))          # up to the same day of that week, month, quarter, year
    return start, last


_SINCE = re.compile(r"since (\d{1,4}) days? ago")
_RELATIVE = re.compile(r"(this|last|next) (week|month|quarter|year)(-to-date)?")


def _unit(day: date, unit: str, step: int) -> tuple[date, date]:
    """The first and last day of the week (from Sunday), month, quarter or year ``step`` units from ``day``'s."""
    if unit == "week":
        first = day - timedelta(days=(day.weekday() + 1) % 7) + timedelta(weeks=step)
        return first, first + timedelta(days=6)
    months = {"month": 1, "quarter": 3, "year": 12}[unit]
    index = (day.year * 12 + day.month - 1) // months * months + step * months
    end = index + months - 1
    last = date(end // 12, end % 12 + 1, 1)
    return date(index // 12, index % 12 + 1, 1), last.replace(day=calendar.monthrange(last.year, last.month)[1])


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
