"""Notes at the desk, end to end: typed in the workbook (saved by LibreOffice through UNO) or added on the command
line, kept through any number of headless refreshes and pushes, written to Odoo (the stand-in) once, with the
Synced column saying what happened; their promises and disputes on the Invoices and Customers sheets and in
``ardesk customers``."""
from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from cli import cli
from connectors.quickbooks.sample import SAMPLE_DIR
from excel.layout import PanelData
from excel.package import read_notes
from excel.panel import build_panel
from tests.odoo_standin.server import StandIn
from tests.test_package import UNO_SCRIPT, _uno_env


def _run(*args: str):
    result = CliRunner().invoke(cli, list(args))
    return result


def _sheet(path: Path, name: str) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()


def test_quickbooks_desk_shows_promises_and_disputes_and_keeps_cli_notes(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    exports = tmp_path / "exports"
    exports.mkdir()
    for f in Path(SAMPLE_DIR).glob("*Open Invoices*"):
        shutil.copy(f, exports / f.name)
    (tmp_path / "ardesk.toml").write_text('[source]\ndefault = "exports"\n')
    build_panel(tmp_path / "collections.xlsm", PanelData(cells={"AsOfDate": date(2026, 10, 31)}))
    assert _run("notes", "add", "Amber Plumbing & Sons", "2369 billed twice", "--invoice", "2369",
                "--date", "2026-10-20", "--dispute", "open").exit_code == 0
    added = _run("notes", "add", "amber plumbing & sons", "will pay 2299 next week", "--date", "2026-10-25",
                 "--promise-date", "2026-11-06", "--promise-amount", "207.50", "--outcome", "reached")
    assert added.exit_code == 0, added.output
    refreshed = _run("refresh", "--workbook", "collections.xlsm")
    assert refreshed.exit_code == 0, refreshed.output
    book = tmp_path / "collections.xlsm"
    invoices = _sheet(book, "Invoices")
    head = invoices[0]
    by_number = {r[head.index("Number")]: r for r in invoices[1:]}
    assert by_number["2369"][head.index("Dispute")] == "open since 2026-10-20"
    assert by_number["2299"][head.index("Dispute")] == ""
    customers = _sheet(book, "Customers")
    amber = next(r for r in customers[1:] if r[0] == "Amber Plumbing & Sons")
    assert amber[customers[0].index("Promise")] == "207.50 USD by 2026-11-06: open"
    assert amber[customers[0].index("Dispute")] == "open: 2369 184.00 USD"
    notes = read_notes(book)                       # the notes added on the command line now show on the sheet
    assert [n["text"] for n in notes] == ["2369 billed twice", "will pay 2299 next week"]
    assert all(n["uid"].startswith("N-") for n in notes) and notes[1]["promise_amount"] == 207.5
    again = _run("refresh", "--workbook", "collections.xlsm")    # shown once, not appended again
    assert again.exit_code == 0 and read_notes(book) == notes
    import openpyxl

    wb = openpyxl.load_workbook(book, keep_vba=True)      # a person deletes the second row and saves
    wb["Notes"].delete_rows(3)
    wb.save(book)
    assert _run("refresh", "--workbook", "collections.xlsm").exit_code == 0
    assert [n["text"] for n in read_notes(book)] == ["2369 billed twice"]      # not brought back
    assert len(_run("notes", "export").output.splitlines()) == 3               # still in the ledger
    report = json.loads(_run("customers", "--as-of", "2026-10-31", "--format", "json").stdout)
    amber = next(c for c in report["customers"] if c["customer"] == "Amber Plumbing & Sons")
    assert amber["promise"]["state"] == "open" and amber["promise"]["amount"] == "207.50"
    assert [d["invoice_number"] for d in amber["disputes"]] == ["2369"]
    push = _run("notes", "push", "--workbook", "collections.xlsm")
    assert push.exit_code == 0 and "no ERP to write notes to" in push.output
    exported = _run("notes", "export").output.splitlines()
    assert exported[0].startswith("uid,written_at") and len(exported) == 3


UNO_NOTES = [
    ["Notes", "A2", "value", 46326],               # 2026-10-31
    ["Notes", "B2", "text", "jane"],
    ["Notes", "C2", "text", "Acme Ltd"],
    ["Notes", "E2", "text", "=cmd|' /C calc'!A0 said they will pay"],
    ["Notes", "F2", "text", "reached"],
    ["Notes", "H2", "value", 46335],
    ["Notes", "I2", "value", 1200.5],
    ["Notes", "J2", "value", 46340],
    ["Notes", "A3", "value", 46327],
    ["Notes", "B3", "text", "omar"],
    ["Notes", "C3", "text", "Globex Ltd"],
    ["Notes", "E3", "text", "Left a message <b>twice</b> & more"],
    ["Notes", "F3", "text", "left message"],
    ["Notes", "A4", "value", 46327],
    ["Notes", "B4", "text", "omar"],
    ["Notes", "C4", "text", "Nobody Such Ltd"],
    ["Notes", "E4", "text", "not a customer"],
]
PERSON = ("written_at", "author", "customer", "invoice", "text", "outcome", "dispute", "promise_date",
          "promise_amount", "next_action_date")


def _libreoffice(src: Path, dst: Path, edits: list, workdir: Path, profile: str) -> None:
    """A person opens ``src`` in LibreOffice, types ``edits`` and saves as ``dst`` (through UNO)."""
    if not (shutil.which("soffice") and Path("/usr/bin/python3").exists()):
        pytest.fail("LibreOffice (soffice) and /usr/bin/python3 with python3-uno are needed for this test")
    script = workdir / "uno_edit.py"
    script.write_text(UNO_SCRIPT)
    subprocess.run(["/usr/bin/python3", str(script), str(src), str(dst), (workdir / profile).as_uri(),
                    json.dumps(edits)], check=True, timeout=180, env=_uno_env(), cwd=workdir)


def test_notes_typed_in_libreoffice_survive_refreshes_and_pushes(tmp_path, monkeypatch):
    with StandIn("17.0") as standin:
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv("ARDESK_ODOO_PASSWORD", "admin")
        (tmp_path / "ardesk.toml").write_text(
            f'[source]\ndefault = "odoo"\n[odoo]\nurl = "{standin.url}"\ndb = "{standin.db}"\nuser = "admin"\n'
            'retries = 1\nbackoff = 0.001\n')
        built = build_panel(tmp_path / "built.xlsm")
        book = tmp_path / "collections.xlsm"
        _libreoffice(built, book, UNO_NOTES, tmp_path, "lo1")
        typed = read_notes(book)
        assert [n["customer"] for n in typed] == ["Acme Ltd", "Globex Ltd", "Nobody Such Ltd"]

        def person(rows):
            return [{k: r[k] for k in PERSON} for r in rows]

        first_ids = None
        for _round in range(3):
            assert _run("refresh", "--workbook", str(book)).exit_code == 0
            pushed = _run("notes", "push", "--workbook", str(book))
            assert pushed.exit_code == 4, pushed.output           # one note refused, every time
            rows = read_notes(book)
            assert person(rows) == person(typed)                   # what the person typed, unchanged
            assert [r["synced_at"].split(" ")[0] for r in rows] == ["written", "written", "refused"]
            assert "no customer named 'Nobody Such Ltd'" in rows[2]["synced_at"]
            ids = [r["uid"] for r in rows]
            assert len(set(ids)) == 3 and ids == (first_ids or ids)
            first_ids = ids
        messages = standin.call("mail.message", "search_read", [("message_id", "like", "ardesk-note")],
                                fields=["message_id", "body", "model"])
        assert sorted(m["message_id"] for m in messages) == sorted(f"<ardesk-note-{u}@ardesk>" for u in ids[:2])
        assert any("=cmd|" in m["body"] for m in messages) and all("<b>twice" not in m["body"] for m in messages)
        [activity] = standin.call("mail.activity", "search_read", [("summary", "like", "ardesk follow-up")],
                                  fields=["date_deadline", "summary"])
        assert str(activity["date_deadline"]) == "2026-11-14" and ids[0] in activity["summary"]

        # The person opens the refreshed file again, edits a note and types a new one, and saves.
        edited = tmp_path / "edited.xlsm"
        _libreoffice(book, edited, [["Notes", "E3", "text", "Reached on the second try"],
                                    ["Notes", "F3", "text", "reached"],
                                    ["Notes", "A5", "value", 46328], ["Notes", "C5", "text", "Acme Ltd"],
                                    ["Notes", "E5", "text", "Confirmed by e-mail"]], tmp_path, "lo2")
        shutil.copy(edited, book)
        assert _run("refresh", "--workbook", str(book)).exit_code == 0
        assert _run("notes", "push", "--workbook", str(book)).exit_code == 4
        rows = read_notes(book)
        assert [r["uid"] for r in rows[:3]] == ids and rows[3]["uid"] not in ids
        assert rows[1]["synced_at"].startswith("correction written") and rows[3]["synced_at"].startswith("written")
        messages = standin.call("mail.message", "search_read", [("message_id", "like", "ardesk-note")],
                                fields=["message_id"])
        assert len(messages) == 4 and f"<ardesk-note-{ids[1]}.1@ardesk>" in {m["message_id"] for m in messages}
