"""``ardesk pull odoo`` against a real Odoo server, beside a bare batched odoorpc pull of the same records.

    ARDESK_ODOO_PASSWORD=... python -m benchmarks.odoo_real --url http://127.0.0.1:8069 --db DB [--user admin]
        [--batch 2000] [--repeat 3]

For trying a change by hand on a real server (the suite and CI use the stand-in, see benchmarks/odoo_pull.py). Each
side runs as a fresh process, alternately, ``--repeat`` times; the best time of each is printed with the ratio. The
pull is a full one each time (a new ledger). The bare side imports only odoorpc and reads what the pull reads: the
company's receivable journal items in the pull's scope with the pull's fields, in pages of ``--batch``, every partial
reconciliation touching them, and their partners with the pull's partner fields.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The command as a user types it (the console script), else the same entry point.
ARDESK = [shutil.which("ardesk")] if shutil.which("ardesk") else [sys.executable, "-c", "from cli import main; main()"]


def bare(spec: dict) -> dict:
    """The bare pull (in its own process): counts of what was read."""
    from urllib.parse import urlparse

    import odoorpc

    url = urlparse(spec["url"])
    odoo = odoorpc.ODOO(url.hostname, protocol="jsonrpc+ssl" if url.scheme == "https" else "jsonrpc",
                        port=url.port or (443 if url.scheme == "https" else 80), timeout=600)
    odoo.login(spec["db"], spec["user"], os.environ["ARDESK_ODOO_PASSWORD"])
    call, batch = odoo.execute_kw, spec["batch"]
    lines, last = [], 0
    while True:
        page = call("account.move.line", "search_read", [spec["scope"] + [["id", ">", last]], spec["fields"]],
                    {"limit": batch, "order": "id"})
        lines += page
        if len(page) < batch:
            break
        last = page[-1]["id"]
    ids = [r["id"] for r in lines]
    found: set[int] = set()
    for start in range(0, len(ids), batch):
        chunk = ids[start:start + batch]
        found.update(call("account.partial.reconcile", "search",
                          [["|", ["debit_move_id", "in", chunk], ["credit_move_id", "in", chunk]]]))
    partials, wanted = [], sorted(found)
    for start in range(0, len(wanted), batch):
        partials += call("account.partial.reconcile", "read", [wanted[start:start + batch], spec["partial_fields"]])
    partners = sorted({r["partner_id"][0] for r in lines if r["partner_id"]})
    customers = []
    for start in range(0, len(partners), batch):
        customers += call("res.partner", "read", [partners[start:start + batch], spec["partner_fields"]])
    return {"lines": len(lines), "partials": len(partials), "partners": len(customers)}


def _timed(argv: list[str], env: dict) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"{argv[:4]} failed ({done.returncode}): {done.stderr.strip()[-400:]}")
    return seconds, done.stdout.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--user", default="admin")
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--bare", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.bare:
        print(json.dumps(bare(json.loads(Path(args.bare).read_text()))))
        return 0
    if "ARDESK_ODOO_PASSWORD" not in os.environ:
        raise SystemExit("set ARDESK_ODOO_PASSWORD to the user's password")
    sys.path.insert(0, str(ROOT))
    from connectors.odoo import pull
    from connectors.odoo.pull import PARTIAL_FIELDS, Puller, line_fields
    from connectors.odoo.versions import profile_for
    from receivables.config import OdooConfig

    cfg = OdooConfig(url=args.url, db=args.db, user=args.user, batch_size=args.batch, timeout=600)
    books, state = pull(cfg, password=os.environ["ARDESK_ODOO_PASSWORD"], today=date.today())
    puller = Puller(None, cfg, date.today(), 24, None)
    puller.profile, puller.company_id = profile_for(state["version"]), state["company_id"]
    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / "spec.json"
        spec.write_text(json.dumps({"url": args.url, "db": args.db, "user": args.user, "batch": args.batch,
                                    "scope": puller.scope(), "fields": line_fields(puller.profile),
                                    "partial_fields": PARTIAL_FIELDS, "partner_fields": state["partner_fields"]}))
        config = Path(tmp) / "ardesk.toml"
        config.write_text(f'[odoo]\nurl = "{args.url}"\ndb = "{args.db}"\nuser = "{args.user}"\n'
                          f"batch_size = {args.batch}\n")
        env = dict(os.environ)
        ours, theirs, said = [], [], ""
        for k in range(args.repeat):
            seconds, said = _timed([*ARDESK, "--quiet", "--config", str(config), "--ledger",
                                    str(Path(tmp) / f"ledger{k}.db"), "pull", "odoo"], env)
            ours.append(seconds)
            seconds, counts = _timed([sys.executable, "-m", "benchmarks.odoo_real", "--url", args.url, "--db",
                                      args.db, "--bare", str(spec)], env)
            theirs.append(seconds)
    print(f"Odoo {state['version']} at {args.url}, db {args.db}: {len(state['line_ids'])} journal items, "
          f"{len(books.items)} items, {len(books.payments)} payments, {len(books.allocations)} allocations, "
          f"{len(books.customers)} customers; round trips of a full pull {state['round_trips']}")
    print(f"ardesk pull odoo   {min(ours):7.2f} s  (best of {args.repeat}; {said})")
    print(f"bare odoorpc pull  {min(theirs):7.2f} s  (best of {args.repeat}; {counts})")
    print(f"ratio              {min(ours) / min(theirs):7.2f} x  (target <= 1.5 x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
