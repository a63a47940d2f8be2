"""The ledger reads a snapshot's items in bulk, straight into the engine's frame, and makes records only when asked.

Every snapshot here is stored in a real ledger file and read back: the books equal the stored ones, the frame equals
``item_frame`` of the records (the frame the reports would have built of them), the aging is the same, and no record
was made by reading. The records made later equal those the row-by-row read makes (:func:`_row_by_row`, the read
as it was), and storing the books read again writes the very same rows (an unchanged pull is still seen as one).
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import connectors.quickbooks.columnar as columnar
from connectors.quickbooks import read_export
from receivables.aging import aging
from receivables.errors import InputError
from receivables.frames import frames_of, item_frame
from receivables.ledger import Ledger
from receivables.money import money
from receivables.records import (
    DUE_DATES,
    OPEN_ITEMS,
    Books,
    Customer,
    Invoice,
    ItemKind,
    LazyItems,
)
from tests.fixtures.qbrender import render
from tests.fixtures.samplebooks import generate

AS_OF = date(2026, 10, 31)


def _row_by_row(path, snapshot_id: int) -> tuple[Invoice, ...]:
    """The items of a snapshot as the ledger read them before it read them in bulk: one record per row."""
    def d(value):
        return date.fromisoformat(value) if value else None

    conn = sqlite3.connect(path)
    try:
        return tuple(
            Invoice(id=r[0], number=r[1] or "", customer_id=r[2], kind=ItemKind(r[3]), issued=d(r[4]), due=d(r[5]),
                    currency=r[6], total=money(r[7]), open_amount=money(r[8]),
                    open_amount_company=None if r[9] is None else money(r[9]), source_ref=r[10] or "",
                    flags=frozenset(json.loads(r[11] or "[]")), paid_on=d(r[12]), customer_name=r[13] or "",
                    total_company=None if r[14] is None else money(r[14]))
            for r in conn.execute("SELECT id, number, customer_id, kind, issued, due, currency, total, open_amount,"
                                  " open_amount_company, source_ref, flags, paid_on, customer_name, total_company"
                                  " FROM items WHERE snapshot_id = ? ORDER BY rowid", (snapshot_id,)))
    finally:
        conn.close()


def _stored_rows(path, snapshot_id: int) -> tuple[list, str]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT id, number, customer_id, kind, issued, due, currency, total, open_amount,"
                            " open_amount_company, source_ref, flags, paid_on, customer_name, total_company"
                            " FROM items WHERE snapshot_id = ? ORDER BY rowid", (snapshot_id,)).fetchall()
        content = conn.execute("SELECT content FROM snapshots WHERE id = ?", (snapshot_id,)).fetchone()[0]
    finally:
        conn.close()
    return rows, content


def _frames_equal(loaded: Books, records: tuple[Invoice, ...]) -> None:
    expected = item_frame(replace(loaded, items=records))
    pd.testing.assert_frame_equal(loaded.items.frame, expected, check_exact=True)


def round_trip(tmp_path, books: Books, *, as_of: date = AS_OF, name: str = "a.db") -> Books:
    """Store ``books``, read them back and check everything the module's docstring says; the books read."""
    path = tmp_path / name
    with Ledger(path) as ledger:
        sid = ledger.store(books, source_key="k")
        loaded = ledger.load(sid)
    assert isinstance(loaded.items, LazyItems) and not loaded.items.built
    assert len(loaded.items) == len(books.items)
    # The frame, before anything makes records of it.
    _frames_equal(loaded, _row_by_row(path, sid))
    assert not loaded.items.built
    # Stored again without making records: nothing new, and the same rows and content in a new ledger.
    with Ledger(path) as ledger:
        again = ledger.store_books(loaded, source_key="k")
    assert again.new is False and again.id == sid
    with Ledger(tmp_path / f"copy-{name}") as fresh:
        copy = fresh.store(loaded, source_key="k")
    assert _stored_rows(tmp_path / f"copy-{name}", copy) == _stored_rows(path, sid)
    assert not loaded.items.built
    frames_of(loaded)                       # allocations included: their items' currencies read from the frame
    assert not loaded.items.built
    assert aging(loaded, as_of).to_json_dict() == aging(books, as_of).to_json_dict()
    assert not loaded.items.built
    # The records: those of the read as it was, and equal to the books stored.
    assert tuple(loaded.items) == _row_by_row(path, sid)
    assert loaded.items.built
    assert loaded == books
    return loaded


