"""Open-item reports: Open Invoices (Online and Desktop), A/R Aging Detail (Online and Desktop), Customer Open
Balance (Desktop) and A/R Aging Summary.

Detail reports give one :class:`Invoice` per printed line: invoices positive, credit memos and payments negative
(the kind comes from the transaction type), ``open_amount`` from the open balance, ``due`` from the due date. An
exported days-past-due column (Desktop ``Aging``) is ignored: aging is recomputed from due dates. Reports that do
not print the original amount set ``total`` to the open balance and flag the item ``"total_unknown"``.

Transaction types (:func:`~connectors.quickbooks.common.type_class`): a row of a type that posts to A/R without
being an invoice, credit memo or payment (a journal entry, a refund cheque) is kept by its sign and flagged
``"journal_entry"``, since the report's total includes it; a type with no amount on A/R (an estimate) is skipped;
both are named in the notes. A type QuickBooks does not document is refused, as is a currency that is not ISO 4217.
An invoice whose due date the report left blank is due as its ``Terms`` say (``Net 30``), flagged
``"due_estimated"``, or unknown when there are none; each such row is named in the notes and the books then do not
claim ``DUE_DATES``, so the aging says it is approximate.

An A/R Aging Summary has no items, only per-customer bucket totals. Each non-zero bucket of a customer becomes one
item: ``id`` ``"summary:<customer>:<bucket>"``, no number, ``due`` and ``issued`` = report date minus the
bucket's first day past due (so aging at the report date, by due or by issue date, lands in the same bucket with
the report's own edges; other edges or dates are approximate, which the aging says), and the flags
``"aging_summary"`` and ``"days_past_due:<low>-<high>"`` (``"days_past_due:-0"`` for Current, ``"days_past_due:91-"``
for the last bucket). Its books do not claim ``DUE_DATES``: the bucket is fixed at the report date.
"""
from __future__ import annotations

from collections import Counter
from datetime import timedelta
from decimal import Decimal
from itertools import repeat

from receivables.errors import InputError, Issue
from receivables.records import DUE_DATES, OPEN_ITEMS, Books, Invoice, ItemKind

from .cells import parse_amount
from .common import (
    ESTIMATED_FLAG,
    NOT_AR,
    OTHER_AR,
    OTHER_FLAG,
    Ids,
    blank_due_note,
    collectors,
    currency_cell,
    customer_from,
    customers_for,
    date_columns,
    date_notes,
    due_from_terms,
    early_payment,
    file_name,
    make_invoices,
    total_unknown_note,
    type_class,
    types_note,
    unknown_type,
    with_collectors,
    with_discounts,
)
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
    REP,
    TERMS,
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
    body, classes, other = _typed(layout, body, notes)
    index, keys, values = body.index, body.keys, body.values
    n = len(index)
    date_keys = [DATE] + ([DUE] if DUE in cols else [])
    issued, *rest = date_columns(layout, body, date_keys, notes)
    opens = values[keys.index(OPEN)]

    types = body.cells(cols[TYPE])
    kinds = list(map(classes.__getitem__, types))
    invoice, credit_note = ItemKind.INVOICE, ItemKind.CREDIT_NOTE      # enum attribute access is slow
    if other:
        kinds = [k if k is not OTHER_AR else (invoice if o >= 0 else credit_note) for k, o in zip(kinds, opens)]
    customers = _customers(layout, body)
    dues = rest[0] if rest else [None] * n
    flags = _NONE if AMOUNT in keys else _NO_TOTAL
    row_flags = None
    estimated = missing = 0
    if None in dues:
        # Credit memos, payments and rows of other types are due when issued; an invoice the export printed no due
        # date for is due as its terms say, named row by row in the notes.
        invoices = [k is invoice and classes[t] is invoice for k, t in zip(kinds, types)]
        dues = [d if d is not None or i else day for d, i, day in zip(dues, invoices, issued)]
        if DUE in cols:
            dues, row_flags, estimated, missing = _blank_dues(layout, body, dues, invoices, issued, flags, notes)
    if other:
        base = row_flags or [flags] * n
        row_flags = [f | {OTHER_FLAG} if classes[t] is OTHER_AR else f for f, t in zip(base, types)]
    numbers = list(map(str.strip, body.cells(cols[NUM]))) if NUM in cols else [""] * n
    totals = values[keys.index(AMOUNT)] if AMOUNT in keys else opens
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
                          refs, row_flags if row_flags is not None else repeat(flags), repeat(None), customers)
    if TERMS in cols:
        items = _discounted(layout, body, items, notes)
    knows = {OPEN_ITEMS}
    if DUE in cols and not estimated and not missing:
        knows.add(DUE_DATES)
    notes.extend(date_notes(layout, fname))
    found = collectors(customers, body.cells(cols[REP]), issued) if REP in cols else {}
    return Books(source=source, company_currency=company_currency, report_date=layout.report_date,
                 customers=with_collectors(customers_for(set(customers)), found), items=tuple(items), rates=rates,
                 knows=frozenset(knows), notes=tuple(notes), period=layout.period, kinds=(layout.kind,))


