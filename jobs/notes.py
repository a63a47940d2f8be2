"""Collection notes: kept from the workbook, added from the command line, listed, exported, written back to the ERP.

One use case per verb, called alike by ``ardesk notes ...``, the panel's **Write back notes** button and the
scheduler's ``notes_push`` job. Notes live in the ledger (:mod:`receivables.note_store`); the workbook's Notes
sheet gets only each row's Note id and Synced text (:func:`excel.package.write_notes`), and rows for notes added
elsewhere, at the next refresh or push.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from receivables.errors import InputError, WorkbookBusy
from receivables.note_store import CONTENT, Kept, NoteStore
from receivables.records import DISPUTE_STATES, OUTCOMES

from .settings import Settings
from .sources import open_ledger

QUICKBOOKS_NO_PUSH = ("no ERP to write notes to: [odoo] names no database, and QuickBooks keeps no collection notes "
                      "ardesk can write to. The notes are kept in the ledger and on the Notes sheet; `ardesk notes "
                      "export` writes them for import elsewhere")


def erp_target(settings: Settings) -> str | None:
    """The ERP database notes are written to (an Odoo database named in ``[odoo]``), or None (QuickBooks)."""
    odoo = settings.config.odoo
    if not (odoo.url and odoo.db):
        return None
    from connectors.odoo.notes import target_of

    return target_of(odoo.url, odoo.db)


def ledger_notes(settings: Settings) -> list:
    """The collection notes in the ledger, as the engine's records (none when there is no ledger yet)."""
    if not settings.ledger.exists():
        return []
    with open_ledger(settings.ledger, settings.config) as ledger:
        return ledger.notebook.notes()


def keep_live_rows(settings: Settings, rows: list[dict], today: list[dict], origin: str,
                   live_sheet: Callable[[dict, list[dict]], None],
                   live_erase: Callable[[dict], None] | None = None) -> Kept:
    """Keep the Notes and Today rows of a workbook open in Excel (the Refresh button), and write the Notes sheet's
    program cells through ``live_sheet``: each row's id, and a row for each note typed on Today; the cells of notes
    erased on request or pruned are blanked through ``live_erase`` (:func:`jobs.privacy.note_erasure_cells`)."""
    with open_ledger(settings.ledger, settings.config) as ledger:
        nb = ledger.notebook
        kept = with_today(nb.keep(rows, origin=origin), keep_today(ledger, today))
        cells, appended = sheet_updates(nb, rows, kept, erp_target(settings))
        if cells or appended:
            live_sheet(cells, appended)
            nb.shown_on([n["uid"] for n in appended], origin)
        if live_erase is not None:
            from .privacy import note_erasure_cells

            erased = note_erasure_cells(ledger, rows)
            if erased:
                live_erase(erased)
    return kept


# -- from the workbook -----------------------------------------------------------------------------------------------
def keep_workbook_notes(ledger, workbook: Path) -> tuple[Kept, list[dict]]:
    """Keep the Notes sheet's rows, then what was typed on the Today sheet, in the ledger; returns what was kept
    from Notes (new notes from Today included in its count) and the Notes rows read."""
    from excel import package

    rows = package.read_notes(workbook)
    today = package.read_today(workbook)
    kept = ledger.notebook.keep(rows, origin=str(workbook.resolve()))
    return with_today(kept, keep_today(ledger, today)), rows


def keep_today(ledger, rows: list[dict]) -> int:
    """Keep the notes typed on the Today sheet (:func:`excel.package.read.read_today`), each once: a row read
    again (the sheet not yet rewritten, or its note since edited on Notes) adds nothing. Returns how many are new;
    they go onto the Notes sheet with the next write of its cells (:func:`sheet_updates`)."""
    if not rows:
        return 0
    return ledger.notebook.keep(rows, origin=TODAY_ORIGIN, only_new=True).new


def with_today(kept: Kept, new_from_today: int) -> Kept:
    return Kept(kept.new + new_from_today, kept.edited, kept.ids) if new_from_today else kept


