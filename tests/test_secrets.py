"""The Odoo and mail server passwords from the OS keyring (receivables/secrets.py), as a person at the panel keeps
them: ``ardesk secret set`` in one process, the commands that need the password in others, through keyring's own
file backend (keyrings.alt) in a folder of the test's. The environment variable still wins; a missing password is
one line naming both places; nothing of the password reaches the configuration, the ledger or the output."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from receivables.ledger import Ledger
from receivables.reminders import build
from tests.mailserver import PASSWORD, USER
from tests.mailserver import MailServer as SmtpServer
from tests.test_remind_send import AS_OF, _books, _held


def _ardesk(folder: Path, env: dict, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from cli import main; main()", *args], cwd=folder, env=env,
                          input=stdin, capture_output=True, text=True, timeout=120)


@pytest.fixture
def env(tmp_path):
    """A fresh process's environment: keyring's file backend under the test's folder, no password variables."""
    out = {k: v for k, v in os.environ.items() if k not in ("ARDESK_SMTP_PASSWORD", "ARDESK_ODOO_PASSWORD")}
    out.update(PYTHON_KEYRING_BACKEND="keyrings.alt.file.PlaintextKeyring", XDG_DATA_HOME=str(tmp_path / "data"),
               PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    return out


def _everything_written(*roots: Path) -> bytes:
    return b"".join(p.read_bytes() for root in roots for p in sorted(root.rglob("*")) if p.is_file())


def test_the_smtp_password_kept_in_the_keyring_sends_a_batch_and_goes_nowhere_else(tmp_path, env):
    with SmtpServer(tmp_path) as server:
        env["SSL_CERT_FILE"] = str(server.ca_file)
        desk = tmp_path / "desk"
        desk.mkdir()
        (desk / "ardesk.toml").write_text(
            f'[smtp]\nhost = "{server.host}"\nport = {server.port}\nuser = "{USER}"\n'
            'from_address = "ar@harborlane.example"\nrate_per_minute = 100000\n')
        books = _books(3)
        with Ledger(desk / "ardesk.db") as ledger:
            bid = ledger.reminders.store(build(books, AS_OF), policy=[])

        missing = _ardesk(desk, env, "remind", "send", str(bid))
        assert missing.returncode == 2 and len(missing.stderr.strip().splitlines()) == 1, missing.stderr
        assert "ARDESK_SMTP_PASSWORD" in missing.stderr and "ardesk secret set smtp" in missing.stderr

        kept = _ardesk(desk, env, "secret", "set", "smtp", "--stdin", stdin=PASSWORD + "\n")
        assert kept.returncode == 0 and f"smtp:{USER}@{server.host}:{server.port}" in kept.stdout, kept.stderr
        sent = _ardesk(desk, env, "remind", "send", str(bid), "--format", "json")
        assert sent.returncode == 0, sent.stderr
        assert json.loads(sent.stdout)["counts"] == {"sent": 3}
        assert sorted(_held(server, bid).values()) == [1, 1, 1]

        env["ARDESK_SMTP_PASSWORD"] = "wrong"        # the variable wins over the keyring
        with Ledger(desk / "ardesk.db") as ledger:
            again = ledger.reminders.store(build(books, date(2026, 12, 30)), policy=[])
        refused = _ardesk(desk, env, "remind", "send", str(again))
        assert refused.returncode == 1 and "refused the login" in refused.stderr
        del env["ARDESK_SMTP_PASSWORD"]

        assert PASSWORD.encode() not in _everything_written(desk)
        assert PASSWORD not in sent.stdout + sent.stderr + kept.stdout + kept.stderr

        gone = _ardesk(desk, env, "secret", "forget", "smtp")
        assert gone.returncode == 0 and "forgotten" in gone.stdout
        assert "none kept" in _ardesk(desk, env, "secret", "forget", "smtp").stdout
        assert _ardesk(desk, env, "remind", "send", str(again)).returncode == 2


def test_the_odoo_password_kept_in_the_keyring_pulls_and_another_server_gets_none(tmp_path, env):
    from tests.odoo_standin.server import StandIn

    with StandIn("17.0") as odoo:
        desk = tmp_path / "desk"
        desk.mkdir()
        toml = f'[odoo]\nurl = "{odoo.url}"\ndb = "{odoo.db}"\nuser = "admin"\n'
        (desk / "ardesk.toml").write_text(toml)
        assert _ardesk(desk, env, "secret", "set", "odoo", "--stdin", stdin="admin\n").returncode == 0
        pulled = _ardesk(desk, env, "aging", "odoo", "--format", "json")
        assert pulled.returncode == 0, pulled.stderr
        assert json.loads(pulled.stdout)["customers"]

        (desk / "ardesk.toml").write_text(toml.replace(f'db = "{odoo.db}"', 'db = "other"'))
        other = _ardesk(desk, env, "aging", "odoo")
        assert other.returncode == 2 and "ardesk secret set odoo" in other.stderr


def test_without_a_usable_keyring_the_line_says_why(tmp_path, env):
    desk = tmp_path / "desk"
    desk.mkdir()
    (desk / "ardesk.toml").write_text('[odoo]\nurl = "http://odoo.invalid"\ndb = "books"\nuser = "admin"\n')
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    result = _ardesk(desk, env, "aging", "odoo")
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "ARDESK_ODOO_PASSWORD" in result.stderr and "keyring could not be read" in result.stderr
    refused = _ardesk(desk, env, "secret", "set", "odoo", "--stdin", stdin="x\n")
    assert refused.returncode == 2 and "did not take the password" in refused.stderr
