"""Benchmark: parsing a 100,000-row QuickBooks Online Open Invoices CSV, against a bare ``csv.reader`` pass.

Renders the export with the test fixtures (``tests.fixtures.samplebooks``' scale knob, ``tests.fixtures.qbrender``),
then times reading it into the engine's frames (``frames_of(read_export(path))``: the column reader for a file this
size) and a plain ``csv.reader`` loop over the same file in the same run (median of 3 each) and prints both and their
ratio; the row reader's time (records, then frames) is printed beside them for comparison. Target: the read into
frames within 3x the bare pass.  Run from the repository root:
``python -m benchmarks.qb_parse [--rows N]`` (or ``python benchmarks/qb_parse.py``).
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import connectors.quickbooks.columnar as columnar
from connectors.quickbooks import read_export
from connectors.quickbooks.kinds import QBO_OPEN_INVOICES
from receivables.frames import frames_of
from tests.fixtures.qbrender import render
from tests.fixtures.samplebooks import generate_open

TARGET = 3.0


def bare_pass(path: Path) -> int:
    """What any CSV reader must do at least: decode the file and split every row into cells."""
    rows = 0
    with open(path, newline="", encoding="utf-8") as f:
        for _ in csv.reader(f):
            rows += 1
    return rows


def median_time(work, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "Sample_Open Invoices Report.csv"
        books = generate_open(args.rows)
        render(books, QBO_OPEN_INVOICES, path)
        lines, size = bare_pass(path), path.stat().st_size
        items = len(read_export(path).items)
        assert items == args.rows, f"read {items} items, rendered {args.rows}"
        baseline = median_time(lambda: bare_pass(path), args.repeat)
        parse = median_time(lambda: frames_of(read_export(path)), args.repeat)
        taken, columnar.COLUMNAR_FROM = columnar.COLUMNAR_FROM, 1 << 62
        try:
            rows = median_time(lambda: frames_of(read_export(path)), args.repeat)
        finally:
            columnar.COLUMNAR_FROM = taken
    ratio = parse / baseline
    print(f"file: {lines:,} lines, {items:,} open items, {size / 1e6:.1f} MB")
    print(f"csv.reader pass   {baseline * 1000:9.1f} ms  (median of {args.repeat})")
    print(f"read into frames  {parse * 1000:9.1f} ms  (median of {args.repeat})")
    print(f"  by rows         {rows * 1000:9.1f} ms  ({rows / baseline:.2f} x; the row reader, for comparison)")
    print(
        f"ratio             {ratio:9.2f} x  (target <= {TARGET:.0f} x: "
        f"{'met' if ratio <= TARGET else 'NOT met'})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
