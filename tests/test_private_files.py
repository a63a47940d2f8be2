"""On POSIX, what holds personal data is its owner's alone whatever the umask: the ledger and its journal 0600, the
folders the desk makes 0700 and the drafts, letters, call lists, hand-offs and the buttons' log in them 0600; a ledger
that group or others may write to is refused with one line saying how to fix it. (On Windows files take the
permissions of the user's folder; nothing is set or checked there.)"""
from __future__ import annotations

import os
import stat
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from receivables.errors import InputError
from receivables.ledger import Ledger
from receivables.records import Books, Customer, Invoice, ItemKind
from tests.test_privacy import cli_run

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")


@pytest.fixture
def loose_umask():
    """A umask that would make new files group-writable: what the desk creates must not depend on it."""
    old = os.umask(0o002)
    yield
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _books(*, emails: bool = True) -> Books:
    days = {"Email Co": 10, "Call Co": 25, "Letter Co": 35, "Agency Co": 70}
    if not emails:
        days.pop("Email Co")
    return Books(source="test", company_currency="USD", report_date=date(2026, 11, 30), customers=tuple(
        Customer(n, n, email=f"ap@{n.split()[0].lower()}.example", phone="+1 555 0100", address="1 Main St\nTown")
        for n in days), items=tuple(
        Invoice(f"invoice:{k}", str(k), n, ItemKind.INVOICE, date(2026, 9, 1), date.fromordinal(
            date(2026, 11, 30).toordinal() - d), "USD", Decimal("100.00"), Decimal("100.00"), customer_name=n)
        for k, (n, d) in enumerate(days.items())))


LEVELS = """[smtp]\nfrom_address = "ar@harbor.example"\n[company]\nname = "Harbor Lane"\n[reminders]
handoffs = "handoffs"
[[reminders.levels]]\nname = "first"\ndays = 7
[[reminders.levels]]\nname = "call"\ndays = 20\ntemplate = "second"\nchannel = "call"
[[reminders.levels]]\nname = "letter"\ndays = 30\ntemplate = "second"\nchannel = "letter"
[[reminders.levels]]\nname = "agency"\ndays = 60\ntemplate = "final"\nchannel = "agency"
[letters]\nfolder = "letters"
"""


def test_the_ledger_and_its_journal_are_the_owners_alone_and_a_writable_one_is_refused(tmp_path, monkeypatch,
                                                                                       loose_umask):
    path = tmp_path / "ardesk.db"
    with Ledger(path) as ledger:
        ledger.store(_books(), source_key="test")
        with Ledger(path) as reader:                         # a second connection while the first is open
            assert reader.latest() is not None
            journal = [path.with_name(path.name + s) for s in ("-wal", "-shm")]
            assert all(p.exists() for p in journal)
            assert [_mode(p) for p in (path, *journal)] == [0o600, 0o600, 0o600]
    os.chmod(path, 0o664)
    with pytest.raises(InputError) as refused:
        Ledger(path)
    assert str(refused.value) == (f"{path}: group or others may write to the ledger (mode -rw-rw-r--); ardesk opens "
                                  "only a ledger its owner alone may change (run `chmod 600 " f"{path}` if the file "
                                  "is yours)")
    monkeypatch.chdir(tmp_path)
    run = cli_run("aging", "ledger")
    assert run.exit_code == 2 and run.stderr.count("\n") == 1 and "chmod 600" in run.stderr
    os.chmod(path, 0o644)                                   # readable by others is the owner's choice: opened
    with Ledger(path) as ledger:
        assert ledger.latest() is not None


def _desk(folder: Path, monkeypatch, *, emails: bool) -> None:
    folder.mkdir()
    monkeypatch.chdir(folder)
    (folder / "ardesk.toml").write_text('[source]\ndefault = "ledger"\n' + LEVELS)
    with Ledger(folder / "ardesk.db") as ledger:
        ledger.store(_books(emails=emails), source_key="test")
    assert cli_run("remind", "build", "--as-of", "2026-11-30").exit_code == 0


def test_drafts_letters_call_lists_and_hand_offs_are_the_owners_alone(tmp_path, monkeypatch, loose_umask):
    _desk(tmp_path / "out", monkeypatch, emails=True)
    sent = cli_run("remind", "send", "--out", "drafts")
    assert sent.exit_code == 0, sent.output
    drafts = tmp_path / "out" / "drafts"
    names = sorted(p.name for p in drafts.iterdir())
    assert [n.split("-")[0] for n in names] == ["call", "handoff", "handoff", "letter", "reminder"]
    assert _mode(drafts) == 0o700 and {_mode(p) for p in drafts.iterdir()} == {0o600}
    # without --out: letters into [letters] folder, hand-offs into [reminders] handoffs, the call list beside the
    # ledger; the folders made for them 0700
    _desk(tmp_path / "home", monkeypatch, emails=False)
    sent = cli_run("remind", "send")
    assert sent.exit_code == 0, sent.output
    for folder in (tmp_path / "home" / "letters", tmp_path / "home" / "handoffs"):
        assert _mode(folder) == 0o700 and {_mode(p) for p in folder.iterdir()} == {0o600}, folder
    [call_list] = (tmp_path / "home").glob("call-list-*.csv")
    assert _mode(call_list) == 0o600


def test_the_buttons_log_is_the_owners_alone_and_holds_no_message(tmp_path, loose_umask):
    from excel import buttons

    class Book:
        fullname = str(tmp_path / "collections.xlsm")

    found = {"email": "jane@home.example"}            # what the code was working on: data, not code
    try:
        raise KeyError(found["email"])
    except KeyError:
        log = buttons._log_failure(Book(), "refresh")
    text = log.read_text()
    assert _mode(log) == 0o600 and "button refresh failed: KeyError" in text and "jane@home.example" not in text
