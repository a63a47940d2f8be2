"""Expected receipts by week for the next 13 weeks, from each customer's own payment history.

Rule: an open invoice is expected on its due date plus the customer's weighted average days late over the last 12
months (receivables.behaviour), or, for a customer with fewer than :data:`MIN_PAID` invoices paid in that time, the
company's average (the report names those customers). An item without a due date is expected on its issue date
plus the average days to pay. An item whose expected date has already passed is expected in week 1. Week k covers
the days ``as_of + 7(k−1) + 1`` to ``as_of + 7k``; anything later sits in ``later``. Credit notes and unapplied
payments bring no cash: they are left out and their total is stated.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from .asof import open_at
from .behaviour import payment_history
from .errors import Issue, issues_of
from .frames import (
    NO_DAY,
    Frames,
    codes_of,
    company_total,
    company_totals_by,
    day_number,
    days,
    decimal_of,
    frames_of,
)
from .money import fmt, tenth
from .records import Books

WEEKS = 13
MIN_PAID = 3


@dataclass(frozen=True)
class ForecastReport:
    """Expected receipts: ``amounts[k]`` (company currency, unrounded) for weeks 1..13 at index 0..12 and
    ``later`` at index 13; ``items`` is the open-item frame with ``expected`` (date) and ``week`` (1..14) columns."""

    as_of: date
    source_date: date | None
    currency: str
    amounts: tuple[Decimal, ...]
    items: pd.DataFrame
    fallback_customers: tuple[str, ...]
    excluded_credits: Decimal
    company_days_late: Decimal | None
    warnings: tuple[Issue, ...]
    names: dict

    @property
    def open_ar(self) -> Decimal:
        """What the weeks, ``later`` and the credits set aside add up to: the open AR (company currency), less only
        amounts in a currency without a rate (the warnings name them)."""
        return sum(self.amounts, Decimal(0)) + self.excluded_credits

    def week_range(self, k: int) -> tuple[date, date | None]:
        start = self.as_of + timedelta(days=7 * (k - 1) + 1)
        return start, (None if k > WEEKS else start + timedelta(days=6))

    def rows(self) -> list[dict]:
        """One dict per week (and ``later``): week, start, end, amount, item count."""
        counts = self.items["week"].value_counts()
        out = []
        for k in range(1, WEEKS + 2):
            start, end = self.week_range(k)
            out.append({"week": k if k <= WEEKS else "later", "start": start, "end": end,
                        "amount": self.amounts[k - 1], "items": int(counts.get(k, 0))})
        return out

    def to_json_dict(self, with_items: bool = True) -> dict:
        cur = self.currency
        weeks = []
        by_week = dict(tuple(self.items.groupby("week"))) if with_items else {}
        for row in self.rows():
            k = row["week"] if row["week"] != "later" else WEEKS + 1
            entry = {"week": row["week"], "start": row["start"].isoformat(),
                     "end": row["end"].isoformat() if row["end"] else None, "amount": fmt(row["amount"], cur)}
            if with_items:
                part = by_week.get(k)
                entry["items"] = [] if part is None else [
                    {"number": r.number, "customer": self.names.get(r.customer_id, r.customer_id),
                     "currency": r.currency, "open": fmt(decimal_of(r.open_minor, r.currency), r.currency),
                     "expected": r.expected.date().isoformat()}
                    for r in part.sort_values(["expected", "number"]).itertuples()]
            weeks.append(entry)
        return {"as_of": self.as_of.isoformat(), "currency": cur,
                "source_date": self.source_date.isoformat() if self.source_date else None,
                "basis": "due date + the customer's weighted average days late over 12 months "
                         f"(company average for customers with fewer than {MIN_PAID} paid invoices); "
                         "past expected dates fall in week 1",
                "company_days_late": None if self.company_days_late is None
                else format(tenth(self.company_days_late), "f"),
                "weeks": weeks[:WEEKS], "later": weeks[WEEKS],
                "fallback_customers": [self.names.get(c, c) for c in self.fallback_customers],
                "excluded_credits": fmt(self.excluded_credits, cur),
                "credits_set_aside": fmt(self.excluded_credits, cur),
                "open_ar": fmt(self.open_ar, cur), "first_day": self.week_range(1)[0].isoformat(),
                "warnings": [w.message for w in self.warnings]}


def forecast(books: Books, as_of: date) -> ForecastReport:
    """Expected receipts of ``books``' open invoices at ``as_of``, by week."""
    return forecast_frames(frames_of(books), as_of)


