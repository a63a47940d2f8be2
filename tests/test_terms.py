"""Invoices a source gives no due date: due from the customer's terms, else [aging] default_terms_days, flagged,
and said; the aging of such books stays marked approximate."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from click.testing import CliRunner

from cli import cli
from receivables.aging import aging
from receivables.records import ISSUED_HISTORY, OPEN_ITEMS, Books, Customer, Invoice, ItemKind
from receivables.terms import with_due_dates

D = Decimal
AS_OF = date(2026, 12, 1)


def inv(id_, cust, issued, due, total, kind=ItemKind.INVOICE):
    return Invoice(id=id_, number=id_, customer_id=cust, kind=kind, issued=issued, due=due, currency="USD",
                   total=D(total), open_amount=D(total))


def test_missing_due_dates_come_from_terms_then_the_default_and_are_said():
    books = Books(source="/exports/irp.csv", company_currency="USD", report_date=AS_OF,
                  knows=frozenset({OPEN_ITEMS, ISSUED_HISTORY}),
                  customers=(Customer("T", "Termed", terms_days=45), Customer("U", "Untermed")),
                  items=(inv("t1", "T", date(2025, 10, 1), None, "100.00"),
                         inv("u1", "U", date(2025, 10, 20), None, "200.00"),
                         inv("u2", "U", date(2026, 11, 25), date(2026, 12, 25), "50.00"),
                         inv("cn", "U", date(2026, 11, 1), None, "-20.00", kind=ItemKind.CREDIT_NOTE)))
    out = with_due_dates(books, 30)
    due = {i.id: i.due for i in out.items}
    assert due == {"t1": date(2025, 11, 15), "u1": date(2025, 11, 19), "u2": date(2026, 12, 25), "cn": None}
    assert {i.id for i in out.items if "due_estimated" in i.flags} == {"t1", "u1"}
    assert str(out.notes[-1]) == ("irp.csv: 2 invoices have no due date in the source: estimated, 1 from their "
                                  "customer's payment terms and 1 as 30 days after issue ([aging] default_terms_days); "
                                  "they are flagged due_estimated")
    # October 2025 invoices are over a year past due in December 2026, not Current; the aging says it estimated.
    report = aging(out, AS_OF).to_json_dict()
    assert report["totals"]["91+"] == "300.00" and report["totals"]["Current"] == "30.00"
    assert any("approximate" in w for w in report["warnings"])
    assert with_due_dates(out, 30) is out                       # nothing left to estimate: the same books


def test_the_default_terms_come_from_the_configuration(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    export = ("Open Invoices Report\r\nHarbor Test Co\r\nAs of Dec 1, 2026\r\n\r\n"
              ",Date,Transaction type,Num,Term,Due date,Open balance\r\nAcme Ltd,,,,,,\r\n"
              ",10/01/2026,Invoice,1001,,,100.00\r\nTotal for Acme Ltd,,,,,,$100.00\r\nTOTAL,,,,,,$100.00\r\n")
    (tmp_path / "open.csv").write_text(export)
    (tmp_path / "ardesk.toml").write_text("[aging]\ndefault_terms_days = 90\n")
    result = CliRunner().invoke(cli, ["aging", "open.csv", "--as-of", "2026-12-01", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["totals"]["Current"] == "100.00"          # due 30 Dec: not yet due
    (tmp_path / "ardesk.toml").write_text("[aging]\ndefault_terms_days = 30\n")
    result = CliRunner().invoke(cli, ["aging", "open.csv", "--as-of", "2026-12-01", "--format", "json"])
    assert json.loads(result.stdout)["totals"]["31-60"] == "100.00"            # due 31 Oct: 31 days past due
    assert "as 30 days after issue ([aging] default_terms_days)" in result.stderr


def test_the_csv_of_an_aging_with_estimated_due_dates_says_so_below_its_rows(tmp_path, monkeypatch):
    import csv
    import io

    monkeypatch.chdir(tmp_path)
    (tmp_path / "open.csv").write_text(
        'Open Invoices Report\r\nHarbor Test Co\r\n"As of Dec 1, 2026"\r\n\r\n'
        ",Date,Transaction type,Num,Term,Due date,Open balance\r\nAcme Ltd,,,,,,\r\n"
        ",10/01/2026,Invoice,1001,,,100.00\r\nTotal for Acme Ltd,,,,,,$100.00\r\nTOTAL,,,,,,$100.00\r\n")
    result = CliRunner().invoke(cli, ["aging", "open.csv", "--as-of", "2026-12-01", "--format", "csv"])
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[1][-2:] == ["2026-12-01", "2026-12-01"] and rows[3] == []
    said = [r[0] for r in rows[4:]]
    assert any(w.startswith("warning: the source does not give every item's due date") for w in said)
    assert any("1 invoices have no due date in the source: estimated" in w for w in said)
