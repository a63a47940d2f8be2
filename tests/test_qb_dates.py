"""Report dates from every layout's header and footer (connectors.quickbooks.kinds, "Report dates"): an "As of"
line, a month, a date range, All Dates, a period QuickBooks names relative to the day it ran the report (Today,
This Month-to-date, Last Month), the run date QuickBooks Online prints in the footer (CSV and XLSX) and Desktop at
the top left; and a file that carries no date at all, which every output says."""
from __future__ import annotations

import csv
import io
import json
from datetime import date

import openpyxl
import pytest
from click.testing import CliRunner

from cli import cli
from connectors.quickbooks import (
    QBD_CUSTOMER_OPEN_BALANCE,
    QBD_OPEN_INVOICES,
    QBO_CUSTOMER_BALANCE_DETAIL,
    QBO_INVOICE_LIST,
    QBO_INVOICES_AND_PAYMENTS,
    QBO_OPEN_INVOICES,
    QBO_TRANSACTION_LIST_BY_CUSTOMER,
    read_export,
)
from connectors.quickbooks.common import NO_DATE

FOOTER = " Sunday, November 1, 2026 11:27 PM GMTZ"                  # Online CSV, open-item reports
BASIS_FOOTER = "Accrual Basis Sunday, November 1, 2026 11:27 PM GMTZ"  # Online CSV, history reports
XLSX_FOOTER = "Sunday, Nov 01, 2026 11:27:00 PM GMTZ - Accrual Basis"  # Online XLSX


def write(path, rows):
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8", newline="")
    return path


def open_invoices(date_line: str | None, footer: str | None):
    """A QuickBooks Online Open Invoices report with the given date line and footer (``None``: left out)."""
    rows = [["Open Invoices Report"], ["Acme Co"]] + ([[date_line]] if date_line else []) + [
        [], ["", "Date", "Transaction type", "Num", "Term", "Due date", "Open balance"],
        ["Anna"], ["", "09/01/2026", "Invoice", "1001", "Net 30", "10/01/2026", "1,200.50"],
        ["", "10/15/2026", "Invoice", "1002", "Net 30", "11/14/2026", "300.00"],
        ["Total for Anna", "", "", "", "", "", "$1,500.50"], ["TOTAL", "", "", "", "", "", "$1,500.50"]]
    return rows + ([[], [], [], [footer]] if footer else [])


INVOICE_LIST_HEADER = ["Date", "Transaction type", "Num", "Name", "Memo", "Due date", "Amount", "Open balance"]


def invoice_list(date_line: str, footer: str | None, *lines):
    rows = [["Invoice List by Date"], ["Acme Co"], [date_line], [], INVOICE_LIST_HEADER, *lines,
            ["TOTAL", "", "", "", "", "", "", ""]]
    return rows + ([[], [], [], [footer]] if footer else [])


def irp(date_line: str, footer: str | None):
    rows = [["Acme Co"], ["Invoices and Received Payments"], [date_line], [],
            ["", "Date", "Transaction type", "Memo/Description", "Transaction number", "Amount", "Payment method",
             "Open Balance"],
            ["Anna"], ["", "07/02/2026", "Invoice", "", "1001", "500.00", "", "0.00"],
            ["", "07/10/2026", "Payment", "", "", "-500.00", "Check", ""]]
    return rows + ([[], [], [], [footer]] if footer else [])


def dated(books):
    return books.report_date, books.period


# --- "As of" ---------------------------------------------------------------------------------------------------

def test_an_as_of_line_is_the_date_of_an_open_item_report_whatever_day_it_ran(tmp_path):
    books = read_export(write(tmp_path / "open.csv", open_invoices("As of Oct 31, 2026", FOOTER)))
    assert books.kinds == (QBO_OPEN_INVOICES,) and dated(books) == (date(2026, 10, 31), None)
    assert not any("date" in n.message for n in books.notes)


def test_desktop_as_of_beside_the_run_time_and_date_at_the_top_left(tmp_path):
    rows = [["3:58 PM", "Acme Co"], ["10/07/26", "Customer Open Balance"],
            ["Accrual Basis", "As of September 30, 2026"], [],
            ["", "Type", "Date", "Num", "Memo", "Due Date", "Open Balance"],
            ["Anna"], ["", "Invoice", "09/01/2026", "77", "", "10/01/2026", "100.00"],
            ["Total Anna", "", "", "", "", "", "100.00"], ["TOTAL", "", "", "", "", "", "100.00"]]
    books = read_export(write(tmp_path / "cob.csv", rows))
    assert books.kinds == (QBD_CUSTOMER_OPEN_BALANCE,) and dated(books) == (date(2026, 9, 30), None)


