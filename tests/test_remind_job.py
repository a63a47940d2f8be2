"""``ardesk remind build|status`` on the bundled sample exports: a batch stored whole, notes' disputes and promises
leaving customers out with their reason, and a notice recorded as sent never built again for the same items."""
from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from connectors.quickbooks.sample import SAMPLE_DIR
from receivables.ledger import Ledger
from receivables.reminder_store import SENT, UNKNOWN


@pytest.fixture
def desk(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    exports = tmp_path / "exports"
    exports.mkdir()
    for f in Path(SAMPLE_DIR).glob("*Open Invoices*"):
        shutil.copy(f, exports / f.name)
    (tmp_path / "ardesk.toml").write_text('[source]\ndefault = "exports"\n[reminders]\nhold = ["Zephyr Hardware"]\n')
    return tmp_path


def _run(*args):
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result


def _build(as_of: str = "2026-10-31"):
    return json.loads(_run("remind", "build", "--as-of", as_of, "--format", "json").stdout)


def test_a_batch_is_stored_whole_with_every_customer_once(desk):
    built = _build()
    customers = [n["customer_id"] for n in built["notices"]] + [e["customer_id"] for e in built["excluded"]]
    assert len(customers) == len(set(customers)) and built["batch"] == 1
    held = next(e for e in built["excluded"] if e["customer"] == "Zephyr Hardware")
    assert held["code"] == "hold"
    status = json.loads(_run("remind", "status", "--format", "json").stdout)
    assert status["batch"] == 1 and status["counts"] == {"to send": len(built["notices"])}
    assert [n["customer_id"] for n in status["notices"]] == [n["customer_id"] for n in built["notices"]]
    with Ledger(desk / "ardesk.db") as ledger:
        assert [a["action"] for a in ledger.audit_trail()][0] == "remind build"


def test_notes_disputes_and_promises_leave_customers_out(desk):
    first = _build()
    reminded = first["notices"][0]
    item = next(i for i in reminded["items"] if i["level"])
    _run("notes", "add", reminded["customer"], "billed twice", "--invoice", item["number"], "--date", "2026-10-20",
         "--dispute", "open")
    other = first["notices"][1]
    _run("notes", "add", other["customer"], "will pay everything", "--date", "2026-10-30",
         "--promise-date", "2026-11-06")
    second = _build()
    codes = {e["customer"]: e["code"] for e in second["excluded"]}
    assert codes[other["customer"]] == "promise"
    still = next((n for n in second["notices"] if n["customer"] == reminded["customer"]), None)
    if still is None:                              # every item that reached a level was the disputed one
        assert codes[reminded["customer"]] == "disputed"
    else:
        assert next(i for i in still["items"] if i["number"] == item["number"])["disputed"] is True


def test_a_notice_sent_is_not_built_again_for_the_same_items(desk):
    today = date.today().isoformat()          # the ledger records when a notice was sent: today
    first = _build(today)
    sent, unknown = first["notices"][0], first["notices"][1]
    with Ledger(desk / "ardesk.db") as ledger:
        ledger.reminders.mark(first["batch"], sent["customer_id"], SENT, message_id="<a@b>")
        ledger.reminders.mark(first["batch"], unknown["customer_id"], UNKNOWN, message_id="<c@d>")
    second = _build(today)
    codes = {e["customer_id"]: e["code"] for e in second["excluded"]}
    assert codes[sent["customer_id"]] == "already_reminded"
    assert codes[unknown["customer_id"]] == "already_reminded"     # it may have arrived: not sent again blindly
    assert {n["customer_id"] for n in second["notices"]} == {n["customer_id"] for n in first["notices"][2:]}


def test_status_of_a_batch_that_does_not_exist_says_so(desk):
    _build()
    result = CliRunner().invoke(cli, ["remind", "status", "7"])
    assert result.exit_code == 2 and "no reminder batch 7" in result.output


def test_the_reminders_sheet_shows_the_batch_and_its_send_column_decides(desk):
    from python_calamine import CalamineWorkbook

    from excel.package import read_reminder_choices
    from excel.panel import build_panel

    book = build_panel(desk / "collections.xlsm")
    built = json.loads(_run("remind", "build", "--as-of", "2026-10-31", "--workbook", str(book), "--format",
                            "json").stdout)
    assert built["workbook"] == "updated"
    rows = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Reminders").to_python()
    head = rows[0]
    assert head[:3] == ["Customer", "Level", "Channel"] and len(rows) == 1 + len(built["notices"]) + \
        len(built["excluded"])
    held = next(r for r in rows[1:] if r[0] == "Zephyr Hardware")
    assert held[head.index("Status")] == "not reminded" and "hold" in held[head.index("Why")]
    choices = read_reminder_choices(book)
    assert sum(choices.values()) == len(built["notices"])
    # a person says no to the first notice and saves (openpyxl stands in for the spreadsheet program)
    import openpyxl

    wb = openpyxl.load_workbook(book, keep_vba=True)
    ws = wb["Reminders"]
    send_col = head.index("Send") + 1
    ws.cell(2, send_col).value = "No"
    wb.save(book)
    skipped = rows[1][head.index("Customer id")]
    sent = json.loads(CliRunner().invoke(cli, ["remind", "send", "--workbook", str(book), "--out", "drafts",
                                               "--format", "json"]).stdout)
    assert skipped not in {r["customer_id"] for r in sent["notices"]}
    assert len(sent["notices"]) == len(built["notices"]) - 1 and sent["workbook"] == "updated"
    after = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Reminders").to_python()
    status = {r[head.index("Customer id")]: r[head.index("Status")] for r in after[1:] if r[head.index("Level")]}
    assert status[skipped] == "to send" and {s for c, s in status.items() if c != skipped} == {"sent"}
    bad = openpyxl.load_workbook(book, keep_vba=True)
    bad["Reminders"].cell(3, send_col).value = "maybe"
    bad.save(book)
    refused = CliRunner().invoke(cli, ["remind", "send", "--workbook", str(book), "--out", "drafts"])
    assert refused.exit_code == 2 and "Send must be yes or no" in refused.output and "row 3" in refused.output


QBO_CONTACTS = """Customer Contact List
Harbor Lane Supply Co
All Dates

Customer,Phone Numbers,Email,Full Name,Billing Address,Shipping Address
Amber Plumbing & Sons,"Phone: (555) 010-2000 Mobile: (555) 010-2001",ap@amber.example,Ann Amber,"12 Pipe St",
"Zephyr Hardware",,zephyr@hw.example,,,
Nobody Known Ltd,,nobody@x.example,,,

"Monday, November 30, 2026 09:12 AM GMT-05:00"
"""
IIF_CONTACTS = ("!HDR\tPROD\tVER\n!CUST\tNAME\tREFNUM\tBADDR1\tBADDR2\tPHONE1\tEMAIL\tCONT1\n"
                "CUST\tAmber Plumbing & Sons\t12\t12 Pipe St\tSpringfield IL\t555-010-2000\tap@amber.example\tAnn\n")


def test_contacts_from_a_quickbooks_contact_list_give_addresses_and_say_what_they_cannot_place(desk):
    (desk / "contacts.csv").write_text(QBO_CONTACTS, encoding="utf-8")
    built = json.loads(_run("remind", "build", "--as-of", "2026-10-31", "--contacts", "contacts.csv", "--format",
                            "json").stdout)
    amber = next(n for n in built["notices"] if n["customer"] == "Amber Plumbing & Sons")
    assert amber["email"] == "ap@amber.example" and amber["channel"] in ("email", "letter")
    assert amber["phone"].startswith("Phone: (555) 010-2000")
    assert any("Nobody Known Ltd" in w for w in built["warnings"])
    others = [n for n in built["notices"] if n["customer"] != "Amber Plumbing & Sons"]
    assert all(n["channel"] == "call" for n in others if n["level"] != "final")


def test_contacts_read_the_layouts_quickbooks_writes(tmp_path):
    import openpyxl

    from connectors.quickbooks.contacts import read_contacts
    from receivables.errors import InputError

    (tmp_path / "qbo.csv").write_text(QBO_CONTACTS, encoding="utf-8")
    qbo = read_contacts(tmp_path / "qbo.csv")
    assert [(c.customer, c.email, c.name) for c in qbo] == [
        ("Amber Plumbing & Sons", "ap@amber.example", "Ann Amber"), ("Zephyr Hardware", "zephyr@hw.example", ""),
        ("Nobody Known Ltd", "nobody@x.example", "")]
    wb = openpyxl.Workbook()                  # QuickBooks Desktop's report, as Excel: title rows, then the table
    ws = wb.active
    ws.append(["Harbor Lane Supply Co"])
    ws.append(["Customer Contact List"])
    ws.append([])
    ws.append(["Customer", "Bill to", "Primary Contact", "Main Phone", "Fax", "Main Email", "Balance Total"])
    ws.append(["Amber Plumbing & Sons", "12 Pipe St", "Ann Amber", "555-010-2000", None, "ap@amber.example", 366.5])
    wb.save(tmp_path / "desktop.xlsx")
    [desktop] = read_contacts(tmp_path / "desktop.xlsx")
    assert (desktop.customer, desktop.email, desktop.phone, desktop.address) == (
        "Amber Plumbing & Sons", "ap@amber.example", "555-010-2000", "12 Pipe St")
    (tmp_path / "cust.iif").write_text(IIF_CONTACTS)
    [iif] = read_contacts(tmp_path / "cust.iif")
    assert (iif.customer, iif.email, iif.address) == ("Amber Plumbing & Sons", "ap@amber.example",
                                                      "12 Pipe St, Springfield IL")
    (tmp_path / "bad.csv").write_text("Name,Balance\nAmber,1\n")
    with pytest.raises(InputError, match="no header row with a customer column"):
        read_contacts(tmp_path / "bad.csv")


def test_customers_marked_as_consumers_follow_the_contact_rules(desk):
    from datetime import UTC, datetime

    first = _build()
    consumer = first["notices"][0]["customer"]
    today = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[datetime.now(UTC).weekday()]
    others = [d for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun") if d != today]
    (desk / "ardesk.toml").write_text(
        '[source]\ndefault = "exports"\n[reminders]\nhold = ["Zephyr Hardware"]\n'
        f'consumers = ["{consumer}"]\n[reminders.contact_rules]\ndays = {json.dumps(others)}\n')
    second = _build()
    excluded = {e["customer"]: e for e in second["excluded"]}
    assert excluded[consumer]["code"] == "contact_rules"
    assert {n["customer"] for n in second["notices"]} == {n["customer"] for n in first["notices"][1:]}
    (desk / "ardesk.toml").write_text('[reminders.contact_rules]\ntimezone = "Mars/Olympus"\n')
    refused = CliRunner().invoke(cli, ["remind", "build"])
    assert refused.exit_code == 2 and "Mars/Olympus" in refused.output
