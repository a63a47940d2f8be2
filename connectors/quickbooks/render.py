"""Render :class:`~receivables.records.Books` into the files QuickBooks exports, layout for layout.

This is what the bundled sample exports are made with, and what the round-trip tests feed the readers: every
quirk of the real files is reproduced (title blocks in either order, ``Total for X`` subtotals with the
currency symbol, ``TOTAL``, timestamp footers, CRLF, thousands separators, ``-100.00`` in detail and
``-$4,418.61`` in totals, parentheses on request, XLSX amounts as formula strings without cached values,
Desktop spacer columns and Excel serial dates, IIF). One plain function does it all: ``render(books, kind,
path, as_of=..., ...)``. Nothing here reads the clock: the footer's timestamp comes from ``generated_at``
(default: ``as_of`` 09:41).
"""

from __future__ import annotations

import calendar
import csv
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from receivables.errors import InputError
from receivables.money import precision, quantize
from receivables.records import Books, Invoice, ItemKind
from receivables.samplebooks import COMPANY
from receivables.samplebooks import as_of as books_as_of

QBO_OPEN_INVOICES = "qbo_open_invoices"
QBO_AR_AGING_DETAIL = "qbo_ar_aging_detail"
QBO_AR_AGING_SUMMARY = "qbo_ar_aging_summary"
QBO_INVOICE_LIST = "qbo_invoice_list"
QBO_CUSTOMER_BALANCE_DETAIL = "qbo_customer_balance_detail"
QBO_TRANSACTION_LIST = "qbo_transaction_list_by_customer"
QBO_INVOICES_AND_PAYMENTS = "qbo_invoices_and_received_payments"
QBD_OPEN_INVOICES = "qbd_open_invoices"
QBD_AR_AGING_DETAIL = "qbd_ar_aging_detail"
QBD_CUSTOMER_OPEN_BALANCE = "qbd_customer_open_balance"
IIF = "iif"

#: Report title as QuickBooks prints it, per kind.
TITLES = {
    QBO_OPEN_INVOICES: "Open Invoices Report",
    QBO_AR_AGING_DETAIL: "A/R Aging Detail Report",
    QBO_AR_AGING_SUMMARY: "A/R Aging Summary Report",
    QBO_INVOICE_LIST: "Invoice List by Date",
    QBO_CUSTOMER_BALANCE_DETAIL: "Customer Balance Detail Report",
    QBO_TRANSACTION_LIST: "Transaction List by Customer",
    QBO_INVOICES_AND_PAYMENTS: "Invoices and Received Payments",
    QBD_OPEN_INVOICES: "Open Invoices",
    QBD_AR_AGING_DETAIL: "A/R Aging Detail",
    QBD_CUSTOMER_OPEN_BALANCE: "Customer Open Balance",
}
QBO_KINDS = tuple(k for k in TITLES if k.startswith("qbo_"))
KINDS = tuple(TITLES) + (IIF,)
_TYPE = {ItemKind.INVOICE: "Invoice", ItemKind.CREDIT_NOTE: "Credit Memo", ItemKind.PAYMENT: "Payment"}
_METHODS = ("Check", "ACH", "Credit Card", "Cash")


@dataclass(frozen=True)
class Options:
    """How the export looks. Defaults are a US QuickBooks Online company downloading today's layout."""

    date_order: str = "MDY"  # "MDY" (US) or "DMY"
    encoding: str = "utf-8"  # "utf-8", "utf-8-sig" (BOM) or "cp1252"
    header_case: str = "sentence"  # "sentence" (Open balance) or "title" (Open Balance)
    parentheses: bool = False  # negatives as (500.00) instead of -500.00
    formulas: bool = False  # XLSX: amounts as "=1234.50" and subtotals "=G7+G8", no cached values
    title_first: bool | None = None  # title above company; None = the report's usual order
    long_month: bool = True  # "As of October 31, 2026" or "As of Oct 31, 2026"
    company: str = COMPANY
    symbol: str = "$"  # "$", "Ksh", "€" ...
    generated_at: datetime | None = None
    timezone: str = "GMTZ"
    period: tuple[date, date] | None = None  # history reports; default the books' period up to as_of
    all_dates: bool = False  # history reports: period line "All Dates"
    multicurrency: bool | None = None  # foreign-currency columns; None = when any item is foreign
    xlsx_dates: str = "text"  # QBO XLSX: "text" or "date" cells
    instructions_tab: bool = False  # QBD XLSX: an instructions sheet first
    ageing: bool = False  # international spelling: "A/R Ageing Detail Report"
    locations: bool = False  # A/R Aging Detail with a "Location full name" column
    iif_short_dates: bool = False  # IIF dates as M/D/YY, as in Intuit's own examples


@dataclass(frozen=True)
class Amt:
    """An amount cell; ``total`` cells carry the currency symbol in QuickBooks Online."""

    value: Decimal
    total: bool = False
    currency: str = "USD"


@dataclass
class Report:
    """A report as rows of cells (str, date, int or :class:`Amt`), each with a role, before it is written."""

    title: str
    period: str
    header: list[str]
    rows: list[tuple[str, list]] = field(default_factory=list)  # (role, cells)
    company_first: bool = False
    footer: str = ""
    desktop: bool = False
    day: date | None = None
    sums_as_formulas: bool = True  # XLSX formula mode: subtotals as "=G7+G8" (else constant formulas)


