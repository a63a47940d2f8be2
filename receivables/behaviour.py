"""How each customer pays: days late and days to pay, share current, trend, segment, credit-limit use, and an
explainable risk score.

Definitions (every output carries them in ``definitions``):
- Days late of a paid invoice = date paid in full − due date (negative when paid early); days to pay = date paid −
  issue date. Averages are weighted by the invoice's total in its own currency, over invoices paid in full in the
  last 3, 6 and 12 months (91, 182 and 365 days up to the as-of date). Weighted days to pay equals weighted terms
  plus weighted days late.
- Percent current = current (not yet due) AR ÷ open AR × 100, in the company currency, at the as-of date.
- Trend compares days late over 3 months with 12 months (at least 2 and 4 paid invoices): ``improving`` when
  3 months is at least 5 days better, ``worsening`` when at least 5 days worse, else ``steady``; ``unknown`` with
  too little history.
- Segment: ``new`` (first invoice within 90 days, or fewer than 3 invoices paid in 12 months), else ``prompt``
  (days late ≤ 5), ``slow`` (≤ 30) or ``chronic`` (> 30).
- Risk 0-100 = the sum of the factors in :data:`RISK_WEIGHTS`, each a share (0-1) of its weight; the factors that
  made the score are listed beside it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

import numpy as np
import pandas as pd

from .asof import open_at
from .errors import Issue, issues_of
from .frames import (
    NO_DAY,
    CompanySums,
    Frames,
    codes_in,
    codes_of,
    company_sums_by,
    day_number,
    days,
    frames_of,
    sum_by,
)
from .money import fmt, quantize, tenth
from .records import PAYMENT_DATES, Books, Customer

WINDOWS = {"3m": 91, "6m": 182, "12m": 365}
RISK_WEIGHTS = {"overdue share": 35, "days late": 25, "over 90 days": 20, "over credit limit": 10,
                "worsening": 10}
LATE_CAP = 60          # days late at which the "days late" factor is full
TREND_DAYS = 5
NEW_DAYS = 90


def _r(value: Decimal | None) -> str | None:
    return None if value is None else format(tenth(value), "f")


@dataclass(frozen=True)
class CustomerRow:
    """One customer's behaviour; amounts in the company currency (unrounded ``Decimal``), days and percents exact."""

    customer_id: str
    customer: str
    parent: str
    email: str
    open_ar: Decimal
    overdue: Decimal
    percent_current: Decimal | None
    credit_limit: Decimal | None
    limit_used: Decimal | None
    over_limit: bool | None
    days_late: dict[str, Decimal | None]
    days_to_pay: dict[str, Decimal | None]
    paid_count_12m: int
    trend: str
    segment: str
    risk_score: int
    risk_factors: tuple[tuple[str, int, int, str], ...]     # (factor, points, weight, what was seen)

    def factors_text(self) -> str:
        return "; ".join(f"{name} {seen}: +{pts}/{w}" for name, pts, w, seen in self.risk_factors)

    def to_row(self, currency: str) -> dict:
        """The Customers sheet's fields (excel.layout) as the panel writes them: :func:`customer_line`
        as a dict (amounts rounded to ``currency``, days and percentages to 0.1)."""
        from dataclasses import asdict

        return asdict(customer_line(self, currency))

    def to_json_dict(self, currency: str) -> dict:
        return {"customer": self.customer, "customer_id": self.customer_id, "parent": self.parent,
                "open_ar": fmt(self.open_ar, currency), "overdue": fmt(self.overdue, currency),
                "percent_current": _r(self.percent_current),
                "credit_limit": None if self.credit_limit is None else fmt(self.credit_limit, currency),
                "limit_used": _r(self.limit_used), "over_limit": self.over_limit,
                "days_late": {k: _r(v) for k, v in self.days_late.items()},
                "days_to_pay": {k: _r(v) for k, v in self.days_to_pay.items()},
                "paid_count_12m": self.paid_count_12m, "trend": self.trend, "segment": self.segment,
                "risk_score": self.risk_score,
                "risk_factors": [{"factor": n, "points": p, "weight": w, "seen": s}
                                 for n, p, w, s in self.risk_factors]}


