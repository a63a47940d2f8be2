"""The workbook-facing commands: ``demo``, ``init``, ``refresh`` and ``workbook new|check``."""
from __future__ import annotations

from pathlib import Path

import click

from jobs import workbook as workbook_jobs

from . import output
from .common import pass_obj, settings, today

#: ``ardesk refresh`` found the workbook open: nothing was written to it, the snapshot is stored in the ledger.
DEFERRED_EXIT = 3


@click.command()
@click.option("--out", "out_dir", default="ardesk-demo", show_default=True, metavar="DIR",
              help="Folder for the demo's exports, ledger, configuration and workbook.")
def demo(out_dir):
    """Build a control-panel workbook from the bundled sample books and print its path."""
    from jobs.demo import demo as run

    result = run(out_dir)
    click.echo(output.render("aging", result.aging.to_json_dict(), "table"), nl=False)
    click.echo(f"\nstored snapshot {result.snapshot_id} in {result.ledger}")
    click.echo(f"control panel: {result.workbook}")


@click.command()
@click.argument("directory", default=".", required=False)
def init(directory):
    """Write a commented ardesk.toml and an empty control-panel workbook into DIRECTORY."""
    for line in workbook_jobs.init(directory).lines:
        click.echo(line)


@click.command()
@click.argument("source", required=False)
@click.option("--workbook", "workbook", metavar="PATH", help="The control panel to refresh (default: from the "
              "config, else collections.xlsm).")
@pass_obj
def refresh(obj, source, workbook):
    """Pull SOURCE, compute, and write the workbook's program sheets headless (the Notes sheet is never touched)."""
    from jobs.refresh import refresh_workbook

    s = settings(obj, near=workbook)
    path = Path(workbook) if workbook else s.config.workbook
    result = refresh_workbook(path, source, s, today=today())
    click.echo(result.message, err=not result.written)
    if not result.written:
        raise click.exceptions.Exit(DEFERRED_EXIT)


@click.group()
def workbook():
    """Create or check a control-panel workbook."""


@workbook.command("new")
@click.argument("path")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def workbook_new(path, force):
    """Build an empty control panel (collections.xlsm) at PATH."""
    click.echo(f"wrote {workbook_jobs.new_workbook(path, force=force)}")


@workbook.command("check")
@click.argument("path")
@click.option("--repair", is_flag=True, help="First remove the temporary files an interrupted write left beside it.")
def workbook_check(path, repair):
    """Say whether PATH is a sound ardesk panel, and what to do if not."""
    result = workbook_jobs.check_workbook(path, repair=repair)
    click.echo(result.summary)
    if not result.sound:
        raise click.exceptions.Exit(2)


COMMANDS = (demo, init, refresh, workbook)
