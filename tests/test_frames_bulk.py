"""The engine's frames built in bulk (receivables.frames, receivables.money.minor_units) equal what the former
per-item code built, value for value and dtype for dtype, and refuse the same amounts with the same error.

The reference below is that per-item code, kept here as it was: one ``to_minor`` per amount, one
``np.datetime64`` per date, one ``str()`` / ``.upper()`` / flag test per item.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from receivables.errors import InputError
from receivables.frames import (
    _dates,
    allocation_frame,
    empty_allocations,
    empty_payments,
    item_frame,
    payment_frame,
)
from receivables.money import minor_units, to_minor
from receivables.records import Allocation, Books, Invoice, ItemKind, Payment

D = Decimal
AS_OF = date(2026, 10, 31)


# ---------------------------------------------------------------- the per-item reference (the former code)
def ref_dates(values) -> np.ndarray:
    arr = np.array([np.datetime64(v, "D") if v is not None else np.datetime64("NaT") for v in values],
                   dtype="datetime64[D]")
    return arr.astype("datetime64[s]")


def ref_minor(amount: Decimal, currency: str, where: str, column: str) -> int:
    try:
        return to_minor(amount, currency)
    except (ValueError, TypeError) as exc:
        raise InputError(f"amount {amount} cannot be held exactly in {currency}: {exc}", source=where or None,
                         column=column, hint="check the export's amounts and currency") from None


def ref_item_frame(books: Books) -> pd.DataFrame:
    items = books.items
    cc = books.company_currency
    total, open_, open_co, total_co, discount = [], [], [], [], []
    for it in items:
        where = it.source_ref or it.id
        total.append(ref_minor(it.total, it.currency, where, "total"))
        total_co.append(None if it.total_company is None else ref_minor(it.total_company, cc, where, "total_company"))
        open_.append(ref_minor(it.open_amount, it.currency, where, "open_amount"))
        open_co.append(None if it.open_amount_company is None
                       else ref_minor(it.open_amount_company, cc, where, "open_amount_company"))
        discount.append(None if it.discount_amount is None
                        else ref_minor(it.discount_amount, it.currency, where, "discount_amount"))
    return pd.DataFrame({
        "id": pd.Series([i.id for i in items], dtype=object),
        "number": pd.Series([i.number for i in items], dtype=object),
        "customer_id": pd.Series([i.customer_id for i in items], dtype=object),
        "kind": pd.Series([str(i.kind) for i in items], dtype=object),
        "issued": ref_dates(i.issued for i in items),
        "due": ref_dates(i.due for i in items),
        "currency": pd.Series([i.currency.upper() for i in items], dtype=object),
        "total_minor": np.array(total, dtype=np.int64),
        "open_minor": np.array(open_, dtype=np.int64),
        "open_company_minor": pd.array(open_co, dtype="Int64"),
        "paid_on": ref_dates(i.paid_on for i in items),
        "total_company_minor": pd.array(total_co, dtype="Int64"),
        "inferred": np.array(["inferred" in i.flags for i in items], dtype=bool),
        "discount_minor": pd.array(discount, dtype="Int64"),
        "discount_until": ref_dates(i.discount_until for i in items),
    })


def ref_allocation_frame(books: Books) -> pd.DataFrame:
    if not books.allocations:
        return empty_allocations()
    cur = {i.id: i.currency for i in books.items}
    cc = books.company_currency
    allocs = books.allocations
    return pd.DataFrame({
        "debit_item_id": pd.Series([a.debit_item_id for a in allocs], dtype=object),
        "credit_item_id": pd.Series([a.credit_item_id for a in allocs], dtype=object),
        "amount_minor": np.array([ref_minor(a.amount, cc, a.debit_item_id, "amount") for a in allocs],
                                 dtype=np.int64),
        "amount_currency_minor": pd.array(
            [None if a.amount_currency is None
             else ref_minor(a.amount_currency, cur.get(a.debit_item_id, cc), a.debit_item_id, "amount_currency")
             for a in allocs], dtype="Int64"),
        "date": ref_dates(a.date for a in allocs),
    })


def ref_payment_frame(books: Books) -> pd.DataFrame:
    if not books.payments:
        return empty_payments()
    ps = books.payments
    return pd.DataFrame({
        "id": pd.Series([p.id for p in ps], dtype=object),
        "customer_id": pd.Series([p.customer_id for p in ps], dtype=object),
        "date": ref_dates(p.date for p in ps),
        "amount_minor": np.array([ref_minor(p.amount, p.currency, p.source_ref or p.id, "amount") for p in ps],
                                 dtype=np.int64),
        "currency": pd.Series([p.currency.upper() for p in ps], dtype=object),
    })


def assert_same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert list(got.columns) == list(want.columns)
    assert list(got.dtypes) == list(want.dtypes)
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    for name in got.columns:  # nullable columns: the same values under the mask too
        if isinstance(got[name].dtype, pd.Int64Dtype):
            assert np.array_equal(got[name].array._data, want[name].array._data), name
            assert np.array_equal(got[name].array._mask, want[name].array._mask), name


def assert_all_same(books: Books) -> None:
    assert_same(item_frame(books), ref_item_frame(books))
    assert_same(allocation_frame(books), ref_allocation_frame(books))
    assert_same(payment_frame(books), ref_payment_frame(books))


def raised(fn, books: Books) -> Exception:
    with pytest.raises(Exception) as info:
        fn(books)
    return info.value


def assert_same_refusal(books: Books) -> None:
    """Each frame of ``books`` is refused with the per-item code's error, or equals its frame; one is refused."""
    refused = 0
    for new, ref in ((item_frame, ref_item_frame), (allocation_frame, ref_allocation_frame),
                     (payment_frame, ref_payment_frame)):
        try:
            ref(books)
        except InputError as want:
            got = raised(new, books)
            assert type(got) is InputError
            assert str(got) == str(want)
            assert (got.message, got.source, got.column, got.hint) == (want.message, want.source, want.column,
                                                                       want.hint)
            refused += 1
        else:
            assert_same(new(books), ref(books))
    assert refused