def render(books: Books, kind: str, path: str | Path, *, as_of: date | None = None, **options) -> Path:
    """Write ``books`` as they stood at the end of ``as_of`` (default: their report date) as an export.

    The file type follows ``path``'s suffix (.csv, .xlsx, .iif); ``options`` are fields of :class:`Options`.
    """
    path = Path(path)
    if kind not in KINDS:
        raise InputError(f"unknown QuickBooks report kind {kind!r}", hint="use one of " + ", ".join(KINDS))
    day = as_of or books.report_date
    if day is None:
        raise InputError("these books have no report date", source=books.source, hint="pass as_of=")
    opts = Options(**options)
    try:
        view = books_as_of(books, day)
    except ValueError as exc:
        raise InputError(str(exc), source=books.source, hint="render as of the books' report date") from None
    if kind == IIF:
        write_iif(view, path, day, opts)
        return path
    report = _BUILDERS[kind](view, day, opts)
    report.day = day
    if opts.title_first is not None:
        report.company_first = not opts.title_first
    if path.suffix.lower() == ".xlsx":
        write_xlsx(report, path, opts, spacers=kind == QBD_AR_AGING_DETAIL)
    else:
        write_csv(report, path, opts)
    return path


def default_filename(company: str, kind: str, suffix: str = ".csv") -> str:
    """QuickBooks Online's download name: ``<Company>_<Title with "/" as "_">.csv``."""
    return f"{company}_{TITLES.get(kind, 'Transactions').replace('/', '_')}{suffix}"


# ---------------------------------------------------------------- formatting
def fmt_date(d: date, opts: Options) -> str:
    return f"{d:%d/%m/%Y}" if opts.date_order == "DMY" else f"{d:%m/%d/%Y}"


def fmt_amount(a: Amt, opts: Options, symbol: bool = True) -> str:
    q = quantize(a.value, a.currency)
    digits = f"{abs(q):,.{precision(a.currency)}f}"
    sym = opts.symbol if a.total and symbol else ""
    if q < 0:
        return f"({sym}{digits})" if opts.parentheses else f"-{sym}{digits}"
    return sym + digits


def _h(opts: Options, *names: str) -> list[str]:
    """Header names in the chosen case ("Due date" or "Due Date"); a leading "" is the grouping column."""
    if opts.header_case == "title":
        return [" ".join(w[:1].upper() + w[1:] for w in n.split(" ")) for n in names]
    return list(names)


def _as_of_text(d: date, opts: Options) -> str:
    return f"As of {d:%B} {d.day}, {d.year}" if opts.long_month else f"As of {d:%b} {d.day}, {d.year}"


def _period_text(books: Books, day: date, opts: Options) -> tuple[date, date, str]:
    """Start, end and period line (``July 2026``, ``January 1-October 31, 2026``, ``All Dates``)."""
    if opts.all_dates:
        return date.min, day, "All Dates"
    first = min([i.issued for i in books.items] + [p.date for p in books.payments], default=day)
    start, end = opts.period or ((books.period[0] if books.period else first), day)
    whole_month = start.day == 1 and end.day == calendar.monthrange(end.year, end.month)[1]
    if whole_month and (start.year, start.month) == (end.year, end.month):
        return start, end, f"{start:%B} {start.year}"
    if start.year == end.year:
        return start, end, f"{start:%B} {start.day}-{end:%B} {end.day}, {end.year}"
    return start, end, f"{start:%B} {start.day}, {start.year}-{end:%B} {end.day}, {end.year}"


def _footer(day: date, opts: Options, basis: bool) -> str:
    t = opts.generated_at or datetime.combine(day, time(9, 41))
    stamp = f"{t:%A}, {t:%B} {t.day}, {t.year} {t:%I:%M %p} {opts.timezone}"
    return f"Accrual Basis {stamp}" if basis else f" {stamp}"


_LAST_NAMES: list = [None, {}]  # (books, customer id -> name) of the books being rendered


def _name(books: Books, item_or_id) -> str:
    cid = item_or_id if isinstance(item_or_id, str) else item_or_id.customer_id
    if _LAST_NAMES[0] is not books:
        _LAST_NAMES[:] = [books, {c.id: c.name for c in books.customers}]
    return _LAST_NAMES[1].get(cid, cid)


def _foreign(books: Books, opts: Options) -> bool:
    if opts.multicurrency is not None:
        return opts.multicurrency
    return any(i.currency != books.company_currency for i in books.items)


def _home(books: Books, i: Invoice, amount: Decimal) -> Decimal:
    if i.currency == books.company_currency:
        return amount
    return quantize(amount * books.rates[i.currency], books.company_currency)


def _terms(i: Invoice) -> str:
    if i.kind is not ItemKind.INVOICE or i.due is None:
        return ""
    days = (i.due - i.issued).days
    return "Due on receipt" if days == 0 else f"Net {days}"


