"""QuickBooks sales reports as the credit-sales source for DSO: Sales by Customer Summary (Online, with and without
month columns; Desktop), Sales by Customer Detail (invoices, sales receipts, a credit memo and a refund receipt),
CSV and XLSX, each written here as QuickBooks prints it (title block, header, rows, subtotals, TOTAL); the figures
asserted are worked by hand in the comments."""
from __future__ import annotations

import csv
import io
import json
import sqlite3
from dataclasses import replace
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from click.testing import CliRunner

from cli import cli
from connectors.quickbooks import (
    QBD_SALES_BY_CUSTOMER_DETAIL,
    QBD_SALES_BY_CUSTOMER_SUMMARY,
    QBO_SALES_BY_CUSTOMER_DETAIL,
    QBO_SALES_BY_CUSTOMER_SUMMARY,
    detect,
    read_export,
    read_source,
)
from receivables.dso import dso
from receivables.errors import InputError
from receivables.ledger import MIGRATIONS, SCHEMA_VERSION, Ledger
from receivables.records import ISSUED_HISTORY, OPEN_ITEMS, SALES_TOTALS, SalesTotal

D = Decimal
AS_OF = date(2026, 10, 31)
FOOTER = "Accrual Basis Sunday, November 1, 2026 09:41 AM GMT-04:00"
CASH_WARNING = ("credit sales include cash sales (sales receipts): the Sales by Customer Summary cannot tell them "
                "apart, so DSO looks better than it is")


def write(path, rows) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8", newline="")


# The A/R Aging Summary of the issue: 5,281.52 open, all of it over 90 days.
AGING_SUMMARY = [
    ["A/R Aging Summary Report"], ["Harbor Test Co"], ["As of October 31, 2026"], [],
    ["", "CURRENT", "1 - 30", "31 - 60", "61 - 90", "91 AND OVER", "Total"],
    ["Alpha Co", "", "", "", "", "3,000.00", "3,000.00"],
    ["Bravo LLC", "", "", "", "", "", ""],
    ["   Harbor Street", "", "", "", "", "2,281.52", "2,281.52"],
    ["Total for Bravo LLC", "", "", "", "", "2,281.52", "$2,281.52"],
    ["TOTAL", "$0.00", "$0.00", "$0.00", "$0.00", "$5,281.52", "$5,281.52"],
    [], [], [FOOTER],
]

# A Sales by Customer Summary for the twelve months to the aging's date, totalling 10,280.05; Bravo LLC's two
# sub-customers under its heading, closed by its subtotal.
SUMMARY = [
    ["Sales by Customer Summary"], ["Harbor Test Co"], ["November 1, 2025 - October 31, 2026"], [],
    ["", "Total"],
    ["Alpha Co", "6,000.00"],
    ["Bravo LLC", ""],
    ["   Harbor Street", "2,500.00"],
    ["   Pier 9", "1,780.05"],
    ["Total for Bravo LLC", "$4,280.05"],
    ["TOTAL", "$10,280.05"],
    [], [], [FOOTER],
]

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct"]
ALPHA = ["500.00", "600.00", "700.00", "600.00", "500.00", "700.00", "600.00", "580.05", "600.00", "620.00"]
HARBOR = ["300.00", "300.00", "300.00", "500.00", "500.00", "500.00", "400.00", "500.00", "500.00", "480.00"]
# Month by month (both rows): 800, 900, 1,000, 1,100, 1,000, 1,200, 1,000, 1,080.05, 1,100, 1,100 = 10,280.05.
MONTH_TOTALS = ["$800.00", "$900.00", "$1,000.00", "$1,100.00", "$1,000.00", "$1,200.00", "$1,000.00", "$1,080.05",
                "$1,100.00", "$1,100.00"]


