"""Books as pandas DataFrames: the engine's working form.

Money is int64 minor units at each currency's precision (``receivables.money``), exact and vectorised; dates are
``datetime64[s]`` with ``NaT`` for "unknown". Amounts turn back into ``Decimal`` only when a report builds its
output records (:func:`decimal_of`). Every report also accepts these frames directly, so large runs need not build
one dataclass per item.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import repeat
from operator import attrgetter, is_

import numpy as np
import pandas as pd

from .errors import InputError
from .money import from_minor, minor_units, precision, to_minor
from .records import Books, LazyItems

ITEM_COLUMNS = ("id", "number", "customer_id", "kind", "issued", "due", "currency", "total_minor", "open_minor",
                "open_company_minor", "paid_on", "total_company_minor", "inferred", "discount_minor",
                "discount_until")
ALLOCATION_COLUMNS = ("debit_item_id", "credit_item_id", "amount_minor", "amount_currency_minor", "date")
PAYMENT_COLUMNS = ("id", "customer_id", "date", "amount_minor", "currency")

_EPOCH = np.datetime64(0, "D")
NO_DAY = np.iinfo(np.int64).min          # day number of NaT


@dataclass(frozen=True)
class Frames:
    """The frames of one set of books, with what the engine needs to know about them.

    ``items``: one row per receivable item (columns :data:`ITEM_COLUMNS`); ``open_minor`` stands at
    ``report_date``; ``discount_minor`` (nullable, in the item's currency) and ``discount_until`` (``NaT`` where
    none) are the item's early-payment discount (:class:`~receivables.records.Invoice`). ``allocations`` and
    ``payments`` as their column tuples say. ``names`` maps customer id to display name; ``credit_limits`` customer
    id to ``Decimal`` (company currency) where known; ``terms`` customer id to payment terms in days where known.
    """

    items: pd.DataFrame
    company_currency: str
    report_date: date | None
    allocations: pd.DataFrame = field(default_factory=lambda: empty_allocations())
    payments: pd.DataFrame = field(default_factory=lambda: empty_payments())
    rates: dict[str, Decimal] = field(default_factory=dict)
    knows: frozenset[str] = frozenset()
    names: dict[str, str] = field(default_factory=dict)
    credit_limits: dict[str, Decimal] = field(default_factory=dict)
    terms: dict[str, int] = field(default_factory=dict)
    period: tuple[date, date] | None = None
    source: str = ""
    # Results derived from these frames (e.g. the open items at a date), shared by the reports built from them.
    cache: dict = field(default_factory=dict, compare=False, repr=False)


def day_number(d: date) -> int:
    """Days since 1970-01-01 of ``d``: the integer the engine compares dates with."""
    return int((np.datetime64(d, "D") - _EPOCH).astype(np.int64))


def date_of(n: int) -> date:
    return (_EPOCH + np.timedelta64(int(n), "D")).astype(object)


def days(column: pd.Series | np.ndarray) -> np.ndarray:
    """Day numbers (int64) of a datetime column; :data:`NO_DAY` where the date is missing."""
    values = column.to_numpy() if isinstance(column, pd.Series) else column
    return values.astype("datetime64[D]").astype(np.int64)


def month_numbers(day_numbers: np.ndarray) -> np.ndarray:
    """Months since 1970-01 (int64) of day numbers, through a lookup table over their span; :data:`NO_DAY`
    stays :data:`NO_DAY`."""
    ok = day_numbers != NO_DAY
    if not ok.any():
        return np.full(len(day_numbers), NO_DAY, dtype=np.int64)
    lo, hi = int(day_numbers[ok].min()), int(day_numbers[ok].max())
    table = np.arange(lo, hi + 1, dtype=np.int64).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    if ok.all():
        return table[day_numbers - lo]
    return np.where(ok, table[np.where(ok, day_numbers, lo) - lo], NO_DAY)


_ORDINAL_1970 = date(1970, 1, 1).toordinal()
_SECONDS_A_DAY = 86_400


def _dates(values: list) -> np.ndarray:
    """``datetime64[s]`` of ``date`` values, ``NaT`` for ``None``: their day ordinals in one numpy conversion."""
    n, unknown = len(values), values.count(None)
    seconds = np.full(n, NO_DAY, dtype=np.int64)
    if unknown < n:
        missing = np.fromiter(map(is_, values, repeat(None)), dtype=bool, count=n) if unknown else None
        present = values if missing is None else [v for v in values if v is not None]
        try:
            ordinals = np.fromiter(map(date.toordinal, present), dtype=np.int64, count=len(present))
        except (TypeError, ValueError):  # not all dates: one at a time
            arr = np.array([np.datetime64(v, "D") if v is not None else np.datetime64("NaT") for v in values],
                           dtype="datetime64[D]")
            return arr.astype("datetime64[s]")
        known = (ordinals - _ORDINAL_1970) * _SECONDS_A_DAY
        if missing is None:
            seconds = known
        else:
            seconds[~missing] = known
    return seconds.view("datetime64[s]")


def _minor(amount: Decimal, currency: str, where: str, column: str) -> int:
    try:
        return to_minor(amount, currency)
    except (ValueError, TypeError) as exc:
        raise InputError(f"amount {amount} cannot be held exactly in {currency}: {exc}", source=where or None,
                         column=column, hint="check the export's amounts and currency") from None


def _column(records: Sequence, name: str) -> list:
    return list(map(attrgetter(name), records))


def _each(values: list, fn: Callable) -> list:
    """``[fn(v) for v in values]``, calling ``fn`` once per distinct value."""
    try:
        table = {v: fn(v) for v in set(values)}
    except TypeError:  # unhashable values
        return [fn(v) for v in values]
    return list(map(table.__getitem__, values))


def _upper(text: str) -> str:
    return text.upper()


def _same(a: list, b: list) -> bool:
    """Whether two columns hold the very same objects, row by row."""
    return all(map(is_, a, b))


def _places(currencies: list) -> int | np.ndarray:
    """Decimal places of each currency: one ``int`` when they all have the same (the usual case), else an array."""
    places = _each(currencies, precision)
    distinct = set(places)
    return distinct.pop() if len(distinct) == 1 else np.array(places, dtype=np.int64)


def _minors(amounts: list, places: int | np.ndarray) -> np.ndarray:
    """Exact minor units (int64) of ``amounts`` at ``places`` (one for all, or one per amount), converted in bulk
    per precision; raises what :func:`receivables.money.minor_units` raises."""
    if not isinstance(places, np.ndarray):
        return np.array(minor_units(amounts, places), dtype=np.int64)
    out = np.empty(len(amounts), dtype=np.int64)
    for p in np.unique(places):
        where = np.flatnonzero(places == p)
        out[where] = minor_units([amounts[k] for k in where.tolist()], int(p))
    return out


def _optional_minors(amounts: list, places: int | np.ndarray) -> pd.arrays.IntegerArray:
    """:func:`_minors` of a column where ``None`` means unknown: a nullable ``Int64`` array, ``<NA>`` for ``None``
    (the array ``pd.array(..., dtype="Int64")`` makes of the same values, masked slots holding 1)."""
    n, unknown = len(amounts), amounts.count(None)
    if not unknown:
        return pd.arrays.IntegerArray(_minors(amounts, places), np.zeros(n, dtype=bool))
    missing = np.fromiter(map(is_, amounts, repeat(None)), dtype=bool, count=n)
    values = np.ones(n, dtype=np.int64)
    if unknown < n:
        known = ~missing
        values[known] = _minors([a for a in amounts if a is not None],
                                places[known] if isinstance(places, np.ndarray) else places)
    return pd.arrays.IntegerArray(values, missing)


def empty_allocations() -> pd.DataFrame:
    return pd.DataFrame({"debit_item_id": pd.Series([], dtype=object), "credit_item_id": pd.Series([], dtype=object),
                         "amount_minor": pd.Series([], dtype=np.int64),
                         "amount_currency_minor": pd.Series([], dtype="Int64"),
                         "date": pd.Series([], dtype="datetime64[s]")})


def empty_payments() -> pd.DataFrame:
    return pd.DataFrame({"id": pd.Series([], dtype=object), "customer_id": pd.Series([], dtype=object),
                         "date": pd.Series([], dtype="datetime64[s]"), "amount_minor": pd.Series([], dtype=np.int64),
                         "currency": pd.Series([], dtype=object)})


def _refuse_item_amounts(books: Books) -> None:
    """Raise the error of the first amount (item by item, column by column) that minor units cannot hold."""
    cc = books.company_currency
    for it in books.items:
        where = it.source_ref or it.id
        _minor(it.total, it.currency, where, "total")
        if it.total_company is not None:
            _minor(it.total_company, cc, where, "total_company")
        _minor(it.open_amount, it.currency, where, "open_amount")
        if it.open_amount_company is not None:
            _minor(it.open_amount_company, cc, where, "open_amount_company")
        if it.discount_amount is not None:
            _minor(it.discount_amount, it.currency, where, "discount_amount")


def item_frame(books: Books) -> pd.DataFrame:
    """The items of ``books`` as a frame (columns :data:`ITEM_COLUMNS`).

    Built column by column: amounts to minor units in bulk per currency precision
    (:func:`receivables.money.minor_units`), dates through their ordinals, per-value text once per distinct value.
    An amount finer than its currency allows is refused naming the first such item and column."""
    items = books.items
    currencies = _column(items, "currency")
    places, company_places = _places(currencies), precision(books.company_currency)
    opens, totals = _column(items, "open_amount"), _column(items, "total")
    open_cos, total_cos = _column(items, "open_amount_company"), _column(items, "total_company")
    # Readers often hand the same Decimal object to several amounts of an item (an open invoice's total is its
    # open amount; a company-currency item's company amount is the amount itself): converted once.
    one_place = not isinstance(places, np.ndarray) and places == company_places
    try:
        open_ = _minors(opens, places)
        total = open_.copy() if _same(totals, opens) else _minors(totals, places)
        open_co = (pd.arrays.IntegerArray(open_.copy(), np.zeros(len(items), dtype=bool))
                   if one_place and _same(open_cos, opens) else _optional_minors(open_cos, company_places))
        total_co = (pd.arrays.IntegerArray(total.copy(), np.zeros(len(items), dtype=bool))
                    if one_place and _same(total_cos, totals) else _optional_minors(total_cos, company_places))
        discount = _optional_minors(_column(items, "discount_amount"), places)
    except (ValueError, TypeError):
        _refuse_item_amounts(books)
        raise
    return pd.DataFrame({
        "id": pd.Series(_column(items, "id"), dtype=object),
        "number": pd.Series(_column(items, "number"), dtype=object),
        "customer_id": pd.Series(_column(items, "customer_id"), dtype=object),
        "kind": pd.Series(_each(_column(items, "kind"), str), dtype=object),
        "issued": _dates(_column(items, "issued")),
        "due": _dates(_column(items, "due")),
        "currency": pd.Series(_each(currencies, _upper), dtype=object),
        "total_minor": total,
        "open_minor": open_,
        "open_company_minor": open_co,
        "paid_on": _dates(_column(items, "paid_on")),
        "total_company_minor": total_co,
        # A credit the source does not list but whose effect it shows (date unknown): see receivables.asof.
        "inferred": np.array(["inferred" in i.flags for i in items], dtype=bool),
        "discount_minor": discount,
        "discount_until": _dates(_column(items, "discount_until")),
    })


def allocation_frame(books: Books) -> pd.DataFrame:
    """The allocations of ``books``: ``amount_minor`` in company currency, ``amount_currency_minor`` in the debit
    item's currency where known."""
    if not books.allocations:
        return empty_allocations()
    if isinstance(books.items, LazyItems):          # the frame holds them: no record made
        frame = books.items.frame
        cur = dict(zip(frame["id"].astype(object).tolist(), frame["currency"].tolist()))
    else:
        cur = dict(zip(_column(books.items, "id"), _column(books.items, "currency")))
    cc = books.company_currency
    allocs = books.allocations
    debit = _column(allocs, "debit_item_id")
    try:
        amount = _minors(_column(allocs, "amount"), precision(cc))
    except (ValueError, TypeError):
        for a in allocs:  # the error of the first refused amount
            _minor(a.amount, cc, a.debit_item_id, "amount")
        raise
    try:
        amount_currency = _optional_minors(_column(allocs, "amount_currency"),
                                           _places([cur.get(d, cc) for d in debit]))
    except (ValueError, TypeError):
        for a in allocs:
            if a.amount_currency is not None:
                _minor(a.amount_currency, cur.get(a.debit_item_id, cc), a.debit_item_id, "amount_currency")
        raise
    return pd.DataFrame({
        "debit_item_id": pd.Series(debit, dtype=object),
        "credit_item_id": pd.Series(_column(allocs, "credit_item_id"), dtype=object),
        "amount_minor": amount,
        "amount_currency_minor": amount_currency,
        "date": _dates(_column(allocs, "date")),
    })


