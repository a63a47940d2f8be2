"""Sales reports: QuickBooks Online Sales by Customer Summary and Sales by Customer Detail, QuickBooks Desktop Sales
by Customer Summary (and Detail), CSV and XLSX.

They hold no receivables. They give the sales per customer over the report's period (its title block's date range:
``January - December 2025``, ``January 1-October 31, 2026``, Desktop's ``January through October 2026``), which
DSO takes as credit sales when the books have no invoice history. Their books carry
:class:`~receivables.records.SalesTotal` records (``Books.sales``, claimed by ``SALES_TOTALS``) and no items.

- A Summary has one row per customer (sub-customers under their parent's heading, closed by ``Total for`` the
  parent, Desktop ``Total`` the parent) and a ``Total`` column; run with columns by month, one column per month
  (``Jan 2026``, a part month ``Oct 1-15, 2026``; Desktop ``Jan 26``) before the total. Desktop run with "Total
  only" heads its one column with the period (``Jan - Oct 26``). Each non-zero cell is one SalesTotal over its
  column's dates; the months must add up to the row's total and cover the report's period, day by day. A Summary
  counts sales receipts (cash sales) with invoices and cannot tell them apart: ``cash`` is ``None``.
- A Detail lists transaction lines grouped by customer (``Total for X`` and ``TOTAL`` checked to the cent), each
  with Date, Transaction type and Amount. Its lines are summed per customer and month (the first and last month
  cut to the period). Invoices, statement and finance charges and credit memos are credit sales; sales receipts
  and refund receipts are cash sales, summed in ``cash``; lines of other types QuickBooks documents (a journal
  entry, a payment on a cash-basis report) are left out and named in the notes; a type it does not document is
  refused. Without a type column (a customised report) the cash part is unknown, as for a Summary.

Every span a report's columns cover (its whole period, or each month) has at least one record: a zero one for the
first customer when nobody bought anything then, so the records say which dates the report covers. A report on a
cash basis (which counts a sale when it is paid) and one without a date range are refused.
"""
from __future__ import annotations

import calendar
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

from receivables.errors import InputError, Issue
from receivables.records import SALES_TOTALS, Books, ItemKind, SalesTotal

from .common import customer_from, customers_for, date_columns, file_name, known_kind, type_class, unknown_type
from .kinds import AMOUNT, CUSTOMER, DATE, SALES_SUMMARY_KINDS, TOTAL, TYPE, Layout, norm
from .open_items import _customers, required_columns
from .table import walk

#: Transaction types of cash sales: money taken at the sale (or refunded from one), never on Accounts Receivable.
CASH_TYPES = frozenset({"sales receipt", "cash sale", "refund receipt", "refund", "cash refund", "credit card refund",
                        "ccard refund"})
#: The note of a sales report's books: no open items. The folder merge drops it when an A/R report is read beside.
NO_OPEN_ITEMS = ("a sales report holds no open items: aging, customers and forecast have nothing to show; export an "
                 "A/R Aging Summary or Detail, or Open Invoices, into a folder with it")
SUMMARY_NOTE = ("a Sales by Customer Summary counts cash sales (sales receipts) with invoices and cannot tell them "
                "apart: credit sales from it include cash sales")
_ZERO = Decimal(0)


def read_sales(layout: Layout, company_currency: str) -> Books:
    """Books of a sales report: sales totals per customer (see the module docstring), no items."""
    period = _period(layout)
    _refuse_cash_basis(layout)
    fname = file_name(layout.sheet.source)
    if layout.kind in SALES_SUMMARY_KINDS:
        sales, notes = _summary(layout, period)
    else:
        sales, notes = _detail(layout, period)
    if not sales:
        raise InputError("the sales report lists no customer with sales", source=layout.sheet.source,
                         row=layout.header_index + 1, hint="export the report for a period with sales")
    notes.append(Issue(fname, NO_OPEN_ITEMS, severity="warning"))
    return Books(source=layout.sheet.source, company_currency=company_currency, report_date=None,
                 customers=customers_for({s.customer_id for s in sales}), sales=tuple(sales),
                 knows=frozenset({SALES_TOTALS}), notes=tuple(notes), period=period, kinds=(layout.kind,))


def _period(layout: Layout) -> tuple[date, date]:
    if layout.period is None:
        raise InputError("a sales report without a date range in its title block (such as 'January - December "
                         "2025')", source=layout.sheet.source, row=layout.header_index,
                         hint="export the report again for a date range (not All Dates), with its title block")
    return layout.period


