"""The panel's button entry points, called from Excel by xlwings ``RunPython`` (one VBA macro per button).

Each is thin: read the inputs from Control's named cells, call the job in ``jobs.refresh``, write the results
through :mod:`excel.live`, and put one plain sentence in the Status cell: what happened, or what went wrong and
what to do. No traceback ever reaches the sheet; unexpected errors are logged to ``ardesk.log`` beside the
workbook. Imports are lazy so that Excel's click starts Python fast (this module must not import pandas).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from excel import layout
from receivables.errors import ArdeskError

LOG_NAME = "ardesk.log"

#: What each button writes: (program sheets, output named cells); None means all of them.
_WRITES: dict[str, tuple[tuple[str, ...] | None, tuple[str, ...] | None]] = {
    "refresh": (None, None),
    "aging": ((layout.INVOICES, layout.AGING, layout.FIGURES, layout.ISSUES),
              ("LastRefresh", "DataAsOf", "TotalAR", "OverdueAR")),
    "dso": ((layout.DSO, layout.ISSUES), ("LastRefresh", "DataAsOf", "DsoValue", "CeiValue")),
}


def refresh() -> None:
    """Button Refresh: pull the source (or the stored snapshot), recompute everything, rewrite the program sheets."""
    run_button(_caller(), "refresh")


def run_aging() -> None:
    """Button Run aging: recompute the aging with the current inputs and rewrite Invoices, Aging and the chart."""
    run_button(_caller(), "aging")


def run_dso() -> None:
    """Button DSO: recompute the DSO family and rewrite the DSO sheet and its key figures."""
    run_button(_caller(), "dso")


def push_notes() -> None:
    """Button Write back notes: keep the Notes sheet's notes, write those not yet written to the ERP, and show on
    each row its Note id and what happened (the Synced column)."""
    run_notes_push(_caller())


def build_reminders() -> None:
    """Button Build reminders: build today's reminder batch and show it on the Reminders sheet for review."""
    run_reminders(_caller(), "build")


def send_reminders() -> None:
    """Button Send reminders: send what the Reminders sheet marks Send = yes, each notice once; show each one's
    status."""
    run_reminders(_caller(), "send")


def run_reminders(book, action: str) -> str:
    """Build or send reminders for the xlwings ``book``; return the Status sentence set."""
    try:
        from excel.layout import REMINDERS, PanelData
        from excel.live import read_live_reminder_choices, write_live
        from jobs import remind
        from jobs.settings import settings_for

        path = _workbook_path(book)
        settings = settings_for(near=path)
        inputs = read_inputs(book)
        today = dt.date.today()
        if action == "build":
            from jobs.inputs import settings_of

            built = remind.build(settings_of(inputs)["source"] or None, settings, today=today,
                                 as_of=inputs.get("AsOfDate") or today)
            bid = built.batch_id
            message = (f"Reminder batch {bid}: {len(built.batch.notices):,} notice(s) to review on the Reminders "
                       f"sheet, {len(built.batch.excluded):,} customer(s) not reminded (the sheet says why). Untick "
                       f"Send where a notice should wait, then press Send reminders.")
        else:
            remind.take_choices(settings, read_live_reminder_choices(book, Path(path).name if path else "the workbook"))
            sent = remind.send(settings, None, today=today)
            bid = sent.batch_id
            counts = sent.counts()
            message = (f"Reminder batch {bid}: " + (", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
                                                   or "nothing left to send") + ".")
            if counts.get("unknown"):
                message += " An unknown outcome may have been delivered: check before sending it again."
        write_live(book, PanelData(rows={REMINDERS: remind.sheet_rows(settings, bid)}), sheets=[REMINDERS], cells=[])
    except ArdeskError as exc:
        message = f"Could not {'build' if action == 'build' else 'send'} reminders: {exc}"
    except Exception as exc:  # noqa: BLE001 - the one place any failure becomes words for the user
        log = _log_failure(book, f"reminders {action}")
        message = (f"Unexpected error: {type(exc).__name__}: {exc}. Nothing is lost; the details are in {log} "
                   f"(send that file to whoever looks after ardesk).")
    _set_status(book, message)
    return message


def _keep_notes(book) -> None:
    """Keep what people typed on the Notes sheet and on Today first, so the numbers and the day's list show its
    promises and disputes; a note typed on Today gets its row on Notes (with its id), as on a headless refresh, and
    the rows of notes erased on request or pruned are blanked (:mod:`jobs.privacy`)."""
    from excel.live import notes_eraser, notes_writer, read_live_notes, read_live_today
    from jobs.notes import keep_live_rows
    from jobs.settings import settings_for

    path = _workbook_path(book)
    name = Path(path).name if path else "the workbook"
    rows, today = read_live_notes(book, name), read_live_today(book, name)
    if rows or today:
        keep_live_rows(settings_for(near=path), rows, today, origin=str(Path(path).resolve()) if path else
                       "workbook", live_sheet=notes_writer(book), live_erase=notes_eraser(book))