def _discounted(layout: Layout, body, items: list[Invoice], notes: list[Issue]) -> list[Invoice]:
    """The items with the early-payment discounts their rows' terms grant (common.early_discount); where the report
    prints no original amount, none, and the notes say why."""
    terms = {item.id: found for item, text in zip(items, body.cells(layout.columns[TERMS]))
             if item.kind is ItemKind.INVOICE and (found := early_payment(text)) is not None}
    if terms and AMOUNT not in layout.columns:
        notes.append(total_unknown_note(file_name(layout.sheet.source), layout.name_of(TERMS)))
    return with_discounts(items, terms)


def _typed(layout: Layout, body, notes: list[Issue]):
    """The body without rows of types that carry no amount on A/R, each type's class (see
    :func:`~connectors.quickbooks.common.type_class`), and whether rows of other A/R types are kept. A row of a
    type QuickBooks does not document is refused; skipped and kept types are named in ``notes``."""
    types = body.cells(layout.columns[TYPE])
    classes = {t: type_class(t) for t in set(types)}
    column = layout.name_of(TYPE)
    if None in classes.values():
        k = next(k for k, t in enumerate(types) if classes[t] is None)
        raise unknown_type(types[k], layout.sheet.source, body.index[k] + 1, column)
    fname = file_name(layout.sheet.source)
    if NOT_AR in classes.values():
        notes.append(types_note(fname, Counter(t.strip() for t in types if classes[t] is NOT_AR), column))
        body = body.only([classes[t] is not NOT_AR for t in types])
        types = body.cells(layout.columns[TYPE])
    other = OTHER_AR in classes.values()
    if other:
        notes.append(types_note(fname, Counter(t.strip() for t in types if classes[t] is OTHER_AR), column,
                                kept=True))
    return body, classes, other


def _blank_dues(layout: Layout, body, dues: list, invoices: list[bool], issued: list, flags: frozenset,
                notes: list[Issue]):
    """Due dates of invoices the export left blank, estimated from the row's terms where it prints them; each such
    row named in ``notes``. Returns the due dates, each row's flags, and how many were estimated and left unknown."""
    terms = body.cells(layout.columns[TERMS]) if TERMS in layout.columns else None
    fname, column = file_name(layout.sheet.source), layout.name_of(DUE)
    dues, row_flags = list(dues), [flags] * len(dues)
    estimated = missing = 0
    estimated_flags = flags | {ESTIMATED_FLAG}
    for k, due in enumerate(dues):
        if due is not None or not invoices[k]:
            continue
        text = terms[k] if terms is not None else None
        due = due_from_terms(text, issued[k]) if text else None
        notes.append(blank_due_note(fname, body.index[k] + 1, column, text, due))
        if due is None:
            missing += 1
        else:
            dues[k], row_flags[k] = due, estimated_flags
            estimated += 1
    return dues, row_flags, estimated, missing


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
    code_of = currency_codes(layout, body, texts, company_currency)
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


def currency_codes(layout: Layout, body, texts: list[str], company_currency: str) -> dict[str, str]:
    """The ISO 4217 code of each distinct text of the currency column (blank: the company's currency); a text that is
    not one is refused naming its first row."""
    column = layout.name_of(CURRENCY)
    return {t: currency_cell(t, layout.sheet.source, body.index[texts.index(t)] + 1, column) if t.strip()
            else company_currency for t in set(texts)}


def read_aging_summary(layout: Layout, company_currency: str) -> Books:
    """Books from an A/R Aging Summary: per-customer bucket totals as synthetic items (see the module docstring)."""
    required_columns(layout, (TOTAL,))
    source = layout.sheet.source
    if layout.report_date is None:
        raise InputError("an A/R Aging Summary without a date (no 'As of' line, no run date): its buckets cannot be "
                         "placed in time", source=source, row=layout.header_index,
                         hint="export the report again with its title block and footer")
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
    notes = (Issue(fname, SUMMARY_NOTE, severity="info"), *date_notes(layout, fname))
    return Books(source=source, company_currency=company_currency, report_date=layout.report_date,
                 customers=customers_for(customer_ids), items=tuple(items), knows=frozenset({OPEN_ITEMS}),
                 notes=notes, period=layout.period, kinds=(layout.kind,))

