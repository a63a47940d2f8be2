"""A month's exports kept in one folder: the A/R reports are read, every other QuickBooks report is skipped and
named (stderr, JSON warnings), and a folder with no A/R report at all is one clear line."""
from __future__ import annotations

import json
from decimal import Decimal

from click.testing import CliRunner

from cli import cli
from tests.exports import export_rows, open_invoices

AP_AGING = (
    "A/P Aging Summary\r\nHarbor Test Co\r\nAs of October 31, 2026\r\n\r\n"
    ",Current,1 - 30,31 - 60,61 - 90,91 and over,Total\r\n"
    "Paper Mill Inc,120.00,,,,,$120.00\r\nTOTAL,$120.00,$0.00,$0.00,$0.00,$0.00,$120.00\r\n"
)
PROFIT_AND_LOSS = (
    "Profit and Loss\r\nHarbor Test Co\r\nJanuary - October 2026\r\n\r\n,Total\r\nIncome,\r\n"
    "Sales,\"10,280.05\"\r\nTotal Income,\"$10,280.05\"\r\nNet Income,\"$10,280.05\"\r\n"
)


def test_other_reports_in_the_folder_are_skipped_and_named(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "october"
    folder.mkdir()
    rows = export_rows(30)
    (folder / "open.csv").write_text(open_invoices(rows), encoding="utf-8")
    (folder / "ap.csv").write_text(AP_AGING, encoding="utf-8")
    (folder / "pl.csv").write_text(PROFIT_AND_LOSS, encoding="utf-8")
    result = CliRunner().invoke(cli, ["aging", "october", "--as-of", "2026-10-31", "--format", "json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert Decimal(out["totals"]["total"]) == sum(r[3] for r in rows)        # the A/R report, whole
    skipped = ["october: skipped ap.csv: not a receivables report (its title: 'A/P Aging Summary')",
               "october: skipped pl.csv: not a receivables report (its title: 'Profit and Loss')"]
    assert [w for w in out["warnings"] if "skipped" in w] == skipped
    assert [line for line in result.stderr.splitlines() if "skipped" in line] == [f"note: {s}" for s in skipped]
    alone = CliRunner().invoke(cli, ["aging", "october/open.csv", "--as-of", "2026-10-31", "--format", "json"])
    assert json.loads(alone.stdout)["totals"] == out["totals"]


def test_a_folder_of_other_reports_only_is_one_line_saying_what_was_found(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ap").mkdir()
    (tmp_path / "ap" / "ap.csv").write_text(AP_AGING, encoding="utf-8")
    result = CliRunner().invoke(cli, ["aging", "ap"])
    assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("ardesk: ap: no QuickBooks receivables report in the folder, only other "
                                    "reports: ap.csv ('A/P Aging Summary') (export Open Invoices")
    single = CliRunner().invoke(cli, ["aging", "ap/ap.csv"])              # a file given alone is still refused
    assert single.exit_code == 2 and "not a QuickBooks receivables report" in single.stderr
