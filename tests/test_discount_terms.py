"""Early-payment discounts from QuickBooks terms, and the discount through the ledger.

QuickBooks writes early-payment terms as Desktop's own "1% 10 Net 30" and "2% 10 Net 30" and as people name their
own ("2% 10, Net 30", "2%10Net30", "2/10, n/30"); such terms give an invoice open in full a discount: its date plus
the days, and what is open less the percentage of its total, rounded half up to the cent. Every reader with a Terms
column carries it, the column reader exactly as the row reader; a report without the original amount gives none and
says why. The ledger stores and loads the discount through its rows and its column copy, and books without one are
written and hashed as they were before the ledger could hold one.
"""
from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
import pytest
import xlsxwriter

import connectors.quickbooks.columnar as columnar
import receivables.ledger as ledger_module
from connectors.quickbooks import read_export, read_source
from connectors.quickbooks.common import EarlyPayment, due_from_terms, early_discount, early_payment
from receivables.frames import frames_of
from receivables.ledger import MIGRATIONS, Ledger, _content, _item_rows
from receivables.money import money
from receivables.records import Books, Customer, Invoice, ItemKind, LazyItems

AS_OF = date(2026, 10, 31)


# ---------------------------------------------------------------- the terms
@pytest.mark.parametrize("terms,percent,days", [
    ("1% 10 Net 30", "1", 10),
    ("2% 10 Net 30", "2", 10),
    ("2% 10, Net 30", "2", 10),
    ("2%10Net30", "2", 10),
    ("2% 10 days, Net 30", "2", 10),
    ("  2%  10   net 30 ", "2", 10),
    ("1.5% 15 Net 45", "1.5", 15),
    ("2/10 Net 30", "2", 10),
    ("2/10, n/30", "2", 10),
    ("2/7 Net 30", "2", 7),
])
def test_early_payment_terms_as_quickbooks_writes_them(terms, percent, days):
    assert early_payment(terms) == EarlyPayment(Decimal(percent), days)
    net = 45 if "45" in terms else 30                    # the due date the same terms give
    assert due_from_terms(terms, date(2026, 10, 1)) == date(2026, 10, 1) + timedelta(days=net)


@pytest.mark.parametrize("terms", ["Net 30", "Net 15", "Due on receipt", "Consignment", "", "2% Net 30",
                                   "2% 40 Net 30", "0% 10 Net 30", "100% 10 Net 30", "Pay 2% 10 Net 30 please",
                                   "abc", "%%", "2% ten Net 30", "Net 30 2% 10"])
def test_terms_without_an_early_payment_discount(terms):
    assert early_payment(terms) is None


def invoice(total, open_=None, *, kind=ItemKind.INVOICE, currency="USD", flags=frozenset(), issued=date(2026, 10, 25)):
    total = money(total)
    return Invoice("i", "1", "C", kind, issued, issued, currency, total, total if open_ is None else money(open_),
                   flags=flags)


@pytest.mark.parametrize("item,terms,until,amount", [
    (invoice("1234.56"), "2% 10 Net 30", date(2026, 11, 4), "1209.87"),     # 24.6912 off
    (invoice("100.25"), "2%10Net30", date(2026, 11, 4), "98.24"),            # 2.005 off: half up, 2.01
    (invoice("100.25"), "1% 10 Net 30", date(2026, 11, 4), "99.25"),         # 1.0025 off: 1.00
    (invoice("1005", currency="JPY"), "2% 10 Net 30", date(2026, 11, 4), "985"),
    (invoice("10.125", currency="KWD"), "2% 10 Net 30", date(2026, 11, 4), "9.922"),   # 0.2025 off: 0.203
    (invoice("500.00", "200.00"), "2% 10 Net 30", None, None),               # partly paid: none
    (invoice("-50.00", kind=ItemKind.CREDIT_NOTE), "2% 10 Net 30", None, None),
    (invoice("50.00", flags=frozenset({"total_unknown"})), "2% 10 Net 30", None, None),
    (invoice("50.00", flags=frozenset({"journal_entry"})), "2% 10 Net 30", None, None),
    (invoice("50.00"), "Net 30", None, None),
])
def test_the_discount_is_what_is_open_less_the_percentage_of_the_total_rounded_half_up(item, terms, until, amount):
    got = early_discount(early_payment(terms), item)
    assert got == (until, None if amount is None else Decimal(amount))
    if amount is not None:
        assert str(got[1]) == amount                     # at the currency's places


