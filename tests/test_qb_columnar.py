"""The column reader (connectors.quickbooks.columnar) reads a large open-item CSV exactly as the row reader does.

Every file here is read both ways: by the column reader (its size threshold set to 0) and by the row reader. Where the
column reader takes a file, the books are equal field by field (records made from its frame, notes, customers,
dates) and so are the engine's frames; where it does not, it says so (``None``) and the row reader's own reading or
error stands. The layouts are the renderer's and hand-written ones as people have them (CRLF, a BOM, Windows-1252,
quoted names with commas and quotes, estimates, credit memos and payments with blank due dates, subtotals printed
with ``$``).
"""
from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import connectors.quickbooks.columnar as columnar
from connectors.quickbooks import read_export
from connectors.quickbooks.cells import parse_amount
from receivables.aging import aging
from receivables.errors import InputError
from receivables.frames import frames_of
from receivables.ledger import _item_rows
from receivables.records import LazyItems
from tests.fixtures.qbrender import render
from tests.fixtures.samplebooks import generate

AS_OF = date(2026, 10, 31)
DETAIL_KINDS = ("qbo_open_invoices", "qbo_ar_aging_detail", "qbd_open_invoices", "qbd_ar_aging_detail",
                "qbd_customer_open_balance", "qbo_invoice_list")


def read_both(path, monkeypatch):
    """``(books by columns or None, books by rows)`` of the export at ``path``."""
    monkeypatch.setattr(columnar, "COLUMNAR_FROM", 0)
    fast = read_export(path)
    monkeypatch.setattr(columnar, "COLUMNAR_FROM", 1 << 62)
    slow = read_export(path)
    return (fast if isinstance(fast.items, LazyItems) else None), slow


def read_or_refuse(path, monkeypatch, *, by_columns: bool):
    """The books of the export at ``path`` read with the column reader offered it (or not), else its error line."""
    monkeypatch.setattr(columnar, "COLUMNAR_FROM", 0 if by_columns else 1 << 62)
    try:
        return read_export(path)
    except InputError as exc:
        return str(exc)


def assert_same(fast, slow):
    frame = frames_of(fast).items
    assert str(frame["id"].dtype) == "string[pyarrow]"      # taken as columns: no object per item
    assert not fast.items.built
    as_objects = dict.fromkeys(("id", "number", "customer_id", "currency"), object)
    pd.testing.assert_frame_equal(frame.astype(as_objects), frames_of(slow).items)
    assert aging(fast, AS_OF).to_json_dict() == aging(slow, AS_OF).to_json_dict()
    assert list(zip(*fast.items.columns())) == _item_rows(tuple(slow.items))     # stored as the records would be
    assert not fast.items.built
    assert fast == slow                                      # builds the records: equal to the row reader's
    assert [i.source_ref for i in fast.items] == [i.source_ref for i in slow.items]


@pytest.fixture(scope="module")
def books():
    return generate(seed=5, customers=30, invoices=400)


@pytest.mark.parametrize("kind", DETAIL_KINDS)
def test_every_open_item_layout_is_read_by_columns_exactly(tmp_path, books, kind, monkeypatch):
    fast, slow = read_both(render(books, kind, tmp_path / "export.csv", as_of=AS_OF), monkeypatch)
    assert fast is not None, f"{kind}: the column reader did not take it"
    assert_same(fast, slow)


# ---------------------------------------------------------------- as people have them
def qbo_open_invoices(groups, *, total_delta: str = "0", footer=True, as_of=AS_OF) -> list[list[str]]:
    """Rows of a QuickBooks Online Open Invoices report: ``groups`` maps a customer to its rows
    ``(date, type, num, due, amount text)``; each subtotal and the total printed with ``$``."""
    rows = [["Open Invoices Report"], ["Harbor Test Co"], [f"As of {as_of:%b} {as_of.day}, {as_of.year}"], [],
            ["", "Date", "Transaction type", "Num", "Term", "Due date", "Open balance"]]
    grand = Decimal(0)
    for customer, lines in groups.items():
        rows.append([customer, "", "", "", "", "", ""])
        subtotal = Decimal(0)
        for day, kind, num, due, amount in lines:
            rows.append(["", day, kind, num, "Net 30" if kind == "Invoice" else "", due, amount])
            subtotal += parse_amount(amount) or 0
        grand += subtotal
        rows.append([f"Total for {customer}", "", "", "", "", "", f"${subtotal:,.2f}".replace("$-", "-$")])
    grand += Decimal(total_delta)
    rows.append(["TOTAL", "", "", "", "", "", f"${grand:,.2f}".replace("$-", "-$")])
    if footer:
        rows += [[], [], ["Accrual Basis Saturday, October 31, 2026 09:41 AM GMTZ"]]
    return rows


def write(path, rows, *, encoding="utf-8", newline="\r\n", bom=False) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator=newline).writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode(encoding))
    return path


