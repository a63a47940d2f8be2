"""What every command shares: the global options' settings, the inputs' types (checked while the command line is
parsed, before any source is opened), the progress bar and the source's notes on stderr."""
from __future__ import annotations

import sys
import time
from datetime import date

import click

from jobs.settings import Settings, settings_for

from . import output


def today() -> date:
    return date.today()


class AsOfDate(click.ParamType):
    """``YYYY-MM-DD``: the books as they stood at the end of that day."""

    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(f"{value!r} is not a date: use YYYY-MM-DD", param, ctx)


class BucketEdges(click.ParamType):
    """``30,60,90``: bucket edges in days past due, positive and increasing."""

    name = "30,60,90"

    def convert(self, value, param, ctx) -> tuple[int, ...]:
        if isinstance(value, tuple):
            return value
        from receivables.config import validate_edges
        from receivables.errors import ConfigError

        try:
            edges = tuple(int(v) for v in value.split(","))
        except ValueError:
            self.fail(f"{value!r}: give whole days separated by commas, e.g. 30,60,90", param, ctx)
        try:
            validate_edges(edges)
        except ConfigError as exc:
            self.fail(exc.message, param, ctx)
        return edges


pass_obj = click.make_pass_decorator(dict)

as_of_option = click.option("--as-of", "as_of", type=AsOfDate(), default=None,
                            help="The books as they stood at the end of this day (default: today).")
format_option = click.option("--format", "fmt", type=click.Choice(output.FORMATS), default="table",
                             show_default=True, help="Output format.")
source_argument = click.argument("source", required=False)


def settings(obj: dict, near: str | None = None) -> Settings:
    """The configuration and ledger of the global ``--config`` / ``--ledger`` options."""
    return settings_for(obj.get("config_path"), near=near, ledger=obj.get("ledger_path"))


def progress(obj: dict | None = None):
    """A progress callback ``(done, total, label="pulling")`` that shows a bar on stderr once a pull (or the read of a
    large export: ``"reading"``) has taken more than a second; ``None`` (no bar) when stderr is not a terminal (a log
    file, a scheduled job) or ``--quiet`` was given."""
    if (obj or {}).get("quiet") or not sys.stderr.isatty():
        return None
    started = time.monotonic()
    state = {"bar": None}

    def update(done: int, total: int, label: str = "pulling") -> None:
        if state["bar"] is None:
            if time.monotonic() - started < 1.0 or not total or done >= total:
                return
            state["bar"] = click.progressbar(length=total, label=label, file=sys.stderr)
            state["bar"].__enter__()
        bar = state["bar"]
        bar.length = max(total, done)      # the total of a pull is an estimate that grows page by page
        bar.update(done - bar.pos)
        if done >= total:
            bar.__exit__(None, None, None)
    return update


def print_notes(notes) -> None:
    """What the source cannot tell, on stderr (the report on stdout stays clean for programs)."""
    for note in notes:
        click.echo(f"note: {note}", err=True)
