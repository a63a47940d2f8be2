"""QuickBooks open-item reports: the same small books in every layout give the same open items."""
from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from connectors.quickbooks import (
    QBD_AR_AGING_DETAIL,
    QBD_CUSTOMER_OPEN_BALANCE,
    QBD_OPEN_INVOICES,
    QBO_AR_AGING_DETAIL,
    QBO_AR_AGING_SUMMARY,
    QBO_OPEN_INVOICES,
    detect,
    read_export,
)
from receivables.errors import InputError
from receivables.records import DUE_DATES, OPEN_ITEMS, ItemKind

AS_OF = date(2026, 10, 7)
FREEMAN = "Freeman Sporting Goods:55 Twin Lane"
# (customer, type, num, date, due, amount, open balance, section)
BOOKS = [
    ("Anna E Yount", "Invoice", "1001", "09/01/2026", "10/01/2026", "1,500.00", "1,200.00", "1 - 30"),
    ("Anna E Yount", "Payment", "25763", "09/22/2026", "09/22/2026", "-200.00", "-200.00", "1 - 30"),
    ("Bravo Ltd", "Credit Memo", "5001", "10/02/2026", "10/02/2026", "-50.00", "-50.00", "1 - 30"),
    (FREEMAN, "Invoice", "1002", "06/15/2026", "07/15/2026", "562.50", "562.50", "61 - 90"),
    ("Bravo Ltd", "Invoice", "1003", "10/05/2026", "11/04/2026", "2,345.67", "2,345.67", "CURRENT"),
]
EXPECTED = {
    ("Anna E Yount", "1001", ItemKind.INVOICE, date(2026, 9, 1), date(2026, 10, 1), Decimal("1200.00")),
    ("Anna E Yount", "25763", ItemKind.PAYMENT, date(2026, 9, 22), date(2026, 9, 22), Decimal("-200.00")),
    ("Bravo Ltd", "5001", ItemKind.CREDIT_NOTE, date(2026, 10, 2), date(2026, 10, 2), Decimal("-50.00")),
    (FREEMAN, "1002", ItemKind.INVOICE, date(2026, 6, 15), date(2026, 7, 15), Decimal("562.50")),
    ("Bravo Ltd", "1003", ItemKind.INVOICE, date(2026, 10, 5), date(2026, 11, 4), Decimal("2345.67")),
}


def to_csv(rows, *, encoding="utf-8", bom=False) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode(encoding)


def dec(text: str) -> Decimal:
    return Decimal(text.replace(",", "").replace("$", ""))


def usd(value: Decimal) -> str:
    return f"-${-value:,.2f}" if value < 0 else f"${value:,.2f}"


def qbo_aging_detail_rows(title="A/R Aging Detail Report", order=("title", "company", "period")):
    block = {"title": title, "company": "Acme Co", "period": "As of Oct 7, 2026"}
    rows = [[block[k], "", "", "", "", "", "", ""] for k in order] + [[]]
    rows.append(["", "Date", "Transaction type", "Num", "Customer full name", "Due date", "Amount", "Open balance"])
    total = Decimal(0)
    for section, label in [("91 or more", None), ("61 - 90", "61 - 90 days past due"),
                           ("1 - 30", "1 - 30 days past due"), ("CURRENT", "Current")]:
        lines = [b for b in BOOKS if b[7] == section]
        if not lines:
            continue
        rows.append([label])
        for cust, typ, num, d, due, amount, opened, _ in lines:
            rows.append(["", d, typ, num, cust, due, amount, opened])
        s_amount, s_open = sum(dec(b[5]) for b in lines), sum(dec(b[6]) for b in lines)
        rows.append([f"Total for {label}", "", "", "", "", "", usd(s_amount), usd(s_open)])
        total += s_open
    rows.append(["TOTAL", "", "", "", "", "", usd(sum(dec(b[5]) for b in BOOKS)), usd(total)])
    rows += [[], [], [], [" Wednesday, October 07, 2026 01:49 PM GMT-06:00"]]
    return rows


