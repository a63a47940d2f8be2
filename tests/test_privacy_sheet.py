"""The Notes sheet after an erasure: reading a sheet that still shows an erased note brings nothing back; the
erasure's own path may blank people's cells or write a pseudonym and nothing else, while the ordinary path still
refuses every people's field; texts no cell uses any more leave the file's shared strings."""
from __future__ import annotations

import re
import zipfile
from datetime import date

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from excel.package import drop_unused_strings, erase_notes, read_notes, write_notes
from excel.panel import build_panel
from receivables.ledger import Ledger
from receivables.privacy import erase

ROW = {"written_at": date(2026, 10, 20), "author": "ann", "customer": "Jane Roe", "invoice": "1001",
       "text": "Jane's husband lost his job", "promise_date": date(2026, 11, 6), "_row": 2}


def test_a_sheet_still_showing_an_erased_note_brings_nothing_back(tmp_path):
    with Ledger(tmp_path / "ardesk.db") as ledger:
        uid = ledger.notebook.keep([ROW], origin="sheet").ids[2]
        done = erase(ledger, "Jane Roe", person=True, by="test")
        [stored] = ledger.notebook.rows()
        assert (stored["text"], stored["author"], stored["customer"]) == ("", None, done.pseudonym)
        assert stored["promise_date"] == "2026-11-06"                  # what the figures use stays
        for row in ({**ROW, "uid": uid}, ROW, {**ROW, "uid": uid, "text": "typed again"}):
            kept = ledger.notebook.keep([row], origin="sheet")       # the sheet before the refresh blanked it
            assert (kept.new, kept.edited) == (0, 0)
        assert ledger.notebook.rows() == [stored] and ledger.notebook.revisions(uid) == []


def test_only_the_erasure_path_changes_peoples_cells_and_only_to_blank_them_or_to_a_pseudonym(tmp_path):
    book = build_panel(tmp_path / "collections.xlsm")
    write_notes(book, {}, [{**ROW, "uid": "N-1"}])
    with pytest.raises(ValueError, match="belong to people"):
        write_notes(book, {2: {"text": None}})
    for wrong in ({"text": "something else"}, {"customer": "Someone"}, {"uid": None},
                  {"customer": "Erased customer 1234567"}):
        with pytest.raises(ValueError):
            erase_notes(book, {2: wrong})
    assert read_notes(book)[0]["text"] == ROW["text"]                 # nothing was written by the refusals
    assert erase_notes(book, {2: {"text": None, "author": None, "customer": "Erased customer 0a1b2c3d"}}) == 3
    [row] = read_notes(book)
    assert (row["text"], row["author"], row["customer"], row["invoice"], row["uid"]) == (
        None, None, "Erased customer 0a1b2c3d", "1001", "N-1")


def test_texts_no_cell_uses_leave_the_shared_strings_and_the_others_read_as_before(tmp_path):
    path = tmp_path / "book.xlsx"
    wb = xlsxwriter.Workbook(str(path))          # a workbook as spreadsheet programs save them: shared strings
    ws = wb.add_worksheet("Notes")
    for r, text in enumerate(["Note", "kept text", "jane@home.example", "kept text"]):
        ws.write_string(r, 0, text)
    ws.write_string(0, 1, "other")
    wb.close()
    with zipfile.ZipFile(path) as z:             # a cell blanked: its text is still in the table
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = re.sub(rb'<c r="A3"[^>]*>.*?</c>', b"", parts[sheet])
    with zipfile.ZipFile(path, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)
    assert b"jane@home.example" in parts["xl/sharedStrings.xml"]
    assert drop_unused_strings(path) == 1 and drop_unused_strings(path) == 0
    with zipfile.ZipFile(path) as z:
        assert all(b"jane@home.example" not in z.read(n) for n in z.namelist())
    assert CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Notes").to_python() == [
        ["Note", "other"], ["kept text", ""], ["", ""], ["kept text", ""]]


def test_the_refresh_button_blanks_an_erased_note_in_the_open_workbook(tmp_path, monkeypatch):
    from datetime import date as day
    from decimal import Decimal

    from excel import buttons
    from excel.layout import NOTES
    from jobs.refresh import refresh_workbook
    from jobs.settings import settings_for
    from receivables.records import Books, Customer, Invoice, ItemKind
    from tests.xlwings_book import apply_actions, payload_from_file, remote_book, sheet_values

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    (tmp_path / "ardesk.toml").write_text('[source]\ndefault = "ledger"\n')
    with Ledger(tmp_path / "ardesk.db") as ledger:
        ledger.store(Books(source="test", company_currency="USD", report_date=day(2026, 11, 30), customers=(
            Customer("Jane Roe", "Jane Roe", email="jane@home.example"),), items=(
            Invoice("invoice:1001", "1001", "Jane Roe", ItemKind.INVOICE, day(2026, 10, 1), day(2026, 10, 31),
                    "USD", Decimal("90.00"), Decimal("90.00"), customer_name="Jane Roe"),)), source_key="test")
        ledger.notebook.keep([ROW], origin="command line")
    book = build_panel(tmp_path / "collections.xlsm")
    refresh_workbook(book, None, settings_for(tmp_path / "ardesk.toml"), today=day(2026, 11, 30))
    assert [r["text"] for r in read_notes(book)] == [ROW["text"]]      # the refresh put the note on the sheet
    with Ledger(tmp_path / "ardesk.db") as ledger:
        pseudonym = erase(ledger, "Jane Roe", person=True, by="test").pseudonym
    payload = payload_from_file(book)                          # the workbook open in Excel, still showing it
    live = remote_book(payload)
    message = buttons.run_button(live, "refresh")
    assert "rror" not in message, message
    notes = sheet_values(apply_actions(payload, live.json()["actions"]), NOTES)
    head = notes[0]
    [row] = [r for r in notes[1:] if any(r)]
    assert (row[head.index("Note")], row[head.index("Author")], row[head.index("Customer")]) == ("", "", pseudonym)
    assert row[head.index("Invoice")] == "1001"                # the rest of what the person typed stays