def sample_groups(n: int = 60) -> dict:
    groups: dict = {}
    names = ['Smith, John "JJ"', "Café Lumière", " Padded Name ", "=HYPERLINK(\"x\")", "Zeta:Sub:Job", "Plain Co"]
    for i in range(n):
        name = names[i % len(names)]
        issued = AS_OF - timedelta(days=(i * 37) % 300)
        due = issued + timedelta(days=30)
        amount = Decimal(1000 + i * 7) + Decimal(i % 100) / 100
        if i % 11 == 0:
            line = (f"{issued:%m/%d/%Y}", "Credit Memo", f"CM{i}", "", f"-{amount:,.2f}")
        elif i % 13 == 0:
            line = (f"{issued:%m/%d/%Y}", "Payment", f"P{i}", "", f"-{amount:,.2f}")
        elif i % 17 == 0:
            line = (f"{issued:%m/%d/%Y}", "Estimate", f"E{i}", f"{due:%m/%d/%Y}", "0.00")
        else:
            line = (f"{issued:%m/%d/%Y}", "Invoice", f"INV{i}", f"{due:%m/%d/%Y}", f"{amount:,.2f}")
        groups.setdefault(name, []).append(line)
    return groups


@pytest.mark.parametrize("variant", ["crlf", "lf", "bom", "cp1252", "no footer", "blank lines"])
def test_hand_written_layouts_are_read_by_columns_exactly(tmp_path, variant, monkeypatch):
    rows = qbo_open_invoices(sample_groups(), footer=variant != "no footer")
    if variant == "blank lines":
        rows[8:8] = [[], [""] * 7]
    path = write(tmp_path / "open.csv", rows, encoding="cp1252" if variant == "cp1252" else "utf-8",
                 newline="\n" if variant == "lf" else "\r\n", bom=variant == "bom")
    fast, slow = read_both(path, monkeypatch)
    assert fast is not None, variant
    assert_same(fast, slow)
    assert any("Estimate (" in n.message for n in slow.notes)          # the estimates were skipped, and said so


@pytest.mark.parametrize("position", range(7))   # every subtotal of six customers, then TOTAL
def test_a_subtotal_a_cent_off_is_left_to_the_row_reader_which_names_the_rows(tmp_path, position, monkeypatch):
    rows = qbo_open_invoices(sample_groups(24))
    subtotals = [k for k, r in enumerate(rows) if r[:1] and (r[0].startswith("Total for ") or r[0] == "TOTAL")]
    assert len(subtotals) == 7
    k = subtotals[position]
    printed = Decimal(rows[k][6].replace("$", "").replace(",", ""))
    rows[k][6] = f"${printed + Decimal('0.01'):,.2f}".replace("$-", "-$")
    path = write(tmp_path / "open.csv", rows)
    monkeypatch.setattr(columnar, "COLUMNAR_FROM", 0)
    assert columnar.read_columnar(path.read_bytes(), str(path), "USD") is None
    with pytest.raises(InputError) as fast_error:
        read_export(path)
    monkeypatch.setattr(columnar, "COLUMNAR_FROM", 1 << 62)
    with pytest.raises(InputError) as slow_error:
        read_export(path)
    assert str(fast_error.value) == str(slow_error.value)
    assert f"row {k + 1}" in str(fast_error.value) and "add up to" in str(fast_error.value)


@pytest.mark.parametrize("damage", ["not an amount", "wider row", "blank due date", "finer amount", "no total"])
def test_what_the_column_reader_does_not_take_is_read_as_before(tmp_path, damage, monkeypatch):
    rows = qbo_open_invoices(sample_groups(30))
    detail = next(k for k, r in enumerate(rows) if r[2:3] == ["Invoice"])
    if damage == "not an amount":
        rows[detail][6] = "12,34.00"
    elif damage == "wider row":
        rows[detail] = [*rows[detail], "extra"]
    elif damage == "blank due date":
        rows[detail][5] = ""                    # an invoice due as its terms say: the row reader names the row
    elif damage == "finer amount":
        rows[detail][6] = rows[detail][6] + "1"
    elif damage == "no total":
        rows = [r for r in rows if r[:1] != ["TOTAL"]]
    path = write(tmp_path / "open.csv", rows)
    monkeypatch.setattr(columnar, "COLUMNAR_FROM", 0)
    assert columnar.read_columnar(path.read_bytes(), str(path), "USD") is None
    assert read_or_refuse(path, monkeypatch, by_columns=True) == read_or_refuse(path, monkeypatch, by_columns=False)


_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")) | st.sampled_from(' ,"\t\u00a0'),
                max_size=12)
_VALID = st.one_of(
    st.decimals(min_value=-10**7, max_value=10**7, places=2).map(lambda d: f"{d:,.2f}"),
    st.decimals(min_value=-10**5, max_value=10**5, places=2).map(str),
    st.decimals(min_value=0, max_value=10**5, places=2).map(lambda d: f"${d:,.2f}"),
    st.decimals(min_value=0, max_value=10**5, places=2).map(lambda d: f"({d:,.2f})"),
    st.sampled_from(["", " 5.00 ", "1.5", "7", "-0.00"]),
)
_ANY = _VALID | st.sampled_from(["1,2345.00", "5.001", "12-", "abc"])
_DATE = st.dates(date(2024, 1, 1), AS_OF).map(lambda d: f"{d:%m/%d/%Y}")
_CLEAN_LINE = st.tuples(_DATE, st.sampled_from(["Invoice", "Credit Memo", "Payment", "Estimate"]),
                        st.text("AB12-", min_size=1, max_size=4), _DATE, _VALID)
