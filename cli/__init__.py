"""The ``ardesk`` command line: a front over the jobs in :mod:`jobs`, like the workbook's buttons.

Every command is registered on the group here, in one place; the commands' modules (:mod:`cli.reports`,
:mod:`cli.desk`) never import this one. Inputs (dates, bucket edges, choices) are typed and checked while the
command line is parsed, before a configuration is read or a source opened. Errors of the
:class:`~receivables.errors.ArdeskError` family become one line on stderr and exit status 2 (bad input) or 1 (a
remote system failed); nothing else is caught, so a bug still shows its traceback.
"""
from __future__ import annotations

import click

from receivables.errors import ArdeskError

from . import desk, reports


class _Group(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ArdeskError as exc:
            click.echo(f"ardesk: {exc}", err=True)
            ctx.exit(exc.exit_code)


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


for _command in (*reports.COMMANDS, *desk.COMMANDS):
    cli.add_command(_command)


def main(argv: list[str] | None = None) -> None:
    cli.main(args=argv, prog_name="ardesk")


__all__ = ["cli", "main"]
