"""QuickBooks history exports (Invoice List, Customer Balance Detail, Transaction List by Customer, Invoices and
Received Payments, IIF) and the merge of a folder of exports."""
from __future__ import annotations

import csv
import io
import os
from datetime import date
from decimal import Decimal

import pytest

from connectors.quickbooks import (
    IIF,
    QBO_CUSTOMER_BALANCE_DETAIL,
    QBO_INVOICE_LIST,
    QBO_INVOICES_AND_PAYMENTS,
    QBO_OPEN_INVOICES,
    QBO_TRANSACTION_LIST_BY_CUSTOMER,
    detect,
    read_export,
    read_source,
)
from receivables.errors import InputError, Issue
from receivables.records import ALLOCATIONS, ISSUED_HISTORY, OPEN_ITEMS, PAYMENT_DATES, PAYMENTS


def write(tmp_path, name, rows=None, text=None):
    path = tmp_path / name
    if text is None:
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerows(rows)
        text = out.getvalue()
    path.write_text(text, encoding="utf-8", newline="")
    return path


def summary(books):
    return sorted((i.customer_id, i.kind.value, i.number, i.total, i.open_amount, i.paid_on) for i in books.items)


def test_invoice_list_by_date_flat(tmp_path):
    rows = [["Invoice List by Date"], ["Acme Co"], ["January 1-December 31, 2025"], [],
            ["Date", "Transaction type", "Num", "Name", "Memo", "Due date", "Amount", "Open balance"],
            ["03/02/2025", "Invoice", "1", "Anna", "", "04/01/2025", "1,000.00", "0.00"],
            ["03/15/2025", "Invoice", "2", "Bravo:Site 9", "", "04/14/2025", "250.00", "250.00"],
            ["TOTAL", "", "", "", "", "", "$1,250.00", "$250.00"]]
    books = read_export(write(tmp_path, "Acme_Invoice List by Date.csv", rows))
    assert books.kinds == (QBO_INVOICE_LIST,) and books.period == (date(2025, 1, 1), date(2025, 12, 31))
    assert summary(books) == [("Anna", "invoice", "1", Decimal("1000.00"), Decimal("0.00"), None),
                              ("Bravo:Site 9", "invoice", "2", Decimal("250.00"), Decimal("250.00"), None)]
    assert {ISSUED_HISTORY, OPEN_ITEMS} <= books.knows and PAYMENT_DATES not in books.knows
    assert any("does not say when" in n.message and n.severity == "info" for n in books.notes)
    assert {n.source for n in books.notes} == {"Acme_Invoice List by Date.csv"}


def test_customer_balance_detail_beta(tmp_path):
    rows = [["Customer Balance Detail Report(Beta)"], ["Acme Co"], ["All Dates"], [],
            ["", "Date", "Transaction type", "Number", "Due date", "Amount", "Open balance", "Balance"],
            ["Anna"], ["", "05/02/2026", "Invoice", "10", "06/01/2026", "300.00", "300.00", "300.00"],
            ["", "05/20/2026", "Payment", "P7", "", "-50.00", "-50.00", "250.00"],
            ["Total for Anna", "", "", "", "", "$250.00", "$250.00", ""],
            ["TOTAL", "", "", "", "", "$250.00", "$250.00", ""]]
    books = read_export(write(tmp_path, "cbd.csv", rows))
    assert books.kinds == (QBO_CUSTOMER_BALANCE_DETAIL,) and books.period is None
    assert summary(books) == [("Anna", "invoice", "10", Decimal("300.00"), Decimal("300.00"), None),
                              ("Anna", "payment", "P7", Decimal("-50.00"), Decimal("-50.00"), None)]
    assert [(p.id, p.amount, p.date) for p in books.payments] == [("payment:P7", Decimal("50.00"),
                                                                  date(2026, 5, 20))]


