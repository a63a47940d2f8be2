"""What a rendered QuickBooks export is made of, and how its cells are spelled.

The report kinds and titles, :class:`Options` (how the export looks), the cell types :class:`Amt` and
:class:`Report`, date, amount and period formatting, and the helpers the layouts share (customer names,
home-currency amounts, terms, aging sections, customer grouping with ``Total for`` subtotals). Used by the
layout modules (``render_qbo``, ``render_desktop``) and the writers (``render_writers``).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from receivables.money import precision, quantize
from receivables.records import Books, Invoice, ItemKind
from receivables.samplebooks import COMPANY

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


def _pay_item(books: Books, p) -> Invoice:
    return Invoice(
        p.id, p.number, p.customer_id, ItemKind.PAYMENT, p.date, p.date, p.currency, -p.amount, Decimal(0)
    )


def _pay_home(books: Books, p) -> Decimal:
    if p.currency == books.company_currency:
        return p.amount
    return quantize(p.amount * books.rates[p.currency], books.company_currency)


def fmt_plain(amount: Decimal, currency: str) -> str:
    """An IIF amount: no separators, minus sign, the currency's decimals (``-1234.50``)."""
    return format(quantize(amount, currency), "f")