def monthly_summary() -> list[list]:
    """The Summary run with columns by month for January 1-October 31, 2026 (304 days)."""
    return [
        ["Sales by Customer Summary"], ["Harbor Test Co"], ["January 1-October 31, 2026"], [],
        ["", *[f"{m} 2026" for m in MONTHS], "Total"],
        ["Alpha Co", *ALPHA, "6,000.05"],
        ["Bravo LLC"] + [""] * 11,
        ["   Harbor Street", *HARBOR, "4,280.00"],
        ["Total for Bravo LLC", *[f"${D(v):,.2f}" for v in HARBOR], "$4,280.00"],
        ["TOTAL", *MONTH_TOTALS, "$10,280.05"],
        [], [], [FOOTER],
    ]


# A Sales by Customer Detail for September and October 2026: one line per invoice line (invoice 1003 has two).
DETAIL = [
    ["Sales by Customer Detail"], ["Harbor Test Co"], ["September 1-October 31, 2026"], [],
    ["", "Date", "Transaction type", "Num", "Product/Service", "Memo/Description", "Qty", "Sales price", "Amount",
     "Balance"],
    ["Alpha Co", "", "", "", "", "", "", "", "", ""],
    ["", "09/05/2026", "Invoice", "1001", "Consulting", "", "8", "100.00", "800.00", "800.00"],
    ["", "09/20/2026", "Sales Receipt", "1002", "Parts", "", "3", "50.00", "150.00", "950.00"],
    ["", "10/03/2026", "Invoice", "1003", "Consulting", "", "4", "100.00", "400.00", "1,350.00"],
    ["", "10/03/2026", "Invoice", "1003", "Travel", "", "1", "100.00", "100.00", "1,450.00"],
    ["", "10/12/2026", "Credit Memo", "1004", "Consulting", "", "-1", "50.00", "-50.00", "1,400.00"],
    ["Total for Alpha Co", "", "", "", "", "", "", "", "$1,400.00", ""],
    ["Bravo LLC", "", "", "", "", "", "", "", "", ""],
    ["   Harbor Street", "", "", "", "", "", "", "", "", ""],
    ["", "09/15/2026", "Sales Receipt", "1005", "Parts", "", "6", "50.00", "300.00", "300.00"],
    ["", "10/10/2026", "Invoice", "1006", "Consulting", "", "7", "100.00", "700.00", "1,000.00"],
    ["", "10/20/2026", "Refund Receipt", "1007", "Parts", "", "-1", "20.00", "-20.00", "980.00"],
    ["Total for Harbor Street", "", "", "", "", "", "", "", "$980.00", ""],
    ["Total for Bravo LLC", "", "", "", "", "", "", "", "$980.00", ""],
    ["TOTAL", "", "", "", "", "", "", "", "$2,380.00", ""],
    [], [], [FOOTER],
]


def folder(tmp_path, name: str, sales_rows, *, aging=AGING_SUMMARY):
    where = tmp_path / name
    where.mkdir()
    write(where / "Harbor Test Co_A_R Aging Summary Report.csv", aging)
    write(where / "Harbor Test Co_Sales by Customer Summary.csv", sales_rows)
    return where


