"""Aged receivables: open items in buckets of days past due (or days since issue), per customer and in total.

Rules (reference/metrics.md, and OCA's Aged Partner Balance): days past due are recomputed from the due date at the
as-of date, never taken from an export; ``Current`` means not yet due or due on the as-of date; an item without a
due date is Current; credit notes and unapplied payments are negative amounts in the bucket of their own date and
net inside it. Amounts are summed as int64 minor units per customer, currency and bucket, and turn into
``Decimal`` only in the report; company-currency figures use what the source converted, else ``Books.rates``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property

import numpy as np
import pandas as pd

from .asof import open_at
from .config import validate_edges
from .errors import Issue, issues_of
from .frames import NO_DAY, Frames, company_value, day_number, days, frames_of
from .money import fmt, from_minor, minor_texts, precision
from .records import DUE_DATES, OPEN_ITEMS, Books


@dataclass(frozen=True)
class Bucket:
    """An aging bucket: items whose days past due lie in ``[min_days, max_days]`` (``None`` = unbounded)."""

    label: str
    min_days: int | None
    max_days: int | None


def buckets_from_edges(edges: tuple[int, ...] = (30, 60, 90)) -> tuple[Bucket, ...]:
    """``(30, 60, 90)`` → Current, 1-30, 31-60, 61-90, 91+ (Current ⇔ days past due ≤ 0)."""
    edges = tuple(int(e) for e in edges)
    validate_edges(edges)
    out = [Bucket("Current", None, 0)]
    low = 1
    for e in edges:
        out.append(Bucket(f"{low}-{e}", low, e))
        low = e + 1
    out.append(Bucket(f"{low}+", low, None))
    return tuple(out)


def bucket_index(age_days: np.ndarray, buckets: tuple[Bucket, ...]) -> np.ndarray:
    """Index into ``buckets`` of each age in days (vectorised; the buckets must be contiguous and ordered)."""
    uppers = np.array([b.max_days for b in buckets[:-1]], dtype=np.int64)
    return np.searchsorted(uppers, age_days, side="left")


@dataclass(frozen=True)
class AgingRow:
    """One customer's aged balance in one currency: ``amounts`` per bucket (unrounded ``Decimal``) and ``total``."""

    customer_id: str
    customer: str
    currency: str
    amounts: tuple[Decimal, ...]
    total: Decimal


@dataclass(frozen=True)
class BucketTable:
    """Bucket sums per group (a customer in one currency): ``minor[g, b]`` int64 minor units of ``currencies[g]``,
    plus ``extra[(g, b)]``, unrounded ``Decimal`` amounts converted at a rate. Turned into ``Decimal`` on demand."""

    customer_ids: tuple[str, ...]
    currencies: tuple[str, ...]
    minor: np.ndarray
    extra: dict[tuple[int, int], Decimal] = field(default_factory=dict)

    def amounts(self, g: int) -> tuple[Decimal, ...]:
        p = precision(self.currencies[g])
        return tuple(from_minor(v, places=p) + self.extra.get((g, b), Decimal(0))
                     for b, v in enumerate(self.minor[g]))

    def totals(self, currency: str, rows: np.ndarray | None = None) -> tuple[Decimal, ...]:
        """Per bucket and overall (last) totals of ``rows`` (default: all), which must all be in ``currency``."""
        sel = self.minor if rows is None else self.minor[rows]
        chosen = set(range(len(self.currencies))) if rows is None else {int(r) for r in rows}
        p = precision(currency)
        per = [from_minor(v, places=p) for v in sel.sum(axis=0)] if len(sel) else \
            [Decimal(0)] * self.minor.shape[1]
        for (g, b), v in self.extra.items():
            if g in chosen:
                per[b] += v
        return tuple(per) + (sum(per, Decimal(0)),)


