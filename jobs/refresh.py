"""The panel's numbers for the buttons, and ``ardesk refresh``: a workbook file refreshed headless.

``compute_panel`` is what the workbook's buttons call; ``refresh_workbook`` pulls, keeps the notes people typed in
the ledger, and replaces the program-owned sheets inside the file, or, when a person has the workbook open, stores
the snapshot and leaves the file alone so the Refresh button can load it. The numbers come from the engine
(:func:`receivables.panel.panel`); where they go on the workbook, from :func:`excel.sheets.panel_data`.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from excel import layout as L
from excel.sheets import panel_data as panel_data_of
from receivables.errors import InputError
from receivables.records import Books

from .inputs import settings_of
from .settings import Settings, settings_for

DEFERRED = "refresh deferred: workbook open"
LOADED = "Stored snapshot loaded: "


def panel_data(books: Books, as_of: date, settings: Settings, *, edges: tuple[int, ...] | None = None,
               by: str | None = None, period_days: int | None = None) -> L.PanelData:
    """Everything the panel shows for ``books`` at ``as_of``; what the caller leaves out comes from the
    configuration."""
    from excel.sheets import with_today
    from receivables.panel import panel

    from .worklist import ledger_inputs, worklist_of

    cfg = settings.config
    kept = ledger_inputs(settings)           # notes, reminders, plans, hand-overs: read once for both
    computed = panel(books, as_of, edges=edges or cfg.aging.edges, by=by or cfg.aging.by,
                     period_days=period_days or cfg.dso.period_days, months=cfg.dso.months,
                     cei_sales=cfg.dso.cei_sales, notes=kept.get("notes", []),
                     grace_days=cfg.notes.promise_grace_days, plans=kept.get("plans", []))
    data = panel_data_of(computed, refreshed_at=datetime.now().astimezone().isoformat(timespec="seconds"))
    return with_today(data, worklist_of(books, settings, as_of=as_of, inputs=kept))


def _compute(settings: Settings, opts: dict, *, today: date, source_override: str | None = None,
             snapshot_id: int | None = None) -> tuple[L.PanelData, date, int | None]:
    """The panel for the Control inputs ``opts`` (:func:`jobs.inputs.settings_of`)."""
    from .sources import open_books, open_ledger

    if snapshot_id is not None:
        with open_ledger(settings.ledger, settings.config) as ledger:
            books = ledger.load(snapshot_id)
    else:
        source = source_override or opts["source"] or settings.config.default_source or "ledger"
        opened = open_books(source, settings.config, today=today, ledger_path=settings.ledger, store=True)
        books, snapshot_id = opened.books, opened.snapshot_id
    as_of = opts["as_of"] or today
    data = panel_data(books, as_of, settings, edges=opts["edges"], by=opts["by"], period_days=opts["period_days"])
    return data, as_of, snapshot_id


def compute_panel(workbook_path: str | None, inputs: dict, *, today: date | None = None) -> L.PanelData:
    """What the Refresh/Aging/DSO buttons show. When a headless refresh was deferred because the workbook was
    open, and the Source input is blank, the snapshot it stored is loaded instead of pulling again."""
    from .sources import open_ledger

    settings = settings_for(near=workbook_path)
    opts = settings_of(inputs)
    pending = None
    if not opts["source"] and settings.ledger.exists():
        with open_ledger(settings.ledger, settings.config) as ledger:
            pending = _pending_snapshot(ledger, workbook_path)
    data, _, _ = _compute(settings, opts, today=today or date.today(), snapshot_id=pending)
    if pending is not None:
        with open_ledger(settings.ledger, settings.config) as ledger:
            ledger.audit("refresh loaded", target=str(workbook_path), detail={"snapshot": pending})
        data.cells["Status"] = LOADED + str(data.cells["Status"])
    return data


def _pending_snapshot(ledger, workbook_path) -> int | None:
    target = str(Path(workbook_path).resolve()) if workbook_path else ""
    for entry in ledger.audit_trail(limit=50):
        if entry["target"] != target or not entry["action"].startswith("refresh"):
            continue
        if entry["result"] == DEFERRED:
            return json.loads(entry["detail"]).get("snapshot")
        return None
    return None


@dataclass(frozen=True)
class RefreshResult:
    workbook: Path
    written: bool
    snapshot_id: int | None
    open_items: int
    notes_kept: int
    message: str


def refresh_workbook(workbook: str | Path, source: str | None, settings: Settings, *,
                     today: date | None = None) -> RefreshResult:
    """``ardesk refresh``: pull, keep notes, and replace the program-owned sheets of ``workbook`` in place."""
    from excel import package

    from .sources import open_ledger

    today = today or date.today()
    path = Path(workbook)
    if not path.is_file():
        raise InputError("no such workbook", source=str(path), hint="create one with `ardesk workbook new PATH`")
    inputs = package.read_inputs(path)
    notes = package.read_notes(path)
    typed_today = package.read_today(path)
    target = str(path.resolve())
    from .notes import keep_today, with_today

    with open_ledger(settings.ledger, settings.config) as ledger:    # first: the panel shows their promises
        kept_notes = with_today(ledger.notebook.keep(notes, origin=target), keep_today(ledger, typed_today))
        kept = kept_notes.new
    data, as_of, sid = _compute(settings, settings_of(inputs), today=today, source_override=source)
    older = fit_to_panel(path, data)
    from .runs import panel_cells

    data.cells.update(panel_cells(settings, path))      # the Jobs block: each scheduled job's last run
    n = len(data.rows[L.INVOICES])
    with open_ledger(settings.ledger, settings.config) as ledger:
        busy = package.workbook_lock(path)
        if busy:
            ledger.audit("refresh", target=target, result=DEFERRED, detail={"snapshot": sid, "lock": busy})
            return RefreshResult(path, False, sid, n, kept,
                                 f"{path.name} is {busy}: nothing was written to it. The data is stored in the "
                                 f"ledger (snapshot {sid}); press Refresh in the workbook to load it.")
        package.write_panel_data(path, data)
        # each note's id and Synced text, and the notes added outside the workbook, on the Notes sheet
        from .notes import erp_target, sheet_updates

        cells, appended = sheet_updates(ledger.notebook, notes, kept_notes, erp_target(settings))
        package.write_notes(path, cells, appended)
        ledger.notebook.shown_on([n["uid"] for n in appended], target)
        from .privacy import clean_workbook

        clean_workbook(ledger, path, notes)        # what was erased or pruned leaves the workbook too
        ledger.audit("refresh", target=target, detail={"snapshot": sid, "open_items": n,
                                                       "notes_added_to_sheet": len(appended)})
    return RefreshResult(path, True, sid, n, kept,
                         f"refreshed {path}: {n:,} open items as of {as_of.isoformat()}"
                         + (f", {kept} new note(s) kept in the ledger" if kept else "") + older)


def fit_to_panel(path: Path, data: L.PanelData) -> str:
    """Leave out of ``data`` what a panel built before the Today sheet has no place for (the sheet, the day's
    key figures on Control); returns the sentence that says so, or ""."""
    from excel.package.opc import Package

    with Package(path) as pkg:
        has_today = any(s.name.casefold() == L.TODAY.casefold() for s in pkg.sheets)
        has_cells = all(name in pkg.defined_names for name in L.WORK_CELLS)
    if has_today and has_cells:
        return ""
    data.rows.pop(L.TODAY, None)
    for name in L.WORK_CELLS:
        data.cells.pop(name, None)
    return ("; this panel was built before the Today sheet: build a new one with `ardesk workbook new` to see the "
            "day's worklist")
