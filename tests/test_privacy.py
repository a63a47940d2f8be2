"""Erasure on request, end to end: a customer who is a natural person, pulled from Odoo (the stand-in), reminded by
e-mail, on a call list, by letter and handed to the agency, written about on the command line and on the Notes sheet
(saved by a spreadsheet program), is erased; then every table and column of the ledger (and its file's bytes), every
XML part of the workbook after a refresh, every file beside it (drafts, letters, hand-offs, call lists, exports) and
both logs are searched for each erased value; aging, DSO and forecast are the same; a later pull that brings the
data from Odoo again does not restore it."""
from __future__ import annotations

import json
import sqlite3
import zipfile
from datetime import date, datetime
from pathlib import Path

from click.testing import CliRunner

from cli import cli
from excel import buttons
from excel.package import read_notes
from excel.panel import build_panel
from jobs.notes import add_note
from jobs.privacy import privacy_prune
from jobs.pull import pull
from jobs.refresh import refresh_workbook
from jobs.remind import build, send
from jobs.scheduled import JOBS, Job
from jobs.scheduler import Scheduler
from jobs.settings import settings_for
from tests.odoo_standin.server import StandIn
from tests.test_notes_desk import _libreoffice
from tests.xlwings_book import payload_from_file, remote_book

TODAY = date(2026, 12, 1)
AS_OF = "2026-12-05"
ERIN = {"name": "Erin Quill", "email": "erin.quill@home.example", "phone": "+1 555 0199", "street": "7 Juniper Lane",
        "city": "Springfield", "zip": "62701"}
NOTE_WORDS = ("boiler", "insurance", "voicemail", "roof")
ERASED = (ERIN["name"], ERIN["email"], ERIN["phone"], ERIN["street"], *NOTE_WORDS)
LEVELS = """
[[reminders.levels]]
name = "first"
days = 7
[[reminders.levels]]
name = "call"
days = 20
template = "second"
channel = "call"
[[reminders.levels]]
name = "letter"
days = 30
template = "second"
channel = "letter"
[[reminders.levels]]
name = "agency"
days = 60
template = "final"
channel = "agency"
"""


def cli_run(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args])


def ledger_texts(db: Path) -> list[tuple[str, str]]:
    """(table.column, text) of every value in every table of the ledger (the column copies decoded), and the raw
    bytes of its files."""
    import pyarrow as pa

    out = []
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            for row in conn.execute(f"SELECT * FROM {table}"):
                for column, value in zip(columns, row):
                    if table == "item_columns" and column == "data":
                        value = str(pa.ipc.open_stream(pa.py_buffer(value)).read_all().to_pylist())
                    if value is not None:
                        out.append((f"{table}.{column}", str(value)))
    finally:
        conn.close()
    for f in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        if f.exists():
            out.append((f.name, f.read_bytes().decode("utf-8", "replace")))
    return out


def file_texts(folder: Path) -> list[tuple[str, str]]:
    """(where, text) of every file under ``folder``: each XML part of a workbook, other files as text."""
    out = []
    for f in sorted(p for p in folder.rglob("*") if p.is_file()):
        if f.suffix in (".xlsm", ".xlsx"):
            with zipfile.ZipFile(f) as z:
                out += [(f"{f.name}:{n}", z.read(n).decode("utf-8", "replace")) for n in z.namelist()]
        elif not f.name.startswith("ardesk.db"):
            out.append((str(f.relative_to(folder)), f.read_bytes().decode("utf-8", "replace")))
    return out


def found(texts: list[tuple[str, str]], values) -> set[tuple[str, str]]:
    return {(v, where) for where, text in texts for v in values if v.casefold() in text.casefold()}


class Clock:
    """The scheduler's clock standing at one moment."""

    def __init__(self, at: datetime):
        self.at = at

    def now(self) -> datetime:
        return self.at

    def sleep(self, seconds: float) -> None:
        raise AssertionError("a run --once never sleeps")


