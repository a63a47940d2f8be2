"""Notes in the ledger: stable ids, edits kept as revisions, write-back steps recorded once per revision and target,
and the program's cells of the Notes sheet written in place (excel.package.write_notes)."""
from __future__ import annotations

import shutil
import sqlite3
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from excel.package import read_notes, write_notes
from excel.panel import build_panel
from receivables.errors import WorkbookBusy
from receivables.ledger import Ledger
from receivables.note_store import DONE, FAILED, Step, content_of, new_uid

NOTE = {"written_at": date(2026, 11, 2), "author": "jo", "customer": "Acme Ltd", "invoice": "INV-7",
        "text": "Promised 4,000 on Friday", "outcome": "reached", "promise_date": date(2026, 11, 6),
        "promise_amount": Decimal("4000.00"), "_row": 2}


def test_a_row_without_an_id_gets_the_same_id_however_often_it_is_read(tmp_path):
    with Ledger(tmp_path / "a.db") as ledger:
        first = ledger.notebook.keep([NOTE], origin="w.xlsm")
        again = ledger.notebook.keep([NOTE], origin="w.xlsm")
        assert (first.new, again.new, again.edited) == (1, 0, 0)
        assert first.ids == again.ids == {2: new_uid(content_of(NOTE))}
        [note] = ledger.notebook.notes()
    assert note.uid == first.ids[2] and note.promise_amount == Decimal("4000.00")
    assert note.outcome == ("reached",) and note.written_at == date(2026, 11, 2) and note.revision == 0


def test_an_edit_keeps_the_id_and_the_earlier_text(tmp_path):
    with Ledger(tmp_path / "a.db") as ledger:
        uid = ledger.notebook.keep([NOTE], origin="w.xlsm").ids[2]
        edited = {**NOTE, "uid": uid, "text": "Promised 3,000 on Friday", "promise_amount": Decimal("3000")}
        kept = ledger.notebook.keep([edited], origin="w.xlsm")
        assert (kept.new, kept.edited) == (0, 1)
        assert ledger.notebook.keep([edited], origin="w.xlsm").edited == 0      # the same edit read again
        [note] = ledger.notebook.notes()
        assert (note.uid, note.revision, note.text, note.promise_amount) == (uid, 1, edited["text"], Decimal(3000))
        [old] = ledger.notebook.revisions(uid)
        assert old["revision"] == 0 and old["text"] == NOTE["text"] and old["promise_amount"] == "4000.00"


def test_blank_rows_are_not_notes_and_an_id_typed_by_a_person_is_kept(tmp_path):
    with Ledger(tmp_path / "a.db") as ledger:
        kept = ledger.notebook.keep([{"text": "  ", "_row": 3}, {**NOTE, "uid": "mine-1"}], origin="w.xlsm")
        assert kept.new == 1 and kept.ids == {2: "mine-1"}


def test_steps_are_recorded_per_revision_and_target_and_say_what_happened(tmp_path):
    with Ledger(tmp_path / "a.db") as ledger:
        nb = ledger.notebook
        uid = nb.keep([NOTE], origin="w.xlsm").ids[2]
        nb.record(Step(uid, 0, "odoo:a/db", "message", FAILED, None, "the connection was lost", "2026-12-01T08:00"))
        assert nb.synced_text(uid, "odoo:a/db").startswith("not written 2026-12-01: the connection was lost")
        nb.record(Step(uid, 0, "odoo:a/db", "message", DONE, "mail.message 9", None, "2026-12-01T09:00"))
        assert nb.synced_text(uid, "odoo:a/db") == "written 2026-12-01 (mail.message 9)"
        assert nb.synced_text(uid, "odoo:b/db") == ""               # another database: not written there
        assert set(nb.steps("odoo:a/db")) == {(uid, 0, "message")}
        nb.keep([{**NOTE, "uid": uid, "text": "edited"}], origin="w.xlsm")
        assert nb.synced_text(uid, "odoo:a/db") == ""               # the edit is not written yet
        [row] = nb.rows()
        assert row["synced_at"] == "2026-12-01T09:00" and row["erp_ref"] == "mail.message 9"


