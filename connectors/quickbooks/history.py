"""History reports: Invoice List (by Date), Customer Balance Detail, Transaction List by Customer, and Invoices and
Received Payments.

They give issued invoices and credit notes (``total`` signed: invoices positive, credit notes negative) and
:class:`Payment` records. Where the report prints an open balance it is used as printed; where it prints none
(Transaction List by Customer) the open balances are derived per customer and currency, applying payments and
credit notes to the oldest open invoice first, and the books' notes say so. ``paid_on`` is known only where the
report shows which payment settled an invoice (Invoices and Received Payments lists an invoice's payments under it;
those become allocations) or where it is derived; other rows of other types (sales receipts, estimates, journal
entries) are skipped and counted in the notes.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal

from receivables.errors import InputError
from receivables.records import (
    ALLOCATIONS,
    DUE_DATES,
    ISSUED_HISTORY,
    OPEN_ITEMS,
    PAYMENT_DATES,
    PAYMENTS,
    Allocation,
    Books,
    Invoice,
    ItemKind,
    Payment,
)

from .common import Ids, customer_from, customers_for, date_columns, known_kind
from .kinds import (
    AMOUNT,
    CURRENCY,
    CUSTOMER,
    DATE,
    DUE,
    FAMOUNT,
    NUM,
    OPEN,
    QBO_INVOICES_AND_PAYMENTS,
    TYPE,
    Layout,
)
from .open_items import required_columns
from .table import walk

FIFO_NOTE = ("the export does not record which payment or credit settles which invoice: open balances and paid "
             "dates are derived per customer, applying payments and credits to the oldest open invoice first")


def read_history(layout: Layout, company_currency: str) -> Books:
    required_columns(layout, (DATE, TYPE, AMOUNT))
    body = walk(layout, require_total=False)
    source, cols = layout.sheet.source, layout.columns
    notes: list[str] = []
    keys = body.keys
    amount_j, open_j = keys.index(AMOUNT), (keys.index(OPEN) if OPEN in keys else None)
    famount_j = keys.index(FAMOUNT) if FAMOUNT in keys else None
    due_c, type_c, num_c = cols.get(DUE), cols[TYPE], cols.get(NUM)
    cust_c, cur_c = cols.get(CUSTOMER), cols.get(CURRENCY)
    details = body.details

    issued_col, *rest = date_columns(layout, body, [DATE] + ([DUE] if due_c is not None else []), notes)
    due_col = rest[0] if rest else [None] * len(issued_col)

    file_name = source.replace("\\", "/").rsplit("/", 1)[-1]
    linked = layout.kind == QBO_INVOICES_AND_PAYMENTS
    ids, items, payments, allocations = Ids(), [], [], []
    skipped: Counter = Counter()
    customer_ids = set()
    last_invoice: dict[str, int] = {}           # customer -> index in items of the invoice listed last
    paid_dates: dict[int, list] = defaultdict(list)
    for k, (index, row, headings, values) in enumerate(details):
        customer = (row[cust_c].strip() if cust_c is not None else "") or customer_from(headings)
        if not customer:
            raise InputError("a transaction row with no customer", source=source, row=index + 1,
                             hint="export the report grouped by customer, or with the customer column")
        kind = known_kind(row[type_c])
        if kind is None:
            skipped[row[type_c].strip() or "(blank)"] += 1
            continue
        customer_ids.add(customer)
        issued = issued_col[k]
        number = row[num_c].strip() if num_c is not None else ""
        currency = (row[cur_c].strip().upper() if cur_c is not None else "") or company_currency
        amount = values[amount_j]
        if currency != company_currency and famount_j is not None:
            amount = values[famount_j]
        ref = f"{file_name}:{index + 1}"
        if kind is ItemKind.PAYMENT:
            pay_id = ids.make("payment", number, customer, issued, abs(amount))
            applied = ()
            if linked and customer in last_invoice:
                target = items[last_invoice[customer]]
                applied = (target.id,)
                allocations.append(Allocation(target.id, pay_id, abs(amount), issued,
                                              abs(amount) if currency != company_currency else None))
                paid_dates[last_invoice[customer]].append(issued)
            payments.append(Payment(pay_id, customer, issued, abs(amount), currency, applied, number, ref))
            if open_j is not None and values[open_j] != 0 and not linked:
                items.append(Invoice(pay_id, number, customer, ItemKind.PAYMENT, issued, issued, currency,
                                     -abs(amount), -abs(values[open_j]), None, ref, frozenset(), None, customer))
            continue
        sign = 1 if kind is ItemKind.INVOICE else -1
        total = sign * abs(amount)
        opened = sign * abs(values[open_j]) if open_j is not None else total
        due = due_col[k]
        if due is None and kind is ItemKind.CREDIT_NOTE:
            due = issued
        item_id = ids.make(kind.value, number, customer, issued, abs(amount))
        if kind is ItemKind.INVOICE:
            last_invoice[customer] = len(items)
        items.append(Invoice(item_id, number, customer, kind, issued, due, currency, total, opened,
                             opened if currency == company_currency else None, ref, frozenset(), None, customer))

    knows = {ISSUED_HISTORY, PAYMENTS}
    if due_c is not None:
        knows.add(DUE_DATES)
    if open_j is not None:
        knows.add(OPEN_ITEMS)
        notes.append("open balances are as printed when the report was run")
        if linked:
            for position, paid in paid_dates.items():
                item = items[position]
                if item.open_amount == 0:
                    items[position] = _replace(item, paid_on=max(paid))
            knows |= {PAYMENT_DATES, ALLOCATIONS}
            notes.append("payments are taken to settle the invoice they are listed under")
        else:
            notes.append("the report does not say when settled invoices were paid")
    else:
        items = derive_open(items, payments, company_currency)
        knows |= {OPEN_ITEMS, PAYMENT_DATES}
        notes.append(FIFO_NOTE)
    if skipped:
        notes.append("rows of other transaction types skipped: " +
                     ", ".join(f"{name} ({count})" for name, count in sorted(skipped.items())))
    return Books(source=source, company_currency=company_currency, report_date=layout.report_date,
                 customers=customers_for(customer_ids), items=tuple(items), payments=tuple(payments),
                 allocations=tuple(allocations), knows=frozenset(knows), notes=tuple(notes), period=layout.period,
                 kinds=(layout.kind,))


def _replace(item: Invoice, **changes) -> Invoice:
    from dataclasses import replace
    return replace(item, **changes)


def derive_open(items: list[Invoice], payments: list[Payment], company_currency: str) -> list[Invoice]:
    """Open balances and paid dates when the source does not say what settled what.

    Per customer and currency, payments and credit notes (in date order) settle the oldest open invoices first.
    An invoice's ``paid_on`` is the date of the credit that closed it (not before its own date). A credit note's
    unused part stays open (negative); a payment's unused part becomes an open item of kind ``payment``.
    """
    debits: dict[tuple, list] = defaultdict(list)
    credits: dict[tuple, list] = defaultdict(list)
    for position, item in enumerate(items):
        key = (item.customer_id, item.currency)
        if item.kind is ItemKind.INVOICE and item.total > 0:
            debits[key].append(position)
        elif item.total < 0:
            credits[key].append((item.issued, 0, position, -item.total))
    for pay in payments:
        credits[(pay.customer_id, pay.currency)].append((pay.date, 1, pay, pay.amount))
    open_left = {p: items[p].total for group in debits.values() for p in group}
    paid_on: dict[int, object] = {}
    credit_left: dict[int, Decimal] = {}
    extra = []
    for key, group in credits.items():
        queue = sorted(debits.get(key, ()), key=lambda p: (items[p].issued, items[p].number, p))
        for when, _, what, amount in sorted(group, key=lambda c: (c[0], c[1], str(c[2]))):
            while amount > 0 and queue:
                target = queue[0]
                used = min(amount, open_left[target])
                open_left[target] -= used
                amount -= used
                if open_left[target] == 0:
                    paid_on[target] = max(when, items[target].issued)
                    queue.pop(0)
            if isinstance(what, int):
                credit_left[what] = amount
            elif amount > 0:
                extra.append(Invoice(f"unapplied:{what.id}", what.number, what.customer_id, ItemKind.PAYMENT, when,
                                     when, what.currency, -what.amount, -amount,
                                     -amount if what.currency == company_currency else None, what.source_ref,
                                     frozenset(), None, what.customer_id))
    out = []
    for position, item in enumerate(items):
        if position in open_left:
            left = open_left[position]
            item = _replace(item, open_amount=left, paid_on=paid_on.get(position),
                            open_amount_company=left if item.currency == company_currency else None)
        elif position in credit_left:
            left = -credit_left[position]
            item = _replace(item, open_amount=left,
                            open_amount_company=left if item.currency == company_currency else None)
        out.append(item)
    return out + extra