def payment_frame(books: Books) -> pd.DataFrame:
    if not books.payments:
        return empty_payments()
    ps = books.payments
    currencies = _column(ps, "currency")
    try:
        amount = _minors(_column(ps, "amount"), _places(currencies))
    except (ValueError, TypeError):
        for p in ps:
            _minor(p.amount, p.currency, p.source_ref or p.id, "amount")
        raise
    return pd.DataFrame({
        "id": pd.Series(_column(ps, "id"), dtype=object),
        "customer_id": pd.Series(_column(ps, "customer_id"), dtype=object),
        "date": _dates(_column(ps, "date")),
        "amount_minor": amount,
        "currency": pd.Series(_each(currencies, _upper), dtype=object),
    })


def frames_of(books: Books) -> Frames:
    """All frames of ``books`` with customer names, credit limits and terms. Items a reader gave as a frame
    (:class:`~receivables.records.LazyItems`) are taken as they are."""
    names = {c.id: c.name for c in books.customers}
    if isinstance(books.items, LazyItems):
        items = books.items.frame
        customer_ids = items["customer_id"]
        listed = (customer_ids.cat.categories if isinstance(customer_ids.dtype, pd.CategoricalDtype)
                  else pd.unique(customer_ids))
        for cid in listed:
            if cid not in names:
                names[cid] = cid
    else:
        items = item_frame(books)
        for it in books.items:
            if it.customer_id not in names:
                names[it.customer_id] = it.customer_name or it.customer_id
    return Frames(items=items, company_currency=books.company_currency.upper(),
                  report_date=books.report_date, allocations=allocation_frame(books),
                  payments=payment_frame(books), rates={k.upper(): v for k, v in books.rates.items()},
                  knows=frozenset(books.knows), names=names,
                  credit_limits={c.id: c.credit_limit for c in books.customers if c.credit_limit is not None},
                  terms={c.id: c.terms_days for c in books.customers if c.terms_days is not None},
                  period=books.period, source=books.source)


