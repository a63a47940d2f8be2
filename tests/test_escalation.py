"""The end of the reminder ladder at the desk, through the command line on a QuickBooks-like desk (the ledger's
books, a Customer Contact List with billing addresses): a letter level writes one PDF per notice whose text holds
the address, the items and the totals with interest and fees; an agency level writes the hand-off and the customer
is never reminded again; a running payment plan holds the dunning of the invoices it covers, and a broken one lets
it resume."""
from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from click.testing import CliRunner

from cli import cli
from receivables.ledger import Ledger
from receivables.records import (
    ALLOCATIONS,
    ISSUED_HISTORY,
    PAYMENT_DATES,
    PAYMENTS,
    Books,
    Customer,
    Invoice,
    ItemKind,
    Payment,
)

AS_OF = date(2026, 11, 30)
HISTORY = frozenset({ALLOCATIONS, PAYMENTS, ISSUED_HISTORY, PAYMENT_DATES})
CONTACTS = """Customer Contact List
Harbor Lane Supply Co

Customer,Phone Numbers,Email,Full Name,Billing Address,Shipping Address
Amber Bau GmbH,Phone: 030 1234,ap@amber.example,Anna Amber,"Hauptstraße 5
10115 Berlin",
Birch Ltd,Phone: 020 7946,ap@birch.example,,"1 High Street
London EC1A 1BB",
"""
# EU statutory interest at the ECB rate + 8 points, with a change of reference rate on 1 July: 2.15 before, 2.40 after
TOML = """
[company]
name = "Harbor Lane Supply GmbH"
address = "Hafenweg 1\\n20457 Hamburg"
[reminders]
contacts = "contacts.csv"
payment_instructions = "IBAN DE00 1234 5678 9012 3456 78"
[[reminders.levels]]
name = "first"
days = 7
[[reminders.levels]]
name = "final"
days = 30
channel = "letter"
[[reminders.levels]]
name = "agency"
days = 90
channel = "agency"
template = "final"
[[fees.rules]]
name = "statutory"
kind = "eu"
levels = ["final", "agency"]
[[fees.rates.eu]]
since = 2026-01-01
rate = "2.15"
[[fees.rates.eu]]
since = 2026-07-01
rate = "2.40"
"""


def _books(report: date, items, payments=()) -> Books:
    return Books(source="test", company_currency="EUR", report_date=report, knows=HISTORY,
                 customers=(Customer("A", "Amber Bau GmbH"), Customer("B", "Birch Ltd")), items=tuple(items),
                 payments=tuple(payments))


def _inv(iid, cust, issued, due, amount, open_=None):
    return Invoice(id=iid, number=iid, customer_id=cust, kind=ItemKind.INVOICE, issued=issued, due=due,
                   currency="EUR", total=Decimal(amount), open_amount=Decimal(open_ if open_ is not None else amount))


