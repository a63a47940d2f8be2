"""Large CSV open-item exports read straight into the engine's columns.

An Open Invoices, A/R Aging Detail or Customer Open Balance CSV of a million rows is read here column by column:

- the cells by pyarrow's CSV reader, every column as text (the title block and the footer, a few lines, by the same
  ``csv`` module and layout detection as the row reader);
- headings, subtotals and ``TOTAL`` (the rows whose date cell holds no date, a few per customer) by the row reader's
  own :func:`~connectors.quickbooks.table.groups`, so both readers see the same groups;
- amounts to int64 minor units exactly from their text: a plain amount (``-1,234.56``) through a cast to a decimal
  that refuses to round, any other text through :func:`~connectors.quickbooks.cells.parse_amount` one cell at a
  time; every subtotal and the total checked as a difference of running integer sums;
- dates, transaction types and customers once per distinct text, by the row reader's own rules.

The books' items are the engine's frame (:class:`~receivables.records.LazyItems`): the aging, DSO, customers and
forecast of the file build no object per item. Records are made only when something asks for them one by one (a
workbook's Invoices sheet, the ledger), and are then equal to the row reader's.

The reader takes a file only when it reads it exactly as the row reader would. :func:`read_columnar` returns
``None`` for any other (smaller than :data:`COLUMNAR_FROM`, another layout, multicurrency columns, a line of another
width, a blank line or due date, a row of a type counted by its sign, a cell that is not an amount or a date, a
subtotal that does not add up), which the row reader then reads, wording any error with its file, row and column.
``tests/test_qb_columnar.py`` reads every layout both ways and compares books and frames.
"""
from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import dataclass
from itertools import repeat

import numpy as np
import pandas as pd

from receivables.errors import InputError, Issue
from receivables.frames import NO_DAY, day_number
from receivables.money import decimal_texts, from_minor, plain_minor_units, precision
from receivables.records import DUE_DATES, ISSUED_HISTORY, OPEN_ITEMS, PAYMENTS, Books, Invoice, ItemKind, LazyItems

from .cells import parse_amount
from .common import (
    NOT_AR,
    Dates,
    currency_cell,
    customer_from,
    customers_for,
    date_notes,
    early_payment,
    file_name,
    make_invoices,
    total_unknown_note,
    type_class,
    types_note,
    with_collectors,
)
from .grid import Sheet
from .kinds import (
    AGING,
    AMOUNT,
    CURRENCY,
    CUSTOMER,
    DATE,
    DUE,
    FAMOUNT,
    FOPEN,
    NUM,
    OPEN,
    OPEN_ITEM_KINDS,
    QBO_INVOICE_LIST,
    RATE,
    REP,
    TERMS,
    TYPE,
    find_layout,
)
from .table import CHECKED, _amounts_beside, groups

#: Files at least this large (bytes) are offered to the column reader; smaller ones are read row by row, which costs
#: less than starting pyarrow.
COLUMNAR_FROM = 4 << 20
#: Sheets of at least this many rows (an XLSX export's, loaded as text) are offered to the column reader.
COLUMNAR_ROWS = 50_000

_HEAD_LINES = 40              # the lines layout detection looks at (connectors.quickbooks.kinds.find_layout)
_TAIL_LINES = 16              # where TOTAL and the footer are looked for, from the end
# What Python's str.strip() takes off: trimming a column with exactly these characters gives the row reader's text.
_WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
# A plain amount: the text parse_amount hands to money() as it is, less its thousands separators.
_PLAIN = r"^-?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?$"
_NONE = frozenset()
_UNUSED = "unused"            # a text only rows other than detail rows hold
_NO_TOTAL = frozenset({"total_unknown"})


class _NotHere(Exception):
    """The file is not one this reader takes exactly: the row reader reads it."""


def read_columnar(data: bytes, source: str, company_currency: str, *, progress=None) -> Books | None:
    """Books of a large CSV open-item export read by columns, or ``None`` when the row reader must read it (see the
    module's docstring). ``progress(done, total, "reading")`` hears how far the read has come, in bytes of the file:
    the cells as they are parsed, then the rest of the work in steps."""
    if len(data) < COLUMNAR_FROM:
        return None
    try:
        import pyarrow  # noqa: F401
    except ImportError:                       # pragma: no cover - a declared dependency
        return None
    size = len(data)

    def report(fraction: float) -> None:
        if progress is not None:
            progress(min(size, int(size * fraction)), size, "reading")
    try:
        books = _read(data, source, company_currency, report)
        report(1.0)
        return books
    except (_NotHere, InputError, csv.Error, ValueError, LookupError, TypeError, ArithmeticError):
        return None                     # the row reader reads it, and says what is wrong with it


def _lines(data: bytes, count: int) -> list[int]:
    """Offsets just past each of the first ``count`` newlines."""
    ends, pos = [], 0
    for _ in range(count):
        j = data.find(b"\n", pos)
        if j < 0:
            break
        pos = j + 1
        ends.append(pos)
    return ends


def _rows(chunk: bytes, encoding: str) -> list[list[str]]:
    """The CSV rows of ``chunk``, one per line (a file whose cells break lines is not taken)."""
    text = chunk.decode(encoding)
    rows = list(csv.reader(io.StringIO(text)))
    if len(rows) != text.count("\n") + (not text.endswith("\n") and bool(text)):
        raise _NotHere
    return rows


def _label(row: list[str]) -> str | None:
    return next((c.strip() for c in row if c and c.strip()), None)