def test_transaction_list_by_customer_derives_open_balances_oldest_first(tmp_path):
    rows = [["Transaction List by Customer"], ["Acme Co"], ["January 1, 2024-December 31, 2025"], [],
            ["", "Date", "Transaction type", "Num", "Posting", "Memo/Description", "Account full name", "Amount"],
            ["Anna"], ["", "01/05/2025", "Invoice", "1", "Yes", "", "Accounts Receivable (A/R)", "100.00"],
            ["", "02/05/2025", "Invoice", "2", "Yes", "", "Accounts Receivable (A/R)", "200.00"],
            ["", "02/10/2025", "Estimate", "E1", "No", "", "", "999.00"],
            ["", "03/01/2025", "Payment", "", "Yes", "", "Undeposited Funds", "150.00"],
            ["", "03/20/2025", "Credit Memo", "3", "Yes", "", "Accounts Receivable (A/R)", "-30.00"],
            ["Total for Anna", "", "", "", "", "", "", "$1,419.00"]]
    books = read_export(write(tmp_path, "tl.csv", rows))
    assert books.kinds == (QBO_TRANSACTION_LIST_BY_CUSTOMER,)
    assert summary(books) == [("Anna", "credit_note", "3", Decimal("-30.00"), Decimal("0.00"), None),
                              ("Anna", "invoice", "1", Decimal("100.00"), Decimal("0.00"), date(2025, 3, 1)),
                              ("Anna", "invoice", "2", Decimal("200.00"), Decimal("120.00"), None)]
    assert books.period == (date(2024, 1, 1), date(2025, 12, 31))
    assert any("oldest open invoice first" in n.message and n.severity == "warning" for n in books.notes)
    skipped = next(n for n in books.notes if "Estimate (1)" in n.message)
    assert (skipped.source, skipped.column, skipped.severity) == ("tl.csv", "Transaction type", "warning")


def test_invoices_and_received_payments_links_payments(tmp_path):
    rows = [["Foundry Distribution, Inc"], ["Invoices and Received Payments"], ["July 2026"], [],
            ["", "Date", "Transaction type", "Memo/Description", "Transaction number", "Amount", "Payment method",
             "Open Balance"],
            ["Anna"], ["", "07/01/2026", "Invoice", "", "1001", "500.00", "", "0.00"],
            ["", "07/10/2026", "Payment", "", "", "200.00", "Check", ""],
            ["", "07/20/2026", "Payment", "", "", "300.00", "Check", ""],
            ["", "07/15/2026", "Invoice", "", "1002", "80.00", "", "80.00"],
            [], [], [], [" Tuesday, July 21, 2026 02:10 PM GMT-06:00"]]
    books = read_export(write(tmp_path, "irp.csv", rows))
    assert books.kinds == (QBO_INVOICES_AND_PAYMENTS,)
    assert books.period == (date(2026, 7, 1), date(2026, 7, 31))
    assert summary(books) == [("Anna", "invoice", "1001", Decimal("500.00"), Decimal("0.00"), date(2026, 7, 20)),
                              ("Anna", "invoice", "1002", Decimal("80.00"), Decimal("80.00"), None)]
    assert [(a.debit_item_id, a.amount, a.date) for a in books.allocations] == [
        ("invoice:1001", Decimal("200.00"), date(2026, 7, 10)), ("invoice:1001", Decimal("300.00"), date(2026, 7, 20))]
    assert all(p.applied_to == ("invoice:1001",) for p in books.payments)
    assert {PAYMENTS, PAYMENT_DATES, ALLOCATIONS} <= books.knows