def _days(value: Decimal | None) -> int:
    return 0 if value is None else int(value.to_integral_value(ROUND_HALF_UP))


def forecast_frames(frames: Frames, as_of: date) -> ForecastReport:
    """:func:`forecast` over pre-built frames."""
    at = open_at(frames, as_of)
    warnings = list(at.warnings)
    items = at.items
    positive = (items["kind"] == "invoice").to_numpy() & (items["open_minor"].to_numpy() > 0)
    credits, _ = company_total(items[~positive], frames)
    items = items[positive]
    hist = payment_history(frames, as_of)
    w_all = int(hist["w_12m"].sum()) if len(hist) else 0
    company_late = Decimal(int(hist["late_12m"].sum())) / w_all if w_all else None
    company_dtp = Decimal(int(hist["dtp_12m"].sum())) / w_all if w_all else None
    if company_late is None:
        warnings.append("no invoices paid in the last 12 months: items are expected on their due dates")
    own = hist[hist["n_12m"] >= MIN_PAID]
    late_by = {str(c): _days(Decimal(int(l_)) / Decimal(int(w))) for c, l_, w in
               zip(own.index, own["late_12m"].to_numpy(), own["w_12m"].to_numpy())}
    dtp_by = {str(c): _days(Decimal(int(t)) / Decimal(int(w))) for c, t, w in
              zip(own.index, own["dtp_12m"].to_numpy(), own["w_12m"].to_numpy())}
    codes, uniques = codes_of(items["customer_id"])
    present = np.zeros(len(uniques), dtype=bool)
    present[codes[codes >= 0]] = True
    fallback = tuple(sorted(str(u) for u, p in zip(uniques, present) if p and str(u) not in late_by))
    late = np.array([late_by.get(str(u), _days(company_late)) for u in uniques], dtype=np.int64)[codes]
    dtp = np.array([dtp_by.get(str(u), _days(company_dtp)) for u in uniques], dtype=np.int64)[codes]
    due, issued = days(items["due"]), days(items["issued"])
    expected = np.where(due == NO_DAY, issued + dtp, due + late)
    d = day_number(as_of)
    week = np.clip((expected - d + 6) // 7, 1, WEEKS + 1)
    out = items[["id", "number", "customer_id", "currency", "open_minor", "open_company_minor"]].copy()
    out["expected"] = np.maximum(expected, d + 1).astype("datetime64[D]").astype("datetime64[s]")
    out["week"] = week
    sums = company_totals_by(out, frames, "week")
    amounts = []
    for k in range(1, WEEKS + 2):
        value, missing = sums.get(str(k), (Decimal(0), ()))
        amounts.append(value)
        for m in missing:
            text = f"no rate to {frames.company_currency} for {m}: those items are left out of the amounts"
            if text not in warnings:
                warnings.append(text)
    if fallback:
        warnings.append(f"{len(fallback)} customers have fewer than {MIN_PAID} invoices paid in 12 months: "
                        "the company's average is used for them")
    return ForecastReport(as_of=as_of, source_date=frames.report_date, currency=frames.company_currency,
                          amounts=tuple(amounts), items=out, fallback_customers=fallback, excluded_credits=credits,
                          company_days_late=company_late, warnings=issues_of(warnings), names=frames.names)