def decimal_of(units: int, currency: str) -> Decimal:
    """Minor units back to an exact ``Decimal`` (for output records)."""
    return from_minor(int(units), currency)


def company_value(doc_minor: int, company_minor_known: int, currency: str, company: str,
                  rates: dict[str, Decimal]) -> Decimal | None:
    """Company-currency amount of a group: what the source converted, plus the rest converted at ``rates``.

    ``doc_minor`` is the part (in ``currency`` minor units) the source did not convert. Returns ``None`` when that
    part is not zero, the currency is foreign and no rate is known. Not rounded: rounding happens on output.
    """
    known = from_minor(company_minor_known, company)
    if doc_minor == 0:
        return known
    doc = from_minor(doc_minor, currency)
    if currency == company:
        return known + doc
    rate = rates.get(currency)
    if rate is None:
        return None
    return known + doc * rate


def company_total(df: pd.DataFrame, frames: Frames, amount: str = "open_minor",
                  company: str | None = "open_company_minor") -> tuple[Decimal, tuple[str, ...]]:
    """Sum of ``df[amount]`` in the company currency (unrounded) and the currencies that could not be converted.

    Rows whose ``company`` column is known count at that amount; the rest are converted per currency at
    ``frames.rates``. Rows of a currency without a rate are left out and their currency is returned.
    """
    if df.empty:
        return Decimal(0), ()
    one = df.assign(_all=np.zeros(len(df), dtype=np.int8))
    value, missing = company_totals_by(one, frames, "_all", amount, company).get("0", (Decimal(0), ()))
    return value, tuple(dict.fromkeys(missing))