# ---------------------------------------------------------------- books in three precisions
def inv(id_, currency, total, open_=None, *, kind=ItemKind.INVOICE, due=AS_OF, issued=date(2026, 9, 1),
        paid_on=None, company=None, total_company=None, flags=frozenset(), source_ref=None, customer="C1",
        discount=None):
    return Invoice(id=id_, number=f"N{id_}", customer_id=customer, kind=kind, issued=issued, due=due,
                   currency=currency, total=D(total), open_amount=D(open_ if open_ is not None else total),
                   open_amount_company=None if company is None else D(company),
                   source_ref=f"file.csv:{id_}" if source_ref is None else source_ref, flags=flags, paid_on=paid_on,
                   total_company=None if total_company is None else D(total_company),
                   discount_until=None if discount is None else issued + timedelta(days=10),
                   discount_amount=None if discount is None else D(discount))


def mixed_books(**changes) -> Books:
    items = [
        inv("1", "USD", "1234.56", company="1234.56", total_company="1234.56", discount="1209.87"),
        inv("2", "JPY", "150000", "75000", company="1003.01", due=None, discount="147000"),
        inv("3", "KWD", "12.345", "0.005", total_company="40.12", paid_on=date(2026, 10, 2)),
        inv("4", "usd", "-50.00", kind=ItemKind.CREDIT_NOTE, flags=frozenset({"inferred"}), issued=date(1969, 12, 31)),
        inv("5", "JPY", "-3000", kind=ItemKind.PAYMENT, due=None, flags=frozenset({"disputed"}), source_ref=""),
        inv("6", "kwd", "0.100", "0", paid_on=date(2026, 10, 30), company="0.00", customer="C2"),
        inv("7", "USD", "7", "7.5", flags=frozenset({"inferred", "disputed"}), due=date(2030, 1, 1)),
        inv("8", "USD", "0.01", due=None, paid_on=date(2000, 2, 29)),
    ]
    allocations = [
        Allocation("3", "P1", D("39.99"), date(2026, 10, 2), D("12.340")),
        Allocation("2", "P2", D("500.00"), date(2026, 10, 3), D("75000")),
        Allocation("1", "4", D("50.00"), date(2026, 10, 4)),
        Allocation("gone", "P3", D("1.00"), date(2026, 10, 5), D("1.00")),
        Allocation("6", "P4", D("0.33"), date(2026, 10, 30), D("0.1")),
    ]
    payments = [
        Payment("P1", "C1", date(2026, 10, 2), D("12.340"), "KWD", source_ref="pay.csv:1"),
        Payment("P2", "C1", date(2026, 10, 3), D("75000"), "jpy"),
        Payment("P3", "C2", date(2026, 10, 5), D("1"), "USD", source_ref="pay.csv:3"),
    ]
    fields = dict(source="test", company_currency="USD", report_date=AS_OF, items=tuple(items),
                  payments=tuple(payments), allocations=tuple(allocations))
    fields.update(changes)
    return Books(**fields)


