"""Erasure where the source knows a person by its name: a QuickBooks customer whose id is its name, with payments
that have no number (their ids are made from the name), is given its pseudonym as id too, consistently in items,
payments, allocations, notices and notes, so that the figures stay; a business keeps its company name and loses its
contacts; an export rewritten with the person's contact data, pulled again, does not bring any of it back."""
from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from cli import cli
from tests.test_privacy import _canonical, cli_run, file_texts, found, ledger_texts

DANA, FOUNDRY = "Dana Whitfield", "Foundry Supplies Ltd"
DANA_VALUES = (DANA, "12 Larch Court", "dana.w@home.example", "(303) 555-0147", "kitchen")
AS_OF = "2026-07-31"


def _csv(path: Path, rows: list[list]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8", newline="")


def _exports(folder: Path, *, extra: list[list] = (), dana_street: str = "12 Larch Court") -> None:
    """An Invoices and Received Payments report (payments without a number) and a customer contact list."""
    folder.mkdir(exist_ok=True)
    _csv(folder / "irp.csv", [
        ["Harbor Lane Supply Co"], ["Invoices and Received Payments"], ["July 2026"], [],
        ["", "Date", "Transaction type", "Memo/Description", "Transaction number", "Amount", "Payment method",
         "Open Balance"],
        [DANA], ["", "07/01/2026", "Invoice", "", "1001", "500.00", "", "0.00"],
        ["", "07/10/2026", "Payment", "", "", "200.00", "Check", ""],
        ["", "07/20/2026", "Payment", "", "", "300.00", "Check", ""],
        ["", "07/02/2026", "Invoice", "", "1002", "80.00", "", "80.00"], *extra,
        [FOUNDRY], ["", "07/03/2026", "Invoice", "", "2001", "300.00", "", "300.00"],
        [], [], [], [" Friday, July 31, 2026 02:10 PM GMT-06:00"]])
    _csv(folder / "contacts.csv", [
        ["Customer Contact List"], ["Harbor Lane Supply Co"], [],
        ["", "Customer", "Phone Numbers", "Email", "Full Name", "Billing Address"],
        ["", DANA, "(303) 555-0147", "dana.w@home.example", DANA, f"{dana_street}\nBoulder, CO 80302"],
        ["", FOUNDRY, "0113 496 0000", "ap@foundry.example", "Pat Kim", "5 Mill Road\nLeeds LS1 4AP"]])


def test_a_person_known_by_its_name_gets_a_pseudonym_for_id_and_a_rewritten_export_does_not_restore_it(
        tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _exports(tmp_path / "exports")
    (tmp_path / "ardesk.toml").write_text(f'[source]\ndefault = "exports"\n[reminders]\nconsumers = ["{DANA}"]\n'
                                          '[smtp]\nfrom_address = "ar@harbor.example"\n')
    assert cli_run("pull").exit_code == 0
    assert cli_run("notes", "add", DANA, "Dana is redoing her kitchen", "--date", "2026-07-25").exit_code == 0
    built = cli_run("remind", "build", "ledger", "--as-of", AS_OF, "--contacts", "exports/contacts.csv")
    assert built.exit_code == 0, built.output
    assert cli_run("remind", "send", "--out", "drafts").exit_code == 0
    db = tmp_path / "ardesk.db"
    with sqlite3.connect(db) as conn:
        assert any(DANA in pid for (pid,) in conn.execute("SELECT id FROM payments"))      # ids made of her name
    before = {w: cli_run(w, "ledger", "--as-of", AS_OF, "--format", "json").stdout for w in ("aging", "dso")}
    assert {v for v, _ in found(ledger_texts(db), DANA_VALUES)} == set(DANA_VALUES)

    erased = cli_run("privacy", "erase", DANA, "--yes")       # [reminders] consumers names her: a person
    assert erased.exit_code == 0, erased.output
    assert 'ardesk.toml: [reminders] consumers names this customer by a name now erased: write' in erased.stdout
    with sqlite3.connect(db) as conn:
        [(pseudonym,)] = conn.execute("SELECT pseudonym FROM erasures").fetchall()
        ids = {r[0] for r in conn.execute("SELECT id FROM items UNION SELECT id FROM payments")}
        links = {r[0] for r in conn.execute("SELECT credit_item_id FROM allocations UNION SELECT debit_item_id"
                                            " FROM allocations")}
        applied = {i for (a,) in conn.execute("SELECT applied_to FROM payments") for i in json.loads(a)}
        assert conn.execute("SELECT count(*) FROM customers WHERE id = ? AND name = ?",
                            (pseudonym, pseudonym)).fetchone() == (1,)
        assert conn.execute("SELECT customer_id, customer FROM reminder_notices WHERE customer_id = ?",
                            (pseudonym,)).fetchone() == (pseudonym, pseudonym)
    assert links <= ids and applied <= ids and any(pseudonym in i for i in links)     # renamed together
    assert found(ledger_texts(db) + file_texts(tmp_path / "drafts"), DANA_VALUES) == set()
    for what, text in before.items():
        after = cli_run(what, "ledger", "--as-of", AS_OF, "--format", "json").stdout
        assert _canonical(json.loads(after)) == _canonical(json.loads(text.replace(DANA, pseudonym))), what

    # a business: its contacts go, its company name stays
    assert cli_run("privacy", "erase", FOUNDRY, "--yes").exit_code == 0
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT name, email, phone, address FROM customers WHERE id = ?",
                            (FOUNDRY,)).fetchall() == [(FOUNDRY, None, None, None)]
        assert conn.execute("SELECT pseudonym FROM erasures WHERE customer_id = ?", (FOUNDRY,)).fetchone() == (None,)
    assert found(ledger_texts(db), ["5 Mill Road", "ap@foundry.example", "0113 496 0000"]) == set()

    # the exports are rewritten with her contacts (another address) and a new invoice: the pull stores the new
    # invoice under her pseudonym, and none of her data
    _exports(tmp_path / "exports", extra=[["", "07/28/2026", "Invoice", "", "1003", "45.00", "", "45.00"]],
             dana_street="3 Aspen Way")
    pulled = cli_run("pull")
    assert pulled.exit_code == 0 and "stored snapshot 2" in pulled.stdout
    rebuilt = cli_run("remind", "build", "ledger", "--as-of", "2026-08-31", "--contacts", "exports/contacts.csv")
    assert rebuilt.exit_code == 0 and DANA not in rebuilt.output          # nor does the contact list
    assert "2 customer(s) erased on request: their personal data from the source is not kept" in pulled.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT customer_id, customer_name FROM items WHERE snapshot_id = 2 AND number = '1003'"
                            ).fetchone() == (pseudonym, pseudonym)
    assert found(ledger_texts(db), (*DANA_VALUES, "3 Aspen Way", "5 Mill Road", "ap@foundry.example")) == set()
    with sqlite3.connect(db) as conn:                       # the batch was built, for both, without their contacts
        assert conn.execute("SELECT count(*), count(email) FROM reminder_notices WHERE batch_id = 2").fetchone() == (
            2, 0)
    answer = json.loads(cli_run("privacy", "report", DANA, "--format", "json").stdout)     # by the name it had
    assert answer["customer"]["id"] == pseudonym and answer["erasure"]["pseudonym"] == pseudonym
    assert answer["records"][0]["email"] is None and DANA not in json.dumps(answer["records"])


def test_erase_asks_first_and_an_unknown_customer_is_one_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _exports(tmp_path / "exports")
    (tmp_path / "ardesk.toml").write_text('[source]\ndefault = "exports"\n')
    assert cli_run("pull").exit_code == 0
    declined = CliRunner().invoke(cli, ["privacy", "erase", DANA], input="n\n")
    assert declined.exit_code == 1 and f"Erase the personal data of {DANA} (business (its name stays))" in \
        declined.output and declined.stderr == "ardesk: stopped\n"
    assert _rows(tmp_path / "ardesk.db", "SELECT count(*) FROM erasures") == [(0,)]
    unknown = cli_run("privacy", "report", "Nobody Such")
    assert unknown.exit_code == 2 and unknown.stderr == (
        "ardesk: no customer 'Nobody Such' in the ledger (give its id or its name as `ardesk customers ledger` lists "
        "it; a person erased on request is known by its id or its pseudonym only)\n")
    agreed = CliRunner().invoke(cli, ["privacy", "erase", DANA, "--person"], input="y\n")
    assert agreed.exit_code == 0 and "(person)" in agreed.output and "erased the personal data" in agreed.output


def _rows(db, sql):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()