def codes_of(values: pd.Series | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes (int64, ``-1`` for missing) and the distinct values of a key column; cheap for categoricals."""
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy().astype(np.int64), np.asarray(values.cat.categories.astype(object))
    codes, uniques = pd.factorize(values, sort=False)
    return codes.astype(np.int64), np.asarray(uniques, dtype=object)


def sum_by(codes: np.ndarray, groups: int, *columns: np.ndarray) -> np.ndarray:
    """Exact int64 sums of ``columns`` per group code: an array ``[group, column]`` (codes < 0 are skipped)."""
    out = np.zeros((groups, len(columns)), dtype=np.int64)
    ok = codes >= 0
    for j, col in enumerate(columns):
        np.add.at(out[:, j], codes[ok] if not ok.all() else codes, col[ok] if not ok.all() else col)
    return out


def codes_in(values: pd.Series, uniques: np.ndarray) -> np.ndarray:
    """Integer codes of ``values`` into ``uniques`` (the distinct values of a whole column, see :func:`codes_of`);
    ``-1`` where a value is missing or not among them. Cheap for a categorical sharing the column's categories."""
    codes, vals = codes_of(values)
    if len(vals) == len(uniques) and (vals is uniques or np.array_equal(vals, uniques)):
        return codes
    where = pd.Index(uniques).get_indexer(pd.Index(vals)).astype(np.int64)
    return np.where(codes >= 0, where[codes], -1) if len(where) else codes


@dataclass(frozen=True)
class CompanySums:
    """Sums in the company currency per key, kept as integers until a value is asked for (:meth:`value`).

    ``exact[i]``: company minor units (the amounts the source converted, plus company-currency documents);
    ``extra[i]``: the amounts converted at a rate, in the order they are added; ``missing[i]``: currencies left
    out for want of a rate; ``present[i]``: whether any row had key ``i``.
    """

    keys: np.ndarray
    present: np.ndarray
    exact: np.ndarray
    places: int
    extra: dict[int, list[Decimal]]
    missing: dict[int, tuple[str, ...]]

    def value(self, i: int) -> Decimal:
        """The (unrounded) company-currency sum of key ``i``; ``Decimal(0)`` for a key no row had."""
        if not self.present[i]:
            return Decimal(0)
        v = from_minor(self.exact[i], places=self.places)
        for x in self.extra.get(i, ()):
            v = v + x
        return v

    def values(self) -> dict[str, tuple[Decimal, tuple[str, ...]]]:
        """``{key: (sum, unconverted currencies)}`` for the keys present."""
        return {str(self.keys[i]): (self.value(i), self.missing.get(i, ())) for i in np.flatnonzero(self.present)}


def company_sums_by(df: pd.DataFrame, frames: Frames, codes: np.ndarray, keys: np.ndarray,
                    amount: str = "open_minor", company: str | None = "open_company_minor") -> CompanySums:
    """:func:`company_total` per key code (``codes[row]`` indexes ``keys``; ``-1`` rows are skipped), as arrays."""
    n = len(keys)
    cc = frames.company_currency
    if df.empty:
        return CompanySums(keys, np.zeros(n, dtype=bool), np.zeros(n, dtype=np.int64), precision(cc), {}, {})
    doc = df[amount].to_numpy(np.int64)
    if company is not None and company in df:
        col = df[company]
        known = col.notna().to_numpy()
        co_vals = col.to_numpy(dtype=np.int64, na_value=0)
    else:
        known = np.zeros(len(df), dtype=bool)
        co_vals = np.zeros(len(df), dtype=np.int64)
    c_codes, c_vals = codes_of(df["currency"])
    ncur = len(c_vals)
    rest = doc if not known.any() else np.where(known, 0, doc)
    ok = codes >= 0
    flat = np.where(ok, codes * ncur + c_codes, -1) if ncur > 1 else codes
    sums = sum_by(flat, n * ncur, rest, co_vals).reshape(n, ncur, 2)
    is_company = np.array([str(c) == cc for c in c_vals], dtype=bool)
    exact = sums[:, :, 1].sum(axis=1) + sums[:, is_company, 0].sum(axis=1)
    present = np.zeros(n, dtype=bool)
    present[codes[ok]] = True
    extra: dict[int, list[Decimal]] = {}
    missing: dict[int, tuple[str, ...]] = {}
    for c in np.flatnonzero(~is_company):
        cur = str(c_vals[c])
        for i in np.flatnonzero(sums[:, c, 0] != 0):
            value = company_value(int(sums[i, c, 0]), 0, cur, cc, frames.rates)
            if value is None:
                missing[int(i)] = missing.get(int(i), ()) + (cur,)
            else:
                extra.setdefault(int(i), []).append(value)
    return CompanySums(keys, present, exact, precision(cc), extra, missing)


def company_totals_by(df: pd.DataFrame, frames: Frames, key: str, amount: str = "open_minor",
                      company: str | None = "open_company_minor",
                      codes: tuple[np.ndarray, np.ndarray] | None = None
                      ) -> dict[str, tuple[Decimal, tuple[str, ...]]]:
    """:func:`company_total` per value of ``df[key]`` (e.g. per customer): ``{key: (amount, unconverted)}``.

    ``codes`` may give the key's integer codes and distinct values already (see :func:`codes_of`)."""
    if df.empty:
        return {}
    k_codes, k_vals = codes if codes is not None else codes_of(df[key])
    return company_sums_by(df, frames, k_codes, k_vals, amount, company).values()