def _open_sorted(books: Books) -> list[Invoice]:
    return sorted(books.open_items(), key=lambda i: (_name(books, i).lower(), i.issued, i.number))


def _grouped(
    books: Books,
    items: list[Invoice],
    cells,
    amount_cols: list[int],
    report: Report,
    cur: str,
    total_word: str = "Total for ",
    subtotals: bool = True,
    symbol: bool = True,
) -> None:
    """Customer heading, detail rows, ``Total for <customer>``; then ``TOTAL`` (amounts summed per column)."""
    width = len(report.header)
    grand = [Decimal(0)] * width
    groups: dict[str, list[Invoice]] = {}
    for i in items:
        groups.setdefault(_name(books, i), []).append(i)
    for name, rows in groups.items():
        report.rows.append(("group", [name] + [""] * (width - 1)))
        sub = [Decimal(0)] * width
        for i in rows:
            row = cells(i)
            for c in amount_cols:
                if isinstance(row[c], Amt):
                    sub[c] += row[c].value
            report.rows.append(("detail", row))
        if subtotals:
            report.rows.append(
                (
                    "subtotal",
                    [f"{total_word}{name}"]
                    + [Amt(sub[c], symbol, cur) if c in amount_cols else "" for c in range(1, width)],
                )
            )
        grand = [g + s for g, s in zip(grand, sub)]
    if subtotals:  # a report without subtotals (Invoices and Received Payments) has no TOTAL either
        report.rows.append(
            (
                "total",
                ["TOTAL"] + [Amt(grand[c], symbol, cur) if c in amount_cols else "" for c in range(1, width)],
            )
        )


def _fx_cells(books: Books, i: Invoice, fx: bool, amount: Decimal | None, open_: Decimal | None) -> list:
    if not fx:
        return []
    rate = Decimal(1) if i.currency == books.company_currency else books.rates[i.currency]
    out = [i.currency, f"{rate}"]
    if amount is not None:
        out.append(Amt(amount, False, i.currency))
    if open_ is not None:
        out.append(Amt(open_, False, i.currency))
    return out


# ---------------------------------------------------------------- QBO reports
def _open_invoices(books: Books, day: date, o: Options) -> Report:
    fx, cur = _foreign(books, o), books.company_currency
    header = _h(o, "", "Date", "Transaction type", "Num", "Term", "Due date", "Open balance")
    header += _h(o, "Currency", "Exchange rate", "Foreign open balance") if fx else []
    r = Report(TITLES[QBO_OPEN_INVOICES], _as_of_text(day, o), header, footer=_footer(day, o, False))
    _grouped(
        books,
        _open_sorted(books),
        lambda i: (
            [
                "",
                i.issued,
                _TYPE[i.kind],
                i.number,
                _terms(i),
                i.due or i.issued,
                Amt(_home(books, i, i.open_amount), False, cur),
            ]
            + _fx_cells(books, i, fx, None, i.open_amount)
        ),
        [6],
        r,
        cur,
    )
    return r


AGING_SECTIONS = (
    "91 or more days past due",
    "61 - 90 days past due",
    "31 - 60 days past due",
    "1 - 30 days past due",
    "CURRENT",
)


def days_past_due(i: Invoice, day: date) -> int:
    return (day - (i.due or i.issued)).days


def _section(days: int) -> str:
    return AGING_SECTIONS[
        4 if days <= 0 else 3 if days <= 30 else 2 if days <= 60 else 1 if days <= 90 else 0
    ]


def _aging_detail(books: Books, day: date, o: Options) -> Report:
    fx, cur = _foreign(books, o), books.company_currency
    loc = o.locations
    header = (
        _h(o, "", "Date", "Transaction type", "Num", "Customer full name")
        + (_h(o, "Location full name") if loc else [])
        + _h(o, "Due date", "Amount", "Open balance")
    )
    header += _h(o, "Currency", "Exchange rate", "Foreign amount", "Foreign open balance") if fx else []
    title = "A/R Ageing Detail Report" if o.ageing else TITLES[QBO_AR_AGING_DETAIL]
    r = Report(title, _as_of_text(day, o), header, footer=_footer(day, o, False))
    amount_cols = [len(header) - (6 if fx else 2), len(header) - (5 if fx else 1)]
    width, grand = len(header), {c: Decimal(0) for c in amount_cols}
    by = {s: [] for s in AGING_SECTIONS}
    for i in sorted(books.open_items(), key=lambda i: (i.issued, _name(books, i), i.number)):
        by[_section(days_past_due(i, day))].append(i)
    for section, items in by.items():
        if not items:
            continue
        r.rows.append(("group", [section] + [""] * (width - 1)))
        sub = {c: Decimal(0) for c in amount_cols}
        for i in items:
            amounts = [
                Amt(_home(books, i, i.total), False, cur),
                Amt(_home(books, i, i.open_amount), False, cur),
            ]
            row = (
                ["", i.issued, _TYPE[i.kind], i.number, _name(books, i)]
                + ([""] if loc else [])
                + [i.due or i.issued]
                + amounts
                + _fx_cells(books, i, fx, i.total, i.open_amount)
            )
            for c, a in zip(amount_cols, amounts):
                sub[c] += a.value
            r.rows.append(("detail", row))
        r.rows.append(
            (
                "subtotal",
                [f"Total for {section}"]
                + [Amt(sub[c], True, cur) if c in sub else "" for c in range(1, width)],
            )
        )
        grand = {c: grand[c] + sub[c] for c in grand}
    r.rows.append(
        ("total", ["TOTAL"] + [Amt(grand[c], True, cur) if c in grand else "" for c in range(1, width)])
    )
    return r