@dataclass(frozen=True)
class CustomerTable:
    """Per-customer sums behind a customers report, as arrays indexed like ``ids`` (integers until asked for).

    ``chosen``: the indices reported; ``open``/``overdue``/``old``: company-currency sums of open AR, overdue AR
    and AR over 90 days past due; ``owed``/``owed_overdue``: the same of what the customer owes (open items above
    zero, credits left out), which "% current" is the share of; ``history[i, window, (w, late, dtp, n)]``:
    :func:`payment_history`'s sums with windows in ascending length; ``first_day``: the day of each customer's first
    invoice.
    """

    ids: np.ndarray
    chosen: np.ndarray
    open: CompanySums
    overdue: CompanySums
    old: CompanySums
    owed: CompanySums
    owed_overdue: CompanySums
    history: np.ndarray
    history_known: bool         # the source tells when items were paid: without it, behaviour cannot be judged
    first_day: np.ndarray
    day: int
    names: dict[str, str]
    customers: dict[str, Customer]
    credit_limits: dict[str, Decimal]

    def row(self, i: int) -> CustomerRow:
        """Customer ``i``'s row, computed in exact ``Decimal``."""
        cid = str(self.ids[i])
        customers = self.customers
        c = customers.get(cid)
        open_ar, overdue, old = self.open.value(i), self.overdue.value(i), self.old.value(i)
        h = self.history[i]
        late = {k: _ratio(h[j, 1], h[j, 0]) for k, j in _WINDOW_INDEX.items()}
        dtp = {k: _ratio(h[j, 2], h[j, 0]) for k, j in _WINDOW_INDEX.items()}
        n3, n12 = int(h[_WINDOW_INDEX["3m"], 3]), int(h[_WINDOW_INDEX["12m"], 3])
        # "% current": the share of what the customer owes that is not yet due. Credits are left out of both sides,
        # so a credit larger than the overdue amount cannot make it negative or above 100; nothing owed: none.
        owed, owed_overdue = self.owed.value(i), self.owed_overdue.value(i)
        pct_current = (owed - owed_overdue) / owed * 100 if owed > 0 else None
        limit = c.credit_limit if c and c.credit_limit is not None else self.credit_limits.get(cid)
        used = open_ar / limit * 100 if limit else None
        over = None if limit is None else open_ar > limit
        trend = _trend(late["3m"], late["12m"], n3, n12)
        segment = _segment(late["12m"], n12, int(self.first_day[i]), self.day) if self.history_known else "unknown"
        score, factors = _risk(open_ar, overdue, old, late["12m"], over, trend, used, self.history_known)
        return CustomerRow(
            customer_id=cid, customer=(c.name if c else self.names.get(cid, cid)),
            parent=(customers[c.parent_id].name if c and c.parent_id in customers else (c.parent_id or "") if c
                    else ""),
            email=c.email if c else "", open_ar=open_ar, overdue=overdue, percent_current=pct_current,
            credit_limit=limit, limit_used=used, over_limit=over, days_late=late, days_to_pay=dtp,
            paid_count_12m=n12, trend=trend, segment=segment, risk_score=score, risk_factors=factors)


