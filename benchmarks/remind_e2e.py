"""``ardesk remind build`` as a user runs it (a fresh process) beside ``ardesk aging`` on the same export, in the same
run: a reminder batch should cost little more than the aging of the same books.

    python -m benchmarks.remind_e2e [--rows 100000] [--customers 5000] [--repeat 3]

The export is a QuickBooks Online Open Invoices CSV (``tests.exports.open_invoices``) of ``--rows`` invoices over
``--customers`` customers, due dates spread from 20 days ahead to a year past due. Each command runs in a folder of
its own (its own ledger), best of ``--repeat``; both commands print JSON, and the batch's notices and exclusions
together must hold the aging's open total to the cent.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.e2e import run
from tests.exports import open_invoices

AS_OF = date(2026, 10, 31)


def export(rows: int, customers: int) -> str:
    data = [(f"Customer {i % customers:05d}", f"INV{1000 + i}", AS_OF - timedelta(days=(i * 17) % 400 - 20),
             Decimal(500 + i % 9000) + Decimal(i % 100) / 100) for i in range(rows)]
    return open_invoices(data)


def _cents(text: str) -> int:
    return int(Decimal(text) * 100)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    ardesk = shutil.which("ardesk") or sys.exit("ardesk is not installed in this environment")
    work = Path(tempfile.mkdtemp(prefix="ardesk-remind-"))
    (work / "open.csv").write_text(export(args.rows, args.customers), encoding="utf-8")
    runs: dict[str, list] = {"remind build": [], "aging": []}
    load = os.getloadavg()
    for k in range(args.repeat):
        for name, cmd in (("remind build", [ardesk, "remind", "build", "open.csv", "--as-of", AS_OF.isoformat(),
                                            "--format", "json"]),
                          ("aging", [ardesk, "aging", "open.csv", "--as-of", AS_OF.isoformat(), "--format", "json"])):
            folder = work / f"{name.replace(' ', '-')}-{k}"
            folder.mkdir()
            shutil.copy(work / "open.csv", folder / "open.csv")
            runs[name].append(run(cmd, folder))
    batch, aging = json.loads(runs["remind build"][-1].out), json.loads(runs["aging"][-1].out)
    held = sum(_cents(v) for n in batch["notices"] for v in n["totals"].values()) + \
        sum(_cents(v) for e in batch["excluded"] for v in e["totals"].values())
    if held != _cents(aging["totals"]["total"]):
        raise SystemExit(f"the batch holds {held / 100:,.2f}, the aging {aging['totals']['total']}")
    best = {k: min(r.wall for r in v) for k, v in runs.items()}
    peak = {k: max(r.peak for r in v) for k, v in runs.items()}
    print(f"{args.rows:,} open invoices, {args.customers:,} customers; best of {args.repeat}, fresh processes "
          f"(load average before {load[0]:.2f}, after {os.getloadavg()[0]:.2f})")
    for k in runs:
        print(f"  {k:<13} {best[k]:6.2f}s  (runs {', '.join(f'{r.wall:.2f}' for r in runs[k])})  "
              f"peak {peak[k] / 2**20:7.1f} MiB")
    print(f"  {len(batch['notices']):,} notices, {len(batch['excluded']):,} customers left out; the batch holds the "
          f"aging's total to the cent ({held / 100:,.2f})")
    print(f"  ratio remind build / aging: time {best['remind build'] / best['aging']:.2f}, memory "
          f"{peak['remind build'] / peak['aging']:.2f}")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