def test_a_version_5_ledger_keeps_its_notes_and_gains_ids(tmp_path):
    """A ledger made before notes had revisions: its notes stay, and reading them again changes nothing."""
    path = tmp_path / "old.db"
    with Ledger(path) as ledger:
        ledger.notebook.keep([NOTE], origin="w.xlsm")
    conn = sqlite3.connect(path)
    conn.execute("UPDATE notes SET content = NULL")       # as schema 5 stored it
    conn.commit()
    conn.close()
    with Ledger(path) as ledger:
        assert ledger.notebook.keep([NOTE], origin="w.xlsm").edited == 0


@pytest.fixture()
def panel(tmp_path):
    return build_panel(tmp_path / "collections.xlsm")


def _members(path):
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def test_write_notes_writes_only_the_program_cells_and_appends_rows(panel, tmp_path):
    write_notes(panel, {}, [{**NOTE, "uid": "N-1", "synced_at": "written 2026-12-01"},
                            {"customer": "=cmd|' /C calc'!A0", "text": "+1", "written_at": date(2026, 11, 3),
                             "uid": "N-2"}])
    rows = read_notes(panel)
    assert [r["uid"] for r in rows] == ["N-1", "N-2"] and rows[1]["customer"] == "=cmd|' /C calc'!A0"
    assert rows[0]["promise_amount"] == Decimal("4000.00") and rows[0]["written_at"] == date(2026, 11, 2)
    before = _members(panel)
    write_notes(panel, {3: {"synced_at": "refused 2026-12-01: no customer"}})
    after = _members(panel)
    changed = {n for n in before if before[n] != after[n]}
    from excel.package.opc import Package

    with Package(panel) as pkg:
        assert changed == {pkg.sheet("Notes").part}          # one cell of one part, nothing else
    rows2 = read_notes(panel)
    assert rows2[1]["synced_at"].startswith("refused") and {**rows2[1], "synced_at": None} == {**rows[1],
                                                                                              "synced_at": None}
    with pytest.raises(ValueError, match="belong to people"):
        write_notes(panel, {2: {"text": "changed by the program"}})
    import openpyxl

    wb = openpyxl.load_workbook(panel)
    assert wb["Notes"].tables["tblNotes"].ref == "A1:L3"
    assert wb["Notes"]["C3"].data_type == "s"                       # a formula typed as text stays text


def test_write_notes_refuses_an_open_workbook(panel):
    lock = panel.with_name("~$" + panel.name)
    lock.write_bytes(b"\x04someone" + b" " * 50)
    before = panel.read_bytes()
    with pytest.raises(WorkbookBusy):
        write_notes(panel, {}, [{**NOTE, "uid": "N-1"}])
    assert panel.read_bytes() == before


@settings(max_examples=25, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=30).filter(lambda t: t.strip()), min_size=1, max_size=6))
def test_any_text_appended_reads_back_as_written(tmp_path_factory, texts):
    src = tmp_path_factory.getbasetemp() / "notes-prop.xlsm"
    if not src.exists():
        build_panel(src)
    path = tmp_path_factory.mktemp("p") / "c.xlsm"
    shutil.copy(src, path)
    notes = [{"customer": f"C{i}", "text": t, "uid": f"N-{i}"} for i, t in enumerate(texts)]
    write_notes(path, {}, notes)
    got = read_notes(path)
    assert [r["uid"] for r in got] == [n["uid"] for n in notes]
    assert [r["text"] for r in got] == texts


def test_a_row_copied_with_its_id_becomes_a_note_of_its_own_and_nothing_flips(tmp_path):
    """A person copies a row, Note id included, and changes the copy: the copy is a second note with its own id;
    reading the sheet again (with that id written into the copy's row) changes nothing."""
    with Ledger(tmp_path / "a.db") as ledger:
        nb = ledger.notebook
        uid = nb.keep([NOTE], origin="w.xlsm").ids[2]
        original = {**NOTE, "uid": uid}
        copy = {**NOTE, "uid": uid, "text": "Second call: promised Monday", "_row": 3}
        kept = nb.keep([original, copy], origin="w.xlsm")
        assert (kept.new, kept.edited) == (1, 0) and kept.ids[2] == uid and kept.ids[3] != uid
        again = nb.keep([original, {**copy, "uid": kept.ids[3]}], origin="w.xlsm")
        assert (again.new, again.edited) == (0, 0)
        assert sorted((n.text, n.revision) for n in nb.notes()) == [(NOTE["text"], 0), (copy["text"], 0)]