@dataclass(frozen=True)
class AgingReport:
    """An aged balance. ``rows``/``totals`` are in ``currency`` (the company currency, or the one asked for);
    ``currency_rows``/``currency_totals`` in each document currency. ``unconverted`` names the customers and
    currencies left out of the company-currency figures for want of a rate. Rows become ``Decimal`` on first use."""

    as_of: date
    source_date: date | None
    by: str
    buckets: tuple[Bucket, ...]
    currency: str
    unconverted: tuple[tuple[str, str], ...]
    warnings: tuple[Issue, ...]
    names: dict[str, str]
    company_table: BucketTable
    currency_table: BucketTable

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(b.label for b in self.buckets)

    def _rows(self, table: BucketTable) -> tuple[AgingRow, ...]:
        out = []
        for g, (cid, cur) in enumerate(zip(table.customer_ids, table.currencies)):
            amounts = table.amounts(g)
            out.append(AgingRow(cid, self.names.get(cid, cid), cur, amounts, sum(amounts, Decimal(0))))
        out.sort(key=lambda r: (r.customer.casefold(), r.customer_id, r.currency))
        return tuple(out)

    @cached_property
    def rows(self) -> tuple[AgingRow, ...]:
        return self._rows(self.company_table)

    @cached_property
    def currency_rows(self) -> tuple[AgingRow, ...]:
        return self._rows(self.currency_table)

    @cached_property
    def totals(self) -> tuple[Decimal, ...]:
        """Per bucket, then the overall total (last)."""
        return self.company_table.totals(self.currency)

    @cached_property
    def currency_totals(self) -> dict[str, tuple[Decimal, ...]]:
        t = self.currency_table
        curs = np.array(t.currencies, dtype=object)
        return {c: t.totals(c, np.flatnonzero(curs == c)) for c in sorted(set(t.currencies))}

    @property
    def total(self) -> Decimal:
        return self.totals[-1]

    def _amounts(self, amounts: tuple[Decimal, ...], currency: str) -> dict[str, str]:
        out = {label: fmt(a, currency) for label, a in zip(self.labels, amounts)}
        out["total"] = fmt(amounts[-1], currency)
        return out

    def _customer_entries(self, table: BucketTable, currency: str | None = None) -> list[dict]:
        """The JSON entries of ``table``'s rows (only those in ``currency`` when given), in the order of
        :attr:`rows`. A row with no amount converted at a rate is printed from its integer minor units; the others
        through their ``Decimal`` amounts, rounded once."""
        labels = self.labels
        keys = [(self.names.get(cid, cid), cid, cur) for cid, cur in zip(table.customer_ids, table.currencies)]
        order = sorted((g for g in range(len(keys)) if currency is None or keys[g][2] == currency),
                       key=lambda g: (keys[g][0].casefold(), keys[g][1], keys[g][2]))
        converted = {g for g, _ in table.extra}
        shown_of = [self.currency if currency is None else keys[g][2] for g in range(len(keys))]
        exact = [g for g in order if g not in converted and keys[g][2] == shown_of[g]]
        texts_of: dict[int, list[str]] = {}
        for cur in {keys[g][2] for g in exact}:           # exact rows, formatted in bulk per currency
            rows = [g for g in exact if keys[g][2] == cur]
            units = table.minor[rows]
            flat = minor_texts(np.column_stack([units, units.sum(axis=1)]).ravel(), precision(cur))
            width = units.shape[1] + 1
            texts_of.update((g, flat[k * width:(k + 1) * width]) for k, g in enumerate(rows))
        out = []
        for g in order:
            texts = texts_of.get(g)
            if texts is None:
                shown = shown_of[g]
                amounts = table.amounts(g)
                texts = [fmt(a, shown) for a in amounts] + [fmt(sum(amounts, Decimal(0)), shown)]
            out.append({"customer": keys[g][0], "buckets": dict(zip(labels, texts)), "total": texts[-1]})
        return out

    def to_json_dict(self) -> dict:
        """The ``ardesk aging --format json`` object (DESIGN.md), plus source_date, warnings and, when the books
        hold a currency besides the company's, ``by_currency``: each currency's customers and totals in that
        currency. A book in one currency lists each customer once."""
        currencies = self.currency_totals
        out = {"as_of": self.as_of.isoformat(), "currency": self.currency, "by": self.by,
               "buckets": list(self.labels), "customers": self._customer_entries(self.company_table),
               "totals": self._amounts(self.totals, self.currency),
               "source_date": self.source_date.isoformat() if self.source_date else None,
               "warnings": [w.message for w in self.warnings]}
        if set(currencies) - {self.currency}:
            out["by_currency"] = {cur: {"customers": self._customer_entries(self.currency_table, cur),
                                        "totals": self._amounts(totals, cur)} for cur, totals in currencies.items()}
        return out


