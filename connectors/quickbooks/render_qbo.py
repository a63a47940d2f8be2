"""QuickBooks Online layouts: each builder turns books as of a day into a :class:`Report` of cells.

Open Invoices, A/R Aging Detail and Summary, Invoice List by Date, Customer Balance Detail, Transaction List
by Customer, Invoices and Received Payments; the writers in ``render_writers`` put them into CSV or XLSX.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from connectors.quickbooks.render_options import (
    _METHODS,
    _TYPE,
    AGING_SECTIONS,
    QBO_AR_AGING_DETAIL,
    QBO_AR_AGING_SUMMARY,
    QBO_CUSTOMER_BALANCE_DETAIL,
    QBO_INVOICE_LIST,
    QBO_INVOICES_AND_PAYMENTS,
    QBO_OPEN_INVOICES,
    QBO_TRANSACTION_LIST,
    TITLES,
    Amt,
    Options,
    Report,
    _as_of_text,
    _footer,
    _foreign,
    _fx_cells,
    _grouped,
    _h,
    _home,
    _name,
    _open_sorted,
    _pay_home,
    _pay_item,
    _period_text,
    _section,
    _terms,
    days_past_due,
)
from receivables.records import Books, Invoice, ItemKind


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
    for cid in set(sums) | {p for c in sums for p in _ancestors(customers, c)}:
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
