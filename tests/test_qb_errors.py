"""Bad QuickBooks exports: one clear InputError naming the file (and row, column), never a traceback or a partial
result. Ends with a seeded fuzz over thousands of mutated exports."""
from __future__ import annotations

import io
import os
import random
import shutil
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from connectors.quickbooks import read_export, read_source
from connectors.quickbooks.cells import evaluate_formula, parse_amount
from receivables.errors import ArdeskError, InputError
from tests.test_qb_history import IIF_TEXT
from tests.test_qb_open_items import (
    qbd_open_invoices_rows,
    qbo_aging_detail_rows,
    qbo_open_invoices_rows,
    to_csv,
    write,
)


def fails(path, *, row=None, column=None, match=None):
    with pytest.raises(InputError) as err:
        read_export(path)
    assert err.value.source == str(path)
    assert err.value.row == row and err.value.column == column, str(err.value)
    if match:
        assert match in str(err.value), str(err.value)
    return err.value


def test_not_an_export_unknown_report_empty_and_missing_file(tmp_path):
    fails(write(tmp_path, "notes.csv", b"name,email\r\nAnna,a@x.com\r\n"), match="not a QuickBooks receivables report")
    fails(write(tmp_path, "pl.csv", b"Profit and Loss\r\nAcme\r\nJuly 2026\r\n\r\n,Total\r\nIncome,5\r\n"),
          match="not a QuickBooks receivables report")
    fails(write(tmp_path, "empty.csv", b"\xef\xbb\xbf\r\n"), match="empty")
    fails(tmp_path / "missing.csv", match="not found")
    fails(write(tmp_path, "bin.csv", b"\x81\x8d\x8f\x90 binary"), match="not UTF-8 or Windows-1252")


def test_missing_column_bad_date_bad_amount_and_cut_short(tmp_path):
    rows = qbo_open_invoices_rows()
    rows[4][6] = "Balance due"                    # header: no 'Open balance'
    fails(write(tmp_path, "a.csv", to_csv(rows)), row=5, column="Open balance", match="no 'Open balance' column")
    rows = qbo_open_invoices_rows()
    rows[6][1] = "09/41/2026"
    fails(write(tmp_path, "b.csv", to_csv(rows)), row=7, column="Date", match="not a date: '09/41/2026'")
    rows = qbo_open_invoices_rows()
    rows[6][6] = "12O.00"
    fails(write(tmp_path, "c.csv", to_csv(rows)), row=7, column="Open balance", match="not an amount: '12O.00'")
    rows = qbo_open_invoices_rows()
    rows[6][1] = "31/01/2026"                     # one day-first date among month-first ones
    fails(write(tmp_path, "d.csv", to_csv(rows)), row=7, column="Date", match="mixes MM/DD and DD/MM")
    text = to_csv(qbo_aging_detail_rows())
    cut = text[: text.index(b"TOTAL")]
    fails(write(tmp_path, "e.csv", cut), row=cut.count(b"\n"), match="no TOTAL row")
    rows = qbo_open_invoices_rows()
    rows[6][1] = ""                               # a transaction row that lost its date
    fails(write(tmp_path, "f.csv", to_csv(rows)), row=7, column="Date", match="no date")