class _Body:
    """The detail rows of a large export, by column: what every column reader starts from.

    ``rows_at``: each detail row's position in the table; ``path_codes`` / ``paths``: the group headings above each;
    ``spans``: the subtotals and the total with the detail positions they close (table.groups); ``other_rows``: the
    rows that are not detail rows, by sheet index; ``full``: whole columns not read yet; ``columns``: detail rows of
    the text columns taken.
    """

    def __init__(self, **fields):
        self.__dict__.update(fields)

    def encoded(self, key: str) -> tuple[list, np.ndarray]:
        """The distinct texts of a column's detail rows (``None`` in place of texts only other rows hold) and each
        detail row's code into them."""
        import pyarrow as pa
        import pyarrow.compute as pc

        column = self.full.pop(key)
        if isinstance(column, pa.ChunkedArray):        # each block encoded, then one dictionary for them all
            chunks = pc.dictionary_encode(column).unify_dictionaries().chunks
            dictionary = chunks[0].dictionary if chunks else pa.array([], pa.string())
            indices = np.concatenate([c.indices.to_numpy() for c in chunks]) if chunks else np.zeros(0, np.int32)
        else:
            enc = pc.dictionary_encode(column)
            dictionary, indices = enc.dictionary, enc.indices.to_numpy()
        codes = indices[self.rows_at].astype(np.int64)
        used = np.bincount(codes, minlength=len(dictionary)) > 0
        return [t if u else None for t, u in zip(dictionary.to_pylist(), used.tolist())], codes

    def customers(self, named) -> tuple[np.ndarray, list[str]]:
        """Each detail row's customer code and the customers' full names: the customer column ``named`` (trimmed
        detail texts, or ``None``), else the headings above the row."""
        by_path = [customer_from(p) for p in self.paths]
        if named is not None:
            import pyarrow.compute as pc

            trimmed = pc.utf8_trim(named, characters=_WHITESPACE)
            if not pc.any(pc.equal(trimmed, "")).as_py():   # each row names its customer: encoded as it is
                encoded = pc.dictionary_encode(trimmed)
                return encoded.indices.to_numpy().astype(np.int64), encoded.dictionary.to_pylist()
            texts = trimmed.to_numpy(zero_copy_only=False, writable=True)
            blank = texts == ""
            texts[blank] = np.asarray(by_path, dtype=object)[self.path_codes[blank]]
        else:
            texts = np.asarray(by_path, dtype=object)[self.path_codes]
        codes, names = pd.factorize(texts, sort=False)
        names = list(names)
        if "" in names:
            raise _NotHere
        return codes, names


def read_sheet_columns(layout, company_currency: str) -> Books | None:
    """Books of a large sheet of an open-item report or Invoice List already loaded as text rows (an XLSX
    export's), read by columns as :func:`read_columnar` reads a CSV's; ``None`` when the row reader must read it."""
    rows = layout.sheet.rows
    if len(rows) < COLUMNAR_ROWS or layout.kind not in (*OPEN_ITEM_KINDS, QBO_INVOICE_LIST):
        return None
    try:
        import pyarrow as pa

        start = layout.header_index + 1
        total = next((k for k in range(len(rows) - 1, start - 1, -1) if (_label(rows[k]) or "").upper() == "TOTAL"),
                     None)
        header = rows[layout.header_index]
        width = len(header)
        if total is None or any(len(r) != width for r in rows[start:total + 1]):
            return None
        cells = list(zip(*rows[start:total + 1]))
        table = pa.table([pa.array(c, type=pa.string()) for c in cells], names=[f"c{k}" for k in range(width)])
        del cells
        return _books(_structure(layout, header, table), company_currency)
    except (_NotHere, InputError, ValueError, LookupError, TypeError, ArithmeticError):
        return None


def _read(data: bytes, source: str, company_currency: str, report=lambda fraction: None) -> Books:
    body = _body(data, source, report)
    report(0.75)
    return _books(body, company_currency)


def _books(body: _Body, company_currency: str) -> Books:
    if body.layout.kind in OPEN_ITEM_KINDS:
        return _open_items(body, company_currency)
    if body.layout.kind == QBO_INVOICE_LIST:
        return _invoice_list(body, company_currency)
    raise _NotHere


def _body(data: bytes, source: str, report) -> _Body:
    import pyarrow as pa

    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data:
        raise _NotHere
    try:                                   # as grid.decode_text reads it: UTF-8, else Windows-1252
        data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            data = data.decode("cp1252").encode("utf-8")
        except UnicodeDecodeError:
            raise _NotHere from None
    encoding = "utf-8"
    head_ends = _lines(data, _HEAD_LINES)
    head = _rows(data[:head_ends[-1]] if head_ends else data, encoding)
    if head and head[0][:1] and head[0][0].lstrip().startswith("!"):
        raise _NotHere                                          # IIF
    # The tail: the footer, TOTAL, and the three lines with text above TOTAL (where the run date is looked for).
    pos = len(data) - 1 if data.endswith(b"\n") else len(data)
    for _ in range(_TAIL_LINES):
        pos = data.rfind(b"\n", 0, pos)
        if pos < 0:
            break                                               # a short file: all of it
    tail_start = pos + 1
    tail = _rows(data[tail_start:], encoding)
    at = next((k for k in range(len(tail) - 1, -1, -1) if (_label(tail[k]) or "").upper() == "TOTAL"), None)
    if at is None or at < 3:
        raise _NotHere
    total_end = tail_start + sum(len(line) + 1 for line in data[tail_start:].split(b"\n")[:at + 1])
    above = [r for r in tail[:at] if _label(r) is not None][-3:]
    # What layout detection reads of a sheet: its first lines, and from the end the last three lines with text.
    layout = find_layout(Sheet(source, head + above + tail[at:]))
    if layout is None or layout.header_index >= len(head_ends) \
            or layout.kind not in (*OPEN_ITEM_KINDS, QBO_INVOICE_LIST):
        raise _NotHere
    header = head[layout.header_index]
    body = data[head_ends[layout.header_index]:total_end] if layout.header_index < len(head_ends) else b""
    if not body:
        raise _NotHere
    width = len(header)
    names = [f"c{k}" for k in range(width)]
    import pyarrow.csv as pacsv

    refused = []

    def refuse(row) -> str:
        refused.append(row)
        return "skip"
    try:                                   # block by block, saying how far it has come
        stream = pa.BufferReader(pa.py_buffer(body))
        reader = pacsv.open_csv(
            stream, read_options=pacsv.ReadOptions(column_names=names, block_size=1 << 22),
            parse_options=pacsv.ParseOptions(newlines_in_values=False, ignore_empty_lines=False,
                                             invalid_row_handler=refuse),
            convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()), null_values=[],
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False))
        batches = []
        for batch in reader:
            batches.append(batch)
            report(0.5 * stream.tell() / len(body))
        table = pa.Table.from_batches(batches, schema=reader.schema)
        del batches
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        raise _NotHere from None
    if refused or table.num_rows != body.count(b"\n") + (not body.endswith(b"\n")):
        raise _NotHere
    return _structure(layout, header, table)


