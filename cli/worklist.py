"""``ardesk worklist``: today's customers ranked, each with its next action and why (see :mod:`jobs.worklist`).

A table for people (the reason cut at a part's end to fit a line), JSON for programs (``{"as_of", "rows": [...]}``
with the summary beside them), CSV for spreadsheets (every field, the whole reason)."""
from __future__ import annotations

import click

from jobs.worklist import build_worklist

from . import output
from .common import as_of_option, format_option, pass_obj, progress, settings, source_argument, today

REASON_WIDTH = 72          # characters of the reason a table shows
_FIELDS = (("Rank", "rank"), ("Customer", "customer"), ("Score", "score"), ("Next action", "next_action"),
           ("Reason", "reason"), ("Overdue", "overdue"), ("Promise", "promise"), ("Last touch", "last_touch"),
           ("Phone", "phone"), ("E-mail", "email"), ("Collector", "collector"))


def short(reason: str, width: int = REASON_WIDTH) -> str:
    """``reason`` cut after its last part that fits ``width`` characters, with "…" for what was left out; a first
    part longer than the width is cut inside."""
    if len(reason) <= width:
        return reason
    kept = ""
    for part in reason.split("; "):
        longer = f"{kept}; {part}" if kept else part
        if len(longer) > width - 2:
            break
        kept = longer
    return f"{kept} …" if kept else reason[:width - 1] + "…"


def _head(d: dict) -> list[str]:
    s = d["summary"]
    who = f" for {d['collector']}" if d.get("collector") else ""
    return [f"Worklist as of {d['as_of']}{who}, {d['currency']}" + output.books_date(d),
            f"{_shown(d)}; promises due {s['promises_due_today']}, broken promises "
            f"{s['broken_promises']}, disputes open {s['disputes_open']}, to call {s['customers_to_call']}"]


def _shown(d: dict) -> str:
    shown, listed = len(d["rows"]), d.get("listed", len(d["rows"]))
    return f"{listed} customers" if shown == listed else f"the first {shown} of {listed} customers"


def _table_rows(d: dict):
    cols = (("Rank", "rank"), ("Customer", "customer"), ("Score", "score"), ("Next action", "next_action"),
            ("Reason", "reason"), ("Overdue", "overdue"))
    rows = [[short(r[f]) if f == "reason" else r[f] for _, f in cols] for r in d["rows"]]
    return [h for h, _ in cols], rows, _head(d)


def _csv_rows(d: dict):
    return [h for h, _ in _FIELDS], [[r[f] for _, f in _FIELDS] for r in d["rows"]], _head(d)


output.TABULATORS.update({"worklist": _table_rows, "worklist-csv": _csv_rows})


@click.command()
@source_argument
@as_of_option
@click.option("--collector", metavar="NAME", default=None,
              help="Only the customers NAME works (the source's salesperson or rep, else [worklist.collectors]).")
@click.option("--limit", type=click.IntRange(min=1), default=None, metavar="N", help="Only the first N rows.")
@format_option
@pass_obj
def worklist(obj, source, as_of, collector, limit, fmt):
    """Today's worklist: the customers who need something, ranked, each with its next action and why."""
    result = build_worklist(source, settings(obj), as_of=as_of, today=today(), collector=collector, limit=limit,
                            progress=progress(obj))
    output.write("worklist-csv" if fmt == "csv" else "worklist", result.to_json_dict(), fmt,
                 click.get_text_stream("stdout"))


COMMANDS = (worklist,)