def _refuse_cash_basis(layout: Layout) -> None:
    """A report on a cash basis counts a sale when it is paid: no credit sales can be had from it. Desktop says so in
    its title block (``Cash Basis``), Online in the footer below ``TOTAL`` (``Cash Basis Sunday, November 1...``)."""
    rows = layout.sheet.rows
    footer: list[str] = []
    for row in reversed(rows[layout.header_index + 1:]):
        label = next((c.strip() for c in row if c and c.strip()), "")
        if label.upper() == "TOTAL":
            break
        footer.append(label)
    else:
        footer = []
    if any(norm(t) == "cash basis" for t in layout.title_lines) or \
            any(norm(t).startswith("cash basis ") or norm(t).endswith(" cash basis") for t in footer):
        raise InputError("the sales report is on a cash basis: it counts a sale when it is paid, not when it is "
                         "invoiced, so it gives no credit sales", source=layout.sheet.source,
                         hint="run the report again on the accrual basis (Accounting method: Accrual) and export it")


def _summary(layout: Layout, period: tuple[date, date]) -> tuple[list[SalesTotal], list[Issue]]:
    required_columns(layout, (TOTAL,))
    source = layout.sheet.source
    fname = file_name(source)
    body = walk(layout, require_total=True)
    span_cols = list(body.keys[:-1])
    spans = _tiled(layout, span_cols, period) if span_cols else [period]
    first_amount = min(span_cols + [layout.columns[TOTAL]])
    label_c = layout.columns.get(CUSTOMER)
    sales: list[SalesTotal] = []
    for index, row, headings, values in body.details:
        customer = _customer(layout, index, row, headings, label_c, first_amount)
        if span_cols and sum(values[:-1], _ZERO) != values[-1]:
            raise InputError(f"the months add up to {sum(values[:-1], _ZERO)} but the row's total says {values[-1]}",
                             source=source, row=index + 1, column=layout.name_of(TOTAL),
                             hint="export the report again without editing it")
        cells = values[:-1] if span_cols else values
        for (first, last), amount in zip(spans, cells):
            if amount != 0:
                sales.append(SalesTotal(customer, first, last, amount, None, f"{fname}:{index + 1}"))
    what = "month by month" if span_cols else "for the period"
    notes = [Issue(fname, f"sales per customer {what}, {period[0].isoformat()} to {period[1].isoformat()}",
                   severity="info"),
             Issue(fname, SUMMARY_NOTE, severity="info")]
    return _covered(sales, spans, cash=None), notes


def _customer(layout: Layout, index: int, row: list[str], headings: tuple, label_c: int | None,
              first_amount: int) -> str:
    """The full customer name of a summary row: its label (left of the amounts) under its parent's heading."""
    labels = [c.strip() for c in row[:first_amount] if c and c.strip()]
    name = (row[label_c].strip() if label_c is not None and label_c < len(row) else "") or \
        (labels[0] if labels else "")
    if not name:
        raise InputError("a row with amounts but no customer", source=layout.sheet.source, row=index + 1,
                         hint="export the report again without editing it")
    parent = customer_from(headings)
    return name if not parent or parent == name or ":" in name else f"{parent}:{name}"


def _tiled(layout: Layout, cols: list[int], period: tuple[date, date]) -> list[tuple[date, date]]:
    """The dates of each month column, cut to the report's period; they must cover it day by day, in order."""
    source = layout.sheet.source
    spans, expected = [], period[0]
    for col in cols:
        first, last = layout.spans[col]
        first, last = max(first, period[0]), min(last, period[1])
        if first != expected or last < first:
            gap = (f"starts on {first.isoformat()}, not {expected.isoformat()}" if last >= first
                   else "lies outside the report's period")
            raise InputError(f"the column {layout.header_names.get(col, '')!r} {gap}: the columns do not cover the "
                             f"report's period {period[0].isoformat()} to {period[1].isoformat()} day by day",
                             source=source, row=layout.header_index + 1, column=layout.header_names.get(col),
                             hint="export the report again with columns by month, without editing it")
        spans.append((first, last))
        expected = last + timedelta(days=1)
    if expected <= period[1]:
        raise InputError(f"the columns end on {(expected - timedelta(days=1)).isoformat()}, before the report's "
                         f"period ends on {period[1].isoformat()}", source=source, row=layout.header_index + 1,
                         hint="export the report again with columns by month, without editing it")
    return spans


