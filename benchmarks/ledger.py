"""Ledger benchmark: reading a snapshot of ``--rows`` items back into the engine's frames, beside a bare pandas read
of the same table in the same run.

    python -m benchmarks.ledger [--rows 1000000] [--repeat 1]

The ledger (one snapshot of generated open items: 40,000 customers, USD with EUR, JPY and KWD items, credit notes,
unknown due dates and company amounts) is written once per row count and kept under the system temporary folder
(``ardesk-ledger``). Timed, each on a fresh connection, best of ``--repeat`` runs:

- ``bare``: ``pd.read_sql_query("SELECT * FROM items WHERE snapshot_id = ?")``, the items as pandas reads them
  (and the same with Python's cyclic collector held off, as ``Ledger.load`` holds it off);
- ``ardesk``: ``Ledger.load`` and ``frames_of`` of the books it gives (the items in bulk, no record made);
- ``records``: the read as it was before, one ``Invoice`` per row, and ``frames_of`` of those records (the old
  ``Ledger.load``, copied here);

and, for the store side, ``store_books`` of the books read back (an unchanged pull: the rows and their hash made
from the stored columns) beside the same of the records. The frames of ``ardesk`` and ``records`` are compared.
"""
from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pandas as pd
import pyarrow.compute  # noqa: F401  (imported here, not timed in the first run)

from receivables.errors import InputError, Issue
from receivables.frames import frames_of
from receivables.ledger import Ledger, _pd, _pm
from receivables.money import money
from receivables.records import (
    DUE_DATES,
    OPEN_ITEMS,
    Allocation,
    Books,
    Customer,
    Invoice,
    ItemKind,
    LazyItems,
    Payment,
    SalesTotal,
)

AS_OF = date(2026, 10, 31)
CUSTOMERS = 40_000
CACHE = Path(tempfile.gettempdir()) / "ardesk-ledger"
VERSION = 1                      # of the generated books: a cached ledger of another version is written again


# ---------------------------------------------------------------- the books
def generated(n: int) -> Books:
    """``n`` open items: invoices (1 in 25 a credit note, 1 in 50 without a due date) in USD, EUR (company amount
    known for half), JPY and KWD, due 20 days ahead to 379 days past, one item in 97 inferred."""
    currencies = ("USD",) * 16 + ("EUR", "EUR", "JPY", "KWD")
    rates = {"USD": Decimal(1), "EUR": Decimal("1.085"), "JPY": Decimal("0.0067"), "KWD": Decimal("3.25")}
    no_flags, inferred = frozenset(), frozenset({"inferred"})
    items = []
    for i in range(n):
        currency = currencies[i % len(currencies)]
        if currency == "JPY":
            amount = Decimal(1000 + i % 90_000)
        elif currency == "KWD":
            amount = Decimal(1 + i % 50_000).scaleb(-3)
        else:
            amount = Decimal(500 + i % 9000) + Decimal(i % 100).scaleb(-2)
        kind = ItemKind.CREDIT_NOTE if i % 25 == 7 else ItemKind.INVOICE
        if kind is ItemKind.CREDIT_NOTE:
            amount = -amount
        due = AS_OF - timedelta(days=(i * 17) % 400 - 20)
        company = amount if currency == "USD" else (None if i % 2 or currency != "EUR" else
                                                     (amount * rates[currency]).quantize(Decimal("0.01")))
        customer = f"Customer {i % CUSTOMERS:05d}"
        items.append(Invoice(f"invoice:INV{1000 + i}", f"INV{1000 + i}", customer, kind, due - timedelta(days=30),
                             None if i % 50 == 3 else due, currency, amount, amount, company, f"open.csv:{i + 6}",
                             inferred if i % 97 == 5 else no_flags, None, customer, None))
    customers = tuple(Customer(f"Customer {k:05d}", f"Customer {k:05d}") for k in range(min(n, CUSTOMERS)))
    return Books(source="open.csv", company_currency="USD", report_date=AS_OF, customers=customers,
                 items=tuple(items), rates={k: v for k, v in rates.items() if k != "USD"},
                 knows=frozenset({OPEN_ITEMS, DUE_DATES}), kinds=("qbo_open_invoices",))