@dataclass(frozen=True)
class CustomersReport:
    """Customer behaviour at ``as_of``; ``rows`` become ``Decimal`` records on first use."""

    as_of: date
    source_date: date | None
    currency: str
    table: CustomerTable
    warnings: tuple[Issue, ...]
    tracking: object | None = None         # receivables.notes.Tracking of the collection notes, when given

    @cached_property
    def rows(self) -> tuple[CustomerRow, ...]:
        rows = [self.table.row(int(i)) for i in self.table.chosen]
        rows.sort(key=lambda r: (r.customer.casefold(), r.customer_id))
        return tuple(rows)

    def panel_rows(self) -> list[dict]:
        """Rows for the Customers sheet (fields of ``excel.layout``)."""
        return [r.to_row(self.currency) for r in self.rows]

    def to_json_dict(self) -> dict:
        return {"as_of": self.as_of.isoformat(), "currency": self.currency,
                "source_date": self.source_date.isoformat() if self.source_date else None,
                "definitions": {"weights": "invoice total in its own currency",
                                "percent_current": "the share of what is owed (open items above zero) that is not "
                                                   "yet due; credits are left out of both sides",
                                "windows_days": dict(WINDOWS), "risk_weights": dict(RISK_WEIGHTS)},
                "customers": [self._with_notes(r.to_json_dict(self.currency), r.customer_id) for r in self.rows],
                **({"notes": self.tracking.to_json_dict()} if self.tracking is not None else {}),
                "warnings": [w.message for w in self.warnings]}

    def _with_notes(self, row: dict, customer_id: str) -> dict:
        """A customer's JSON with its open (else latest) promise and its open disputes, from the notes."""
        t = self.tracking
        if t is None:
            return row
        mine = [p for p in t.promises if p.customer_id == customer_id and p.state != "superseded"]
        promise = t.open_promises_by_customer().get(customer_id) or (mine[-1] if mine else None)
        row["promise"] = promise.to_json_dict() if promise else None
        row["disputes"] = [d.to_json_dict() for d in t.disputes if d.customer_id == customer_id and d.state == "open"]
        return row


def customers_report(books: Books, as_of: date, *, notes=(), grace_days: int = 3) -> CustomersReport:
    """Payment behaviour and risk of every customer with open AR or a payment in the last 12 months; with the
    collection ``notes``, each customer's promise to pay and open disputes (:mod:`receivables.notes`)."""
    frames = frames_of(books)
    report = customers_frames(frames, as_of, books.customer_map())
    if notes:
        from dataclasses import replace

        from .notes import track_frames

        report = replace(report, tracking=track_frames(frames, notes, as_of, grace_days=grace_days))
    return report


_HISTORY_CACHE: dict = {}
_LIMITS = np.array(sorted(WINDOWS.values()), dtype=np.int64)
_WINDOW_INDEX = {win: int(np.searchsorted(_LIMITS, n)) for win, n in WINDOWS.items()}


