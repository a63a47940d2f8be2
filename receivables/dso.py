"""Days sales outstanding and its family: standard DSO, countback DSO, best possible DSO, average days
delinquent and the collection effectiveness index (reference/metrics.md), for the company, per customer and month
by month.

Conventions (every output states them):
- The period: the ``months`` calendar months ending at the as-of date (the last one may be partial), counted in
  calendar days; with ``period_days`` N, the N days ending at the as-of date, counted as N days (365, 360, 90...).
- Credit sales: invoices and credit notes issued in the period (credit notes negative), in the company currency.
  Books without an invoice history may hold a sales report's totals instead (``Books.sales``, see
  :class:`SalesTotals`): credit sales are then the totals whose dates lie within the period (less the cash sales a
  Sales by Customer Detail tells apart); a period the report's columns cannot be cut to is answered over the
  report's own period instead (said in the warnings), and sales that include cash sales are said to.
- AR at a date is the AR the books held then (receivables.asof), not today's open items filtered by date; where the
  books cannot show it the metric is absent (``None``) and ``reasons`` says why. Division by zero never escapes.
- Average days delinquent = DSO − best possible DSO; for the company this equals the sales-weighted mean of the
  customers' own differences, which is what "per customer first" asks.
- CEI's credit sales: the period total (``cei_sales="total"``) or the monthly average (``"average"``).
Figures stay exact ``Decimal`` and are rounded once, on output, to 0.1 day or 0.1 percent.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property

import numpy as np
import pandas as pd

from .asof import ar_series, currencies_of, open_at
from .errors import InputError, Issue, issues_of
from .frames import (
    NO_DAY,
    CompanySums,
    Frames,
    codes_in,
    codes_of,
    company_sums_by,
    company_total,
    company_totals_by,
    company_value,
    day_number,
    days,
    frames_of,
    month_numbers,
)
from .money import fmt, minor_texts, precision, tenth, to_minor
from .records import ISSUED_HISTORY, OPEN_ITEMS, SALES_TOTALS, Books, SalesTotal
from .sales import SalesTotals

SALES_KINDS = ("invoice", "credit_note")
TOTAL_COMPANY = "total_company_minor"
CASH_INCLUDED = ("credit sales include cash sales (sales receipts): the Sales by Customer Summary cannot tell them "
                 "apart, so DSO looks better than it is")
NO_OPEN_ITEMS = ("the books hold a sales report's totals but no open items, so AR is unknown: export an A/R Aging "
                 "Summary or Detail, or Open Invoices, into a folder with the sales report")


# --- the formulas ------------------------------------------------------------------------------------------------

def standard_dso(ar: Decimal, sales: Decimal, days_: int | Decimal) -> tuple[Decimal | None, str | None]:
    """``ar ÷ sales × days``; absent when sales are not positive."""
    if sales <= 0:
        return None, "no credit sales in the period" if sales == 0 else "credit sales in the period are negative"
    return ar / sales * Decimal(days_), None


def countback_dso(ar: Decimal, months_newest_first: list[tuple[str, Decimal, int]]
                  ) -> tuple[Decimal | None, str | None]:
    """Exhaust ``ar`` against monthly sales going back (``(label, sales, days)``, newest first).

    A month without positive credit sales (a month just begun, or one whose credit notes outweigh its invoices)
    has nothing to consume: its days count and the count goes on into the months before it, as the countback method
    does; a note names such months. Absent with the reason when the history runs out before the AR is exhausted.
    """
    remaining, total = ar, Decimal(0)
    if remaining <= 0:
        return Decimal(0), None
    empty: list[str] = []
    for label, sales, n in months_newest_first:
        if sales <= 0:
            empty.append(label)
            total += n
            continue
        if remaining <= sales:
            note = (f"months without credit sales counted as days with nothing to consume: {', '.join(empty)}"
                    if empty else None)
            return total + remaining / sales * n, note
        remaining -= sales
        total += n
    return None, (f"history runs out after {len(months_newest_first)} months with AR {fmt(remaining)} "
                  "not yet exhausted")


def cei(beginning: Decimal, sales: Decimal, ending_total: Decimal, ending_current: Decimal
        ) -> tuple[Decimal | None, str | None]:
    """``(beginning + sales − ending total) ÷ (beginning + sales − ending current) × 100``."""
    denominator = beginning + sales - ending_current
    if denominator == 0:
        return None, "CEI undefined: beginning AR + credit sales − current AR is zero"
    return (beginning + sales - ending_total) / denominator * 100, None


def average_days_delinquent(dso: Decimal | None, bpdso: Decimal | None) -> Decimal | None:
    return None if dso is None or bpdso is None else dso - bpdso


# --- helpers -----------------------------------------------------------------------------------------------------

def month_start(d: date) -> date:
    return d.replace(day=1)


def month_end(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def previous_month_end(d: date) -> date:
    return month_start(d) - timedelta(days=1)


def months_back(d: date, n: int) -> date:
    """The first day of the month ``n`` months before ``d``'s month (``n=0``: ``d``'s own)."""
    index = d.year * 12 + d.month - 1 - n
    return date(index // 12, index % 12 + 1, 1)


def r1(value: Decimal | None) -> str | None:
    """A day count or percentage as JSON prints it: rounded to 0.1 (:func:`~receivables.money.tenth`)."""
    return None if value is None else format(tenth(value), "f")


# --- the report --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Figures:
    """The family of metrics for one period (company, customer or month); ``None`` = absent, see ``reasons``."""

    ar: Decimal | None
    current_ar: Decimal | None
    credit_sales: Decimal | None
    days: int
    dso: Decimal | None = None
    countback_dso: Decimal | None = None
    best_possible_dso: Decimal | None = None
    average_days_delinquent: Decimal | None = None
    cei: Decimal | None = None
    reasons: dict[str, str] = field(default_factory=dict)

    def to_json_dict(self, currency: str) -> dict:
        def money(v: Decimal | None) -> str | None:
            return None if v is None else fmt(v, currency)

        return {"ar": money(self.ar), "credit_sales": money(self.credit_sales), "dso": r1(self.dso),
                "countback_dso": r1(self.countback_dso), "best_possible_dso": r1(self.best_possible_dso),
                "average_days_delinquent": r1(self.average_days_delinquent), "cei": r1(self.cei),
                "reasons": dict(self.reasons)}


@dataclass(frozen=True)
class DsoReport:
    """DSO figures for the company (``figures``), per month (``months``: ``(label, Figures)``, oldest first) and
    per customer (``customers``: ``(customer id, name, Figures)``, from ``table``)."""

    as_of: date
    source_date: date | None
    currency: str
    period_start: date
    period_days: int
    day_count: str
    cei_sales: str
    figures: Figures
    months: tuple[tuple[str, Figures], ...]
    table: CustomerDso
    warnings: tuple[Issue, ...]

    @cached_property
    def customers(self) -> tuple[tuple[str, str, Figures], ...]:
        """``(customer id, name, Figures)`` per customer with AR or sales, by name; built on first use."""
        return self.table.rows()

    def to_json_dict(self) -> dict:
        """DESIGN.md's ``ardesk dso --format json`` object, plus reasons, labels, customers and warnings."""
        out = {"as_of": self.as_of.isoformat(), "period_days": self.period_days}
        out.update(self.figures.to_json_dict(self.currency))
        out["months"] = [{"month": label, **f.to_json_dict(self.currency)} for label, f in self.months]
        out.update({"currency": self.currency, "period_start": self.period_start.isoformat(),
                    "day_count": self.day_count, "cei_sales": self.cei_sales,
                    "source_date": self.source_date.isoformat() if self.source_date else None,
                    "customers": self.table.json_rows(self.currency),
                    "warnings": [w.message for w in self.warnings]})
        return out


