"""A one-month QuickBooks Online "Invoices and Received Payments" export (July 2026), run a few days after the month
ended, whose July payments settle June invoices the export does not list: the figures a person works out by hand.

The export, as QuickBooks prints it: the company and title, the period ("July 2026"), the header, each customer's
heading, each July invoice with the payments it received printed under it, the payments of June invoices on their
own rows among them, no subtotals and no TOTAL, and the run date in the footer. Payments print negative and carry
no number.

By hand (every figure below is worked from the rows):

- July invoices (credit sales): 1101 2,000.00 + 1104 3,200.00 + 1106 1,800.00 + 1102 1,250.00 + 1105 2,400.00
  = 10,650.00.
- 1101 is settled by the three payments under it (650 + 650 + 700 = 2,000, on 07/10, 07/17, 07/20); 1102 by the
  800.00 under it (1,250 - 450 open = 800); 1105 by the two under it (1,000 + 1,400). 1104 is open in full.
- 1106 (1,800.00, 07/16) prints open 0.00 on a report run on 3 August, and no July payment explains it: it was
  settled after July (a payment after the period, which the report cannot list; or a credit memo, which no report
  lists). At 31 July it was open.
- The other four payments settle no July invoice: Alpha Co 1,500.00 (07/06) and 1,200.00 (07/24), Cedar Supply
  975.50 (07/09), Delta Works 640.00 (07/03, a customer with no July invoice): 4,315.50 of payments of June
  invoices. They reduce no July invoice's AR (1,200.00 would "fit" into 1106's 1,800.00, and must not be taken for a
  part of it), are no sales and no unapplied credits (their open balance is blank: they were applied in full, to
  invoices outside the export). The notes name them.
- Open at 31 July: 1104 3,200.00 + 1106 1,800.00 + 1102 450.00 = 5,450.00, all Current (no due dates in this
  report: due 30 days after issue, the default terms).
- DSO for July: 5,450.00 / 10,650.00 x 31 = 15.86 -> 15.9 days; countback: 5,450.00 is within July's sales, so
  5,450.00 / 10,650.00 x 31 = 15.9 days as well.
- The books stand at the run date, 3 August (open balances as printed then): at 31 August, 1104 (due 08/13) and 1102
  (due 08/07) are 1-30 days past due, 3,650.00, and "books stand at 2026-08-03" is said.
"""
from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from click.testing import CliRunner

from cli import cli
from connectors.quickbooks import QBO_INVOICES_AND_PAYMENTS, read_export
from receivables.asof import books_as_of
from receivables.records import ALLOCATIONS, PAYMENT_DATES

D = Decimal

IRP_JULY = [
    ["Harbor Test Co"], ["Invoices and Received Payments"], ["July 2026"], [],
    ["", "Date", "Transaction type", "Memo/Description", "Transaction number", "Amount", "Payment method",
     "Open Balance"],
    ["Alpha Co"],                                                                              # row 6
    ["", "07/02/2026", "Invoice", "", "1101", "2,000.00", "", "0.00"],                         # 7
    ["", "07/10/2026", "Payment", "", "", "-650.00", "Check", ""],                             # 8
    ["", "07/17/2026", "Payment", "", "", "-650.00", "Check", ""],                             # 9
    ["", "07/20/2026", "Payment", "", "", "-700.00", "Check", ""],                             # 10
    ["", "07/06/2026", "Payment", "", "", "-1,500.00", "ACH", ""],                             # 11: June's 1090
    ["", "07/14/2026", "Invoice", "", "1104", "3,200.00", "", "3,200.00"],                     # 12
    ["", "07/16/2026", "Invoice", "", "1106", "1,800.00", "", "0.00"],                         # 13: paid 1 August
    ["", "07/24/2026", "Payment", "", "", "-1,200.00", "Check", ""],                           # 14: June's 1093
    ["Cedar Supply"],                                                                          # 15
    ["", "07/08/2026", "Invoice", "", "1102", "1,250.00", "", "450.00"],                       # 16
    ["", "07/22/2026", "Payment", "", "", "-800.00", "Check", ""],                             # 17
    ["", "07/09/2026", "Payment", "", "", "-975.50", "Credit Card", ""],                       # 18: June's 1088
    ["", "07/27/2026", "Invoice", "", "1105", "2,400.00", "", "0.00"],                         # 19
    ["", "07/29/2026", "Payment", "", "", "-1,000.00", "ACH", ""],                             # 20
    ["", "07/31/2026", "Payment", "", "", "-1,400.00", "ACH", ""],                             # 21
    ["Delta Works"],                                                                           # 22
    ["", "07/03/2026", "Payment", "", "", "-640.00", "Check", ""],                             # 23: June's 1081
    [], [], [], ["Accrual Basis Monday, August 3, 2026 09:05 AM GMT-04:00"],
]