@pytest.mark.parametrize("seed", [3, 11])
def test_generated_books_round_trip_through_the_frame(tmp_path, seed):
    books = generate(seed=seed, customers=25, invoices=400)
    assert books.allocations and books.payments and {i.currency for i in books.items} > {books.company_currency}
    loaded = round_trip(tmp_path, books, as_of=books.report_date)
    assert loaded.payments == books.payments and loaded.allocations == books.allocations


def test_books_of_a_quickbooks_export_round_trip(tmp_path):
    source = generate(seed=5, customers=30, invoices=300)
    path = render(source, "qbo_open_invoices", tmp_path / "x.csv", as_of=AS_OF)
    books = read_export(path)
    round_trip(tmp_path, books)


def test_books_read_as_a_frame_are_stored_and_read_again(tmp_path, monkeypatch):
    """Books whose items a reader gave as a frame (the column reader): stored (their records are made for it: the
    rows hold what only the records tell) and read back as the same books."""
    source = generate(seed=5, customers=30, invoices=300)
    path = render(source, "qbo_open_invoices", tmp_path / "x.csv", as_of=AS_OF)
    monkeypatch.setattr(columnar, "COLUMNAR_FROM", 0)
    books = read_export(path)
    assert isinstance(books.items, LazyItems) and not books.items.built
    loaded = round_trip(tmp_path, books)
    pd.testing.assert_frame_equal(loaded.items.frame, books.items.frame.astype(
        {"id": object, "number": object, "customer_id": object, "currency": object}))


def _awkward_books() -> Books:
    """Currencies of 0, 2 and 3 places, negative amounts, amounts with fewer decimals than their currency, unknown
    company amounts and due dates, items of every kind, flags (one item inferred), blank numbers and names."""
    def item(i, currency, total, open_, company, **kw):
        kw.setdefault("kind", ItemKind.INVOICE)
        kw.setdefault("due", date(2026, 9, 1 + i % 28))
        return Invoice(f"i{i}", kw.pop("number", f"N{i}"), kw.pop("customer", "Acme"), kw.pop("kind"),
                       date(2026, 8, 1 + i % 28), kw.pop("due"), currency, money(total), money(open_),
                       None if company is None else money(company), **kw)
    items = (
        item(1, "JPY", "1000", "1000", "6.70"),
        item(2, "JPY", "-2500", "-2500", None, kind=ItemKind.CREDIT_NOTE, due=None),
        item(3, "KWD", "0.005", "0.005", "0.02"),
        item(4, "KWD", "-12.5", "-1.250", None, kind=ItemKind.CREDIT_NOTE),
        item(5, "BHD", "4500.000", "4500", "11934.00", flags=frozenset({"disputed", "inferred"})),
        item(6, "USD", "4500.00", "0", "0", paid_on=date(2026, 10, 3), source_ref="f.csv:7"),
        item(7, "USD", "-12.5", "-12.5", "-12.5", kind=ItemKind.PAYMENT, due=None, number=""),
        item(8, "USD", "1000", "1000", "1000", customer="Zeta", customer_name="Zeta"),
        item(9, "EUR", "99.99", "99.99", None, flags=frozenset({"no_followup"}), customer_name="Acme"),
        item(10, "USD", "-0.00", "0.0", "0", total_company=money("-0.00")),
        item(11, "usd", "7", "7", "7.000", total_company=money("7")),
        item(12, "EUR", "123456789012.34", "123456789012.34", "133950617278.39", total_company=money("1E+2")),
        item(13, "KWD", "1E+3", "0.0000010E+3", None),
    )
    return Books(source="awkward.csv", company_currency="USD", report_date=AS_OF,
                 customers=(Customer("Acme", "Acme"), Customer("Zeta", "Zeta")), items=items,
                 rates={"EUR": Decimal("1.085"), "JPY": Decimal("0.0067"), "KWD": Decimal("3.25"),
                        "BHD": Decimal("2.652")},
                 knows=frozenset({OPEN_ITEMS, DUE_DATES}), kinds=("test",))


def test_awkward_amounts_and_blanks_round_trip(tmp_path):
    loaded = round_trip(tmp_path, _awkward_books())
    frame = loaded.items.frame
    assert frame["total_minor"].tolist()[:5] == [1000, -2500, 5, -12500, 4_500_000]
    assert frame["open_company_minor"].isna().tolist()[:4] == [False, True, False, True]
    assert frame["due"].isna().tolist()[:3] == [False, True, False]
    assert frame["inferred"].tolist()[4:6] == [True, False]
    assert [str(i.total) for i in loaded.items][9:] == ["-0.00", "7", "123456789012.34", "1E+3"]
    assert str(loaded.items[12].open_amount) == "0.0010"


