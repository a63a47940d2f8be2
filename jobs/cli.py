"""The ``ardesk`` command line: a thin front over the use cases in :mod:`jobs`.

Errors of the :class:`~receivables.errors.ArdeskError` family become one line on stderr and exit status 2 (bad
input) or 1 (a remote system failed); nothing else is caught, so a bug still shows its traceback.
"""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from receivables.errors import ArdeskError

from . import output


def _as_of(value: str | None) -> date:
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date: use YYYY-MM-DD", param_hint="--as-of") from None


def _edges(value: str | None) -> tuple[int, ...] | None:
    if not value:
        return None
    from receivables.config import validate_edges

    try:
        edges = tuple(int(v) for v in value.split(","))
    except ValueError:
        raise click.BadParameter(f"{value!r}: give whole days separated by commas, e.g. 30,60,90",
                                 param_hint="--buckets") from None
    validate_edges(edges, "--buckets")
    return edges


class _Group(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ArdeskError as exc:
            click.echo(f"ardesk: {exc}", err=True)
            ctx.exit(exc.exit_code)


pass_settings = click.make_pass_decorator(dict)
as_of_option = click.option("--as-of", "as_of", metavar="YYYY-MM-DD",
                            help="The books as they stood at the end of this day (default: today).")
format_option = click.option("--format", "fmt", type=click.Choice(output.FORMATS), default="table",
                             show_default=True, help="Output format.")


@click.group(cls=_Group)
@click.option("--config", "config_path", metavar="FILE", help="ardesk.toml to use (default: beside the workbook, "
              "else in the current folder).")
@click.option("--ledger", "ledger_path", metavar="FILE", help="The ledger file (default: from the config, "
              "else ardesk.db in the current folder).")
@click.version_option(package_name="ardesk")
@click.pass_context
def cli(ctx, config_path, ledger_path):
    """ardesk: the accounts-receivable collections desk that lives in Excel.

    SOURCE is a QuickBooks export file or a folder of them, `odoo` (the [odoo] section of ardesk.toml) or
    `ledger` (the latest stored snapshot).
    """
    ctx.obj = {"config_path": config_path, "ledger_path": ledger_path}


def _settings(obj: dict, near: str | None = None):
    from receivables.config import find_config, load_config

    config = load_config(find_config(obj.get("config_path"), near))
    ledger = Path(obj["ledger_path"]) if obj.get("ledger_path") else config.ledger
    return config, ledger


def _progress():
    """A progress callback that shows a bar on stderr once a pull has taken more than a second."""
    import time

    started = time.monotonic()
    state = {"bar": None}

    def update(done: int, total: int) -> None:
        if state["bar"] is None:
            if time.monotonic() - started < 1.0 or not total:
                return
            state["bar"] = click.progressbar(length=total, label="pulling", file=sys.stderr)
            state["bar"].__enter__()
        bar = state["bar"]
        bar.length = max(total, done)      # the total of a pull is an estimate that grows page by page
        bar.update(done - bar.pos)
        if done >= total:
            bar.__exit__(None, None, None)
    return update


def _report(obj: dict, source: str | None, kind: str, fmt: str, build) -> None:
    """Open the books of SOURCE, build the report ``build(books, config)`` and print it as ``fmt``."""
    from .sources import open_books

    config, ledger = _settings(obj)
    opened = open_books(source, config, today=date.today(), ledger_path=ledger, progress=_progress())
    click.echo(output.render(kind, build(opened.books, config).to_json_dict(), fmt), nl=False)
    _notes(opened.books)


def _notes(books) -> None:
    """What the source cannot tell, on stderr (the report on stdout stays clean for programs)."""
    for note in books.notes:
        click.echo(f"note: {note}", err=True)


@cli.command()
@click.argument("source", required=False)
@pass_settings
def pull(obj, source):
    """Store a snapshot of SOURCE in the ledger."""
    from .sources import open_books

    config, ledger = _settings(obj)
    opened = open_books(source, config, today=date.today(), ledger_path=ledger, store=True, progress=_progress())
    b = opened.books
    click.echo(f"stored snapshot {opened.snapshot_id} in {ledger}: {len(b.customers)} customers, "
               f"{len(b.items)} items ({len(b.open_items())} open), {len(b.payments)} payments"
               + (f", books as of {b.report_date}" if b.report_date else ""))
    _notes(b)


@cli.command()
@click.argument("source", required=False)
@as_of_option
@click.option("--by", type=click.Choice(["due", "issued"]), default=None, help="Age by due date (default) or by "
              "issue date.")
@click.option("--buckets", metavar="30,60,90", help="Bucket edges in days past due.")
@format_option
@pass_settings
def aging(obj, source, as_of, by, buckets, fmt):
    """Open items by customer and days past due."""
    from .reports import aging_report

    _report(obj, source, "aging", fmt, lambda books, config: aging_report(
        books, _as_of(as_of), edges=_edges(buckets) or config.aging.edges, by=by or config.aging.by))


@cli.command()
@click.argument("source", required=False)
@as_of_option
@click.option("--period-days", type=int, default=None, help="Days in the DSO period: 365, 360 or 90 "
              "(default: the calendar days of the period).")
@click.option("--months", type=int, default=None, help="How many months of history (default 12).")
@click.option("--cei-sales", type=click.Choice(["total", "average"]), default=None,
              help="CEI credit sales: the period total or the monthly average.")
@format_option
@pass_settings
def dso(obj, source, as_of, period_days, months, cei_sales, fmt):
    """Days sales outstanding and its family: countback, best possible, days delinquent, CEI."""
    from .reports import dso_report

    _report(obj, source, "dso", fmt, lambda books, config: dso_report(
        books, _as_of(as_of), period_days=period_days or config.dso.period_days,
        months=months or config.dso.months, cei_sales=cei_sales or config.dso.cei_sales))


@cli.command()
@click.argument("source", required=False)
@as_of_option
@format_option
@pass_settings
def customers(obj, source, as_of, fmt):
    """Customer payment behaviour, segment and risk."""
    from .reports import customers_report

    _report(obj, source, "customers", fmt, lambda books, _: customers_report(books, _as_of(as_of)))


@cli.command()
@click.argument("source", required=False)
@as_of_option
@format_option
@pass_settings
def forecast(obj, source, as_of, fmt):
    """Expected receipts by week for the next 13 weeks."""
    from .reports import forecast_report

    _report(obj, source, "forecast", fmt, lambda books, _: forecast_report(books, _as_of(as_of)))


def main(argv: list[str] | None = None) -> None:
    from jobs import commands  # registers demo, init, refresh and workbook on the group

    commands.cli.main(args=argv, prog_name="ardesk")


if __name__ == "__main__":
    main()
