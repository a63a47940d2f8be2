"""What the control panel shows, computed by the engine: typed lines per sheet and the key figures.

:func:`panel` is one pure function of books and an as-of date. It builds the engine's frames once and shares them
between the aging, the DSO family and the customers' behaviour, and returns a :class:`Panel` whose lines are ready
to be written: every amount rounded once, here, to its currency's places, every day count and percentage to 0.1.
Where each line goes (which sheet, which column) is the workbook's business (``excel.layout``); the field names
of the lines are the columns' fields.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd

from .behaviour import CustomerLine, customer_line, customers_frames
from .errors import Issue, issues_of
from .money import quantize, tenth
from .records import Books, CollectionNote


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    """One open item at the as-of date (the Invoices sheet)."""

    customer: str
    number: str
    kind: str
    issued: date | None
    due: date | None
    days_past_due: int | None
    bucket: str
    currency: str
    total: Decimal
    open_amount: Decimal
    open_amount_company: Decimal | None
    flags: str
    source_ref: str
    dispute: str = ""            # "open since 2026-11-02" while a note's dispute on it is open


@dataclass(frozen=True, slots=True)
class AgingLine:
    """One customer's aged balance in one currency (the Aging sheet); ``buckets`` follow the panel's labels."""

    customer: str
    currency: str
    buckets: tuple[Decimal, ...]
    total: Decimal
    as_of: date
    source_date: date | None


@dataclass(frozen=True, slots=True)
class BucketFigure:
    """The company's open AR in one bucket (the hidden figures the aging chart reads)."""

    bucket: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class DsoLine:
    """The DSO family for one month (the DSO sheet)."""

    month: str
    ar: Decimal | None
    credit_sales: Decimal | None
    dso: Decimal | None
    countback_dso: Decimal | None
    best_possible_dso: Decimal | None
    average_days_delinquent: Decimal | None
    cei: Decimal | None


@dataclass(frozen=True)
class Panel:
    """Everything the panel shows for one set of books at one as-of date."""

    as_of: date
    source: str
    source_date: date | None
    currency: str
    bucket_labels: tuple[str, ...]
    invoices: tuple[InvoiceLine, ...]
    aging: tuple[AgingLine, ...]
    figures: tuple[BucketFigure, ...]
    dso: tuple[DsoLine, ...]
    customers: tuple[CustomerLine, ...]
    issues: tuple[Issue, ...]
    total_ar: Decimal
    overdue_ar: Decimal
    dso_value: Decimal | None
    cei_value: Decimal | None

    @property
    def status(self) -> str:
        """One sentence for the Status cell."""
        return (f"{len(self.invoices):,} open items as of {self.as_of.isoformat()}"
                + (f"; {len(self.issues)} on the Issues sheet." if self.issues else "."))


