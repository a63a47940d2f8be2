"""End-to-end benchmark (issue 15): ``ardesk`` as a user runs it, a fresh process, beside a bare pandas pipeline
on the same file in the same run.

    python -m benchmarks.e2e [--rows 1000000] [--repeat 3] [--dso] [--xlsx] [--xlsx-rows 100000]

Default: ``ardesk aging FILE --as-of 2026-10-31 --format json`` on a generated QuickBooks Online Open Invoices CSV
(``--rows`` invoices, 40,000 customers, the layout of ``tests.exports.open_invoices``) beside
``benchmarks/e2e_bare.py aging``. ``--dso``: also ``ardesk dso`` on an Invoice List by Date CSV of ``--rows``
invoices (the layout ``tests.fixtures.qbrender`` writes, checked against it on a small file each run) beside a bare
sum of credit sales by month. ``--xlsx``: also ``ardesk aging`` on an Open Invoices XLSX of ``--xlsx-rows`` rows
(written with XlsxWriter in the cell layout the renderer writes) beside pandas reading it with calamine.

Each command is timed as a child process (through GNU ``/usr/bin/time`` where there is one, else ``os.wait4``): wall
time, CPU time and the child's peak resident memory. The two sides run alternately ``--repeat`` times; the time
shown is the best run, the memory the largest peak of the runs. Totals must agree to the cent. Targets: time <=
1.5x, peak memory <= 2.0x the bare pipeline. Generated files are cached by row count under the system temporary
folder (``ardesk-e2e``).
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.exports import open_invoices

AS_OF = date(2026, 10, 31)
CUSTOMERS = 40_000
TIME_TARGET = 1.5
MEMORY_TARGET = 2.0
BUCKETS = ("Current", "1-30", "31-60", "61-90", "91+")
BARE = Path(__file__).resolve().with_name("e2e_bare.py")
CACHE = Path(tempfile.gettempdir()) / "ardesk-e2e"
# Invoice List by Date: the sample company's name and an 18-month history ending at the as-of date.
COMPANY = "Harbor Lane Supply Co"
HISTORY_START = date(2025, 5, 1)


# ---------------------------------------------------------------- the files
def invoice_rows(n: int) -> list[tuple[str, str, date, Decimal]]:
    """``n`` open invoices ``(customer, number, due, amount)``: varied due dates (20 days ahead to 379 days past
    due) and amounts in cents."""
    return [(f"Customer {i % CUSTOMERS:05d}", f"INV{1000 + i}", AS_OF - timedelta(days=(i * 17) % 400 - 20),
             Decimal(500 + i % 9000) + Decimal(i % 100) / 100) for i in range(n)]


def _cached(name: str, kind: str, n: int) -> Path:
    """The cached file ``name``, written first (by a child process, so that this one stays small) if missing."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / name
    if not path.exists():
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        try:
            subprocess.run([sys.executable, "-m", "benchmarks.e2e", "--write", kind, str(n), str(tmp)], check=True,
                           cwd=Path(__file__).resolve().parents[1])
            tmp.replace(path)
        finally:
            tmp.unlink(missing_ok=True)
    return path


def _write_open_invoices_csv(n: int, path: Path) -> None:
    path.write_text(open_invoices(invoice_rows(n), AS_OF), encoding="utf-8", newline="")


def _write_open_invoices_xlsx(n: int, path: Path) -> None:
    """The cells of the CSV layout in the QuickBooks Online XLSX form the renderer writes (``write_xlsx`` with
    default options): merged title rows, header on row 5, dates as text, amounts as numbers (``"$"`` format on
    subtotals and TOTAL), the timestamp footer three rows below the last."""
    import xlsxwriter

    rows = list(csv.reader(io.StringIO(open_invoices(invoice_rows(n), AS_OF), newline="")))
    title, header, body = rows[:3], rows[4], rows[5:]
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("Open Invoices Report")
    plain, dollars = wb.add_format({"num_format": "#,##0.00"}), wb.add_format({"num_format": '"$"#,##0.00'})
    width = len(header)
    for r, row in enumerate(title):
        ws.merge_range(r, 0, r, width - 1, row[0])
    for c, name in enumerate(header):
        if name:
            ws.write_string(4, c, name)
    r = 5
    for row in body:
        for c, cell in enumerate(row):
            if c == 6 and cell:
                total = cell.lstrip("-").startswith("$")
                ws.write_number(r, c, float(cell.replace("$", "").replace(",", "")), dollars if total else plain)
            elif cell:
                ws.write_string(r, c, cell)
        r += 1
    ws.write_string(r + 3, 0, f"{AS_OF:%A}, {AS_OF:%b} {AS_OF:%d}, {AS_OF:%Y} 09:41:00 AM GMTZ - Accrual Basis")
    wb.close()


