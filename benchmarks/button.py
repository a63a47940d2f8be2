"""How fast a button answers: Python's cold start into excel.buttons, and one Refresh's work on 10,000 invoices.

Run from the repository root: ``python benchmarks/button.py``. Prints seconds and ratios against baselines
measured in the same run: a bare interpreter and ``import pandas`` for the cold start; building the panel file
headless (XlsxWriter) with the same data for the button's work. The button's work goes through a real xlwings
Book (the remote engine, for this benchmark only: it sets ``XLWINGS_LICENSE_KEY=noncommercial``), with the use
case replaced by precomputed data so only the Excel layer is timed.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def cold(code: str, runs: int = 5) -> float:
    """Median wall time of ``python -c code`` in a fresh process."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def timed(func, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    bare = cold("pass")
    pandas = cold("import pandas")
    buttons = cold("import excel.buttons")
    print(f"cold start, median of 5: bare python {bare:.3f}s, import pandas {pandas:.3f}s, "
          f"import excel.buttons {buttons:.3f}s")
    print(f"  excel.buttons / bare = {buttons / bare:.2f}x; excel.buttons / pandas = {buttons / pandas:.2f}x")

    os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"
    from excel import buttons as button_module
    from excel.panel import build_panel
    from tests.xlwings_book import payload_from_file, remote_book, sample_data

    data = sample_data(10_000)
    import jobs.refresh

    jobs.refresh.compute_panel = lambda workbook_path, inputs: data   # the button's own cost, not the engine's
    with tempfile.TemporaryDirectory() as tmp:
        panel = build_panel(Path(tmp) / "empty.xlsm")
        payload = payload_from_file(panel)
        headless = timed(lambda: build_panel(Path(tmp) / "full.xlsm", data))
        books = []

        def press():
            book = remote_book(payload)
            books.append(book)
            assert button_module.run_button(book, "refresh").startswith("Refreshed 10,000")

        button = timed(press)
    cells = sum(len(a["values"]) * len(a["values"][0]) for a in books[-1].json()["actions"]
                if a["func"] == "setValues")
    print(f"Refresh button on 10,000 invoices (median of 3): {button:.3f}s for {cells:,} cells written; "
          f"headless build of the same panel {headless:.3f}s")
    print(f"  button / headless build = {button / headless:.2f}x")


if __name__ == "__main__":
    main()