def _aging_summary(books: Books, day: date, o: Options) -> Report:
    cur = books.company_currency
    header = ["Customer", "CURRENT", "1 - 30", "31 - 60", "61 - 90", "91 AND OVER", "Total"]
    r = Report(
        TITLES[QBO_AR_AGING_SUMMARY],
        _as_of_text(day, o),
        header,
        footer=_footer(day, o, False),
        sums_as_formulas=False,
    )
    sums: dict[str, list[Decimal]] = {}
    for i in books.open_items():
        col = 1 + (4 - AGING_SECTIONS.index(_section(days_past_due(i, day))))
        sums.setdefault(i.customer_id, [Decimal(0)] * 7)[col] += _home(books, i, i.open_amount)
    customers = books.customer_map()
    children: dict[str | None, list[str]] = {}
    for cid in set(sums) | {p for cid in sums for p in _ancestors(customers, cid)}:
        children.setdefault(customers[cid].parent_id if cid in customers else None, []).append(cid)

    def cells(values, total=False, level=0, label=""):
        return [label] + [
            Amt(v, total or (c == 6 and level < 0), cur) if v else ""
            for c, v in enumerate(values[1:6] + [sum(values[1:6], Decimal(0))], start=1)
        ]

    def walk(cid: str, level: int) -> list[Decimal]:
        own = sums.get(cid, [Decimal(0)] * 7)
        label = "   " * level + customers[cid].name.rsplit(":", 1)[-1] if cid in customers else cid
        kids = sorted(children.get(cid, []), key=str.lower)
        if kids:  # a heading, the parent's own line (if any) indented like its children
            r.rows.append(("group", [label] + [""] * 6))
            if any(own):
                r.rows.append(("detail", cells(own, label="   " * (level + 1) + label.strip())))
        else:
            r.rows.append(("detail", cells(own, label=label)))
        acc = list(own)
        for k in kids:
            acc = [a + b for a, b in zip(acc, walk(k, level + 1))]
        if kids:
            r.rows.append(
                ("subtotal", cells(acc, level=-1, label="   " * level + f"Total for {label.strip()}"))
            )
        return acc

    grand = [Decimal(0)] * 7
    for cid in sorted(children.get(None, []), key=str.lower):
        grand = [a + b for a, b in zip(grand, walk(cid, 0))]
    r.rows.append(("total", cells(grand, total=True, label="TOTAL")))
    return r


def _ancestors(customers, cid: str) -> list[str]:
    out = []
    while cid in customers and customers[cid].parent_id:
        cid = customers[cid].parent_id
        out.append(cid)
    return out


def _history_items(books: Books, start: date, kinds=(ItemKind.INVOICE,)) -> list[Invoice]:
    return sorted(
        (i for i in books.items if i.kind in kinds and i.issued >= start), key=lambda i: (i.issued, i.number)
    )


def _invoice_list(books: Books, day: date, o: Options) -> Report:
    fx, cur = _foreign(books, o), books.company_currency
    start, _, period = _period_text(books, day, o)
    header = _h(o, "Date", "Transaction type", "Num", "Name", "Memo", "Due date", "Amount", "Open balance")
    header += _h(o, "Currency", "Exchange rate", "Foreign amount", "Foreign open balance") if fx else []
    r = Report(TITLES[QBO_INVOICE_LIST], period, header, footer=_footer(day, o, True))
    tot = [Decimal(0), Decimal(0)]
    for i in _history_items(books, start):
        amounts = [_home(books, i, i.total), _home(books, i, i.open_amount)]
        tot = [t + a for t, a in zip(tot, amounts)]
        r.rows.append(
            (
                "detail",
                [i.issued, _TYPE[i.kind], i.number, _name(books, i), "", i.due or i.issued]
                + [Amt(a, False, cur) for a in amounts]
                + _fx_cells(books, i, fx, i.total, i.open_amount),
            )
        )
    r.rows.append(
        (
            "total",
            ["TOTAL", "", "", "", "", "", Amt(tot[0], True, cur), Amt(tot[1], True, cur)]
            + [""] * (len(header) - 8),
        )
    )
    return r


def _customer_balance_detail(books: Books, day: date, o: Options) -> Report:
    cur = books.company_currency
    header = _h(o, "", "Date", "Transaction type", "Num", "Due date", "Amount", "Open balance", "Balance")
    r = Report(TITLES[QBO_CUSTOMER_BALANCE_DETAIL], _as_of_text(day, o), header, footer=_footer(day, o, True))
    running: dict[str, Decimal] = {}

    def cells(i: Invoice) -> list:
        open_ = _home(books, i, i.open_amount)
        running[i.customer_id] = running.get(i.customer_id, Decimal(0)) + open_
        return [
            "",
            i.issued,
            _TYPE[i.kind],
            i.number,
            i.due or i.issued,
            Amt(_home(books, i, i.total), False, cur),
            Amt(open_, False, cur),
            Amt(running[i.customer_id], False, cur),
        ]

    _grouped(books, _open_sorted(books), cells, [5, 6], r, cur)
    return r


