"""Reminder letters (jobs/letters.py) read back as a person's PDF reader shows them: pdftotext (poppler) gives the
text of each page, and the customer's address, each open item, the totals, interest and fees, and the payment
instructions must be there, in the customer's language, with a hostile name printed as written."""
from __future__ import annotations

import shutil
import subprocess
from datetime import date, timedelta
from decimal import Decimal

import pytest

from jobs.letters import Letterhead, render_letter
from receivables.records import Books, Customer, Invoice, ItemKind
from receivables.reminders import build

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")
AS_OF = date(2026, 11, 30)
HEAD = Letterhead("Harbor Lane Supply Co", "1 Harbor Lane\nPortland, OR 97201", "+1 503 555 0100")


def _notice(name: str, n_items: int = 3, lang: str = "en_US", currency: str = "USD"):
    items = [Invoice(id=f"i{k}", number=f"INV-{k:04d}", customer_id="c1", kind=ItemKind.INVOICE,
                     issued=AS_OF - timedelta(days=40 + 9 * k), due=AS_OF - timedelta(days=10 + 9 * k),
                     currency=currency, total=Decimal("1234.56") + k, open_amount=Decimal("1234.56") + k)
             for k in range(n_items)]
    items.append(Invoice(id="cn", number="CM-7", customer_id="c1", kind=ItemKind.CREDIT_NOTE, issued=AS_OF,
                         due=None, currency=currency, total=Decimal("-25.00"), open_amount=Decimal("-25.00")))
    books = Books(source="test", company_currency=currency, report_date=AS_OF,
                  customers=(Customer(id="c1", name=name, lang=lang),), items=tuple(items))
    (notice,) = build(books, AS_OF).notices
    return notice


def _text(pdf: bytes, tmp_path, layout: bool = True) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    args = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def test_a_letter_holds_the_address_every_item_the_totals_and_how_to_pay(tmp_path):
    notice = _notice("Amber Plumbing & Sons")
    letter = render_letter(notice, address="42 Main Street\nSpringfield, IL 62701", letterhead=HEAD, as_of=AS_OF,
                           payment_instructions="Pay to account 0012 3456, quoting the invoice numbers.")
    assert letter.pdf.startswith(b"%PDF-") and not letter.replaced
    text = _text(letter.pdf, tmp_path)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    for expected in ("Amber Plumbing & Sons", "42 Main Street", "Springfield, IL 62701",
                     "Harbor Lane Supply Co, 1 Harbor Lane, Portland, OR 97201", "Dear Amber Plumbing & Sons,",
                     "Pay to account 0012 3456, quoting the invoice numbers.", "Customer no.: c1", "2026-11-30"):
        assert expected in lines, expected
    invoices = [i for i in notice.items if i.kind == "invoice"]
    assert len(invoices) == 3
    for item in invoices:
        row = next(line for line in lines if line.startswith(f"Invoice {item.number}"))
        assert row == (f"Invoice {item.number} {item.issued} {item.due} {item.days_past_due} {item.amount:,} USD")
    assert any(line.startswith("Credit note CM-7") and line.endswith("-25.00 USD") for line in lines)
    total = sum(Decimal("1234.56") + k for k in range(3)) - Decimal("25.00")
    assert f"Total open {total:,} USD" in lines


def test_interest_and_fees_are_shown_per_item_and_in_the_totals(tmp_path):
    notice = _notice("Beacon Studios", n_items=2, lang="de_DE", currency="EUR")
    charges = {"i1": (Decimal("19.27"), Decimal("40.00")), "i0": (Decimal("3.04"), Decimal("40.00"))}
    text = _text(render_letter(notice, address="Hauptstraße 5\n10115 Berlin", letterhead=HEAD, as_of=AS_OF,
                               lang="de_DE", charges=charges).pdf, tmp_path)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert "Sehr geehrte Damen und Herren," in lines and "Hauptstraße 5" in lines and "30.11.2026" in lines
    assert any(line.startswith("Rechnung INV-0001") and line.endswith("1.235,56 EUR 19,27 EUR 40,00 EUR")
               for line in lines)
    assert "Offener Betrag 2.445,12 EUR 22,31 EUR 80,00 EUR" in lines
    assert "Gesamt mit Zinsen und Gebühren 2.547,43 EUR" in lines       # 2,445.12 + 22.31 + 80.00


@pytest.mark.parametrize("name", ['<b>Acme</b> & "Co" <script>alert(1)</script>', "Łódź Ćwiczenia Sp. z o.o.",
                                  "Ölwerke Müller & Söhne"])
def test_a_name_prints_as_written(tmp_path, name):
    letter = render_letter(_notice(name), address="1 Road", letterhead=HEAD, as_of=AS_OF)
    text = " ".join(_text(letter.pdf, tmp_path, layout=False).split())
    if letter.replaced:          # no font with these letters on this machine: the standard one, and said
        assert name.encode("cp1252", "replace").decode("cp1252") in text
    else:
        assert text.count(name) >= 2                      # the window and the greeting


def test_many_items_run_onto_further_pages_with_the_heading_repeated(tmp_path):
    letter = render_letter(_notice("Cedar Labs", n_items=80), address="9 Elm Street", letterhead=HEAD, as_of=AS_OF)
    pages = _text(letter.pdf, tmp_path).split("\f")
    assert len([p for p in pages if p.strip()]) >= 2
    assert all("Document" in p for p in pages if "INV-" in p)
    text = "".join(pages)
    assert all(f"INV-{k:04d}" in text for k in range(80))


def test_the_e_mail_shows_interest_and_fees_per_item_and_the_total_due():
    from jobs.notices import render_text_and_html

    notice = _notice("Beacon Studios", n_items=2, lang="de_DE", currency="EUR")
    first = next(i for i in notice.items if i.number == "INV-0001")
    text, html = render_text_and_html(notice, company_name="Harbor Lane", as_of=AS_OF, lang="de_DE",
                                      charges={first.id: (Decimal("19.27"), Decimal("40.00"))})[1:]
    assert "1.235,56 EUR\n  Zinsen: 19,27 EUR, Gebühren: 40,00 EUR\n" in text
    # 1,235.56 + 1,234.56 - 25.00 = 2,445.12 open; + 19.27 + 40.00 = 2,504.39
    assert "Zinsen und Gebühren: 59,27 EUR\nGesamtforderung mit Zinsen und Gebühren: 2.504,39 EUR" in text
    assert "<small>Zinsen 19,27 EUR, Gebühren 40,00 EUR</small>" in html and "2.504,39 EUR" in html
    plain = render_text_and_html(notice, company_name="Harbor Lane", as_of=AS_OF, lang="de_DE")[1]
    assert "Zinsen" not in plain
