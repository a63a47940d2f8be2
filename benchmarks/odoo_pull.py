"""Benchmark of the Odoo connector against the stand-in on loopback.

Prints the round trips of a full pull (target: at most ceil(N / batch) + 5 for N journal items read) and of an
unchanged incremental pull (target: at most 3), and the records per second of the full pull beside a bare odoorpc
``search_read`` loop over the same journal items, fields and batch size, measured in the same run.

    python -m benchmarks.odoo_pull [--size 100000] [--batch 2000] [--version 17.0]
"""
from __future__ import annotations

import argparse
import math
import time
from datetime import date

import odoorpc

from connectors.odoo import pull
from connectors.odoo.pull import Puller, line_fields
from connectors.odoo.versions import profile_for
from receivables.config import OdooConfig
from tests.odoo_standin import start_standin

TODAY = date(2026, 10, 31)


def bare_loop(standin, scope: list, fields: list[str], batch: int) -> tuple[int, float, int]:
    """Read every journal item of ``scope`` with plain odoorpc ``search_read`` pages; (rows, seconds, requests)."""
    before = standin.requests
    start = time.perf_counter()
    odoo = odoorpc.ODOO(standin.host, port=standin.port, timeout=600)
    odoo.login(standin.db, "admin", "admin")
    rows, offset = 0, 0
    while True:
        page = odoo.execute_kw("account.move.line", "search_read", [scope, fields],
                               {"limit": batch, "offset": offset, "order": "id"})
        rows += len(page)
        offset += batch
        if len(page) < batch:
            break
    return rows, time.perf_counter() - start, standin.requests - before


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="open receivable items in the stand-in")
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--version", default="17.0")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    with start_standin(version=args.version, size=args.size) as s:
        print(f"stand-in Odoo {args.version}: {len(s.store.tables['account.move.line'])} journal items, "
              f"built in {time.perf_counter() - t0:.1f} s")
        cfg = OdooConfig(url=s.url, db=s.db, user="admin", batch_size=args.batch, timeout=600)

        start = time.perf_counter()
        books, state = pull(cfg, password="admin", today=TODAY)
        full_s = time.perf_counter() - start
        n = len(state["line_ids"])
        target = math.ceil(n / args.batch) + 5

        start = time.perf_counter()
        _, inc_state = pull(cfg, password="admin", today=TODAY, previous=books, state=state)
        inc_s = time.perf_counter() - start

        puller = Puller(None, cfg, TODAY, 24, None)
        puller.profile, puller.company_id = profile_for(args.version), state["company_id"]
        rows, bare_s, bare_trips = bare_loop(s, puller.scope(), line_fields(puller.profile), args.batch)
        assert rows == n, (rows, n)

    open_items = len(books.open_items())
    print(f"journal items read N = {n} ({open_items} open items, {len(books.items)} items, "
          f"{len(books.payments)} payments, {len(books.allocations)} allocations, {len(books.customers)} customers)")
    print(f"full pull:        {state['round_trips']:5d} round trips  (target ceil(N/batch)+5 = {target}; "
          f"ratio {state['round_trips'] / target:.2f})  {full_s:7.2f} s  {n / full_s:9.0f} items/s")
    print(f"incremental pull: {inc_state['round_trips']:5d} round trips  (target 3; ratio "
          f"{inc_state['round_trips'] / 3:.2f})  {inc_s:7.2f} s")
    print(f"bare search_read: {bare_trips:5d} round trips  {bare_s:26.2f} s  {rows / bare_s:9.0f} items/s")
    print(f"ratio full pull / bare loop: {(n / full_s) / (rows / bare_s):.2f} x the records per second "
          f"(the pull also reads partial reconciliations and customers and builds the records)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