def _transaction_list(books: Books, day: date, o: Options) -> Report:
    cur = books.company_currency
    start, _, period = _period_text(books, day, o)
    header = _h(o, "", "Date", "Transaction type", "Num", "Posting", "Memo/Description", "Account", "Amount")
    r = Report(TITLES[QBO_TRANSACTION_LIST], period, header, footer=_footer(day, o, True))
    rows = [
        (
            i,
            [
                "",
                i.issued,
                _TYPE[i.kind],
                i.number,
                "Y",
                "",
                "Accounts Receivable (A/R)",
                Amt(_home(books, i, i.total), False, cur),
            ],
        )
        for i in _history_items(books, start, (ItemKind.INVOICE, ItemKind.CREDIT_NOTE))
    ]
    rows += [
        (
            _pay_item(books, p),
            [
                "",
                p.date,
                "Payment",
                p.number,
                "Y",
                "",
                "Undeposited Funds",
                Amt(_pay_home(books, p), False, cur),
            ],
        )
        for p in books.payments
        if p.date >= start
    ]
    rows.sort(key=lambda t: (_name(books, t[0]).lower(), t[1][1], t[1][3]))
    lookup = {id(i): cells for i, cells in rows}
    _grouped(books, [i for i, _ in rows], lambda i: lookup[id(i)], [7], r, cur)
    return r


def _pay_item(books: Books, p) -> Invoice:
    return Invoice(
        p.id, p.number, p.customer_id, ItemKind.PAYMENT, p.date, p.date, p.currency, -p.amount, Decimal(0)
    )


def _pay_home(books: Books, p) -> Decimal:
    if p.currency == books.company_currency:
        return p.amount
    return quantize(p.amount * books.rates[p.currency], books.company_currency)


def _invoices_and_payments(books: Books, day: date, o: Options) -> Report:
    cur = books.company_currency
    start, _, period = _period_text(books, day, o)
    header = [
        "",
        "Date",
        "Transaction type",
        "Memo/Description",
        "Transaction number",
        "Amount",
        "Payment method",
        "Open Balance",
    ]
    if o.header_case == "title":
        header = _h(o, *header)
    r = Report(
        TITLES[QBO_INVOICES_AND_PAYMENTS], period, header, company_first=True, footer=_footer(day, o, True)
    )
    unapplied = {i.id: i for i in books.items if i.kind is ItemKind.PAYMENT}
    rows = [
        (
            i,
            [
                "",
                i.issued,
                "Invoice",
                "",
                i.number,
                Amt(_home(books, i, i.total), False, cur),
                "",
                Amt(_home(books, i, i.open_amount), False, cur),
            ],
        )
        for i in _history_items(books, start)
    ]
    for p in books.payments:
        if p.date >= start:
            left = unapplied.get(p.id)
            rows.append(
                (
                    _pay_item(books, p),
                    [
                        "",
                        p.date,
                        "Payment",
                        "",
                        p.number,
                        Amt(-_pay_home(books, p), False, cur),
                        _METHODS[int(p.number or 0) % len(_METHODS)],
                        Amt(_home(books, left, left.open_amount), False, cur) if left else "",
                    ],
                )
            )
    rows.sort(key=lambda t: (_name(books, t[0]).lower(), t[1][1], t[1][4]))
    lookup = {id(i): cells for i, cells in rows}
    _grouped(books, [i for i, _ in rows], lambda i: lookup[id(i)], [5, 7], r, cur, subtotals=False)
    return r


# ---------------------------------------------------------------- QuickBooks Desktop reports
def _qbd_open_invoices(books: Books, day: date, o: Options) -> Report:
    header = ["", "Type", "Date", "Num", "P. O. #", "Terms", "Due Date", "Aging", "Open Balance"]
    r = Report(
        TITLES[QBD_OPEN_INVOICES],
        _as_of_text(day, replace(o, long_month=True)),
        header,
        desktop=True,
        footer=_footer(day, o, True),
    )
    cur = books.company_currency
    _grouped(
        books,
        _open_sorted(books),
        lambda i: [
            "",
            _TYPE[i.kind],
            i.issued,
            i.number,
            "",
            _terms(i),
            i.due or i.issued,
            days_past_due(i, day) if i.kind is ItemKind.INVOICE and days_past_due(i, day) > 0 else "",
            Amt(_home(books, i, i.open_amount), False, cur),
        ],
        [8],
        r,
        cur,
        total_word="Total ",
        symbol=False,
    )
    return r