def _canonical(value):
    """A report's JSON with lists in a fixed order (a pseudonym sorts elsewhere than the name it replaces)."""
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((_canonical(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    return value


def _type_note(book: Path, workdir: Path, text: str) -> None:
    """A person opens the panel in LibreOffice, types a note about Erin under the one the command line added, and
    saves: every text of every sheet goes into the file's shared strings, as a spreadsheet program keeps them."""
    typed = workdir / "typed.xlsm"
    _libreoffice(book, typed, [["Notes", "A3", "value", 46346], ["Notes", "B3", "text", "omar"],      # 2026-11-20
                               ["Notes", "C3", "text", ERIN["name"]], ["Notes", "E3", "text", text]], workdir, "lo")
    typed.replace(book)


def test_an_erased_person_leaves_no_trace_and_a_later_pull_does_not_bring_it_back(tmp_path, monkeypatch):
    with StandIn("17.0") as standin:
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv("ARDESK_ODOO_PASSWORD", "admin")
        monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
        pid = standin.call("res.partner", "create", {**{k: v for k, v in ERIN.items()}, "is_company": False})
        standin.add_invoice(pid, "450.00", "2026-09-01", ["2026-10-01"])
        (tmp_path / "ardesk.toml").write_text(
            f'[source]\ndefault = "odoo"\n[odoo]\nurl = "{standin.url}"\ndb = "{standin.db}"\nuser = "admin"\n'
            'retries = 1\nbackoff = 0.001\n[company]\nname = "Harbor Lane Supply Co"\n'
            'address = "1 Harbor Lane\\nPortland, OR 97201"\n[smtp]\nfrom_address = "ar@harbor.example"\n'
            '[reminders]\nhandoffs = "handoffs"\n' + LEVELS)
        settings = settings_for(tmp_path / "ardesk.toml")
        book = build_panel(tmp_path / "collections.xlsm")
        pull(None, settings, today=TODAY)
        add_note(settings, ERIN["name"], "Erin says her boiler broke; pays after the insurance",
                 when=date(2026, 10, 12), author="ann")
        drafts = tmp_path / "drafts"
        for k, day in enumerate(("2026-10-11", "2026-10-26", "2026-11-05", AS_OF)):   # e-mail, call, letter, agency
            build("ledger", settings, today=TODAY, as_of=date.fromisoformat(day), workbook=book if k == 0 else None)
            send(settings, today=TODAY, out_dir=str(drafts))
        written = {p.name for p in drafts.iterdir()}
        mine = {f"reminder-1-{pid}.eml", f"letter-3-{pid}.pdf", f"handoff-4-{pid}.json", f"handoff-4-{pid}.csv"}
        assert mine <= written and "call-list-2.csv" in written
        refresh_workbook(book, None, settings, today=TODAY)
        _type_note(book, tmp_path, "Left a voicemail about the roof repair")
        refresh_workbook(book, None, settings, today=TODAY)
        # a button fails on an error that names her: its log says where, never what
        import receivables.panel

        with monkeypatch.context() as m:
            m.setattr(receivables.panel, "panel", lambda *a, **k: (_ for _ in ()).throw(
                ValueError(f"no answer from {ERIN['email']}")))
            status = buttons.run_button(remote_book(payload_from_file(book)), "dso")
        assert ERIN["email"] in status and "ValueError" in (tmp_path / buttons.LOG_NAME).read_text()
        assert ERIN["email"] not in (tmp_path / buttons.LOG_NAME).read_text()
        scheduler = Scheduler(settings, clock=Clock(datetime(2026, 12, 1, 6, 0)),
                              jobs={**JOBS, "privacy_prune": Job("privacy_prune", privacy_prune, "retention")})
        assert scheduler.once("refresh").run.outcome == "ok"
        assert scheduler.once("privacy_prune").run.counts["notes_deleted"] == 0

        before = {what: cli_run(what, "ledger", "--as-of", AS_OF, "--format", "json").stdout
                  for what in ("aging", "dso", "forecast")}
        assert ERIN["name"] in before["aging"]
        everywhere = ledger_texts(tmp_path / "ardesk.db") + file_texts(tmp_path)
        assert {v for v, _ in found(everywhere, ERASED)} == set(ERASED)      # the search finds what is there
        assert {v for v, where in found(everywhere, ERASED) if where.endswith("sharedStrings.xml")} >= {
            ERIN["name"], ERIN["email"], "voicemail"}
        assert not found([(w, t) for w, t in everywhere if "log" in w], ERASED)

        answer = json.loads(cli_run("privacy", "report", ERIN["name"], "--format", "json").stdout)
        [record] = answer["records"]
        assert (record["name"], record["email"], record["phone"]) == (ERIN["name"], ERIN["email"], ERIN["phone"])
        assert sorted(n["text"] for n in answer["notes"]) == ["Erin says her boiler broke; pays after the insurance",
                                                             "Left a voicemail about the roof repair"]
        assert [r["channel"] for r in answer["reminders"]] == ["email", "call", "letter", "agency"]
        assert answer["handover"]["batch"] == 4 and len(answer["files"]) == 5      # 4 her own, and a call list
        assert {"customers.email", "notes.text", "audit.detail"} <= {f"{h['table']}.{h['column']}"
                                                                     for h in answer["held"]}
        text = cli_run("privacy", "report", str(pid)).stdout
        assert f"Customer {pid} (Erin Quill)" in text and "boiler broke" in text and "batch 4" in text

        erased = cli_run("privacy", "erase", ERIN["name"], "--person", "--yes")
        assert erased.exit_code == 0, erased.output
        assert "name, e-mail address, phone number, postal address, note text" in erased.stdout
        assert "4 file(s) deleted, 1 call list(s) rewritten" in erased.stdout
        assert not mine & {p.name for p in drafts.iterdir()}
        assert "handoff-1-4.json" in {p.name for p in drafts.iterdir()}          # other customers' stay
        call_list = (drafts / "call-list-2.csv").read_text()
        assert call_list.startswith("customer,phone,email") and "Erased customer" in call_list and "450.00 USD" in \
            call_list                                  # the list stays, the row without her name and numbers
        refresh_workbook(book, None, settings, today=TODAY)
        assert scheduler.once("refresh").run.outcome == "ok"
        assert scheduler.once("privacy_prune").run.outcome == "ok"

        pseudonym = json.loads(cli_run("privacy", "report", str(pid), "--format", "json").stdout)["erasure"][
            "pseudonym"]
        assert pseudonym.startswith("Erased customer ")
        after = {what: cli_run(what, "ledger", "--as-of", AS_OF, "--format", "json") for what in before}
        for what, result in after.items():
            assert _canonical(json.loads(result.stdout)) == _canonical(
                json.loads(before[what].replace(ERIN["name"], pseudonym))), what
        assert "1 customer(s) erased on request: their personal data from the source is not kept" in after[
            "aging"].stderr

        # the Notes sheet: the erased notes' rows stay, blank where text and author were, under her pseudonym
        sheet = [r for r in read_notes(book) if r["customer"] == pseudonym]
        assert len(sheet) == 2 and all(r["text"] is None and r["author"] is None and r["uid"] for r in sheet)

        # Odoo still has her data, and changes her record: the next pull reads it again and keeps none of it
        standin.call("res.partner", "write", [pid], {"phone": ERIN["phone"], "street": ERIN["street"]})
        standin.call("res.partner", "write", [5], {"phone": "+1 555 0142"})       # another customer's change
        pulled = pull(None, settings, today=TODAY)
        assert any("erased on request" in str(n) for n in pulled.books.notes)
        assert standin.call("res.partner", "read", [pid], ["email"])[0]["email"] == ERIN["email"]
        refresh_workbook(book, None, settings, today=TODAY)
        assert cli_run("notes", "push").exit_code == 0              # an erased note is written to no ERP
        assert standin.call("mail.message", "search_read", [("message_id", "like", "ardesk-note")],
                            fields=["body"]) == []
        exported = cli_run("notes", "export").stdout
        (tmp_path / "notes-export.csv").write_text(exported)

        everywhere = ledger_texts(tmp_path / "ardesk.db") + file_texts(tmp_path)
        assert found(everywhere, ERASED) == set()
        assert found(everywhere, ["+1 555 0142"])                          # the other change was kept
        with sqlite3.connect(tmp_path / "ardesk.db") as conn:
            [(kinds, by)] = conn.execute("SELECT kinds, by FROM erasures").fetchall()
            [(detail,)] = conn.execute("SELECT detail FROM audit WHERE action = 'privacy erase'").fetchall()
        assert json.loads(kinds)[:4] == ["name", "e-mail address", "phone number", "postal address"] and by
        assert set(json.loads(detail)) == {"counts", "files", "kinds", "person"}
