"""The ledger: snapshots round-trip exactly, a failed write leaves nothing, migrations and the audit trail."""
from __future__ import annotations

import json
import sqlite3
from datetime import date
from decimal import Decimal

import pytest

from receivables.errors import InputError, Issue
from receivables.ledger import MIGRATIONS, SCHEMA_VERSION, Ledger
from receivables.records import (
    ALLOCATIONS,
    OPEN_ITEMS,
    Allocation,
    Books,
    Customer,
    Invoice,
    ItemKind,
    Payment,
)


def _books() -> Books:
    customers = (Customer("Acme", "Acme", email="ap@acme.test", credit_limit=Decimal("5000.00"), terms_days=30),
                 Customer("Acme:Plant 2", "Acme:Plant 2", parent_id="Acme"),
                 Customer("=HYPERLINK(\"x\")", "=HYPERLINK(\"x\")"))
    items = (
        Invoice("i1", "1001", "Acme", ItemKind.INVOICE, date(2026, 9, 1), date(2026, 10, 1), "USD",
                Decimal("1200.50"), Decimal("200.50"), Decimal("200.50"), "f.csv:5", frozenset({"disputed"})),
        Invoice("i2", "1002", "Acme:Plant 2", ItemKind.INVOICE, date(2026, 9, 5), None, "EUR",
                Decimal("99.99"), Decimal(0), None, "f.csv:6", paid_on=date(2026, 10, 3)),
        Invoice("c1", "CM7", "=HYPERLINK(\"x\")", ItemKind.CREDIT_NOTE, date(2026, 10, 2), date(2026, 10, 2), "USD",
                Decimal("-10.01"), Decimal("-10.01"), Decimal("-10.01")),
    )
    return Books(source="f.csv", company_currency="USD", report_date=date(2026, 10, 31), customers=customers,
                 items=items, payments=(Payment("p1", "Acme", date(2026, 9, 20), Decimal("1000.00"), "USD", ("i1",)),),
                 allocations=(Allocation("i1", "p1", Decimal("1000.00"), date(2026, 9, 20), Decimal("1000.00")),),
                 rates={"EUR": Decimal("1.0825")}, knows=frozenset({OPEN_ITEMS, ALLOCATIONS}),
                 notes=(Issue("f.csv", "a note", severity="info"),
                        Issue("f.csv", "rows skipped", row=12, column="Due", severity="warning")),
                 period=(date(2025, 5, 1), date(2026, 10, 31)), kinds=("qbo_open_invoices",))


def test_snapshot_round_trips_exactly(tmp_path):
    books = _books()
    with Ledger(tmp_path / "a.db") as ledger:
        sid = ledger.store(books, source_key="qb:f", state={"write_date": "2026-10-31 10:00:00"})
        again = ledger.load(sid)
        info = ledger.latest("qb:f")
    assert again == books
    assert info.id == sid and info.items == 3 and info.state == {"write_date": "2026-10-31 10:00:00"}


def test_failed_store_leaves_nothing(tmp_path):
    books = _books()
    broken = Books(**{**books.__dict__, "items": books.items + (books.items[0],)})  # duplicate id: PK violation
    with Ledger(tmp_path / "a.db") as ledger:
        ledger.store(books, source_key="k")
        with pytest.raises(sqlite3.IntegrityError):
            ledger.store(broken, source_key="k")
        assert [s.id for s in ledger.snapshots()] == [1]
        counts = [ledger.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("customers", "items", "payments", "allocations")]
    assert counts == [3, 3, 1, 1]


def test_migrates_forward_and_refuses_newer(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE unrelated (x)")
    conn.commit()
    conn.close()
    with Ledger(path) as ledger:
        assert ledger.schema_version == SCHEMA_VERSION == len(MIGRATIONS)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(InputError, match="newer than this ardesk knows"):
        Ledger(path)


def test_not_a_ledger(tmp_path):
    path = tmp_path / "x.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(InputError, match="not an ardesk ledger"):
        Ledger(path)


def test_notes_are_kept_once_and_edits_kept_beside(tmp_path):
    note = {"written_at": date(2026, 11, 2), "author": "jo", "customer": "Acme", "text": "Promised Friday"}
    with Ledger(tmp_path / "a.db") as ledger:
        assert ledger.keep_notes([note, {"text": "  "}], origin="w.xlsm") == 1
        assert ledger.keep_notes([note], origin="w.xlsm") == 0
        assert ledger.keep_notes([{**note, "text": "Promised Monday"}], origin="w.xlsm") == 1
        texts = [n["text"] for n in ledger.notes()]
    assert sorted(texts) == ["Promised Friday", "Promised Monday"]


def test_audit_trail_appends(tmp_path):
    with Ledger(tmp_path / "a.db") as ledger:
        ledger.audit("pull", target="qb:f", detail={"items": 3})
        ledger.audit("refresh", target="w.xlsm", result="deferred: workbook open")
        trail = ledger.audit_trail()
    assert [t["action"] for t in trail] == ["refresh", "pull"]
    assert trail[0]["result"] == "deferred: workbook open" and trail[1]["actor"]


def test_a_version_1_ledger_is_brought_forward_with_its_snapshots(tmp_path):
    path = tmp_path / "v1.db"
    conn = sqlite3.connect(path)
    for statement in MIGRATIONS[0].split(";"):
        if statement.strip():
            conn.execute(statement)
    conn.execute("INSERT INTO snapshots VALUES (1,'f.csv','qb:f','2026-10-31T10:00:00+00:00','2026-10-31','USD',"
                 "'[\"open_items\"]','[\"a v1 note\"]','{}',NULL,NULL,'[]','{}')")
    conn.execute("INSERT INTO items VALUES (1,'i1','1001','Acme','invoice','2026-09-01','2026-10-01','EUR',"
                 "'100.00','100.00','108.25','f.csv:5','[]',NULL,'Acme')")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    with Ledger(path) as ledger:
        assert ledger.schema_version == SCHEMA_VERSION
        books = ledger.load(1)
    (item,) = books.items
    assert item.open_amount_company == Decimal("108.25") and item.total_company is None
    assert books.notes == (Issue("", "a v1 note", severity="info"),)


def test_notes_round_trip_as_issues_and_legacy_string_notes_still_read(tmp_path):
    books = _books()
    with Ledger(tmp_path / "a.db") as ledger:
        sid = ledger.store(books, source_key="qb:f")
        stored = json.loads(ledger.conn.execute("SELECT notes FROM snapshots WHERE id = ?", (sid,)).fetchone()[0])
        again = ledger.load(sid).notes
        # A snapshot written before notes were Issues holds plain strings.
        ledger.conn.execute("UPDATE snapshots SET notes = ? WHERE id = ?",
                            (json.dumps(["IIF does not record which payment settles which invoice"]), sid))
        legacy = ledger.load(sid).notes
    assert stored[1] == {"severity": "warning", "source": "f.csv", "row": 12, "column": "Due",
                         "message": "rows skipped"}
    assert again == books.notes and all(isinstance(n, Issue) for n in again)
    assert str(again[1]) == "f.csv, row 12, column 'Due': rows skipped"
    assert legacy == (Issue("", "IIF does not record which payment settles which invoice", severity="info"),)
    assert str(legacy[0]) == "IIF does not record which payment settles which invoice"