def test_incomplete_xlsx_and_unsupported_formula(tmp_path):
    wb = openpyxl.Workbook()
    for row in qbo_aging_detail_rows():
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    data = buffer.getvalue()
    fails(write(tmp_path, "half.xlsx", data[: len(data) // 2]), match="not a complete XLSX file")
    wb.active["G7"] = "=TODAY()"
    wb.save(tmp_path / "f.xlsx")
    fails(tmp_path / "f.xlsx", row=7, column="G7", match="cannot evaluate formula")


def test_cells_amounts_and_formulas():
    for text, value in [("1,924.24", "1924.24"), ('$5,281.52', "5281.52"), ("-$4,418.61", "-4418.61"),
                        ("(500.00)", "-500.00"), ("-Ksh1,000", "-1000"), ("", "0"), ("1,000.00-", "-1000.00")]:
        assert parse_amount(text) == Decimal(value)
    for text in ("1e5", "NaN", "Infinity", "1_000", "12.3.4", "$", "--5x", "abc"):
        assert parse_amount(text) is None
    cells = {"I7": Decimal("1.10"), "I8": Decimal("2.20")}
    assert evaluate_formula("=I7+I8", lambda ref, depth: cells[ref]) == Decimal("3.30")
    assert evaluate_formula("=-(I7-I8)*2/4", lambda ref, depth: cells[ref]) == Decimal("0.55")
    for bad in ("=__import__('os')", "=I7+", "=((1)", "=1/0"):
        with pytest.raises(ValueError):
            evaluate_formula(bad, lambda ref, depth: cells[ref])


def _mutate(rng: random.Random, data: bytes) -> bytes:
    lines = data.split(b"\n")
    for _ in range(rng.randint(1, 3)):
        op = rng.randrange(8)
        i = rng.randrange(len(lines))
        if op == 0:
            data = b"\n".join(lines)
            return data[: rng.randrange(len(data))]
        if op == 1:                                              # swap two cells
            sep = b"\t" if b"\t" in lines[i] else b","
            cells = lines[i].split(sep)
            a, b = rng.randrange(len(cells)), rng.randrange(len(cells))
            cells[a], cells[b] = cells[b], cells[a]
            lines[i] = sep.join(cells)
        elif op == 2:                                            # garbage bytes
            pos = rng.randrange(len(lines[i]) + 1)
            lines[i] = lines[i][:pos] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 4))) + lines[i][pos:]
        elif op == 3:                                            # drop a line (a header, a total, a row)
            del lines[i]
        elif op == 4:                                            # change a digit
            digits = [k for k, ch in enumerate(lines[i]) if 48 <= ch <= 57]
            if digits:
                k = rng.choice(digits)
                lines[i] = lines[i][:k] + bytes([48 + rng.randrange(10)]) + lines[i][k + 1:]
        elif op == 5:
            lines.insert(i, lines[rng.randrange(len(lines))])
        elif op == 6:                                            # truncate a line
            lines[i] = lines[i][: rng.randrange(len(lines[i]) + 1)]
        else:
            lines[i] = lines[i].replace(b",", b";", 1).replace(b"/", b"-", 1)
        if not lines:
            return b""
    return b"\n".join(lines)


def test_fuzzed_exports_raise_only_ardesk_errors_naming_the_file(tmp_path):
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):              # memory-backed, much faster to rewrite 2000 times
        tmp_path = Path(tempfile.mkdtemp(dir=shm))
    bases = [("aging.csv", to_csv(qbo_aging_detail_rows())), ("oi.csv", to_csv(qbo_open_invoices_rows())),
             ("qbd.csv", to_csv(qbd_open_invoices_rows())), ("x.iif", IIF_TEXT.encode())]
    rng = random.Random(20261007)
    outcomes = {"ok": 0, "error": 0}
    for n in range(2000):
        name, base = bases[n % len(bases)]
        path = tmp_path / name
        data = _mutate(rng, base)
        path.write_bytes(data)
        try:
            books = read_export(path)
        except ArdeskError as exc:
            outcomes["error"] += 1
            assert exc.source == str(path) and str(exc).startswith(str(path)), str(exc)
            assert exc.row is None or 1 <= exc.row <= data.count(b"\n") + data.count(b"\r") + 1, str(exc)
            continue
        outcomes["ok"] += 1
        for item in books.items:
            assert isinstance(item.open_amount, Decimal) and isinstance(item.issued, date)
    assert outcomes["ok"] > 100 and outcomes["error"] > 1000, outcomes
    if tmp_path.parent == shm:
        shutil.rmtree(tmp_path, ignore_errors=True)


def test_fuzzed_xlsx_exports(tmp_path):
    wb = openpyxl.Workbook()
    for row in qbo_aging_detail_rows():
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    base = buffer.getvalue()
    rng = random.Random(7)
    path = tmp_path / "aging.xlsx"
    for _ in range(60):
        data = bytearray(base)
        for _ in range(rng.randint(1, 6)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        if rng.random() < 0.3:
            data = data[: rng.randrange(len(data))]
        path.write_bytes(bytes(data))
        try:
            read_export(path)
        except ArdeskError as exc:
            assert exc.source == str(path), str(exc)


def test_read_source_fails_whole_on_one_bad_file(tmp_path):
    write(tmp_path, "good.csv", to_csv(qbo_open_invoices_rows()))
    write(tmp_path, "bad.csv", b"Open Invoices Report\r\nnothing else\r\n")
    with pytest.raises(InputError) as err:
        read_source(tmp_path)
    assert err.value.source == str(tmp_path / "bad.csv")