def panel(books: Books, as_of: date, *, edges: tuple[int, ...] = (30, 60, 90), by: str = "due",
          period_days: int | None = None, months: int = 12, cei_sales: str = "total",
          notes: Sequence[CollectionNote] = (), grace_days: int = 3, plans: Sequence = ()) -> Panel:
    """Everything the panel shows for ``books`` at the end of ``as_of``; with the collection ``notes``, their
    promises and disputes on the Invoices and Customers lines (:mod:`receivables.notes`); with payment ``plans``
    (:class:`receivables.plans.Plan`), each plan's state on its customer's line (the latest plan agreed)."""
    from .aging import aging_frame, buckets_from_edges
    from .asof import open_at
    from .dso import dso_frames
    from .frames import frames_of

    frames = frames_of(books)
    at = open_at(frames, as_of)
    report = aging_frame(at.items, as_of, frames, edges=edges, by=by, warnings=at.warnings)
    buckets = buckets_from_edges(edges)
    labels = tuple(b.label for b in buckets)
    company = report.currency

    aging_lines = [_aging_line(r, as_of, books.report_date) for r in report.rows]
    aging_lines += [_aging_line(r, as_of, books.report_date)
                    for r in report.currency_rows if r.currency != company]
    figures = tuple(BucketFigure(lb, quantize(amount, company)) for lb, amount in zip(labels, report.totals))

    d = dso_frames(frames, as_of, period_days=period_days, months=months, cei_sales=cei_sales, sales=books.sales)
    dso_lines = tuple(DsoLine(label, _money(f.ar, company), _money(f.credit_sales, company), tenth(f.dso),
                              tenth(f.countback_dso), tenth(f.best_possible_dso),
                              tenth(f.average_days_delinquent), tenth(f.cei)) for label, f in d.months)

    behaviour = customers_frames(frames, as_of, books.customer_map())
    customers = tuple(customer_line(r, company) for r in behaviour.rows)
    tracked: tuple[Issue, ...] = ()
    disputed: dict = {}
    if notes:
        from dataclasses import replace

        from .notes import track_frames

        tracking = track_frames(frames, notes, as_of, grace_days=grace_days)
        disputed = tracking.open_disputes_by_item()
        customers = tuple(replace(line, promise=tracking.promise_text(r.customer_id),
                                  dispute=tracking.dispute_text(r.customer_id))
                          for line, r in zip(customers, behaviour.rows))
        tracked = tuple(Issue("Notes", f"note {u.uid}: {u.reason}", severity="warning") for u in tracking.unresolved)
    if plans:
        from dataclasses import replace

        from .plans import plan_states_frames, plan_text

        by_customer = {s.customer_id: plan_text(s) for s in plan_states_frames(frames, plans, as_of).values()}
        customers = tuple(replace(line, plan=by_customer.get(r.customer_id, ""))
                          for line, r in zip(customers, behaviour.rows))
    invoices = _invoice_lines(books, frames.names, at.items, as_of, edges, by, disputed)

    warnings = issues_of((*report.warnings, *d.warnings), source=books.source)
    issues = (*warnings, *tracked, *issues_of(books.notes, source=books.source, severity="info"),
              *(Issue("DSO", f"{key}: {reason}", severity="info") for key, reason in d.figures.reasons.items()))
    overdue = sum((a for b, a in zip(buckets, report.totals) if b.min_days is not None), Decimal(0))
    return Panel(as_of=as_of, source=books.source, source_date=books.report_date, currency=company,
                 bucket_labels=labels, invoices=invoices,
                 aging=tuple(aging_lines), figures=figures, dso=dso_lines, customers=customers,
                 issues=tuple(issues), total_ar=quantize(report.total, company),
                 overdue_ar=quantize(overdue, company), dso_value=tenth(d.figures.dso), cei_value=tenth(d.figures.cei))


def _money(value: Decimal | None, currency: str) -> Decimal | None:
    return None if value is None else quantize(value, currency)


def _invoice_lines(books: Books, names: dict[str, str], items: pd.DataFrame, as_of: date,
                   edges: tuple[int, ...], by: str, disputed: dict | None = None) -> tuple[InvoiceLine, ...]:
    from .aging import age_days, bucket_index, buckets_from_edges
    from .frames import decimal_of

    buckets = buckets_from_edges(edges)
    labels = tuple(b.label for b in buckets)
    past_due = age_days(items, as_of, "due")
    bucket_of = bucket_index(age_days(items, as_of, by), buckets)
    by_id = {i.id: i for i in books.items}
    company = books.company_currency
    lines = []
    for k, (iid, cust, cur, open_minor, co_minor) in enumerate(zip(
            items["id"], items["customer_id"], items["currency"], items["open_minor"].to_numpy(np.int64),
            items["open_company_minor"])):
        it = by_id[iid]
        lines.append(InvoiceLine(
            customer=names.get(cust, cust), number=it.number,
            kind=it.kind.value.replace("_", " "), issued=it.issued, due=it.due,
            days_past_due=int(past_due[k]) if it.due else None, bucket=labels[int(bucket_of[k])], currency=cur,
            total=quantize(it.total, cur), open_amount=decimal_of(int(open_minor), cur),
            open_amount_company=None if pd.isna(co_minor) else decimal_of(int(co_minor), company),
            flags=", ".join(sorted(it.flags)), source_ref=it.source_ref,
            dispute=f"open since {disputed[iid].opened_on.isoformat()}" if disputed and iid in disputed else ""))
    lines.sort(key=lambda r: (r.customer.casefold(), r.due or r.issued, r.number))
    return tuple(lines)


def _aging_line(row, as_of: date, source_date: date | None) -> AgingLine:
    return AgingLine(row.customer, row.currency, tuple(quantize(a, row.currency) for a in row.amounts),
                     quantize(row.total, row.currency), as_of, source_date)


