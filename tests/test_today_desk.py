"""The collector's day on the panel: a refresh writes the ranked worklist on the Today sheet and the day's key
figures on Control; what a person types in Today's Outcome, Note and Promise columns (saved by LibreOffice through
UNO) reaches the ledger as collection notes once, gets its rows on the Notes sheet, survives refreshes (also one
deferred because the workbook was open) and is written to Odoo (the stand-in) once."""
from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from cli import cli
from excel import layout
from excel.package import read_notes, read_today
from excel.panel import build_panel
from jobs.refresh import refresh_workbook
from jobs.settings import settings_for
from receivables.ledger import Ledger
from tests.odoo_standin.server import StandIn
from tests.test_notes_desk import _libreoffice

TODAY = date(2026, 11, 30)


def _rows(path: Path, name: str) -> list[dict]:
    values = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()
    header = values[0]
    return [dict(zip(header, r)) for r in values[1:] if any(v not in ("", None) for v in r)]


def _control(path: Path) -> dict[str, object]:
    import openpyxl

    ws = openpyxl.load_workbook(path, read_only=True, keep_vba=True)[layout.CONTROL]
    return {name: ws[layout.named_cell(name).cell].value for name in layout.WORK_CELLS}


def _cell(column: str, row: int) -> str:
    letters = [c.header for c in layout.sheet(layout.TODAY).columns]
    return f"{chr(65 + letters.index(column))}{row}"


def _refresh(book: Path, settings):
    return refresh_workbook(book, None, settings, today=TODAY)


def _messages(standin) -> list[dict]:
    return standin.call("mail.message", "search_read", [("message_id", "like", "ardesk-note")],
                        fields=["message_id", "body"])


def test_outcomes_typed_on_today_become_notes_once_and_are_pushed_once(tmp_path, monkeypatch):
    with StandIn("17.0") as standin:
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv("ARDESK_ODOO_PASSWORD", "admin")
        (tmp_path / "ardesk.toml").write_text(
            f'[source]\ndefault = "odoo"\n[odoo]\nurl = "{standin.url}"\ndb = "{standin.db}"\nuser = "admin"\n'
            'retries = 1\nbackoff = 0.001\n')
        settings = settings_for(tmp_path / "ardesk.toml")
        book = tmp_path / "collections.xlsm"
        build_panel(book)
        _refresh(book, settings)

        today = _rows(book, layout.TODAY)
        assert [r["Rank"] for r in today] == list(range(1, len(today) + 1)) and len(today) >= 3
        assert [c.header for c in layout.sheet(layout.TODAY).columns] == list(
            CalamineWorkbook.from_path(str(book)).get_sheet_by_name(layout.TODAY).to_python()[0])
        first = today[0]
        assert first["Next action"] and first["Why"] and first["Day"] and first["Customer id"]
        assert all(r["Outcome"] == "" and r["Note"] == "" for r in today)
        figures = _control(book)
        assert all(isinstance(v, int) for v in figures.values()), figures
        assert figures["CustomersToCall"] == sum(r["Next action"] in ("Call", "Follow up promise") for r in today)
        names = CalamineWorkbook.from_path(str(book)).sheet_names
        assert names[:2] == [layout.CONTROL, layout.TODAY]

        # The person calls the first two customers of the list and types what happened, then saves (LibreOffice).
        one, two = today[0]["Customer"], today[1]["Customer"]
        typed = tmp_path / "typed.xlsm"
        _libreoffice(book, typed, [
            ["Today", _cell("Outcome", 2), "text", "Reached"],
            ["Today", _cell("Note", 2), "text", "=promised to pay on Friday"],      # stays text
            ["Today", _cell("Promise date", 2), "value", 46360],                   # 2026-12-04
            ["Today", _cell("Promise amount", 2), "value", 1500.25],
            ["Today", _cell("Outcome", 3), "text", "left message; e-mail sent"],
        ], tmp_path, "lo1")
        shutil.copy(typed, book)
        read = read_today(book)
        assert [(r["customer"], r["outcome"], r["text"]) for r in read] == [
            (one, "reached", "=promised to pay on Friday"), (two, "left message, e-mail sent", None)]

        # The workbook is open in LibreOffice while the scheduled refresh runs: it writes nothing, yet keeps the
        # notes; the next refresh writes them onto Notes and clears Today; more refreshes add nothing.
        lock = tmp_path / ".~lock.collections.xlsm#"
        lock.write_text("Jane Doe,jane,host,01.12.2026 08:00,file:///tmp;")
        deferred = _refresh(book, settings)
        assert not deferred.written and deferred.notes_kept == 2
        assert read_today(book) == read                              # the file as the person left it
        lock.unlink()
        ids = None
        for _round in range(3):
            _refresh(book, settings)
            notes = read_notes(book)
            assert [(n["customer"], n["outcome"], n["written_at"]) for n in notes] == [
                (one, "reached", TODAY), (two, "left message, e-mail sent", TODAY)]
            assert str(notes[0]["promise_amount"]) == "1500.25" and notes[0]["promise_date"] == date(2026, 12, 4)
            assert read_today(book) == []                             # the day's list, blank for the next outcome
            assert ids in (None, [n["uid"] for n in notes])
            ids = [n["uid"] for n in notes]
            with Ledger(settings.ledger) as ledger:
                assert len(ledger.notebook.rows()) == 2

        # The promise now holds the first customer off the list; the second was touched today.
        after = {r["Customer"]: r for r in _rows(book, layout.TODAY)}
        assert one not in after or after[one]["Next action"] != "Call"

        # Write back notes, twice: each note reaches Odoo once.
        for _push in range(2):
            pushed = CliRunner().invoke(cli, ["notes", "push", "--workbook", str(book)])
            assert pushed.exit_code == 0, pushed.output
            messages = _messages(standin)
            assert sorted(m["message_id"] for m in messages) == sorted(f"<ardesk-note-{u}@ardesk>" for u in ids)
        assert any("=promised to pay on Friday" in m["body"] for m in messages)
        assert [n["synced_at"].split(" ")[0] for n in read_notes(book)] == ["written", "written"]
