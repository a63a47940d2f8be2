"""The buttons, run through a real xlwings Book (the remote engine) made from a panel file's own contents, over the
real job (``jobs.refresh.compute_panel``) reading a QuickBooks export written here, with hostile customer names."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from excel import buttons, layout
from excel.panel import build_panel
from tests.exports import export_rows, open_invoices
from tests.xlwings_book import (
    HOSTILE,
    apply_actions,
    payload_from_file,
    remote_book,
    sheet_values,
)

ROOT = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2026, 10, 31)


@pytest.fixture
def panel(tmp_path, monkeypatch) -> Path:
    """A desk: the panel, an ardesk.toml beside it whose default source is the export ``open.csv``."""
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "open.csv").write_text(open_invoices(export_rows(12)), encoding="utf-8")
    (tmp_path / "ardesk.toml").write_text('[source]\ndefault = "open.csv"\n', encoding="utf-8")
    return build_panel(tmp_path)


def _book(payload):
    return remote_book(payload)


def _set(payload, name, value):
    cell = layout.named_cell(name)
    sheet = next(s for s in payload["sheets"] if s["name"] == cell.sheet)
    row, col = int(cell.cell[1:]) - 1, ord(cell.cell[0]) - 65
    sheet["values"][row][col] = value


def _status(payload):
    return sheet_values(payload, layout.CONTROL)[10][2]


def test_refresh_writes_every_program_sheet_and_leaves_notes_alone(panel, monkeypatch):
    import xlwings as xw

    payload = payload_from_file(panel)
    notes = next(s for s in payload["sheets"] if s["name"] == layout.NOTES)
    notes["values"].append(["2026-10-30", "Ann", "Acme", "INV/1", "=promised Friday", None, None, None, 250, None,
                            None, None])
    _set(payload, "AsOfDate", "2026-10-31")
    _set(payload, "DsoPeriodDays", 90.0)
    _set(payload, "AgeBy", " Issued ")
    _set(payload, "BucketEdges", "30,60,90,120")
    book = _book(payload)
    monkeypatch.setattr(xw.Book, "_mock_caller", book, raising=False)    # as Excel's RunPython would call it

    buttons.refresh()

    actions = book.json()["actions"]
    notes_index = [s["name"] for s in payload["sheets"]].index(layout.NOTES)
    note_columns = [c.field for c in layout.sheet(layout.NOTES).columns]
    program = {note_columns.index(f) for f in layout.NOTE_PROGRAM_FIELDS}
    on_notes = [a for a in actions if a["sheet_position"] == notes_index]
    assert on_notes and all(a["func"] == "setValues" and a["start_column"] in program for a in on_notes)
    invoices_index = [s["name"] for s in payload["sheets"]].index(layout.INVOICES)
    written = next(a for a in actions if a["func"] == "setValues" and a["sheet_position"] == invoices_index)
    sent = {r[0] for r in written["values"][1:]}                 # Excel's text prefix where Excel would parse
    assert {"'" + n if n[0] in "=+-@'" else n for n in HOSTILE} <= sent
    after = apply_actions(payload, actions)
    typed, kept = sheet_values(payload, layout.NOTES), sheet_values(after, layout.NOTES)
    assert [r[:10] for r in kept] == [r[:10] for r in typed]       # what the person typed, as typed
    assert kept[-1][10].startswith("N-")                            # and the note's id beside it

    rows = export_rows(12)
    invoices = sheet_values(after, layout.INVOICES)
    assert len(invoices) == 1 + len(rows)
    by_number = {r[1]: r for r in invoices[1:]}
    for customer, number, due, amount in rows:        # text stays text, amounts exact, ages by issue date
        got = by_number[number]
        assert got[0] == customer and got[2] == "invoice" and got[4] == due.isoformat()
        assert Decimal(str(got[9])) == amount and got[5] == (AS_OF - due).days
    six = ["Current", "1-30", "31-60", "61-90", "91-120", "121+"]
    aging = sheet_values(after, layout.AGING)
    assert aging[0] == ["Customer", "Currency", *six, "Total", "As of", "Books as of"]
    customer, _, due, amount = rows[0]
    issued_age = (AS_OF - (due - dt.timedelta(days=30))).days
    row = next(r for r in aging[1:] if r[0] == customer)
    expected = [Decimal(0)] * 6
    expected[next(i for i, e in enumerate((0, 30, 60, 90, 120)) if issued_age <= e) if issued_age <= 120 else 5] \
        = amount
    assert [Decimal(str(v or 0)) for v in row[2:8]] == expected and Decimal(str(row[8])) == amount
    total = sum(r[3] for r in rows)
    control = sheet_values(after, layout.CONTROL)
    assert Decimal(str(control[14][2])) == total
    issues = len(sheet_values(after, layout.ISSUES)) - 1
    assert issues > 0 and control[10][2] == (f"Refreshed {len(rows)} invoices as of 2026-10-31. {issues} "
                                             "issue(s): see the Issues sheet.")


def test_a_smaller_refresh_clears_what_the_bigger_one_wrote(panel):
    payload = payload_from_file(panel)
    book = _book(payload)
    buttons.run_button(book, "refresh")
    bigger = apply_actions(payload, book.json()["actions"])
    (panel.parent / "small.csv").write_text(open_invoices(export_rows(2)), encoding="utf-8")
    _set(bigger, "Source", "small.csv")
    _set(bigger, "BucketEdges", "60")
    book = _book(bigger)
    buttons.run_button(book, "refresh")
    smaller = apply_actions(bigger, book.json()["actions"])
    invoices = sheet_values(smaller, layout.INVOICES)
    width = len(layout.sheet(layout.INVOICES).columns)
    assert len(invoices) == 3 and all(v in (None, "") for row in invoices for v in row[width:])
    aging = sheet_values(smaller, layout.AGING)
    assert aging[0][:7] == ["Customer", "Currency", "Current", "1-60", "61+", "Total", "As of"]
    assert len(aging) == 3 and all(v in (None, "") for row in aging for v in row[8:])


def test_aging_and_dso_buttons_write_only_their_sheets(panel):
    payload = payload_from_file(panel)
    _set(payload, "AsOfDate", "2026-10-31")
    names = [s["name"] for s in payload["sheets"]]
    for action, sheets, status in (("aging", {layout.INVOICES, layout.AGING, layout.FIGURES, layout.ISSUES},
                                    "Aged 12 open items as of 2026-10-31 by due date into 5 buckets."),
                                   ("dso", {layout.DSO, layout.ISSUES}, "DSO computed as of 2026-10-31.")):
        book = _book(payload)
        message = buttons.run_button(book, action)
        assert message.startswith(status), message
        touched = {names[a["sheet_position"]] for a in book.json()["actions"]}
        assert touched == sheets | {layout.CONTROL}
        assert _status(apply_actions(payload, book.json()["actions"])) == message


def test_errors_become_plain_words_in_status(panel):
    payload = payload_from_file(panel)
    _set(payload, "Source", "missing.csv")
    book = _book(payload)
    buttons.run_button(book, "refresh")
    after = apply_actions(payload, book.json()["actions"])
    assert _status(after) == ("Could not refresh: missing.csv: no such file or folder (give a QuickBooks export, "
                              "a folder of exports, 'odoo' or 'ledger')")
    assert [a["sheet_position"] for a in book.json()["actions"]] == [0]        # nothing but Status was written

    _set(payload, "Source", None)
    _set(payload, "AgeBy", "sideways")
    book = _book(payload)
    buttons.run_button(book, "aging")
    assert _status(apply_actions(payload, book.json()["actions"])) == (
        "Could not run the aging: Control!C6: Age by (due / issued): expected due or issued, found 'sideways' "
        "(fix the yellow cell AgeBy on Control)")
    assert not (panel.parent / "ardesk.db").exists()                  # the bad input stopped it before any pull


def test_unexpected_failure_is_logged_beside_the_workbook(panel, monkeypatch):
    import receivables.panel

    def broken(*args, **kwargs):                  # a fault injected into the engine, under the real job
        return 1 / 0

    monkeypatch.setattr(receivables.panel, "panel", broken)
    payload = payload_from_file(panel)
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


def test_write_back_notes_button_writes_ids_and_synced_and_nothing_a_person_typed(panel, monkeypatch):
    """Write back notes on a book open in Excel: the Notes sheet's rows are read live, written to Odoo (the
    stand-in) once, and only the Note id and Synced cells change; a second press writes nothing more."""
    import xlwings as xw

    from tests.odoo_standin.server import StandIn

    with StandIn("17.0") as standin:
        monkeypatch.setenv("ARDESK_ODOO_PASSWORD", "admin")
        (panel.parent / "ardesk.toml").write_text(
            f'[odoo]\nurl = "{standin.url}"\ndb = "{standin.db}"\nuser = "admin"\n', encoding="utf-8")
        payload = payload_from_file(panel)
        notes = next(s for s in payload["sheets"] if s["name"] == layout.NOTES)
        width = len(layout.sheet(layout.NOTES).columns)
        typed = [["2026-10-30", "Ann", "Acme Ltd", None, "=promised Friday", "reached", None, "2026-11-06", 250.5,
                  None, None, None],
                 ["2026-10-31", "Bo", "No Such Customer", None, "left a message", "no answer", None, None, None,
                  None, None, None]]
        notes["values"] = [notes["values"][0][:width]] + typed
        book = _book(payload)
        monkeypatch.setattr(xw.Book, "_mock_caller", book, raising=False)
        buttons.push_notes()
        after = apply_actions(payload, book.json()["actions"])
        rows = sheet_values(after, layout.NOTES)[1:]
        assert [r[:10] for r in rows] == [r[:10] for r in typed]            # the person's cells as typed
        assert rows[0][10].startswith("N-") and rows[0][11].startswith("written")
        assert rows[1][10].startswith("N-") and rows[1][11].startswith("refused")
        assert _status(after) == ("notes to " + f"odoo:{standin.url}/{standin.db}: 1 written, 1 refused; the "
                                  "others are tried again at the next push")
        [message] = standin.call("mail.message", "search_read", [("message_id", "=", f"<ardesk-note-{rows[0][10]}"
                                                                  "@ardesk>")], fields=["body", "model", "res_id"])
        assert message["model"] == "res.partner" and "=promised Friday" in message["body"]
        book = _book(after)
        assert buttons.run_notes_push(book).endswith("1 refused; the others are tried again at the next push")
        assert standin.call("mail.message", "search_count", [("message_id", "like", "ardesk-note")]) == 1


def test_outcomes_typed_on_today_in_excel_become_notes_at_the_next_refresh(panel, monkeypatch):
    """Refresh fills Today; an outcome typed there in Excel becomes a note at the next Refresh, once, with its row
    (and id) on the Notes sheet; Today is rewritten blank for the next outcome."""
    import xlwings as xw

    from receivables.ledger import Ledger

    def press(payload):
        book = _book(payload)
        monkeypatch.setattr(xw.Book, "_mock_caller", book, raising=False)
        buttons.refresh()
        return apply_actions(payload, book.json()["actions"])

    payload = payload_from_file(panel)
    _set(payload, "AsOfDate", "2026-10-31")
    after = press(payload)
    today = sheet_values(after, layout.TODAY)
    header = today[0]
    assert header == [c.header for c in layout.sheet(layout.TODAY).columns] and len(today) > 2
    customer = today[1][header.index("Customer")]
    typed = next(s for s in after["sheets"] if s["name"] == layout.TODAY)["values"][1]       # the person types
    typed[header.index("Outcome")], typed[header.index("Note")] = "No answer", "+rang twice"
    again = press(after)
    notes = sheet_values(again, layout.NOTES)
    assert [notes[-1][2], notes[-1][4], notes[-1][5]] == [customer, "+rang twice", "no answer"]
    assert notes[-1][10].startswith("N-") and len(notes) == 2
    assert all(r[header.index("Outcome")] in (None, "") for r in sheet_values(again, layout.TODAY)[1:])
    press(again)
    with Ledger(panel.parent / "ardesk.db") as ledger:
        assert [(n["customer"], n["text"]) for n in ledger.notebook.rows()] == [(customer, "+rang twice")]


def test_build_and_send_reminders_buttons_fill_the_reminders_sheet_and_respect_send(panel, monkeypatch, tmp_path):
    """Build reminders shows the batch on the Reminders sheet; a person marks one notice Send = no; Send
    reminders sends the others (here to the call list: the export gives no e-mail addresses) and shows each status;
    nothing is written on the Notes sheet."""
    payload = payload_from_file(panel)
    _set(payload, "AsOfDate", "2026-10-31")
    book = _book(payload)
    assert buttons.run_reminders(book, "build").startswith("Reminder batch 1:")
    after = apply_actions(payload, book.json()["actions"])
    sheet = sheet_values(after, layout.REMINDERS)
    head = sheet[0]
    assert head == [c.header for c in layout.sheet(layout.REMINDERS).columns]
    notices = [r for r in sheet[1:] if r[head.index("Level")]]
    assert notices and all(r[head.index("Send")] == "yes" and r[head.index("Status")] == "to send" for r in notices)
    reminders = next(s for s in after["sheets"] if s["name"] == layout.REMINDERS)
    first = sheet.index(notices[0])
    reminders["values"][first][head.index("Send")] = "no"
    book = _book(after)
    message = buttons.run_reminders(book, "send")
    assert message.startswith("Reminder batch 1: ") and f"{len(notices) - 1} sent" in message
    done = apply_actions(after, book.json()["actions"])
    status = {r[head.index("Customer id")]: r[head.index("Status")]
              for r in sheet_values(done, layout.REMINDERS)[1:] if r[head.index("Level")]}
    skipped = notices[0][head.index("Customer id")]
    assert status.pop(skipped) == "to send" and set(status.values()) == {"sent"}
    notes_index = [s["name"] for s in payload["sheets"]].index(layout.NOTES)
    assert all(a["sheet_position"] != notes_index for a in book.json()["actions"])
