"""``ardesk demo``: the bundled sample books through the whole flow, into a folder of their own.

The sample exports are copied into ``OUT/exports``, a configuration is written beside them, the books are stored
in the ledger, aged as of the sample's own date, and a control panel is built from them.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .settings import Settings

SAMPLE_AS_OF = date(2026, 10, 31)
EXPORT_SUFFIXES = (".csv", ".xlsx", ".iif")


@dataclass(frozen=True)
class DemoResult:
    aging: object              # the engine's aging report
    snapshot_id: int | None
    ledger: Path
    workbook: Path


def demo(out_dir: str | Path) -> DemoResult:
    from connectors.quickbooks.sample import SAMPLE_DIR
    from excel.panel import build_panel
    from receivables.aging import aging
    from receivables.config import SAMPLE_CONFIG, load_config

    from .refresh import panel_data
    from .sources import open_books

    out = Path(out_dir)
    exports = out / "exports"
    exports.mkdir(parents=True, exist_ok=True)
    for f in sorted(Path(SAMPLE_DIR).iterdir()):
        if f.is_file() and f.suffix.lower() in EXPORT_SUFFIXES:
            shutil.copy2(f, exports / f.name)
    config_path = out / "ardesk.toml"
    if not config_path.exists():
        config_path.write_text(SAMPLE_CONFIG, encoding="utf-8")
    config = load_config(config_path)
    settings = Settings(config, config.ledger)
    opened = open_books(str(exports), config, today=SAMPLE_AS_OF, ledger_path=config.ledger, store=True)
    report = aging(opened.books, SAMPLE_AS_OF, edges=config.aging.edges, by=config.aging.by)
    data = panel_data(opened.books, SAMPLE_AS_OF, settings)
    data.cells["AsOfDate"] = SAMPLE_AS_OF
    from .runs import job_cells

    data.cells.update(job_cells(settings))          # the Jobs block: what [jobs] schedules (nothing ran yet)
    workbook = build_panel(config.workbook, data)
    return DemoResult(report, opened.snapshot_id, config.ledger, workbook.resolve())
