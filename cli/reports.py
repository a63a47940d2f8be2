"""The report commands: ``pull``, ``aging``, ``dso``, ``customers``, ``forecast``."""
from __future__ import annotations

import click

from jobs import reports
from jobs.pull import pull as pull_job

from . import output
from .common import (
    BucketEdges,
    as_of_option,
    format_option,
    pass_obj,
    print_notes,
    progress,
    settings,
    source_argument,
    today,
)


def _print(result: reports.ReportResult, fmt: str) -> None:
    output.write(result.kind, result.to_json_dict(), fmt, click.get_text_stream("stdout"))
    print_notes(result.notes)


@click.command()
@source_argument
@pass_obj
def pull(obj, source):
    """Store a snapshot of SOURCE in the ledger."""
    result = pull_job(source, settings(obj), today=today(), progress=progress(obj))
    click.echo(result.message)
    print_notes(result.books.notes)


@click.command()
@source_argument
@as_of_option
@click.option("--by", type=click.Choice(["due", "issued"]), default=None, help="Age by due date (default) or by "
              "issue date.")
@click.option("--buckets", type=BucketEdges(), default=None, help="Bucket edges in days past due.")
@format_option
@pass_obj
def aging(obj, source, as_of, by, buckets, fmt):
    """Open items by customer and days past due."""
    _print(reports.aging(source, settings(obj), today=today(), as_of=as_of, edges=buckets, by=by,
                         progress=progress(obj)), fmt)


@click.command()
@source_argument
@as_of_option
@click.option("--period-days", type=click.IntRange(min=1, max=3660), default=None, help="Days in the DSO period: "
              "365, 360 or 90 (default: the calendar days of the period).")
@click.option("--months", type=click.IntRange(1, 120), default=None, help="How many months of history, 1 to 120 "
              "(default 12).")
@click.option("--cei-sales", type=click.Choice(["total", "average"]), default=None,
              help="CEI credit sales: the period total or the monthly average.")
@format_option
@pass_obj
def dso(obj, source, as_of, period_days, months, cei_sales, fmt):
    """Days sales outstanding and its family: countback, best possible, days delinquent, CEI."""
    _print(reports.dso(source, settings(obj), today=today(), as_of=as_of, period_days=period_days, months=months,
                       cei_sales=cei_sales, progress=progress(obj)), fmt)


@click.command()
@source_argument
@as_of_option
@format_option
@pass_obj
def customers(obj, source, as_of, fmt):
    """Customer payment behaviour, segment and risk."""
    _print(reports.customers(source, settings(obj), today=today(), as_of=as_of, progress=progress(obj)), fmt)


@click.command()
@source_argument
@as_of_option
@format_option
@pass_obj
def forecast(obj, source, as_of, fmt):
    """Expected receipts by week for the next 13 weeks."""
    _print(reports.forecast(source, settings(obj), today=today(), as_of=as_of, progress=progress(obj)), fmt)


COMMANDS = (pull, aging, dso, customers, forecast)