def sheet_updates(notebook: NoteStore, rows: list[dict], kept: Kept, target: str | None) -> tuple[dict, list[dict]]:
    """What the program writes on the Notes sheet: each row's Note id and Synced text where they changed, and the
    ledger's notes that no row shows (added with ``ardesk notes add``) as new rows."""
    cells: dict[int, dict[str, object]] = {}
    shown = set()
    for row in rows:
        r = int(row["_row"])
        uid = kept.ids.get(r)
        if uid is None:
            continue
        shown.add(uid)
        want = {"uid": uid, "synced_at": notebook.synced_text(uid, target) or None}
        change = {k: v for k, v in want.items() if (row.get(k) or None) != v}
        if change:
            cells[r] = change
    appended = []
    for stored in notebook.rows():
        if stored["uid"] in shown or stored["origin"] not in (CLI_ORIGIN, TODAY_ORIGIN):
            continue
        note = {k: stored.get(k) for k in CONTENT}
        for k in ("written_at", "promise_date", "next_action_date"):
            note[k] = date.fromisoformat(note[k]) if note[k] else None
        note["promise_amount"] = Decimal(note["promise_amount"]) if note["promise_amount"] else None
        note["uid"] = stored["uid"]
        note["synced_at"] = notebook.synced_text(stored["uid"], target) or None
        appended.append(note)
    return cells, appended


def write_sheet(workbook: Path, cells: dict, appended: list[dict]) -> str | None:
    """Write the program's Notes cells into the file; returns why not when the workbook is open."""
    from excel import package

    try:
        package.write_notes(workbook, cells, appended)
    except WorkbookBusy as exc:
        return str(exc)
    return None


# -- notes add ------------------------------------------------------------------------------------------------------
CLI_ORIGIN = "command line"
TODAY_ORIGIN = "Today sheet"      # typed on the Today sheet: the note's row is then added to the Notes sheet


def add_note(settings: Settings, customer: str, text: str, *, invoice: str | None = None, when: date,
             author: str = "", outcome: str | None = None, dispute: str | None = None,
             promise_date: date | None = None, promise_amount: Decimal | None = None,
             next_action: date | None = None) -> str:
    """``ardesk notes add``: one note into the ledger (shown on the Notes sheet at the next refresh); returns its
    id. Adding the same note twice keeps it once."""
    if not customer.strip():
        raise InputError("a note needs a customer", hint="give the customer's name (or its id) as CUSTOMER")
    if not text.strip() and not (promise_date or dispute or next_action or outcome):
        raise InputError("the note is empty", hint="give the note's TEXT")
    if dispute is not None and dispute not in DISPUTE_STATES:
        raise InputError(f"--dispute must be one of {', '.join(DISPUTE_STATES)}, got {dispute!r}")
    if outcome is not None:
        words = [w.strip().casefold() for w in outcome.split(",") if w.strip()]
        bad = [w for w in words if w not in OUTCOMES]
        if bad:
            raise InputError(f"--outcome {bad[0]!r} is not one of: {', '.join(OUTCOMES)}")
        outcome = ", ".join(words)
    if promise_amount is not None and not promise_date:
        raise InputError("--promise-amount needs --promise-date", hint="say by when the customer promised to pay")
    if promise_amount is not None and promise_amount <= 0:
        raise InputError(f"--promise-amount must be positive, got {promise_amount}")
    row = {"written_at": when, "author": author, "customer": customer.strip(), "invoice": invoice, "text": text,
           "outcome": outcome, "dispute": dispute, "promise_date": promise_date, "promise_amount": promise_amount,
           "next_action_date": next_action, "_row": 0}
    with open_ledger(settings.ledger, settings.config) as ledger:
        uid = ledger.notebook.keep([row], origin=CLI_ORIGIN).ids[0]
        ledger.audit("notes add", target=uid, detail={"customer": customer.strip(), "invoice": invoice})
    return uid


# -- notes list / export ----------------------------------------------------------------------------------------------
LIST_FIELDS = ("uid", "written_at", "author", "customer", "invoice", "outcome", "dispute", "promise_date",
               "promise_amount", "next_action_date", "text", "revision", "synced")


def list_notes(settings: Settings, customer: str | None = None) -> list[dict]:
    """The notes in the ledger (optionally one customer's), each with its Synced text."""
    if not settings.ledger.exists():
        return []
    target = erp_target(settings)
    with open_ledger(settings.ledger, settings.config) as ledger:
        nb = ledger.notebook
        return [{**{k: r.get(k) for k in LIST_FIELDS if k != "synced"},
                 "synced": nb.synced_text(r["uid"], target) or None} for r in nb.rows(customer=customer)]


def export_csv(rows: list[dict]) -> str:
    """The notes as CSV for import elsewhere. A cell that a spreadsheet would take for a formula is written with a
    leading apostrophe (:func:`excel.values.csv_safe`), so opening the file never runs what a note says."""
    from excel.values import csv_safe

    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(LIST_FIELDS)
    for r in rows:
        w.writerow([csv_safe("" if r.get(k) is None else str(r.get(k))) for k in LIST_FIELDS])
    return out.getvalue()