# ---------------------------------------------------------------- a Desktop Open Invoices export with Terms and Rep
HEADER = ["", "Type", "Date", "Num", "P. O. #", "Terms", "Rep", "Due Date", "Aging", "Amount", "Open Balance"]
GROUPS = {
    "Alpine Tools": [
        ("Invoice", "10/25/2026", "1001", "2% 10 Net 30", "JS", "11/24/2026", "1,234.56", "1,234.56"),
        ("Invoice", "10/28/2026", "1002", "2%10Net30", "JS", "11/27/2026", "100.25", "100.25"),
        ("Invoice", "10/05/2026", "1003", "2% 10, Net 30", "MB", "11/04/2026", "500.00", "200.00"),
        ("Credit Memo", "10/20/2026", "1004", "2% 10 Net 30", "JS", "10/20/2026", "-50.00", "-50.00"),
    ],
    "Birch & Co": [
        ("Invoice", "09/01/2026", "2001", "Net 30", "MB", "10/01/2026", "300.00", "300.00"),
        ("Invoice", "10/15/2026", "2002", "1% 10 Net 30", "KL", "11/14/2026", "80.00", "80.00"),
        ("Payment", "10/20/2026", "2003", "", "", "", "-25.00", "-25.00"),
    ],
    "Cedar LLC": [
        ("Invoice", "10/30/2026", "3001", "Due on receipt", "", "10/30/2026", "40.00", "40.00"),
        ("Invoice", "10/30/2026", "3002", "see contract", " MB ", "11/29/2026", "60.00", "60.00"),
    ],
}


def _money_text(value: Decimal) -> str:
    return f"{value:,.2f}"


def qbd_open_invoices(*, amount: bool = True) -> list[list]:
    """The rows of a QuickBooks Desktop Open Invoices report customised with the Rep (and Amount) columns."""
    header = HEADER if amount else [h for h in HEADER if h != "Amount"]
    width = len(header)
    rows = [["9:41 AM", "Harbor Lane Supply Co"] + [""] * (width - 2),
            ["10/31/26", "Open Invoices"] + [""] * (width - 2),
            ["Accrual Basis", "As of October 31, 2026"] + [""] * (width - 2), [""] * width, header]
    grand = [Decimal(0), Decimal(0)]
    for customer, lines in GROUPS.items():
        rows.append([customer] + [""] * (width - 1))
        sums = [Decimal(0), Decimal(0)]
        for kind, day, num, terms, rep, due, total, open_ in lines:
            aging = "30" if num == "2001" else ""
            cells = ["", kind, day, num, "", terms, rep, due, aging] + ([total] if amount else []) + [open_]
            rows.append(cells)
            sums = [sums[0] + Decimal(total.replace(",", "")), sums[1] + Decimal(open_.replace(",", ""))]
        grand = [grand[0] + sums[0], grand[1] + sums[1]]
        rows.append([f"Total {customer}"] + [""] * (width - 3 if amount else width - 2)
                    + ([_money_text(sums[0])] if amount else []) + [_money_text(sums[1])])
    rows.append(["TOTAL"] + [""] * (width - 3 if amount else width - 2)
                + ([_money_text(grand[0])] if amount else []) + [_money_text(grand[1])])
    return rows


def write_csv(path, rows) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8", newline="")
    return str(path)