def test_several_currencies_none_dates_company_amounts_and_inferred_credits_match_the_per_item_frames():
    books = mixed_books()
    assert_all_same(books)
    items = item_frame(books)
    assert items["total_minor"].tolist() == [123456, 150000, 12345, -5000, -3000, 100, 700, 1]
    assert items["inferred"].tolist() == [False, False, False, True, False, False, True, False]
    assert items["due"].isna().tolist() == [False, True, False, False, True, False, False, True]
    assert items["discount_minor"].tolist()[:3] == [120987, 147000, pd.NA]
    assert items["discount_until"].notna().tolist() == [True, True] + [False] * 6


def test_one_currency_and_columns_all_known_or_all_unknown_match():
    usd = tuple(inv(str(n), "USD", f"{n}.{n:02d}", company=f"{n}.{n:02d}", total_company=f"{n}.{n:02d}",
                    paid_on=AS_OF - timedelta(days=n)) for n in range(1, 30))
    assert_all_same(mixed_books(items=usd, allocations=(), payments=()))
    bare = tuple(inv(str(n), "JPY", str(n * 100)) for n in range(1, 30))
    assert_all_same(mixed_books(items=bare, company_currency="JPY", allocations=()))
    assert_all_same(mixed_books(items=(), allocations=(), payments=()))


def test_company_currency_with_three_places():
    assert_all_same(mixed_books(company_currency="KWD",
                                items=tuple(i for i in mixed_books().items if i.open_amount_company is None)))


def shared(id_, currency, text, **kw):
    """An item whose four amounts are one and the same Decimal object (as readers often make them)."""
    a = D(text)
    return Invoice(id_, f"N{id_}", "C1", ItemKind.INVOICE, AS_OF, AS_OF, currency, a, a, a, f"f:{id_}",
                   total_company=a, **kw)


def test_amounts_shared_between_columns_match():
    usd = (shared("1", "USD", "1.25"), shared("2", "usd", "-3"), shared("3", "EUR", "0.10"))
    assert_all_same(mixed_books(items=usd, allocations=(), payments=()))
    assert item_frame(mixed_books(items=usd))["open_company_minor"].tolist() == [125, -300, 10]
    jpy = (shared("1", "JPY", "100"), shared("2", "JPY", "-7"))
    assert_all_same(mixed_books(items=jpy, allocations=(), payments=()))
    assert item_frame(mixed_books(items=jpy))["open_company_minor"].tolist() == [10000, -700]
    assert_all_same(mixed_books(items=usd + jpy + (shared("4", "KWD", "1.5"),), allocations=(), payments=()))
    assert_all_same(mixed_books(items=jpy, company_currency="JPY", allocations=(), payments=()))
    assert_same_refusal(mixed_books(items=usd + (shared("5", "USD", "1.001"),), allocations=(), payments=()))
    assert_same_refusal(mixed_books(items=jpy + (shared("5", "JPY", "1.5"),), allocations=(), payments=()))


@pytest.mark.parametrize("where", ["total", "open", "company", "total_company"])
def test_a_too_precise_item_amount_is_refused_as_before(where):
    items = list(mixed_books().items)
    bad = {"total": dict(total="10.5"), "open": dict(total="10", open_="9.5"),
           "company": dict(total="1", company="1.001"), "total_company": dict(total="1", total_company="0.125")}
    items[4] = inv("5", "JPY", source_ref="", **bad[where])
    items.append(inv("9", "USD", "1.001"))  # a later one is not the one named
    books = mixed_books(items=tuple(items))
    assert_same_refusal(books)
    err = raised(item_frame, books)
    assert err.source == "5"
    assert err.column == {"total": "total", "open": "open_amount", "company": "open_amount_company",
                          "total_company": "total_company"}[where]
    if where == "total":
        assert str(err) == ("5, column 'total': amount 10.5 cannot be held exactly in JPY: 10.5 has more decimals "
                            "than JPY allows (check the export's amounts and currency)")


def test_the_first_refused_item_is_named_whatever_its_column():
    items = list(mixed_books().items)
    items[5] = inv("6", "kwd", "0.1", "0.0001")            # open amount, an earlier item
    items[6] = inv("7", "USD", "7.001")                    # total, a later item
    books = mixed_books(items=tuple(items))
    assert_same_refusal(books)
    assert (raised(item_frame, books).source, raised(item_frame, books).column) == ("file.csv:6", "open_amount")


