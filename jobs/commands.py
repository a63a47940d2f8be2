"""The workbook-facing commands: ``demo``, ``init``, ``refresh`` and ``workbook new|check``."""
from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import click

from receivables.errors import InputError

from . import output
from .cli import _settings, cli, pass_settings

SAMPLE_AS_OF = date(2026, 10, 31)


@cli.command()
@click.option("--out", "out_dir", default="ardesk-demo", show_default=True, metavar="DIR",
              help="Folder for the demo's exports, ledger, configuration and workbook.")
def demo(out_dir):
    """Build a control-panel workbook from the bundled sample books and print its path."""
    from connectors.quickbooks.sample import SAMPLE_DIR
    from excel.panel import build_panel
    from receivables.config import SAMPLE_CONFIG, load_config

    from .panel import build_panel_data
    from .reports import aging_report
    from .sources import open_books

    out = Path(out_dir)
    exports = out / "exports"
    exports.mkdir(parents=True, exist_ok=True)
    for f in sorted(Path(SAMPLE_DIR).iterdir()):
        if f.is_file() and f.suffix.lower() in (".csv", ".xlsx", ".iif"):
            shutil.copy2(f, exports / f.name)
    config_path = out / "ardesk.toml"
    if not config_path.exists():
        config_path.write_text(SAMPLE_CONFIG, encoding="utf-8")
    config = load_config(config_path)
    opened = open_books(str(exports), config, today=SAMPLE_AS_OF, ledger_path=config.ledger, store=True)
    report = aging_report(opened.books, SAMPLE_AS_OF, edges=config.aging.edges, by=config.aging.by)
    click.echo(output.render("aging", report.to_json_dict(), "table"), nl=False)
    data = build_panel_data(opened.books, SAMPLE_AS_OF, edges=config.aging.edges, by=config.aging.by,
                            months=config.dso.months, cei_sales=config.dso.cei_sales,
                            refreshed_at=datetime.now().astimezone().isoformat(timespec="seconds"))
    data.cells["AsOfDate"] = SAMPLE_AS_OF
    workbook = build_panel(config.workbook, data)
    click.echo(f"\nstored snapshot {opened.snapshot_id} in {config.ledger}")
    click.echo(f"control panel: {workbook.resolve()}")


@cli.command()
@click.argument("directory", default=".", required=False)
def init(directory):
    """Write a commented ardesk.toml and an empty control-panel workbook into DIRECTORY."""
    from excel.panel import build_panel
    from receivables.config import CONFIG_NAME, SAMPLE_CONFIG

    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    config = d / CONFIG_NAME
    if config.exists():
        click.echo(f"kept the existing {config}")
    else:
        config.write_text(SAMPLE_CONFIG, encoding="utf-8")
        (d / "exports").mkdir(exist_ok=True)
        click.echo(f"wrote {config}: its source is the folder {d / 'exports'}; put your QuickBooks exports "
                   "there, or set [source] default to \"odoo\" and fill in [odoo]")
    workbook = d / "collections.xlsm"
    if workbook.exists():
        click.echo(f"kept the existing {workbook}")
    else:
        build_panel(workbook)
        click.echo(f"wrote {workbook}")


@cli.command()
@click.argument("source", required=False)
@click.option("--workbook", "workbook", metavar="PATH", help="The control panel to refresh (default: from the "
              "config, else collections.xlsm).")
@pass_settings
def refresh(obj, source, workbook):
    """Pull SOURCE, compute, and write the workbook's program sheets headless (the Notes sheet is never touched)."""
    from .panel import Settings, refresh_workbook

    config, ledger = _settings(obj, near=workbook)
    path = Path(workbook) if workbook else config.workbook
    result = refresh_workbook(path, source, Settings(config, ledger), today=date.today())
    click.echo(result.message, err=not result.written)


@cli.group()
def workbook():
    """Create or check a control-panel workbook."""


@workbook.command("new")
@click.argument("path")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def workbook_new(path, force):
    """Build an empty control panel (collections.xlsm) at PATH."""
    from excel.panel import build_panel

    p = Path(path)
    if p.exists() and not force:
        raise InputError("the file exists already", source=str(p),
                         hint="choose another path, or pass --force to overwrite it (its notes would be lost)")
    if p.suffix.lower() != ".xlsm":
        raise InputError("a control panel must be an .xlsm file (it carries the buttons' macros)", source=str(p))
    click.echo(f"wrote {build_panel(p).resolve()}")


@workbook.command("check")
@click.argument("path")
def workbook_check(path):
    """Say whether PATH is a sound ardesk panel, and what to do if not."""
    from excel.check import check_workbook, summary

    p = Path(path)
    if not p.is_file():
        raise InputError("no such workbook", source=str(p))
    findings = check_workbook(p)
    click.echo(summary(findings, p))
    if any(f.severity == "error" for f in findings):
        raise click.exceptions.Exit(2)