def test_texts_stored_otherwise_read_as_the_row_by_row_read_did(tmp_path):
    """Rows another program wrote: amounts with leading zeros, an exponent or spaces, NULL numbers and names,
    blank flags and dates in another ISO form. Records, frame and rows written again are those of the records."""
    path = tmp_path / "a.db"
    with Ledger(path) as ledger:
        sid = ledger.store(_awkward_books(), source_key="k")
        ledger.conn.execute("UPDATE items SET total = '0007.50', open_amount = ' 7.5', number = NULL,"
                            " customer_name = NULL, flags = NULL, source_ref = NULL WHERE id = 'i6'")
        ledger.conn.execute("UPDATE items SET total = '1.2e1', open_amount = '0.0000000', issued = '20260802',"
                            " flags = '', due = '' WHERE id = 'i8'")
        loaded = ledger.load(sid)
        assert not loaded.items.built
        _frames_equal(loaded, _row_by_row(path, sid))
        records = _row_by_row(path, sid)
        assert records[5].number == "" and records[5].flags == frozenset() and str(records[5].total) == "7.50"
        assert records[7].issued == date(2026, 8, 2) and records[7].due is None
        again = ledger.store_books(replace(loaded, source="other"), source_key="j")
        assert not loaded.items.built
        assert tuple(loaded.items) == records
        by_records = ledger.store_books(replace(loaded, source="other", items=records), source_key="j")
    assert again.new and not by_records.new and by_records.id == again.id
    stored, _ = _stored_rows(path, again.id)
    assert stored[5][1] == "" and stored[5][7] == "7.50" and stored[5][8] == "7.5" and stored[5][11] == "[]"
    assert stored[7][4] == "2026-08-02" and stored[7][5] is None and stored[7][7] == "12"


def test_an_amount_finer_than_its_currency_is_refused_when_the_records_are_used(tmp_path):
    """A ledger holding 0.005 USD (written by an older ardesk, say) reads as it did, as records; the reports refuse
    the amount, naming it, as they did."""
    books = _awkward_books()
    bad = replace(books, items=(*books.items, replace(books.items[5], id="x", total=money("0.005"))))
    path = tmp_path / "a.db"
    with Ledger(path) as ledger:
        loaded = ledger.load(ledger.store(bad, source_key="k"))
    assert type(loaded.items) is tuple and loaded == bad
    with pytest.raises(InputError, match="0.005 cannot be held exactly in USD"):
        frames_of(loaded)


def test_a_customer_the_books_do_not_list_is_named_as_the_records_name_it(tmp_path):
    """frames_of names a customer missing from the books' customers by its id for a frame, by its first item's name
    for records: where those differ, the items are read as records."""
    books = _awkward_books()
    named = replace(books, items=(*books.items, replace(books.items[0], id="y", customer_id="C9",
                                                        customer_name="Nine Ltd")))
    unnamed = replace(books, items=(*books.items, replace(books.items[0], id="y", customer_id="C9")))
    with Ledger(tmp_path / "a.db") as ledger:
        loaded_named = ledger.load(ledger.store(named, source_key="a"))
        loaded_unnamed = ledger.load(ledger.store(unnamed, source_key="b"))
    assert type(loaded_named.items) is tuple and loaded_named == named
    assert frames_of(loaded_named).names["C9"] == "Nine Ltd"
    assert isinstance(loaded_unnamed.items, LazyItems) and loaded_unnamed == unnamed
    assert frames_of(loaded_unnamed).names["C9"] == "C9" == frames_of(unnamed).names["C9"]


def test_a_snapshot_without_items_and_one_among_others(tmp_path):
    books = _awkward_books()
    with Ledger(tmp_path / "a.db") as ledger:
        empty = ledger.load(ledger.store(replace(books, items=()), source_key="e"))
        first = ledger.store(books, source_key="a")
        second = ledger.store(replace(books, items=books.items[::-1]), source_key="b")
        third = ledger.load(ledger.store(replace(books, items=books.items[3:7]), source_key="c"))
        assert tuple(ledger.load(second).items) == books.items[::-1]
        assert tuple(ledger.load(first).items) == books.items
    assert empty.items == () and tuple(third.items) == books.items[3:7]


_amounts = st.one_of(
    st.builds(lambda digits, exp: Decimal(digits).scaleb(exp), st.integers(-10**15, 10**15), st.integers(-2, 3)),
    st.builds(lambda digits, exp: Decimal(digits).scaleb(exp), st.integers(-10**20, 10**20), st.integers(-12, 6)),
    st.decimals(allow_nan=False, allow_infinity=False, places=3),
)


