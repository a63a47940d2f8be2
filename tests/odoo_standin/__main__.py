"""``python -m tests.odoo_standin --port PORT --odoo-version 17.0 --seed demo [--addon ardesk_collections]``: serve
until interrupted."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from .schema import ADDONS
from .server import StandIn


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.odoo_standin", description=__doc__)
    parser.add_argument("--port", type=int, default=8069)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--odoo-version", default="17.0", choices=["14.0", "15.0", "16.0", "17.0", "18.0", "19.0"]
    )
    parser.add_argument("--seed", default="demo", help='"demo" or an integer')
    parser.add_argument("--size", type=int, default=None, help="about how many open receivable items")
    parser.add_argument("--db", default="demo")
    parser.add_argument("--addon", action="append", default=[], choices=ADDONS,
                        help="an add-on installed in the database (repeatable)")
    args = parser.parse_args(argv)
    if args.seed != "demo" and not args.seed.lstrip("-").isdigit():
        parser.error("--seed must be 'demo' or an integer")
    standin = StandIn(args.odoo_version, args.seed, args.size, port=args.port, host=args.host, db=args.db,
                      addons=args.addon)
    print(
        f"Odoo {args.odoo_version} stand-in on {standin.url}  database={standin.db}  login=admin  "
        f"password=admin  api_key={standin.api_key}" + (f"  addons={','.join(args.addon)}" if args.addon else ""),
        flush=True,
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        standin.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
