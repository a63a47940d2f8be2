"""Retention on a clock the test holds (``--as-of``, the scheduler's day): notes older than ``keep_notes_years`` go
with their write-back records and do not come back from the Notes sheet; reminder notices sent longer ago than
``keep_messages_years`` lose their addresses and outcomes (and their drafts), to the day; a former customer loses its
contacts ``keep_contacts_after_last_invoice_years`` after its last invoice, one that still owes does not."""
from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime, timedelta
from decimal import Decimal

from excel.package import read_notes
from excel.panel import build_panel
from jobs.notes import add_note
from jobs.privacy import privacy_prune
from jobs.refresh import refresh_workbook
from jobs.scheduled import Job
from jobs.scheduler import Scheduler
from jobs.settings import settings_for
from receivables.ledger import Ledger
from receivables.note_store import Step
from receivables.records import Books, Customer, Invoice, ItemKind
from receivables.retention import years_before
from tests.test_privacy import Clock, cli_run

OLD, CURRENT = "Old Mill Co", "Current Co"


def _books() -> Books:
    return Books(source="test", company_currency="USD", report_date=date(2026, 8, 15), customers=(
        Customer(OLD, OLD, email="ap@oldmill.example", phone="+1 555 0111", address="9 Weir Lane\nBath"),
        Customer(CURRENT, CURRENT, email="ap@current.example", phone="+1 555 0122", address="1 New Street")),
        items=(Invoice("invoice:1", "1", OLD, ItemKind.INVOICE, date(2019, 3, 1), date(2019, 3, 31), "USD",
                       Decimal("250.00"), Decimal("0.00"), paid_on=date(2019, 4, 2), customer_name=OLD),
               Invoice("invoice:2", "2", CURRENT, ItemKind.INVOICE, date(2026, 7, 1), date(2026, 7, 31), "USD",
                       Decimal("100.00"), Decimal("100.00"), customer_name=CURRENT)))


def _row(db, sql: str, *args):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()


def test_retention_prunes_notes_messages_and_former_customers_contacts_as_of_the_date_given(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ardesk.toml").write_text('[source]\ndefault = "ledger"\n[smtp]\nfrom_address = "ar@harbor.example"\n')
    settings = settings_for(tmp_path / "ardesk.toml")
    db = tmp_path / "ardesk.db"
    with Ledger(db) as ledger:
        ledger.store(_books(), source_key="test")
    old = add_note(settings, CURRENT, "about the 2019 order, the owner's divorce", when=date(2019, 5, 1))
    add_note(settings, CURRENT, "promised to pay Friday", when=date(2026, 7, 20))
    with Ledger(db) as ledger:
        ledger.notebook.record(Step(old, 0, "odoo:test", "message", "done", "mail.message,7", None, "2019-05-02"))
    book = build_panel(tmp_path / "collections.xlsm")
    refresh_workbook(book, None, settings, today=date(2026, 8, 15))        # both notes appended to the sheet
    assert cli_run("remind", "build", "--as-of", "2026-08-15").exit_code == 0
    assert cli_run("remind", "send", "--out", "drafts").exit_code == 0
    [(sent_at, outcome)] = _row(db, "SELECT sent_at, outcome FROM reminder_notices")
    sent = date.fromisoformat(sent_at[:10])
    draft = tmp_path / outcome.removeprefix("draft written: ")
    assert draft.is_file()

    pruned = cli_run("privacy", "prune", "--as-of", "2026-12-01", "--format", "json")
    assert json.loads(pruned.stdout) == {"notes_deleted": 1, "notices_blanked": 0, "customers_blanked": 1,
                                         "handoffs_cleared": 0, "files": 0, "files_deleted": []}
    assert [r[0] for r in _row(db, "SELECT text FROM notes")] == ["promised to pay Friday"]
    assert _row(db, "SELECT count(*) FROM note_sync") == [(0,)]                     # its write-back records too
    assert _row(db, "SELECT why FROM erased_notes WHERE uid = ?", old) == [("retention",)]
    assert _row(db, "SELECT id, email, phone, address FROM customers ORDER BY id") == [
        (CURRENT, "ap@current.example", "+1 555 0122", "1 New Street"), (OLD, None, None, None)]

    # the Notes sheet still shows the pruned note: the next refresh blanks its row and keeps nothing of it
    assert any(r["text"] == "about the 2019 order, the owner's divorce" for r in read_notes(book))
    refresh_workbook(book, None, settings, today=date(2026, 12, 1))
    assert [r["text"] for r in read_notes(book) if r["text"]] == ["promised to pay Friday"]
    assert not _zip_has(book, "divorce")
    assert _row(db, "SELECT count(*) FROM notes") == [(1,)]

    # messages: kept for exactly keep_messages_years (6) after they were sent, not a day longer
    last_day = years_before(sent, -6)                             # six years after the day it was sent
    kept = cli_run("privacy", "prune", "--as-of", last_day.isoformat(), "--format", "json")
    assert json.loads(kept.stdout)["notices_blanked"] == 0 and draft.is_file()
    gone = cli_run("privacy", "prune", "--as-of", (last_day + timedelta(days=1)).isoformat(), "--format", "json")
    assert json.loads(gone.stdout)["notices_blanked"] == 1 and not draft.exists()
    assert _row(db, "SELECT email, phone, address, outcome, level, state FROM reminder_notices") == [
        (None, None, None, None, "first", "sent")]                  # the record of what was sent stays
    # a customer that still owes keeps its contacts however old its last invoice
    assert _row(db, "SELECT email FROM customers WHERE id = ?", CURRENT) == [("ap@current.example",)]


def _zip_has(book, word: str) -> bool:
    import zipfile

    with zipfile.ZipFile(book) as z:
        return any(word.encode() in z.read(n) for n in z.namelist())


def test_the_scheduler_job_prunes_on_its_days_date_and_logs_counts_only(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ardesk.toml").write_text("[privacy]\nkeep_notes_years = 1\n")
    settings = settings_for(tmp_path / "ardesk.toml")
    with Ledger(tmp_path / "ardesk.db") as ledger:
        ledger.store(_books(), source_key="test")
    add_note(settings, CURRENT, "spoke to the owner's daughter", when=date(2025, 3, 1))
    done = privacy_prune(settings, date(2026, 2, 28))            # within the year: kept
    assert done.counts["notes_deleted"] == 0 and done.counts["customers_blanked"] == 1
    scheduler = Scheduler(settings, clock=Clock(datetime(2026, 3, 2, 3, 0)),
                          jobs={"privacy_prune": Job("privacy_prune", privacy_prune, "retention")})
    ran = scheduler.once("privacy_prune")
    assert ran.run.outcome == "ok" and ran.run.counts["notes_deleted"] == 1
    log = (tmp_path / "ardesk-jobs.log").read_text()
    assert "privacy_prune (once) ok" in log and "notes_deleted=1" in log and "daughter" not in log
    assert _row(tmp_path / "ardesk.db", "SELECT count(*) FROM notes") == [(0,)]