def dso(books: Books, as_of: date, *, period_days: int | None = None, months: int = 12,
        cei_sales: str = "total") -> DsoReport:
    """The DSO family of ``books`` at the end of ``as_of`` (see the module's conventions)."""
    return dso_frames(frames_of(books), as_of, period_days=period_days, months=months, cei_sales=cei_sales,
                      sales=books.sales)


def _day(d: date) -> str:
    return d.isoformat()


class _Books:
    """What the DSO computations ask of the books, each answer computed once."""

    def __init__(self, frames: Frames, as_of: date, sales: tuple[SalesTotal, ...] = ()):
        self.frames, self.as_of = frames, as_of
        items = frames.items
        self.has_sales = ISSUED_HISTORY in frames.knows
        # A sales report's totals give credit sales only where the books have no invoice history.
        self.totals = SalesTotals(sales) if sales and not self.has_sales else None
        # A sales report alone: no open items at all, so AR is unknown rather than zero.
        self.no_ar = SALES_TOTALS in frames.knows and OPEN_ITEMS not in frames.knows and items.empty
        issued = days(items["issued"])
        # Credit sales are documented invoices and credit notes: a credit inferred to explain a settlement the
        # source does not show is no sale (it would turn a month of payments into negative sales).
        mask = (items["kind"].isin(SALES_KINDS).to_numpy() & (issued <= day_number(as_of))
                & ~items["inferred"].to_numpy())
        columns = ["customer_id", "currency", "issued", "total_minor"]
        # The source's own company-currency totals where it gives them (an ERP converts at each document's rate).
        self.sales = items.loc[mask, columns + [c for c in (TOTAL_COMPANY,) if c in items]]
        start = frames.period[0] if frames.period else None
        if start is None and self.has_sales and len(self.sales):
            start = (np.datetime64(int(days(self.sales["issued"]).min()), "D")).astype(object)
        self.history_start = start
        self._ar: dict[date, tuple] = {}
        self.warnings: list[str] = []
        self.month_sales = self._monthly()

    def _monthly(self) -> dict[date, Decimal]:
        if not self.has_sales or self.sales.empty:
            return {}
        month = month_numbers(days(self.sales["issued"]))
        first = int(month.min())
        labels = np.array([str(k) for k in range(int(month.max()) - first + 1)], dtype=object)
        out: dict[date, Decimal] = {}
        sums = company_totals_by(self.sales, self.frames, "issued", "total_minor", TOTAL_COMPANY,
                                 codes=(month - first, labels))
        for k, (value, missing) in sums.items():
            m = first + int(k)
            out[date(1970 + m // 12, m % 12 + 1, 1)] = value
            self._missing(missing)
        return out

    def _missing(self, missing: tuple[str, ...]) -> None:
        for cur in missing:
            text = f"no rate to {self.frames.company_currency} for {cur}: those amounts are left out"
            if text not in self.warnings:
                self.warnings.append(text)

    def sales_between(self, first: date, last: date) -> tuple[Decimal | None, str | None]:
        if self.totals is not None:
            value, cash_included, why = self.totals.between(first, last)
            if cash_included and CASH_INCLUDED not in self.warnings:
                self.warnings.append(CASH_INCLUDED)
            return value, why
        if not self.has_sales and SALES_TOTALS in self.frames.knows:
            # every caller in the desk passes Books.sales; a caller of dso_frames that does not is told what it missed
            return None, ("the books' credit sales are in a sales report whose totals were not passed to this "
                          "computation (dso_frames(..., sales=books.sales))")
        if not self.has_sales:
            return None, ("the books hold only open items, so credit sales are unknown (export an invoice history "
                          "such as Invoices and Received Payments, or pull from the ERP)")
        if self.history_start is None or first < self.history_start:
            return None, f"credit sales before {self.history_start or 'the history'} are not in the books"
        if first == month_start(first) and (last == month_end(last) or last == self.as_of) \
                and month_start(last) == first:
            return self.month_sales.get(first, Decimal(0)), None
        iss = days(self.sales["issued"])
        part = self.sales[(iss >= day_number(first)) & (iss <= day_number(last))]
        value, missing = company_total(part, self.frames, "total_minor", TOTAL_COMPANY)
        self._missing(missing)
        return value, None

    def prepare(self, dates: list[date]) -> None:
        """Compute AR and current AR at all ``dates`` in one pass (receivables.asof.ar_series)."""
        if self.no_ar:
            self._ar.update((d, (None, None, NO_OPEN_ITEMS)) for d in dates)
            return
        curs = currencies_of(self.frames)
        series, warnings = ar_series(self.frames, dates, curs)
        for w in warnings:
            if w not in self.warnings:
                self.warnings.append(w)
        for d, value in series.items():
            if isinstance(value, str):
                self._ar[d] = (None, None, value)
                continue
            totals = []
            for arr in value:
                total = Decimal(0)
                for c, cur in enumerate(curs):
                    v = company_value(int(arr[c, 0]), int(arr[c, 1]), cur, self.frames.company_currency,
                                      self.frames.rates)
                    if v is None:
                        self._missing((cur,))
                        v = company_value(0, int(arr[c, 1]), cur, self.frames.company_currency, self.frames.rates)
                    total += v
                totals.append(total)
            self._ar[d] = (totals[0], totals[1], None)

    def ar_at(self, d: date) -> tuple[Decimal | None, Decimal | None, str | None]:
        """(AR, current AR, reason if absent) the books held at the end of ``d``."""
        if d not in self._ar:
            self.prepare([d])
        return self._ar[d]

    def countback(self, d: date, ar: Decimal) -> tuple[Decimal | None, str | None]:
        if self.totals is not None:
            return self._countback_totals(d, ar)
        if not self.has_sales or self.history_start is None:
            return None, "credit sales are unknown"
        seq, m = [], month_start(d)
        while m >= self.history_start:
            last = min(month_end(m), d)
            seq.append((m.strftime("%Y-%m"), self.month_sales.get(m, Decimal(0)), (last - m).days + 1))
            m = months_back(m, 1)
        return countback_dso(ar, seq)

    def _countback_totals(self, d: date, ar: Decimal) -> tuple[Decimal | None, str | None]:
        """Countback over a sales report's months, back to its first whole month."""
        totals = self.totals
        if not totals.monthly:
            return None, (f"countback needs monthly credit sales: the sales report gives one total for "
                          f"{_day(totals.spans[0][0])}..{_day(totals.spans[-1][1])} (export the Sales by Customer "
                          "Summary with columns by month, or the Sales by Customer Detail)")
        seq, m = [], month_start(d)
        while m >= totals.start:
            last = min(month_end(m), d)
            value, why = self.sales_between(m, last)
            if value is None:
                return None, why
            seq.append((m.strftime("%Y-%m"), value, (last - m).days + 1))
            m = months_back(m, 1)
        return countback_dso(ar, seq)


def _figures(b: _Books, start: date, end: date, n_days: int, n_months: int, cei_sales: str,
             countback: bool = True) -> Figures:
    reasons: dict[str, str] = {}
    ar, current, why = b.ar_at(end)
    sales, why_sales = b.sales_between(start, end)
    f = {"ar": ar, "current_ar": current, "credit_sales": sales, "days": n_days}
    if ar is None or sales is None:
        for k in ("dso", "countback_dso", "best_possible_dso", "average_days_delinquent", "cei"):
            reasons[k] = why or why_sales
        if ar is not None and countback:
            f["countback_dso"], note = b.countback(end, ar)
            if note:
                reasons["countback_dso"] = note
            else:
                reasons.pop("countback_dso")
        return Figures(**f, reasons=reasons)
    f["dso"], r = standard_dso(ar, sales, n_days)
    f["best_possible_dso"], r2 = standard_dso(current, sales, n_days)
    f["average_days_delinquent"] = average_days_delinquent(f["dso"], f["best_possible_dso"])
    for k, v in (("dso", r), ("best_possible_dso", r2), ("average_days_delinquent", r)):
        if v:
            reasons[k] = v
    if countback:
        f["countback_dso"], note = b.countback(end, ar)
        if note:
            reasons["countback_dso"] = note
    begin, _, why_begin = b.ar_at(start - timedelta(days=1))
    if begin is None:
        reasons["cei"] = f"AR at the start of the period is unknown: {why_begin}"
    else:
        cei_base = sales if cei_sales == "total" else sales / n_months
        f["cei"], r3 = cei(begin, cei_base, ar, current)
        if r3:
            reasons["cei"] = r3
    return Figures(**f, reasons=reasons)


def dso_frames(frames: Frames, as_of: date, *, period_days: int | None = None, months: int = 12,
               cei_sales: str = "total", sales: tuple[SalesTotal, ...] = ()) -> DsoReport:
    """:func:`dso` over pre-built frames; ``sales``: the books' sales totals (``Books.sales``), which frames do not
    carry."""
    if cei_sales not in ("total", "average"):
        raise InputError(f"cei_sales must be 'total' or 'average', not {cei_sales!r}")
    if months < 1 or (period_days is not None and period_days < 1):
        raise InputError("months and period days must be positive")
    b = _Books(frames, as_of, sales)
    if period_days:
        start, n_days = as_of - timedelta(days=period_days - 1), period_days
        n_months = max(1, round(period_days * 12 / 365))
        day_count = f"{period_days} days"
    else:
        start = months_back(as_of, months - 1)
        n_days, n_months, day_count = (as_of - start).days + 1, months, "calendar days"
    label = "total credit sales of the period" if cei_sales == "total" else \
        f"monthly average credit sales (period total ÷ {n_months})"
    end = as_of
    if b.totals is not None:
        start, end, n_days, n_months, day_count = _sales_period(b, start, as_of, n_days, n_months, day_count)
    ends = [min(month_end(months_back(as_of, k)), as_of) for k in range(months)]
    b.prepare([as_of, end, start - timedelta(days=1)] + ends + [months_back(as_of, k) - timedelta(days=1)
                                                                for k in range(months)])
    figures = _figures(b, start, end, n_days, n_months, cei_sales)
    rows = []
    for k in range(months - 1, -1, -1):
        m = months_back(as_of, k)
        end = min(month_end(m), as_of)
        rows.append((m.strftime("%Y-%m"), _figures(b, m, end, (end - m).days + 1, 1, cei_sales)))
    customers = _per_customer(b, start, end, n_days)
    return DsoReport(as_of=as_of, source_date=frames.report_date, currency=frames.company_currency,
                     period_start=start, period_days=n_days, day_count=day_count, cei_sales=label,
                     figures=figures, months=tuple(rows), table=customers, warnings=issues_of(b.warnings))


def _sales_period(b: _Books, start: date, as_of: date, n_days: int, n_months: int, day_count: str):
    """The period of the company figures when credit sales come from a sales report's totals: the one asked for
    when the totals can be cut to it, else the report's own period up to ``as_of`` (said in the warnings, with the
    date its AR stands at when that is before ``as_of``)."""
    totals = b.totals
    own = totals.own_period(as_of)
    asked_ok = totals.between(start, as_of)[0] is not None
    if asked_ok and (start, as_of) != own:
        return start, as_of, n_days, n_months, day_count
    if own is None:
        return start, as_of, n_days, n_months, day_count       # the figures say why the sales are unknown
    first, last = own
    days_ = (last - first).days + 1
    text = f"DSO over the sales report's period {_day(first)}..{_day(last)} ({days_} days)"
    if last < as_of:
        text += f", with AR as the books held it at {_day(last)}"
    b.warnings.append(text)
    return first, last, days_, max(1, round(days_ * 12 / 365)), "the sales report's period"


@dataclass(frozen=True)
class CustomerDso:
    """Per-customer AR, current AR and credit sales as integer sums (``None`` sums: the books cannot tell), turned
    into ``Figures`` on demand; ``sales_reason`` says why sales are unknown."""

    ar: CompanySums | None = None
    current: CompanySums | None = None
    sales: CompanySums | None = None
    sales_reason: str | None = None
    days: int = 0
    names: dict[str, str] = field(default_factory=dict)

    def rows(self) -> tuple[tuple[str, str, Figures], ...]:
        if self.ar is None:
            return ()
        present = self.ar.present | (self.sales.present if self.sales is not None else False)
        out = [(str(self.ar.keys[i]), self._figures(int(i))) for i in np.flatnonzero(present)]
        rows = [(cid, self.names.get(cid, cid), f) for cid, f in out]
        rows.sort(key=lambda t: (t[1].casefold(), t[0]))
        return tuple(rows)

    def json_rows(self, currency: str) -> list[dict]:
        """``{"customer": name, **figures.to_json_dict(currency)}`` of :meth:`rows`, in their order. A customer whose
        sums hold nothing converted at a rate is worked out from its integer minor units (the ratios of the same
        Decimal arithmetic, amounts printed in bulk); the others through :meth:`_figures`."""
        if self.ar is None:
            return []
        sales = self.sales
        present = self.ar.present | (sales.present if sales is not None else False)
        idx = np.flatnonzero(present).tolist()
        ids = [str(self.ar.keys[i]) for i in idx]
        names = [self.names.get(cid, cid) for cid in ids]
        order = sorted(range(len(idx)), key=lambda k: (names[k].casefold(), ids[k]))
        places = self.ar.places
        exact = sales is not None and places == precision(currency) and sales.places == places
        converted = set(self.ar.extra) | set(self.current.extra) | (set(sales.extra) if sales is not None else set())
        chosen = [idx[k] for k in order] if exact else []
        ar_texts = minor_texts(self.ar.exact[chosen], places) if chosen else []
        sales_texts = minor_texts(sales.exact[chosen], places) if chosen else []
        days = Decimal(self.days)
        out = []
        for n, k in enumerate(order):
            i = idx[k]
            if not exact or i in converted:
                out.append({"customer": names[k], **self._figures(i).to_json_dict(currency)})
                continue
            ar_u, cur_u = int(self.ar.exact[i]) if self.ar.present[i] else 0, \
                int(self.current.exact[i]) if self.current.present[i] else 0
            sales_u = int(sales.exact[i]) if sales.present[i] else 0
            reasons: dict[str, str] = {}
            if sales_u <= 0:
                d_ = bp = adl = None
                why = "no credit sales in the period" if sales_u == 0 else "credit sales in the period are negative"
                reasons = {"dso": why, "best_possible_dso": why, "average_days_delinquent": why}
            else:                     # ar / sales × days, as standard_dso works it (the places cancel out)
                d_ = Decimal(ar_u) / Decimal(sales_u) * days
                bp = Decimal(cur_u) / Decimal(sales_u) * days
                adl = d_ - bp
            out.append({"customer": names[k], "ar": ar_texts[n], "credit_sales": sales_texts[n], "dso": r1(d_),
                        "countback_dso": None, "best_possible_dso": r1(bp), "average_days_delinquent": r1(adl),
                        "cei": None, "reasons": reasons})
        return out

    def _figures(self, i: int) -> Figures:
        n_days = self.days
        c_ar, c_cur = self.ar.value(i), self.current.value(i)
        c_sales = self.sales.value(i) if self.sales is not None else None
        reasons: dict[str, str] = {}
        if c_sales is None:
            d_, bp = None, None
            reasons["dso"] = reasons["best_possible_dso"] = reasons["average_days_delinquent"] = self.sales_reason
        else:
            d_, r = standard_dso(c_ar, c_sales, n_days)
            bp, _ = standard_dso(c_cur, c_sales, n_days)
            if r:
                reasons["dso"] = reasons["best_possible_dso"] = reasons["average_days_delinquent"] = r
        return Figures(ar=c_ar, current_ar=c_cur, credit_sales=c_sales, days=n_days, dso=d_, best_possible_dso=bp,
                       average_days_delinquent=average_days_delinquent(d_, bp), reasons=reasons)


def _per_customer(b: _Books, start: date, end: date, n_days: int) -> CustomerDso:
    frames = b.frames
    if b.no_ar:
        return CustomerDso()
    try:
        at = open_at(frames, end)
    except InputError:
        return CustomerDso()
    items = at.items
    ids = codes_of(frames.items["customer_id"])[1]
    if b.totals is not None:
        return _per_customer_totals(b, items, ids, start, end, n_days)
    codes = codes_in(items["customer_id"], ids)
    ar_by = company_sums_by(items, frames, codes, ids)
    due = days(items["due"])
    current = (due == NO_DAY) | (due >= day_number(end))
    cur_by = company_sums_by(items[current], frames, codes[current], ids)
    if b.has_sales and b.history_start is not None and start >= b.history_start:
        iss = days(b.sales["issued"])
        inside = (iss >= day_number(start)) & (iss <= day_number(end))
        part = b.sales[inside]
        sales_codes = codes_in(part["customer_id"], ids)
        return CustomerDso(ar_by, cur_by, company_sums_by(part, frames, sales_codes, ids, "total_minor",
                                                          TOTAL_COMPANY), None, n_days, frames.names)
    _, sales_reason = b.sales_between(start, end)
    return CustomerDso(ar_by, cur_by, None, sales_reason, n_days, frames.names)



def _per_customer_totals(b: _Books, items: pd.DataFrame, ids: np.ndarray, start: date, end: date,
                         n_days: int) -> CustomerDso:
    """:func:`_per_customer` with credit sales from a sales report's totals: its customers join those with AR."""
    frames = b.frames
    value, _, why = b.totals.between(start, end)
    by_customer = b.totals.by_customer(start, end) if value is not None else {}
    ids = np.asarray(list(dict.fromkeys([*ids, *by_customer])), dtype=object)
    codes = codes_in(items["customer_id"], ids)
    ar_by = company_sums_by(items, frames, codes, ids)
    due = days(items["due"])
    current = (due == NO_DAY) | (due >= day_number(end))
    cur_by = company_sums_by(items[current], frames, codes[current], ids)
    if value is None:
        return CustomerDso(ar_by, cur_by, None, why, n_days, frames.names)
    cc = frames.company_currency
    part = pd.DataFrame({"customer_id": pd.Series(list(by_customer), dtype=object),
                         "currency": pd.Series([cc] * len(by_customer), dtype=object),
                         "amount_minor": np.array([to_minor(v, cc) for v in by_customer.values()], dtype=np.int64)})
    sales_by = company_sums_by(part, frames, codes_in(part["customer_id"], ids), ids, "amount_minor", None)
    return CustomerDso(ar_by, cur_by, sales_by, None, n_days, frames.names)