IIF_LINES = [
    "!HDR\tPROD\tVER\tREL\tIIFVER\tDATE\tTIME\tACCNTNT\tACCNTNTSPLITTIME",
    "HDR\tQuickBooks Pro\tVersion 28.0\tRelease R5P\t1\t2026-10-31\t1761900000\tN\t0",
    "!TRNS\tTRNSID\tTRNSTYPE\tDATE\tACCNT\tNAME\tCLASS\tAMOUNT\tDOCNUM\tMEMO\tCLEAR\tTOPRINT\tTERMS\tDUEDATE",
    "!SPL\tSPLID\tTRNSTYPE\tDATE\tACCNT\tNAME\tCLASS\tAMOUNT\tDOCNUM\tMEMO\tCLEAR\tQNTY\tPRICE\tINVITEM",
    "!ENDTRNS",
    "TRNS\t\tINVOICE\t7/18/98\tAccounts Receivable\tCustomer\t\t205\t1\t\tN\tY\tNet 30\t",
    "SPL\t\tINVOICE\t7/16/98\tConstruction:Labor\t\t\t-55\t\tFraming labor\tN\t\t55\tFraming",
    "SPL\t\tINVOICE\t7/16/98\tConstruction:Materials\t\t\t-120\t\tExterior wood door\tN\t\t120\tDoor",
    "SPL\t\tINVOICE\t7/16/98\tConstruction:Materials\t\t\t-30\t\tStandard Doorknobs\tN\t\t30\tKnobs",
    "ENDTRNS",
    "TRNS\t\tINVOICE\t08/01/1998\tAccounts Receivable\t\"Customer\"\t\t100.00\t2\t\tN\tY\t\t09/15/1998",
    "SPL\t\tINVOICE\t08/01/1998\tSales\t\t\t-100.00\t\t\tN\t\t\t",
    "ENDTRNS",
    "TRNS\t\tPAYMENT\t8/20/98\tUndeposited Funds\tCustomer\t\t250\t\t\tN\tN\t\t",
    "SPL\t\tPAYMENT\t8/20/98\tAccounts Receivable\tCustomer\t\t-250\t\t\tN\t\t\t",
    "ENDTRNS",
    "TRNS\t\tCREDIT MEMO\t8/25/98\tAccounts Receivable\tCustomer\t\t-20\t3\t\tN\tN\t\t",
    "SPL\t\tCREDIT MEMO\t8/25/98\tSales\t\t\t20\t\t\tN\t\t\t",
    "ENDTRNS", ""]
IIF_TEXT = "\r\n".join(IIF_LINES)


def test_iif_transactions_and_derived_open_balance(tmp_path):
    path = write(tmp_path, "export.iif", text=IIF_TEXT)
    assert detect(path) == IIF
    books = read_export(path)
    assert summary(books) == [
        ("Customer", "credit_note", "3", Decimal(-20), Decimal(0), None),
        ("Customer", "invoice", "1", Decimal(205), Decimal(0), date(1998, 8, 20)),
        ("Customer", "invoice", "2", Decimal("100.00"), Decimal("35.00"), None)]
    due = {i.number: i.due for i in books.items}
    assert due == {"1": date(1998, 8, 17), "2": date(1998, 9, 15), "3": date(1998, 8, 25)}
    assert books.report_date == date(2026, 10, 31) and books.period == (date(1998, 7, 18), date(1998, 8, 25))
    assert [(p.amount, p.date) for p in books.payments] == [(Decimal(250), date(1998, 8, 20))]
    assert any("does not record which payment" in str(n) for n in books.notes)
    unbalanced = IIF_TEXT.replace("SPL\t\tINVOICE\t08/01/1998\tSales\t\t\t-100.00", "SPL\t\tINVOICE\t08/01/1998\t"
                                                                                   "Sales\t\t\t-100.01")
    with pytest.raises(InputError) as err:
        read_export(write(tmp_path, "bad.iif", text=unbalanced))
    assert err.value.row == 11 and "add up to -0.01" in str(err.value)
    with pytest.raises(InputError, match="cut short") as err:
        read_export(write(tmp_path, "cut.iif", text=IIF_TEXT.rsplit("ENDTRNS", 1)[0]))


