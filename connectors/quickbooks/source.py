"""A folder of QuickBooks exports merged into one :class:`Books`.

The merge rule:

1. Every ``.csv``, ``.xlsx`` and ``.iif`` file in the folder (not its subfolders; hidden and Excel lock files
   skipped) is read; any file that is not a readable export fails the whole read, and so does an entry with such a
   name that is not a regular file (a pipe, a device, a socket, a symbolic link that loops or leads nowhere: see
   :func:`connectors.files.files_in`).
2. Of each report kind, only the newest export counts: newest by the report's own date (a history report: the end
   of its period, else its report date; any other: its report date, else the end of its period), then by its report
   date, then by file modification time.
3. Open items come from the best open-item report: the one with the latest report date; on a tie the first of
   A/R Aging Detail, Open Invoices, Desktop Aging Detail, Desktop Open Invoices, Customer Open Balance, Aging
   Summary.
4. History (issued invoices and credit notes, payments, allocations) comes from all the history reports. One
   item per document, its fields combined (:func:`combine`): document currency and total from the first report
   stating them, due date from any report printing it; payments de-duplicated by id, allocations by debit,
   credit, date and amount; ``paid_on`` from the allocations that settle the item in full.
5. Open balances come from the open-item report; an item issued by its date that it does not list is settled.
   ``ALLOCATIONS`` and ``PAYMENT_DATES`` are claimed only when the history reaches the open report's date (the end
   of a history report's period, not the later day it was run: nothing dated after its period is listed).
6. Sales totals (``Books.sales``, for DSO without an invoice history) come from one sales report: the one whose
   period ends last; on a tie the first of Sales by Customer Detail (Online, Desktop), Summary (Online, Desktop).
   A sales report read beside an A/R report does not say that the books hold no open items.
7. A customer's address and collector come from the first file that gives them (the history reports, then the
   open-item report: an IIF customer list gives addresses, a report with a Rep column collectors). A customer
   contact list in the folder (what :func:`connectors.quickbooks.contacts.read_contacts` reads: the Customer
   Contact List, a customer list) gives the postal address of each customer it names that the exports give none,
   matched by name without regard to case (the first list in file order where several name one). Any other file
   that is no receivables report is skipped and named.

The merged books' notes are the notes of the files used, each still naming its file, after the merge's own
(which name the folder).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from connectors.files import files_in
from receivables.errors import InputError, Issue
from receivables.records import (
    ALLOCATIONS,
    DUE_DATES,
    ISSUED_HISTORY,
    OPEN_ITEMS,
    PAYMENT_DATES,
    SALES_TOTALS,
    Books,
    Invoice,
    ItemKind,
)

from .common import ESTIMATED_FLAG
from .kinds import HISTORY_KINDS, OPEN_ITEM_KINDS, SALES_KINDS

SUFFIXES = {".csv", ".xlsx", ".iif"}


def _when(books: Books, path: Path) -> tuple:
    own = _reach(books) if books.kinds[0] in HISTORY_KINDS else \
        books.report_date or (books.period[1] if books.period else None)
    return own or date.min, books.report_date or date.min, path.stat().st_mtime_ns


def _reach(books: Books) -> date | None:
    """The last day a history report's transactions cover: the end of its period, else (All Dates) its report date.
    A report run after its period ends stands at its run date but lists nothing dated after the period."""
    return books.period[1] if books.period else books.report_date


def read_folder(folder: Path, *, company_currency: str, read) -> Books:
    files = files_in(folder, SUFFIXES)
    if not files:
        raise InputError("no QuickBooks exports (.csv, .xlsx, .iif) in the folder", source=str(folder),
                         hint="save the exported reports into this folder")
    from . import NotReceivables

    newest: dict[str, tuple] = {}
    superseded, skipped, contacts = [], [], []
    for path in files:
        try:
            books = read(path, company_currency=company_currency)
        except NotReceivables as exc:         # another report kept in the same folder: skipped, and said so
            found = _contact_list(path)
            if found is None:
                skipped.append((path.name, exc.title))
            else:
                contacts.append((path.name, found))
            continue
        kind = books.kinds[0]
        entry = (_when(books, path), path, books)
        if kind in newest:
            older, newer = sorted([newest[kind], entry], key=lambda e: e[0])
            superseded.append(older[1].name)
            entry = newer
        newest[kind] = entry
    opens = [newest[k] for k in OPEN_ITEM_KINDS if k in newest]
    base = max(opens, key=lambda e: (e[2].report_date or date.min, -OPEN_ITEM_KINDS.index(e[2].kinds[0])),
               default=None)
    histories = [newest[k] for k in HISTORY_KINDS if k in newest]
    sales = [newest[k] for k in SALES_KINDS if k in newest]
    chosen = max(sales, key=lambda e: (e[2].period[1], -SALES_KINDS.index(e[2].kinds[0])), default=None)
    if not newest:
        found = "; ".join([f"{name} ({title!r})" if title else name for name, title in skipped]
                          + [f"{name} (a contact list)" for name, _ in contacts])
        raise InputError(f"no QuickBooks receivables report in the folder, only other reports: {found}",
                         source=str(folder), hint="export Open Invoices, A/R Aging Detail or Summary, Invoice List, "
                         "Customer Balance Detail, Transaction List by Customer, Invoices and Received Payments, or "
                         "an IIF file into it")
    books = _merge(folder, company_currency, base, histories, superseded, chosen,
                   [e[1].name for e in sales if e is not chosen])
    if contacts:
        books = _addresses(books, contacts, folder.name or folder.resolve().name or str(folder))
    if not skipped:
        return books
    here = folder.name or folder.resolve().name or str(folder)
    said = tuple(Issue(here, f"skipped {name}: not a receivables report" + (f" (its title: {title!r})" if title
                                                                             else ""), severity="warning")
                 for name, title in skipped)
    return replace(books, notes=books.notes + said)


def _merge(folder: Path, company_currency: str, base, histories, superseded, sales=None, unused=()) -> Books:
    records: dict[str, list] = {}
    payments: dict[str, object] = {}
    allocations: dict[tuple, object] = {}
    customers: dict[str, object] = {}
    rates: dict = {}
    knows: set = set()
    notes: list[Issue] = []
    here = folder.name or folder.resolve().name or str(folder)       # "." names the folder it is
    periods = []
    kinds = []
    for _, path, books in histories:
        kinds.append(books.kinds[0])
        for item in books.items:
            records.setdefault(item.id, []).append(item)
        for pay in books.payments:
            if pay.id not in payments or (pay.applied_to and not payments[pay.id].applied_to):
                payments[pay.id] = pay
        for alloc in books.allocations:
            allocations.setdefault((alloc.debit_item_id, alloc.credit_item_id, alloc.date, alloc.amount), alloc)
        _add_customers(customers, books.customers)
        rates.update(books.rates)
        knows |= books.knows
        notes.extend(_of_file(note, path.name) for note in books.notes)
        if books.period:
            periods.append(books.period)
    report_date = max((b.report_date for _, _, b in histories if b.report_date), default=None)
    history_end = max((_reach(b) for _, _, b in histories if _reach(b)), default=None)
    listed: dict = {}
    if base is not None:
        _, path, books = base
        kinds.insert(0, books.kinds[0])
        report_date = books.report_date
        listed = {item.id: item for item in books.items}
        _add_customers(customers, books.customers)
        rates.update(books.rates)
        knows |= books.knows | {OPEN_ITEMS}
        notes[:0] = [_of_file(note, path.name) for note in books.notes]
        notes.insert(0, Issue(here, f"open items from {path.name}", severity="info"))
    items = [combine(records.get(item_id, []), listed.get(item_id), report_date if base else None,
                     company_currency) for item_id in dict.fromkeys([*records, *listed])]
    items = settle_dates(items, allocations.values())
    if not all(i.due is not None and ESTIMATED_FLAG not in i.flags for i in items if i.kind is ItemKind.INVOICE):
        knows.discard(DUE_DATES)
    if ALLOCATIONS in knows and base is not None and (history_end is None or history_end < report_date):
        knows -= {ALLOCATIONS, PAYMENT_DATES}
        notes.append(Issue(here, f"the history reports end before {report_date.isoformat()}: settlements since are "
                           "unknown, so the books are not rebuilt from allocations", severity="warning"))
    if superseded:
        notes.append(Issue(here, "older exports of the same report ignored: " + ", ".join(sorted(superseded)),
                           severity="warning"))
    period = (min(p[0] for p in periods), max(p[1] for p in periods)) if periods else None
    if ALLOCATIONS in knows and period:
        notes.append(Issue(here, f"history covers {period[0].isoformat()} to {period[1].isoformat()}: books rebuilt "
                           "for a date before it lack the items settled before it", severity="info"))
    totals = ()
    if sales is not None:
        _, path, books = sales
        from .sales import NO_OPEN_ITEMS

        kinds.append(books.kinds[0])
        totals = books.sales
        for customer in books.customers:
            customers.setdefault(customer.id, customer)
        held = OPEN_ITEMS in knows
        notes.extend(_of_file(note, path.name) for note in books.notes if not (held and note.message == NO_OPEN_ITEMS))
        first, last = books.period
        span = f"{path.name} ({first.isoformat()} to {last.isoformat()})"
        used = f"credit sales for DSO from {span}"
        if ISSUED_HISTORY in knows:
            used = (f"the sales totals of {span} are not used for credit sales: the invoice history gives them, and "
                    "tells invoices from sales receipts")
        notes.append(Issue(here, used, severity="info"))
        if unused:
            notes.append(Issue(here, "other sales reports not used: " + ", ".join(sorted(unused)), severity="warning"))
        knows.add(SALES_TOTALS)
    return Books(source=str(folder), company_currency=company_currency, report_date=report_date,
                 customers=tuple(sorted(customers.values(), key=lambda c: c.id)), items=tuple(items),
                 payments=tuple(payments.values()), allocations=tuple(allocations.values()), rates=rates,
                 knows=frozenset(knows), notes=tuple(notes), period=period, kinds=tuple(kinds), sales=totals)


def _add_customers(customers: dict, more) -> None:
    """Add the customers ``more`` of one file to ``customers`` (by id): one already there keeps what it has, and
    takes the address and collector it lacks from this file (an IIF file's customer list has addresses, a report
    with a Rep column collectors)."""
    for customer in more:
        have = customers.setdefault(customer.id, customer)
        if have is not customer and ((customer.address and not have.address)
                                     or (customer.collector and not have.collector)):
            customers[customer.id] = replace(have, address=have.address or customer.address,
                                             collector=have.collector or customer.collector)


def _contact_list(path: Path):
    """The rows of the contact list at ``path``, or ``None`` when it is none."""
    from .contacts import read_contacts

    try:
        return read_contacts(path)
    except InputError:
        return None


def _addresses(books: Books, contacts: list[tuple[str, list]], here: str) -> Books:
    """``books`` whose customers without an address have the one the contact lists give them (rule 7)."""
    found: dict[str, tuple[str, str]] = {}
    for name, rows in contacts:
        for row in rows:
            lines = [line.strip() for line in row.address.splitlines() if line.strip()]
            if lines:
                found.setdefault(row.customer.strip().casefold(), ("\n".join(lines), name))
    customers, used = [], Counter()
    for customer in books.customers:
        match = found.get(customer.name.strip().casefold()) if not customer.address else None
        if match is not None:
            customer = replace(customer, address=match[0])
            used[match[1]] += 1
        customers.append(customer)
    said = tuple(Issue(here, f"postal addresses of {used[name]} customers from the contact list {name}",
                       severity="info") for name, _ in contacts)
    return replace(books, customers=tuple(customers), notes=books.notes + said)


def _of_file(note: Issue | str, name: str) -> Issue:
    """A file's note in the merged books: naming the file ``name`` (a reader's notes already do)."""
    if isinstance(note, Issue):
        return note if note.source else replace(note, source=name)
    return Issue(name, str(note), severity="info")


def combine(history: list[Invoice], current: Invoice | None, report_date: date | None,
            company_currency: str) -> Invoice:
    """One item from every report that lists it: ``history`` in the history reports' order of precedence,
    ``current`` from the open-item report standing at ``report_date`` (``None`` when it does not list the item).

    Document currency and total come from the first report that states a foreign currency, else the first that
    prints a total; the due date from the first that prints it (else from the first that estimated it from the
    terms); ``paid_on`` from the first that states it; the open balance from the
    open-item report, zero when it omits an item issued by its date, else as the history report printed it. The
    early-payment discount is the first one a report gives for the same total, kept while the item is open in full
    (:func:`connectors.quickbooks.common.early_discount`: an open-item report that prints no original amount gives
    none itself, a history report beside it may).
    """
    records = ([current] if current is not None else []) + history
    priced = [r for r in records if "total_unknown" not in r.flags]
    main = next((r for r in priced if r.currency != company_currency), priced[0] if priced else records[0])
    printed = next((r.due for r in records if r.due is not None and ESTIMATED_FLAG not in r.flags), None)
    due = printed if printed is not None else next((r.due for r in records if r.due is not None), None)
    paid_on = next((r.paid_on for r in records if r.paid_on is not None), None)
    flags = frozenset().union(*(r.flags for r in records)) - ({"total_unknown"} if priced else set())
    if printed is not None:
        flags -= {ESTIMATED_FLAG}                   # a report printed the due date another one left blank
    first = records[0]
    if current is not None:
        open_, open_co = current.open_amount, current.open_amount_company
    elif report_date is not None and main.issued <= report_date:
        open_, open_co = main.total * 0, main.total * 0
    else:
        open_, open_co = main.open_amount, main.open_amount_company
    offered = next((r for r in records if r.discount_amount is not None and r.total == main.total
                    and r.currency == main.currency), None)
    if offered is None or open_ != main.total:
        offered = None
    return replace(first, kind=main.kind, currency=main.currency, total=main.total, open_amount=open_,
                   open_amount_company=open_co, due=due, flags=flags, paid_on=paid_on if open_ == 0 else None,
                   customer_name=first.customer_name or main.customer_name,
                   discount_until=offered.discount_until if offered else None,
                   discount_amount=offered.discount_amount if offered else None)


def settle_dates(items: list[Invoice], allocations) -> list[Invoice]:
    """``paid_on`` of every item settled in full at the report date whose allocations add up to its total."""
    settled: dict[str, list] = {}
    for alloc in allocations:
        for item_id in (alloc.debit_item_id, alloc.credit_item_id):
            entry = settled.setdefault(item_id, [Decimal(0), Decimal(0), None])
            entry[0] += alloc.amount
            entry[1] += alloc.amount_currency if alloc.amount_currency is not None else alloc.amount
            entry[2] = alloc.date if entry[2] is None else max(entry[2], alloc.date)
    out = []
    for item in items:
        entry = settled.get(item.id)
        if entry is not None and item.open_amount == 0 and abs(item.total) in entry[:2]:
            item = replace(item, paid_on=entry[2])
        out.append(item)
    return out
