"""The books as they stood at the end of a day.

An item is open at D by its total less what was allocated to it on or before D; items issued after D do not count.
Computed the way Odoo's aged balance does it for a past date: the amount open at the books' report date plus every
allocation dated after D added back (to the item it settled, and taken back from the credit or payment that settled
it). How exact the answer is depends on what the books know:

- ``ALLOCATIONS``: exact for any D up to the report date.
- open items only: exact for D == report date; D after it is served with the warning that payments since the export
  are unknown; D before it is refused, naming the QuickBooks reports that would answer.
- ``PAYMENT_DATES`` with ``ISSUED_HISTORY`` but no allocations: rebuilt from ``paid_on``. An item paid in full after
  D was open at D for its full total; one paid on or before D was not. An item still partly open at the report date
  counts at its full total at D (the date of the part payment is unknown), and every output says so.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from .errors import InputError, Issue, issues_of
from .frames import NO_DAY, Frames, day_number, days, frames_of, sum_by
from .money import from_minor, precision
from .records import ALLOCATIONS, ISSUED_HISTORY, PAYMENT_DATES, Books

HISTORY_HINT = ("run QuickBooks' A/R Aging Detail report as of {d}, or export "
                "Transaction List by Customer or Invoices and Received Payments covering that date so ardesk "
                "can rebuild it")


@dataclass(frozen=True)
class AsOf:
    """Open items at the end of ``as_of`` (``items``: the item frame with ``open_minor`` and
    ``open_company_minor`` at that date, rows with nothing open dropped), whether that is ``exact``, and the
    ``warnings`` every output built from it must show."""

    items: pd.DataFrame
    as_of: date
    exact: bool
    warnings: tuple[Issue, ...]


def books_as_of(books: Books, as_of: date) -> AsOf:
    """:func:`open_at` for records."""
    return open_at(frames_of(books), as_of)


def open_at(frames: Frames, as_of: date) -> AsOf:
    """The open items of ``frames`` as they stood at the end of ``as_of`` (see the module's rules). The answer is
    kept with the frames, so the reports built from the same frames share it (treat it as read-only)."""
    key = ("open_at", as_of)
    if key not in frames.cache:
        frames.cache[key] = _open_at(frames, as_of)
    return frames.cache[key]


def _open_at(frames: Frames, as_of: date) -> AsOf:
    items = frames.items
    d = day_number(as_of)
    rd = frames.report_date
    warnings: list[str] = []
    issued = days(items["issued"])
    in_scope = issued <= d
    if _before_history(frames, as_of):
        start = frames.period[0].isoformat()
        raise InputError(f"the books hold settled items from {start} on only, so they cannot show what was "
                         f"open at {as_of.isoformat()} (items settled in between would be missing)",
                         source=frames.source or None,
                         hint="for Odoo raise [odoo] history_months in ardesk.toml and pull again; for "
                              f"QuickBooks export the history reports from before {as_of.isoformat()}")
    if ALLOCATIONS in frames.knows and (rd is None or as_of <= rd):
        df, exact = _with_allocations(frames, items, d, warnings), True
    elif rd is None:
        warnings.append("the source gives no report date: open amounts are taken as they stand")
        df, exact = items, False
    elif as_of == rd:
        df, exact = items, True
    elif as_of > rd:
        warnings.append(f"books stand at {rd.isoformat()}: payments since the export are unknown, "
                        f"so amounts open at {as_of.isoformat()} may be overstated")
        df, exact = items, False
    elif PAYMENT_DATES in frames.knows and ISSUED_HISTORY in frames.knows:
        df, exact = _from_paid_on(items, d, as_of, warnings), False
    else:
        raise InputError(f"the books stand at {rd.isoformat()} and hold only what was open then, so they cannot "
                         f"show what was open at {as_of.isoformat()}", source=frames.source or None,
                         hint=HISTORY_HINT.format(d=as_of.isoformat()))
    df = df[in_scope & (df["open_minor"].to_numpy() != 0)]
    return AsOf(items=df, as_of=as_of, exact=exact, warnings=issues_of(warnings))


def _sum_by(keys: pd.Series, values: np.ndarray, index: pd.Series) -> np.ndarray:
    """Sum ``values`` by ``keys`` and align on ``index`` (0 where a key is absent); int64 throughout."""
    if len(keys) == 0:
        return np.zeros(len(index), dtype=np.int64)
    sums = pd.Series(values, dtype=np.int64).groupby(keys.to_numpy()).sum()
    return sums.reindex(index.to_numpy(), fill_value=0).to_numpy(np.int64)


def _with_allocations(frames: Frames, items: pd.DataFrame, d: int, warnings: list[str]) -> pd.DataFrame:
    allocs = frames.allocations
    later = allocs[days(allocs["date"]) > d]
    if later.empty:
        return items
    df = items.copy()
    cur = pd.Series(items["currency"].to_numpy(), index=items["id"].to_numpy())
    cc = frames.company_currency
    debit_cur = later["debit_item_id"].map(cur)
    credit_cur = later["credit_item_id"].map(cur)
    co = later["amount_minor"].to_numpy(np.int64)
    in_cur = later["amount_currency_minor"]
    approx = 0

    def document(currency: pd.Series) -> np.ndarray:
        nonlocal approx
        same_as_debit = (currency == debit_cur).to_numpy() & in_cur.notna().to_numpy()
        is_company = (currency == cc).to_numpy()
        out = np.where(same_as_debit, in_cur.fillna(0).to_numpy(np.int64), np.where(is_company, co, 0))
        rest = ~(same_as_debit | is_company) & currency.notna().to_numpy()
        for i in np.flatnonzero(rest):
            rate = frames.rates.get(currency.iat[i])
            if rate:
                approx += 1
                # company minor units -> the document currency's minor units, at the rate
                doc = from_minor(co[i], cc) / rate
                out[i] = int(doc.scaleb(precision(currency.iat[i])).to_integral_value())
        return out

    debit_doc, credit_doc = document(debit_cur), document(credit_cur)
    ids = df["id"]
    df["open_minor"] = (df["open_minor"].to_numpy(np.int64)
                        + _sum_by(later["debit_item_id"], debit_doc, ids)
                        - _sum_by(later["credit_item_id"], credit_doc, ids))
    co_add = _sum_by(later["debit_item_id"], co, ids) - _sum_by(later["credit_item_id"], co, ids)
    df["open_company_minor"] = df["open_company_minor"] + pd.array(co_add, dtype="Int64")
    if approx:
        warnings.append(f"{approx} allocations give no amount in the item's currency: converted at the rate")
    if "inferred" in items:
        guessed = later["debit_item_id"][later["credit_item_id"].isin(items["id"][items["inferred"]])].nunique()
        if guessed:
            warnings.append(f"{guessed} invoices open at the as-of date may be overstated by credits applied to "
                            "them on dates no export shows (the source lists no such credit memo)")
    unknown = int((debit_cur.isna()).sum())
    if unknown:
        warnings.append(f"{unknown} allocations after the as-of date settle items not in the books "
                        "(settled before the export): AR at that date is understated by them")
    return df


def _from_paid_on(items: pd.DataFrame, d: int, as_of: date, warnings: list[str]) -> pd.DataFrame:
    df = items.copy()
    paid = days(items["paid_on"])
    has_paid = paid != np.iinfo(np.int64).min
    total = items["total_minor"].to_numpy(np.int64)
    open_ = items["open_minor"].to_numpy(np.int64)
    partial = ~has_paid & (open_ != 0) & (open_ != total)
    new_open = np.where(has_paid, np.where(paid <= d, 0, total), np.where(open_ != 0, total, 0))
    changed = new_open != open_
    df["open_minor"] = new_open
    df.loc[changed, "open_company_minor"] = pd.NA
    issued_ok = days(items["issued"]) <= d
    n_partial = int((partial & issued_ok).sum())
    warnings.append(f"books rebuilt as of {as_of.isoformat()} from payment dates: items paid in full after it "
                    "count at their full amount")
    if n_partial:
        warnings.append(f"{n_partial} items were partly paid by the report date on unknown dates: they count at "
                        f"their full amount at {as_of.isoformat()}")
    return df


_FAR = np.iinfo(np.int64).max


def _before_history(frames: Frames, d: date) -> bool:
    """Whether ``d`` lies before the history the books were rebuilt from (their ``period`` start)."""
    return ALLOCATIONS in frames.knows and frames.period is not None and d < frames.period[0]


def _mode(frames: Frames, d: date) -> str:
    """Which rule of the module applies at ``d``: alloc, open, paid, or refuse."""
    rd = frames.report_date
    if _before_history(frames, d):
        return "refuse"
    if ALLOCATIONS in frames.knows and (rd is None or d <= rd):
        return "alloc"
    if rd is None or d >= rd:
        return "open"
    if PAYMENT_DATES in frames.knows and ISSUED_HISTORY in frames.knows:
        return "paid"
    return "refuse"


def _bins(at: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``np.searchsorted(at, values, "left")`` for day numbers, through a lookup table over ``at``'s span."""
    lo, hi = int(at[0]) - 1, int(at[-1]) + 1
    table = np.searchsorted(at, np.arange(lo, hi + 1, dtype=np.int64), side="left")
    return table[np.clip(values, lo, hi) - lo]


def _interval_sums(start: np.ndarray, end: np.ndarray, doc: np.ndarray, co: np.ndarray, cur: np.ndarray,
                   ncur: int, at: np.ndarray, start_key: np.ndarray | None = None) -> np.ndarray:
    """``[k, c, 0|1]``: sums of ``doc`` and ``co`` over rows of currency ``c`` with ``start ≤ at[k] < end``."""
    k = len(at)
    out = np.zeros((k + 1, ncur, 2), dtype=np.int64)
    for bound, sign in ((start, 1), (end, -1)):
        key = (start_key if bound is start and start_key is not None
               else _bins(at, bound) * ncur + cur)
        flat = sum_by(key, (k + 1) * ncur, doc, co)
        out += sign * flat.reshape(k + 1, ncur, 2).cumsum(axis=0)
    return out[:k]


def ar_series(frames: Frames, dates: list[date], currencies: list[str] | None = None
              ) -> tuple[dict[date, tuple[np.ndarray, np.ndarray] | str], tuple[Issue, ...]]:
    """AR and current AR the books held at the end of each of ``dates``, in one pass over the items.

    For each date: ``(ar, current)``, each an array ``[currency, (document minor units not converted by the source,
    company minor units converted by it)]`` over ``currencies_of(frames)``; or the reason the books cannot tell.
    Same rules and warnings as :func:`open_at`; dates under the allocation rule are computed with it, one by one.
    """
    items = frames.items
    curs = currencies if currencies is not None else currencies_of(frames)
    warnings: list[str] = []
    cur = pd.Categorical(items["currency"].array, categories=curs).codes.astype(np.int64)
    issued, due = days(items["issued"]), days(items["due"])
    open_ = items["open_minor"].to_numpy(np.int64)
    co_col = items["open_company_minor"]
    known = co_col.notna().to_numpy()
    co = co_col.fillna(0).to_numpy(np.int64)
    out: dict[date, tuple[np.ndarray, np.ndarray] | str] = {}
    by_mode: dict[str, list[date]] = {}
    for d in sorted(set(dates)):
        by_mode.setdefault(_mode(frames, d), []).append(d)
    cur_end = np.where(due == NO_DAY, _FAR, due + 1)
    for mode, ds in by_mode.items():
        if mode == "refuse":
            for d in ds:
                try:
                    open_at(frames, d)
                except InputError as exc:
                    out[d] = exc.message
            continue
        if mode == "alloc":
            for d in ds:
                at = open_at(frames, d)
                warnings.extend(w for w in at.warnings if w not in warnings)
                sub = Frames(items=at.items, company_currency=frames.company_currency, report_date=d)
                out[d] = ar_series(sub, [d], curs)[0][d]
            continue
        for d in ds:
            if mode == "paid" or d != frames.report_date:
                warnings.extend(w for w in open_at(frames.__class__(items=items.iloc[:0], **_meta(frames)),
                                                   d).warnings if w not in warnings)
        if mode == "open":
            v, v_known, end = open_, known, np.full(len(items), _FAR)
        else:
            paid = days(items["paid_on"])
            has_paid = paid != NO_DAY
            total = items["total_minor"].to_numpy(np.int64)
            v = np.where(has_paid | (open_ != 0), total, 0)
            v_known = known & (v == open_)
            end = np.where(has_paid, paid, _FAR)
        at = np.array([day_number(d) for d in ds], dtype=np.int64)
        doc_rest, co_v = np.where(v_known, 0, v), np.where(v_known, co, 0)
        start_key = _bins(at, issued) * len(curs) + cur
        ar = _interval_sums(issued, end, doc_rest, co_v, cur, len(curs), at, start_key)
        current = _interval_sums(issued, np.minimum(end, cur_end), doc_rest, co_v, cur, len(curs), at, start_key)
        for i, d in enumerate(ds):
            out[d] = (ar[i], current[i])
        if mode == "paid":
            partial = ~has_paid & (open_ != 0) & (open_ != total) & (issued <= at.max())
            if partial.any():
                warnings.append(f"{int(partial.sum())} items were partly paid by the report date on unknown "
                                "dates: they count at their full amount at the month ends before it")
    return out, issues_of(warnings)


def _meta(frames: Frames) -> dict:
    return {k: getattr(frames, k) for k in ("company_currency", "report_date", "allocations", "payments", "rates",
                                            "knows", "names", "credit_limits", "terms", "period", "source")}


def currencies_of(frames: Frames) -> list[str]:
    """The currencies of the items, sorted (the axis of :func:`ar_series`' arrays)."""
    column = frames.items["currency"]
    if isinstance(column.dtype, pd.CategoricalDtype):
        return sorted(str(c) for c in column.cat.categories)
    return sorted(str(c) for c in pd.unique(column.astype(object)))
