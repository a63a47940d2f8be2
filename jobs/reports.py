"""The report jobs: aging, DSO, customers and forecast of one source at one as-of date.

Each opens the books of a source, fills what the caller left out from the configuration, and returns the engine's
report (every report has ``to_json_dict()``) with the source's own notes; printing is the caller's business.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from receivables.errors import Issue

from .settings import Settings
from .sources import open_books

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ReportResult:
    kind: str                      # "aging", "dso", "customers", "forecast"
    report: object                 # the engine's report
    notes: tuple[Issue, ...]       # what the source cannot tell

    def to_json_dict(self) -> dict:
        """The report's JSON object; the source's own warnings (a file skipped, dates read one way of two) join the
        report's ``warnings``, each naming its file."""
        out = self.report.to_json_dict()
        said = [str(n) for n in self.notes if n.severity != "info"]
        if said:
            out["warnings"] = [*out.get("warnings", []), *said]
        return out


def aging(source: str | None, settings: Settings, *, today: date, as_of: date | None = None,
          edges: tuple[int, ...] | None = None, by: str | None = None,
          progress: Progress | None = None) -> ReportResult:
    from receivables.aging import aging as build

    cfg = settings.config
    books = _books(source, settings, today, progress)
    report = build(books, as_of or today, edges=edges or cfg.aging.edges, by=by or cfg.aging.by)
    return ReportResult("aging", report, books.notes)


def dso(source: str | None, settings: Settings, *, today: date, as_of: date | None = None,
        period_days: int | None = None, months: int | None = None, cei_sales: str | None = None,
        progress: Progress | None = None) -> ReportResult:
    from receivables.dso import dso as build

    cfg = settings.config
    books = _books(source, settings, today, progress)
    report = build(books, as_of or today, period_days=period_days or cfg.dso.period_days,
                   months=months or cfg.dso.months, cei_sales=cei_sales or cfg.dso.cei_sales)
    return ReportResult("dso", report, books.notes)


def customers(source: str | None, settings: Settings, *, today: date, as_of: date | None = None,
              progress: Progress | None = None) -> ReportResult:
    from receivables.behaviour import customers_report

    from .notes import ledger_notes

    books = _books(source, settings, today, progress)
    report = customers_report(books, as_of or today, notes=ledger_notes(settings),
                              grace_days=settings.config.notes.promise_grace_days)
    return ReportResult("customers", report, books.notes)


def forecast(source: str | None, settings: Settings, *, today: date, as_of: date | None = None,
             progress: Progress | None = None) -> ReportResult:
    from receivables.forecast import forecast as build

    books = _books(source, settings, today, progress)
    return ReportResult("forecast", build(books, as_of or today), books.notes)


def _books(source, settings: Settings, today: date, progress):
    return open_books(source, settings.config, today=today, ledger_path=settings.ledger, progress=progress).books