def _qbd_open_balance(books: Books, day: date, o: Options) -> Report:
    header = ["", "Type", "Date", "Num", "Memo", "Due Date", "Open Balance"]
    r = Report(
        TITLES[QBD_CUSTOMER_OPEN_BALANCE],
        _as_of_text(day, replace(o, long_month=True)),
        header,
        desktop=True,
        footer=_footer(day, o, True),
    )
    cur = books.company_currency
    short = {k: (v if len(v) <= 9 else v[:8] + "...") for k, v in _TYPE.items()}
    _grouped(
        books,
        _open_sorted(books),
        lambda i: [
            "",
            short[i.kind],
            i.issued,
            i.number,
            "",
            i.due or i.issued,
            Amt(_home(books, i, i.open_amount), False, cur),
        ],
        [6],
        r,
        cur,
        total_word="Total ",
        symbol=False,
    )
    return r


def _qbd_aging_detail(books: Books, day: date, o: Options) -> Report:
    """Rows in logical columns; the XLSX writer spreads them over the Desktop's spacer columns."""
    header = [
        "",
        "Type",
        "Date",
        "Num",
        "P. O. #",
        "Name",
        "Terms",
        "Due Date",
        "Class",
        "Aging",
        "Open Balance",
    ]
    r = Report(
        TITLES[QBD_AR_AGING_DETAIL],
        _as_of_text(day, replace(o, long_month=True)),
        header,
        desktop=True,
        footer=_footer(day, o, True),
    )
    cur, width = books.company_currency, len(header)
    labels = {
        AGING_SECTIONS[4]: "Current",
        AGING_SECTIONS[3]: "1 - 30",
        AGING_SECTIONS[2]: "31 - 60",
        AGING_SECTIONS[1]: "61 - 90",
        AGING_SECTIONS[0]: "> 90",
    }
    by = {s: [] for s in reversed(AGING_SECTIONS)}
    for i in sorted(books.open_items(), key=lambda i: (i.due or i.issued, _name(books, i), i.number)):
        by[_section(days_past_due(i, day))].append(i)
    grand = Decimal(0)
    for section, items in by.items():
        label = labels[section]
        r.rows.append(("group", [label] + [""] * (width - 1)))
        sub = Decimal(0)
        for i in items:
            d = days_past_due(i, day)
            v = _home(books, i, i.open_amount)
            sub += v
            r.rows.append(
                (
                    "detail",
                    [
                        "",
                        _TYPE[i.kind],
                        i.issued,
                        i.number,
                        "",
                        _name(books, i),
                        _terms(i),
                        i.due or i.issued,
                        "",
                        d if d > 0 else "",
                        Amt(v, False, cur),
                    ],
                )
            )
        r.rows.append(("subtotal", [f"Total {label}"] + [""] * (width - 2) + [Amt(sub, False, cur)]))
        grand += sub
    r.rows.append(("total", ["TOTAL"] + [""] * (width - 2) + [Amt(grand, False, cur)]))
    return r


_BUILDERS = {
    QBO_OPEN_INVOICES: _open_invoices,
    QBO_AR_AGING_DETAIL: _aging_detail,
    QBO_AR_AGING_SUMMARY: _aging_summary,
    QBO_INVOICE_LIST: _invoice_list,
    QBO_CUSTOMER_BALANCE_DETAIL: _customer_balance_detail,
    QBO_TRANSACTION_LIST: _transaction_list,
    QBO_INVOICES_AND_PAYMENTS: _invoices_and_payments,
    QBD_OPEN_INVOICES: _qbd_open_invoices,
    QBD_CUSTOMER_OPEN_BALANCE: _qbd_open_balance,
    QBD_AR_AGING_DETAIL: _qbd_aging_detail,
}


# ---------------------------------------------------------------- CSV
def _text(cell, opts: Options, desktop: bool) -> str:
    if isinstance(cell, Amt):
        return fmt_amount(cell, opts, symbol=not desktop)
    if isinstance(cell, date):
        return fmt_date(cell, opts)
    return str(cell)


def title_rows(r: Report, opts: Options) -> list[list[str]]:
    """The title block: QBO company/title/period in the report's order; Desktop time, date, basis at left."""
    if r.desktop:
        t = opts.generated_at or datetime.combine(r.day or date(2000, 1, 1), time(9, 41))
        return [
            [f"{t:%I:%M %p}".lstrip("0"), opts.company],
            [f"{t:%m/%d/%y}", r.title],
            ["Accrual Basis", r.period],
        ]
    first = [opts.company, r.title] if r.company_first else [r.title, opts.company]
    return [[first[0]], [first[1]], [r.period]]


def write_csv(r: Report, path: Path, opts: Options) -> None:
    width = len(r.header)
    try:
        with open(path, "w", encoding=opts.encoding, newline="") as f:
            w = csv.writer(f, lineterminator="\r\n")
            for row in title_rows(r, opts):
                w.writerow(row + [""] * (width - len(row)))
            w.writerow([])
            w.writerow(r.header)
            for _role, cells in r.rows:
                w.writerow([_text(c, opts, r.desktop) for c in cells])
            if not r.desktop:
                f.write("\r\n\r\n\r\n")
                w.writerow([r.footer])
    except UnicodeEncodeError as exc:
        raise InputError(
            f"a name cannot be written in {opts.encoding}: {exc.object[exc.start : exc.end]!r}",
            source=str(path),
            hint="choose encoding utf-8",
        ) from None


# ---------------------------------------------------------------- XLSX
_SPACED = "ADFHJLNPRTV"  # Desktop A/R Aging Detail: data columns with empty spacer columns between


