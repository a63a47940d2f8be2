"""Headless refresh speed: 100,000 invoices written into the panel's Invoices sheet by ``write_panel_data``,
beside XlsxWriter (constant_memory) writing the same cells to a new file, measured in the same run.

Run: ``python benchmarks/refresh.py [ROWS] [REPEATS]``. Prints seconds (median) and the ratio refresh /
baseline.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import xlsxwriter

from excel.layout import DATE, INVOICES, MONEY, NUMBER_FORMATS, PanelData, sheet
from excel.package import write_panel_data
from excel.panel import build_panel
from receivables.panel import InvoiceLine


def rows(n: int) -> list[dict]:
    names = ["Acme Ltd", "Beta GmbH", "Gamma & Sons", "Delta <Intl>", "Epsilon SA"]
    return [
        {
            "customer": names[i % 5],
            "number": f"INV-{i:06d}",
            "kind": "invoice",
            "issued": date(2026, 1 + i % 12, 1 + i % 28),
            "due": date(2026, 1 + i % 12, 1 + i % 28),
            "days_past_due": i % 120,
            "bucket": "31-60",
            "currency": "USD",
            "total": Decimal(f"{1000 + i % 5000}.{i % 100:02d}"),
            "open_amount": Decimal(f"{i % 900}.50"),
            "open_amount_company": Decimal(f"{i % 900}.50"),
            "flags": "disputed" if i % 50 == 0 else None,
            "source_ref": f"odoo:account.move,{i}",
        }
        for i in range(n)
    ]


def baseline(path: Path, records: list[dict]) -> None:
    """XlsxWriter, constant_memory: the same cells (header + rows, same number formats) to a new file."""
    columns = sheet(INVOICES).columns
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = book.add_worksheet(INVOICES)
    fmts = [book.add_format({"num_format": NUMBER_FORMATS[c.kind]}) for c in columns]
    for j, c in enumerate(columns):
        ws.set_column(j, j, c.width, fmts[j])
        ws.write_string(0, j, c.header)
    for i, rec in enumerate(records, start=1):
        for j, c in enumerate(columns):
            v = rec.get(c.field)
            if v is None:
                continue
            if c.kind == DATE:
                ws.write_datetime(i, j, datetime(v.year, v.month, v.day), fmts[j])
            elif c.kind == MONEY:
                ws.write_number(i, j, float(v), fmts[j])  # XlsxWriter only takes floats
            elif isinstance(v, int):
                ws.write_number(i, j, v, fmts[j])
            else:
                ws.write_string(i, j, v, fmts[j])
    book.close()


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    records = rows(n)
    data = PanelData(rows={INVOICES: [InvoiceLine(**r) for r in records]})   # the engine's typed lines
    with tempfile.TemporaryDirectory() as tmp:
        panel = build_panel(Path(tmp) / "collections.xlsm")
        ours, theirs = [], []
        for _ in range(repeats):
            t = time.perf_counter()
            write_panel_data(panel, data)
            ours.append(time.perf_counter() - t)
            t = time.perf_counter()
            baseline(Path(tmp) / "baseline.xlsx", records)
            theirs.append(time.perf_counter() - t)
        size = panel.stat().st_size
    a, b = statistics.median(ours), statistics.median(theirs)
    print(f"rows: {n:,} x {len(sheet(INVOICES).columns)} columns, median of {repeats}")
    print(f"write_panel_data (refresh in place): {a:7.2f} s   file {size / 1e6:.1f} MB")
    print(f"XlsxWriter constant_memory (new file): {b:7.2f} s")
    print(f"ratio refresh / XlsxWriter: {a / b:.2f}  (target <= 1.0)")


if __name__ == "__main__":
    main()
