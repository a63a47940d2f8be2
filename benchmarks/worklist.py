"""``ardesk worklist`` as a user runs it (a fresh process) beside ``ardesk aging`` on the same export, in the same
run; and the engine alone beside the engine's aging of the same books: ranking a day's work should cost a small
multiple of aging the books it ranks.

    python -m benchmarks.worklist [--rows 100000] [--customers 5000] [--repeat 3]

The export is the QuickBooks Online Open Invoices CSV of ``benchmarks.remind_e2e`` (``--rows`` invoices over
``--customers`` customers, due from 20 days ahead to a year past due). Each command runs in a folder of its own (its
own ledger), best of ``--repeat``; both print JSON, and the worklist's overdue balances must add up to the aging's
overdue buckets to the cent (every customer with something overdue needs a reminder or a call in these books).

The engine alone is timed on books read anew for each run (nothing derived shared), each report made whole as the
command prints it (``to_json_dict()``): :func:`receivables.aging.aging` beside :func:`receivables.worklist.worklist`
without notes, and again with a desk's history: a note for every
fifth customer (promises kept, broken and due, disputes, follow-up dates) and a reminder for every other one (some
bounced, some unanswered), as a desk that has run for a while has them.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.e2e import run
from benchmarks.remind_e2e import AS_OF, export


def _cents(text: str) -> int:
    return int(Decimal(text) * 100)


def history(customers: int):
    """Notes for every fifth customer and reminders for every other one, dated in the month before AS_OF."""
    from receivables.records import CollectionNote
    from receivables.worklist import Reminded

    notes, reminders = [], []
    for i in range(0, customers, 5):
        cid = f"Customer {i:05d}"
        day = AS_OF - timedelta(days=1 + i % 28)
        kind = (i // 5) % 4
        notes.append(CollectionNote(
            uid=f"n{i}", customer=cid, written_at=day, text="benchmark",
            promise_date=day + timedelta(days=3) if kind < 2 else None,
            promise_amount=Decimal("500.00") if kind == 0 else None,
            dispute="open" if kind == 2 else None,
            next_action_date=day + timedelta(days=7) if kind == 3 else None))
    for i in range(0, customers, 2):
        reminders.append(Reminded(f"Customer {i:05d}", ("first", "second", "final")[i % 3],
                                  AS_OF - timedelta(days=i % 20), state="refused" if i % 10 == 0 else "sent"))
    return notes, reminders


def engine(path: Path, customers: int, repeat: int) -> dict[str, float]:
    """The engine alone on books read once: the aging, the worklist bare and with a desk's history."""
    from connectors.quickbooks import read_source
    from receivables.aging import aging
    from receivables.worklist import worklist

    notes, reminders = history(customers)
    out = {}
    for name, fn in (("aging", lambda b: aging(b, AS_OF).to_json_dict()),
                     ("worklist", lambda b: worklist(b, AS_OF).to_json_dict()),
                     ("worklist with history",
                      lambda b: worklist(b, AS_OF, notes=notes, reminders=reminders).to_json_dict())):
        times = []
        for _ in range(repeat):
            books = read_source(path, company_currency="USD")       # fresh books: nothing derived is shared
            start = time.perf_counter()
            fn(books)
            times.append(time.perf_counter() - start)
        out[name] = min(times)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    ardesk = shutil.which("ardesk") or sys.exit("ardesk is not installed in this environment")
    work = Path(tempfile.mkdtemp(prefix="ardesk-worklist-"))
    (work / "open.csv").write_text(export(args.rows, args.customers), encoding="utf-8")
    runs: dict[str, list] = {"worklist": [], "aging": []}
    load = os.getloadavg()
    for k in range(args.repeat):
        for name, cmd in (("worklist", [ardesk, "worklist", "open.csv", "--as-of", AS_OF.isoformat(),
                                        "--format", "json"]),
                          ("aging", [ardesk, "aging", "open.csv", "--as-of", AS_OF.isoformat(), "--format", "json"])):
            folder = work / f"{name}-{k}"
            folder.mkdir()
            shutil.copy(work / "open.csv", folder / "open.csv")
            runs[name].append(run(cmd, folder))
    listed, aged = json.loads(runs["worklist"][-1].out), json.loads(runs["aging"][-1].out)
    held = sum(_cents(r["overdue"]) for r in listed["rows"])
    overdue = sum(_cents(v) for label, v in aged["totals"].items() if label not in ("Current", "total"))
    if held != overdue:
        raise SystemExit(f"the worklist holds {held / 100:,.2f} overdue, the aging {overdue / 100:,.2f}")
    best = {k: min(r.wall for r in v) for k, v in runs.items()}
    peak = {k: max(r.peak for r in v) for k, v in runs.items()}
    alone = engine(work / "open.csv", args.customers, args.repeat)
    print(f"{args.rows:,} open invoices, {args.customers:,} customers; best of {args.repeat}, fresh processes "
          f"(load average before {load[0]:.2f}, after {os.getloadavg()[0]:.2f})")
    for k in runs:
        print(f"  {k:<9} {best[k]:6.2f}s  (runs {', '.join(f'{r.wall:.2f}' for r in runs[k])})  "
              f"peak {peak[k] / 2**20:7.1f} MiB")
    print(f"  {len(listed['rows']):,} customers listed; their overdue balances are the aging's overdue buckets to the "
          f"cent ({held / 100:,.2f})")
    print(f"  ratio worklist / aging: time {best['worklist'] / best['aging']:.2f}, memory "
          f"{peak['worklist'] / peak['aging']:.2f}")
    print("  the engine alone, on books read once:")
    for k, v in alone.items():
        print(f"    {k:<22} {v:6.3f}s  ({v / alone['aging']:.2f}x the aging)")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
