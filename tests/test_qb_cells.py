"""Properties of the QuickBooks cell readers: every way QuickBooks prints an amount or a date reads back exactly."""
from __future__ import annotations

import os
from datetime import date, timedelta
from decimal import Decimal
from itertools import repeat

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from connectors.quickbooks.cells import DMY, MDY, decide_date_order, parse_amount, parse_date
from connectors.quickbooks.common import make_invoices
from connectors.quickbooks.grid import read_bytes
from connectors.quickbooks.table import amounts
from receivables.errors import InputError
from receivables.records import Invoice, ItemKind

cents = st.integers(min_value=-10**11, max_value=10**11)


def styles(value: Decimal) -> list[str]:
    body = f"{abs(value):,.2f}"
    sign = "-" if value < 0 else ""
    out = [f"{sign}{body}", f"{sign}{body.replace(',', '')}", f"{sign}${body}", f"{sign}Ksh{body}",
           f"{sign}Ksh {body}"]
    if value < 0:
        out += [f"({body})", f"(${body})", f"{body}-", f"$-{body}"]
    return out


@settings(max_examples=300, deadline=None)
@given(cents)
def test_every_printed_style_reads_back_exactly(units):
    value = Decimal(units).scaleb(-2)
    for text in styles(value):
        assert parse_amount(text) == value, text
    column = [f"{value:,.2f}", f"{-value:,.2f}", "0.00"]
    assert amounts(column) == ([value, -value, Decimal("0.00")], -1)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31)), min_size=1, max_size=20),
       st.sampled_from([MDY, DMY]))
def test_dates_read_back_in_the_order_the_file_reveals(days, order):
    def show(d):
        return f"{d.month:02d}/{d.day:02d}/{d.year}" if order == MDY else f"{d.day:02d}/{d.month:02d}/{d.year}"
    texts = [show(d) for d in days]
    decided, ambiguous = decide_date_order(texts)
    if any(d.day > 12 and d.day != d.month for d in days):
        assert decided == order and not ambiguous
        assert [parse_date(t, decided) for t in texts] == days
    else:
        assert ambiguous and decided == MDY


def test_date_forms():
    assert parse_date("7/18/98", MDY) == date(1998, 7, 18)
    assert parse_date("10/05/26", MDY) == date(2026, 10, 5)
    assert parse_date("2026-07-15", DMY) == date(2026, 7, 15)
    assert parse_date("46023", MDY, serials=True) == date(2026, 1, 1)
    assert parse_date("46023", MDY) is None
    assert parse_date("Jul 25, 2026", MDY) == date(2026, 7, 25)
    assert parse_date("02/30/2026", MDY) is None


def test_bulk_invoices_equal_constructed_ones():
    day = date(2026, 1, 1)
    rows = [(f"invoice:{k}", str(k), "Anna", ItemKind.INVOICE, day + timedelta(k), None, "USD", Decimal(k),
             Decimal(k), None, f"f.csv:{k}", frozenset({"x"}), None, "Anna") for k in range(50)]
    fast = make_invoices(*[list(col) for col in zip(*rows)])
    assert fast == [Invoice(*row) for row in rows]
    assert [hash(i) for i in fast] == [hash(Invoice(*row)) for row in rows]
    with pytest.raises(AttributeError):
        fast[0].total = Decimal(1)                                  # still frozen
    assert make_invoices(["a"], ["1"], ["c"], repeat(ItemKind.PAYMENT), [day], [day], repeat("EUR"),
                         [Decimal(-1)], [Decimal(-1)], [None], ["r"], repeat(frozenset()), repeat(None),
                         ["c"])[0] == Invoice("a", "1", "c", ItemKind.PAYMENT, day, day, "EUR", Decimal(-1),
                                              Decimal(-1), None, "r", customer_name="c")


def test_a_file_growing_while_read_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "download.csv"
    path.write_bytes(b"Open Invoices Report\r\n")
    real_stat = os.stat
    calls = []

    def growing(p, *args, **kwargs):                     # the second look sees the download still going
        calls.append(p)
        result = real_stat(p, *args, **kwargs)
        if len(calls) == 2:
            with open(path, "ab") as handle:
                handle.write(b",Date\r\n")
            result = real_stat(p, *args, **kwargs)
        return result
    monkeypatch.setattr(os, "stat", growing)
    with pytest.raises(InputError, match="still being written") as err:
        read_bytes(path)
    assert err.value.source == str(path)
