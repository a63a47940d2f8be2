"""Reminder batch benchmark: a batch for 5,000 customers with 100,000 open items, beside the aging of the same books
measured in the same run, and a check that the notices' totals plus the excluded customers' balances are the books'
open total, currency by currency, to the cent.

    python -m benchmarks.remind [--open 100000] [--customers 5000] [--seed 7]

The books are a reader's frame (``LazyItems``), as large exports come; both the batch and the aging start from the
books (``frames_of``, then the items open at the as-of date). The batch has every kind of exclusion: a hold list,
opted-out contacts, disputes and promises from notes, net credits, a minimum on the last level, reminders already
sent, consumers contacted 7 times in 7 days or outside their hours, and customers without an e-mail address.
Target: the batch costs at most 2× the aging. A notice's items are made (for all notices at once) when first asked
for, and the JSON after that: both are timed apart, for information.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from receivables.aging import aging
from receivables.config_schema import ReminderLevel
from receivables.frames import NO_DAY, date_of, day_number, days
from receivables.money import from_minor
from receivables.notes import track
from receivables.records import OPEN_ITEMS, Books, CollectionNote, Customer, Invoice, ItemKind, LazyItems
from receivables.reminders import Contact, Sent, build, items_json_texts

AS_OF = date(2026, 10, 31)
NOW = datetime(2026, 10, 31, 15, 30, tzinfo=UTC)
LEVELS = (ReminderLevel(name="friendly", days=-5), ReminderLevel(name="first", days=7),
          ReminderLevel(name="second", days=21), ReminderLevel(name="final", days=45, channel="letter",
                                                                         min_amount="2000.00"))
ZONES = ("America/New_York", "Europe/Berlin", "Asia/Tokyo", "America/Los_Angeles")


def cid(i: int) -> str:
    return f"C{i:05d}"


def synthetic(n: int, customers: int, seed: int) -> pd.DataFrame:
    """``n`` open items of ``customers`` customers, issued over the 150 days before the as-of date, due 0 to 60 days
    after issue; 5% credit notes; a tenth of the customers billed in EUR; the first 25 customers hold credits only,
    the next 25 more credit than they owe."""
    rng = np.random.default_rng(seed)
    d = day_number(AS_OF)
    cust = rng.integers(0, customers, n)
    cust[:customers] = np.arange(customers)                  # every customer has an open item
    issued = d - rng.integers(0, 150, n)
    due = issued + rng.choice(np.array([0, 15, 30, 45, 60]), n)
    total = rng.integers(1_000, 2_000_000, n).astype(np.int64)
    credit = (rng.random(n) < 0.05) | (cust < 25) | ((cust < 50) & (rng.random(n) < 0.5))
    kind = np.where(credit, "credit_note", "invoice")
    total = np.where(credit, np.where(cust < 50, -3 * total, -total // 10), total)
    eur = (rng.random(customers) < 0.1)[cust]
    ids = np.array([f"I{k:07d}" for k in range(n)], dtype=object)
    return pd.DataFrame({
        "id": ids, "number": ids.copy(),
        "customer_id": pd.Categorical.from_codes(cust, [cid(i) for i in range(customers)]),
        "kind": pd.Categorical(kind, categories=["invoice", "credit_note", "payment"]),
        "issued": issued.astype("datetime64[D]").astype("datetime64[s]"),
        "due": due.astype("datetime64[D]").astype("datetime64[s]"),
        "currency": pd.Categorical(np.where(eur, "EUR", "USD"), categories=["EUR", "USD"]),
        "total_minor": total, "open_minor": total.copy(),
        "open_company_minor": pd.arrays.IntegerArray(np.zeros(n, dtype=np.int64), np.ones(n, dtype=bool)),
        "paid_on": np.full(n, np.datetime64("NaT"), dtype="datetime64[s]"),
        "total_company_minor": pd.arrays.IntegerArray(np.zeros(n, dtype=np.int64), np.ones(n, dtype=bool)),
        "inferred": np.zeros(n, dtype=bool),
        "discount_minor": pd.arrays.IntegerArray(np.ones(n, dtype=np.int64), np.ones(n, dtype=bool)),
        "discount_until": np.full(n, np.datetime64("NaT"), dtype="datetime64[s]"),
    })


def records(frame: pd.DataFrame) -> list[Invoice]:
    """The frame's items as records (what ``LazyItems`` makes when something asks for them one by one)."""
    def day(n: int) -> date | None:
        return None if n == NO_DAY else date_of(n)

    return [Invoice(id=i, number=num, customer_id=c, kind=ItemKind(k), issued=day(iss), due=day(du), currency=cur,
                    total=from_minor(t, cur), open_amount=from_minor(o, cur))
            for i, num, c, k, iss, du, cur, t, o in zip(
                frame["id"].tolist(), frame["number"].tolist(), frame["customer_id"].astype(object).tolist(),
                frame["kind"].astype(object).tolist(), days(frame["issued"]).tolist(), days(frame["due"]).tolist(),
                frame["currency"].astype(object).tolist(), frame["total_minor"].tolist(),
                frame["open_minor"].tolist())]


