"""Hostile inputs through the real command line: every bad source ends in one line on stderr and the documented exit
status (2 for bad input or configuration, 1 for a remote failure), never a traceback, a hang or a silent acceptance.

Probes that would hang or read without end if the check regressed (a FIFO, ``/dev/zero``, a huge file) run the
command line in a subprocess with a timeout; the others through click's runner."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from cli import cli
from connectors import files
from tests.test_qb_history import IIF_TEXT
from tests.test_qb_open_items import qbo_open_invoices_rows, to_csv

AS_OF = "2026-10-07"


@pytest.fixture
def desk(tmp_path, monkeypatch):
    """An empty ardesk folder as the current folder, no Odoo password in the environment."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ARDESK_ODOO_PASSWORD", raising=False)
    (tmp_path / "ardesk.toml").write_text("", encoding="utf-8")
    return tmp_path


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(cli, ["--config", "ardesk.toml", "--ledger", "ardesk.db", *args], env=env)


def run_main(folder, *args: str, timeout: float = 30) -> subprocess.CompletedProcess:
    """The installed command line's ``main`` in a fresh interpreter, killed after ``timeout`` seconds."""
    env = {k: v for k, v in os.environ.items() if k != "ARDESK_ODOO_PASSWORD"}
    return subprocess.run([sys.executable, "-c", "from cli import main; main()", *args], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=timeout)


def refused(code: int, exit_code: int, stdout: str, stderr: str, *words: str, progress: str | None = None) -> str:
    """The one ``ardesk: `` line on stderr, after checking the exit status, that it is alone (``progress`` lines,
    the desk's own messages while it retries, aside), that it holds ``words``, and that no traceback shows."""
    assert "Traceback" not in stdout + stderr, stderr
    lines = [line for line in stderr.splitlines() if not (progress and progress in line)]
    assert code == exit_code, (code, stdout, stderr)
    assert len(lines) == 1 and lines[0].startswith("ardesk: "), stderr
    for word in words:
        assert word in lines[0], (word, lines[0])
    return lines[0]


def refused_by(result, exit_code: int, *words: str, progress: str | None = None) -> str:
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception                          # a bug: its traceback, not a line
    return refused(result.exit_code, exit_code, result.stdout, result.stderr, *words, progress=progress)


def refused_in_subprocess(proc: subprocess.CompletedProcess, exit_code: int, *words: str) -> str:
    return refused(proc.returncode, exit_code, proc.stdout, proc.stderr, *words)


# -- 1. files that are not files ----------------------------------------------------------------------------------

def test_a_fifo_named_like_an_export_is_refused_at_once(tmp_path):
    os.mkfifo(tmp_path / "x.csv")
    proc = run_main(tmp_path, "aging", "x.csv")
    refused_in_subprocess(proc, 2, "ardesk: x.csv: ", "not a regular file", "named pipe (FIFO)")


def test_a_character_device_is_refused(tmp_path):
    proc = run_main(tmp_path, "aging", "/dev/zero")
    refused_in_subprocess(proc, 2, "ardesk: /dev/zero: ", "not a regular file", "character device")


def test_a_file_over_the_size_limit_is_refused_naming_its_size(tmp_path):
    assert files.MAX_BYTES == 512 * 1024 * 1024
    with open(tmp_path / "huge.csv", "wb") as handle:            # sparse: nothing is written
        handle.truncate(files.MAX_BYTES + 100 * 1024 * 1024)
    proc = run_main(tmp_path, "aging", "huge.csv")
    refused_in_subprocess(proc, 2, "ardesk: huge.csv: ", "612 MB", "512 MB", "shorter period")


def test_a_symbolic_link_that_loops_is_one_line(desk):
    os.symlink("b.csv", desk / "a.csv")
    os.symlink("a.csv", desk / "b.csv")
    refused_by(run("aging", "a.csv"), 2, "ardesk: a.csv: ", "symbolic link that loops")


