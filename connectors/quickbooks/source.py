"""A folder of QuickBooks exports merged into one :class:`Books`.

The merge rule:

1. Every ``.csv``, ``.xlsx`` and ``.iif`` file in the folder (not its subfolders; hidden and Excel lock files
   skipped) is read; any file that is not a readable export fails the whole read.
2. Of each report kind, only the newest export counts: newest by the report's own date (its "As of" date, else the
   end of its period), then by file modification time.
3. Open items come from the best open-item report: the one with the latest report date; on a tie the first of
   A/R Aging Detail, Open Invoices, Desktop Aging Detail, Desktop Open Invoices, Customer Open Balance, Aging
   Summary.
4. History (issued invoices and credit notes, payments, allocations) comes from all the history reports; the
   same item in several reports is taken from the first of Invoices and Received Payments, Customer Balance
   Detail, Invoice List, Transaction List by Customer, IIF.
5. A history item the open-item report lists takes its open balance and due date from it (and lends it its
   total when the open report does not print one). A history item issued on or before the open report's date that
   the open report does not list was settled by then: its open balance is zero. Items issued later keep the open
   balance their history report gives.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from receivables.errors import InputError
from receivables.records import DUE_DATES, OPEN_ITEMS, Books

from .kinds import HISTORY_KINDS, OPEN_ITEM_KINDS

SUFFIXES = {".csv", ".xlsx", ".iif"}


def _when(books: Books, path: Path) -> tuple:
    own = books.report_date or (books.period[1] if books.period else date.min)
    return own, path.stat().st_mtime_ns


def read_folder(folder: Path, *, company_currency: str, read) -> Books:
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES
                   and not p.name.startswith((".", "~$")))
    if not files:
        raise InputError("no QuickBooks exports (.csv, .xlsx, .iif) in the folder", source=str(folder),
                         hint="save the exported reports into this folder")
    newest: dict[str, tuple] = {}
    superseded = []
    for path in files:
        books = read(path, company_currency=company_currency)
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
    return _merge(folder, company_currency, base, histories, superseded)


def _merge(folder: Path, company_currency: str, base, histories, superseded) -> Books:
    items: dict[str, object] = {}
    payments: dict[str, object] = {}
    allocations: dict[tuple, object] = {}
    customers: dict[str, object] = {}
    rates: dict = {}
    knows: set = set()
    notes: list[str] = []
    periods = []
    kinds = []
    for _, path, books in histories:
        kinds.append(books.kinds[0])
        for item in books.items:
            items.setdefault(item.id, item)
        for pay in books.payments:
            payments.setdefault(pay.id, pay)
        for alloc in books.allocations:
            allocations.setdefault((alloc.debit_item_id, alloc.credit_item_id, alloc.date), alloc)
        for customer in books.customers:
            customers.setdefault(customer.id, customer)
        rates.update(books.rates)
        knows |= books.knows
        notes.extend(f"{path.name}: {note}" for note in books.notes)
        if books.period:
            periods.append(books.period)
    report_date = max((b.report_date for _, _, b in histories if b.report_date), default=None)
    if base is not None:
        _, path, books = base
        kinds.insert(0, books.kinds[0])
        report_date = books.report_date
        listed = {item.id: item for item in books.items}
        merged = {}
        for item_id, item in items.items():
            current = listed.pop(item_id, None)
            if current is not None:
                if "total_unknown" in current.flags:
                    current = replace(current, total=item.total, flags=current.flags - {"total_unknown"})
                merged[item_id] = current
            elif report_date is not None and item.issued <= report_date and item.open_amount != 0:
                merged[item_id] = replace(item, open_amount=item.open_amount * 0,
                                          open_amount_company=item.open_amount * 0)
            else:
                merged[item_id] = item
        merged.update(listed)
        items = merged
        for customer in books.customers:
            customers.setdefault(customer.id, customer)
        rates.update(books.rates)
        knows = (knows - {DUE_DATES}) | books.knows | {OPEN_ITEMS}
        notes[:0] = [f"{path.name}: {note}" for note in books.notes]
        notes.insert(0, f"open items from {path.name}")
    if superseded:
        notes.append("older exports of the same report ignored: " + ", ".join(sorted(superseded)))
    period = (min(p[0] for p in periods), max(p[1] for p in periods)) if periods else None
    return Books(source=str(folder), company_currency=company_currency, report_date=report_date,
                 customers=tuple(sorted(customers.values(), key=lambda c: c.id)), items=tuple(items.values()),
                 payments=tuple(payments.values()), allocations=tuple(allocations.values()), rates=rates,
                 knows=frozenset(knows), notes=tuple(notes), period=period, kinds=tuple(kinds))
