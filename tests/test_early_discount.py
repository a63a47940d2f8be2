"""An early-payment discount in the pre-due note: an invoice whose terms give one ("2% 10 Net 30") gets, in the
friendly note sent before it falls due, the amount that settles it and the last day to pay it, in the e-mail's
text and HTML (sent through the test mail server) and in a letter (read back with pdftotext); a discount whose
last day has passed is not offered. The amounts come from the source (receivables.records.Invoice)."""
from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from click.testing import CliRunner

from cli import cli
from jobs.letters import Letterhead, render_letter
from receivables.ledger import Ledger
from receivables.records import Books, Customer, Invoice, ItemKind
from tests.mailserver import PASSWORD, USER, MailServer

AS_OF = date(2026, 12, 8)


def _inv(iid: str, cust: str, issued: date, due: date, total: str, until: date | None, settle: str | None):
    return Invoice(id=iid, number=iid, customer_id=cust, kind=ItemKind.INVOICE, issued=issued, due=due,
                   currency="USD", total=Decimal(total), open_amount=Decimal(total), discount_until=until,
                   discount_amount=None if settle is None else Decimal(settle))


# Amber: A-1 of 1,000.00 issued 2026-12-01 on "2% 10 Net 30": due 2026-12-31, 980.00 if paid by 2026-12-11.
# Birch: B-1 of 2,500.00 issued 2026-11-25 on "1% 10 Net 30": due 2026-12-25, its discount ended 2026-12-05;
#        B-2 of 400.00 issued 2026-12-02 on "Net 30" (no discount), due 2027-01-01.
ITEMS = (
    _inv("A-1", "A", date(2026, 12, 1), date(2026, 12, 31), "1000.00", date(2026, 12, 11), "980.00"),
    _inv("B-1", "B", date(2026, 11, 25), date(2026, 12, 25), "2500.00", date(2026, 12, 5), "2475.00"),
    _inv("B-2", "B", date(2026, 12, 2), date(2027, 1, 1), "400.00", None, None),
)
CUSTOMERS = (Customer("A", "Amber Bau GmbH", email="ap@amber.example", lang="de"),
             Customer("B", "Birch Ltd", email="ap@birch.example"))


@pytest.fixture
def desk(tmp_path, monkeypatch):
    with MailServer(tmp_path) as server:
        monkeypatch.setenv("SSL_CERT_FILE", str(server.ca_file))
        monkeypatch.setenv("ARDESK_SMTP_PASSWORD", PASSWORD)
        monkeypatch.chdir(tmp_path)
        (tmp_path / "ardesk.toml").write_text(
            f'[company]\nname = "Harbor Lane Supply Co"\n[smtp]\nhost = "{server.host}"\nport = {server.port}\n'
            f'user = "{USER}"\nfrom_address = "ar@harborlane.example"\n'
            '[[reminders.levels]]\nname = "friendly"\ndays = -30\n'     # a note as the invoice is issued
            '[[reminders.levels]]\nname = "first"\ndays = 7\n', encoding="utf-8")
        with Ledger(tmp_path / "ardesk.db") as ledger:
            ledger.store(Books(source="test", company_currency="USD", report_date=AS_OF, customers=CUSTOMERS,
                               items=ITEMS), source_key="test")
        yield tmp_path, server


def _run(*args):
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result