@pytest.fixture
def desk(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ardesk.toml").write_text(TOML, encoding="utf-8")
    (tmp_path / "contacts.csv").write_text(CONTACTS, encoding="utf-8")
    return tmp_path


def _run(*args):
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code in (0, 4), result.output
    return result


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")
def test_a_letter_with_statutory_interest_then_the_agency_and_never_again(desk):
    # Amber: A-1 of 1,000.00 due 2026-06-15: 168 days late at 2026-11-30, level "agency" (90+)
    #        A-2 of 500.00 due 2026-10-01: 60 days late, level "final"
    # Birch: B-1 of 2,000.00 due 2026-10-20: 41 days late, level "final" (a letter)
    items = [_inv("A-1", "A", date(2026, 5, 16), date(2026, 6, 15), "1000.00"),
             _inv("A-2", "A", date(2026, 9, 1), date(2026, 10, 1), "500.00"),
             _inv("B-1", "B", date(2026, 9, 20), date(2026, 10, 20), "2000.00")]
    with Ledger(desk / "ardesk.db") as ledger:
        ledger.store(_books(AS_OF, items), source_key="test")
    _run("workbook", "new", "collections.xlsm")
    built = json.loads(_run("remind", "build", "ledger", "--as-of", "2026-11-30", "--workbook", "collections.xlsm",
                            "--format", "json").stdout)
    sheet = openpyxl.load_workbook(desk / "collections.xlsm")["Reminders"]
    header = [c.value for c in sheet[1]]
    rows = {r[header.index("Customer")]: r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0]}
    assert rows["Birch Ltd"][header.index("Interest and fees")] == "B-1: interest 23.36, fees 40.00 EUR"
    assert {n["customer"]: (n["level"], n["channel"]) for n in built["notices"]} == {
        "Amber Bau GmbH": ("agency", "agency"), "Birch Ltd": ("final", "letter")}
    # B-1: interest from 2026-10-21 to 2026-11-30 = 41 days, all in the second half-year at 2.40 + 8 = 10.40 %:
    #   2,000.00 x 10.40 % x 41 / 365 = 23.3643... -> 23.36; plus EUR 40 compensation
    birch = built["charges"]["B"]["B-1"]
    assert (birch["days_late"], birch["interest"], birch["fixed"]) == (41, "23.36", "40.00")
    # 2026-06-16 .. 2026-06-30 (15 days at 2.15 + 8 = 10.15 %) and 2026-07-01 .. 2026-11-30 (153 days at
    #   10.40 %): 1,000.00 x (0.1015 x 15 + 0.1040 x 153) / 365 = 1,000.00 x 17.4345 / 365 = 47.7657... -> 47.77
    amber = built["charges"]["A"]["A-1"]
    assert (amber["days_late"], amber["interest"], amber["fixed"]) == (168, "47.77", "40.00")
    assert [p["rate"] for p in amber["periods"]] == ["10.15", "10.40"]

    sent = json.loads(_run("remind", "send", "--format", "json").stdout)
    assert sent["counts"] == {"sent": 2}
    (letter,) = sorted((desk / "letters").glob("letter-*.pdf"))
    text = subprocess.run(["pdftotext", "-layout", str(letter), "-"], capture_output=True, text=True,
                          check=True).stdout
    lines = [" ".join(line.split()) for line in text.splitlines()]
    for expected in ("Birch Ltd", "1 High Street", "London EC1A 1BB", "IBAN DE00 1234 5678 9012 3456 78"):
        assert expected in lines, expected
    assert any(line.startswith("Invoice B-1") and line.endswith("2,000.00 EUR 23.36 EUR 40.00 EUR")
               for line in lines), lines
    assert "Total due with interest and fees 2,063.36 EUR" in lines

    (handoff_json,) = (desk / "handoffs").glob("handoff-*-A.json")
    doc = json.loads(handoff_json.read_text(encoding="utf-8"))
    assert doc["customer"]["address"] == "Hauptstraße 5\n10115 Berlin"
    # 2026-10-02 .. 2026-11-30 = 60 days at 10.40 %: 500.00 x 0.104 x 60 / 365 = 8.5479... -> 8.55
    assert [(i["number"], i["interest"], i["fees"]) for i in doc["items"]] == [("A-1", "47.77", "40.00"),
                                                                               ("A-2", "8.55", "40.00")]
    assert doc["claimed"]["EUR"] == {"principal": "1500.00", "interest": "56.32", "fees": "80.00",
                                     "total": "1636.32"}

    # the next batch, a month later: Amber was handed over and is never reminded again
    with Ledger(desk / "ardesk.db") as ledger:
        ledger.store(_books(date(2026, 12, 31), items), source_key="test")
    later = json.loads(_run("remind", "build", "ledger", "--as-of", "2026-12-31", "--format", "json").stdout)
    assert "Amber Bau GmbH" not in {n["customer"] for n in later["notices"]}
    (gone,) = [e for e in later["excluded"] if e["customer"] == "Amber Bau GmbH"]
    assert gone["code"] == "handed_over" and "handed over to the collection agency" in gone["reason"]