# --- a month, a date range: the period; the books stand at the run date ----------------------------------------

def test_a_month_is_the_period_of_invoices_and_received_payments_which_stand_at_the_run_date(tmp_path):
    books = read_export(write(tmp_path / "irp.csv", irp("July 2026", "Accrual Basis Monday, August 3, 2026 09:05 AM "
                                                                       "GMT-04:00")))
    assert books.kinds == (QBO_INVOICES_AND_PAYMENTS,)
    assert dated(books) == (date(2026, 8, 3), (date(2026, 7, 1), date(2026, 7, 31)))
    # without the footer the run date is unknown: the end of the period, and the notes say so
    books = read_export(write(tmp_path / "irp bare.csv", irp("July 2026", None)))
    assert dated(books) == (date(2026, 7, 31), (date(2026, 7, 1), date(2026, 7, 31)))
    assert any("prints no run date" in n.message and "2026-07-31" in n.message for n in books.notes)


def test_a_date_range_is_the_period_of_an_invoice_list(tmp_path):
    line = ["09/15/2026", "Invoice", "2", "Anna", "", "10/15/2026", "400.00", "400.00"]
    books = read_export(write(tmp_path / "list.csv", invoice_list("January 1-October 31, 2026", BASIS_FOOTER, line)))
    assert books.kinds == (QBO_INVOICE_LIST,)
    assert dated(books) == (date(2026, 11, 1), (date(2026, 1, 1), date(2026, 10, 31)))
    assert any(n.message.startswith("open balances are as printed when the report was run, on 2026-11-01")
               for n in books.notes)
    old = ["12/05/2025", "Invoice", "1", "Anna", "", "01/04/2026", "100.00", "0.00"]
    books = read_export(write(tmp_path / "december.csv", invoice_list("December 1-31, 2025", None, old)))
    assert dated(books) == (date(2025, 12, 31), (date(2025, 12, 1), date(2025, 12, 31)))


def test_months_of_a_transaction_list_whose_balances_are_derived_up_to_the_period_end(tmp_path):
    rows = [["Transaction List by Customer"], ["Acme Co"], ["January - December 2025"], [],
            ["", "Date", "Transaction type", "Num", "Posting", "Memo/Description", "Account full name", "Amount"],
            ["Anna"], ["", "03/05/2025", "Invoice", "1", "Yes", "", "Accounts Receivable (A/R)", "100.00"],
            ["Total for Anna", "", "", "", "", "", "", "$100.00"], [], [], [], [BASIS_FOOTER]]
    books = read_export(write(tmp_path / "tl.csv", rows))
    assert books.kinds == (QBO_TRANSACTION_LIST_BY_CUSTOMER,)
    # run in November 2026, but it lists nothing after 2025: its derived balances stand at the end of 2025
    assert dated(books) == (date(2025, 12, 31), (date(2025, 1, 1), date(2025, 12, 31)))


# --- All Dates, and the run date in the footer ----------------------------------------------------------------