def inputs(frame: pd.DataFrame, customers: int, seed: int):
    """Books, notes' tracking, contacts, hold list and history for the batch."""
    rng = np.random.default_rng(seed + 1)
    people = tuple(Customer(cid(i), f"Customer {i:05d}", email="" if i % 20 == 0 else f"ar{i}@example.com",
                            phone=f"+1 555 {i:05d}") for i in range(customers))
    books = Books(source="benchmark", company_currency="USD", report_date=AS_OF, customers=people,
                  items=LazyItems(frame, lambda: records(frame), len(frame)), rates={"EUR": Decimal("1.08")},
                  knows=frozenset({OPEN_ITEMS}))
    contacts = {cid(i): Contact(email=people[i].email, phone=people[i].phone, consumer=True,
                                tz=ZONES[i // 50 % len(ZONES)]) for i in range(0, customers, 50)}
    contacts.update({cid(i): Contact(email=people[i].email, opted_out=True) for i in range(7, customers, 97)})
    hold = [people[i].name for i in range(11, customers, 211)]
    ids_of = frame.groupby("customer_id", observed=True)["id"].agg(list).to_dict()
    notes = []
    for k, i in enumerate(rng.choice(np.arange(25, customers), 350, replace=False).tolist()):
        c = cid(i)
        if k < 100:
            notes.append(CollectionNote(f"p{k}", c, AS_OF - timedelta(days=2), "will pay",
                                        promise_date=AS_OF + timedelta(days=5), promise_amount=Decimal("1000.00")))
        elif k < 150:
            notes.append(CollectionNote(f"d{k}", c, AS_OF - timedelta(days=9), "disputes all", dispute="open"))
        else:
            notes.append(CollectionNote(f"i{k}", c, AS_OF - timedelta(days=9), "disputes one",
                                        invoice=ids_of[c][0], dispute="open"))
    tracking = track(books, notes, AS_OF)
    history = [Sent(cid(i), ("second", "final")[k % 2], frozenset(ids_of[cid(i)]), AS_OF - timedelta(days=3))
               for k, i in enumerate(rng.choice(np.arange(50, customers), 1000, replace=False).tolist())]
    history += [Sent(cid(i), "", frozenset(), NOW - timedelta(days=day, hours=1), channel="call")
                for i in range(0, customers, 100) for day in range(7)]
    return books, tracking, contacts, hold, history


def timed(fn, repeat: int = 3):
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--open", type=int, default=100_000)
    ap.add_argument("--customers", type=int, default=5_000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    t = time.perf_counter()
    frame = synthetic(args.open, args.customers, args.seed)
    books, tracking, contacts, hold, history = inputs(frame, args.customers, args.seed)
    print(f"built {len(frame):,} open items of {args.customers:,} customers, {len(tracking.disputes)} disputes, "
          f"{len(tracking.promises)} promises and {len(history):,} earlier contacts in {time.perf_counter() - t:.1f}s")

    aging_s, report = timed(lambda: aging(books, AS_OF))
    batch_s, batch = timed(lambda: build(books, AS_OF, LEVELS, tracking=tracking, hold=hold, contacts=contacts,
                                         history=history, now=NOW))
    print(f"remind      {batch_s:7.3f}s  aging {aging_s:7.3f}s  ratio {batch_s / aging_s:5.2f}  (target <= 2)")
    t = time.perf_counter()
    listed = sum(len(tuple(n.items)) for n in batch.notices)        # the notices' items, made on first use
    items_s = time.perf_counter() - t
    json_s, data = timed(lambda: batch.to_json_dict(), repeat=1)
    print(f"  + the {listed:,} items of {len(batch.notices):,} notices made on first use {items_s:7.3f}s, then "
          f"to_json_dict {json_s:7.3f}s  (for information)")
    compact = {"ensure_ascii": False, "separators": (",", ":")}
    text_s, text = timed(lambda: batch.to_json_text(**compact), repeat=1)
    assert text == json.dumps(data, **compact), "to_json_text differs from json.dumps(to_json_dict())"
    assert list(items_json_texts(batch.notices)) == [json.dumps(n.items_json) for n in batch.notices]
    print(f"  + to_json_text {text_s:7.3f}s, made from the columns: the same text as json.dumps(to_json_dict())")
    codes = Counter(e.code for e in batch.excluded)
    channels = Counter(n.channel for n in batch.notices)
    print(f"notices {len(batch.notices):,} ({', '.join(f'{c} {n:,}' for c, n in sorted(channels.items()))}); "
          f"excluded {len(batch.excluded):,} ({', '.join(f'{c} {n:,}' for c, n in codes.most_common())})")

    # Every customer with open items once; notices' totals plus excluded balances = the books' open total.
    seen = [n.customer_id for n in batch.notices] + [e.customer_id for e in batch.excluded]
    assert len(seen) == len(set(seen)) == frame["customer_id"].nunique(), "a customer missing or listed twice"
    summed: Counter = Counter()
    for entry in (*batch.notices, *batch.excluded):
        for cur, amount in entry.totals.items():
            summed[cur] += amount
    books_total = {str(c): from_minor(int(v), str(c))
                   for c, v in frame.groupby("currency", observed=True)["open_minor"].sum().items()}
    aged = {c: totals[-1] for c, totals in report.currency_totals.items()}
    assert dict(summed) == books_total == aged, (dict(summed), books_total, aged)
    print("totals: " + ", ".join(f"{c} {v:,}" for c, v in sorted(summed.items()))
          + " = the books' open total and the aging's, to the cent")


if __name__ == "__main__":
    main()