def _covered(sales: list[SalesTotal], spans: list[tuple[date, date]], *, cash) -> list[SalesTotal]:
    """``sales`` with a zero record for the first customer on every span no record covers (see the module)."""
    if not sales:
        return sales
    have = {(s.first, s.last) for s in sales}
    first_customer = min(s.customer_id for s in sales)
    fill = [SalesTotal(first_customer, a, b, _ZERO, cash, "") for a, b in spans if (a, b) not in have]
    return sorted(sales + fill, key=lambda s: (s.first, s.customer_id))


def _months(period: tuple[date, date]) -> list[tuple[date, date]]:
    """The months of ``period``, the first and last cut to it."""
    out, start = [], period[0]
    while start <= period[1]:
        end = start.replace(day=calendar.monthrange(start.year, start.month)[1])
        out.append((start, min(end, period[1])))
        start = end + timedelta(days=1)
    return out


def _detail(layout: Layout, period: tuple[date, date]) -> tuple[list[SalesTotal], list[Issue]]:
    required_columns(layout, (DATE, AMOUNT))
    source, cols = layout.sheet.source, layout.columns
    fname = file_name(source)
    notes: list[Issue] = []
    body = walk(layout, require_total=True)
    (days,) = date_columns(layout, body, [DATE], notes)
    amounts = body.values[body.keys.index(AMOUNT)]
    customers = _customers(layout, body)
    for k, day in enumerate(days):          # detail rows are those with a date (connectors.quickbooks.table)
        if not period[0] <= day <= period[1]:
            raise InputError(f"a transaction dated {day.isoformat()}, outside the report's period "
                             f"{period[0].isoformat()} to {period[1].isoformat()}", source=source,
                             row=body.index[k] + 1, column=layout.name_of(DATE),
                             hint="export the report again without editing it")
    typed = TYPE in cols
    classes = _classes(layout, body) if typed else None
    types = body.cells(cols[TYPE]) if typed else None
    totals: dict[tuple[str, date], list] = {}
    counted: Counter = Counter()
    left_out: Counter = Counter()
    for k, (customer, day, amount) in enumerate(zip(customers, days, amounts)):
        kind = classes[types[k]] if typed else "credit"
        if kind == "other":
            left_out[types[k].strip()] += 1
            continue
        counted[kind] += 1
        entry = totals.setdefault((customer, day.replace(day=1)), [_ZERO, _ZERO, body.index[k]])
        entry[0] += amount
        if kind == "cash":
            entry[1] += amount
    months = _months(period)
    cut = {a.replace(day=1): (a, b) for a, b in months}
    sales = [SalesTotal(customer, *cut[month], amount, cash if typed else None, f"{fname}:{row + 1}")
             for (customer, month), (amount, cash, row) in totals.items()]
    stated = f"sales per customer and month, {period[0].isoformat()} to {period[1].isoformat()}"
    if typed:
        notes.append(Issue(fname, f"{stated}: invoices and credit memos ({counted['credit']} lines) are credit "
                           f"sales; sales receipts and refund receipts ({counted['cash']} lines) are cash sales, "
                           "left out of credit sales", severity="info"))
    else:
        notes.append(Issue(fname, f"{stated}: the report has no transaction type column, so cash sales (sales "
                           "receipts) cannot be told from credit sales and are counted with them", severity="warning"))
    if left_out:
        listed = ", ".join(f"{name} ({count})" for name, count in sorted(left_out.items()))
        notes.append(Issue(fname, "lines of other transaction types left out of sales: " + listed,
                           column=layout.name_of(TYPE), severity="warning"))
    return _covered(sales, months, cash=_ZERO if typed else None), notes


def _classes(layout: Layout, body) -> dict[str, str]:
    """``"credit"``, ``"cash"`` or ``"other"`` for each transaction type of the report; a type QuickBooks does not
    document is refused naming its first row."""
    texts = body.cells(layout.columns[TYPE])
    out = {}
    for text in set(texts):
        key = " ".join(text.lower().split())
        kind = known_kind(text)
        if key in CASH_TYPES:
            out[text] = "cash"
        elif kind in (ItemKind.INVOICE, ItemKind.CREDIT_NOTE):
            out[text] = "credit"
        elif kind is not None or type_class(text) is not None:
            out[text] = "other"
        else:
            k = texts.index(text)
            raise unknown_type(text, layout.sheet.source, body.index[k] + 1, layout.name_of(TYPE))
    return out