def qbo_open_invoices_rows():
    rows = [["Open Invoices Report"], ["Acme Co"], ["As of Oct 7, 2026"], [],
            ["", "Date", "Transaction type", "Num", "Term", "Due date", "Open balance"]]
    for cust in ("Anna E Yount", "Bravo Ltd"):
        rows.append([cust])
        lines = [b for b in BOOKS if b[0] == cust]
        rows += [["", b[3], b[1], b[2], "Net 30", b[4], b[6]] for b in lines]
        rows.append([f"Total for {cust}", "", "", "", "", "", usd(sum(dec(b[6]) for b in lines))])
    rows += [["Freeman Sporting Goods"], ["55 Twin Lane"], ["", "06/15/2026", "Invoice", "1002", "", "07/15/2026",
                                                               "562.50"],
             ["Total for 55 Twin Lane", "", "", "", "", "", "$562.50"],
             ["Total for Freeman Sporting Goods", "", "", "", "", "", "$562.50"],
             ["TOTAL", "", "", "", "", "", usd(sum(dec(b[6]) for b in BOOKS))], [], [], [],
             [" Wednesday, October 07, 2026 01:49 PM GMT-06:00"]]
    return rows


def qbd_open_invoices_rows():
    rows = [["3:58 PM"], ["Acme Co"], ["10/07/26"], ["Open Invoices"], ["As of October 7, 2026"],
            ["", "Type", "Date", "Num", "P. O. #", "Terms", "Due Date", "Aging", "Open Balance"]]
    for cust in ("Anna E Yount", "Bravo Ltd", FREEMAN):
        lines = [b for b in BOOKS if b[0] == cust]
        if cust == FREEMAN:
            rows.append(list(rows[5]))                   # the header repeated at a page break
        rows.append([cust])
        rows += [["", b[1], b[3], b[2], "", "Net 30", b[4], "999", b[6]] for b in lines]
        rows.append([f"Total {cust}", "", "", "", "", "", "", "", f"{sum(dec(b[6]) for b in lines):,.2f}"])
    rows.append(["TOTAL", "", "", "", "", "", "", "", f"{sum(dec(b[6]) for b in BOOKS):,.2f}"])
    return rows


def open_set(books):
    return {(i.customer_id, i.number, i.kind, i.issued, i.due, i.open_amount) for i in books.items}


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_three_layouts_give_the_same_open_items(tmp_path):
    aging = write(tmp_path, "Acme_A_R Aging Detail Report.csv", to_csv(qbo_aging_detail_rows()))
    oi = write(tmp_path, "Acme_Open Invoices Report.csv", to_csv(qbo_open_invoices_rows()))
    qbd = write(tmp_path, "open.csv", to_csv(qbd_open_invoices_rows(), encoding="cp1252"))
    assert [detect(p) for p in (aging, oi, qbd)] == [QBO_AR_AGING_DETAIL, QBO_OPEN_INVOICES, QBD_OPEN_INVOICES]
    results = [read_export(p) for p in (aging, oi, qbd)]
    for books in results:
        assert open_set(books) == EXPECTED
        assert books.report_date == AS_OF
        assert {OPEN_ITEMS, DUE_DATES} <= books.knows
        parents = {c.id: c.parent_id for c in books.customers}
        assert parents[FREEMAN] == "Freeman Sporting Goods" and parents["Freeman Sporting Goods"] is None
        assert all(i.currency == "USD" and i.open_amount_company == i.open_amount for i in books.items)
    totals = {i.number: i.total for i in results[0].items}
    assert totals["1001"] == Decimal("1500.00")                         # aging detail prints the amount
    assert "total_unknown" in next(i for i in results[1].items if i.number == "1001").flags
    ignored = [n for n in results[2].notes if n.column == "Aging"]
    assert [(n.source, n.severity) for n in ignored] == [(qbd.name, "info")]
    assert str(ignored[0]) == (f"{qbd.name}, column 'Aging': the exported column is ignored: aging is recomputed "
                               "from due dates")


