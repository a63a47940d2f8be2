"""The buttons, run through a real xlwings Book (the remote engine) made from a panel file's own contents."""
from __future__ import annotations

import datetime as dt
import importlib
import subprocess
import sys
import types
from decimal import Decimal
from pathlib import Path

import pytest

from excel import buttons, layout
from excel.panel import build_panel
from receivables.errors import RemoteError
from tests.xlwings_book import (
    HOSTILE,
    apply_actions,
    payload_from_file,
    remote_book,
    sample_data,
    sheet_values,
)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def panel(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    return build_panel(tmp_path)


@pytest.fixture
def jobs(monkeypatch):
    """Stands in for ``jobs.panel.compute_panel`` (the lead's use case): records its calls, returns ``result``."""
    calls: list[tuple] = []
    state = types.SimpleNamespace(calls=calls, result=sample_data())

    def compute_panel(workbook_path, inputs):
        calls.append((workbook_path, inputs))
        if isinstance(state.result, BaseException):
            raise state.result
        return state.result

    try:
        module = importlib.import_module("jobs.panel")
    except ModuleNotFoundError:
        module = types.ModuleType("jobs.panel")
        monkeypatch.setitem(sys.modules, "jobs.panel", module)
    monkeypatch.setattr(module, "compute_panel", compute_panel, raising=False)
    return state


def _book(payload):
    return remote_book(payload)


def _set(payload, name, value):
    cell = layout.named_cell(name)
    sheet = next(s for s in payload["sheets"] if s["name"] == cell.sheet)
    row, col = int(cell.cell[1:]) - 1, ord(cell.cell[0]) - 65
    sheet["values"][row][col] = value


def _status(payload):
    return sheet_values(payload, layout.CONTROL)[10][2]


def test_refresh_writes_every_program_sheet_and_leaves_notes_alone(panel, jobs, monkeypatch):
    import xlwings as xw

    payload = payload_from_file(panel)
    notes = next(s for s in payload["sheets"] if s["name"] == layout.NOTES)
    notes["values"].append(["2026-10-30", "Ann", "Acme", "INV/1", "=promised Friday", None, 250, None, None, None])
    _set(payload, "AsOfDate", "2026-10-31")
    _set(payload, "DsoPeriodDays", 90.0)
    _set(payload, "AgeBy", " Issued ")
    six = ("Current", "1-30", "31-60", "61-90", "91-120", "121+")
    jobs.result = sample_data(bucket_labels=six)
    book = _book(payload)
    monkeypatch.setattr(xw.Book, "_mock_caller", book, raising=False)    # as Excel's RunPython would call it

    buttons.refresh()

    assert jobs.calls == [(str(panel), {"AsOfDate": dt.date(2026, 10, 31), "BucketEdges": "30,60,90",
                                        "AgeBy": "issued", "DsoPeriodDays": 90, "Source": None})]
    actions = book.json()["actions"]
    notes_index = [s["name"] for s in payload["sheets"]].index(layout.NOTES)
    assert all(a["sheet_position"] != notes_index for a in actions)
    written = next(a for a in actions if a["func"] == "setValues" and a["sheet_position"] == 1)["values"]
    assert [r[0] for r in written[1:len(HOSTILE) + 1]] == [          # Excel's text prefix where Excel would parse
        "'" + n if n[0] in "=+-@'" else n for n in HOSTILE]
    after = apply_actions(payload, actions)
    assert sheet_values(after, layout.NOTES) == sheet_values(payload, layout.NOTES)

    invoices = sheet_values(after, layout.INVOICES)
    assert [r[0] for r in invoices[1:len(HOSTILE) + 1]] == list(HOSTILE)     # text, not formulas
    first = jobs.result.rows[layout.INVOICES][0]
    assert invoices[1][1:11] == [first["number"], "invoice", first["issued"].isoformat(), first["due"].isoformat(),
                                 first["days_past_due"], first["bucket"], "USD", 1000.25, 500, 500]
    assert len(invoices) == 1 + len(jobs.result.rows[layout.INVOICES])
    aging = sheet_values(after, layout.AGING)
    assert aging[0] == ["Customer", "Currency", *six, "Total", "As of", "Books as of"]
    assert [Decimal(str(v)) for v in aging[1][2:9]] == [Decimal("100.05")] * 2 + [0] * 4 + [Decimal("300.10")]
    table = next(s for s in after["sheets"] if s["name"] == layout.AGING)["tables"][0]
    assert table["range_address"] == "A1:K4"
    control = sheet_values(after, layout.CONTROL)
    assert control[10][2] == (f"Refreshed {len(invoices) - 1} invoices as of 2026-10-31. "
                              "1 issue(s): see the Issues sheet.")
    assert control[14][2] == 123456.78 and control[16][2] == 42.5


def test_a_smaller_refresh_clears_what_the_bigger_one_wrote(panel, jobs):
    payload = payload_from_file(panel)
    jobs.result = sample_data(n_invoices=12)
    book = _book(payload)
    buttons.run_button(book, "refresh")
    bigger = apply_actions(payload, book.json()["actions"])
    jobs.result = sample_data(n_invoices=2, bucket_labels=("Current", "1-60", "61+"))
    book = _book(bigger)
    buttons.run_button(book, "refresh")
    smaller = apply_actions(bigger, book.json()["actions"])
    invoices = sheet_values(smaller, layout.INVOICES)
    assert len(invoices) == 3 and all(v in (None, "") for row in invoices for v in row[13:])
    aging = sheet_values(smaller, layout.AGING)
    assert aging[0][:8] == ["Customer", "Currency", "Current", "1-60", "61+", "Total", "As of", "Books as of"]
    assert all(v in (None, "") for row in aging for v in row[8:])


def test_aging_and_dso_buttons_write_only_their_sheets(panel, jobs):
    payload = payload_from_file(panel)
    names = [s["name"] for s in payload["sheets"]]
    for action, sheets, status in (("aging", {layout.INVOICES, layout.AGING, layout.FIGURES, layout.ISSUES},
                                    "Aged 10 open items as of 2026-10-31 by due date into 5 buckets."),
                                   ("dso", {layout.DSO, layout.ISSUES}, "DSO as of 2026-10-31: 42.5 days.")):
        book = _book(payload)
        message = buttons.run_button(book, action)
        assert message.startswith(status)
        touched = {names[a["sheet_position"]] for a in book.json()["actions"]}
        assert touched == sheets | {layout.CONTROL}
        assert _status(apply_actions(payload, book.json()["actions"])) == message


def test_errors_become_plain_words_in_status(panel, jobs, monkeypatch):
    payload = payload_from_file(panel)
    jobs.result = RemoteError("Odoo refused the connection", source="https://erp.example.test",
                              hint="check [odoo] url in ardesk.toml")
    book = _book(payload)
    buttons.run_button(book, "refresh")
    after = apply_actions(payload, book.json()["actions"])
    assert _status(after) == ("Could not refresh: https://erp.example.test: Odoo refused the connection "
                              "(check [odoo] url in ardesk.toml)")
    assert [a["sheet_position"] for a in book.json()["actions"]] == [0]        # nothing but Status was written

    _set(payload, "AgeBy", "sideways")
    book = _book(payload)
    buttons.run_button(book, "aging")
    assert _status(apply_actions(payload, book.json()["actions"])) == (
        "Could not run the aging: Control!C6: Age by (due / issued): expected due or issued, found 'sideways' "
        "(fix the yellow cell AgeBy on Control)")
    assert len(jobs.calls) == 1                                                  # the bad input stopped it first


def test_unexpected_failure_is_logged_beside_the_workbook(panel, jobs):
    payload = payload_from_file(panel)
    jobs.result = ZeroDivisionError("division by zero")
    book = _book(payload)
    message = buttons.run_button(book, "dso")
    log = panel.parent / buttons.LOG_NAME
    assert message.startswith("Unexpected error: ZeroDivisionError: division by zero. Nothing is lost; "
                              f"the details are in {log}")
    text = log.read_text(encoding="utf-8")
    assert "button dso failed" in text and "Traceback (most recent call last)" in text
    assert "Traceback" not in _status(apply_actions(payload, book.json()["actions"]))


def test_importing_the_buttons_does_not_import_pandas():
    code = "import sys, excel.buttons; assert 'pandas' not in sys.modules and 'xlwings' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_real_compute_panel_refreshes_a_panel(panel, monkeypatch):
    """Through the real use case: the bundled sample exports, as of 2026-10-31, fill the sheets."""
    from connectors.quickbooks.sample import SAMPLE_DIR

    monkeypatch.chdir(panel.parent)
    payload = payload_from_file(panel)
    _set(payload, "Source", str(SAMPLE_DIR))
    _set(payload, "AsOfDate", "2026-10-31")
    book = _book(payload)
    message = buttons.run_button(book, "refresh")
    after = apply_actions(payload, book.json()["actions"])
    assert _status(after) == message and "2026-10-31" in message and "rror" not in message, message
    invoices = sheet_values(after, layout.INVOICES)
    assert invoices[0] == [c.header for c in layout.sheet(layout.INVOICES).columns] and len(invoices) > 10
    assert sheet_values(after, layout.NOTES) == sheet_values(payload, layout.NOTES)