def test_a_running_plan_holds_the_dunning_of_its_invoices_and_a_broken_one_lets_it_resume(desk):
    items = [_inv("B-1", "B", date(2026, 9, 1), date(2026, 10, 1), "1000.00", "1000.00")]
    with Ledger(desk / "ardesk.db") as ledger:
        ledger.store(_books(date(2026, 11, 10), items), source_key="test")
    _run("plan", "add", "Birch Ltd", "--source", "ledger", "--agreed-on", "2026-11-01",
         "--instalments", "2026-11-15:500.00,2026-12-15:500.00")
    held = json.loads(_run("remind", "build", "ledger", "--as-of", "2026-11-10", "--format", "json").stdout)
    (birch,) = held["excluded"]
    assert birch["code"] == "on_plan" and "next instalment 2026-11-15" in birch["reason"]
    # Nothing came in by 2026-11-15 + 3 days' grace: the plan is broken on 2026-11-20, and dunning resumes
    paid_nothing = _books(date(2026, 11, 20), items, payments=[Payment("X", "A", date(2026, 11, 2), Decimal("1"),
                                                                        "EUR")])
    with Ledger(desk / "ardesk.db") as ledger:
        ledger.store(paid_nothing, source_key="test")
    _run("workbook", "new", "collections.xlsm")
    resumed = json.loads(_run("remind", "build", "ledger", "--as-of", "2026-11-20", "--format", "json",
                              "--workbook", "collections.xlsm").stdout)
    assert [(n["customer"], n["level"]) for n in resumed["notices"]] == [("Birch Ltd", "final")]
    # the batch says the plan broke: on the Reminders sheet, and in the letter the customer gets
    sheet = openpyxl.load_workbook(desk / "collections.xlsm")["Reminders"]
    header = [c.value for c in sheet[1]]
    (row,) = [r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "Birch Ltd"]
    assert row[header.index("Why")] == ("payment plan of 2026-11-01 broken: instalment 1 due 2026-11-15 missed by "
                                        "500.00 EUR")
    sent = json.loads(_run("remind", "send", "--format", "json").stdout)
    assert sent["counts"] == {"sent": 1}
    if shutil.which("pdftotext"):
        (letter,) = (desk / "letters").glob("letter-*.pdf")
        text = " ".join(subprocess.run(["pdftotext", str(letter), "-"], capture_output=True, text=True,
                                       check=True).stdout.split())
        assert ("The payment plan we agreed on 2026-11-01 has ended: instalment 1, due 2026-11-15, was not paid "
                "in full (500.00 EUR short).") in text


def test_uk_statutory_interest_stays_at_the_rate_of_the_day_before_it_began(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ardesk.toml").write_text("""
[[reminders.levels]]
name = "final"
days = 30
[[fees.rules]]
name = "Late Payment Act"
kind = "uk"
[[fees.rates.uk]]
since = 2025-08-07
rate = "4.00"
[[fees.rates.uk]]
since = 2026-02-05
rate = "3.75"
""", encoding="utf-8")
    item = Invoice(id="U-1", number="U-1", customer_id="B", kind=ItemKind.INVOICE, issued=date(2026, 5, 21),
                   due=date(2026, 6, 20), currency="GBP", total=Decimal("1000.00"), open_amount=Decimal("1000.00"))
    with Ledger(tmp_path / "ardesk.db") as ledger:
        ledger.store(Books(source="test", company_currency="GBP", report_date=AS_OF,
                           customers=(Customer("B", "Birch Ltd"),), items=(item,)), source_key="test")
    built = json.loads(_run("remind", "build", "ledger", "--as-of", "2026-11-30", "--format", "json").stdout)
    charge = built["charges"]["B"]["U-1"]
    # Interest starts 2026-06-21, in the first half-year: the reference rate is the base rate in force on
    # 2025-12-31 (4.00, the 2026-02-05 cut does not move it): 12.00 % for the life of the debt.
    # 2026-06-21 .. 2026-11-30 = 163 days: 1,000.00 x 0.12 x 163 / 365 = 53.589... -> 53.59; the debt is in the
    # 1,000.00 - 9,999.99 band: a fixed sum of GBP 70.
    assert (charge["days_late"], charge["interest"], charge["fixed"]) == (163, "53.59", "70.00")
    assert [p["rate"] for p in charge["periods"]] == ["12.00"]