@pytest.mark.parametrize("title,order", [
    ("A/R Ageing Detail Report", ("company", "title", "period")),
    ("A/R Aging Detail Report(Beta)", ("period", "company", "title")),
])
def test_title_spelling_and_order_and_bom(tmp_path, title, order):
    path = write(tmp_path, "x.csv", to_csv(qbo_aging_detail_rows(title, order), bom=True))
    books = read_export(path)
    assert books.kinds == (QBO_AR_AGING_DETAIL,) and open_set(books) == EXPECTED and books.report_date == AS_OF


def test_qbo_xlsx_with_uncached_formulas_gives_the_same_items(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    rows = qbo_aging_detail_rows()
    group_start = None
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value == "":
                continue
            if r > 6 and c in (7, 8) and row[1]:
                value = f"={dec(value)}"                                  # literal formula, no cached value
            elif str(row[0]).startswith("Total for") and c in (7, 8):
                col = "GH"[c - 7]
                value = "=" + "+".join(f"{col}{i}" for i in range(group_start, r))
            ws.cell(r, c, value)
        if len(row) == 1 and row[0] and r > 5:
            group_start = r + 1
    path = tmp_path / "aging.xlsx"
    wb.save(path)
    books = read_export(path)
    assert open_set(books) == EXPECTED and books.kinds == (QBO_AR_AGING_DETAIL,)


def test_qbd_aging_detail_xlsx_spacer_columns_serials_and_instructions_tab(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Instructions"
    wb.active["A1"] = "QuickBooks Desktop exported this report. Read the next tab."
    ws = wb.create_sheet("Sheet1")
    ws["A1"], ws["A2"], ws["A3"], ws["A4"] = "Acme Co", "A/R Aging Detail", "As of October 7, 2026", ""
    header = {"D": "Type", "F": "Date", "H": "Num", "J": "P. O. #", "L": "Name", "N": "Terms", "P": "Due Date",
              "R": "Class", "T": "Aging", "V": "Open Balance"}
    for col, name in header.items():
        ws[f"{col}5"] = name

    def serial(text):
        m, d, y = map(int, text.split("/"))
        return (date(y, m, d) - date(1899, 12, 30)).days
    r = 6
    for section, label in [("61 - 90", "61 - 90"), ("1 - 30", "1 - 30"), ("CURRENT", "Current")]:
        lines = [b for b in BOOKS if b[7] == section]
        ws[f"A{r}"] = label
        r += 1
        for cust, typ, num, d, due, _amount, opened, _ in lines:
            for col, value in zip("DFHLPTV", (typ, serial(d), num, cust, serial(due), 7, float(dec(opened)))):
                ws[f"{col}{r}"] = value
            r += 1
        ws[f"A{r}"] = f"Total {label}"
        ws[f"V{r}"] = float(sum(dec(b[6]) for b in lines))
        r += 1
    ws[f"A{r}"], ws[f"V{r}"] = "TOTAL", float(sum(dec(b[6]) for b in BOOKS))
    path = tmp_path / "qbd aging.xlsx"
    wb.save(path)
    assert detect(path) == QBD_AR_AGING_DETAIL
    assert open_set(read_export(path)) == EXPECTED


def test_customer_open_balance_desktop(tmp_path):
    rows = [["Acme Co"], ["Customer Open Balance"], ["Accrual Basis As of August 31, 2026"],
            ["", "Type", "Date", "Num", "Memo", "Due Date", "Open Balance"],
            ["Café Zürich"], ["", "Invoice", "08/01/2026", "77", "", "08/31/2026", "100.00"],
            ["", "Credit M...", "08/20/2026", "78", "", "", "-30.00"],
            ["Total Café Zürich", "", "", "", "", "", "70.00"], ["TOTAL", "", "", "", "", "", "70.00"]]
    books = read_export(write(tmp_path, "cob.csv", to_csv(rows, encoding="cp1252")))
    assert [c.id for c in books.customers] == ["Café Zürich"]
    assert books.kinds == (QBD_CUSTOMER_OPEN_BALANCE,) and books.report_date == date(2026, 8, 31)
    assert [(i.kind, i.open_amount, i.due) for i in books.items] == [
        (ItemKind.INVOICE, Decimal("100.00"), date(2026, 8, 31)),
        (ItemKind.CREDIT_NOTE, Decimal("-30.00"), date(2026, 8, 20))]


def test_aging_summary_becomes_bucket_items(tmp_path):
    rows = [["A/R Aging Summary Report"], ["Sandbox Company_US_1"], ["As of December 21, 2025"], [],
            ["Customer", "CURRENT", "1 - 30", "31 - 60", "61 - 90", "91 AND OVER", "Total"],
            ["Amy's Bird Sanctuary", "239.00", "", "", "", "", "239.00"],
            ["Zero Balance Co", "", "", "", "", "", ""],              # a customer row with nothing open
            ["Freeman Sporting Goods", "", "", "", "", "", ""],
            ["   0969 Ocean View Road", "", "477.50", "", "", "", "477.50"],
            ["   55 Twin Lane", "", "", "", "", "85.00", "85.00"],
            ["Total for Freeman Sporting Goods", "", "477.50", "", "", "85.00", "$562.50"],
            ["Kookies by Kathy", "(10.00)", "", "", "", "", "-Ksh10.00"],
            ["TOTAL", "$229.00", "$477.50", "", "", "$85.00", "$791.50"],
            [], [], [], [" Sunday, December 21, 2025 11:27 PM GMTZ"]]
    books = read_export(write(tmp_path, "sum.csv", to_csv(rows)))
    assert books.kinds == (QBO_AR_AGING_SUMMARY,) and DUE_DATES not in books.knows
    got = {(i.customer_id, i.issued, i.open_amount, i.due) for i in books.items}
    assert got == {("Amy's Bird Sanctuary", date(2025, 12, 21), Decimal("239.00"), date(2025, 12, 21)),
                   ("Freeman Sporting Goods:0969 Ocean View Road", date(2025, 12, 20), Decimal("477.50"),
                    date(2025, 12, 20)),
                   ("Freeman Sporting Goods:55 Twin Lane", date(2025, 9, 21), Decimal("85.00"), date(2025, 9, 21)),
                   ("Kookies by Kathy", date(2025, 12, 21), Decimal("-10.00"), date(2025, 12, 21))}
    from receivables.aging import aging

    report = aging(books, date(2025, 12, 21)).to_json_dict()       # the printed buckets, and a caveat
    assert report["totals"] == {"Current": "229.00", "1-30": "477.50", "31-60": "0.00", "61-90": "0.00",
                                "91+": "85.00", "total": "791.50"}
    assert any("aged from the first day of the bucket" in w for w in report["warnings"])
    flags = {i.customer_id: i.flags for i in books.items}
    assert flags["Freeman Sporting Goods:55 Twin Lane"] == {"aging_summary", "days_past_due:91-"}
    bad = [r[:] for r in rows]
    bad[10][6] = "$562.51"
    with pytest.raises(InputError) as err:
        read_export(write(tmp_path, "bad.csv", to_csv(bad)))
    assert err.value.row == 11 and "rows 9-10 add up to 562.50" in str(err.value) and err.value.column == "Total"


def test_multicurrency_columns(tmp_path):
    rows = [["A/R Aging Detail Report"], ["Acme Co"], ["As of Oct 7, 2026"], [],
            ["", "Date", "Transaction type", "Num", "Customer full name", "Due date", "Currency", "Exchange rate",
             "Foreign amount", "Foreign open balance", "Amount", "Open balance"],
            ["Current"], ["", "10/01/2026", "Invoice", "9", "Euro GmbH", "11/01/2026", "EUR", "1.08", "1,000.00",
                          "400.00", "1,080.00", "432.00"],
            ["", "10/02/2026", "Invoice", "10", "Anna E Yount", "11/02/2026", "USD", "", "", "", "5.00", "5.00"],
            ["Total for Current", "", "", "", "", "", "", "", "", "", "$1,085.00", "$437.00"],
            ["TOTAL", "", "", "", "", "", "", "", "", "", "$1,085.00", "$437.00"]]
    books = read_export(write(tmp_path, "mc.csv", to_csv(rows)))
    eur, usd_item = books.items
    assert (eur.currency, eur.total, eur.open_amount, eur.open_amount_company) == (
        "EUR", Decimal("1000.00"), Decimal("400.00"), Decimal("432.00"))
    assert (usd_item.currency, usd_item.open_amount) == ("USD", Decimal("5.00"))
    assert books.rates == {"EUR": Decimal("1.08")}
    assert any("either way" in n.message and n.source == "mc.csv" and n.severity == "warning" for n in books.notes)


def test_a_foreign_column_printed_like_the_home_one_reads_the_same(tmp_path):
    """A foreign open balance beside the open balance, equal on home-currency rows: the cells that differ are read on
    their own, and a bad one among them is named by its row and column."""
    def rows(bad_at=None):
        out = [["Open Invoices Report"], ["Acme Co"], ["As of October 31, 2026"], [],
               ["", "Date", "Transaction type", "Num", "Term", "Due date", "Open balance", "Currency", "Exchange rate",
                "Foreign open balance"], ["Anna"]]
        total = Decimal(0)
        for k in range(1, 121):
            home = Decimal(k * 37) + Decimal("0.25")
            total += home
            cur, rate, foreign = ("EUR", "1.25", home / Decimal("1.25")) if k % 10 == 0 else ("USD", "1", home)
            foreign = "12..5" if k == bad_at else f"{foreign:,.2f}"
            out.append(["", "10/01/2026", "Invoice", str(k), "", "10/31/2026", f"{home:,.2f}", cur, rate, foreign])
        out += [["Total for Anna", "", "", "", "", "", f"{total:,.2f}"], ["TOTAL", "", "", "", "", "", f"{total:,.2f}"]]
        return out
    books = read_export(write(tmp_path, "fx.csv", to_csv(rows())))
    got = {int(i.number): (i.currency, i.open_amount, i.open_amount_company) for i in books.items}
    assert len(got) == 120
    for k, (cur, open_, company) in got.items():
        home = Decimal(k * 37) + Decimal("0.25")
        assert company == home and (cur, open_) == (("EUR", home / Decimal("1.25")) if k % 10 == 0 else ("USD", home))
    with pytest.raises(InputError) as err:
        read_export(write(tmp_path, "bad.csv", to_csv(rows(bad_at=30))))
    assert (err.value.row, err.value.column) == (7 + 29, "Foreign open balance") and "'12..5'" in str(err.value)


def test_day_first_file_and_decorated_amounts(tmp_path):
    rows = [["Open Invoices Report"], ["Nairobi Traders"], ["As of 7 Oct 2026"], [],
            ["", "Date", "Transaction type", "No.", "Term", "Due date", "Open balance"],
            ["Wanjiru"], ["", "15/07/2026", "Invoice", "1", "", "14/08/2026", "Ksh1,000.00"],
            ["", "03/08/2026", "Credit Memo", "2", "", "", "(250.00)"],
            ["Total for Wanjiru", "", "", "", "", "", "Ksh750.00"], ["TOTAL", "", "", "", "", "", "Ksh750.00"]]
    books = read_export(write(tmp_path, "ke.csv", to_csv(rows)), company_currency="kes")
    assert [(i.issued, i.due, i.open_amount, i.currency) for i in books.items] == [
        (date(2026, 7, 15), date(2026, 8, 14), Decimal("1000.00"), "KES"),
        (date(2026, 8, 3), date(2026, 8, 3), Decimal("-250.00"), "KES")]
    order = next(n for n in books.notes if "DD/MM" in n.message)
    assert (str(order), order.severity) == ("ke.csv: dates read as DD/MM/YYYY (a day above 12 comes first)", "info")


def test_subtotal_disagreement_names_the_rows(tmp_path):
    rows = qbo_open_invoices_rows()
    rows[7][6] = "-210.00"                 # Anna's payment: her total no longer adds up
    with pytest.raises(InputError) as err:
        read_export(write(tmp_path, "oi.csv", to_csv(rows)))
    assert err.value.row == 8 + 1 and "rows 7-8 add up to 990.00 but 'Total for Anna E Yount' says 1000.00" in str(
        err.value) and err.value.source.endswith("oi.csv")