def run_dso(tmp_path, where, *args) -> dict:
    result = CliRunner().invoke(cli, ["--ledger", str(tmp_path / "l.db"), "dso", str(where), "--as-of",
                                      "2026-10-31", "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_aging_summary_and_sales_summary_give_dso_187_5(tmp_path):
    where = folder(tmp_path, "october", SUMMARY)
    # Last year's Summary in the same folder: the newest of the kind counts. An A/P aging is still skipped.
    older = [r[:] for r in SUMMARY]
    older[2] = ["November 1, 2024 - October 31, 2025"]
    older[5], older[10] = ["Alpha Co", "$1.00"], ["TOTAL", "$4,281.05"]
    write(where / "last year.csv", older)
    write(where / "ap.csv", [["A/P Aging Summary"], ["Harbor Test Co"], ["As of October 31, 2026"], [],
                             ["", "Current", "Total"], ["Paper Mill Inc", "120.00", "$120.00"],
                             ["TOTAL", "$120.00", "$120.00"]])
    out = run_dso(tmp_path, where)
    # AR at 2026-10-31 over the year's sales, times the 365 days of 2025-11-01..2026-10-31:
    # 5,281.52 / 10,280.05 x 365 = 0.513764 x 365 = 187.52 -> 187.5 days.
    assert (out["ar"], out["credit_sales"], out["dso"]) == ("5281.52", "10280.05", "187.5")
    assert (out["period_start"], out["period_days"]) == ("2025-11-01", 365)
    assert "DSO over the sales report's period 2025-11-01..2026-10-31 (365 days)" in out["warnings"]
    assert CASH_WARNING in out["warnings"]
    # No monthly trend from one total: the months and the countback say why.
    assert out["countback_dso"] is None and "one total" in out["reasons"]["countback_dso"]
    october = out["months"][-1]
    assert october["ar"] == "5281.52" and october["dso"] is None
    assert "not month by month" in october["reasons"]["dso"]
    # Per customer, by the same names: Alpha 3,000.00 / 6,000.00 x 365 = 182.5; Harbor Street 2,281.52 / 2,500.00
    # x 365 = 333.1; Pier 9 bought 1,780.05 and owes nothing: 0.0.
    cust = {c["customer"]: c["dso"] for c in out["customers"]}
    assert cust == {"Alpha Co": "182.5", "Bravo LLC:Harbor Street": "333.1", "Bravo LLC:Pier 9": "0.0"}
    # The sales report is read, not skipped; a sales report beside an A/R report does not say "no open items".
    assert [w for w in out["warnings"] if "skipped" in w or "ignored" in w] == [
        "october: older exports of the same report ignored: last year.csv",
        "october: skipped ap.csv: not a receivables report (its title: 'A/P Aging Summary')"]
    assert not any("no open items" in w for w in out["warnings"])


def test_a_detail_is_preferred_to_a_summary_of_the_same_period(tmp_path):
    where = folder(tmp_path, "both", SUMMARY)
    detail = [r[:] for r in DETAIL]
    detail[2] = ["November 1, 2025 - October 31, 2026"]
    write(where / "detail.csv", detail)
    books = read_source(where)
    assert books.kinds[-1] == QBO_SALES_BY_CUSTOMER_DETAIL and all(s.cash is not None for s in books.sales)
    assert any(n.message == "other sales reports not used: Harbor Test Co_Sales by Customer Summary.csv"
               for n in books.notes)


def test_summary_read_alone_holds_sales_totals_for_its_period(tmp_path):
    path = tmp_path / "sales.csv"
    write(path, SUMMARY)
    assert detect(path) == QBO_SALES_BY_CUSTOMER_SUMMARY
    books = read_export(path)
    assert books.kinds == (QBO_SALES_BY_CUSTOMER_SUMMARY,) and books.knows == {SALES_TOTALS}
    assert books.items == () and books.report_date is None
    assert books.period == (date(2025, 11, 1), date(2026, 10, 31))
    year = (date(2025, 11, 1), date(2026, 10, 31))
    assert [(s.customer_id, (s.first, s.last), s.amount, s.cash) for s in books.sales] == [
        ("Alpha Co", year, D("6000.00"), None),
        ("Bravo LLC:Harbor Street", year, D("2500.00"), None),
        ("Bravo LLC:Pier 9", year, D("1780.05"), None),
    ]
    assert {c.id for c in books.customers} == {"Alpha Co", "Bravo LLC", "Bravo LLC:Harbor Street", "Bravo LLC:Pier 9"}


def test_a_sales_report_alone_has_no_open_items_and_says_so(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "sales.csv", SUMMARY)
    # Aging: nothing open, and the warning says why (an A/R report is needed).
    aging = CliRunner().invoke(cli, ["--ledger", "l.db", "aging", "sales.csv", "--as-of", "2026-10-31",
                                     "--format", "json"])
    assert aging.exit_code == 0, aging.output
    out = json.loads(aging.stdout)
    assert out["totals"]["total"] == "0.00"
    assert any("a sales report holds no open items" in w for w in out["warnings"])
    # DSO: credit sales known, AR unknown (not zero), so no DSO rather than 0.0.
    out = run_dso(tmp_path, "sales.csv")
    assert out["credit_sales"] == "10280.05" and out["ar"] is None and out["dso"] is None
    assert "no open items, so AR is unknown" in out["reasons"]["dso"]
    assert out["customers"] == []


def test_summary_with_month_columns_gives_monthly_dso_and_countback(tmp_path):
    where = folder(tmp_path, "months", monthly_summary())
    books = read_source(where)
    assert books.kinds == ("qbo_ar_aging_summary", QBO_SALES_BY_CUSTOMER_SUMMARY)
    by_month = {}
    for s in books.sales:
        assert s.first.day == 1 and s.last.month == s.first.month and s.cash is None
        by_month[s.first.month] = by_month.get(s.first.month, D(0)) + s.amount
    assert by_month == {k + 1: D(t.strip("$").replace(",", "")) for k, t in enumerate(MONTH_TOTALS)}
    out = run_dso(tmp_path, where)
    # The twelve months asked for start in November 2025, before the report: DSO over its own 304 days:
    # 5,281.52 / 10,280.05 x 304 = 156.18 -> 156.2.
    assert (out["credit_sales"], out["dso"], out["period_start"], out["period_days"]) == (
        "10280.05", "156.2", "2026-01-01", 304)
    assert "DSO over the sales report's period 2026-01-01..2026-10-31 (304 days)" in out["warnings"]
    assert CASH_WARNING in out["warnings"]
    # Countback at 2026-10-31: October 1,100 (31 days), September 1,100 (30), August 1,080.05 (31), July 1,000
    # (31) leave 5,281.52 - 4,280.05 = 1,001.47 of June's 1,200 over 30 days: 123 + 25.04 = 148.0.
    assert out["countback_dso"] == "148.0"
    months = {m["month"]: m for m in out["months"]}
    # October: 5,281.52 / 1,100.00 x 31 = 148.84 -> 148.8; earlier months' AR is unknown from an aging at 31 Oct.
    assert (months["2026-10"]["credit_sales"], months["2026-10"]["dso"]) == ("1100.00", "148.8")
    assert months["2026-08"]["credit_sales"] == "1080.05" and months["2026-08"]["ar"] is None
    assert months["2025-12"]["credit_sales"] is None          # before the report's period


def test_summary_month_columns_must_add_up_to_the_row_total(tmp_path):
    rows = monthly_summary()
    rows[5][-1] = "6,000.06"                              # Alpha Co's total, a cent more than its months
    rows[9][-1] = "$10,280.06"
    write(tmp_path / "bad.csv", rows)
    with pytest.raises(InputError) as err:
        read_export(tmp_path / "bad.csv")
    assert (err.value.row, err.value.column) == (6, "Total")
    assert "the months add up to 6000.05 but the row's total says 6000.06" in str(err.value)


def test_summary_subtotal_that_does_not_add_up_is_refused_naming_the_rows(tmp_path):
    rows = [r[:] for r in SUMMARY]
    rows[9][1] = "$4,280.06"
    write(tmp_path / "bad.csv", rows)
    with pytest.raises(InputError) as err:
        read_export(tmp_path / "bad.csv")
    assert err.value.row == 10
    assert "rows 8-9 add up to 4280.05 but 'Total for Bravo LLC' says 4280.06" in str(err.value)


def test_detail_credit_sales_exclude_sales_receipts(tmp_path):
    path = tmp_path / "detail.csv"
    write(path, DETAIL)
    assert detect(path) == QBO_SALES_BY_CUSTOMER_DETAIL
    books = read_export(path)
    sep, oct_ = (date(2026, 9, 1), date(2026, 9, 30)), (date(2026, 10, 1), date(2026, 10, 31))
    got = {(s.customer_id, (s.first, s.last)): (s.amount, s.cash) for s in books.sales}
    # Alpha, September: invoice 800 + sales receipt 150 = 950, of it cash 150. October: invoice 1003's two lines
    # 400 + 100, credit memo -50 = 450, no cash. Harbor Street, September: a sales receipt 300 (all cash);
    # October: invoice 700 and a refund receipt -20 = 680, of it cash -20.
    assert got == {("Alpha Co", sep): (D("950.00"), D("150.00")), ("Alpha Co", oct_): (D("450.00"), D("0")),
                   ("Bravo LLC:Harbor Street", sep): (D("300.00"), D("300.00")),
                   ("Bravo LLC:Harbor Street", oct_): (D("680.00"), D("-20.00"))}
    # Credit sales by month: September 800.00 (the invoice; the receipts 150 + 300 left out); October 450 + 700 =
    # 1,150.00 (the refund receipt's -20 left out too).
    credit = {}
    for s in books.sales:
        credit[s.first] = credit.get(s.first, D(0)) + s.amount - s.cash
    assert credit == {sep[0]: D("800.00"), oct_[0]: D("1150.00")}
    assert any("invoices and credit memos (5 lines) are credit sales; sales receipts and refund receipts (3 lines) "
               "are cash sales" in n.message for n in books.notes)


def test_detail_beside_an_aging_gives_dso_over_credit_sales_only(tmp_path):
    aging = [r[:] for r in AGING_SUMMARY]
    aging[5] = ["Alpha Co", "1,000.00", "", "", "", "", "1,000.00"]
    aging[7] = ["   Harbor Street", "700.00", "", "", "", "", "700.00"]
    aging[8] = ["Total for Bravo LLC", "700.00", "", "", "", "", "$700.00"]
    aging[9] = ["TOTAL", "$1,700.00", "$0.00", "$0.00", "$0.00", "$0.00", "$1,700.00"]
    where = tmp_path / "detail"
    where.mkdir()
    write(where / "aging.csv", aging)
    write(where / "detail.csv", DETAIL)
    out = run_dso(tmp_path, where, "--months", "2")
    # AR 1,700.00 over credit sales 800 + 1,150 = 1,950.00 in the 61 days of September and October: 53.18 -> 53.2.
    assert (out["ar"], out["credit_sales"], out["dso"], out["period_days"]) == ("1700.00", "1950.00", "53.2", 61)
    # Countback: October's 1,150 (31 days), then 550 of September's 800 over 30 days = 20.6: 51.6.
    assert out["countback_dso"] == "51.6"
    months = {m["month"]: m for m in out["months"]}
    assert (months["2026-10"]["credit_sales"], months["2026-10"]["dso"]) == ("1150.00", "45.8")   # 1,700/1,150x31
    assert months["2026-09"]["credit_sales"] == "800.00"
    assert CASH_WARNING not in out["warnings"] and not any("cash sales" in w for w in out["warnings"])
    cust = {c["customer"]: (c["credit_sales"], c["dso"]) for c in out["customers"]}
    # Alpha: 1,000 / (800 + 450) x 61 = 48.8; Harbor Street: 700 / 700 x 61 = 61.0.
    assert cust == {"Alpha Co": ("1250.00", "48.8"), "Bravo LLC:Harbor Street": ("700.00", "61.0")}


def test_detail_subtotal_that_does_not_add_up_is_refused_naming_the_rows(tmp_path):
    rows = [r[:] for r in DETAIL]
    rows[11][8] = "$1,400.01"
    write(tmp_path / "bad.csv", rows)
    with pytest.raises(InputError) as err:
        read_export(tmp_path / "bad.csv")
    assert (err.value.row, err.value.column) == (12, "Amount")
    assert "rows 7-11 add up to 1400.00 but 'Total for Alpha Co' says 1400.01" in str(err.value)


def test_detail_refuses_an_unknown_type_and_names_other_types_it_leaves_out(tmp_path):
    rows = [r[:] for r in DETAIL]
    rows[7][2] = "Gift"
    write(tmp_path / "bad.csv", rows)
    with pytest.raises(InputError) as err:
        read_export(tmp_path / "bad.csv")
    assert err.value.row == 8 and "unknown transaction type 'Gift'" in str(err.value)
    rows[7][2] = "Journal Entry"                  # documented, neither an invoice nor a sales receipt: left out
    write(tmp_path / "je.csv", rows)
    books = read_export(tmp_path / "je.csv")
    alpha_sep = next(s for s in books.sales if s.customer_id == "Alpha Co" and s.first.month == 9)
    assert (alpha_sep.amount, alpha_sep.cash) == (D("800.00"), D("0"))
    assert any(n.message == "lines of other transaction types left out of sales: Journal Entry (1)"
               for n in books.notes)


def test_a_cash_basis_report_is_refused(tmp_path):
    rows = [r[:] for r in DETAIL]
    rows[5][0], rows[11][0] = "Cash Basis Co", "Total for Cash Basis Co"          # a customer's name is no basis
    write(tmp_path / "named.csv", rows)
    assert {s.customer_id for s in read_export(tmp_path / "named.csv").sales} >= {"Cash Basis Co"}
    rows[-1] = [FOOTER.replace("Accrual", "Cash")]
    write(tmp_path / "cash.csv", rows)
    with pytest.raises(InputError) as err:
        read_export(tmp_path / "cash.csv")
    assert "cash basis" in str(err.value) and "accrual" in err.value.hint


def test_desktop_summary_total_only_and_with_months(tmp_path):
    # QuickBooks Desktop: time, date and basis at the left of company, title and period; "Total only" heads its one
    # column with the period; jobs under their customer, closed by "Total <customer>".
    rows = [
        ["9:41 AM", "Harbor Test Co"], ["11/01/26", "Sales by Customer Summary"],
        ["Accrual Basis", "November 1, 2025 through October 31, 2026"], [],
        ["", "Nov '25 - Oct 26"],
        ["Alpha Co", "6,000.00"],
        ["Bravo LLC", ""],
        ["Harbor Street", "2,500.00"],
        ["Pier 9", "1,780.05"],
        ["Total Bravo LLC", "4,280.05"],
        ["TOTAL", "10,280.05"],
    ]
    where = folder(tmp_path, "desktop", rows)
    assert detect(where / "Harbor Test Co_Sales by Customer Summary.csv") == QBD_SALES_BY_CUSTOMER_SUMMARY
    out = run_dso(tmp_path, where)
    assert (out["dso"], out["period_days"]) == ("187.5", 365) and CASH_WARNING in out["warnings"]
    # With columns by month Desktop heads them "Nov 25" and closes with "TOTAL".
    months = ["Nov 25", "Dec 25"] + [f"{m} 26" for m in MONTHS]
    rows[4] = ["", *months, "TOTAL"]
    rows[5] = ["Alpha Co"] + ["500.00"] * 12 + ["6,000.00"]
    rows[6] = ["Bravo LLC"] + [""] * 13
    rows[7] = ["Harbor Street"] + ["200.00"] * 11 + ["300.00", "2,500.00"]
    rows[8] = ["Pier 9"] + [""] * 11 + ["1,780.05", "1,780.05"]
    rows[9] = ["Total Bravo LLC"] + ["200.00"] * 11 + ["2,080.05", "4,280.05"]
    rows[10] = ["TOTAL"] + ["700.00"] * 11 + ["2,580.05", "10,280.05"]
    write(tmp_path / "months.csv", rows)
    books = read_export(tmp_path / "months.csv")
    assert books.kinds == (QBD_SALES_BY_CUSTOMER_SUMMARY,) and books.period == (date(2025, 11, 1), AS_OF)
    october = sorted((s.customer_id, s.amount) for s in books.sales if s.first == date(2026, 10, 1))
    assert october == [("Alpha Co", D("500.00")), ("Bravo LLC:Harbor Street", D("300.00")),
                       ("Bravo LLC:Pier 9", D("1780.05"))]


def test_desktop_detail_reads_its_type_and_name_columns(tmp_path):
    rows = [
        ["9:41 AM", "Harbor Test Co"], ["11/01/26", "Sales by Customer Detail"],
        ["Accrual Basis", "October 2026"], [],
        ["", "Type", "Date", "Num", "Memo", "Name", "Item", "Qty", "Sales Price", "Amount", "Balance"],
        ["Alpha Co", "", "", "", "", "", "", "", "", "", ""],
        ["", "Invoice", "10/03/2026", "1003", "", "Alpha Co", "Consulting", "5", "100.00", "500.00", "500.00"],
        ["", "Sales Receipt", "10/09/2026", "1010", "", "Alpha Co", "Parts", "1", "75.00", "75.00", "575.00"],
        ["Total Alpha Co", "", "", "", "", "", "", "", "", "575.00", "575.00"],
        ["TOTAL", "", "", "", "", "", "", "", "", "575.00", "575.00"],
    ]
    write(tmp_path / "qbd.csv", rows)
    books = read_export(tmp_path / "qbd.csv")
    assert books.kinds == (QBD_SALES_BY_CUSTOMER_DETAIL,)
    assert [(s.customer_id, s.first, s.last, s.amount, s.cash) for s in books.sales] == [
        ("Alpha Co", date(2026, 10, 1), date(2026, 10, 31), D("500.00") + D("75.00"), D("75.00"))]


def test_xlsx_summary_with_month_columns(tmp_path):
    # QuickBooks Online's Excel export: merged title rows, amounts as numbers, the totals as formulas.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sales by Customer Summary"
    for n, text in enumerate(["Sales by Customer Summary", "Harbor Test Co", "January 1-October 31, 2026"], start=1):
        ws.cell(n, 1, text)
        ws.merge_cells(start_row=n, start_column=1, end_row=n, end_column=12)
    ws.append([])
    ws.append(["", *[f"{m} 2026" for m in MONTHS], "Total"])
    ws.append(["Alpha Co", *[float(v) for v in ALPHA], "=SUM(B6:K6)"])
    ws.append(["Bravo LLC"])
    ws.append(["   Harbor Street", *[float(v) for v in HARBOR], "=SUM(B8:K8)"])
    ws.append(["Total for Bravo LLC", *[f"={c}8" for c in "BCDEFGHIJKL"]])
    ws.append(["TOTAL", *[f"={c}6+{c}9" for c in "BCDEFGHIJKL"]])
    ws.append([])
    ws.append([FOOTER])
    path = tmp_path / "Harbor Test Co_Sales by Customer Summary.xlsx"
    wb.save(path)
    books = read_export(path)
    assert books.kinds == (QBO_SALES_BY_CUSTOMER_SUMMARY,)
    assert books.period == (date(2026, 1, 1), AS_OF)
    assert sum((s.amount for s in books.sales), D(0)) == D("10280.05")
    assert {s.amount for s in books.sales if s.first == date(2026, 8, 1)} == {D("580.05"), D("500.00")}


def test_a_customised_detail_without_a_type_column_counts_everything_and_says_so(tmp_path):
    # A customised Sales by Customer Detail as people publish it: company first, the title with two spaces, a
    # period with spaced dashes, only Date, Account, Amount and Ref # columns, amounts padded with spaces.
    rows = [
        ["Harbor Test Co", "", "", "", ""], ["Sales by  Customer Detail", "", "", "", ""],
        ["January 1 - August 2, 2026", "", "", "", ""], ["", "", "", "", ""],
        ["", "Date", "Account", "Amount", "Ref #"],
        ["Alpha Co", "", "", "", ""],
        ["", "05/22/2026", "Services:Consulting", "600.00  ", "9RX1"],
        ["Total for Alpha Co", "", "", "$600.00  ", ""],
        ["Charlie Inc", "", "", "", ""],
        ["", "02/03/2026", "Services:Consulting", "270.00  ", "5250"],
        ["", "08/01/2026", "Services:Support", "\"1,200.00  \"", "72S9"],
        ["Total for Charlie Inc", "", "", "\"$1,470.00  \"", ""],
        ["TOTAL", "", "", "\"$2,070.00  \"", ""],
    ]
    rows = [[c.strip('"') for c in r] for r in rows]
    write(tmp_path / "custom.csv", rows)
    books = read_export(tmp_path / "custom.csv")
    assert books.period == (date(2026, 1, 1), date(2026, 8, 2))
    assert all(s.cash is None for s in books.sales)
    august = [(s.customer_id, s.first, s.last, s.amount) for s in books.sales if s.first.month == 8]
    assert august == [("Charlie Inc", date(2026, 8, 1), date(2026, 8, 2), D("1200.00"))]
    # Every month of the period is covered, a zero record where nobody bought (March, April, June, July).
    assert sorted({s.first.month for s in books.sales}) == [1, 2, 3, 4, 5, 6, 7, 8]
    assert any("cannot be told from credit sales" in n.message for n in books.notes)


def test_history_wins_over_sales_totals():
    # Books with an invoice history take credit sales from it; sales totals are then not used.
    from tests.test_dso import AS_OF as HIST_AS_OF
    from tests.test_dso import ledger

    base = ledger()
    with_sales = replace(base, knows=base.knows | {SALES_TOTALS},
                         sales=(SalesTotal("A", date(2026, 1, 1), HIST_AS_OF, D("99999.00"), None),))
    assert ISSUED_HISTORY in with_sales.knows
    assert dso(with_sales, HIST_AS_OF, months=3).figures.credit_sales == D(6500)


def test_a_version_3_ledger_opens_and_sales_round_trip(tmp_path):
    path = tmp_path / "v3.db"
    conn = sqlite3.connect(path)
    for script in MIGRATIONS[:3]:
        for statement in script.split(";"):
            if statement.strip():
                conn.execute(statement)
    conn.execute("INSERT INTO snapshots (id, source, source_key, pulled_at, report_date, company_currency, knows,"
                 " notes, rates, period_start, period_end, kinds, state) VALUES (1,'f.csv','qb:f',"
                 "'2026-10-31T10:00:00+00:00','2026-10-31','USD','[\"open_items\"]','[]','{}',NULL,NULL,'[]','{}')")
    conn.execute("PRAGMA user_version = 3")
    conn.commit()
    conn.close()
    where = folder(tmp_path, "october", SUMMARY)
    books = read_source(where)
    with Ledger(path) as led:
        assert led.schema_version == SCHEMA_VERSION == len(MIGRATIONS)
        old = led.load(1)
        assert old.sales == () and old.knows == {OPEN_ITEMS}
        stored = led.store_books(books, source_key="qb:october")
        again = led.store_books(books, source_key="qb:october")
        loaded = led.load(stored.id)
        # The same books without their sales are other content: a new snapshot.
        bare = led.store_books(replace(books, sales=()), source_key="qb:october")
    assert stored.new and not again.new and again.id == stored.id and bare.new
    assert loaded.sales == books.sales and SALES_TOTALS in loaded.knows
    assert dso(loaded, AS_OF).to_json_dict()["dso"] == "187.5"


def test_the_panel_shows_the_dso_a_sales_report_gives(tmp_path):
    from connectors.quickbooks import read_source
    from excel.sheets import panel_data
    from receivables.panel import panel

    books = read_source(folder(tmp_path, "october", SUMMARY))
    cells = panel_data(panel(books, AS_OF)).cells
    assert (cells["TotalAR"], cells["DsoValue"]) == (Decimal("5281.52"), Decimal("187.5"))
