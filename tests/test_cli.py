"""The command line through click's runner: the output contract, exit statuses and one-line errors."""
from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal

import pytest
from click.testing import CliRunner

from cli import cli

OPEN_INVOICES = (
    "Open Invoices Report\r\n"
    "Foundry Distribution, Inc\r\n"
    "\"As of Oct 31, 2026\"\r\n"
    "\r\n"
    ",Date,Transaction type,Num,Term,Due date,Open balance\r\n"
    "Acme Ltd,,,,,,\r\n"
    ",09/01/2026,Invoice,1001,Net 30,10/01/2026,\"1,200.50\"\r\n"
    ",10/15/2026,Invoice,1002,Net 30,11/14/2026,300.00\r\n"
    ",10/20/2026,Credit Memo,CM1,,10/20/2026,-50.00\r\n"
    "Total for Acme Ltd,,,,,,\"$1,450.50\"\r\n"
    "\"=HYPERLINK(\"\"http://x\"\")\",,,,,,\r\n"
    ",07/01/2026,Invoice,1003,Net 30,07/31/2026,99.99\r\n"
    "\"Total for =HYPERLINK(\"\"http://x\"\")\",,,,,,$99.99\r\n"
    "TOTAL,,,,,,\"$1,550.49\"\r\n"
    "\r\n\r\n\r\n"
    "\" Sunday, November 1, 2026 11:27 PM GMTZ\"\r\n"
)


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "open.csv").write_bytes(OPEN_INVOICES.encode())
    return tmp_path


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_aging_json_follows_the_contract(workdir):
    result = run("aging", "open.csv", "--as-of", "2026-10-31", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {k: data[k] for k in ("as_of", "currency", "by", "buckets")} == {
        "as_of": "2026-10-31", "currency": "USD", "by": "due",
        "buckets": ["Current", "1-30", "31-60", "61-90", "91+"]}
    assert data["customers"] == [
        {"customer": "=HYPERLINK(\"http://x\")", "total": "99.99",
         "buckets": {"Current": "0.00", "1-30": "0.00", "31-60": "0.00", "61-90": "0.00", "91+": "99.99"}},
        {"customer": "Acme Ltd", "total": "1450.50",
         "buckets": {"Current": "300.00", "1-30": "1150.50", "31-60": "0.00", "61-90": "0.00", "91+": "0.00"}},
    ]
    assert data["totals"] == {"Current": "300.00", "1-30": "1150.50", "31-60": "0.00", "61-90": "0.00",
                              "91+": "99.99", "total": "1550.49"}
    assert data["source_date"] == "2026-10-31"


def test_aging_custom_buckets_and_csv_keeps_formulas_as_text(workdir):
    result = run("aging", "open.csv", "--as-of", "2026-10-31", "--buckets", "15,90", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    dates = ["2026-10-31", "2026-10-31"]
    assert rows[0] == ["Customer", "Current", "1-15", "16-90", "91+", "Total", "As of", "Books as of"]
    assert rows[1] == ["'=HYPERLINK(\"http://x\")", "0.00", "0.00", "0.00", "99.99", "99.99", *dates]  # text
    assert rows[2] == ["Acme Ltd", "300.00", "-50.00", "1200.50", "0.00", "1450.50", *dates]  # credit in its bucket
    assert rows[-1] == ["TOTAL", "300.00", "-50.00", "1200.50", "99.99", "1550.49", *dates]


def test_pull_then_ledger_gives_the_same_aging(workdir):
    pulled = run("pull", "open.csv")
    assert pulled.exit_code == 0 and "stored snapshot 1" in pulled.stdout
    from_file = run("aging", "open.csv", "--as-of", "2026-11-15", "--format", "json")
    from_ledger = run("aging", "ledger", "--as-of", "2026-11-15", "--format", "json")
    assert json.loads(from_file.stdout) == json.loads(from_ledger.stdout)
    assert json.loads(from_ledger.stdout)["warnings"]     # later than the export: payments since are unknown


def test_aging_before_the_export_date_is_refused(workdir):
    result = CliRunner().invoke(cli, ["aging", "open.csv", "--as-of", "2026-09-30"])
    assert result.exit_code == 2
    assert result.stderr.startswith("ardesk: ") and "A/R Aging Detail" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("mutate, expected", [
    (lambda t: t.replace("\"$1,550.49\"", "\"$1,550.50\""), "row 14"),
    (lambda t: t.replace("11/14/2026", "14/14/2026"), "row 8"),
    (lambda t: "", "empty"),
])
def test_bad_input_is_one_line_exit_2_and_stores_nothing(workdir, mutate, expected):
    (workdir / "bad.csv").write_bytes(mutate(OPEN_INVOICES).encode())
    result = CliRunner().invoke(cli, ["pull", "bad.csv"])
    assert result.exit_code == 2, result.output
    line = result.stderr.strip()
    assert "\n" not in line and "bad.csv" in line and expected in line
    assert not (workdir / "ardesk.db").exists() or "stored" not in result.stdout


def test_missing_source_says_what_to_do(workdir):
    result = CliRunner().invoke(cli, ["aging"])
    assert result.exit_code == 2
    assert "no SOURCE given" in result.stderr and "ardesk.toml" in result.stderr


def test_every_command_has_help():
    def walk(group, prefix=()):
        for name, cmd in group.commands.items():
            yield prefix + (name,), cmd
            if hasattr(cmd, "commands"):
                yield from walk(cmd, prefix + (name,))
    for path, cmd in walk(cli):
        assert cmd.help and cmd.help.strip(), f"ardesk {' '.join(path)} has no help text"


def test_init_writes_a_config_a_panel_and_the_exports_folder_once(tmp_path):
    target = tmp_path / "desk"
    first = CliRunner().invoke(cli, ["init", str(target)])
    assert first.exit_code == 0, first.output
    assert {p.name for p in target.iterdir()} == {"ardesk.toml", "collections.xlsm", "exports"}
    (target / "ardesk.toml").write_text("[source]\ndefault = \"exports\"\n")
    again = CliRunner().invoke(cli, ["init", str(target)])
    assert "kept the existing" in again.output
    assert (target / "ardesk.toml").read_text() == "[source]\ndefault = \"exports\"\n"
    (target / "exports" / "open.csv").write_bytes(OPEN_INVOICES.encode())
    refreshed = CliRunner().invoke(cli, ["--config", str(target / "ardesk.toml"), "refresh",
                                                  "--workbook", str(target / "collections.xlsm")])
    assert refreshed.exit_code == 0, refreshed.output
    assert "4 open items" in refreshed.output


def test_dso_customers_and_forecast_in_every_format_on_the_sample_books(tmp_path, monkeypatch):
    from connectors.quickbooks.sample import SAMPLE_DIR

    monkeypatch.chdir(tmp_path)
    src = str(SAMPLE_DIR)
    dso = json.loads(run("dso", src, "--as-of", "2026-10-31", "--months", "6", "--format", "json").stdout)
    assert {"as_of", "period_days", "ar", "credit_sales", "dso", "countback_dso", "best_possible_dso",
            "average_days_delinquent", "cei", "months"} <= set(dso)
    assert dso["as_of"] == "2026-10-31" and [m["month"] for m in dso["months"]][-1] == "2026-10"
    assert len(dso["months"]) == 6 and dso["ar"] == "162211.16"
    for key in ("dso", "countback_dso", "best_possible_dso", "average_days_delinquent", "cei"):
        assert dso[key] is None or re.fullmatch(r"-?\d+\.\d", dso[key]), (key, dso[key])
    assert dso["cei_sales"]                      # the CEI convention is labelled in every output
    customers = json.loads(run("customers", src, "--as-of", "2026-10-31", "--format", "json").stdout)
    rows = customers["customers"]
    assert len(rows) > 40 and all(0 <= r["risk_score"] <= 100 for r in rows)
    assert {r["segment"] for r in rows} >= {"prompt", "slow"}
    forecast = json.loads(run("forecast", src, "--as-of", "2026-10-31", "--format", "json").stdout)
    assert len(forecast["weeks"]) == 13 and forecast["weeks"][0]["start"] == "2026-11-01"
    expected = sum(Decimal(w["amount"]) for w in [*forecast["weeks"], forecast["later"]])
    assert expected + Decimal(forecast["excluded_credits"]) == Decimal(dso["ar"])   # every open cent, once
    for kind in ("dso", "customers", "forecast"):
        table = run(kind, src, "--as-of", "2026-10-31")
        lines = run(kind, src, "--as-of", "2026-10-31", "--format", "csv").stdout.splitlines()
        assert table.exit_code == 0 and "2026-10-31" in table.stdout.splitlines()[0]
        assert lines[0].endswith("As of,Books as of") and lines[1].endswith("2026-10-31,2026-10-31")


def test_bad_dates_and_edges_fail_before_any_source_is_read(tmp_path, monkeypatch):
    """The inputs are checked while the command line is parsed: a missing file or an Odoo server that does not
    answer is never reached (no ledger is made, no password asked for)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ARDESK_ODOO_PASSWORD", raising=False)
    (tmp_path / "ardesk.toml").write_text('[odoo]\nurl = "http://127.0.0.1:9"\ndb = "x"\nuser = "u"\n')
    for source in ("/nonexistent.csv", "odoo"):
        for args, words in ((["--as-of", "2026-13-01"], "'2026-13-01' is not a date: use YYYY-MM-DD"),
                            (["--buckets", "90,30"], "bucket edges must be positive and increasing, got 90,30"),
                            (["--buckets", "30,x"], "give whole days separated by commas")):
            result = CliRunner().invoke(cli, ["aging", source, *args])
            assert result.exit_code == 2, result.output
            assert words in result.output and "nonexistent" not in result.output.replace(source, "", 1)
            assert "ARDESK_ODOO_PASSWORD" not in result.output
    assert list(tmp_path.iterdir()) == [tmp_path / "ardesk.toml"]


@pytest.mark.parametrize("args, words", [
    (["aging", "x.csv", "--buckets", "99999999999999999999"], "bucket edges must be 3650 days or fewer"),
    (["aging", "x.csv", "--buckets", "0,30"], "bucket edges must be positive and increasing"),
    (["dso", "x.csv", "--months", "100000"], "Invalid value for '--months': 100000 is not in the range 1<=x<=120."),
    (["dso", "x.csv", "--months", "0"], "Invalid value for '--months': 0 is not in the range 1<=x<=120."),
    (["dso", "x.csv", "--period-days", "0"], "Invalid value for '--period-days': 0 is not in the range"),
    (["dso", "x.csv", "--period-days", "-1"], "Invalid value for '--period-days': -1 is not in the range"),
    (["aging", "x.csv", "--by", "sideways"], "Invalid value for '--by': 'sideways' is not one of 'due', 'issued'."),
    (["aging", "--bogus"], "No such option '--bogus'."),
    (["frobnicate"], "No such command 'frobnicate'."),
    (["workbook", "new"], "Missing argument 'PATH'."),
])
def test_usage_errors_are_one_line_with_where_to_read_more(tmp_path, monkeypatch, args, words):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert result.stdout == "" and len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith("ardesk: ") and words in result.stderr and "(see `ardesk" in result.stderr
    assert list(tmp_path.iterdir()) == []                     # nothing was read or made


def test_config_and_ledger_go_before_or_after_the_command(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "open.csv").write_text(OPEN_INVOICES)
    (tmp_path / "elsewhere.toml").write_text("[aging]\nedges = [15]\n")
    before = CliRunner().invoke(cli, ["--config", "elsewhere.toml", "--ledger", "a.db", "pull", "open.csv"])
    after = CliRunner().invoke(cli, ["pull", "open.csv", "--config", "elsewhere.toml", "--ledger", "b.db"])
    assert before.exit_code == after.exit_code == 0, (before.output, after.output)
    assert (tmp_path / "a.db").is_file() and (tmp_path / "b.db").is_file() and not (tmp_path / "ardesk.db").exists()
    aged = CliRunner().invoke(cli, ["aging", "open.csv", "--format", "json", "--config", "elsewhere.toml"])
    assert json.loads(aged.stdout)["buckets"] == ["Current", "1-15", "16+"]


def test_a_progress_bar_only_on_a_terminal_and_never_with_quiet(monkeypatch):
    import sys

    from cli.common import progress

    class Terminal:
        def isatty(self):
            return True

        def write(self, text):
            return len(text)

        def flush(self):
            pass

    assert progress({}) is None                          # pytest's stderr is no terminal: a log, a scheduled job
    monkeypatch.setattr(sys, "stderr", Terminal())
    assert callable(progress({})) and progress({"quiet": True}) is None
    for args in (["--quiet", "aging", "--help"], ["aging", "--quiet", "--help"]):
        assert CliRunner().invoke(cli, args).exit_code == 0


def test_a_long_table_says_its_totals_first_and_json_is_one_record_per_line():
    from cli.output import TOTALS_FIRST, render

    labels = ["Current", "1-30"]
    customers = [{"customer": f"C{i:03d} [x]", "buckets": {"Current": f"{i}.00", "1-30": "0.00"}, "total": f"{i}.00"}
                 for i in range(TOTALS_FIRST + 1)]
    data = {"as_of": "2026-10-31", "currency": "USD", "by": "due", "buckets": labels, "customers": customers,
            "totals": {"Current": "820.00", "1-30": "0.00", "total": "820.00"}, "source_date": "2026-10-31",
            "warnings": ["one", "two"]}
    lines = render("aging", data, "table").splitlines()
    assert lines[1:3] == ["warning: one", "warning: two"]
    assert lines[3].split() == ["Customer", "Current", "1-30", "Total"]
    assert lines[5].split() == ["TOTAL", "820.00", "0.00", "820.00"] == lines[-1].split()
    short = render("aging", {**data, "customers": customers[:3]}, "table").splitlines()
    assert short[5].startswith("C000") and short[-1].startswith("TOTAL")
    text = render("aging", data, "json")
    assert json.loads(text) == data
    assert sum(line.strip().startswith('{"customer": ') for line in text.splitlines()) == len(customers)