# -- notes push ------------------------------------------------------------------------------------------------------
@dataclass
class PushReport:
    target: str | None
    results: list = field(default_factory=list)      # connectors.odoo.notes.NoteResult
    kept_new: int = 0
    sheet: str | None = None                          # what happened on the Notes sheet
    message: str = ""

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.results:
            out[r.status] = out.get(r.status, 0) + 1
        return out

    def to_json_dict(self) -> dict:
        return {"target": self.target, "notes": [r.to_json_dict() for r in self.results], "counts": self.counts(),
                "new_notes_kept": self.kept_new, "workbook": self.sheet, "message": self.message}


def push(settings: Settings, workbook: str | Path | None = None, *,
         live_sheet: Callable[[dict, list[dict]], None] | None = None, rows: list[dict] | None = None,
         today_rows: list[dict] | None = None) -> PushReport:
    """``ardesk notes push``: keep the workbook's notes (its Notes sheet, then what was typed on Today), write
    every note not yet written to the ERP, record each step and the push in the ledger, and put each row's Note id
    and Synced text on the Notes sheet (in the file, or through ``live_sheet`` for a workbook open in Excel, whose
    Notes and Today rows are given as ``rows`` and ``today_rows``)."""
    target = erp_target(settings)
    path = Path(workbook) if workbook else None
    with open_ledger(settings.ledger, settings.config) as ledger:
        nb = ledger.notebook
        kept, sheet_rows = Kept(0, 0, {}), []
        if rows is not None:
            sheet_rows = rows
            kept = nb.keep(rows, origin=str(path.resolve()) if path else "workbook")
            kept = with_today(kept, keep_today(ledger, today_rows or []))
        elif path is not None:
            if not path.is_file():
                raise InputError("no such workbook", source=str(path), hint="give the panel's path")
            kept, sheet_rows = keep_workbook_notes(ledger, path)
        report = PushReport(target, kept_new=kept.new)
        if target is None:
            report.message = QUICKBOOKS_NO_PUSH
            ledger.audit("notes push", target="", result="no ERP to write to",
                         detail={"notes": len(nb.rows()), "new": kept.new})
        else:
            from connectors.odoo.notes import push_notes

            odoo = settings.config.odoo
            erased = {r[0] for r in ledger.conn.execute("SELECT uid FROM erased_notes")}
            notes = [n for n in nb.notes() if n.uid not in erased]     # an erased note is written nowhere
            report.results = push_notes(odoo.url, odoo.db, odoo.user, odoo.password(), notes,
                                        nb.steps(target), nb.record, timeout=odoo.timeout, retries=odoo.retries,
                                        backoff=odoo.backoff,
                                        states=lambda: _tracked_states(ledger, settings, notes))
            counts = report.counts()
            report.message = _summary(counts, target) if report.results else "every note was already written"
            bad = counts.get("refused", 0) + counts.get("not sent", 0)
            ledger.audit("notes push", target=target, result="ok" if not bad else f"{bad} note(s) not written",
                         detail={"counts": counts, "notes": [r.to_json_dict() for r in report.results]})
        if sheet_rows or path is not None:
            cells, appended = sheet_updates(nb, sheet_rows, kept, target)
            if live_sheet is not None:
                live_sheet(cells, appended)
                report.sheet = "updated"
            elif path is not None:
                busy = write_sheet(path, cells, appended)
                report.sheet = f"not updated: {busy}" if busy else "updated"
            if report.sheet == "updated":
                nb.shown_on([n["uid"] for n in appended], str(path.resolve()) if path else "workbook")
    return report


def _tracked_states(ledger, settings: Settings, notes: list) -> dict[str, dict]:
    """Each note's promise state and disputed amount as the engine tracks them today, from the latest snapshot of
    the Odoo books in the ledger (none without one: the add-on then keeps what the notes say)."""
    from receivables.notes import track

    from .sources import ODOO, source_key

    info = ledger.latest(source_key(ODOO, settings.config)) if notes else None
    if info is None:
        return {}
    tracking = track(ledger.load(info.id), notes, date.today(),
                     grace_days=settings.config.notes.promise_grace_days)
    out: dict[str, dict] = {}
    for p in tracking.promises:
        out.setdefault(p.uid, {})["promise_state"] = p.state
    for d in tracking.disputes:
        if d.amount is not None:
            out.setdefault(d.opened_by, {})["disputed_amount"] = d.amount
    return out


def _summary(counts: dict[str, int], target: str) -> str:
    parts = [f"{counts[k]} {k}" for k in ("written", "already there", "refused", "not sent") if counts.get(k)]
    tail = ""
    if counts.get("refused") or counts.get("not sent"):
        tail = "; the others are tried again at the next push"
    return f"notes to {target}: " + ", ".join(parts) + tail
