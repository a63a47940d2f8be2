"""Report use cases: the engine's reports for one set of books at one as-of date.

Thin on purpose: the CLI, the buttons and the scheduler all call these, so they decide nothing the engine should.
"""
from __future__ import annotations

from datetime import date

from receivables.records import Books


def aging_report(books: Books, as_of: date, *, edges: tuple[int, ...] = (30, 60, 90), by: str = "due"):
    from receivables.aging import aging

    return aging(books, as_of, edges=edges, by=by)


def dso_report(books: Books, as_of: date, *, period_days: int | None = None, months: int = 12,
               cei_sales: str = "total"):
    from receivables.dso import dso

    return dso(books, as_of, period_days=period_days, months=months, cei_sales=cei_sales)


def customers_report(books: Books, as_of: date):
    from receivables.behaviour import customers_report as build

    return build(books, as_of)


def forecast_report(books: Books, as_of: date):
    from receivables.forecast import forecast

    return forecast(books, as_of)
