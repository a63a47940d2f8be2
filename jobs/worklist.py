"""The collector's worklist: ``ardesk worklist`` (and the panel's Today sheet, and the scheduler's ``worklist`` job).

The books of a source, and from the ledger what people and earlier runs left there: the collection notes, every
reminder that went out (or bounced), the payment plans not ended and the customers handed over to the agency; the
weights, timing and collectors of ``[worklist]``, the policy of ``[reminders]``, the buckets of ``[aging]``. The
engine (:mod:`receivables.worklist`) ranks; printing is the caller's business.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from .settings import Settings
from .sources import open_books, open_ledger


def ledger_inputs(settings: Settings) -> dict:
    """Notes, reminders, plans and hand-overs from the ledger (none when there is no ledger yet)."""
    from receivables.worklist import Reminded

    if not settings.ledger.exists():
        return {}
    with open_ledger(settings.ledger, settings.config) as ledger:
        return {"notes": ledger.notebook.notes(),
                "reminders": [Reminded(**r) for r in ledger.reminders.outcomes()],
                "plans": ledger.plans.plans(), "handed_over": set(ledger.handovers())}


def build_worklist(source: str | None, settings: Settings, *, as_of: date | None = None, today: date,
                   collector: str | None = None, limit: int | None = None, everyone: bool = False, progress=None):
    """The worklist of ``source`` (default: ``[source] default``) at the end of ``as_of`` (default ``today``):
    a :class:`receivables.worklist.Worklist`, only ``collector``'s customers when one is named, the first ``limit``
    rows when given; ``everyone`` lists the customers who need nothing today too (with why). The source's own
    warnings join the worklist's."""
    opened = open_books(source, settings.config, today=today, ledger_path=settings.ledger, progress=progress)
    return worklist_of(opened.books, settings, as_of=as_of or today, collector=collector, limit=limit,
                       everyone=everyone)


def worklist_of(books, settings: Settings, *, as_of: date, collector: str | None = None, limit: int | None = None,
                everyone: bool = False, inputs: dict | None = None):
    """:func:`build_worklist` of books already opened (the refresh's, for the panel's Today sheet, with what it
    read from the ledger already: ``inputs``, as :func:`ledger_inputs` gives them)."""
    from receivables.errors import issues_of
    from receivables.worklist import Timing, Weights, worklist

    cfg = settings.config
    contacts = {}
    if cfg.reminder_contacts:                     # QuickBooks: the e-mail addresses and phones of a contact list
        from .remind import contacts_from

        contacts, _ = contacts_from(cfg.reminder_contacts, books)
    w = cfg.worklist
    kept = ledger_inputs(settings) if inputs is None else inputs
    result = worklist(books, as_of, **kept, weights=Weights(**w.weights.model_dump()),
                      timing=Timing(answer_days=w.answer_days, touch_days=w.touch_days, dispute_days=w.dispute_days,
                                    broken_days=w.broken_days),
                      levels=cfg.reminders.levels, edges=cfg.aging.edges, assignments=w.collectors,
                      contacts=contacts, grace_days=cfg.notes.promise_grace_days, collector=collector, limit=limit,
                      everyone=everyone)
    said = [n for n in books.notes if n.severity != "info"]
    return replace(result, warnings=issues_of([*result.warnings, *said])) if said else result


#: The columns of the day's CSV file (the scheduler's ``worklist`` job), as ``ardesk worklist --format csv`` has them.
CSV_FIELDS = ("rank", "customer", "score", "next_action", "reason", "overdue", "promise", "last_touch", "phone",
              "email", "collector")


def write_csv(result, folder: Path) -> Path:
    """The worklist ``result`` as ``worklist-DATE.csv`` in ``folder``, readable by its owner only (it holds people's
    phone numbers and e-mail addresses), written atomically; text a spreadsheet would take for a formula is quoted
    (:func:`excel.values.csv_safe`). Returns its path."""
    import csv
    import io

    from excel.values import csv_safe
    from receivables.private_files import write_private

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_FIELDS)
    for row in result.to_json_dict()["rows"]:
        writer.writerow([csv_safe("" if row[k] is None else str(row[k])) for k in CSV_FIELDS])
    return write_private(folder / f"worklist-{result.as_of.isoformat()}.csv", out.getvalue().encode("utf-8-sig"),
                         prefix=".worklist-")


__all__ = ["CSV_FIELDS", "build_worklist", "ledger_inputs", "worklist_of", "write_csv"]
