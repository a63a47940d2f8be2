"""What the engine's panel becomes on the workbook: the sheets' lines and the Control cells.

:func:`panel_data` places each part of :class:`receivables.panel.Panel` on its sheet or named cell (declared in
:mod:`excel.layout`); the Issues sheet gets one line per kind of problem (:func:`issue_lines`); sources show by
their file or folder name, the refresh time as a local date-time cell.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from excel.layout import AGING, CUSTOMERS, DSO, FIGURES, INVOICES, ISSUES, TODAY, PanelData

if TYPE_CHECKING:
    from receivables.panel import Panel

#: What "Books as of" says when the source gives no date: its open balances may be of any day.
UNKNOWN_DATE = "books' date unknown"


def panel_data(panel: Panel, refreshed_at: dt.datetime | str | None = None) -> PanelData:
    """Where each part of the engine's :class:`~receivables.panel.Panel` goes on the workbook.

    ``refreshed_at`` (a datetime, or its ISO text) becomes Last refresh: a local date and time, to the second.
    Books as of gives the as-of date, the date the books stand at (or that it is unknown: a source that prints no
    date) and the source's name.
    """
    books = f"books as of {panel.source_date.isoformat()}" if panel.source_date else UNKNOWN_DATE
    cells = {
        "LastRefresh": local_time(refreshed_at),
        "DataAsOf": f"{panel.as_of.isoformat()} ({books}, {source_name(panel.source)})",
        "TotalAR": panel.total_ar, "OverdueAR": panel.overdue_ar, "DsoValue": panel.dso_value,
        "CeiValue": panel.cei_value, "Status": panel.status,
    }
    return PanelData(rows={INVOICES: panel.invoices, AGING: panel.aging, FIGURES: panel.figures, DSO: panel.dso,
                           CUSTOMERS: panel.customers, ISSUES: issue_lines(panel.issues)},
                     bucket_labels=panel.bucket_labels, cells=cells)


#: How the Today sheet words each next action of the worklist (receivables.worklist.NEXT_ACTIONS).
ACTION_WORDS = {"call": "Call", "send_next_level": "Send next level", "check_dispute": "Check dispute",
                "follow_up_promise": "Follow up promise", "escalate": "Escalate", "nothing": "Nothing"}


def today_lines(worklist) -> list[dict]:
    """The Today sheet's rows of a :class:`receivables.worklist.Worklist`: the program's columns, each row dated
    the worklist's day (what a person types on the row is a note of that day); the person's columns blank."""
    from receivables.money import quantize

    day = worklist.as_of
    return [{"rank": r.rank, "customer": r.customer, "next_action": ACTION_WORDS.get(r.next_action, r.next_action),
             "reason": r.reason, "overdue": quantize(r.overdue, r.currency or None), "promise": r.promise or "",
             "last_touch": r.last_touch, "phone": r.phone, "email": r.email, "score": r.score,
             "collector": r.collector, "day": day, "customer_id": r.customer_id} for r in worklist.rows]


def today_cells(worklist) -> dict[str, int]:
    """The Control sheet's key figures of the day (:data:`excel.layout.WORK_CELLS`)."""
    s = worklist.summary
    return {"CustomersToCall": s.customers_to_call, "PromisesDueToday": s.promises_due_today,
            "BrokenPromises": s.broken_promises, "DisputesOpen": s.disputes_open}


def with_today(data: PanelData, worklist) -> PanelData:
    """``data`` with the day's worklist on the Today sheet and its key figures on Control."""
    data.rows[TODAY] = today_lines(worklist)
    data.cells.update(today_cells(worklist))
    return data


