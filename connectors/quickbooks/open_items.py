"""Open-item reports: Open Invoices (Online and Desktop), A/R Aging Detail (Online and Desktop), Customer Open
Balance (Desktop) and A/R Aging Summary.

Detail reports give one :class:`Invoice` per printed line: invoices positive, credit memos and payments negative
(the kind comes from the transaction type), ``open_amount`` from the open balance, ``due`` from the due date. An
exported days-past-due column (Desktop ``Aging``) is ignored: aging is recomputed from due dates. Reports that do
not print the original amount set ``total`` to the open balance and flag the item ``"total_unknown"``.

An A/R Aging Summary has no items, only per-customer bucket totals. Each non-zero bucket of a customer becomes one
item: ``id`` ``"summary:<customer>:<bucket>"``, no number, ``due`` and ``issued`` = report date minus the
bucket's first day past due (so aging at the report date, by due or by issue date, lands in the same bucket with
the report's own edges; other edges or dates are approximate, which the aging says), and the flags
``"aging_summary"`` and ``"days_past_due:<low>-<high>"`` (``"days_past_due:-0"`` for Current, ``"days_past_due:91-"``
for the last bucket). Its books do not claim ``DUE_DATES``: the bucket is fixed at the report date.
"""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from itertools import repeat

from receivables.errors import InputError, Issue
from receivables.records import DUE_DATES, OPEN_ITEMS, Books, Invoice, ItemKind

from .cells import parse_amount
from .common import Ids, customer_from, customers_for, date_columns, file_name, known_kind, make_invoices
from .kinds import (
    AGING,
    AMOUNT,
    CURRENCY,
    CUSTOMER,
    DATE,
    DUE,
    FAMOUNT,
    FOPEN,
    NUM,
    OPEN,
    RATE,
    TOTAL,
    TYPE,
    Layout,
)
from .table import walk

_NO_TOTAL = frozenset({"total_unknown"})
SUMMARY_NOTE = ("an A/R Aging Summary has per-customer bucket totals only: no invoices, no due dates; each bucket "
                "is one item fixed at the report date")
_NONE = frozenset()


def required_columns(layout: Layout, keys) -> None:
    missing = [k for k in keys if k not in layout.columns]
    if missing:
        names = {DATE: "Date", TYPE: "Transaction type", OPEN: "Open balance", DUE: "Due date", NUM: "Num",
                 AMOUNT: "Amount", TOTAL: "Total", CUSTOMER: "Customer"}
        label = names.get(missing[0], missing[0])
        raise InputError(f"no {label!r} column in the header row", source=layout.sheet.source,
                         row=layout.header_index + 1, column=label, hint="export the report with its standard columns")


def read_open_items(layout: Layout, company_currency: str) -> Books:
    """Books from a detail open-item report (Open Invoices, A/R Aging Detail, Customer Open Balance)."""
    required_columns(layout, (DATE, TYPE, OPEN))
    body = walk(layout, require_total=True)
    source, cols = layout.sheet.source, layout.columns
    fname = file_name(source)
    notes: list[Issue] = []
    if AGING in cols:
        notes.append(Issue(fname, "the exported column is ignored: aging is recomputed from due dates",
                           column=layout.name_of(AGING), severity="info"))
    index, keys, values = body.index, body.keys, body.values
    n = len(index)
    date_keys = [DATE] + ([DUE] if DUE in cols else [])
    issued, *rest = date_columns(layout, body, date_keys, notes)
    opens = values[keys.index(OPEN)]

    types = body.cells(cols[TYPE])
    kind_map = {t: known_kind(t) for t in set(types)}
    kinds = list(map(kind_map.__getitem__, types))
    invoice, credit_note = ItemKind.INVOICE, ItemKind.CREDIT_NOTE      # enum attribute access is slow
    if None in kind_map.values():
        kinds = [k if k is not None else (invoice if o >= 0 else credit_note) for k, o in zip(kinds, opens)]
    customers = _customers(layout, body)
    dues = rest[0] if rest else [None] * n
    if None in dues:
        dues = [d if d is not None or k is invoice else day for d, k, day in zip(dues, kinds, issued)]
    numbers = list(map(str.strip, body.cells(cols[NUM]))) if NUM in cols else [""] * n
    totals = values[keys.index(AMOUNT)] if AMOUNT in keys else opens
    flags = _NONE if AMOUNT in keys else _NO_TOTAL
    currencies, companies, rates = [company_currency] * n, opens, {}
    if CURRENCY in cols:
        opens, totals, currencies, rates = _foreign(layout, body, company_currency, opens, totals)
    prefixes = {k: k.value + ":" for k in set(kinds)}
    ids = list(map(str.__add__, map(prefixes.__getitem__, kinds), numbers))
    if "" in numbers or len(set(ids)) != n:
        maker = Ids()
        ids = [maker.make(k.value, number, c, day, o)
               for k, number, c, day, o in zip(kinds, numbers, customers, issued, opens)]
    refs = list(map(f"{fname}:".__add__, map(str, map((1).__add__, index))))
    items = make_invoices(ids, numbers, customers, kinds, issued, dues, currencies, totals, opens, companies,
                          refs, repeat(flags), repeat(None), customers)
    knows = {OPEN_ITEMS}
    if DUE in cols:
        knows.add(DUE_DATES)
    if layout.report_date is None:
        notes.append(Issue(fname, "the report prints no 'As of' date", severity="info"))
    return Books(source=source, company_currency=company_currency, report_date=layout.report_date,
                 customers=customers_for(set(customers)), items=tuple(items), rates=rates, knows=frozenset(knows),
                 notes=tuple(notes), period=layout.period, kinds=(layout.kind,))


