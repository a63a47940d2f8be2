"""Engine benchmark: aging, DSO, behaviour and forecast on synthetic books, each beside a bare pandas baseline
measured in the same run, plus peak memory beside the size of the raw frames.

    python benchmarks/engine.py [--open 1000000] [--history 3000000] [--customers 20000]

Targets: aging ≤ 1.5× the bare bucket sums; DSO + behaviour + forecast ≤ 3× a bare groupby of the history by
customer and month; peak traced memory ≤ 2.5× the raw frames.
"""
from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from receivables.aging import aging_frames, buckets_from_edges
from receivables.behaviour import customers_frames
from receivables.dso import dso_frames
from receivables.forecast import forecast_frames
from receivables.frames import Frames, day_number
from receivables.records import ISSUED_HISTORY, OPEN_ITEMS, PAYMENT_DATES

AS_OF = date(2026, 10, 31)


def synthetic(n: int, customers: int, paid: bool, seed: int) -> pd.DataFrame:
    """``n`` items (open, or paid in full when ``paid``) spread over 24 months before the as-of date."""
    rng = np.random.default_rng(seed)
    d = day_number(AS_OF)
    issued = d - rng.integers(0 if not paid else 20, 730, n)
    due = issued + rng.choice(np.array([0, 15, 30, 45, 60]), n)
    total = rng.integers(1_000, 5_000_000, n).astype(np.int64)
    kind = np.where(rng.random(n) < 0.05, "credit_note", "invoice")
    total = np.where(kind == "credit_note", -total // 10, total)
    ids = np.arange(n) + (10**9 if paid else 0)
    cust = pd.Categorical.from_codes(rng.integers(0, customers, n), [f"C{i:06d}" for i in range(customers)])
    if paid:
        paid_on = np.minimum(due + rng.integers(-10, 90, n), d)
        open_ = np.zeros(n, dtype=np.int64)
    else:
        paid_on = np.full(n, np.iinfo(np.int64).min)
        open_ = total
    def to_dt(a):
        return np.where(a == np.iinfo(np.int64).min, np.datetime64("NaT"),
                        a.astype("datetime64[D]")).astype("datetime64[s]")

    return pd.DataFrame({
        "id": ids.astype(str).astype(object), "number": ids.astype(str).astype(object), "customer_id": cust,
        "kind": pd.Categorical(kind, categories=["invoice", "credit_note", "payment"]),
        "issued": issued.astype("datetime64[D]").astype("datetime64[s]"),
        "due": due.astype("datetime64[D]").astype("datetime64[s]"),
        "currency": pd.Categorical(np.full(n, "USD")), "total_minor": total, "open_minor": open_,
        "open_company_minor": pd.arrays.IntegerArray(np.zeros(n, dtype=np.int64), np.ones(n, dtype=bool)),
        "paid_on": to_dt(paid_on),
    })


def timed(fn, repeat: int = 3):
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def bare_aging(items: pd.DataFrame) -> pd.Series:
    dpd = day_number(AS_OF) - items["due"].to_numpy().astype("datetime64[D]").astype(np.int64)
    idx = np.searchsorted(np.array([0, 30, 60, 90]), dpd, side="left")
    return items.assign(b=idx).groupby(["customer_id", "currency", "b"], observed=True)["open_minor"].sum()


def bare_history(items: pd.DataFrame) -> pd.Series:
    month = items["issued"].to_numpy().astype("datetime64[M]")
    return items.assign(m=month).groupby(["customer_id", "m"], observed=True)["total_minor"].sum()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--open", type=int, default=1_000_000)
    ap.add_argument("--history", type=int, default=3_000_000)
    ap.add_argument("--customers", type=int, default=20_000)
    args = ap.parse_args()
    t = time.perf_counter()
    open_items = synthetic(args.open, args.customers, False, 1)
    history = synthetic(args.history, args.customers, True, 2)
    both = pd.concat([open_items, history], ignore_index=True)
    print(f"built {len(open_items):,} open items and {len(history):,} history rows in "
          f"{time.perf_counter() - t:.1f}s")
    names = {f"C{i:06d}": f"Customer {i}" for i in range(args.customers)}
    f_open = Frames(items=open_items, company_currency="USD", report_date=AS_OF, knows=frozenset({OPEN_ITEMS}),
                    names=names)
    f_all = Frames(items=both, company_currency="USD", report_date=AS_OF, names=names,
                   knows=frozenset({OPEN_ITEMS, ISSUED_HISTORY, PAYMENT_DATES}),
                   period=(date(2024, 11, 1), AS_OF))

    base_a, expect = timed(lambda: bare_aging(open_items))
    ours_a, rep = timed(lambda: aging_frames(f_open, AS_OF))
    assert sum(rep.totals[:-1]) * 100 == int(expect.sum()), "aging totals differ from the baseline"
    assert len(buckets_from_edges()) == 5
    print(f"aging       {ours_a:7.3f}s  bare pandas {base_a:7.3f}s  ratio {ours_a / base_a:5.2f}  (target <= 1.5)")

    base_h, _ = timed(lambda: bare_history(both), repeat=2)

    def family():
        return (dso_frames(f_all, AS_OF, months=12), customers_frames(f_all, AS_OF), forecast_frames(f_all, AS_OF))

    ours_h, (rep_d, rep_c, _) = timed(family, repeat=1)
    print(f"dso+behaviour+forecast {ours_h:7.3f}s  bare groupby {base_h:7.3f}s  ratio {ours_h / base_h:5.2f}"
          "  (target <= 3)")
    t = time.perf_counter()
    n_rows = len(rep_d.customers) + len(rep_c.rows)
    rows_s = time.perf_counter() - t
    print(f"  + {n_rows:,} Decimal customer rows built on output {rows_s:7.3f}s  ratio {rows_s / base_h:5.2f}"
          "  (for information)")

    raw = int(both.memory_usage(deep=True).sum())
    tracemalloc.start()
    aging_frames(f_all, AS_OF)
    family()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"peak traced {peak / 2**20:8.1f} MiB  raw frames {raw / 2**20:8.1f} MiB  ratio {peak / raw:5.2f}"
          "  (target <= 2.5)")


if __name__ == "__main__":
    main()
