"""History reports: Invoice List (by Date), Customer Balance Detail, Transaction List by Customer, and Invoices and
Received Payments.

They give issued invoices and credit notes (``total`` signed: invoices positive, credit notes negative) and
:class:`Payment` records. Where the report prints an open balance it is used as printed: as it stood when the report
was run, so the books stand at the run date its footer prints (the rules per kind:
:mod:`connectors.quickbooks.kinds`, "Report dates"); where it prints none (Transaction List by Customer) the open
balances are derived per customer and currency, applying payments and credit notes to the oldest open invoice first,
and the books' notes say so. ``paid_on`` is known only where the report lists the payments beside the invoices
(Invoices and Received Payments; :func:`link_payments` says which payment is taken to settle which invoice, and
what becomes of a payment of an invoice the report does not list) or where it is derived; rows of the other types
QuickBooks documents (sales receipts, estimates, journal entries) are skipped and counted in the notes, and a type it
does not document is refused. An invoice whose due date the report left blank is due as its terms say where the
report prints them (else unknown), named row by row in the notes; the books then do not claim ``DUE_DATES``.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from itertools import combinations

from receivables.errors import InputError, Issue
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

from .common import (
    ESTIMATED_FLAG,
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
    type_class,
    types_note,
    unknown_type,
    with_collectors,
    with_discounts,
)
from .kinds import (
    AMOUNT,
    CURRENCY,
    CUSTOMER,
    DATE,
    DUE,
    FAMOUNT,
    NUM,
    OPEN,
    QBO_INVOICE_LIST,
    QBO_INVOICES_AND_PAYMENTS,
    REP,
    TERMS,
    TYPE,
    Layout,
)
from .open_items import required_columns
from .table import walk

_NONE = frozenset()
_ESTIMATED = frozenset({ESTIMATED_FLAG})
FIFO_NOTE = ("the export does not record which payment or credit settles which invoice: open balances and paid "
             "dates are derived per customer, applying payments and credits to the oldest open invoice first")


def read_history(layout: Layout, company_currency: str) -> Books:
    required_columns(layout, (DATE, TYPE, AMOUNT))
    body = walk(layout, require_total=False)
    source, cols = layout.sheet.source, layout.columns
    fname = file_name(source)
    notes: list[Issue] = []
    keys = body.keys
    amount_j, open_j = keys.index(AMOUNT), (keys.index(OPEN) if OPEN in keys else None)
    famount_j = keys.index(FAMOUNT) if FAMOUNT in keys else None
    due_c, type_c, num_c = cols.get(DUE), cols[TYPE], cols.get(NUM)
    cust_c, cur_c = cols.get(CUSTOMER), cols.get(CURRENCY)
    details = body.details

    issued_col, *rest = date_columns(layout, body, [DATE] + ([DUE] if due_c is not None else []), notes)
    due_col = rest[0] if rest else [None] * len(issued_col)
    terms_c, rep_c = cols.get(TERMS), cols.get(REP)
    type_name, due_name = layout.name_of(TYPE), layout.name_of(DUE)
    currencies: dict[str, str] = {}

    linked = layout.kind == QBO_INVOICES_AND_PAYMENTS
    ids, items, payments, allocations = Ids(), [], [], []
    skipped: Counter = Counter()
    customer_ids = set()
    blank_dues = 0
    unapplied: dict[str, Decimal] = {}          # payment id -> part left unapplied at the report date
    early: dict = {}                            # invoice id -> the early-payment terms its row prints
    reps: tuple[list, list, list] = ([], [], [])   # each transaction's customer, rep and date
    for k, (index, row, headings, values) in enumerate(details):
        customer = (row[cust_c].strip() if cust_c is not None else "") or customer_from(headings)
        if not customer:
            raise InputError("a transaction row with no customer", source=source, row=index + 1,
                             hint="export the report grouped by customer, or with the customer column")
        kind = type_class(row[type_c])
        if kind is None:
            raise unknown_type(row[type_c], source, index + 1, type_name)
        if not isinstance(kind, ItemKind):
            skipped[row[type_c].strip()] += 1
            continue
        customer_ids.add(customer)
        issued = issued_col[k]
        if rep_c is not None:
            for found, value in zip(reps, (customer, row[rep_c], issued)):
                found.append(value)
        number = row[num_c].strip() if num_c is not None else ""
        currency = company_currency
        if cur_c is not None and row[cur_c].strip():
            currency = currencies.get(row[cur_c]) or currencies.setdefault(
                row[cur_c], currency_cell(row[cur_c], source, index + 1, layout.name_of(CURRENCY)))
        amount = values[amount_j]
        if currency != company_currency and famount_j is not None:
            amount = values[famount_j]
        ref = f"{fname}:{index + 1}"
        if kind is ItemKind.PAYMENT:
            pay_id = ids.make("payment", number, customer, issued, abs(amount))
            payments.append(Payment(pay_id, customer, issued, abs(amount), currency, (), number, ref))
            if open_j is not None and values[open_j] != 0:
                if linked:
                    unapplied[pay_id] = abs(values[open_j])
                else:
                    items.append(Invoice(pay_id, number, customer, ItemKind.PAYMENT, issued, issued, currency,
                                         -abs(amount), -abs(values[open_j]), None, ref, frozenset(), None,
                                         customer))
            continue
        sign = 1 if kind is ItemKind.INVOICE else -1
        total = sign * abs(amount)
        opened = sign * abs(values[open_j]) if open_j is not None else total
        due, flags = due_col[k], _NONE
        if due is None and kind is ItemKind.CREDIT_NOTE:
            due = issued
        elif due is None and due_c is not None:     # an invoice the export printed no due date for
            terms = row[terms_c] if terms_c is not None else None
            due = due_from_terms(terms, issued) if terms else None
            notes.append(blank_due_note(fname, index + 1, due_name, terms, due))
            flags = _ESTIMATED if due is not None else _NONE
            blank_dues += 1
        item_id = ids.make(kind.value, number, customer, issued, abs(amount))
        items.append(Invoice(item_id, number, customer, kind, issued, due, currency, total, opened,
                             opened if currency == company_currency else None, ref, flags, None, customer))
        if terms_c is not None and kind is ItemKind.INVOICE and (terms := early_payment(row[terms_c])):
            early[item_id] = terms

    knows = {ISSUED_HISTORY, PAYMENTS}
    if due_c is not None and not blank_dues:
        knows.add(DUE_DATES)
    notes.extend(date_notes(layout, fname))
    if open_j is not None:
        knows.add(OPEN_ITEMS)
        if layout.kind in (QBO_INVOICE_LIST, QBO_INVOICES_AND_PAYMENTS):
            notes.append(Issue(fname, "the report lists invoices (and payments) only: open credit memos and unapplied "
                               "payments are not among its open balances; add an Open Invoices or A/R Aging Detail "
                               "export for them", severity="info"))
        if linked:
            run_after = None
            if layout.period and layout.report_date and layout.report_date > layout.period[1]:
                run_after = layout.period[1] + timedelta(days=1)     # run after its period ended
            items, payments, allocations, linked_notes = link_payments(items, payments, unapplied, company_currency,
                                                                       run_after=run_after)
            knows |= {PAYMENT_DATES, ALLOCATIONS}
            notes.extend(Issue(fname, text, severity="warning") for text in linked_notes)
        else:
            notes.append(Issue(fname, "the report does not say when settled invoices were paid", severity="info"))
    else:
        items = derive_open(items, payments, company_currency)
        knows |= {OPEN_ITEMS, PAYMENT_DATES}
        notes.append(Issue(fname, FIFO_NOTE, severity="warning"))
    if skipped:
        notes.append(types_note(fname, skipped, type_name))
    return Books(source=source, company_currency=company_currency, report_date=layout.report_date,
                 customers=with_collectors(customers_for(customer_ids), collectors(*reps)),
                 items=tuple(with_discounts(items, early)), payments=tuple(payments),
                 allocations=tuple(allocations), knows=frozenset(knows), notes=tuple(notes), period=layout.period,
                 kinds=(layout.kind,))


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
            item = replace(item, open_amount=left, paid_on=paid_on.get(position),
                            open_amount_company=left if item.currency == company_currency else None)
        elif position in credit_left:
            left = -credit_left[position]
            item = replace(item, open_amount=left,
                            open_amount_company=left if item.currency == company_currency else None)
        out.append(item)
    return out + extra


LINK_NOTE = ("the report lists payments beside invoices but not which invoice each settles: a payment is taken to "
             "settle the oldest earlier invoice whose settled amount (total less open balance) it matches exactly, "
             "alone or with one other payment, else the latest earlier invoice it fits")
LINK_AFTER_NOTE = ("the report lists payments beside invoices but not which invoice each settles, and it was run after "
                   "its period ended: a payment is taken to settle an earlier invoice only where it explains the "
                   "invoice's settled amount (total less open balance) exactly, alone or with up to four other "
                   "payments; one that would explain only part of it is as likely a payment of an invoice issued "
                   "before the period, so it is not taken for a part payment")
CREDIT_NOTE = ("{n} invoices were settled by more than the payments listed ({amount} in all): applied credit memos "
               "appear in no export (Invoice List and Invoices and Received Payments list invoices and payments, the "
               "open-item reports only what is still open), so each gap is an inferred credit memo of unknown date, "
               "dated when the invoice was settled in full; before then the invoice's amount open may be overstated "
               "by it: {ids}")
CREDIT_AFTER_NOTE = ("{n} invoices were settled by more than the payments listed ({amount} in all): the report was run "
                     "after its period ended, so each gap is a payment after the period or a credit memo, neither of "
                     "which it lists: an inferred credit dated {day}, the first day after the period, so the invoice "
                     "counts as open at the period's end (overstated by it if a credit memo settled it sooner): {ids}")
STRAY_NOTE = ("{n} payments ({amount} in all) settle no invoice the report lists: payments of invoices issued before "
              "its period (or of credits it does not show), which the export cannot place; they settle nothing in "
              "these books, are no sales and leave every open balance as printed: {which}")


def link_payments(items: list[Invoice], payments: list[Payment], unapplied: dict[str, Decimal],
                  company_currency: str, *, run_after: date | None = None
                  ) -> tuple[list[Invoice], list[Payment], list[Allocation], list[str]]:
    """Allocations for a report that lists invoices and payments per customer without saying what settled what.

    Per customer and currency, each invoice's settled amount (total less open balance, as printed when the report
    was run) is matched with the payments' applied amounts (amount less the part still unapplied), payments dated on
    or after the invoice: first one payment of exactly that amount, then two payments adding up to it; then

    - when the report's period reaches the day it was run (``run_after`` is ``None``), the latest earlier invoice a
      payment fits: every payment until the report date is listed, so what the payments do not explain can only be
      a credit memo (which no export lists) and a payment explaining part of it is taken for the rest;
    - when the report was run after its period ended (``run_after``: the first day after the period), three to five
      payments adding up to it exactly, and nothing else. What is left of an invoice's settled amount may then
      equally be a payment after the period, and a payment that would explain only part of it is as likely one of an
      invoice issued before the period, which the report does not list (most of a month's payments settle earlier
      months' invoices): taking it for a part payment would settle a listed invoice with another invoice's money.

    What no payment explains is an inferred credit memo (an item flagged ``"inferred"``, open zero): dated when the
    invoice was settled in full by the payments listed (its last payment's date, else its own), or, when the report
    was run after its period, on ``run_after``, so that at the period's end the invoice counts as open by it. A
    payment that settles no listed invoice is allocated to nothing: it is a payment of an invoice the report does not
    list; it reduces no open balance (those are printed), is no sale, and the notes name it. ``paid_on`` of a settled
    invoice is its last allocation's date.

    The rows' order is not relied on: an export may print an invoice's payments under it or every row by date, and a
    payment of an invoice the report does not list sits among them either way. What amounts cannot tell apart stays
    possible, and the notes' rule says so: a payment of an unlisted invoice that happens to equal a later listed
    invoice's settled amount, or (period reaching the run date) one that fits an invoice a credit memo settled.
    """
    need: dict[int, Decimal] = {}
    by_key: dict[tuple, tuple[list, list]] = defaultdict(lambda: ([], []))
    for position, item in enumerate(items):
        if item.kind is ItemKind.INVOICE and item.total > item.open_amount:
            need[position] = item.total - item.open_amount
            by_key[(item.customer_id, item.currency)][0].append(position)
    applied_amount: dict[int, Decimal] = {}
    for k, pay in enumerate(payments):
        rest = pay.amount - unapplied.get(pay.id, 0)
        if rest > 0:
            applied_amount[k] = rest
            by_key[(pay.customer_id, pay.currency)][1].append(k)
    links: dict[int, list[int]] = defaultdict(list)       # invoice position -> payment indexes
    for invoices, pays in by_key.values():
        invoices.sort(key=lambda p: (items[p].issued, items[p].number, p))
        pays.sort(key=lambda k: (payments[k].date, payments[k].number, k))
        _match(items, payments, invoices, pays, need, applied_amount, links, partial=run_after is None)
    allocations, extra, paid_on, gaps, rounding = [], [], {}, [], Decimal(0)
    applied_to: dict[int, list[str]] = defaultdict(list)
    for position in sorted(need):
        item, dates, left = items[position], [], need[position]
        foreign = item.currency != company_currency
        for k in links.get(position, ()):
            pay, amount = payments[k], applied_amount[k]
            allocations.append(Allocation(item.id, pay.id, amount, pay.date, amount if foreign else None))
            applied_to[k].append(item.id)
            dates.append(pay.date)
            left -= amount
        if 0 < left <= Decimal("0.01") * len(links.get(position, ())):
            rounding += left                                    # converted payments and total round apart
        elif left > 0:
            when = max(dates + [item.issued] + ([run_after] if run_after else []))
            credit_id = f"credit_note:inferred:{item.id}"
            extra.append(Invoice(credit_id, "", item.customer_id, ItemKind.CREDIT_NOTE, when, when, item.currency,
                                 -left, left * 0, left * 0 if not foreign else None, item.source_ref,
                                 frozenset({"inferred"}), when, item.customer_name))
            allocations.append(Allocation(item.id, credit_id, left, when, left if foreign else None))
            gaps.append((item.id, left))
            dates.append(when)
        if item.open_amount == 0 and dates:
            paid_on[position] = max(dates)
    items = [replace(item, paid_on=paid_on[p]) if p in paid_on else item for p, item in enumerate(items)]
    payments = [replace(pay, applied_to=tuple(applied_to[k])) if k in applied_to else pay
                for k, pay in enumerate(payments)]
    notes = [LINK_NOTE if run_after is None else LINK_AFTER_NOTE]
    stray = [k for k in applied_amount if k not in applied_to]
    if stray:
        which = ", ".join(_named(payments[k], applied_amount[k]) for k in stray[:10]) + (" ..." if len(stray) > 10
                                                                                          else "")
        notes.append(STRAY_NOTE.format(n=len(stray), amount=sum((applied_amount[k] for k in stray), Decimal(0)),
                                       which=which))
    if rounding:
        notes.append(f"invoices settled by payments short of their total by a cent per payment ({rounding} in all) "
                     "are taken as settled in full: amounts converted from another currency round apart")
    if gaps:
        ids = ", ".join(i for i, _ in gaps[:20]) + (" ..." if len(gaps) > 20 else "")
        amount = sum((g for _, g in gaps), Decimal(0))
        notes.append(CREDIT_NOTE.format(n=len(gaps), amount=amount, ids=ids) if run_after is None else
                     CREDIT_AFTER_NOTE.format(n=len(gaps), amount=amount, ids=ids, day=run_after.isoformat()))
    return items + extra, payments, allocations, notes


def _named(pay: Payment, amount: Decimal) -> str:
    """A payment as the notes name it: ``Alpha Co 1500.00 on 2026-07-06 (row 9)``."""
    row = pay.source_ref.rsplit(":", 1)[-1] if pay.source_ref else ""
    return f"{pay.customer_id} {amount} on {pay.date.isoformat()}" + (f" (row {row})" if row.isdigit() else "")


#: How many payments at most :func:`_match` tries together for one invoice, and among how many candidates.
MOST_PAYMENTS, MOST_CANDIDATES = 5, 12


def _match(items, payments, invoices: list[int], pays: list[int], need: dict, amount: dict, links: dict, *,
           partial: bool = True) -> None:
    """Fill ``links`` for one customer and currency (see :func:`link_payments`); all lists are in date order.
    ``partial``: whether a payment may be taken for part of an invoice's settled amount."""
    free = list(pays)
    left = {p: need[p] for p in invoices}

    def take(position: int, chosen: list[int]) -> None:
        for k in chosen:
            free.remove(k)
            links[position].append(k)
            left[position] -= amount[k]

    for position in invoices:                                   # one payment of exactly the settled amount
        issued = items[position].issued
        k = next((k for k in free if payments[k].date >= issued and amount[k] == left[position]), None)
        if k is not None:
            take(position, [k])
    for position in invoices:                                   # two payments adding up to it
        if left[position] != need[position]:
            continue
        issued, target = items[position].issued, left[position]
        eligible = [k for k in free if payments[k].date >= issued and amount[k] < target]
        pair = next(([a, b] for i, a in enumerate(eligible) for b in eligible[i + 1:]
                     if amount[a] + amount[b] == target), None)
        if pair:
            take(position, pair)
    if not partial:
        for position in invoices:                               # three to five payments adding up to it
            if left[position] != need[position]:
                continue
            issued, target = items[position].issued, left[position]
            eligible = [k for k in free if payments[k].date >= issued and amount[k] < target][:MOST_CANDIDATES]
            chosen = _adding_up(eligible, amount, target)
            if chosen:
                take(position, chosen)
        return
    for k in list(free):                                        # the latest earlier invoice it fits
        day = payments[k].date
        position = next((p for p in reversed(invoices) if items[p].issued <= day and 0 < amount[k] <= left[p]),
                        None)
        if position is not None:
            take(position, [k])


def _adding_up(eligible: list[int], amount: dict, target: Decimal) -> list[int] | None:
    """The first (in date order) three to :data:`MOST_PAYMENTS` of ``eligible`` whose amounts add up to
    ``target``, or ``None``."""
    if sum((amount[k] for k in eligible), Decimal(0)) < target:
        return None
    for size in range(3, min(MOST_PAYMENTS, len(eligible)) + 1):
        for chosen in combinations(eligible, size):
            if sum((amount[k] for k in chosen), Decimal(0)) == target:
                return list(chosen)
    return None