def ledger_of(n: int) -> Path:
    """The cached ledger of ``n`` generated items (snapshot 1), written first if missing."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"items-{n}-v{VERSION}.db"
    if not path.exists():
        tmp = path.with_name(f".{path.name}.tmp")
        for leftover in tmp.parent.glob(tmp.name + "*"):
            leftover.unlink()
        t = time.perf_counter()
        books = generated(n)
        with Ledger(tmp) as ledger:
            ledger.store(books, source_key="bench")
            ledger.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        print(f"wrote {path} ({n:,} items) in {time.perf_counter() - t:.1f} s")
        tmp.replace(path)
    return path


# ---------------------------------------------------------------- the read as it was
def records_load(ledger: Ledger, snapshot_id: int) -> Books:
    """``Ledger.load`` as it was before the items were read in bulk: one record per row."""
    c = ledger.conn
    s = c.execute("SELECT source, coalesce(checked_date, report_date), company_currency, knows, notes, rates,"
                  " period_start, period_end, kinds FROM snapshots WHERE id = ?", (snapshot_id,)).fetchone()
    if s is None:
        raise InputError(f"no snapshot {snapshot_id} in the ledger", source=str(ledger.path))
    customers = tuple(
        Customer(id=r[0], name=r[1], parent_id=r[2], email=r[3] or "", phone=r[4] or "", lang=r[5] or "",
                 terms_days=r[6], credit_limit=_pm(r[7]), currency=r[8], tags=tuple(json.loads(r[9] or "[]")))
        for r in c.execute("SELECT id, name, parent_id, email, phone, lang, terms_days, credit_limit, currency,"
                           " tags FROM customers WHERE snapshot_id = ? ORDER BY rowid", (snapshot_id,)))
    items = tuple(
        Invoice(id=r[0], number=r[1] or "", customer_id=r[2], kind=ItemKind(r[3]), issued=_pd(r[4]),
                due=_pd(r[5]), currency=r[6], total=money(r[7]), open_amount=money(r[8]),
                open_amount_company=_pm(r[9]), source_ref=r[10] or "", flags=frozenset(json.loads(r[11] or "[]")),
                paid_on=_pd(r[12]), customer_name=r[13] or "", total_company=_pm(r[14]))
        for r in c.execute("SELECT id, number, customer_id, kind, issued, due, currency, total, open_amount,"
                           " open_amount_company, source_ref, flags, paid_on, customer_name, total_company"
                           " FROM items"
                           " WHERE snapshot_id = ? ORDER BY rowid", (snapshot_id,)))
    payments = tuple(
        Payment(id=r[0], customer_id=r[1], date=_pd(r[2]), amount=money(r[3]), currency=r[4],
                applied_to=tuple(json.loads(r[5] or "[]")), number=r[6] or "", source_ref=r[7] or "")
        for r in c.execute("SELECT id, customer_id, date, amount, currency, applied_to, number, source_ref"
                           " FROM payments WHERE snapshot_id = ? ORDER BY rowid", (snapshot_id,)))
    allocations = tuple(
        Allocation(debit_item_id=r[0], credit_item_id=r[1], amount=money(r[2]), date=_pd(r[3]),
                   amount_currency=_pm(r[4]))
        for r in c.execute("SELECT debit_item_id, credit_item_id, amount, date, amount_currency FROM allocations"
                           " WHERE snapshot_id = ? ORDER BY rowid", (snapshot_id,)))
    sales = tuple(
        SalesTotal(customer_id=r[0], first=_pd(r[1]), last=_pd(r[2]), amount=money(r[3]), cash=_pm(r[4]),
                   source_ref=r[5] or "")
        for r in c.execute("SELECT customer_id, first_day, last_day, amount, cash, source_ref FROM sales"
                           " WHERE snapshot_id = ? ORDER BY rowid", (snapshot_id,)))
    period = (_pd(s[6]), _pd(s[7])) if s[6] and s[7] else None
    return Books(source=s[0], company_currency=s[2], report_date=_pd(s[1]), customers=customers, items=items,
                 payments=payments, allocations=allocations, sales=sales,
                 rates={k: money(v) for k, v in json.loads(s[5]).items()},
                 knows=frozenset(json.loads(s[3])), notes=tuple(map(Issue.from_json_dict, json.loads(s[4]))),
                 period=period, kinds=tuple(json.loads(s[8])))


# ---------------------------------------------------------------- the runs
def _timed(fn):
    gc.collect()
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def bare(path: Path, paused: bool = False) -> float:
    """``pd.read_sql_query`` of the items; with the cyclic collector held off when ``paused`` (as ``Ledger.load``
    holds it off)."""
    with Ledger(path) as ledger:
        if paused:
            gc.disable()
        try:
            seconds, df = _timed(lambda: pd.read_sql_query("SELECT * FROM items WHERE snapshot_id = ?", ledger.conn,
                                                           params=(1,)))
        finally:
            gc.enable()
    assert len(df)
    return seconds


def ardesk(path: Path) -> tuple[float, Books, pd.DataFrame]:
    with Ledger(path) as ledger:
        seconds, (books, frames) = _timed(lambda: (lambda b: (b, frames_of(b)))(ledger.load(1)))
    assert isinstance(books.items, LazyItems) and not books.items.built
    return seconds, books, frames.items


def records(path: Path) -> tuple[float, Books, pd.DataFrame]:
    with Ledger(path) as ledger:
        seconds, (books, frames) = _timed(lambda: (lambda b: (b, frames_of(b)))(records_load(ledger, 1)))
    return seconds, books, frames.items


def store_again(path: Path, books: Books) -> float:
    """``store_books`` of books equal to the stored ones (an unchanged pull: the snapshot is marked checked)."""
    with Ledger(path) as ledger:
        seconds, stored = _timed(lambda: ledger.store_books(books, source_key="bench"))
    assert not stored.new
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args(argv)
    path = ledger_of(args.rows)
    best = {"bare": float("inf"), "paused": float("inf"), "ardesk": float("inf"), "records": float("inf")}
    for _ in range(max(1, args.repeat)):
        best["bare"] = min(best["bare"], bare(path))
        best["paused"] = min(best["paused"], bare(path, paused=True))
        seconds, books, frame = ardesk(path)
        best["ardesk"] = min(best["ardesk"], seconds)
        del books, frame
        seconds, old_books, old_frame = records(path)
        best["records"] = min(best["records"], seconds)
        del old_books, old_frame
    # The frames agree, and so do the books (records made of the frame's books equal the old read's).
    _, books, frame = ardesk(path)
    _, old_books, old_frame = records(path)
    pd.testing.assert_frame_equal(frame, old_frame, check_exact=True)
    store_lazy = store_again(path, books)
    assert not books.items.built
    store_records = store_again(path, old_books)
    assert books == old_books
    base = best["bare"]
    print(f"{args.rows:,} items, best of {max(1, args.repeat)}")
    print(f"  bare     pd.read_sql_query                 {base:7.2f} s")
    print(f"           the same, collector held off      {best['paused']:7.2f} s")
    print(f"  ardesk   Ledger.load + frames_of           {best['ardesk']:7.2f} s   {best['ardesk'] / base:5.2f}x bare")
    print(f"  records  old load (row by row) + frames_of {best['records']:7.2f} s   "
          f"{best['records'] / base:5.2f}x bare")
    print(f"  store_books of the books read again: from the stored columns {store_lazy:.2f} s, "
          f"from records {store_records:.2f} s (nothing new stored)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
