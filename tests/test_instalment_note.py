"""A friendly note before each instalment of a payment plan: sent once, from the policy's pre-due level, when the
next instalment is that level's days away; the customer's plan otherwise holds its dunning. Sent through the test
mail server and read back."""
from __future__ import annotations

import json
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
from tests.mailserver import PASSWORD, USER, MailServer

HISTORY = frozenset({ALLOCATIONS, PAYMENTS, ISSUED_HISTORY, PAYMENT_DATES})
CUSTOMERS = (Customer("B", "Birch Ltd", email="ap@birch.example"),
             Customer("C", "Cedar GmbH", email="ap@cedar.example", lang="de"))


def _books(report: date) -> Books:
    # Birch and Cedar each owe B-1 / C-1 of 1,000.00 due 2026-10-01 and agreed on 2026-11-01 to pay it in two
    # instalments of 500.00 (2026-11-15 and 2026-12-15); each paid the first on 2026-11-14.
    items, payments = [], []
    for cid in ("B", "C"):
        items.append(Invoice(id=f"{cid}-1", number=f"{cid}-1", customer_id=cid, kind=ItemKind.INVOICE,
                             issued=date(2026, 9, 1), due=date(2026, 10, 1), currency="EUR",
                             total=Decimal("1000.00"), open_amount=Decimal("500.00")))
        items.append(Invoice(id=f"{cid}-P1", number=f"{cid}-P1", customer_id=cid, kind=ItemKind.PAYMENT,
                             issued=date(2026, 11, 14), due=None, currency="EUR", total=Decimal("-500.00"),
                             open_amount=Decimal(0)))
        payments.append(Payment(f"{cid}-P1", cid, date(2026, 11, 14), Decimal("500.00"), "EUR"))
    return Books(source="test", company_currency="EUR", report_date=report, customers=CUSTOMERS,
                 items=tuple(items), payments=tuple(payments), knows=HISTORY)


@pytest.fixture
def desk(tmp_path, monkeypatch):
    with MailServer(tmp_path) as server:
        monkeypatch.setenv("SSL_CERT_FILE", str(server.ca_file))
        monkeypatch.setenv("ARDESK_SMTP_PASSWORD", PASSWORD)
        monkeypatch.chdir(tmp_path)
        (tmp_path / "ardesk.toml").write_text(
            f'[company]\nname = "Harbor Lane Supply Co"\n[smtp]\nhost = "{server.host}"\nport = {server.port}\n'
            f'user = "{USER}"\nfrom_address = "ar@harborlane.example"\n'
            '[[reminders.levels]]\nname = "friendly"\ndays = -7\n'
            '[[reminders.levels]]\nname = "first"\ndays = 7\n', encoding="utf-8")
        yield tmp_path, server


def _run(*args):
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result


def _build(folder, day: date) -> dict:
    with Ledger(folder / "ardesk.db") as ledger:
        ledger.store(_books(day), source_key="test")
    return json.loads(_run("remind", "build", "ledger", "--as-of", day.isoformat(), "--format", "json").stdout)


def test_each_instalment_is_announced_once_from_the_pre_due_level(desk):
    folder, server = desk
    with Ledger(folder / "ardesk.db") as ledger:
        ledger.store(_books(date(2026, 12, 5)), source_key="test")
    for customer in ("Birch Ltd", "Cedar GmbH"):
        _run("plan", "add", customer, "--source", "ledger", "--agreed-on", "2026-11-01",
             "--instalments", "2026-11-15:500.00,2026-12-15:500.00")

    # 2026-12-05: instalment 2 is ten days away, more than the friendly level's seven: the plan holds, no note
    early = _build(folder, date(2026, 12, 5))
    assert early["notices"] == [] and {e["code"] for e in early["excluded"]} == {"on_plan"}

    # 2026-12-10: five days away: each customer gets one note from the friendly level, on the items the plan covers
    with Ledger(folder / "ardesk.db") as ledger:
        ledger.store(_books(date(2026, 12, 10)), source_key="test")
    _run("workbook", "new", "collections.xlsm")
    due = json.loads(_run("remind", "build", "ledger", "--as-of", "2026-12-10", "--format", "json",
                          "--workbook", "collections.xlsm").stdout)
    sheet = openpyxl.load_workbook(folder / "collections.xlsm")["Reminders"]
    header = [c.value for c in sheet[1]]
    assert [r[header.index("Why")] for r in sheet.iter_rows(min_row=2, values_only=True) if r[0]] == [
        "payment plan of 2026-11-01: announces instalment 2 of 2, 500.00 EUR due 2026-12-15"] * 2
    assert [(n["customer"], n["level"], n["template"], [i["number"] for i in n["items"]])
            for n in due["notices"]] == [("Birch Ltd", "friendly", "instalment", ["B-1"]),
                                         ("Cedar GmbH", "friendly", "instalment", ["C-1"])]
    assert due["excluded"] == []
    sent = json.loads(_run("remind", "send", "--format", "json").stdout)
    assert sent["counts"] == {"sent": 2}
    by_to = {str(m["To"]).split("<")[-1].rstrip(">"): m for m in server.messages}
    birch = by_to["ap@birch.example"]
    assert birch["Subject"] == "Payment plan: instalment 2 of 2 due 2026-12-15 – Harbor Lane Supply Co"
    text = " ".join(birch.get_body(("plain",)).get_content().split())
    assert ("As agreed in your payment plan of 2026-11-01, instalment 2 of 2, 500.00 EUR, falls due on "
            "2026-12-15.") in text and "B-1" in text
    cedar = " ".join(by_to["ap@cedar.example"].get_body(("plain",)).get_content().split())
    assert "Rate 2 von 2 über 500,00 EUR am 15.12.2026 fällig" in cedar

    # 2026-12-11: announced already: never again; the plan holds the dunning as before
    again = _build(folder, date(2026, 12, 11))
    assert again["notices"] == [] and [e["customer"] for e in again["excluded"]] == ["Birch Ltd", "Cedar GmbH"]
    assert len(server.messages) == 2


def test_a_policy_without_a_pre_due_level_announces_nothing(desk):
    folder, _server = desk
    (folder / "ardesk.toml").write_text('[[reminders.levels]]\nname = "first"\ndays = 7\n', encoding="utf-8")
    with Ledger(folder / "ardesk.db") as ledger:
        ledger.store(_books(date(2026, 12, 10)), source_key="test")
    _run("plan", "add", "Birch Ltd", "--source", "ledger", "--agreed-on", "2026-11-01",
         "--instalments", "2026-11-15:500.00,2026-12-15:500.00")
    built = _build(folder, date(2026, 12, 14))
    assert [n["customer"] for n in built["notices"]] == ["Cedar GmbH"]         # Cedar has no plan: dunned
    assert [(e["customer"], e["code"]) for e in built["excluded"]] == [("Birch Ltd", "on_plan")]