def test_a_folder_refuses_a_special_file_or_a_looping_link_among_its_exports(desk):
    folder = desk / "exports"
    folder.mkdir()
    (folder / "open.csv").write_bytes(to_csv(qbo_open_invoices_rows()))
    os.mkfifo(folder / "x.csv")
    proc = run_main(desk, "aging", "exports", "--as-of", AS_OF)
    refused_in_subprocess(proc, 2, f"ardesk: {os.path.join('exports', 'x.csv')}: ", "named pipe (FIFO)")
    os.unlink(folder / "x.csv")
    os.symlink("y.csv", folder / "z.csv")
    os.symlink("z.csv", folder / "y.csv")
    refused_by(run("aging", "exports", "--as-of", AS_OF), 2, "symbolic link that loops", "exports")
    for name in ("y.csv", "z.csv"):
        os.unlink(folder / name)
    (folder / "sub.csv").mkdir()                                    # subfolders are not read, whatever their name
    (folder / ".hidden.csv").write_bytes(b"junk")                   # nor hidden files
    result = run("aging", "exports", "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["totals"]["total"] == "3858.17"


def test_a_control_panel_given_as_a_source_is_one_line_without_library_warnings(desk):
    made = run("workbook", "new", "panel.xlsm")
    assert made.exit_code == 0, made.output
    proc = run_main(desk, "aging", "panel.xlsm")
    line = refused_in_subprocess(proc, 2, "ardesk: panel.xlsm: ", "macro-enabled workbook", "not a QuickBooks export",
                                 "ardesk refresh --workbook")
    assert "Warning" not in proc.stderr and "warn(" not in proc.stderr, line


# -- 2. QuickBooks exports --------------------------------------------------------------------------------------

def _aging_json(result) -> dict:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_blank_due_date_is_estimated_from_the_terms_and_named_and_the_aging_says_it_is_approximate(desk):
    rows = qbo_open_invoices_rows()
    assert rows[6][2:6] == ["Invoice", "1001", "Net 30", "10/01/2026"] and rows[15][2] == "Invoice"
    rows[6][5] = ""                      # Net 30 from 09/01/2026: estimated as 10/01/2026
    rows[15][5] = ""                     # no terms: [aging] default_terms_days (30) after 06/15/2026
    (desk / "open.csv").write_bytes(to_csv(rows))
    result = run("aging", "open.csv", "--as-of", AS_OF, "--format", "json")
    data = _aging_json(result)
    notes = result.stderr.splitlines()
    assert "note: open.csv, row 7, column 'Due date': no due date: estimated as 2026-10-01 from the terms 'Net 30'" \
        in notes, notes
    assert any(n.startswith("note: open.csv, row 16, column 'Due date': no due date, and no terms") for n in notes)
    assert any("approximate" in w for w in data["warnings"]), data["warnings"]
    by_customer = {c["customer"]: c["buckets"] for c in data["customers"]}
    assert by_customer["Anna E Yount"]["1-30"] == "1000.00"       # 1,200.00 due 10/01, less the payment
    assert by_customer["Freeman Sporting Goods:55 Twin Lane"]["61-90"] == "562.50"    # due 07/15: 84 days past
    # every due date printed: nothing said, nothing approximate
    (desk / "whole.csv").write_bytes(to_csv(qbo_open_invoices_rows()))
    whole = run("aging", "whole.csv", "--as-of", AS_OF, "--format", "json")
    assert _aging_json(whole)["warnings"] == [] and "due date" not in whole.stderr


def test_a_blank_due_date_in_a_history_export_is_named(desk):
    rows = [["Invoice List by Date"], ["Acme Co"], ["January 1-October 7, 2026"], [],
            ["Date", "Transaction type", "Num", "Name", "Memo", "Due date", "Amount", "Open balance"],
            ["09/01/2026", "Invoice", "1", "Anna", "", "10/01/2026", "1,000.00", "100.00"],
            ["09/15/2026", "Invoice", "2", "Bravo", "", "", "250.00", "250.00"],
            ["TOTAL", "", "", "", "", "", "$1,250.00", "$350.00"]]
    (desk / "list.csv").write_bytes(to_csv(rows))
    result = run("aging", "list.csv", "--as-of", AS_OF, "--format", "json")
    data = _aging_json(result)
    assert "note: list.csv, row 7, column 'Due date': no due date, and no terms" in result.stderr
    assert any("approximate" in w for w in data["warnings"]), data["warnings"]


def test_an_unknown_transaction_type_is_refused_naming_file_row_column_and_value(desk):
    rows = qbo_open_invoices_rows()
    rows[6][2] = "Frobnicate"
    (desk / "open.csv").write_bytes(to_csv(rows))
    refused_by(run("aging", "open.csv"), 2, "ardesk: open.csv, row 7, column 'Transaction type': ",
               "unknown transaction type 'Frobnicate'", "Invoice, Credit Memo, Payment")
    history = [["Transaction List by Customer"], ["Acme Co"], ["January 1, 2026-October 7, 2026"], [],
               ["", "Date", "Transaction type", "Num", "Posting", "Memo/Description", "Account full name", "Amount"],
               ["Anna"], ["", "01/05/2026", "Invoice", "1", "Yes", "", "Accounts Receivable (A/R)", "100.00"],
               ["", "02/10/2026", "Frobnicate", "E1", "No", "", "", "999.00"],
               ["Total for Anna", "", "", "", "", "", "", "$1,099.00"]]
    (desk / "list.csv").write_bytes(to_csv(history))
    refused_by(run("aging", "list.csv"), 2, "ardesk: list.csv, row 8, column 'Transaction type': ",
               "unknown transaction type 'Frobnicate'")
    (desk / "x.iif").write_text(IIF_TEXT.replace("CREDIT MEMO", "FROBNICATE"), encoding="utf-8")
    refused_by(run("aging", "x.iif"), 2, "ardesk: x.iif, row 17, column 'TRNSTYPE': ",
               "unknown transaction type 'FROBNICATE'")


def test_a_documented_type_ardesk_does_not_use_is_skipped_and_named_in_every_reader(desk):
    rows = qbo_open_invoices_rows()
    rows[6][2] = "Estimate"
    (desk / "open.csv").write_bytes(to_csv(rows))
    result = run("aging", "open.csv", "--as-of", AS_OF, "--format", "json")
    assert _aging_json(result)["totals"]["total"] == "2658.17"           # 3,858.17 less the 1,200.00 estimate
    assert "note: open.csv, column 'Transaction type': rows of other transaction types skipped: Estimate (1)" \
        in result.stderr.splitlines()
    # a journal entry on A/R is part of the open balance the report totals: kept by its sign, and named
    rows[6][2] = "Journal Entry"
    (desk / "je.csv").write_bytes(to_csv(rows))
    result = run("aging", "je.csv", "--as-of", AS_OF, "--format", "json")
    assert _aging_json(result)["totals"]["total"] == "3858.17"
    assert "counted by their sign" in result.stderr and "Journal Entry (1)" in result.stderr
    history = [["Transaction List by Customer"], ["Acme Co"], ["January 1, 2026-October 7, 2026"], [],
               ["", "Date", "Transaction type", "Num", "Posting", "Memo/Description", "Account full name", "Amount"],
               ["Anna"], ["", "01/05/2026", "Invoice", "1", "Yes", "", "Accounts Receivable (A/R)", "100.00"],
               ["", "02/10/2026", "Sales Receipt", "S1", "Yes", "", "Undeposited Funds", "999.00"],
               ["", "02/11/2026", "Journal Entry", "J1", "Yes", "", "Accounts Receivable (A/R)", "5.00"],
               ["Total for Anna", "", "", "", "", "", "", "$1,104.00"]]
    (desk / "list.csv").write_bytes(to_csv(history))
    result = run("aging", "list.csv", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert "rows of other transaction types skipped: Journal Entry (1), Sales Receipt (1)" in result.stderr
    (desk / "x.iif").write_text(IIF_TEXT.replace("CREDIT MEMO", "GENERAL JOURNAL"), encoding="utf-8")
    result = run("aging", "x.iif")
    assert result.exit_code == 0, result.output
    assert "note: x.iif, column 'TRNSTYPE': rows of other transaction types skipped: GENERAL JOURNAL (1)" \
        in result.stderr.splitlines()


def _multicurrency_rows(code: str) -> list:
    return [["A/R Aging Detail Report"], ["Acme Co"], ["As of Oct 7, 2026"], [],
            ["", "Date", "Transaction type", "Num", "Customer full name", "Due date", "Currency", "Exchange rate",
             "Foreign amount", "Foreign open balance", "Amount", "Open balance"],
            ["Current"], ["", "10/01/2026", "Invoice", "9", "Euro GmbH", "11/01/2026", code, "1.08", "1,000.00",
                          "400.00", "1,080.00", "432.00"],
            ["", "10/02/2026", "Invoice", "10", "Anna E Yount", "11/02/2026", "USD", "", "", "", "5.00", "5.00"],
            ["Total for Current", "", "", "", "", "", "", "", "", "", "$1,085.00", "$437.00"],
            ["TOTAL", "", "", "", "", "", "", "", "", "", "$1,085.00", "$437.00"]]


def test_a_currency_that_is_not_iso_4217_is_refused_naming_file_row_and_column(desk):
    (desk / "mc.csv").write_bytes(to_csv(_multicurrency_rows("XXQ")))
    refused_by(run("aging", "mc.csv"), 2, "ardesk: mc.csv, row 7, column 'Currency': ",
               "not an ISO 4217 currency code: 'XXQ'")
    history = [["Invoice List by Date"], ["Acme Co"], ["January 1-October 7, 2026"], [],
               ["Date", "Transaction type", "Num", "Name", "Memo", "Due date", "Amount", "Open balance", "Currency"],
               ["09/01/2026", "Invoice", "1", "Anna", "", "10/01/2026", "1,000.00", "100.00", "USD"],
               ["09/15/2026", "Invoice", "2", "Bravo", "", "10/15/2026", "250.00", "250.00", "XXQ"],
               ["TOTAL", "", "", "", "", "", "$1,250.00", "$350.00", ""]]
    (desk / "list.csv").write_bytes(to_csv(history))
    refused_by(run("aging", "list.csv"), 2, "ardesk: list.csv, row 7, column 'Currency': ",
               "not an ISO 4217 currency code: 'XXQ'")
    (desk / "fine.csv").write_bytes(to_csv(_multicurrency_rows("eur")))      # an ISO code in any case is read
    assert _aging_json(run("aging", "fine.csv", "--as-of", AS_OF, "--format", "json"))["totals"]["total"] == "437.00"


# -- 3. Odoo ------------------------------------------------------------------------------------------------------

def _odoo_config(folder, url: str, *, user: str = "admin", db: str = "demo", retries: int = 1,
                 backoff: float = 0.01, timeout: float = 5) -> None:
    (folder / "ardesk.toml").write_text(f'[odoo]\nurl = "{url}"\ndb = "{db}"\nuser = "{user}"\nretries = {retries}\n'
                                        f"backoff = {backoff}\ntimeout = {timeout}\n", encoding="utf-8")


PASSWORD = {"ARDESK_ODOO_PASSWORD": "admin"}


def test_an_odoo_url_that_is_not_a_url_is_a_configuration_error_at_once(desk):
    _odoo_config(desk, "not a url", retries=4, backoff=1)
    started = time.monotonic()
    result = run("pull", "odoo", env=PASSWORD)
    assert time.monotonic() - started < 5
    refused_by(result, 2, "ardesk: [odoo] url ", "'not a url'", "https://")
    assert "retrying" not in result.stderr


def test_an_odoo_url_holding_credentials_is_refused_without_echoing_them(desk):
    _odoo_config(desk, "https://bob:hunter2@erp.example.com")
    result = run("aging", "odoo", env=PASSWORD)
    refused_by(result, 2, "ardesk: [odoo] url ", "https://***@erp.example.com", "ARDESK_ODOO_PASSWORD")
    assert "hunter2" not in result.output and "bob" not in result.output


def test_a_wrong_odoo_user_is_told_to_check_the_user_and_the_password(desk):
    from tests.odoo_standin import start_standin

    with start_standin(version="17.0", size=20) as s:
        _odoo_config(desk, s.url, user="nobody")
        result = run("aging", "odoo", env={"ARDESK_ODOO_PASSWORD": s.password})
    refused_by(result, 1, "ardesk: Odoo refused the login for user nobody on database demo",
               "[odoo] user in ardesk.toml", "ARDESK_ODOO_PASSWORD")
    assert not list(desk.glob("*.db"))                  # a refused pull leaves no (empty) ledger behind


def test_an_odoo_server_that_does_not_answer_says_so_while_it_retries(desk):
    with socket.socket() as closed:                                  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    _odoo_config(desk, f"http://127.0.0.1:{port}", retries=1, backoff=0.01, timeout=1)
    result = run("pull", "odoo", env=PASSWORD)
    line = refused_by(result, 1, f"cannot reach the Odoo server at http://127.0.0.1:{port}", "after 2 attempt",
                      progress="does not answer; retrying")
    assert result.stderr.splitlines()[0] == (f"ardesk: Odoo at http://127.0.0.1:{port} does not answer; retrying in "
                                             "0.01 s (attempt 2 of 2)"), (result.stderr, line)
    with socket.socket() as silent:                                  # a port that accepts and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        _odoo_config(desk, f"http://127.0.0.1:{port}", retries=1, backoff=0.01, timeout=0.5)
        result = run("pull", "odoo", env=PASSWORD)
    refused_by(result, 1, f"cannot reach the Odoo server at http://127.0.0.1:{port}", progress="retrying in 0.01 s")
    assert "does not answer; retrying in 0.01 s (attempt 2 of 2)" in result.stderr


def test_an_odoo_currency_that_is_not_iso_4217_is_read_and_named(desk):
    from tests.odoo_standin import start_standin

    with start_standin(version="17.0", size=30) as s:
        currencies = s.store.tables["res.currency"]
        eur = next(k for k, v in currencies.items() if v.get("name") == "EUR")
        currencies[eur]["name"] = "LOY"                              # Odoo allows a currency of one's own
        _odoo_config(desk, s.url)
        result = run("aging", "odoo", "--format", "json", env={"ARDESK_ODOO_PASSWORD": s.password})
    assert result.exit_code == 0, result.output
    assert f"note: {s.url}, db demo: currency 'LOY' is not an ISO 4217 code: Odoo allows custom currencies" \
        in result.stderr, result.stderr


def test_a_problem_on_every_row_is_named_for_the_first_rows_and_counted_for_the_rest():
    from receivables.errors import Issue, summarised

    rows = [Issue("a.csv", f"no due date ({r})", row=r, column="Due date") for r in range(7, 107)]
    other = [Issue("a.csv", "bad currency", row=9, column="Currency"), Issue("a.csv", "dates read as DD/MM")]
    kept = summarised([*other, *rows], per=20)
    assert kept[:2] == tuple(other) and kept[2:22] == tuple(rows[:20])
    assert kept[22:] == (Issue("a.csv", "and 80 more rows like the 20 above: rows 27, 28, 29, 30, 31, 32, 33, 34, 35, "
                                        "36, ...", column="Due date"),)
    assert summarised(rows[:20], per=20) == tuple(rows[:20])


@pytest.mark.parametrize("content", [b" \r\n\t", b"\xef\xbb\xbf\r\n  \n", b"\x00\x00\n"])
def test_a_blank_export_is_refused_as_empty(tmp_path, content):
    from connectors.quickbooks import read_export
    from receivables.errors import InputError

    path = tmp_path / "blank.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match="the file is empty"):
        read_export(path)