@pytest.fixture
def export(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(IRP_JULY)
    path = tmp_path / "Harbor Test Co_Invoices and Received Payments.csv"
    path.write_text(out.getvalue(), encoding="utf-8", newline="")
    return path


def run(*args) -> dict:
    result = CliRunner().invoke(cli, ["--ledger", "l.db", *args, "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_books_stand_at_the_run_date_and_the_payments_settle_only_what_they_explain(export):
    books = read_export(export)
    assert books.kinds == (QBO_INVOICES_AND_PAYMENTS,)
    assert books.period == (date(2026, 7, 1), date(2026, 7, 31)) and books.report_date == date(2026, 8, 3)
    assert {ALLOCATIONS, PAYMENT_DATES} <= books.knows
    invoices = {i.number: (i.total, i.open_amount, i.paid_on) for i in books.items if "inferred" not in i.flags}
    assert invoices == {"1101": (D("2000.00"), D("0.00"), date(2026, 7, 20)),
                        "1104": (D("3200.00"), D("3200.00"), None),
                        "1106": (D("1800.00"), D("0.00"), date(2026, 8, 1)),
                        "1102": (D("1250.00"), D("450.00"), None),
                        "1105": (D("2400.00"), D("0.00"), date(2026, 7, 31))}
    pays = {p.id: p for p in books.payments}
    by_invoice: dict[str, list] = {}
    for a in books.allocations:
        by_invoice.setdefault(a.debit_item_id, []).append((a.date, a.amount, a.credit_item_id.split(":")[0]))
    assert by_invoice == {
        "invoice:1101": [(date(2026, 7, 10), D("650.00"), "payment"), (date(2026, 7, 17), D("650.00"), "payment"),
                         (date(2026, 7, 20), D("700.00"), "payment")],
        "invoice:1102": [(date(2026, 7, 22), D("800.00"), "payment")],
        "invoice:1105": [(date(2026, 7, 29), D("1000.00"), "payment"), (date(2026, 7, 31), D("1400.00"), "payment")],
        # settled after July by what the report cannot list: the first day after the period, not 24 July's
        # payment of a June invoice
        "invoice:1106": [(date(2026, 8, 1), D("1800.00"), "credit_note")]}
    inferred = [i for i in books.items if "inferred" in i.flags]
    assert [(i.total, i.issued, i.open_amount) for i in inferred] == [(D("-1800.00"), date(2026, 8, 1), D("0.00"))]
    # the payments of June invoices: allocated to nothing, no open item, named in the notes with their rows
    stray = sorted((p.customer_id, p.date, p.amount) for p in pays.values() if not p.applied_to)
    assert stray == [("Alpha Co", date(2026, 7, 6), D("1500.00")), ("Alpha Co", date(2026, 7, 24), D("1200.00")),
                     ("Cedar Supply", date(2026, 7, 9), D("975.50")), ("Delta Works", date(2026, 7, 3), D("640.00"))]
    assert not [i for i in books.items if i.kind.value == "payment"]
    note = next(str(n) for n in books.notes if "settle no invoice the report lists" in str(n))
    assert note.startswith(f"{export.name}: 4 payments (4315.50 in all) settle no invoice the report lists")
    for named in ("Alpha Co 1500.00 on 2026-07-06 (row 11)", "Alpha Co 1200.00 on 2026-07-24 (row 14)",
                  "Cedar Supply 975.50 on 2026-07-09 (row 18)", "Delta Works 640.00 on 2026-07-03 (row 23)"):
        assert named in note
    assert any("run after its period ended" in str(n) and "invoice:1106" in str(n) for n in books.notes)
    assert any("on 2026-08-03: the books stand at that date" in str(n) for n in books.notes)


def test_open_items_and_aging_at_the_end_of_july(export):
    at = books_as_of(read_export(export), date(2026, 7, 31))
    assert sorted(zip(at.items["id"], at.items["open_minor"])) == [
        ("invoice:1102", 45000), ("invoice:1104", 320000), ("invoice:1106", 180000)]
    out = run("aging", export.name, "--as-of", "2026-07-31")
    assert out["source_date"] == "2026-08-03"
    assert out["totals"] == {"Current": "5450.00", "1-30": "0.00", "31-60": "0.00", "61-90": "0.00", "91+": "0.00",
                             "total": "5450.00"}
    assert {c["customer"]: c["total"] for c in out["customers"]} == {"Alpha Co": "5000.00", "Cedar Supply": "450.00"}
    assert not any(w.startswith("books stand at") for w in out["warnings"])
    assert any("may be overstated by credits applied to them on dates no export shows" in w for w in out["warnings"])
    assert any("4 payments (4315.50 in all) settle no invoice the report lists" in w for w in out["warnings"])


def test_a_later_aging_says_where_the_books_stand(export):
    out = run("aging", export.name, "--as-of", "2026-08-31")
    assert out["source_date"] == "2026-08-03"
    assert out["totals"]["1-30"] == "3650.00" and out["totals"]["total"] == "3650.00"
    assert any(w.startswith("books stand at 2026-08-03") for w in out["warnings"])
    table = CliRunner().invoke(cli, ["--ledger", "l.db", "aging", export.name, "--as-of", "2026-08-31"])
    assert table.stdout.splitlines()[0] == "Aging as of 2026-08-31 by due date, USD (books as of 2026-08-03)"


def test_july_dso_and_countback_from_the_july_invoices(export):
    out = run("dso", export.name, "--as-of", "2026-07-31", "--months", "1")
    assert (out["ar"], out["credit_sales"], out["dso"], out["countback_dso"]) == (
        "5450.00", "10650.00", "15.9", "15.9")
    july = out["months"][0]
    assert (july["month"], july["ar"], july["credit_sales"], july["dso"], july["countback_dso"]) == (
        "2026-07", "5450.00", "10650.00", "15.9", "15.9")
    assert out["best_possible_dso"] == "15.9"             # all of it Current at 31 July