def _excel_serial(d: date) -> int:
    return (d - date(1899, 12, 30)).days


def write_xlsx(r: Report, path: Path, opts: Options, spacers: bool = False) -> None:
    """QBO: merged title rows, amounts as numbers or formula strings. Desktop: spacers, serial dates."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    if spacers and opts.instructions_tab:
        ws.title = "QuickBooks Export Tips"
        for n, line in enumerate(
            ("QuickBooks Desktop exported this report to Excel.", "The report itself is on the next sheet."),
            start=1,
        ):
            ws.cell(n, 1, line)
        ws = wb.create_sheet()
    ws.title = "Sheet1" if r.desktop else r.title.replace("/", "_")[:31]
    width = len(r.header)
    letter = (lambda c: _SPACED[c]) if spacers else (lambda c: get_column_letter(c + 1))
    for n, row in enumerate(title_rows(r, opts), start=1):
        if r.desktop:
            ws[f"A{n}"], ws[f"{letter(min(5, width - 1))}{n}"] = row[0], row[1]
        else:
            ws.cell(n, 1, row[0])
            ws.merge_cells(start_row=n, start_column=1, end_row=n, end_column=width)
    for c, name in enumerate(r.header):
        if name:
            ws[f"{letter(c)}5"] = name
    line, pending, details, subtotals = 6, {}, {}, {}
    grouped = r.sums_as_formulas and any(role == "group" for role, _ in r.rows)
    for role, cells in r.rows:
        if role == "group":
            pending = {}
        for c, cell in enumerate(cells):
            ref = f"{letter(c)}{line}"
            if isinstance(cell, Amt):
                value = quantize(cell.value, cell.currency)
                refs = None
                if opts.formulas and role == "subtotal" and grouped:
                    refs = pending.get(c)
                elif opts.formulas and role == "total" and r.sums_as_formulas:
                    refs = subtotals.get(c) or (details.get(c) if not subtotals else None)
                if refs and len(refs) <= 300:
                    ws[ref] = "=" + "+".join(refs)
                else:
                    ws[ref] = f"={value}" if opts.formulas else value
                ws[ref].number_format = '"$"#,##0.00' if cell.total and not r.desktop else "#,##0.00"
                if role == "detail":
                    pending.setdefault(c, []).append(ref)
                    details.setdefault(c, []).append(ref)
                elif role == "subtotal":
                    subtotals.setdefault(c, []).append(ref)
            elif isinstance(cell, date):
                if r.desktop:
                    ws[ref] = _excel_serial(cell)
                    ws[ref].number_format = "mm/dd/yyyy"
                elif opts.xlsx_dates == "date":
                    ws[ref] = cell
                    ws[ref].number_format = "dd/mm/yyyy" if opts.date_order == "DMY" else "mm/dd/yyyy"
                else:
                    ws[ref] = fmt_date(cell, opts)
            elif cell != "":
                ws[ref] = cell
        if role == "subtotal":
            pending = {}
        label = cells[0] if cells and isinstance(cells[0], str) else ""
        if label.startswith("   "):
            ws.row_dimensions[line].outlineLevel = (len(label) - len(label.lstrip(" "))) // 3
        line += 1
    if not r.desktop:
        t = opts.generated_at or datetime.combine(r.day or date(2000, 1, 1), time(9, 41))
        ws.cell(line + 3, 1, f"{t:%A}, {t:%b} {t:%d}, {t:%Y} {t:%I:%M:%S %p} {opts.timezone} - Accrual Basis")
    wb.save(path)


# ---------------------------------------------------------------- IIF
_IIF_TRNS = (
    "TRNSID TRNSTYPE DATE ACCNT NAME CLASS AMOUNT DOCNUM MEMO CLEAR TOPRINT NAMEISTAXABLE ADDR1 ADDR2 "
    "ADDR3 ADDR4 ADDR5 DUEDATE TERMS PAID PAYMETH SHIPVIA SHIPDATE OTHER1 REP FOB PONUM INVTITLE "
    "INVMEMO SADDR1 SADDR2 SADDR3 SADDR4 SADDR5 PAYITEM YEARTODATE WAGEBASE EXTRA TOSEND ISAJE"
).split()
_IIF_SPL = (
    "SPLID TRNSTYPE DATE ACCNT NAME CLASS AMOUNT DOCNUM MEMO CLEAR QNTY PRICE INVITEM PAYMETH TAXABLE "
    "VALADJ REIMBEXP SERVICEDATE OTHER2 OTHER3 PAYITEM YEARTODATE WAGEBASE EXTRA"
).split()


def write_iif(books: Books, path: Path, day: date, opts: Options) -> None:
    """Desktop IIF: INVOICE, CREDIT MEMO and PAYMENT transactions (TRNS + SPL lines summing to zero).

    IIF has no currency: foreign amounts are written in the company currency.
    """
    short = opts.iif_short_dates

    def d(x: date) -> str:
        return f"{x.month}/{x.day}/{x:%y}" if short else f"{x:%m/%d/%Y}"

    def clean(text: str) -> str:
        return text.replace("\t", " ").replace("\r", " ").replace("\n", " ")

    t = opts.generated_at or datetime.combine(day, time(9, 41))
    lines = [
        "\t".join(["!HDR", "PROD", "VER", "REL", "IIFVER", "DATE", "TIME", "ACCNTNT", "ACCNTNTSPLITTIME"]),
        "\t".join(
            [
                "HDR",
                "QuickBooks Premier",
                "Version 34.0D",
                "Release R7P",
                "1",
                d(day),
                str(int((t.replace(tzinfo=None) - datetime(1970, 1, 1)).total_seconds())),
                "N",
                "0",
            ]
        ),
        "\t".join(["!TRNS"] + _IIF_TRNS),
        "\t".join(["!SPL"] + _IIF_SPL),
        "!ENDTRNS",
    ]

    def trns(values: dict, spl: dict) -> None:
        lines.append("\t".join(["TRNS"] + [clean(str(values.get(k, ""))) for k in _IIF_TRNS]))
        lines.append("\t".join(["SPL"] + [clean(str(spl.get(k, ""))) for k in _IIF_SPL]))
        lines.append("ENDTRNS")

    cur = books.company_currency
    events = [(i.issued, 0, i) for i in books.items if i.kind is not ItemKind.PAYMENT]
    events += [(p.date, 1, p) for p in books.payments]
    for _, flag, x in sorted(events, key=lambda e: (e[0], e[1], e[2].id)):
        name = _name(books, x.customer_id)
        if flag:
            amt = fmt_plain(_pay_home(books, x), cur)
            trns(
                {
                    "TRNSTYPE": "PAYMENT",
                    "DATE": d(x.date),
                    "ACCNT": "Undeposited Funds",
                    "NAME": name,
                    "AMOUNT": amt,
                    "DOCNUM": x.number,
                    "PAYMETH": _METHODS[int(x.number or 0) % 4],
                    "TOSEND": "N",
                    "ISAJE": "N",
                },
                {
                    "TRNSTYPE": "PAYMENT",
                    "DATE": d(x.date),
                    "ACCNT": "Accounts Receivable",
                    "NAME": name,
                    "AMOUNT": fmt_plain(-_pay_home(books, x), cur),
                    "DOCNUM": x.number,
                },
            )
            continue
        total = _home(books, x, x.total)
        kind = "INVOICE" if x.kind is ItemKind.INVOICE else "CREDIT MEMO"
        trns(
            {
                "TRNSTYPE": kind,
                "DATE": d(x.issued),
                "ACCNT": "Accounts Receivable",
                "NAME": name,
                "AMOUNT": fmt_plain(total, cur),
                "DOCNUM": x.number,
                "CLEAR": "N",
                "TOPRINT": "N",
                "NAMEISTAXABLE": "N",
                "DUEDATE": d(x.due or x.issued),
                "TERMS": _terms(x),
                "PAID": "Y" if x.open_amount == 0 else "N",
                "TOSEND": "N",
                "ISAJE": "N",
            },
            {
                "TRNSTYPE": kind,
                "DATE": d(x.issued),
                "ACCNT": "Sales",
                "AMOUNT": fmt_plain(-total, cur),
                "DOCNUM": x.number,
                "CLEAR": "N",
                "QNTY": "-1" if total > 0 else "1",
                "PRICE": fmt_plain(abs(total), cur),
                "INVITEM": "Services",
                "TAXABLE": "N",
            },
        )
    try:
        path.write_bytes(("\r\n".join(lines) + "\r\n").encode(opts.encoding))
    except UnicodeEncodeError as exc:
        raise InputError(
            f"a name cannot be written in {opts.encoding}: {exc.object[exc.start : exc.end]!r}",
            source=str(path),
            hint="choose encoding utf-8",
        ) from None


def fmt_plain(amount: Decimal, currency: str) -> str:
    """An IIF amount: no separators, minus sign, the currency's decimals (``-1234.50``)."""
    return format(quantize(amount, currency), "f")


# ---------------------------------------------------------------- the bundled sample
SAMPLE_KINDS = (
    (QBO_OPEN_INVOICES, ".csv"),
    (QBO_AR_AGING_DETAIL, ".xlsx"),
    (QBO_INVOICE_LIST, ".csv"),
    (QBO_CUSTOMER_BALANCE_DETAIL, ".csv"),
    (QBO_INVOICES_AND_PAYMENTS, ".csv"),
)


def write_sample(out: str | Path, *, seed: int = 7, end: date | None = None) -> list[Path]:
    """Write the bundled sample exports (QBO layouts of the sample company's books) into ``out``."""
    from receivables.samplebooks import SAMPLE_END, generate

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    books = generate(seed=seed, end=end or SAMPLE_END)
    paths = []
    for kind, suffix in SAMPLE_KINDS:
        path = out / default_filename(COMPANY, kind, suffix)
        paths.append(render(books, kind, path, as_of=books.report_date))
    return paths


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Write the sample company's QuickBooks Online exports.")
    parser.add_argument("--out", required=True, help="folder to write into")
    parser.add_argument("--seed", type=int, default=7)
    for written in write_sample(parser.parse_args().out, seed=parser.parse_args().seed):
        print(written)