def test_floats_and_too_precise_allocations_and_payments_are_refused_as_before():
    base = mixed_books()
    allocs = list(base.allocations)
    allocs[1] = Allocation("2", "P2", D("500.00"), date(2026, 10, 3), D("75000.5"))
    assert_same_refusal(mixed_books(allocations=tuple(allocs)))
    allocs[0] = Allocation("3", "P1", D("39.999"), date(2026, 10, 2), D("12.340"))
    assert_same_refusal(mixed_books(allocations=tuple(allocs)))
    pays = list(base.payments)
    pays[2] = Payment("P3", "C2", date(2026, 10, 5), D("1.001"), "USD", source_ref="pay.csv:3")
    assert_same_refusal(mixed_books(payments=tuple(pays)))
    pays[1] = Payment("P2", "C1", date(2026, 10, 3), 75000.0, "JPY")
    assert_same_refusal(mixed_books(payments=tuple(pays)))
    assert "refuses float" in str(raised(payment_frame, mixed_books(payments=tuple(pays))))
    items = list(base.items)
    items[0] = Invoice("1", "N1", "C1", ItemKind.INVOICE, AS_OF, AS_OF, "USD", 12.5, D("12.5"))
    assert_same_refusal(mixed_books(items=tuple(items)))


@pytest.mark.parametrize("values", [
    [], [None], [None, None], [date(2026, 10, 31)], [date(1, 1, 1), date(9999, 12, 31), date(1969, 12, 31)],
    [None, date(1970, 1, 1), None, date(2000, 2, 29)], [datetime(2026, 1, 2, 23, 59), date(2026, 1, 3), None],
    [np.datetime64("2026-01-02"), None, date(2026, 1, 3)],
])
def test_dates_through_ordinals_are_the_former_dates(values):
    got, want = _dates(list(values)), ref_dates(values)
    assert got.dtype == want.dtype == np.dtype("datetime64[s]")
    assert np.array_equal(got, want, equal_nan=True)
    assert np.array_equal(got.view(np.int64), want.view(np.int64))


def test_minor_units_is_to_minor_in_bulk():
    amounts = [D("1.5"), D("-0.25"), D("100"), D("0E-7"), D("12.3400"), 7, "3.10"]
    assert minor_units(amounts, 2) == [to_minor(a, "USD") for a in amounts] == [150, -25, 10000, 0, 1234, 700, 310]
    assert minor_units([D("12.345")], 3) == [12345]
    assert minor_units([], 2) == []
    with pytest.raises(ValueError) as info:
        minor_units([D("1.00"), D("2.001"), D("3.0001")], 2, "EUR")
    assert info.value.index == 1
    assert str(info.value) == "2.001 has more decimals than EUR allows"
    with pytest.raises(TypeError, match="refuses float") as info:
        minor_units([D("1"), D("2"), 2.5], 0)
    assert info.value.index == 2
    with pytest.raises(ValueError, match="not a finite amount"):
        minor_units([D("1"), D("NaN")], 2)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["USD", "JPY", "KWD", "eur", "BHD"]), st.integers(-10**12, 10**12),
                          st.booleans(), st.booleans(), st.one_of(st.none(), st.integers(0, 20000)),
                          st.sampled_from([frozenset(), frozenset({"inferred"}), frozenset({"x"})])),
                max_size=25),
       st.sampled_from(["USD", "JPY", "KWD"]))
def test_random_books_match_the_per_item_frames(rows, company):
    places = {"USD": 2, "JPY": 0, "KWD": 3, "EUR": 2, "BHD": 3}
    items = []
    for n, (cur, units, known, known_total, days_, flags) in enumerate(rows):
        amount = D(units).scaleb(-places[cur.upper()])
        co = D(units).scaleb(-places[company])
        day = None if days_ is None else date(1960, 1, 1) + timedelta(days=days_)
        items.append(Invoice(str(n), str(n), f"C{n % 3}", ItemKind.INVOICE if units >= 0 else ItemKind.CREDIT_NOTE,
                             day or AS_OF, day, cur, amount, amount, co if known else None, f"f:{n}", flags, day,
                             total_company=co if known_total else None))
    allocations = tuple(Allocation(i.id, "P", D(1), AS_OF, i.total if n % 2 else None) for n, i in enumerate(items))
    payments = tuple(Payment(f"P{n}", i.customer_id, i.issued, i.total, i.currency) for n, i in enumerate(items))
    assert_all_same(Books("t", company, AS_OF, items=tuple(items), allocations=allocations, payments=payments))