def _money(cents: int, symbol: str = "") -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{symbol}{abs(cents) // 100:,}.{abs(cents) % 100:02d}"


def _sales(n: int):
    """``n`` invoices of the history, in the report's order: ``(issued, number, name, due, cents, open cents)``.
    Issued evenly over the history; recent ones (and every 11th) still open."""
    span = (AS_OF - HISTORY_START).days + 1
    recent = AS_OF - timedelta(days=45)
    for i in range(n):
        issued = HISTORY_START + timedelta(days=i * span // n)
        cents = (500 + i % 9000) * 100 + i % 100
        yield (issued, str(1_000_001 + i), f"Customer {i % CUSTOMERS:05d}", issued + timedelta(days=(0, 15, 30, 45,
               60)[i % 5]), cents, cents if issued >= recent or i % 11 == 0 else 0)


def _write_invoice_list(n: int, path: Path) -> None:
    """An Invoice List by Date CSV, written line for line as ``tests.fixtures.qbrender`` writes that kind (single
    currency, default options); :func:`check_invoice_list_layout` compares the two on a small file."""
    header = ["Date", "Transaction type", "Num", "Name", "Memo", "Due date", "Amount", "Open balance"]
    pad = [""] * (len(header) - 1)
    period = f"{HISTORY_START:%B} {HISTORY_START.day}, {HISTORY_START.year}-{AS_OF:%B} {AS_OF.day}, {AS_OF.year}"
    days: dict[date, str] = {}

    def day(d: date) -> str:
        text = days.get(d)
        if text is None:
            text = days[d] = f"{d:%m/%d/%Y}"
        return text

    total = open_total = 0
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerows([["Invoice List by Date"] + pad, [COMPANY] + pad, [period] + pad, [], header])
        for issued, number, name, due, cents, open_cents in _sales(n):
            w.writerow([day(issued), "Invoice", number, name, "", day(due), _money(cents), _money(open_cents)])
            total += cents
            open_total += open_cents
        w.writerow(["TOTAL", "", "", "", "", "", _money(total, "$"), _money(open_total, "$")])
        f.write("\r\n\r\n\r\n")
        w.writerow([f"Accrual Basis {AS_OF:%A}, {AS_OF:%B} {AS_OF.day}, {AS_OF.year} 09:41 AM GMTZ"])


def check_invoice_list_layout(n: int = 60) -> None:
    """The direct writer gives byte for byte what the test fixtures render from the same books."""
    from receivables.money import from_minor
    from receivables.records import DUE_DATES, ISSUED_HISTORY, OPEN_ITEMS, Books, Customer, Invoice, ItemKind
    from tests.fixtures.qbrender import QBO_INVOICE_LIST, render

    rows = list(_sales(n))
    names = sorted({r[2] for r in rows})
    books = Books(
        source="e2e", company_currency="USD", report_date=AS_OF,
        customers=tuple(Customer(c, c) for c in names),
        items=tuple(Invoice(f"i{num}", num, name, ItemKind.INVOICE, issued, due, "USD", from_minor(cents),
                            from_minor(open_)) for issued, num, name, due, cents, open_ in rows),
        knows=frozenset({OPEN_ITEMS, ISSUED_HISTORY, DUE_DATES}), period=(HISTORY_START, AS_OF))
    with tempfile.TemporaryDirectory() as tmp:
        ours, theirs = Path(tmp) / "direct.csv", Path(tmp) / "rendered.csv"
        _write_invoice_list(n, ours)
        render(books, QBO_INVOICE_LIST, theirs)
        if ours.read_bytes() != theirs.read_bytes():
            raise SystemExit("the direct Invoice List by Date writer no longer matches tests.fixtures.qbrender")


WRITERS = {"open-invoices-csv": _write_open_invoices_csv, "open-invoices-xlsx": _write_open_invoices_xlsx,
           "invoice-list-csv": _write_invoice_list}


def open_invoices_csv(n: int) -> Path:
    return _cached(f"open-invoices-{n}.csv", "open-invoices-csv", n)


def open_invoices_xlsx(n: int) -> Path:
    return _cached(f"open-invoices-{n}.xlsx", "open-invoices-xlsx", n)


def invoice_list_csv(n: int) -> Path:
    return _cached(f"invoice-list-{n}.csv", "invoice-list-csv", n)


# ---------------------------------------------------------------- the runs
@dataclass
class Run:
    wall: float
    cpu: float
    peak: int        # bytes
    out: bytes


TIME = "/usr/bin/time"


def run(cmd: list[str], cwd: Path) -> Run:
    """``cmd`` as a fresh process: wall time, CPU time and peak resident memory.

    Through GNU ``/usr/bin/time`` where there is one (its child is forked from that small program, so the peak is
    the command's own); else from ``os.wait4`` on the child itself (the peak then includes what this process held
    when it started the child, a few tens of MiB)."""
    timed = os.access(TIME, os.X_OK)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r", suffix=".time") as usage_file:
        full = [TIME, "-f", "%M %U %S", "-o", usage_file.name, *cmd] if timed else cmd
        start = time.perf_counter()
        p = subprocess.Popen(full, stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=cwd)
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - start
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if p.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed ({p.returncode}):\n{err.read().decode(errors='replace')}")
        if timed:
            kib, user, system = usage_file.read().split()[-3:]
            return Run(wall, float(user) + float(system), int(kib) * 1024, out.read())
        return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, out.read())


def compare(label: str, ours_cmd: list[str], bare_cmd: list[str], repeat: int, check) -> None:
    """Run both sides alternately, check their results agree, print times, peaks and ratios."""
    ours: list[Run] = []
    bare: list[Run] = []
    load = os.getloadavg()
    for _ in range(repeat):
        ours.append(run(ours_cmd, CACHE))
        bare.append(run(bare_cmd, CACHE))
    load_after = os.getloadavg()
    agree = check(json.loads(ours[-1].out), json.loads(bare[-1].out))
    o_wall, b_wall = min(r.wall for r in ours), min(r.wall for r in bare)
    o_peak, b_peak = max(r.peak for r in ours), max(r.peak for r in bare)
    t_ratio, m_ratio = o_wall / b_wall, o_peak / b_peak
    print(label)
    print(f"  load average before {load[0]:.2f}, after {load_after[0]:.2f} (2 cores)")
    print(f"  {'ardesk':<12} {o_wall:8.2f}s  (runs {', '.join(f'{r.wall:.2f}' for r in ours)}; "
          f"cpu {min(r.cpu for r in ours):.2f}s)  peak {o_peak / 2**20:8.1f} MiB")
    print(f"  {'bare pandas':<12} {b_wall:8.2f}s  (runs {', '.join(f'{r.wall:.2f}' for r in bare)}; "
          f"cpu {min(r.cpu for r in bare):.2f}s)  peak {b_peak / 2**20:8.1f} MiB")
    print(f"  {agree}")
    print(f"  time   ratio {t_ratio:5.2f}  (target <= {TIME_TARGET}: {'met' if t_ratio <= TIME_TARGET else 'NOT met'})")
    print(f"  memory ratio {m_ratio:5.2f}  (target <= {MEMORY_TARGET}: "
          f"{'met' if m_ratio <= MEMORY_TARGET else 'NOT met'})")


def _cents(text: str) -> int:
    value = Decimal(text) * 100
    assert value == int(value), text
    return int(value)


def aging_check(ours: dict, bare: dict) -> str:
    mine = [_cents(ours["totals"][b]) for b in BUCKETS]
    if mine != bare["totals"] or _cents(ours["totals"]["total"]) != sum(bare["totals"]):
        raise SystemExit(f"aging totals differ: ardesk {mine}, bare pandas {bare['totals']}")
    if len(ours["customers"]) != bare["customers"]:
        raise SystemExit(f"ardesk shows {len(ours['customers']):,} customers, bare pandas {bare['customers']:,}")
    return (f"totals equal to the cent: {', '.join(f'{b} {c / 100:,.2f}' for b, c in zip(BUCKETS, mine))}; "
            f"{bare['customers']:,} customers")


def sales_check(ours: dict, bare: dict) -> str:
    months = {m["month"]: _cents(m["credit_sales"]) for m in ours["months"]}
    theirs = {m: bare["months"].get(m, 0) for m in months}
    if months != theirs or _cents(ours["credit_sales"]) != sum(theirs.values()):
        raise SystemExit(f"credit sales differ: ardesk {months} (period {ours['credit_sales']}), bare {theirs}")
    return (f"credit sales equal to the cent in all {len(months)} months of the period "
            f"({_cents(ours['credit_sales']) / 100:,.2f}); dso {ours['dso']} days")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="invoices in the CSV files (1,000,000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side (3)")
    parser.add_argument("--dso", action="store_true", help="also ardesk dso on an Invoice List by Date")
    parser.add_argument("--xlsx", action="store_true", help="also ardesk aging on an Open Invoices XLSX")
    parser.add_argument("--xlsx-rows", type=int, default=100_000, help="invoices in the XLSX (100,000)")
    parser.add_argument("--write", nargs=3, metavar=("KIND", "N", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.write:
        kind, n, path = args.write
        WRITERS[kind](int(n), Path(path))
        return 0
    ardesk = shutil.which("ardesk")
    if ardesk is None:
        raise SystemExit("the ardesk command is not on PATH: pip install -e . first")
    as_of = AS_OF.isoformat()
    bare = [sys.executable, str(BARE)]
    print("peak memory: " + ("GNU time's maximum resident set size of each command" if os.access(TIME, os.X_OK)
                             else "os.wait4's ru_maxrss of each child (includes this launcher's own, small)"))

    start = time.perf_counter()
    path = open_invoices_csv(args.rows)
    print(f"Open Invoices CSV: {args.rows:,} invoices, {min(args.rows, CUSTOMERS):,} customers, "
          f"{path.stat().st_size / 1e6:.1f} MB ({path}; ready in {time.perf_counter() - start:.1f}s)")
    compare(f"aging, {args.rows:,}-row CSV: best of {args.repeat} wall, largest peak RSS",
            [ardesk, "aging", str(path), "--as-of", as_of, "--format", "json"],
            bare + ["aging", str(path), as_of], args.repeat, aging_check)

    if args.dso:
        check_invoice_list_layout()
        start = time.perf_counter()
        path = invoice_list_csv(args.rows)
        print(f"Invoice List by Date CSV: {args.rows:,} invoices, {path.stat().st_size / 1e6:.1f} MB "
              f"({path}; ready in {time.perf_counter() - start:.1f}s; layout checked against qbrender)")
        compare(f"dso, {args.rows:,}-row Invoice List by Date: best of {args.repeat} wall, largest peak RSS",
                [ardesk, "dso", str(path), "--as-of", as_of, "--format", "json"],
                bare + ["sales", str(path)], args.repeat, sales_check)

    if args.xlsx:
        start = time.perf_counter()
        path = open_invoices_xlsx(args.xlsx_rows)
        print(f"Open Invoices XLSX: {args.xlsx_rows:,} invoices, {path.stat().st_size / 1e6:.1f} MB "
              f"({path}; ready in {time.perf_counter() - start:.1f}s)")
        compare(f"aging, {args.xlsx_rows:,}-row XLSX (pandas with calamine): best of {args.repeat} wall, "
                "largest peak RSS",
                [ardesk, "aging", str(path), "--as-of", as_of, "--format", "json"],
                bare + ["aging-xlsx", str(path), as_of], args.repeat, aging_check)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
