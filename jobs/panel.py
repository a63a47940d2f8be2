"""The control panel's use cases: compute everything the workbook shows, and refresh a workbook file headless.

``build_panel_data`` turns books into :class:`excel.layout.PanelData` (rows per sheet, named-cell values);
``compute_panel`` is what the workbook's buttons call; ``refresh_workbook`` is ``ardesk refresh``: it pulls,
keeps the notes people typed in the ledger, and replaces the program-owned sheets inside the file, or, when a
person has the workbook open, stores the snapshot and leaves the file alone so the Refresh button can load it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from excel import layout as L
from jobs.inputs import settings_of
from receivables.config import Config, find_config, load_config
from receivables.errors import InputError
from receivables.records import Books

DEFERRED = "refresh deferred: workbook open"


def build_panel_data(books: Books, as_of: date, *, edges: tuple[int, ...] = (30, 60, 90), by: str = "due",
                     period_days: int | None = None, months: int = 12, cei_sales: str = "total",
                     refreshed_at: str = "") -> L.PanelData:
    """Everything the panel shows for ``books`` at ``as_of``."""
    from receivables.aging import age_days, aging_frame, bucket_index, buckets_from_edges
    from receivables.asof import open_at
    from receivables.behaviour import customers_frames
    from receivables.dso import dso_frames
    from receivables.frames import decimal_of, frames_of

    frames = frames_of(books)
    at = open_at(frames, as_of)
    report = aging_frame(at.items, as_of, frames, edges=edges, by=by, warnings=at.warnings)
    buckets = buckets_from_edges(edges)
    labels = tuple(b.label for b in buckets)

    items = at.items
    past_due = age_days(items, as_of, "due")
    bucket_of = bucket_index(age_days(items, as_of, by), buckets)
    by_id = {i.id: i for i in books.items}
    names = frames.names
    invoices = []
    for k, (iid, cust, cur, open_minor, co_minor) in enumerate(zip(
            items["id"], items["customer_id"], items["currency"], items["open_minor"].to_numpy(np.int64),
            items["open_company_minor"])):
        it = by_id[iid]
        invoices.append({
            "customer": names.get(cust, cust), "number": it.number, "kind": it.kind.value.replace("_", " "),
            "issued": it.issued, "due": it.due, "days_past_due": int(past_due[k]) if it.due else None,
            "bucket": labels[int(bucket_of[k])], "currency": cur, "total": it.total,
            "open_amount": decimal_of(int(open_minor), cur),
            "open_amount_company": None if pd.isna(co_minor) else decimal_of(int(co_minor), books.company_currency),
            "flags": ", ".join(sorted(it.flags)), "source_ref": it.source_ref})
    invoices.sort(key=lambda r: (r["customer"].casefold(), r["due"] or r["issued"], r["number"]))

    dates = {"as_of": as_of, "source_date": books.report_date}
    aging_rows = [_aging_row(r, labels, dates) for r in report.rows]
    aging_rows += [_aging_row(r, labels, dates) for r in report.currency_rows if r.currency != report.currency]
    figures = [{"bucket": lb, "amount": amount} for lb, amount in zip(labels, report.totals)]

    d = dso_frames(frames, as_of, period_days=period_days, months=months, cei_sales=cei_sales)
    dso_rows = []
    for label, f in d.months:
        dso_rows.append({"month": label, "ar": f.ar, "credit_sales": f.credit_sales, "dso": _r1(f.dso),
                         "countback_dso": _r1(f.countback_dso), "best_possible_dso": _r1(f.best_possible_dso),
                         "average_days_delinquent": _r1(f.average_days_delinquent), "cei": _r1(f.cei)})

    customer_rows = customers_frames(frames, as_of, books.customer_map()).panel_rows()

    issues = [{"severity": "warning", "source": books.source, "row": None, "message": w}
              for w in (*report.warnings, *d.warnings)]
    issues += [{"severity": "info", "source": books.source, "row": None, "message": n} for n in books.notes]
    for key, reason in d.figures.reasons.items():
        issues.append({"severity": "info", "source": "DSO", "row": None, "message": f"{key}: {reason}"})

    overdue = sum((a for b, a in zip(buckets, report.totals) if b.min_days is not None), Decimal(0))
    cells = {
        "LastRefresh": refreshed_at,
        "DataAsOf": f"{as_of.isoformat()} (books as of {books.report_date.isoformat() if books.report_date else '?'}"
                    f", {books.source})",
        "TotalAR": report.total, "OverdueAR": overdue, "DsoValue": _r1(d.figures.dso), "CeiValue": _r1(d.figures.cei),
        "Status": f"{len(invoices):,} open items as of {as_of.isoformat()}"
                  + (f"; {len(issues)} on the Issues sheet." if issues else "."),
    }
    return L.PanelData(rows={L.INVOICES: invoices, L.AGING: aging_rows, L.FIGURES: figures, L.DSO: dso_rows,
                             L.CUSTOMERS: customer_rows, L.REMINDERS: [], L.ISSUES: issues},
                       bucket_labels=labels, cells=cells)


def _aging_row(r, labels, dates: dict) -> dict:
    row = {"customer": r.customer, "currency": r.currency, "total": r.total, **dates}
    row.update({"bucket:" + lb: a for lb, a in zip(labels, r.amounts)})
    return row


def _r1(value: Decimal | None) -> Decimal | None:
    from decimal import ROUND_HALF_UP

    return None if value is None else value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Settings:
    config: Config
    ledger: Path


def settings_for(workbook: str | Path | None, config_path: str | None = None, ledger: str | None = None) -> Settings:
    config = load_config(find_config(config_path, workbook))
    return Settings(config, Path(ledger) if ledger else config.ledger)


def _compute(settings: Settings, inputs: dict, *, today: date, source_override: str | None = None,
             snapshot_id: int | None = None):
    from receivables.ledger import Ledger

    from .sources import open_books

    cfg = settings.config
    opts = settings_of(inputs)
    if snapshot_id is not None:
        with Ledger(settings.ledger) as ledger:
            books = ledger.load(snapshot_id)
    else:
        source = source_override or opts["source"] or cfg.default_source or "ledger"
        books = open_books(source, cfg, today=today, ledger_path=settings.ledger, store=True).books
    as_of = opts["as_of"] or today
    data = build_panel_data(books, as_of, edges=opts["edges"] or cfg.aging.edges, by=opts["by"] or cfg.aging.by,
                            period_days=opts["period_days"] or cfg.dso.period_days, months=cfg.dso.months,
                            cei_sales=cfg.dso.cei_sales,
                            refreshed_at=datetime.now().astimezone().isoformat(timespec="seconds"))
    return books, data, as_of


def compute_panel(workbook_path: str | None, inputs: dict, *, today: date | None = None) -> L.PanelData:
    """What the Refresh/Aging/DSO buttons show. When a headless refresh was deferred because the workbook was
    open, and the Source input is blank, the snapshot it stored is loaded instead of pulling again."""
    from receivables.ledger import Ledger

    settings = settings_for(workbook_path)
    today = today or date.today()
    pending = None
    if not settings_of(inputs)["source"] and settings.ledger.exists():
        with Ledger(settings.ledger) as ledger:
            pending = _pending_snapshot(ledger, workbook_path)
    _, data, _ = _compute(settings, inputs, today=today, snapshot_id=pending)
    if pending is not None:
        with Ledger(settings.ledger) as ledger:
            ledger.audit("refresh loaded", target=str(workbook_path), detail={"snapshot": pending})
        data.cells["Status"] = f"Stored snapshot loaded: {data.cells['Status']}"
    return data


def _pending_snapshot(ledger, workbook_path) -> int | None:
    import json

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
    from receivables.ledger import Ledger

    today = today or date.today()
    path = Path(workbook)
    if not path.is_file():
        raise InputError("no such workbook", source=str(path), hint="create one with `ardesk workbook new PATH`")
    inputs = package.read_inputs(path)
    notes = package.read_notes(path)
    _, data, as_of = _compute(settings, inputs, today=today, source_override=source)
    target = str(path.resolve())
    with Ledger(settings.ledger) as ledger:
        kept = ledger.keep_notes(notes, origin=target)
        info = ledger.latest()
        sid = info.id if info else None
        busy = package.workbook_lock(path)
        if busy:
            ledger.audit("refresh", target=target, result=DEFERRED, detail={"snapshot": sid, "lock": busy})
            return RefreshResult(path, False, sid, len(data.rows[L.INVOICES]), kept,
                                 f"{path.name} is {busy}: nothing was written to it. The data is stored in the "
                                 f"ledger (snapshot {sid}); press Refresh in the workbook to load it.")
        package.write_panel_data(path, data)
        ledger.audit("refresh", target=target, detail={"snapshot": sid, "open_items": len(data.rows[L.INVOICES])})
    return RefreshResult(path, True, sid, len(data.rows[L.INVOICES]), kept,
                         f"refreshed {path}: {len(data.rows[L.INVOICES]):,} open items as of "
                         f"{as_of.isoformat()}"
                         + (f", {kept} new note(s) kept in the ledger" if kept else ""))