def test_folder_merge_newest_of_each_kind(tmp_path):
    history = [["Invoice List by Date"], ["Acme Co"], ["January 1-October 31, 2026"], [],
               ["Date", "Transaction type", "Num", "Name", "Memo", "Due date", "Amount", "Open balance"],
               ["09/01/2026", "Invoice", "1", "Anna", "", "10/01/2026", "1,000.00", "0.00"],
               ["09/15/2026", "Invoice", "2", "Anna", "", "10/15/2026", "400.00", "400.00"],
               ["10/20/2026", "Invoice", "3", "Anna", "", "11/19/2026", "70.00", "70.00"],
               ["TOTAL", "", "", "", "", "", "$1,470.00", "$470.00"]]

    def open_invoices(as_of, amount):
        return [["Open Invoices Report"], ["Acme Co"], [f"As of {as_of}"], [],
                ["", "Date", "Transaction type", "Num", "Term", "Due date", "Open balance"],
                ["Anna"], ["", "09/01/2026", "Invoice", "1", "", "10/01/2026", amount],
                ["Total for Anna", "", "", "", "", "", amount], ["TOTAL", "", "", "", "", "", amount]]
    write(tmp_path, "list.csv", history)
    old = write(tmp_path, "open old.csv", open_invoices("Sep 30, 2026", "1,000.00"))
    new = write(tmp_path, "open new.csv", open_invoices("Oct 12, 2026", "600.00"))
    os.utime(old, ns=(2_000_000_000_000_000_000, 2_000_000_000_000_000_000))   # newer file, older report
    os.utime(new, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    books = read_source(tmp_path)
    assert books.kinds == (QBO_OPEN_INVOICES, QBO_INVOICE_LIST) and books.report_date == date(2026, 10, 12)
    got = {i.number: (i.total, i.open_amount, i.due) for i in books.items}
    assert got == {"1": (Decimal("1000.00"), Decimal("600.00"), date(2026, 10, 1)),
                   "2": (Decimal("400.00"), Decimal("0.00"), date(2026, 10, 15)),   # not listed: settled by then
                   "3": (Decimal("70.00"), Decimal("70.00"), date(2026, 11, 19))}   # issued after the report
    assert any("open old.csv" in str(n) for n in books.notes)
    assert read_source(new).report_date == date(2026, 10, 12)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match="no QuickBooks exports"):
        read_source(empty)


def test_folder_notes_are_issues_naming_each_file(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    write(folder, "list.csv", [
        ["Invoice List by Date"], ["Acme Co"], ["January 1-October 31, 2026"], [],
        ["Date", "Transaction type", "Num", "Name", "Memo", "Due date", "Amount", "Open balance"],
        ["09/01/2026", "Invoice", "1", "Anna", "", "10/01/2026", "1,000.00", "0.00"],
        ["09/15/2026", "Invoice", "2", "Anna", "", "10/15/2026", "400.00", "400.00"],
        ["09/16/2026", "Estimate", "E1", "Anna", "", "", "5.00", "5.00"],
        ["TOTAL", "", "", "", "", "", "$1,405.00", "$405.00"]])
    for name, as_of in (("open old.csv", "Sep 30, 2026"), ("open new.csv", "Oct 12, 2026")):
        write(folder, name, [["Open Invoices Report"], ["Acme Co"], [f"As of {as_of}"], [],
                             ["", "Date", "Transaction type", "Num", "Term", "Due date", "Open balance"],
                             ["Anna"], ["", "09/01/2026", "Invoice", "1", "", "10/01/2026", "600.00"],
                             ["Total for Anna", "", "", "", "", "", "600.00"], ["TOTAL", "", "", "", "", "", "600.00"]])
    books = read_source(folder)
    assert all(isinstance(n, Issue) for n in books.notes)
    assert {n.source for n in books.notes} == {"exports", "open new.csv", "list.csv"}
    for name in ("open new.csv", "list.csv"):          # each file's notes as reading the file alone gives them
        own = read_export(folder / name).notes
        assert own and all(n.source == name for n in own)
        assert [n for n in books.notes if n.source == name] == list(own)
    by_text = {str(n): n for n in books.notes}
    assert by_text["exports: open items from open new.csv"].severity == "info"
    assert by_text["exports: older exports of the same report ignored: open old.csv"].severity == "warning"
    assert by_text["open new.csv: dates could be read either way (no day above 12); read as MM/DD/YYYY"].severity \
        == "warning"
    assert by_text["list.csv: the report does not say when settled invoices were paid"].severity == "info"
    skipped = by_text["list.csv, column 'Transaction type': rows of other transaction types skipped: Estimate (1)"]
    assert (skipped.row, skipped.severity) == (None, "warning")
