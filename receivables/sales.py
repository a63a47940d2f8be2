"""Credit sales from a sales report's totals (:class:`~receivables.records.SalesTotal`): the DSO family's source
of sales for books that hold no invoice history (an A/R Aging Summary beside a Sales by Customer Summary).
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from .records import SalesTotal


def _iso(d: date) -> str:
    return d.isoformat()


def month_start(d: date) -> date:
    return d.replace(day=1)


def _credit(s: SalesTotal) -> Decimal:
    """The credit sales of a sales total: its amount less its cash sales, where the report tells them."""
    return s.amount if s.cash is None else s.amount - s.cash


class SalesTotals:
    """Credit sales from a sales report's totals (:class:`~receivables.records.SalesTotal`), for books without an
    invoice history.

    The records' spans (a report's whole period, or its months) say which dates the report covers. Credit sales
    over ``first..last`` are known when the covered dates include every day of it and no span runs across its
    edges: the sum of the spans within it, each less its cash sales where the report tells them (a Detail), else
    including them (a Summary: ``cash_included``).
    """

    def __init__(self, sales: tuple[SalesTotal, ...]):
        self.records = sales
        # Per span: its credit sales and whether they include cash sales (summed once; a Detail has many records).
        self.by_span: dict[tuple[date, date], list] = {}
        for s in sales:
            entry = self.by_span.setdefault((s.first, s.last), [Decimal(0), False])
            entry[0] += _credit(s)
            entry[1] = entry[1] or (s.cash is None and s.amount != 0)
        self.spans = sorted(self.by_span)
        covered: list[list[date]] = []
        for a, b in self.spans:
            if covered and a <= covered[-1][1] + timedelta(days=1):
                covered[-1][1] = max(covered[-1][1], b)
            else:
                covered.append([a, b])
        self.covered = [(a, b) for a, b in covered]
        self.start, self.end = self.covered[0][0], self.covered[-1][1]
        self.monthly = all(month_start(a) == month_start(b) for a, b in self.spans)

    def _check(self, first: date, last: date) -> str | None:
        """Why credit sales over ``first..last`` cannot be had from the totals; ``None`` when they can."""
        if not any(a <= first and last <= b for a, b in self.covered):
            if last > self.end and first <= self.end:
                return f"the sales report ends on {_iso(self.end)}: credit sales after it are not in the books"
            if first < self.start:
                return f"credit sales before {_iso(self.start)} are not in the books (the sales report starts then)"
            return (f"the sales report covers {', '.join(f'{_iso(a)}..{_iso(b)}' for a, b in self.covered)}: credit "
                    f"sales of {_iso(first)}..{_iso(last)} are not in the books")
        for a, b in self.spans:
            if a <= last and b >= first and (a < first or b > last):
                if self.monthly:
                    return (f"the sales report gives its sales for {_iso(a)}..{_iso(b)} whole, which cannot be cut "
                            f"to {_iso(first)}..{_iso(last)}")
                return (f"the sales report gives one total for {_iso(a)}..{_iso(b)}, not month by month (export the "
                        "Sales by Customer Summary with columns by month for a monthly trend)")
        return None

    def between(self, first: date, last: date) -> tuple[Decimal | None, bool, str | None]:
        """``(credit sales, whether they include cash sales, None)``, or ``(None, False, reason)``."""
        why = self._check(first, last)
        if why is not None:
            return None, False, why
        total, cash_included = Decimal(0), False
        for (a, b), (credit, cash) in self.by_span.items():
            if first <= a and b <= last:
                total += credit
                cash_included = cash_included or cash
        return total, cash_included, None

    def by_customer(self, first: date, last: date) -> dict[str, Decimal]:
        """Credit sales per customer over ``first..last`` (known: see :meth:`between`)."""
        out: dict[str, Decimal] = {}
        for s in self.records:
            if first <= s.first and s.last <= last:
                out[s.customer_id] = out.get(s.customer_id, Decimal(0)) + _credit(s)
        return out

    def own_period(self, as_of: date) -> tuple[date, date] | None:
        """The report's own period up to ``as_of``: from the start of the covered dates that begin by then to the
        end of the last span within them that ends by then; ``None`` when no span ends by ``as_of``."""
        for a, b in reversed(self.covered):
            if a > as_of:
                continue
            ends = [t for f, t in self.spans if a <= f and t <= min(b, as_of)]
            return (a, max(ends)) if ends else None
        return None