_ANY_LINE = st.tuples(_DATE, st.sampled_from(["Invoice", "Credit Memo", "Payment", "Estimate", "Journal Entry", ""]),
                      st.text("AB12-", max_size=4), st.sampled_from(["", "11/30/2026", "13/01/2025"]), _ANY)
_NAME = _TEXT.filter(lambda s: s.strip() and not s.strip().lower().startswith("total"))


def _numbered(groups: dict) -> dict:
    """Each line's number made unique (QuickBooks numbers invoices uniquely), blank due dates only off invoices."""
    out, k = {}, 0
    for name, lines in groups.items():
        out[name] = []
        for day, kind, num, due, amount in lines:
            k += 1
            out[name].append((day, kind, f"{num}{k}", due if kind == "Invoice" else "", amount))
    return out


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(clean=st.booleans(),
       clean_groups=st.dictionaries(_NAME, st.lists(_CLEAN_LINE, min_size=1, max_size=5), min_size=1, max_size=4),
       any_groups=st.dictionaries(_NAME, st.lists(_ANY_LINE, min_size=1, max_size=5), min_size=1, max_size=4))
def test_any_export_is_read_by_columns_as_by_rows_or_left_to_them(tmp_path_factory, clean, clean_groups, any_groups,
                                                                   monkeypatch):
    groups = _numbered(clean_groups) if clean else any_groups
    path = write(tmp_path_factory.mktemp("fuzz") / "open.csv", qbo_open_invoices(groups))
    fast, slow = read_or_refuse(path, monkeypatch, by_columns=True), read_or_refuse(path, monkeypatch, by_columns=False)
    if clean:       # a well-formed export is taken by columns
        assert not isinstance(fast, str) and isinstance(fast.items, LazyItems), (fast, slow)
    if isinstance(fast, str) or not isinstance(fast.items, LazyItems):
        assert fast == slow
    else:
        assert_same(fast, slow)


def test_a_large_read_says_how_far_it_has_come(tmp_path, monkeypatch):
    path = write(tmp_path / "open.csv", qbo_open_invoices(sample_groups(3000)))
    monkeypatch.setattr(columnar, "COLUMNAR_FROM", 0)
    heard = []
    books = read_export(path, progress=lambda done, total, label: heard.append((done, total, label)))
    assert isinstance(books.items, LazyItems)
    size = path.stat().st_size
    assert heard[-1] == (size, size, "reading")
    assert len(heard) > 2 and all(t == size and lb == "reading" for _, t, lb in heard)
    assert [d for d, _, _ in heard] == sorted(d for d, _, _ in heard)


@pytest.mark.parametrize("options", [{}, {"xlsx_dates": "date", "parentheses": True}])
@pytest.mark.parametrize("kind", DETAIL_KINDS)
def test_every_layout_as_xlsx_is_read_by_columns_exactly(tmp_path, books, kind, options, monkeypatch):
    """An XLSX export, loaded as text rows (dates as text or as date cells), read by columns as by rows."""
    path = render(books, kind, tmp_path / "export.xlsx", as_of=AS_OF, **options)
    monkeypatch.setattr(columnar, "COLUMNAR_ROWS", 0)
    fast = read_export(path)
    monkeypatch.setattr(columnar, "COLUMNAR_ROWS", 1 << 62)
    slow = read_export(path)
    assert isinstance(fast.items, LazyItems), f"{kind}: the column reader did not take it"
    assert_same(fast, slow)


def test_the_benchmark_xlsx_layout_is_read_by_columns_exactly(tmp_path, monkeypatch):
    from benchmarks.e2e import _write_open_invoices_xlsx

    path = tmp_path / "open.xlsx"
    _write_open_invoices_xlsx(3000, path)
    monkeypatch.setattr(columnar, "COLUMNAR_ROWS", 0)
    fast = read_export(path)
    monkeypatch.setattr(columnar, "COLUMNAR_ROWS", 1 << 62)
    slow = read_export(path)
    assert isinstance(fast.items, LazyItems)
    assert_same(fast, slow)


def test_open_items_are_counted_from_the_frame_without_records(tmp_path, monkeypatch):
    path = write(tmp_path / "open.csv", qbo_open_invoices(sample_groups()))
    fast, slow = read_both(path, monkeypatch)
    assert fast.open_count() == len(slow.open_items()) == slow.open_count() > 0
    assert not fast.items.built


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["invoice:", "credit_note:"]),
                          st.one_of(st.integers(1, 10**6).map(str), st.text("0123456789AB", min_size=1, max_size=4))),
                min_size=1, max_size=30))
def test_items_are_distinct_exactly_when_their_ids_are(rows):
    import pyarrow as pa

    numbers = pa.array([n for _, n in rows])
    ids = pa.array([k + n for k, n in rows])
    assert columnar._distinct(numbers, ids) == (len({k + n for k, n in rows}) == len(rows))