def _structure(layout, header: list[str], table) -> _Body:
    """The groups and detail rows of a report's body (``table``: its rows from the one below the header to
    ``TOTAL``, every column as text)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    source, cols = layout.sheet.source, layout.columns
    start, count = layout.header_index + 1, table.num_rows
    if not all(k in cols for k in (DATE, TYPE, OPEN, DUE)) or (layout.kind == QBO_INVOICE_LIST
                                                              and AMOUNT not in cols):
        raise _NotHere

    # Detail rows, as the row reader tells them (table.walk): a date cell starting with a digit, or any text but
    # blank, the date column's title or "Total...". Only the few others are looked at one by one.
    date_col = cols[DATE]
    title = header[date_col]
    digit = pc.match_substring_regex(table.column(date_col), "^[0-9]").to_numpy(zero_copy_only=False)
    maybe = np.flatnonzero(~digit)
    cells = pc.take(table.column(date_col), pa.array(maybe, type=pa.int64())).to_pylist() if len(maybe) else []
    others = [k for k, c in zip(maybe.tolist(), cells)
              if not c.strip() or c == title or c.strip().lower().startswith("total")]
    picked = table.take(pa.array(others, type=pa.int64())) if others else None
    other_rows = {start + k: list(row) for k, row in zip(others, zip(*(c.to_pylist() for c in picked.columns)))} \
        if others else {}
    index, paths, spans, has_total = groups(other_rows.__getitem__, others, start, count, header, layout,
                                            summary=False, flat=False)
    if not has_total or spans[-1][1] != start + count - 1:
        raise _NotHere
    rows_at = np.asarray(index, dtype=np.int64) - start
    del index
    path_codes, distinct_paths = pd.factorize(pd.Series(paths, dtype=object), sort=False)
    del paths
    # The columns read, and the table let go. Text the items keep (numbers, customers, rates) is taken from the
    # detail rows; columns read per distinct text (types, dates, currencies) are encoded whole, and their codes
    # taken; amounts are read whole where the rows are detail rows.
    # (Amounts are read in one piece; the other columns are taken or encoded block by block.)
    # The Terms column is kept only where some of its terms grant an early-payment discount (the usual export's
    # "Net 30" grant none): its distinct texts are few.
    early = TERMS in cols and any(t and early_payment(t) for t in pc.unique(table.column(cols[TERMS])).to_pylist())
    full = {key: table.column(cols[key]).combine_chunks() if key in CHECKED else table.column(cols[key])
            for key in (*CHECKED, TYPE, DATE, DUE, CUSTOMER, NUM, CURRENCY, RATE, REP, *([TERMS] * early))
            if key in cols}
    del table, picked
    taken = pa.array(rows_at, type=pa.int64())
    columns = {key: pc.take(full.pop(key), taken).combine_chunks() for key in (CUSTOMER, NUM, RATE) if key in full}
    del taken
    is_detail = np.zeros(count, dtype=bool)
    is_detail[rows_at] = True
    return _Body(source=source, layout=layout, start=start, count=count, other_rows=other_rows, spans=spans,
                 rows_at=rows_at, path_codes=path_codes, paths=list(distinct_paths), full=full, columns=columns,
                 is_detail=is_detail)


def _amounts(body: _Body, company_currency: str) -> tuple:
    """Currencies, once per distinct text (blank: the company's), and the amount columns' minor units of the detail
    rows: read at the finest places among the currencies (scaled integers compare as the row reader's Decimals do),
    every subtotal and the total checked. Returns ``(currency names, each row's currency code, places, checked
    keys, whole amount columns, minor units by key)``."""
    layout, cols, source = body.layout, body.layout.columns, body.source
    company_places = precision(company_currency)
    if CURRENCY in cols:
        currency_texts, currency_codes = body.encoded(CURRENCY)
        column_name = layout.name_of(CURRENCY)
        codes_of = [company_currency if t is None or not t.strip() else currency_cell(t, source, None, column_name)
                    for t in currency_texts]
    else:
        codes_of, currency_codes = [company_currency], np.zeros(len(body.rows_at), dtype=np.int64)
    places = max([company_places, *map(precision, codes_of)])
    checked = [k for k in CHECKED if k in cols]
    texts = {k: body.full[k] for k in checked}          # whole columns: the records' Decimals are read from them
    minors = {k: _minor_units(texts[k], places, rows=body.is_detail)[body.rows_at] for k in checked}
    for k in checked:
        _check_spans(body.spans, body.other_rows, cols[k], minors[k], places)
    return codes_of, currency_codes, places, checked, texts, minors


def _open_items(body: _Body, company_currency: str) -> Books:
    import pyarrow as pa
    import pyarrow.compute as pc

    layout, cols, source = body.layout, body.layout.columns, body.source
    rows_at, path_codes, columns = body.rows_at, body.path_codes, body.columns
    start, n = body.start, len(body.rows_at)
    encoded = body.encoded

    def detail(key: str):
        return columns[key]

    company_places = precision(company_currency)
    codes_of, currency_codes, places, checked, texts, minors = _amounts(body, company_currency)


    fname = file_name(source)
    notes: list[Issue] = []
    if AGING in cols:
        notes.append(Issue(fname, "the exported column is ignored: aging is recomputed from due dates",
                           column=layout.name_of(AGING), severity="info"))
    # Transaction types, once per distinct text.
    type_texts, type_codes = encoded(TYPE)
    classes = [_UNUSED if t is None else type_class(t) for t in type_texts]
    if any(c is None or (c is not NOT_AR and c is not _UNUSED and not isinstance(c, ItemKind)) for c in classes):
        raise _NotHere                    # a type the row reader refuses, or one it counts by its sign
    keep = None
    if NOT_AR in classes:
        skipped = [j for j, c in enumerate(classes) if c is NOT_AR]
        counts = np.bincount(type_codes, minlength=len(classes))
        seen = Counter()
        for j in skipped:
            if counts[j]:
                seen[type_texts[j].strip()] += int(counts[j])
        notes.append(types_note(fname, +seen, layout.name_of(TYPE)))
        keep = ~np.isin(type_codes, skipped)
        rows_at, type_codes, path_codes = rows_at[keep], type_codes[keep], path_codes[keep]
        body.rows_at, body.path_codes = rows_at, path_codes
        currency_codes = currency_codes[keep]
        kept = pa.array(keep)
        columns = {k: pc.filter(v, kept) for k, v in columns.items()}
        minors = {k: v[keep] for k, v in minors.items()}
        n = len(rows_at)
    kinds = [c.value if isinstance(c, ItemKind) else "" for c in classes]
    kind_codes = type_codes

    # Dates, once per distinct text, in the order decided for the whole file (connectors.quickbooks.common).
    issued_texts, issued_codes = encoded(DATE)
    due_texts, due_codes = encoded(DUE)
    used_issued = {t for t in issued_texts if t is not None}      # the rows kept: estimates are out
    used_due = {t for t in due_texts if t is not None}
    parsed = Dates(source, notes, serials=layout.sheet.serials)
    bounds = (None, layout.report_date) if layout.report_date else None
    parsed.prepare(used_issued | used_due, _no_where, dated=used_issued, bounds=bounds)
    cache = parsed.cache
    issued_days = _day_numbers(issued_texts, cache)[issued_codes]
    due_days = _day_numbers(due_texts, cache)[due_codes]
    if (issued_days == NO_DAY).any():
        raise _NotHere
    blank_due = due_days == NO_DAY
    if blank_due.any():
        invoice_codes = [j for j, k in enumerate(kinds) if k == ItemKind.INVOICE.value]
        if np.isin(kind_codes[blank_due], invoice_codes).any():
            raise _NotHere                 # invoices due as their terms say: the row reader names each
        due_days = np.where(blank_due, issued_days, due_days)

    # Customers: the customer column, else the headings above the row.
    codes, customer_names = body.customers(detail(CUSTOMER) if CUSTOMER in cols else None)

    numbers = pc.utf8_trim(detail(NUM), characters=_WHITESPACE) if NUM in cols else pa.array([""] * n)
    prefixes = pa.array([k + ":" for k in kinds])
    ids = pc.binary_join_element_wise(pc.take(prefixes, pa.array(kind_codes)), numbers, "")
    if pc.any(pc.equal(numbers, "")).as_py() or not _distinct(numbers, ids):
        raise _NotHere                     # ids made from customer, date and amount: the row reader's Ids

    # What the row reader takes for a foreign-currency row (open_items._foreign): the foreign open balance and
    # amount where the report prints them; the company-currency open balance stays the company amount.
    company_open = minors[OPEN]
    foreign = np.asarray([code != company_currency for code in codes_of], dtype=bool)[currency_codes]
    open_scaled, total_scaled = company_open, minors[AMOUNT] if AMOUNT in minors else company_open
    rates: dict = {}
    if foreign.any():
        open_scaled = np.where(foreign, minors[FOPEN], company_open) if FOPEN in minors else company_open
        if FAMOUNT in minors:
            total_scaled = np.where(foreign, minors[FAMOUNT], total_scaled)
        elif AMOUNT not in minors:
            total_scaled = open_scaled
        rates = _rates(detail(RATE), foreign, codes_of, currency_codes) if RATE in cols else {}
    currency_list = np.asarray(codes_of, dtype=object)
    row_places = np.asarray([precision(code) for code in codes_of], dtype=np.int64)[currency_codes]
    open_minor = _at_places(open_scaled, places, row_places)
    total_minor = _at_places(total_scaled, places, row_places)
    company_minor = _at_places(company_open, places, np.full(n, company_places, dtype=np.int64))
    flags = _NONE if AMOUNT in cols else _NO_TOTAL
    kind_values = np.asarray(kinds, dtype=object)[kind_codes]
    discounts = _discounts(body, kind_values == ItemKind.INVOICE.value, issued_days, total_minor, open_minor,
                           row_places, notes, priced=AMOUNT in cols)
    frame = _frame(ids, numbers, codes, customer_names, kind_values, issued_days, due_days,
                   currency_list[currency_codes], total_minor, open_minor, company_minor, None, discounts)

    items = _Items(fname, rows_at + start + 1, ids, numbers, codes, customer_names, kinds, kind_codes, issued_days,
                   due_days, currency_list[currency_codes], flags, discounts)

    def build():
        """The records the row reader makes of the same rows."""
        values = _decimal_columns(texts, checked, rows_at)
        companies = values[OPEN]
        opens, totals = companies, values.get(AMOUNT, companies)
        if foreign.any():
            opens, totals = list(opens), list(totals)
            for k in np.flatnonzero(foreign).tolist():
                if FOPEN in values:
                    opens[k] = values[FOPEN][k]
                if FAMOUNT in values:
                    totals[k] = values[FAMOUNT][k]
                elif AMOUNT not in values:
                    totals[k] = opens[k]
        return items.records(totals, opens, companies)

    def stored() -> list[list]:
        """The items' fields as the ledger stores them (receivables.records.ITEM_FIELDS), made without records."""
        texts_of = _stored_columns(texts, checked, rows_at)
        companies = texts_of[OPEN]
        opens, totals = companies, texts_of.get(AMOUNT, companies)
        if foreign.any():
            if FOPEN in texts_of:
                opens = _choose(foreign, texts_of[FOPEN], companies)
            if FAMOUNT in texts_of:
                totals = _choose(foreign, texts_of[FAMOUNT], totals)
            elif AMOUNT not in texts_of:
                totals = opens
        return items.stored(totals, opens, companies)

    notes.extend(date_notes(layout, fname))
    knows = frozenset({OPEN_ITEMS, DUE_DATES})
    found = _collectors(body, codes, customer_names, issued_days)
    return Books(source=source, company_currency=company_currency, report_date=layout.report_date,
                 customers=with_collectors(customers_for(set(customer_names)), found),
                 items=LazyItems(frame, build, n, stored, frozenset({items.flags})),
                 rates=rates,
                 knows=knows, notes=tuple(notes), period=layout.period, kinds=(layout.kind,))


def _distinct(numbers, ids) -> bool:
    """Whether no two items share an id: at once when the numbers are whole numbers printed in increasing order
    (an Invoice List by date, numbered as issued), else by hashing the ids."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if pc.all(pc.match_substring_regex(numbers, "^[1-9][0-9]{0,17}$")).as_py():
        values = pc.cast(numbers, pa.int64()).to_numpy()
        if (np.diff(values) > 0).all():
            return True
    return len(pc.unique(ids)) == len(ids)


def _frame(ids, numbers, codes: np.ndarray, customer_names: list[str], kinds: np.ndarray, issued: np.ndarray,
           due: np.ndarray, currencies: np.ndarray, total_minor: np.ndarray, open_minor: np.ndarray,
           company_minor: np.ndarray, unknown: np.ndarray | None, discounts: _Discounts) -> pd.DataFrame:
    """The engine's item frame (receivables.frames.ITEM_COLUMNS) of a reader's columns: ids and numbers as arrow
    text (no object per item), customers and currencies as categoricals, dates from day numbers; the open balance
    in the company currency ``company_minor`` except where ``unknown``; no original amount in the company currency
    (the reports read print none), nothing paid, nothing inferred."""
    n = len(open_minor)
    known = np.zeros(n, dtype=bool) if unknown is None else unknown.copy()
    return pd.DataFrame({
        "id": pd.arrays.ArrowExtensionArray(ids),
        "number": pd.arrays.ArrowExtensionArray(numbers),
        "customer_id": pd.Categorical.from_codes(codes, categories=pd.Index(customer_names, dtype=object)),
        "kind": pd.Series(kinds, dtype=object),
        "issued": (issued * 86_400).view("datetime64[s]"),
        "due": (due * 86_400).view("datetime64[s]"),
        "currency": pd.Categorical(currencies),          # a few codes for a million rows
        "total_minor": total_minor,
        "open_minor": open_minor,
        "open_company_minor": pd.arrays.IntegerArray(np.where(known, 1, company_minor), known),
        "paid_on": np.full(n, np.datetime64("NaT"), dtype="datetime64[s]"),
        "total_company_minor": pd.arrays.IntegerArray(np.ones(n, dtype=np.int64), np.ones(n, dtype=bool)),
        "inferred": np.zeros(n, dtype=bool),
        "discount_minor": discounts.minor(),
        "discount_until": discounts.seconds().view("datetime64[s]"),
    }, copy=False)


@dataclass
class _Discounts:
    """Each item's early-payment discount (common.early_discount) as columns: the last day (day numbers), the
    amount that settles the item by then (minor units at the item's ``places``), and where one is ``given`` (the
    others' slots hold :data:`NO_DAY` and 1). Where no item has one (the usual export), no column is kept:
    ``given`` is ``None``."""

    count: int
    places: np.ndarray
    days: np.ndarray | None = None
    units: np.ndarray | None = None
    given: np.ndarray | None = None

    def give(self, rows: np.ndarray, days: np.ndarray, units: np.ndarray) -> None:
        if self.given is None:
            n = self.count
            self.days, self.units = np.full(n, NO_DAY, dtype=np.int64), np.ones(n, dtype=np.int64)
            self.given = np.zeros(n, dtype=bool)
        self.days[rows], self.units[rows], self.given[rows] = days, units, True

    def minor(self) -> pd.arrays.IntegerArray:
        """The frame's ``discount_minor``."""
        if self.given is None:
            return pd.arrays.IntegerArray(np.ones(self.count, dtype=np.int64), np.ones(self.count, dtype=bool))
        return pd.arrays.IntegerArray(self.units, ~self.given)

    def seconds(self) -> np.ndarray:
        """The frame's ``discount_until`` as seconds (``NaT`` where none)."""
        out = np.full(self.count, NO_DAY, dtype=np.int64)
        if self.given is not None:
            out[self.given] = self.days[self.given] * 86_400
        return out

    def values(self, n: int) -> tuple[list, list]:
        """The records' ``discount_until`` and ``discount_amount`` (``Decimal`` at the item's places); one list of
        ``None`` for both where no item has a discount."""
        if self.given is None:
            none = [None] * n
            return none, none
        until, amounts = [None] * n, [None] * n
        days: dict = {}
        for k in np.flatnonzero(self.given).tolist():
            day = int(self.days[k])
            until[k] = days.get(day) or days.setdefault(day, _date_of(day))
            amounts[k] = from_minor(int(self.units[k]), places=int(self.places[k]))
        return until, amounts

    def texts(self, n: int) -> tuple[list, list]:
        """The same as the ledger stores them (ISO dates, ``str()`` of the amounts)."""
        until, amounts = self.values(n)
        if until is amounts:
            return until, amounts
        return ([None if d is None else d.isoformat() for d in until],
                [None if a is None else str(a) for a in amounts])


def _discounts(body: _Body, invoice: np.ndarray, issued_days: np.ndarray, total_minor: np.ndarray,
               open_minor: np.ndarray, places: np.ndarray, notes: list[Issue], *, priced: bool) -> _Discounts:
    """The early-payment discounts the Terms column grants (as open_items._discounted gives them row by row): for an
    invoice open in full under terms such as ``2% 10 Net 30``, its date plus the days, and what is open less the
    percentage of its total, rounded half up at its places, worked out in integers. Where the report prints no
    original amount (not ``priced``), none, and the notes say why."""
    out = _Discounts(len(issued_days), places)
    if TERMS not in body.full:             # no Terms column, or none of its terms grants a discount (_structure)
        return out
    texts, term_codes = body.encoded(TERMS)
    terms = [None if t is None else early_payment(t) for t in texts]
    with_terms = np.asarray([t is not None for t in terms], dtype=bool)[term_codes] & invoice
    if not with_terms.any():
        return out
    if not priced:
        notes.append(total_unknown_note(file_name(body.source), body.layout.name_of(TERMS)))
        return out
    in_full = with_terms & (total_minor > 0) & (open_minor == total_minor)
    for j, found in enumerate(terms):
        rows = in_full & (term_codes == j) if found is not None else None
        if rows is None or not rows.any():
            continue
        num, den = found.percent.as_integer_ratio()
        total = total_minor[rows]
        if int(total.max()) > (1 << 62) // (2 * num + 1):
            raise _NotHere                 # beyond what the integers hold: the row reader reads it
        out.give(rows, issued_days[rows] + found.days, open_minor[rows] - (2 * total * num + 100 * den) // (200 * den))
    return out


def _collectors(body: _Body, codes: np.ndarray, customer_names: list[str], issued_days: np.ndarray) -> dict:
    """Each customer's collector from the Rep column, as common.collectors gives it row by row: the rep most of its
    items name (blank reps not counted), on a tie the rep of the latest of them (by date, then by position)."""
    if REP not in body.layout.columns:
        return {}
    texts, rep_codes = body.encoded(REP)
    names, remap = np.unique(np.asarray([t.strip() if t is not None else "" for t in texts] or [""], dtype=object),
                             return_inverse=True)
    reps = remap.reshape(-1)[rep_codes]
    chosen = np.flatnonzero(names[reps] != "")
    if not len(chosen):
        return {}
    width, n = len(names), len(reps)
    pairs, inverse, counts = np.unique(codes[chosen] * width + reps[chosen], return_inverse=True, return_counts=True)
    latest = np.full(len(pairs), np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(latest, inverse.reshape(-1), issued_days[chosen] * (n + 1) + chosen)
    customers, rep_of = pairs // width, pairs % width
    order = np.lexsort((latest, counts, customers))
    last = np.append(customers[order][1:] != customers[order][:-1], True)
    return {customer_names[c]: names[r] for c, r in zip(customers[order][last].tolist(),
                                                         rep_of[order][last].tolist())}


@dataclass
class _Items:
    """What a column reader's items are besides their amounts: each item's file row (1-based), id, number,
    customer (a code into the names), kind (a code into the kind values), issue and due day numbers, currency, and
    the flags every item of the file carries. Makes the records, or the ledger's stored fields, of given amounts."""

    fname: str
    file_rows: np.ndarray
    ids: object
    numbers: object
    codes: np.ndarray
    customer_names: list
    kinds: list
    kind_codes: np.ndarray
    issued_days: np.ndarray
    due_days: np.ndarray
    currencies: np.ndarray
    flags: frozenset
    discounts: _Discounts

    def _customers(self) -> list[str]:
        return np.asarray(self.customer_names, dtype=object)[self.codes].tolist()

    def records(self, totals: list, opens: list, companies: list) -> list[Invoice]:
        """The records the row reader makes, of the amounts as ``Decimal`` values."""
        n = len(self.codes)
        item_kinds = [ItemKind(k) if k else None for k in self.kinds]
        day_of = {d: _date_of(d) for d in np.unique(np.concatenate([self.issued_days, self.due_days])).tolist()}
        customers = self._customers()
        return make_invoices(self.ids.to_pylist(), self.numbers.to_pylist(), customers,
                             list(map(item_kinds.__getitem__, self.kind_codes.tolist())),
                             list(map(day_of.__getitem__, self.issued_days.tolist())),
                             list(map(day_of.__getitem__, self.due_days.tolist())),
                             self.currencies.tolist(), totals, opens, companies,
                             list(map(f"{self.fname}:".__add__, map(str, self.file_rows.tolist()))),
                             repeat(self.flags, n), repeat(None, n), customers, repeat(None, n),
                             *self.discounts.values(n))

    def stored(self, totals, opens, companies) -> list[list]:
        """The fields the ledger stores of those records (receivables.records.ITEM_FIELDS), of the amounts as the
        texts ``str()`` gives their ``Decimal`` values (arrow arrays), made without the records."""
        n = len(self.codes)
        customers = self._customers()
        return [self.ids.to_pylist(), self.numbers.to_pylist(), customers,
                np.asarray(self.kinds, dtype=object)[self.kind_codes].tolist(), _iso(self.issued_days),
                _iso(self.due_days), self.currencies.tolist(), totals.to_pylist(), opens.to_pylist(),
                companies.to_pylist(), _refs(self.fname, self.file_rows), [json.dumps(sorted(self.flags))] * n,
                [None] * n, customers, [None] * n, *self.discounts.texts(n)]


def _decimal_columns(texts: dict, checked: list, rows_at: np.ndarray) -> dict:
    """The row reader's ``Decimal`` values of the amount columns ``checked`` at the detail rows ``rows_at``, each
    column read beside those before it, as table.walk reads them."""
    import pyarrow as pa
    import pyarrow.compute as pc

    rows = pa.array(rows_at, type=pa.int64())
    read, values = [], {}
    for key in checked:
        column_texts = pc.take(texts[key], rows).to_pylist()
        values[key] = _amounts_beside(column_texts, read)[0]
        read.append((column_texts, values[key]))
    return values


def _stored_columns(texts: dict, checked: list, rows_at: np.ndarray) -> dict:
    """The texts ``str()`` gives the row reader's ``Decimal`` values of the amount columns ``checked`` at the
    detail rows ``rows_at`` (arrow arrays)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    rows = pa.array(rows_at, type=pa.int64())
    return {key: _stored_amounts(pc.take(texts[key], rows)) for key in checked}


def _stored_amounts(texts):
    """``str()`` of the Decimal the row reader reads in each cell (an arrow text array): a plain amount's text less
    its thousands separators, as ``str`` prints it; any other through parse_amount, one by one."""
    import pyarrow as pa
    import pyarrow.compute as pc

    plain = pc.match_substring_regex(texts, _PLAIN).to_numpy(zero_copy_only=False)
    if plain.all():
        return pa.array(decimal_texts(pc.replace_substring(texts, ",", "")), type=pa.string())
    values = np.empty(len(texts), dtype=object)
    if plain.any():
        values[plain] = decimal_texts(pc.replace_substring(pc.filter(texts, pa.array(plain)), ",", ""))
    for k in np.flatnonzero(~plain).tolist():
        values[k] = str(parse_amount(texts[k].as_py()))
    return pa.array(values, type=pa.string())


def _choose(where: np.ndarray, yes, no):
    """``yes`` where ``where`` holds, else ``no`` (arrow arrays; ``yes`` may be ``None``)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    return pc.if_else(pa.array(where), pa.scalar(None, pa.string()) if yes is None else yes, no)


def _signed(texts, negative: np.ndarray):
    """The texts of ``sign × abs(amount)`` (the history reader's signed totals): ``-`` before the amount's absolute
    text where ``negative``, as Decimal prints ``-1 × abs(x)`` (``-0.00`` for a zero)."""
    import pyarrow.compute as pc

    absolute = pc.utf8_ltrim(texts, characters="-")
    return _choose(negative, pc.binary_join_element_wise("-", absolute, ""), absolute)


def _iso(day_numbers: np.ndarray) -> list[str]:
    """ISO texts of day numbers, each distinct day worked out once."""
    texts = {d: _date_of(d).isoformat() for d in np.unique(day_numbers).tolist()}
    return list(map(texts.__getitem__, day_numbers.tolist()))


def _refs(fname: str, rows: np.ndarray) -> list[str]:
    """``file:row`` of each row number, as a record's source_ref says it."""
    import pyarrow as pa
    import pyarrow.compute as pc

    return pc.binary_join_element_wise(f"{fname}:", pc.cast(pa.array(rows, type=pa.int64()), pa.string()),
                                       "").to_pylist()


def _no_where(text):
    raise _NotHere


def _date_of(n: int):
    from receivables.frames import date_of
    return date_of(n)


def _day_numbers(texts: list, cache: dict) -> np.ndarray:
    """Day numbers of the dates ``cache`` gives each text (:data:`NO_DAY` for a blank)."""
    out = np.full(len(texts), NO_DAY, dtype=np.int64)
    for j, text in enumerate(texts):
        value = cache.get(text)
        if value is not None:
            out[j] = day_number(value)
    return out


def _minor_units(texts, places: int, originals: list[str] | None = None, rows: np.ndarray | None = None
                 ) -> np.ndarray:
    """Exact int64 minor units at ``places`` of a column of amount texts, as parse_amount reads each (the cells of
    ``originals`` where given: ``texts`` is then the same cells with a currency sign taken off, read as plain
    amounts where they are)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(texts)
    plain = pc.match_substring_regex(texts, _PLAIN).to_numpy(zero_copy_only=False)
    if rows is not None:                   # only these rows are read; the others are left at 0
        plain &= rows
    else:
        rows = np.ones(n, dtype=bool)
    out = np.zeros(n, dtype=np.int64)
    if plain.any():
        chosen = texts if plain.all() else pc.filter(texts, pa.array(plain))
        try:
            out[plain] = plain_minor_units(pc.replace_substring(chosen, ",", ""), places)
        except ValueError:
            raise _NotHere from None       # finer than the currency allows: the row reader names the cell
    if not plain.all():
        for k in np.flatnonzero(rows & ~plain).tolist():
            value = parse_amount(texts[k].as_py() if originals is None else originals[k])
            if value is None:
                raise _NotHere
            try:
                out[k] = _to_places(value, places)
            except (ValueError, TypeError, OverflowError):
                raise _NotHere from None
    if n and int(np.abs(out).max()) >= (1 << 62) // n:
        raise _NotHere                     # running sums could overflow
    return out


def _at_places(units: np.ndarray, scale: int, places: np.ndarray) -> np.ndarray:
    """Minor units read at ``scale`` decimal places as each item's own ``places``; a finer amount is not taken."""
    if (places == scale).all():
        return units.copy()
    factor = 10 ** (scale - places)
    if (units % factor).any():
        raise _NotHere                     # finer than the currency allows: the row reader names the item
    return units // factor


def _rates(texts, foreign: np.ndarray, codes_of: list[str], currency_codes: np.ndarray) -> dict:
    """The exchange rate of each foreign currency the rows print (the last row's, as the row reader keeps it);
    a rate that is not a positive amount is left to the row reader."""
    import pyarrow.compute as pc

    blank = pc.equal(pc.utf8_trim(texts, characters=_WHITESPACE), "").to_numpy(zero_copy_only=False)
    chosen = np.flatnonzero(foreign & ~blank)
    values = texts.to_pylist() if len(chosen) else []
    rates: dict = {}
    parsed: dict = {}
    for k in chosen.tolist():
        text = values[k]
        if text not in parsed:
            rate = parse_amount(text)
            if rate is None or rate <= 0:
                raise _NotHere
            parsed[text] = rate
        rates[codes_of[currency_codes[k]]] = parsed[text]
    return rates


def _to_places(value, places: int) -> int:
    scaled = value.scaleb(places)
    if scaled != scaled.to_integral_value():
        raise ValueError("finer than the currency allows")
    return int(scaled)


def _check_spans(spans, rows: dict, c: int, minor: np.ndarray, places: int) -> None:
    """Every subtotal and the total printed in column ``c`` equal the sum of their rows, to the cent: the printed
    amounts read in one go (``$`` taken off first), compared with differences of running sums."""
    import pyarrow as pa
    import pyarrow.compute as pc

    printed, firsts, ends = [], [], []
    for _, i, first, end in spans:
        row = rows[i]
        text = row[c] if c < len(row) else ""
        if text.strip():
            printed.append(text)
            firsts.append(first)
            ends.append(end)
    if not printed:
        return
    texts = pa.array(printed, type=pa.string())
    units = _minor_units(pc.replace_substring_regex(texts, r"^(-?)\$", r"\1"), places, originals=printed)
    running = np.concatenate([np.zeros(1, dtype=np.int64), np.cumsum(minor)])
    if not np.array_equal(units, running[ends] - running[firsts]):
        raise _NotHere


def _invoice_list(body: _Body, company_currency: str) -> Books:
    """An Invoice List by Date read as :func:`connectors.quickbooks.history.read_history` reads it: invoices and
    credit memos with their signed totals and open balances as printed; rows of other types skipped and counted.
    A list holding payments, foreign currencies or invoices without a due date is left to the row reader."""
    import pyarrow as pa
    import pyarrow.compute as pc

    layout, cols, source = body.layout, body.layout.columns, body.source
    fname = file_name(source)
    notes: list[Issue] = []
    codes_of, currency_codes, places, checked, texts, minors = _amounts(body, company_currency)
    # Dates of every detail row, the order decided over them all (as date_columns does before types are sorted).
    issued_texts, issued_codes = body.encoded(DATE)
    due_texts, due_codes = body.encoded(DUE)
    used_issued = {t for t in issued_texts if t is not None}
    parsed = Dates(source, notes, serials=layout.sheet.serials)
    bounds = layout.period or ((None, layout.as_of) if layout.as_of else None)
    parsed.prepare(used_issued | {t for t in due_texts if t is not None}, _no_where, dated=used_issued,
                   bounds=bounds)
    issued_days = _day_numbers(issued_texts, parsed.cache)[issued_codes]
    due_days = _day_numbers(due_texts, parsed.cache)[due_codes]

    type_texts, type_codes = body.encoded(TYPE)
    classes = [_UNUSED if t is None else type_class(t) for t in type_texts]
    if any(c is None or c is ItemKind.PAYMENT for c in classes):
        raise _NotHere                    # a type the row reader refuses, or payments (Payment records)
    kept = np.asarray([isinstance(c, ItemKind) for c in classes], dtype=bool)[type_codes]
    skipped: Counter = Counter()
    counts = np.bincount(type_codes, minlength=len(classes))
    for j, c in enumerate(classes):
        if counts[j] and not isinstance(c, ItemKind):
            skipped[type_texts[j].strip()] += int(counts[j])
    columns = body.columns
    if not kept.all():
        mask = pa.array(kept)
        body.rows_at, body.path_codes = body.rows_at[kept], body.path_codes[kept]
        columns = {k: pc.filter(v, mask) for k, v in columns.items()}
        type_codes, issued_days, due_days = type_codes[kept], issued_days[kept], due_days[kept]
        currency_codes = currency_codes[kept]
        minors = {k: v[kept] for k, v in minors.items()}
    rows_at, n = body.rows_at, len(body.rows_at)
    kinds = [c.value if isinstance(c, ItemKind) else "" for c in classes]
    credit = np.asarray([c is ItemKind.CREDIT_NOTE for c in classes], dtype=bool)[type_codes]
    blank_due = due_days == NO_DAY
    if (blank_due & ~credit).any():
        raise _NotHere                     # invoices due as their terms say: the row reader names each
    due_days = np.where(blank_due, issued_days, due_days)
    if (issued_days == NO_DAY).any():
        raise _NotHere

    codes, customer_names = body.customers(columns[CUSTOMER] if CUSTOMER in cols else None)
    numbers = pc.utf8_trim(columns[NUM], characters=_WHITESPACE) if NUM in cols else pa.array([""] * n)
    ids = pc.binary_join_element_wise(pc.take(pa.array([k + ":" for k in kinds]), pa.array(type_codes)), numbers,
                                      "")
    if n and (pc.any(pc.equal(numbers, "")).as_py() or not _distinct(numbers, ids)):
        raise _NotHere                     # ids made from customer, date and amount: the row reader's Ids

    # A foreign-currency row's amount is its foreign amount where the report prints one; its open balance is the
    # one printed (history.read_history), known in the company currency only for the company's own.
    sign = np.where(credit, -1, 1)
    foreign = np.asarray([code != company_currency for code in codes_of], dtype=bool)[currency_codes]
    row_places = np.asarray([precision(code) for code in codes_of], dtype=np.int64)[currency_codes]
    amount_scaled = np.where(foreign, minors[FAMOUNT], minors[AMOUNT]) if FAMOUNT in minors else minors[AMOUNT]
    total_minor = sign * np.abs(_at_places(amount_scaled, places, row_places))
    open_minor = sign * np.abs(_at_places(minors[OPEN], places, row_places))
    currency_list = np.asarray(codes_of, dtype=object)
    kind_values = np.asarray(kinds, dtype=object)[type_codes]
    discounts = _discounts(body, kind_values == ItemKind.INVOICE.value, issued_days, total_minor, open_minor,
                           row_places, notes, priced=True)
    frame = _frame(ids, numbers, codes, customer_names, kind_values, issued_days, due_days,
                   currency_list[currency_codes], total_minor, open_minor, open_minor, foreign, discounts)

    items = _Items(fname, rows_at + body.start + 1, ids, numbers, codes, customer_names, kinds, type_codes,
                   issued_days, due_days, currency_list[currency_codes], _NONE, discounts)

    def build():
        """The records the row reader makes of the same rows."""
        values = _decimal_columns(texts, checked, rows_at)
        signs, foreign_rows = sign.tolist(), foreign.tolist()
        chosen = values[AMOUNT] if FAMOUNT not in values else \
            [f if x else a for x, a, f in zip(foreign_rows, values[AMOUNT], values[FAMOUNT])]
        totals = [s * abs(v) for s, v in zip(signs, chosen)]
        opened = [s * abs(v) for s, v in zip(signs, values[OPEN])]
        companies = [None if x else v for x, v in zip(foreign_rows, opened)]
        return items.records(totals, opened, companies)

    def stored() -> list[list]:
        """The items' fields as the ledger stores them (receivables.records.ITEM_FIELDS), made without records."""
        texts_of = _stored_columns(texts, checked, rows_at)
        chosen = _choose(foreign, texts_of[FAMOUNT], texts_of[AMOUNT]) if FAMOUNT in texts_of \
            else texts_of[AMOUNT]
        totals, opened = _signed(chosen, credit), _signed(texts_of[OPEN], credit)
        companies = _choose(foreign, None, opened)
        return items.stored(totals, opened, companies)

    notes.extend(date_notes(layout, fname))
    notes.append(Issue(fname, "the report lists invoices (and payments) only: open credit memos and unapplied "
                       "payments are not among its open balances; add an Open Invoices or A/R Aging Detail export "
                       "for them", severity="info"))
    notes.append(Issue(fname, "the report does not say when settled invoices were paid", severity="info"))
    if skipped:
        notes.append(types_note(fname, skipped, layout.name_of(TYPE)))
    found = _collectors(body, codes, customer_names, issued_days)
    return Books(source=source, company_currency=company_currency, report_date=layout.report_date,
                 customers=with_collectors(customers_for(set(customer_names)), found),
                 items=LazyItems(frame, build, n, stored, frozenset({items.flags})),
                 knows=frozenset({ISSUED_HISTORY, PAYMENTS, DUE_DATES, OPEN_ITEMS}), notes=tuple(notes),
                 period=layout.period, kinds=(layout.kind,))
