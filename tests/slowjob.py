"""``ardesk`` with its refresh job replaced by one that works until the test lets it finish: ``python -m
tests.slowjob jobs run`` in a desk's folder. The job writes ``job-started`` beside the ledger, waits for
``job-release``, then writes ``job-finished``; what the scheduler does around it is the product's own."""
from __future__ import annotations

import sys
import time

from cli import main
from jobs import scheduled

WAIT = 120.0           # seconds the job waits for the test at most


def slow(settings, today):
    folder = settings.ledger.parent
    (folder / "job-started").write_text(today.isoformat(), encoding="utf-8")
    deadline = time.monotonic() + WAIT
    while not (folder / "job-release").exists():
        if time.monotonic() > deadline:
            raise RuntimeError("the test never let the job finish")
        time.sleep(0.02)
    (folder / "job-finished").write_text("done", encoding="utf-8")
    return scheduled.Done({"waited": 1})


scheduled.JOBS["refresh"] = scheduled.Job("refresh", slow, "waits for the test")

if __name__ == "__main__":
    main(sys.argv[1:])