def _history(frames: Frames, as_of: date) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Customer ids (the distinct values of the items' column), whether each paid an invoice in the widest
    window, the sums ``[customer, window, (w, late, dtp, n)]`` and each customer's first issue day. The last
    answer is kept, so the customers report and the forecast of one refresh share it."""
    items = frames.items
    cached = _HISTORY_CACHE.get("last")
    if cached is not None and cached[0] is items and cached[1] == as_of:
        return cached[2]
    d = day_number(as_of)
    paid = days(items["paid_on"])
    ok = (paid != NO_DAY) & (paid <= d) & (d - paid < max(WINDOWS.values()))
    ok &= (items["kind"] == "invoice").to_numpy()
    idx = np.flatnonzero(ok)
    paid = paid[idx]
    due = days(items["due"].iloc[idx])
    has_due = due != NO_DAY
    idx, paid, due = idx[has_due], paid[has_due], due[has_due]
    w = np.abs(items["total_minor"].to_numpy(np.int64)[idx])
    issued_all = days(items["issued"])
    issued = issued_all[idx]
    window = np.searchsorted(_LIMITS, d - paid, side="right")     # 0: newest window ... len-1: the widest
    all_codes, uniques = codes_of(items["customer_id"])
    codes = all_codes[idx]
    nw = len(_LIMITS)
    sums = sum_by(codes * nw + window, len(uniques) * nw, w, w * (paid - due), w * (paid - issued),
                  np.ones(len(idx), dtype=np.int64)).reshape(len(uniques), nw, 4).cumsum(axis=1)
    seen = np.zeros(len(uniques), dtype=bool)
    seen[codes[codes >= 0]] = True
    first_day = np.full(len(uniques), np.iinfo(np.int64).max)
    known = all_codes >= 0
    np.minimum.at(first_day, all_codes[known], issued_all[known])
    out = (np.array([str(u) for u in uniques], dtype=object), seen, sums, first_day)
    _HISTORY_CACHE["last"] = (items, as_of, out)
    return out


def payment_history(frames: Frames, as_of: date) -> pd.DataFrame:
    """Per customer and window: weight and weighted sums of days late and days to pay (int64), paid count.

    Columns ``w_<win>``, ``late_<win>``, ``dtp_<win>``, ``n_<win>`` for each window of :data:`WINDOWS`, indexed by
    customer id. Only invoices paid in full on or before ``as_of`` with a due date count.
    """
    ids, seen, sums, _ = _history(frames, as_of)
    cols, data = [], []
    for win, j in _WINDOW_INDEX.items():
        for name, c in (("w", 0), ("late", 1), ("dtp", 2), ("n", 3)):
            cols.append(f"{name}_{win}")
            data.append(sums[seen, j, c])
    return pd.DataFrame(dict(zip(cols, data)), index=pd.Index(ids[seen], dtype=object))


def _ratio(num, den) -> Decimal | None:
    return None if den == 0 else Decimal(int(num)) / Decimal(int(den))


def customers_frames(frames: Frames, as_of: date, customers: dict[str, Customer] | None = None
                     ) -> CustomersReport:
    """:func:`customers_report` over pre-built frames (``customers`` adds parent, email and credit limits)."""
    at = open_at(frames, as_of)
    items = at.items
    d = day_number(as_of)
    ids, _, sums, first_day = _history(frames, as_of)
    codes = codes_in(items["customer_id"], ids)
    due = days(items["due"])
    has_due = due != NO_DAY
    overdue, old = has_due & (due < d), has_due & (d - due > 90)
    open_s = company_sums_by(items, frames, codes, ids)
    overdue_s = company_sums_by(items[overdue], frames, codes[overdue], ids)
    old_s = company_sums_by(items[old], frames, codes[old], ids)
    owes = (items["open_minor"].to_numpy(np.int64) > 0)
    owed_s = company_sums_by(items[owes], frames, codes[owes], ids)
    owed_overdue_s = company_sums_by(items[owes & overdue], frames, codes[owes & overdue], ids)
    chosen = np.flatnonzero(open_s.present | (sums[:, _WINDOW_INDEX["12m"], 3] > 0))
    warnings = list(at.warnings)
    for i in sorted(open_s.missing):
        cid = str(ids[i])
        warnings.append(f"{frames.names.get(cid, cid)}: no rate for {', '.join(open_s.missing[i])}; "
                        "left out of open AR")
    table = CustomerTable(ids=ids, chosen=chosen, open=open_s, overdue=overdue_s, old=old_s, owed=owed_s,
                          owed_overdue=owed_overdue_s, history=sums, history_known=PAYMENT_DATES in frames.knows,
                          first_day=first_day, day=d, names=frames.names, customers=customers or {},
                          credit_limits=frames.credit_limits)
    return CustomersReport(as_of=as_of, source_date=frames.report_date, currency=frames.company_currency,
                           table=table, warnings=issues_of(warnings))


def _trend(late3: Decimal | None, late12: Decimal | None, n3: int, n12: int) -> str:
    if late3 is None or late12 is None or n3 < 2 or n12 < 4:
        return "unknown"
    if late3 <= late12 - TREND_DAYS:
        return "improving"
    if late3 >= late12 + TREND_DAYS:
        return "worsening"
    return "steady"


def _segment(late12: Decimal | None, n12: int, first_day, d: int) -> str:
    if first_day is None or d - int(first_day) < NEW_DAYS or n12 < 3 or late12 is None:
        return "new"
    if late12 <= 5:
        return "prompt"
    return "slow" if late12 <= 30 else "chronic"


def _risk(open_ar: Decimal, overdue: Decimal, old: Decimal, late12: Decimal | None, over: bool | None,
          trend: str, used: Decimal | None, history_known: bool = True
          ) -> tuple[int, tuple[tuple[str, int, int, str], ...]]:
    """The risk score from what is known, and its factors in words; a source without payment history scores the
    balance alone and says that its days late are unknown."""
    zero, one = Decimal(0), Decimal(1)
    shares: list[tuple[str, Decimal, Decimal | None, str]] = []     # (factor, share 0-1, value seen, its unit)
    if open_ar > 0:
        shares.append(("overdue share", min(max(overdue / open_ar, zero), one), overdue / open_ar * 100, "% of AR"))
        shares.append(("over 90 days", min(max(old / open_ar, zero), one), old / open_ar * 100, "% of AR"))
    if late12 is not None:
        shares.append(("days late", min(max(late12 / LATE_CAP, zero), one), late12, " days (12m)"))
    if over:
        shares.append(("over credit limit", one, used, "% of limit"))
    if trend == "worsening":
        shares.append(("worsening", one, None, "3m slower than 12m"))
    exact = sum((s * RISK_WEIGHTS[name] for name, s, _, _ in shares), zero)
    def seen(name: str, value: Decimal | None, unit: str) -> str:
        if value is None:
            return unit
        return f"{_r(value) if name == 'days late' else format(value.quantize(one, ROUND_HALF_UP), 'f')}{unit}"

    factors = tuple((name, int((s * RISK_WEIGHTS[name]).to_integral_value(ROUND_HALF_UP)), RISK_WEIGHTS[name],
                     seen(name, value, unit)) for name, s, value, unit in shares if s > 0)
    if not history_known:
        factors += (("days late", 0, RISK_WEIGHTS["days late"], "unknown: the source has no payment history"),)
    return int(exact.to_integral_value(ROUND_HALF_UP)), factors


@dataclass(frozen=True, slots=True)
class CustomerLine:
    """One customer's behaviour and risk (the Customers sheet); amounts in the company currency."""

    customer: str
    parent: str
    email: str
    open_ar: Decimal
    overdue: Decimal
    percent_current: Decimal | None
    credit_limit: Decimal | None
    limit_used: Decimal | None
    over_limit: str | None
    days_late_3m: Decimal | None
    days_late_6m: Decimal | None
    days_late_12m: Decimal | None
    days_to_pay_12m: Decimal | None
    trend: str
    segment: str
    risk_score: int
    risk_factors: str
    promise: str = ""            # its open (else latest) promise to pay, from the notes
    dispute: str = ""            # its open disputes, from the notes
    plan: str = ""               # its payment plan's state (receivables.plans.plan_text)


def customer_line(r, currency: str) -> CustomerLine:
    """One customer's behaviour (:class:`CustomerRow`) as the Customers sheet shows it."""
    return CustomerLine(
        customer=r.customer, parent=r.parent, email=r.email, open_ar=quantize(r.open_ar, currency),
        overdue=quantize(r.overdue, currency), percent_current=tenth(r.percent_current),
        credit_limit=None if r.credit_limit is None else quantize(r.credit_limit, currency),
        limit_used=tenth(r.limit_used),
        over_limit=None if r.over_limit is None else ("yes" if r.over_limit else "no"),
        days_late_3m=tenth(r.days_late["3m"]), days_late_6m=tenth(r.days_late["6m"]),
        days_late_12m=tenth(r.days_late["12m"]), days_to_pay_12m=tenth(r.days_to_pay["12m"]),
        trend=r.trend, segment=r.segment, risk_score=r.risk_score, risk_factors=r.factors_text())