def write_xlsx(path, rows) -> str:
    """The same cells as an Excel export: amounts and aging days as numbers, the rest as text."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Sheet1")
    money_format = book.add_format({"num_format": "#,##0.00"})
    amounts = {len(rows[4]) - 1, len(rows[4]) - 2} if "Amount" in rows[4] else {len(rows[4]) - 1}
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if c in amounts and r > 4 and cell:
                sheet.write_number(r, c, float(cell.replace(",", "")), money_format)
            elif cell:
                sheet.write_string(r, c, cell)
    book.close()
    return str(path)


def read_both(path, monkeypatch):
    """``(books by columns, books by rows)`` of the export at ``path``; the column reader must take it."""
    monkeypatch.setattr(columnar, "COLUMNAR_FROM", 0)
    monkeypatch.setattr(columnar, "COLUMNAR_ROWS", 0)
    fast = read_export(path)
    monkeypatch.setattr(columnar, "COLUMNAR_FROM", 1 << 62)
    monkeypatch.setattr(columnar, "COLUMNAR_ROWS", 1 << 62)
    slow = read_export(path)
    assert isinstance(fast.items, LazyItems) and not isinstance(slow.items, LazyItems)
    return fast, slow


def assert_same(fast: Books, slow: Books) -> None:
    """The column reader's books are the row reader's: frame, stored fields, records, customers, notes."""
    frame = frames_of(fast).items
    as_objects = dict.fromkeys(("id", "number", "customer_id", "currency"), object)
    pd.testing.assert_frame_equal(frame.astype(as_objects), frames_of(slow).items)
    assert list(zip(*fast.items.columns())) == _item_rows(tuple(slow.items))
    assert not fast.items.built
    assert fast == slow
    assert fast.customers == slow.customers and fast.notes == slow.notes


def discounts(books: Books) -> dict:
    return {i.number: (i.discount_until, i.discount_amount) for i in books.items if i.discount_until is not None}


EXPECTED = {"1001": (date(2026, 11, 4), Decimal("1209.87")), "1002": (date(2026, 11, 7), Decimal("98.24")),
            "2002": (date(2026, 10, 25), Decimal("79.20"))}


@pytest.mark.parametrize("write", [write_csv, write_xlsx])
def test_a_desktop_open_invoices_export_with_terms_and_rep_read_both_ways(tmp_path, write, monkeypatch):
    path = write(tmp_path / f"open.{'csv' if write is write_csv else 'xlsx'}", qbd_open_invoices())
    fast, slow = read_both(path, monkeypatch)
    assert_same(fast, slow)
    assert discounts(slow) == EXPECTED
    assert [str(v[1]) for v in discounts(slow).values()] == ["1209.87", "98.24", "79.20"]
    # the most frequent rep; Birch's tie (MB on an older invoice, KL on a newer) goes to the latest; blank reps
    # are not counted and a rep's spaces are not part of it
    assert {c.id: c.collector for c in slow.customers} == {"Alpine Tools": "JS", "Birch & Co": "KL",
                                                            "Cedar LLC": "MB"}
    frame = frames_of(fast).items.set_index("number")
    assert frame.loc["1001", "discount_minor"] == 120987 and frame["discount_minor"].isna().sum() == 6
    assert frame.loc["1002", "discount_until"] == pd.Timestamp("2026-11-07")
    assert frame["discount_until"].isna().sum() == 6


def test_without_the_amount_column_no_discount_is_given_and_the_notes_say_why(tmp_path, monkeypatch):
    path = write_csv(tmp_path / "open.csv", qbd_open_invoices(amount=False))
    fast, slow = read_both(path, monkeypatch)
    assert_same(fast, slow)
    assert discounts(slow) == {} and all(i.discount_amount is None for i in fast.items)
    [note] = [n for n in slow.notes if "early-payment" in n.message]
    assert (note.source, note.column, note.severity) == ("open.csv", "Terms", "info")
    assert "no early-payment discount is given (add the Amount column to the report)" in note.message
    assert {c.id: c.collector for c in slow.customers}["Alpine Tools"] == "JS"


def qbo_invoice_list() -> list[list]:
    """A QuickBooks Online Invoice List by Date customised with the Terms column."""
    rows = [["Invoice List by Date"], ["Harbor Lane Supply Co"], ["October 1-31, 2026"], [],
            ["Date", "Transaction type", "Num", "Name", "Terms", "Due date", "Amount", "Open balance"],
            ["10/02/2026", "Invoice", "5001", "Alpine Tools", "2% 10 Net 30", "11/01/2026", "1,000.00", "1,000.00"],
            ["10/03/2026", "Invoice", "5002", "Alpine Tools", "2% 10 Net 30", "11/02/2026", "1,000.00", "400.00"],
            ["10/04/2026", "Credit Memo", "5003", "Birch & Co", "2% 10 Net 30", "10/04/2026", "-10.00", "-10.00"],
            ["10/05/2026", "Invoice", "5004", "Birch & Co", "Net 30", "11/04/2026", "99.99", "99.99"],
            ["TOTAL", "", "", "", "", "", "$2,089.99", "$1,489.99"], [], [],
            ["Accrual Basis Saturday, October 31, 2026 09:41 AM GMTZ"]]
    return rows


def test_an_invoice_list_with_terms_read_both_ways(tmp_path, monkeypatch):
    fast, slow = read_both(write_csv(tmp_path / "list.csv", qbo_invoice_list()), monkeypatch)
    assert_same(fast, slow)
    assert discounts(slow) == {"5001": (date(2026, 10, 12), Decimal("980.00"))}
    assert all(c.collector == "" for c in slow.customers)


def test_a_folder_keeps_a_discount_the_history_gives_while_the_invoice_is_open_in_full(tmp_path):
    """The open-item report prints no original amount (no discount of its own); the invoice list beside it does."""
    folder = tmp_path / "books"
    folder.mkdir()
    write_csv(folder / "list.csv", qbo_invoice_list())
    open_rows = [["Open Invoices Report"], ["Harbor Lane Supply Co"], ["As of October 31, 2026"], [],
                 ["", "Date", "Transaction type", "Num", "Term", "Due date", "Open balance"],
                 ["Alpine Tools", "", "", "", "", "", ""],
                 ["", "10/02/2026", "Invoice", "5001", "2% 10 Net 30", "11/01/2026", "1,000.00"],
                 ["", "10/03/2026", "Invoice", "5002", "2% 10 Net 30", "11/02/2026", "400.00"],
                 ["Total for Alpine Tools", "", "", "", "", "", "$1,400.00"],
                 ["Birch & Co", "", "", "", "", "", ""],
                 ["", "10/05/2026", "Invoice", "5004", "Net 30", "11/04/2026", "9.99"],
                 ["Total for Birch & Co", "", "", "", "", "", "$9.99"],
                 ["TOTAL", "", "", "", "", "", "$1,409.99"], [], [],
                 [" Saturday, October 31, 2026 09:41 AM GMTZ"]]
    write_csv(folder / "open.csv", open_rows)
    books = read_source(folder)
    assert discounts(books) == {"5001": (date(2026, 10, 12), Decimal("980.00"))}
    # paid down since the list was run: no longer open in full, so no discount
    open_rows[6][-1] = "900.00"
    open_rows[8][-1], open_rows[12][-1] = "$1,300.00", "$1,309.99"
    write_csv(folder / "open.csv", open_rows)
    assert discounts(read_source(folder)) == {}


# ---------------------------------------------------------------- the ledger
def discounted_books() -> Books:
    read = [Invoice(f"invoice:{n}", str(n), f"C{n % 3}", ItemKind.INVOICE, date(2026, 10, 1 + n % 28),
                    date(2026, 10, 31), "USD", money(f"{100 + n}.25"), money(f"{100 + n}.25"), money(f"{100 + n}.25"),
                    f"f.csv:{n}", discount_until=date(2026, 10, 11 + n % 20) if n % 4 == 0 else None,
                    discount_amount=money(f"{98 + n}.24") if n % 4 == 0 else None) for n in range(40)]
    read.append(Invoice("invoice:jpy", "jpy", "C1", ItemKind.INVOICE, date(2026, 10, 3), date(2026, 11, 2), "JPY",
                        money("1005"), money("1005"), None, "f.csv:99", discount_until=date(2026, 10, 13),
                        discount_amount=money("985")))
    customers = (Customer("C0", "C0", address="1 Main St\n94105 San Francisco", collector="JS"),
                 Customer("C1", "C1"), Customer("C2", "C2", collector="KL"))
    return Books(source="f.csv", company_currency="USD", report_date=AS_OF, customers=customers, items=tuple(read),
                 knows=frozenset({"open_items"}))


@pytest.mark.parametrize("column_copy", [False, True])
def test_discounts_addresses_and_collectors_round_trip_through_the_ledger(tmp_path, monkeypatch, column_copy):
    monkeypatch.setattr(ledger_module, "_COLUMNS_FROM", 1 if column_copy else 1 << 62)
    books = discounted_books()
    with Ledger(tmp_path / "l.db") as led:
        stored = led.store_books(books, source_key="qb:f")
        held = led.conn.execute("SELECT count(*) FROM item_columns").fetchone()[0]
        assert held == (1 if column_copy else 0)
        loaded = led.load(stored.id)
        assert isinstance(loaded.items, LazyItems) and not loaded.items.built
        frame = loaded.items.frame.set_index("id")
        assert frame.loc["invoice:0", "discount_minor"] == 9824 and frame.loc["invoice:jpy", "discount_minor"] == 985
        assert frame.loc["invoice:4", "discount_until"] == pd.Timestamp("2026-10-15")
        assert frame["discount_minor"].isna().sum() == 30
        assert list(zip(*loaded.items.columns())) == _item_rows(books.items)      # stored again without records
        assert loaded.customers == books.customers
        assert tuple(loaded.items) == books.items
        assert [str(i.discount_amount) for i in loaded.items if i.discount_amount is not None][:2] == ["98.24",
                                                                                                        "102.24"]
        assert led.store_books(loaded, source_key="qb:f") == ledger_module.Stored(stored.id, False)
        changed = tuple(i if i.id != "invoice:8" else Invoice(**{**{f: getattr(i, f) for f in i.__slots__},
                                                                 "discount_amount": money("106.23")})
                        for i in books.items)
        assert led.store_books(Books(**{**books.__dict__, "items": changed}), source_key="qb:f").new


def test_books_without_the_new_fields_are_stored_as_before_and_hash_alike(tmp_path, monkeypatch):
    """Rows without a discount, address or collector leave the new columns NULL and keep the content hash."""
    monkeypatch.setattr(ledger_module, "_COLUMNS_FROM", 1)
    plain = discounted_books()
    plain = Books(**{**plain.__dict__, "customers": tuple(Customer(c.id, c.name) for c in plain.customers),
                     "items": tuple(Invoice(**{**{f: getattr(i, f) for f in i.__slots__}, "discount_until": None,
                                               "discount_amount": None}) for i in plain.items)})
    with Ledger(tmp_path / "l.db") as led:
        sid = led.store(plain, source_key="qb:f")
        assert led.conn.execute("SELECT count(*) FROM items WHERE discount_until IS NOT NULL"
                                " OR discount_amount IS NOT NULL").fetchone()[0] == 0
        assert led.conn.execute("SELECT count(*) FROM customers WHERE address IS NOT NULL"
                                " OR collector IS NOT NULL").fetchone()[0] == 0
        import pyarrow as pa

        blob = led.conn.execute("SELECT data FROM item_columns WHERE snapshot_id = ?", (sid,)).fetchone()[0]
        names = pa.ipc.open_stream(pa.py_buffer(blob)).read_all().column_names
        assert "discount_until" not in names and len(names) == len(ledger_module.ITEM_FIELDS) - 2
        content = led.conn.execute("SELECT content FROM snapshots WHERE id = ?", (sid,)).fetchone()[0]
    assert content == _old_content(plain)


def _old_content(books: Books) -> str:
    """The content hash as the ledger computed it before it held discounts, addresses and collectors."""
    header = (books.company_currency, json.dumps(sorted(books.knows)), json.dumps([]), json.dumps({}), None, None,
              json.dumps(list(books.kinds)))
    customers = [(x.id, x.name, x.parent_id, x.email, x.phone, x.lang, x.terms_days, None, x.currency,
                  json.dumps(list(x.tags))) for x in books.customers]
    items = [(i.id, i.number, i.customer_id, i.kind.value, i.issued.isoformat(), i.due.isoformat(), i.currency,
              str(i.total), str(i.open_amount), None if i.open_amount_company is None else str(i.open_amount_company),
              i.source_ref, json.dumps(sorted(i.flags)), None, i.customer_name, None) for i in books.items]
    return _content(header, customers, items, [], [])


def _mine() -> int:
    """The position of the migration that added the discount, addresses and collectors."""
    return next(k for k, script in enumerate(MIGRATIONS) if "discount_until" in script)


@pytest.mark.parametrize("column_copy", [False, True])
def test_a_ledger_written_before_the_discount_migrates_and_reads_the_new_fields_empty(tmp_path, column_copy):
    """A ledger made by the migrations before this one, with a snapshot as the ledger wrote it then (its rows, and
    for a large one the 15-column copy): opened, it is brought forward; its records read back with no discount,
    address or collector, and the same books stored again are recognised as unchanged."""
    import pyarrow as pa

    before = _mine()
    books = discounted_books()
    books = Books(**{**books.__dict__, "customers": tuple(Customer(c.id, c.name) for c in books.customers),
                     "items": tuple(Invoice(**{**{f: getattr(i, f) for f in i.__slots__}, "discount_until": None,
                                               "discount_amount": None}) for i in books.items)})
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    for script in MIGRATIONS[:before]:
        for statement in script.split(";"):
            if statement.strip():
                conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {before}")
    customers = [(c.id, c.name, None, "", "", "", None, None, None, "[]") for c in books.customers]
    items = [(i.id, i.number, i.customer_id, i.kind.value, i.issued.isoformat(), i.due.isoformat(), i.currency,
              str(i.total), str(i.open_amount), None if i.open_amount_company is None else str(i.open_amount_company),
              i.source_ref, "[]", None, "", None) for i in books.items]
    conn.execute("INSERT INTO snapshots (id, source, source_key, pulled_at, report_date, company_currency, knows,"
                 " notes, rates, period_start, period_end, kinds, state, content, checked_at) VALUES"
                 " (1, 'f.csv', 'qb:f', '2026-10-31T10:00:00+00:00', '2026-10-31', 'USD', ?, '[]', '{}', NULL, NULL,"
                 " '[]', '{}', ?, '2026-10-31T10:00:00+00:00')",
                 (json.dumps(sorted(books.knows)), _old_content(books)))
    conn.executemany("INSERT INTO customers VALUES (1,?,?,?,?,?,?,?,?,?,?)", customers)
    conn.executemany("INSERT INTO items VALUES (1,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", items)
    if column_copy:
        names = list(ledger_module.ITEM_FIELDS[:15])
        table = pa.table([pa.array(col, type=pa.string()) for col in zip(*items)], names=names)
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, table.schema, options=pa.ipc.IpcWriteOptions(compression="lz4")) as writer:
            writer.write_table(table)
        conn.execute("INSERT INTO item_columns VALUES (1, 'arrow-ipc-stream;lz4', ?, ?)",
                     (len(items), sink.getvalue().to_pybytes()))
    conn.commit()
    conn.close()
    with Ledger(path) as led:
        assert led.schema_version == len(MIGRATIONS)
        loaded = led.load(1)
        assert isinstance(loaded.items, LazyItems) and loaded.items.frame["discount_minor"].isna().all()
        assert loaded.items.frame["discount_until"].isna().all()
        assert tuple(loaded.items) == books.items
        assert all(i.discount_until is None and i.discount_amount is None for i in loaded.items)
        assert [(c.address, c.collector) for c in loaded.customers] == [("", "")] * 3
        assert led.store_books(books, source_key="qb:f") == ledger_module.Stored(1, False)
        assert led.store_books(discounted_books(), source_key="qb:f").new
