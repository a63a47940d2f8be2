"""``ardesk refresh`` end to end on the bundled sample exports: notes kept, a busy workbook left alone and its
snapshot loaded by the next Refresh press, and the demo building a sound panel."""
from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from connectors.quickbooks.sample import SAMPLE_DIR
from excel.check import check_workbook
from excel.package import read_notes
from excel.panel import build_panel
from jobs.refresh import compute_panel
from receivables.ledger import Ledger

CONFIG = """\
[source]
default = "exports"
"""


@pytest.fixture
def desk(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    exports = tmp_path / "exports"
    exports.mkdir()
    for f in Path(SAMPLE_DIR).glob("*Open Invoices*"):
        shutil.copy(f, exports / f.name)
    (tmp_path / "ardesk.toml").write_text(CONFIG)
    from excel.layout import PanelData

    notes = [{"written_at": date(2026, 11, 2), "author": "jo", "customer": "Beacon Studios",
              "text": "=HYPERLINK(\"http://x\") promised Friday", "promise_amount": None}]
    book = build_panel(tmp_path / "collections.xlsm", PanelData(cells={"AsOfDate": date(2026, 10, 31)}))
    _type_notes(book, notes)
    return tmp_path


def _type_notes(book: Path, notes: list[dict]) -> None:
    """Type notes on the Notes sheet and save, as a spreadsheet program would: every part gets rewritten
    (openpyxl stands in for the program here; the refresh must cope with whatever it left)."""
    import openpyxl

    wb = openpyxl.load_workbook(book, keep_vba=True)
    ws = wb["Notes"]
    for i, n in enumerate(notes, start=2):
        ws.cell(i, 1, n["written_at"]).number_format = "yyyy-mm-dd"
        ws.cell(i, 2, n["author"])
        ws.cell(i, 3, n["customer"])
        ws.cell(i, 5, n["text"]).data_type = "s"
    wb.save(book)


def test_refresh_keeps_notes_in_the_sheet_and_the_ledger(desk):
    before = read_notes(desk / "collections.xlsm")
    assert [n["text"] for n in before] == ["=HYPERLINK(\"http://x\") promised Friday"]
    result = CliRunner().invoke(cli, ["refresh", "--workbook", "collections.xlsm"])
    assert result.exit_code == 0, result.output
    assert "open items as of 2026-10-31" in result.output and "1 new note(s) kept" in result.output
    after = read_notes(desk / "collections.xlsm")
    # the person's cells are as typed; the program wrote the note's id into its own column, once
    assert [{**n, "uid": None} for n in after] == before and after[0]["uid"].startswith("N-")
    again = CliRunner().invoke(cli, ["refresh", "--workbook", "collections.xlsm"])
    assert again.exit_code == 0 and "new note" not in again.output
    assert read_notes(desk / "collections.xlsm") == after
    with Ledger(desk / "ardesk.db") as ledger:
        assert [(n["uid"], n["text"]) for n in ledger.notes()] == [(after[0]["uid"], before[0]["text"])]
        assert [a["action"] for a in ledger.audit_trail()][:4] == ["refresh", "pull unchanged", "refresh", "pull"]
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(desk / "collections.xlsm")).get_sheet_by_name("Invoices").to_python()
    assert len(rows) > 100 and rows[0][0] == "Customer"


def test_busy_workbook_is_left_alone_and_refresh_button_loads_the_snapshot(desk):
    book = desk / "collections.xlsm"
    owner = desk / "~$collections.xlsm"
    owner.write_bytes(b"\x04jane" + b" " * 50)
    untouched = book.read_bytes()
    result = CliRunner().invoke(cli, ["refresh", "--workbook", "collections.xlsm"])
    assert result.exit_code == 3, result.output      # deferred: the documented status
    assert "nothing was written" in result.stderr and "press Refresh" in result.stderr
    assert book.read_bytes() == untouched
    with Ledger(desk / "ardesk.db") as ledger:
        snapshot = ledger.latest().id
    owner.unlink()
    # The exports go away: the button must load the stored snapshot rather than pull again.
    shutil.rmtree(desk / "exports")
    data = compute_panel(str(book), {"AsOfDate": date(2026, 10, 31), "Source": None}, today=date(2026, 11, 23))
    assert data.cells["Status"].startswith("Stored snapshot loaded: ")
    assert len(data.rows["Invoices"]) > 100
    with Ledger(desk / "ardesk.db") as ledger:
        assert ledger.audit_trail()[0]["action"] == "refresh loaded"
        assert ledger.latest().id == snapshot


def test_demo_builds_a_sound_panel(tmp_path):
    result = CliRunner().invoke(cli, ["demo", "--out", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.output
    path = Path(result.output.strip().splitlines()[-1].split(": ", 1)[1])
    assert path.exists() and check_workbook(path) == []
    assert "TOTAL" in result.output