def _customers(layout: Layout, body) -> list[str]:
    """The full customer name of every detail row: its customer column, else the customer headings above it."""
    by_path = {p: customer_from(p) for p in set(body.paths)}
    if CUSTOMER in layout.columns:
        names = list(map(str.strip, body.cells(layout.columns[CUSTOMER])))
        if "" in names:
            names = [c or by_path[p] for c, p in zip(names, body.paths)]
    else:
        names = [by_path[p] for p in body.paths]
    if "" in names:
        row = body.index[names.index("")] + 1
        raise InputError("a transaction row with no customer", source=layout.sheet.source, row=row,
                         column=layout.name_of(CUSTOMER) if CUSTOMER in layout.columns else None,
                         hint="export the report grouped by customer, or with the customer column")
    return names


def _foreign(layout: Layout, body, company_currency: str, opens, totals):
    """Multicurrency columns: document-currency amounts where the row's currency is not the company's."""
    cols, keys, values = layout.columns, body.keys, body.values
    texts = body.cells(cols[CURRENCY])
    code_of = {t: t.strip().upper() or company_currency for t in set(texts)}
    if set(code_of.values()) == {company_currency}:
        return opens, totals, [company_currency] * len(texts), {}
    codes = list(map(code_of.__getitem__, texts))
    fopen = values[keys.index(FOPEN)] if FOPEN in keys else None
    famount = values[keys.index(FAMOUNT)] if FAMOUNT in keys else None
    rate_texts = body.cells(cols[RATE]) if RATE in cols else None
    opens, totals, rates = list(opens), list(totals), {}
    for k in [k for k, code in enumerate(codes) if code != company_currency]:
        code = codes[k]
        if fopen is not None:
            opens[k] = fopen[k]
        if famount is not None:
            totals[k] = famount[k]
        elif AMOUNT not in keys:
            totals[k] = opens[k]
        if rate_texts is not None and rate_texts[k].strip():
            rate = parse_amount(rate_texts[k])
            if rate is None or rate <= 0:
                raise InputError(f"not an exchange rate: {rate_texts[k][:40]!r}", source=layout.sheet.source,
                                 row=body.index[k] + 1, column=layout.name_of(RATE))
            rates[code] = rate
    return opens, totals, codes, rates


def read_aging_summary(layout: Layout, company_currency: str) -> Books:
    """Books from an A/R Aging Summary: per-customer bucket totals as synthetic items (see the module docstring)."""
    required_columns(layout, (TOTAL,))
    source = layout.sheet.source
    if layout.report_date is None:
        raise InputError("an A/R Aging Summary without an 'As of' date line", source=source,
                         row=layout.header_index, hint="export the report again with its title block")
    body = walk(layout, require_total=True)
    bucket_keys = body.keys[:-1]
    label_c = layout.columns.get("customer")
    items, customer_ids = [], set()
    fname = file_name(source)
    for index, row, headings, values in body.details:
        name = (row[label_c].strip() if label_c is not None else "") or next(c.strip() for c in row if c.strip())
        parent = customer_from(headings)
        customer = name if not parent or parent == name or ":" in name else f"{parent}:{name}"
        if sum(values[:-1], Decimal(0)) != values[-1]:
            raise InputError(f"the buckets add up to {sum(values[:-1], Decimal(0))} but the row total says "
                             f"{values[-1]}", source=source, row=index + 1, column=layout.name_of(TOTAL),
                             hint="export the report again without editing it")
        customer_ids.add(customer)
        for j, key in enumerate(bucket_keys):
            amount = values[j]
            if amount == 0:
                continue
            bucket = layout.buckets[key]
            low, high = bucket.low, bucket.high
            issued = layout.report_date - timedelta(days=max(low or 0, 0))
            tag = f"days_past_due:{'' if low is None else low}-{'' if high is None else high}"
            kind = ItemKind.INVOICE if amount > 0 else ItemKind.CREDIT_NOTE
            items.append(Invoice(f"summary:{customer}:{bucket.label}", "", customer, kind, issued, issued,
                                 company_currency, amount, amount, amount, f"{fname}:{index + 1}",
                                 frozenset({"aging_summary", tag}), None, customer))
    notes = (Issue(fname, SUMMARY_NOTE, severity="info"),)
    return Books(source=source, company_currency=company_currency, report_date=layout.report_date,
                 customers=customers_for(customer_ids), items=tuple(items), knows=frozenset({OPEN_ITEMS}),
                 notes=notes, period=layout.period, kinds=(layout.kind,))

