"""One ledger, several processes: first opens that race, writers that wait and give up, readers that never wait, and
pulls of an unchanged source that store nothing new. Every process is a real ``ardesk`` run."""
from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner

from cli import cli
from excel.panel import build_panel
from receivables.ledger import Ledger
from tests.exports import export_rows, open_invoices

ROOT = Path(__file__).resolve().parents[1]
RUN = "import sys; from cli import main; sys.argv[0] = 'ardesk'; main()"


def ardesk(folder: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", RUN, *args], cwd=folder, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=_env())


def _env() -> dict:
    import os

    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def test_an_unchanged_source_stores_nothing_new_and_its_books_date_still_moves(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rows = export_rows(40)
    export = tmp_path / "open.csv"
    export.write_text(open_invoices(rows), encoding="utf-8")

    def pull() -> str:
        result = CliRunner().invoke(cli, ["pull", "open.csv"])
        assert result.exit_code == 0, result.output
        return result.stdout

    assert pull().startswith("stored snapshot 1 in ardesk.db: ")
    assert pull().startswith("unchanged since snapshot 1 in ardesk.db: nothing new stored; books as of 2026-10-31")
    export.write_text(open_invoices(rows, as_of=dt.date(2026, 11, 3)), encoding="utf-8")     # run again later
    assert pull().startswith("unchanged since snapshot 1 in ardesk.db: nothing new stored; books as of 2026-11-03")
    with Ledger("ardesk.db") as ledger:
        assert [s.id for s in ledger.snapshots()] == [1]
        assert ledger.latest().report_date == dt.date(2026, 11, 3) == ledger.load(1).report_date
        assert [a["action"] for a in reversed(ledger.audit_trail())] == ["pull", "pull unchanged", "pull unchanged"]

    changed = list(rows)
    changed[5] = (*rows[5][:3], rows[5][3] + Decimal("0.01"))                        # one cent on one invoice
    export.write_text(open_invoices(changed, as_of=dt.date(2026, 11, 3)), encoding="utf-8")
    assert pull().startswith("stored snapshot 2 in ardesk.db: ")
    with Ledger("ardesk.db") as ledger:
        assert [s.id for s in ledger.snapshots()] == [2, 1]
        assert sum(i.open_amount for i in ledger.load(2).items) == sum(r[3] for r in rows) + Decimal("0.01")
    # another source with the same content is a snapshot of its own
    (tmp_path / "copy.csv").write_text(open_invoices(changed, as_of=dt.date(2026, 11, 3)), encoding="utf-8")
    assert CliRunner().invoke(cli, ["pull", "copy.csv"]).stdout.startswith("stored snapshot 3 in ardesk.db: ")


def test_processes_sharing_one_new_ledger_all_do_their_work(tmp_path):
    """Three first pulls of different exports into a ledger that does not exist yet, two refreshes of one
    workbook and reports from the ledger, all at once: each does its work, nothing is lost, the file is sound."""
    for k in range(3):
        (tmp_path / f"open{k}.csv").write_text(open_invoices(export_rows(6000 + k)), encoding="utf-8")
    (tmp_path / "ardesk.toml").write_text('[source]\ndefault = "open0.csv"\n', encoding="utf-8")
    build_panel(tmp_path / "collections.xlsm")
    runs = [ardesk(tmp_path, "pull", f"open{k}.csv") for k in range(3)]
    runs += [ardesk(tmp_path, "refresh", "--workbook", "collections.xlsm") for _ in range(2)]
    time.sleep(0.5)
    runs += [ardesk(tmp_path, "aging", "ledger", "--format", "csv") for _ in range(2)]
    results = [(p.args[3:], *p.communicate(timeout=240), p.returncode) for p in runs]
    for args, _out, err, code in results:
        assert "Traceback" not in err, (args, err)
        if args[0] == "aging" and code == 2:          # ran before any pull had stored a snapshot: said so
            said = err.strip()
            assert said.startswith("ardesk: ") and said.endswith(
                f"{tmp_path / 'ardesk.db'}: the ledger holds no snapshot yet (run `ardesk pull SOURCE` first)") \
                or "no ledger yet" in err, err
            continue
        assert code == 0, (args, err)
        assert all(line.startswith("ardesk: waiting for the ledger") for line in err.splitlines()
                   if line.startswith("ardesk:")), (args, err)
    with Ledger(tmp_path / "ardesk.db") as ledger:
        snapshots = ledger.snapshots()
        counts = sorted(s.items for s in snapshots)
        assert counts == [6000, 6001, 6002]       # the refreshes' pulls of open0.csv found it unchanged
        assert ledger.conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert ledger.conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert [e["action"] for e in ledger.audit_trail()].count("refresh") == 2


def test_a_writer_waits_says_so_and_gives_up_while_readers_never_wait(tmp_path):
    (tmp_path / "open.csv").write_text(open_invoices(export_rows(50)), encoding="utf-8")
    (tmp_path / "ardesk.toml").write_text("[ledger]\nbusy_timeout = 1.5\n", encoding="utf-8")
    assert CliRunner().invoke(cli, ["--config", str(tmp_path / "ardesk.toml"), "--ledger",
                                    str(tmp_path / "ardesk.db"), "pull", str(tmp_path / "open.csv")]).exit_code == 0
    holder = sqlite3.connect(tmp_path / "ardesk.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")                   # another writer, mid-pull
    holder.execute("INSERT INTO audit (at, actor, action, result) VALUES ('x', 'y', 'z', 'ok')")
    try:
        started = time.monotonic()
        reader = ardesk(tmp_path, "aging", "ledger", "--format", "json")
        out, err = reader.communicate(timeout=60)
        assert reader.returncode == 0 and '"total"' in out and "waiting" not in err, err
        writer = ardesk(tmp_path, "pull", "open.csv")
        out, err = writer.communicate(timeout=60)
        waited = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert writer.returncode == 1, err
    assert err.splitlines() == [
        "ardesk: waiting for the ledger ardesk.db: another ardesk is writing to it",
        f"ardesk: {tmp_path / 'ardesk.db'}: another ardesk has been writing to the ledger for over 1.5 s; nothing "
        "was written (run this again when it is done, or raise [ledger] busy_timeout in ardesk.toml)"]
    assert waited >= 1.5
    with Ledger(tmp_path / "ardesk.db") as ledger:
        assert len(ledger.snapshots()) == 1 and "z" not in [e["action"] for e in ledger.audit_trail()]


def test_first_opens_that_race_create_the_schema_once(tmp_path):
    """Processes opening a ledger that does not exist yet, released at the same moment: each gets a sound ledger."""
    code = ("import sys, time; from receivables.ledger import Ledger, SCHEMA_VERSION; t = float(sys.argv[2]);"
            "time.sleep(max(0, t - time.time())); l = Ledger(sys.argv[1]); assert l.schema_version == SCHEMA_VERSION")
    for k in range(3):
        path = tmp_path / f"new{k}.db"
        start = time.time() + 1.5                                         # after every interpreter has started
        procs = [subprocess.Popen([sys.executable, "-c", code, str(path), str(start)], cwd=ROOT, env=_env(),
                                  stderr=subprocess.PIPE, text=True) for _ in range(6)]
        done = [(p.communicate(timeout=60)[1], p.returncode) for p in procs]
        assert [code for _, code in done] == [0] * 6, done
        # a process that found another one creating the schema may have said that it waited, and nothing else
        assert all(line.startswith("waiting for the ledger") for err, _ in done for line in err.splitlines()), done
        with Ledger(path) as ledger:
            assert ledger.conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