def local_time(value: dt.datetime | str | None) -> dt.datetime | None:
    """``value`` as a naive local date-time to the second (what a spreadsheet cell holds); an aware time is
    converted to this computer's zone; blank is None."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.strip())
    if value.tzinfo is not None:
        value = value.astimezone().replace(tzinfo=None)
    return value.replace(microsecond=0)


_KEY = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+:(?![\\/])")   # "odoo:...", not "C:\\..."


def source_name(source: str | None) -> str:
    """What the panel shows of a source: a file's or folder's name, not its path (a key such as ``odoo:db`` or a
    report's name stays as it is)."""
    source = (source or "").strip()
    if not source or _KEY.match(source):
        return source
    trimmed = source.rstrip("/\\")
    return re.split(r"[/\\]", trimmed)[-1] if trimmed else source


# --- The Issues sheet: one line per kind of problem ------------------------------------------------------------------

MESSAGE_MAX = 250      # characters a cell shows of a message (more is cut, with an ellipsis)
ROWS_SHOWN = 5         # rows named on an Issues line before "... (120 rows)"
_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
_FIGURES = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass(frozen=True, slots=True)
class IssueLine:
    """One line of the Issues sheet: the issues of one severity, source, column and message (alike but for their
    figures), how many there are and the first rows they concern."""

    severity: str
    source: str | None
    column: str | None
    rows: str | None      # "7, 12, 31, 40, 52, ... (120 rows)"; None for issues of no row
    count: int
    message: str


def issue_lines(issues: Iterable[object]) -> tuple[IssueLine, ...]:
    """The Issues sheet's lines for ``issues`` (:class:`~receivables.errors.Issue` values, or dicts of their
    fields): grouped by severity, source name, column and message with its figures set aside, errors first, then
    warnings, then information, each in the order first found. A group's message is its first issue's (marked
    when the others' figures differ), cut to :data:`MESSAGE_MAX` characters."""
    groups: dict[tuple, list] = {}
    for issue in issues:
        get = issue.get if isinstance(issue, dict) else (lambda f, i=issue: getattr(i, f, None))
        severity = str(get("severity") or "warning")
        message = str(get("message") or "")
        key = (severity, source_name(get("source")) or None, get("column") or None, _FIGURES.sub("#", message))
        groups.setdefault(key, []).append((get("row"), message))
    lines = []
    for (severity, source, column, _), found in groups.items():
        messages = [m for _, m in found]
        message = messages[0]
        if len(set(messages)) > 1:
            message = _cut(message, MESSAGE_MAX - 30) + f" (first of {len(found):,}; figures differ)"
        lines.append(IssueLine(severity, source, column, rows_text(r for r, _ in found) or None, len(found),
                               _cut(message, MESSAGE_MAX)))
    lines.sort(key=lambda line: _SEVERITY_ORDER.get(line.severity, 3))
    return tuple(lines)


def rows_text(rows: Iterable[int | None], shown: int = ROWS_SHOWN) -> str:
    """``"7, 12, 31"`` or ``"7, 12, 31, 40, 52, ... (120 rows)"`` for the distinct rows given (blank for none)."""
    distinct = sorted({int(r) for r in rows if r is not None})
    if len(distinct) <= shown:
        return ", ".join(map(str, distinct))
    return ", ".join(map(str, distinct[:shown])) + f", ... ({len(distinct):,} rows)"


def _cut(text: str, limit: int) -> str:
    """``text`` of at most ``limit`` characters: cut at a word where one is near, and ended with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[:limit - 1]
    space = head.rfind(" ")
    if space > limit * 0.8:
        head = head[:space]
    return head.rstrip(" ,;:") + "\u2026"


# --- The Reminders sheet: a stored reminder batch ---------------------------------------------------------------------

def _broken_words(notice) -> str:
    """What the Reminders sheet says of the payment plan a notice's customer broke (its notice says so too), or of
    the instalment a note before it announces."""
    b = getattr(notice, "plan_broken", None)
    a = getattr(notice, "instalment", None)
    if a:
        return (f"payment plan of {a['agreed_on']}: announces instalment {a['number']} of {a['of']}, "
                f"{a['amount']} {a['currency']} due {a['due']}")
    if not b:
        return ""
    return (f"payment plan of {b['agreed_on']} broken: instalment {b['number']} due {b['due']} missed by "
            f"{b['shortfall']} {b['currency']}")


def reminder_rows(batch_id: int, notices, exclusions) -> list[dict]:
    """The Reminders sheet's rows of a stored batch (:mod:`receivables.reminder_store`): its notices, then the
    customers it leaves out and why; Send says yes for a notice still to send."""
    rows = []
    for n in notices:
        numbers = [i["number"] for i in n.items if i.get("level")]
        rows.append({"customer": n.customer, "level": n.level, "channel": n.channel, "email": n.email,
                     "items": ", ".join(numbers) + (f" (+{len(n.items) - len(numbers)} listed)"
                                                    if len(n.items) > len(numbers) else ""),
                     "totals": "; ".join(f"{v} {k}" for k, v in n.totals.items()),
                     "charges": "; ".join(f"{c['number']}: interest {c['interest']}, fees {c['fixed']} {c['currency']}"
                                          for c in (n.charges or {}).values()),
                     "send": "yes" if n.send else "no", "status": n.state,
                     "reason": n.outcome or "; ".join(w for w in (n.fallback_reason, _broken_words(n)) if w),
                     "batch": batch_id, "customer_id": n.customer_id})
    for e in exclusions:
        rows.append({"customer": e["customer"], "status": "not reminded", "reason": e["reason"], "send": "no",
                     "totals": "; ".join(f"{v} {k}" for k, v in e["totals"].items()), "batch": batch_id,
                     "customer_id": e["customer_id"]})
    return rows