def run_notes_push(book) -> str:
    """Write back the notes of the xlwings ``book``; return the Status sentence set."""
    try:
        from excel.live import notes_writer, read_live_notes, read_live_today
        from jobs.notes import push
        from jobs.settings import settings_for

        path = _workbook_path(book)
        name = Path(path).name if path else "the workbook"
        rows, today = read_live_notes(book, name), read_live_today(book, name)
        report = push(settings_for(near=path), path, rows=rows, today_rows=today, live_sheet=notes_writer(book))
        message = report.message
    except ArdeskError as exc:
        message = f"Could not write back the notes: {exc}"
    except Exception as exc:  # noqa: BLE001 - the one place any failure becomes words for the user
        log = _log_failure(book, "notes push")
        message = (f"Unexpected error: {type(exc).__name__}: {exc}. Nothing is lost; the details are in {log} "
                   f"(send that file to whoever looks after ardesk).")
    _set_status(book, message)
    return message


def _caller():
    import xlwings as xw

    return xw.Book.caller()


def run_button(book, action: str) -> str:
    """Run ``action`` ("refresh", "aging", "dso") against the xlwings ``book``; return the Status sentence set."""
    try:
        inputs = read_inputs(book)
        from jobs.refresh import compute_panel

        _keep_notes(book)
        data = compute_panel(_workbook_path(book), inputs)
        from excel.live import write_live

        sheets, cells = _WRITES[action]
        write_live(book, data, sheets=sheets, cells=cells)
        message = _done(action, data, inputs)
    except ArdeskError as exc:
        message = f"Could not {_VERBS[action]}: {exc}"
    except Exception as exc:  # noqa: BLE001 - the one place any failure becomes words for the user
        log = _log_failure(book, action)
        message = (f"Unexpected error: {type(exc).__name__}: {exc}. Nothing is lost; the details are in {log} "
                   f"(send that file to whoever looks after ardesk).")
    _set_status(book, message)
    return message


_VERBS = {"refresh": "refresh", "aging": "run the aging", "dso": "compute DSO"}


def read_inputs(book) -> dict:
    """The Control inputs as ``compute_panel`` takes them, checked; a bad input raises InputError naming its cell."""
    from jobs.inputs import typed_inputs

    return typed_inputs({c.name: book.names[c.name].refers_to_range.value for c in layout.NAMED_CELLS if c.is_input})


def _workbook_path(book) -> str | None:
    """The workbook's full path when Excel knows it (None for an unsaved or remote book)."""
    name = getattr(book, "fullname", None)
    return name if name and Path(name).is_absolute() else None


def _done(action: str, data, inputs: dict) -> str:
    """The Status sentence after ``action``: what was done, as of when, and where to look next."""
    as_of = (inputs.get("AsOfDate") or dt.date.today()).isoformat()
    n = len(data.rows.get(layout.INVOICES, []))
    issues = len(data.rows.get(layout.ISSUES, []))
    tail = f" {issues:,} issue(s): see the Issues sheet." if issues else ""
    if action == "aging":
        head = (f"Aged {n:,} open items as of {as_of} by {inputs.get('AgeBy', 'due')} date into "
                f"{len(data.bucket_labels)} buckets.")
    elif action == "dso":
        dso = data.cells.get("DsoValue")
        head = f"DSO as of {as_of}: {dso} days." if dso is not None else f"DSO computed as of {as_of}."
    else:
        head = f"Refreshed {n:,} invoices as of {as_of}."
    from jobs.refresh import LOADED

    loaded = str(data.cells.get("Status") or "").startswith(LOADED)
    return (LOADED if loaded else "") + head + tail


def _set_status(book, message: str) -> None:
    from excel.live import set_cell

    set_cell(book, "Status", message)


def _log_failure(book, action: str) -> Path:
    """Append where the current exception happened to ardesk.log beside the workbook (created readable by its owner
    only); return the log's path. The exception's message is left out by construction: it may quote what it was
    working on (a customer's name, an address), and the Status cell has shown it already; the log keeps its type
    and the code lines it passed through."""
    import sys
    import traceback

    from receivables.private_files import open_private_append

    path = _workbook_path(book)
    folder = Path(path).parent if path else Path.cwd()
    log = folder / LOG_NAME
    stamp = dt.datetime.now().isoformat(timespec="seconds")
    kind, _exc, tb = sys.exc_info()
    name = kind.__name__ if kind else "error"
    try:
        with open_private_append(log) as out:
            out.write(f"{stamp} button {action} failed: {name} (its message is in the Status cell, not here)\n"
                      f"Traceback (most recent call last):\n{''.join(traceback.format_tb(tb))}{name}\n\n")
    except OSError:
        return Path(LOG_NAME)
    return log
