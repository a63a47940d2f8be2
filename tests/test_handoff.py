"""The agency hand-off files (jobs/handoff.py) read back completely: the JSON as a system would load it, the CSV as
a spreadsheet would (csv.reader), with totals that add up to the cent, hostile cells kept as text, owner-only files."""
from __future__ import annotations

import csv
import json
import os
import stat
import sys
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from jobs import handoff
from receivables.records import CollectionNote

ITEMS = [
    {"id": "i1", "number": "INV-1", "kind": "invoice", "issued": "2026-06-01", "due": "2026-07-01",
     "days_past_due": 152, "currency": "EUR", "amount": "1200.00", "disputed": False},
    {"id": "i2", "number": "=HYPERLINK(\"http://x\")", "kind": "invoice", "issued": "2026-07-01", "due": "2026-08-01",
     "days_past_due": 121, "currency": "EUR", "amount": "300.50", "disputed": True},
    {"id": "c1", "number": "CN-1", "kind": "credit_note", "issued": "2026-08-05", "due": None,
     "days_past_due": None, "currency": "EUR", "amount": "-50.00", "disputed": False},
]


def _doc():
    notice = SimpleNamespace(customer_id="42", customer="Łódź Trading <b>GmbH</b>", email="ap@lodz.example",
                             phone="+48 42 000", lang="pl_PL", level="agency", items=ITEMS)
    notes = [CollectionNote(uid="N-1", customer="42", written_at=date(2026, 9, 1), text="Promised, said cash flow",
                            author="jo", promise_date=date(2026, 9, 15), promise_amount=Decimal("500.00")),
             CollectionNote(uid="N-2", customer="42", written_at=date(2026, 9, 20), text="Disputes the second one",
                            invoice="INV-2", dispute="open", outcome=("reached",))]
    reminders = [{"batch": 3, "level": "first", "channel": "email", "sent_at": "2026-07-08T09:00:00Z",
                  "to": "ap@lodz.example"},
                 {"batch": 9, "level": "final", "channel": "letter", "sent_at": "2026-08-15T09:00:00Z", "to": ""}]
    return handoff.document(notice, batch_id=12, handed_over_on=date(2026, 11, 30), address="ul. Piotrkowska 1\n"
                            "90-001 Łódź", creditor={"name": "Harbor Lane GmbH", "address": "Hafenweg 1"},
                            reminders=reminders, notes=notes,
                            charges={"i1": (Decimal("44.19"), Decimal("40.00")),
                                     "i2": (Decimal("8.82"), Decimal("40.00"))})


def test_the_json_holds_everything_and_the_totals_add_up(tmp_path):
    written = handoff.write(tmp_path / "handoffs", _doc())
    doc = json.loads(written.json_path.read_text(encoding="utf-8"))
    assert doc["customer"] == {"id": "42", "name": "Łódź Trading <b>GmbH</b>", "email": "ap@lodz.example",
                               "phone": "+48 42 000", "address": "ul. Piotrkowska 1\n90-001 Łódź", "lang": "pl_PL"}
    assert [i["number"] for i in doc["items"]] == [i["number"] for i in ITEMS]
    # 1200.00 + 300.50 - 50.00 = 1450.50; interest 44.19 + 8.82 = 53.01; fees 80.00; total 1583.51
    assert doc["claimed"] == {"EUR": {"principal": "1450.50", "interest": "53.01", "fees": "80.00",
                                      "total": "1583.51"}}
    assert [r["level"] for r in doc["reminders"]] == ["first", "final"]
    assert [n["id"] for n in doc["notes"]] == ["N-1", "N-2"] and doc["notes"][0]["promise_amount"] == "500.00"
    assert doc["disputes"][0] == ITEMS[1]["number"] and "INV-2: open (2026-09-20)" in doc["disputes"]


def test_the_csv_reads_back_into_every_part_with_formulas_kept_as_text(tmp_path):
    written = handoff.write(tmp_path, _doc())
    with written.csv_path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == list(handoff.CSV_COLUMNS)
    by = {}
    for row in rows:
        by.setdefault(row["record"], []).append(row)
    assert {k: len(v) for k, v in by.items()} == {"customer": 1, "item": 3, "total": 1, "reminder": 2, "note": 2}
    assert by["customer"][0]["address"] == "ul. Piotrkowska 1\n90-001 Łódź"
    assert by["item"][1]["number"] == "'" + ITEMS[1]["number"] and by["item"][1]["disputed"] == "yes"
    assert sum(Decimal(r["amount"]) for r in by["item"]) == Decimal(by["total"][0]["amount"]) == Decimal("1450.50")
    assert by["total"][0]["total"] == "1583.51"
    assert by["note"][1]["dispute"] == "open" and by["note"][1]["outcome"] == "reached"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_the_files_are_readable_by_the_owner_only(tmp_path):
    written = handoff.write(tmp_path / "new", _doc())
    for path in (written.json_path, written.csv_path):
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(tmp_path / "new").st_mode) & 0o077 == 0