def test_all_dates_stands_at_the_run_date_in_an_xlsx_footer(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Customer Balance Detail Report"
    for n, text in enumerate(("Customer Balance Detail Report", "Acme Co", "All Dates"), start=1):
        ws.cell(n, 1, text)
        ws.merge_cells(start_row=n, start_column=1, end_row=n, end_column=8)
    for c, name in enumerate(("", "Date", "Transaction type", "Num", "Due date", "Amount", "Open balance",
                              "Balance"), start=1):
        ws.cell(5, c, name)
    for r, row in enumerate((["Anna"], ["", "05/02/2026", "Invoice", "10", "06/01/2026", 300, 300, 300],
                             ["Total for Anna", "", "", "", "", 300, 300, ""], ["TOTAL", "", "", "", "", 300, 300, ""]),
                            start=6):
        for c, value in enumerate(row, start=1):
            if value != "":
                ws.cell(r, c, value)
    ws.cell(13, 1, XLSX_FOOTER)
    path = tmp_path / "cbd.xlsx"
    wb.save(path)
    books = read_export(path)
    assert books.kinds == (QBO_CUSTOMER_BALANCE_DETAIL,) and dated(books) == (date(2026, 11, 1), None)


def test_desktop_all_transactions_stands_at_the_run_date_at_the_top_left(tmp_path):
    rows = [["3:58 PM"], ["Acme Co"], ["10/07/26"], ["Open Invoices"], ["All Transactions"],
            ["", "Type", "Date", "Num", "P. O. #", "Terms", "Due Date", "Aging", "Open Balance"],
            ["Anna"], ["", "Invoice", "09/01/2026", "77", "", "Net 30", "10/01/2026", "6", "100.00"],
            ["Total Anna", "", "", "", "", "", "", "", "100.00"], ["TOTAL", "", "", "", "", "", "", "", "100.00"]]
    books = read_export(write(tmp_path / "qbd.csv", rows))
    assert books.kinds == (QBD_OPEN_INVOICES,) and dated(books) == (date(2026, 10, 7), None)
    assert any("taken to stand at 2026-10-07, when it was run" in n.message for n in books.notes)


# --- periods named relative to the run date --------------------------------------------------------------------

def test_today_is_the_day_the_report_ran(tmp_path):
    books = read_export(write(tmp_path / "open.csv", open_invoices("Today", FOOTER)))
    assert dated(books) == (date(2026, 11, 1), (date(2026, 11, 1), date(2026, 11, 1)))


def test_this_month_to_date_and_last_month_resolve_from_the_run_date(tmp_path):
    line = ["11/03/2026", "Invoice", "7", "Anna", "", "12/03/2026", "250.00", "250.00"]
    books = read_export(write(tmp_path / "list.csv", invoice_list(
        "This Month-to-date", "Accrual Basis Thursday, November 12, 2026 08:02 AM GMT-05:00", line)))
    assert dated(books) == (date(2026, 11, 12), (date(2026, 11, 1), date(2026, 11, 12)))
    books = read_export(write(tmp_path / "irp.csv", irp("Last Month", "Accrual Basis Monday, August 3, 2026 09:05 AM "
                                                                       "GMT-04:00")))
    assert dated(books) == (date(2026, 8, 3), (date(2026, 7, 1), date(2026, 7, 31)))
    # without a run date such a period cannot be placed, and the report carries no date
    books = read_export(write(tmp_path / "bare.csv", invoice_list("This Month-to-date", None, line)))
    assert dated(books) == (None, None)
    assert any(n.message == NO_DATE and n.severity == "warning" for n in books.notes)


# --- no date at all: every output says so ---------------------------------------------------------------------

@pytest.fixture
def undated(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "open.csv", open_invoices(None, None))
    return tmp_path / "open.csv"


def test_a_file_without_a_date_says_so_in_its_notes(undated):
    books = read_export(undated)
    assert books.report_date is None
    note = next(n for n in books.notes if n.message == NO_DATE)
    assert note.severity == "warning" and note.source == "open.csv"
    assert NO_DATE.startswith("the report prints no date")
    assert "its open balances may be of any day" in NO_DATE


def invoke(*args):
    result = CliRunner().invoke(cli, ["--ledger", "l.db", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_every_table_head_says_the_books_date_is_unknown(undated):
    heads = {command: invoke(command, "open.csv", "--as-of", "2026-10-31").splitlines()[0]
             for command in ("aging", "dso", "customers", "forecast")}
    assert heads["aging"] == "Aging as of 2026-10-31 by due date, USD (books' date unknown)"
    assert all(head.endswith(" (books' date unknown)") for head in heads.values()), heads
    dated_head = invoke("aging", "--as-of", "2026-10-31",
                        str(write(undated.parent / "dated.csv", open_invoices("As of Oct 31, 2026", FOOTER))))
    assert dated_head.splitlines()[0] == "Aging as of 2026-10-31 by due date, USD (books as of 2026-10-31)"


def test_json_says_null_and_warns(undated):
    for command in ("aging", "dso", "customers", "forecast"):
        out = json.loads(invoke(command, "open.csv", "--as-of", "2026-10-31", "--format", "json"))
        assert out["source_date"] is None, command
        assert f"open.csv: {NO_DATE}" in out["warnings"], command


def test_the_panel_says_the_books_date_is_unknown(undated):
    from excel.sheets import panel_data
    from receivables.panel import panel

    cells = panel_data(panel(read_export(undated), date(2026, 10, 31))).cells
    assert cells["DataAsOf"] == "2026-10-31 (books' date unknown, open.csv)"
    dated_books = read_export(write(undated.parent / "dated.csv", open_invoices("As of Oct 31, 2026", FOOTER)))
    assert panel_data(panel(dated_books, date(2026, 10, 31))).cells["DataAsOf"] == \
        "2026-10-31 (books as of 2026-10-31, dated.csv)"