def aging(books: Books, as_of: date, *, edges: tuple[int, ...] = (30, 60, 90), by: str = "due",
          currency: str | None = None) -> AgingReport:
    """The aged balance of ``books`` as they stood at the end of ``as_of``."""
    return aging_frames(frames_of(books), as_of, edges=edges, by=by, currency=currency)


def aging_frames(frames: Frames, as_of: date, *, edges: tuple[int, ...] = (30, 60, 90), by: str = "due",
                 currency: str | None = None) -> AgingReport:
    """:func:`aging` over pre-built frames (the books are first rebuilt as of ``as_of``)."""
    at = open_at(frames, as_of)
    return aging_frame(at.items, as_of, frames, edges=edges, by=by, currency=currency, warnings=at.warnings)


def age_days(items: pd.DataFrame, as_of: date, by: str = "due") -> np.ndarray:
    """Days past due (``by="due"``; 0 when there is no due date) or days since issue, at ``as_of``."""
    if by not in ("due", "issued"):
        raise ValueError(f"by must be 'due' or 'issued', not {by!r}")
    ref = days(items[by])
    return np.where(ref == NO_DAY, 0, day_number(as_of) - ref)


def aging_frame(items: pd.DataFrame, as_of: date, frames: Frames, *, edges: tuple[int, ...] = (30, 60, 90),
                by: str = "due", currency: str | None = None, warnings: tuple[Issue, ...] = ()) -> AgingReport:
    """Age ``items`` (an item frame whose ``open_minor`` already stands at ``as_of``) into buckets."""
    buckets = buckets_from_edges(edges)
    nb = len(buckets)
    company = frames.company_currency
    if currency:
        currency = currency.upper()
        items = items[items["currency"].to_numpy() == currency]
    idx = bucket_index(age_days(items, as_of, by), buckets)
    cust_codes, cust_uniques = pd.factorize(items["customer_id"], sort=False)
    cur_codes, cur_uniques = pd.factorize(items["currency"], sort=False)
    ncur = max(len(cur_uniques), 1)
    key = (cust_codes.astype(np.int64) * ncur + cur_codes) * nb + idx
    doc = items["open_minor"].to_numpy(np.int64)
    co = items["open_company_minor"]
    known = co.notna().to_numpy()
    frame = pd.DataFrame({"doc": doc, "rest": np.where(known, 0, doc), "co": co.fillna(0).to_numpy(np.int64)})
    sums = frame.groupby(key, sort=False).sum()
    keys = sums.index.to_numpy(np.int64)
    b, group = keys % nb, keys // nb
    groups, g_of = np.unique(group, return_inverse=True)
    cur_i, cust_i = groups % ncur, groups // ncur
    cust_ids = np.array([str(c) for c in cust_uniques], dtype=object)
    curs = np.array([str(c) for c in cur_uniques], dtype=object)
    doc_m = np.zeros((len(groups), nb), dtype=np.int64)
    doc_m[g_of, b] = sums["doc"].to_numpy(np.int64)
    doc_table = BucketTable(tuple(cust_ids[cust_i]), tuple(curs[cur_i]), doc_m)
    warns = list(warnings)
    if len(items) and OPEN_ITEMS in frames.knows and DUE_DATES not in frames.knows:
        undated = int(np.count_nonzero(days(items["due"]) == NO_DAY))
        warns.append("the source does not give every item's due date: "
                     + (f"{undated} items without one count as Current" if undated else
                        "some are estimated from the payment terms, or aged from the first day of the bucket it "
                        "printed them in")
                     + ", so the buckets are approximate")
    unconverted: set[tuple[str, str]] = set()
    if currency:
        return _report(frames, as_of, by, buckets, currency, doc_table, doc_table, (), warns)
    # Company currency: exact minor units where the source converted or the currency is the company's; amounts
    # converted at a rate are kept as unrounded Decimal extras.
    rest, co_s = sums["rest"].to_numpy(np.int64), sums["co"].to_numpy(np.int64)
    is_company = curs[cur_i[g_of]] == company
    exact = co_s + np.where(is_company, rest, 0)
    cust_codes_u, c_of = np.unique(cust_i, return_inverse=True)
    co_m = np.zeros((len(cust_codes_u), nb), dtype=np.int64)
    np.add.at(co_m, (c_of[g_of], b), exact)
    extra: dict[tuple[int, int], Decimal] = {}
    for k in np.flatnonzero(~is_company & (rest != 0)):
        cur = str(curs[cur_i[g_of[k]]])
        value = company_value(int(rest[k]), 0, cur, company, frames.rates)
        if value is None:
            unconverted.add((str(cust_ids[cust_i[g_of[k]]]), cur))
            continue
        at = (int(c_of[g_of[k]]), int(b[k]))
        extra[at] = extra.get(at, Decimal(0)) + value
    keep = np.ones(len(cust_codes_u), dtype=bool)
    left_out = {c for c, _ in unconverted}
    for i, code in enumerate(cust_codes_u):
        if str(cust_ids[code]) in left_out and not co_m[i].any() and not any(k[0] == i for k in extra):
            keep[i] = False
    rows_kept = np.flatnonzero(keep)
    remap = {int(old): new for new, old in enumerate(rows_kept)}
    co_table = BucketTable(tuple(cust_ids[cust_codes_u[rows_kept]]), (company,) * len(rows_kept),
                           co_m[rows_kept], {(remap[g], bb): v for (g, bb), v in extra.items() if g in remap})
    if unconverted:
        names = ", ".join(f"{frames.names.get(c, c)} ({cur})" for c, cur in sorted(unconverted))
        warns.append(f"no rate to {company} for: {names}; those amounts are left out of the {company} figures "
                     "and shown in by_currency")
    return _report(frames, as_of, by, buckets, company, co_table, doc_table, tuple(sorted(unconverted)), warns)


def _report(frames: Frames, as_of: date, by: str, buckets: tuple[Bucket, ...], currency: str,
            company_table: BucketTable, currency_table: BucketTable, unconverted: tuple, warnings: list[str]
            ) -> AgingReport:
    return AgingReport(as_of=as_of, source_date=frames.report_date, by=by, buckets=buckets, currency=currency,
                       unconverted=unconverted, warnings=issues_of(warnings), names=frames.names,
                       company_table=company_table, currency_table=currency_table)


def aged_items(items: pd.DataFrame, as_of: date, *, edges: tuple[int, ...] = (30, 60, 90), by: str = "due"
               ) -> pd.DataFrame:
    """``items`` (open at ``as_of``) with ``days_past_due`` (or days since issue) and ``bucket`` label columns,
    for the Invoices sheet."""
    buckets = buckets_from_edges(edges)
    age = age_days(items, as_of, by)
    labels = np.array([b.label for b in buckets], dtype=object)
    return items.assign(days_past_due=age, bucket=labels[bucket_index(age, buckets)])