_items = st.tuples(_amounts, st.one_of(st.none(), _amounts), st.sampled_from(["USD", "EUR", "KWD", "JPY"]))


@settings(max_examples=150, deadline=None)
@given(amounts=st.lists(_items, min_size=1, max_size=4))
def test_any_amount_reads_back_as_stored(amounts):
    """Amounts of any exponent: read as a frame where they fit their currency (and int64), else as records; either
    way the books read are the books stored and storing them again stores nothing new."""
    items = tuple(Invoice(f"i{k}", f"N{k}", "Acme", ItemKind.INVOICE, date(2026, 9, 1), None, currency, total,
                          total, company) for k, (total, company, currency) in enumerate(amounts))
    books = Books("h", "USD", AS_OF, customers=(Customer("Acme", "Acme"),), items=items)
    with Ledger(":memory:") as ledger:
        sid = ledger.store(books, source_key="k")
        loaded = ledger.load(sid)
        if isinstance(loaded.items, LazyItems):
            assert ledger.store_books(loaded, source_key="k").new is False
            assert not loaded.items.built
            records = tuple(Invoice(*(getattr(i, f) for f in Invoice.__slots__)) for i in loaded.items)
            _frames_equal(loaded, records)
        else:
            with pytest.raises((InputError, OverflowError)):
                item_frame(books)
        assert loaded == books
        assert [str(i.total) for i in loaded.items] == [str(i.total) for i in books.items]
        assert ledger.store_books(loaded, source_key="k").new is False


@pytest.mark.parametrize("page", [1, 3, 50_000])
def test_a_number_stored_where_text_belongs_reads_as_the_row_by_row_read_does(tmp_path, monkeypatch, page):
    """A cell another program wrote as a number (not text), on whichever page of the fetch: the records are those
    of the row-by-row read, and so is the frame."""
    import receivables.ledger as ledger_module

    monkeypatch.setattr(ledger_module, "_PAGE", page)
    path = tmp_path / "a.db"
    with Ledger(path) as ledger:
        sid = ledger.store(_awkward_books(), source_key="k")
        ledger.conn.execute("UPDATE items SET total = 12, open_amount = 7.5 WHERE id = 'i8'")
        loaded = ledger.load(sid)
    records = _row_by_row(path, sid)
    if isinstance(loaded.items, LazyItems):
        _frames_equal(loaded, records)
    assert loaded.items == records and str(loaded.items[7].total) == "12"


@pytest.mark.parametrize("seed", [3, 11])
def test_a_snapshot_loads_from_its_column_copy_as_from_its_rows(tmp_path, monkeypatch, seed):
    """The column copy written beside the rows gives the very books the rows give; without it (a ledger from before
    it, or the copy taken away) and with a copy that no longer matches the rows, the rows are read."""
    import receivables.ledger as ledger_module

    monkeypatch.setattr(ledger_module, "_COLUMNS_FROM", 0)
    books = generate(seed=seed, customers=20, invoices=200)
    path = tmp_path / "a.db"
    with Ledger(path) as ledger:
        sid = ledger.store(books, source_key="k")
        assert ledger.conn.execute("SELECT count, format FROM item_columns WHERE snapshot_id = ?",
                                   (sid,)).fetchone() == (len(books.items), ledger_module._COLUMNS_FORMAT)
        from_copy = ledger.load(sid)
        assert not from_copy.items.built and from_copy == books
        _frames_equal(from_copy, _row_by_row(path, sid))
        ledger.conn.execute("DELETE FROM item_columns")
        from_rows = ledger.load(sid)
        assert from_rows == from_copy == books
        # A copy that no longer holds as many rows as the table (rows taken out by hand) is not used.
        ledger.store(replace(books, source="other"), source_key="j")
        ledger.conn.execute("DELETE FROM items WHERE rowid = (SELECT max(rowid) FROM items)")
        latest = ledger.latest("j").id
        shorter = ledger.load(latest)
        assert len(shorter.items) == len(books.items) - 1 and tuple(shorter.items) == _row_by_row(path, latest)


def test_a_small_snapshot_keeps_no_column_copy(tmp_path):
    with Ledger(tmp_path / "a.db") as ledger:
        ledger.store(_awkward_books(), source_key="k")
        assert ledger.conn.execute("SELECT count(*) FROM item_columns").fetchone() == (0,)