def test_the_pre_due_note_offers_the_early_payment_discount_until_its_last_day(desk):
    folder, server = desk
    built = json.loads(_run("remind", "build", "ledger", "--as-of", AS_OF.isoformat(), "--format", "json").stdout)
    assert {n["customer"]: n["level"] for n in built["notices"]} == {"Amber Bau GmbH": "friendly",
                                                                      "Birch Ltd": "friendly"}
    # only A-1's discount is still open on 2026-12-08; B-1's ended on 2026-12-05, B-2 has none
    assert built["discounts"] == {"A": {"A-1": {"until": "2026-12-11", "amount": "980.00"}}}

    sent = json.loads(_run("remind", "send", "--format", "json").stdout)
    assert sent["counts"] == {"sent": 2}
    by_to = {str(m["To"]).split("<")[-1].rstrip(">"): m for m in server.messages}
    amber, birch = by_to["ap@amber.example"], by_to["ap@birch.example"]
    text = amber.get_body(("plain",)).get_content()                 # German: the customer's language
    assert "- Rechnung A-1 vom 01.12.2026, fällig am 31.12.2026, noch nicht fällig: 1.000,00 USD" in text
    assert "  Mit Skonto: 980,00 USD bei Zahlung bis 11.12.2026" in text
    assert "Mit Skonto: 980,00 USD bei Zahlung bis 11.12.2026" in amber.get_body(("html",)).get_content()
    birch_text = birch.get_body(("plain",)).get_content()
    assert "B-1" in birch_text and "B-2" in birch_text and "Early payment" not in birch_text

    # a week later the discount's day has passed: the next batch offers none
    with Ledger(folder / "ardesk.db") as ledger:
        ledger.store(Books(source="test", company_currency="USD", report_date=date(2026, 12, 15),
                           customers=CUSTOMERS, items=ITEMS), source_key="test")
    later = json.loads(_run("remind", "build", "ledger", "--as-of", "2026-12-15", "--format", "json").stdout)
    assert later["discounts"] == {}


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")
def test_a_letter_states_the_discounted_amount_and_its_last_day(tmp_path):
    from receivables.config_schema import ReminderLevel
    from receivables.reminders import build

    pre_due = ReminderLevel(name="friendly", days=-30, channel="letter")
    batch = build(Books(source="test", company_currency="USD", report_date=AS_OF, customers=CUSTOMERS,
                        items=ITEMS), AS_OF, [pre_due], now=None)
    (notice,) = [n for n in batch.notices if n.customer_id == "A"]
    letter = render_letter(notice, address="Amber Bau GmbH\nHauptstraße 5\n10115 Berlin",
                           letterhead=Letterhead("Harbor Lane Supply Co", "1 Harbor Lane\nBoston MA 02110"),
                           as_of=AS_OF, discounts={"A-1": (date(2026, 12, 11), Decimal("980.00"))})
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(letter.pdf)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert "Early payment" in lines
    assert "Invoice A-1: 980.00 USD if paid by 2026-12-11" in lines and "Hauptstraße 5" in lines


@pytest.mark.parametrize("columns", [False, True], ids=["rows", "columns"])
def test_a_quickbooks_export_with_early_payment_terms_gives_the_discount_in_the_batch(tmp_path, monkeypatch,
                                                                                      columns):
    """A Desktop Open Invoices report with Terms and Amount (tests.test_discount_terms), read by either reader:
    invoices open in full whose "2% 10 Net 30" day has not passed are offered their discount."""
    from connectors.quickbooks import columnar
    from tests.test_discount_terms import qbd_open_invoices, write_csv

    if columns:
        monkeypatch.setattr(columnar, "COLUMNAR_FROM", 0)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ardesk.toml").write_text('[[reminders.levels]]\nname = "friendly"\ndays = -30\n', encoding="utf-8")
    write_csv(tmp_path / "open.csv", qbd_open_invoices())
    built = json.loads(_run("remind", "build", "open.csv", "--as-of", "2026-10-31", "--format", "json").stdout)
    # 1001: 1,234.56 issued 10/25 on 2% 10: pay 1,234.56 - 24.69 = 1,209.87 by 11/04
    # 1002: 100.25 issued 10/28 on 2%10Net30: 2% is 2.005 -> 2.01 (half up): 98.24 by 11/07
    # 1003 is partly paid, 1004 a credit, 2002's 1% day (10/25) has passed, the rest have no discount
    (alpine,) = [n["customer_id"] for n in built["notices"] if n["customer"] == "Alpine Tools"]
    assert {k: {n: (d["until"], d["amount"]) for n, d in v.items()} for k, v in built["discounts"].items()} == {
        alpine: {next(i for i in _ids(built, alpine) if i.endswith(num)): want
                 for num, want in (("1001", ("2026-11-04", "1209.87")), ("1002", ("2026-11-07", "98.24")))}}


def _ids(built: dict, customer_id: str) -> list[str]:
    with Ledger("ardesk.db") as ledger:
        (notice,) = [n for n in ledger.reminders.notices(built["batch"]) if n.customer_id == customer_id]
    return [i["id"] for i in notice.items]
