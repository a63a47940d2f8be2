"""Writing notes back to Odoo (the stand-in, over HTTP with the real odoorpc client), exactly once whatever fails.

A 200-note push is run with a fault at every call position (an HTTP 500, a connection dropped before the request
arrives, a reply lost after the server did the work), then pushed again until nothing is left: each note's
message exists once in the chatter, each activity once, each dispute flag was written once.
"""
from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest

from jobs.notes import add_note, erp_target, push
from jobs.settings import Settings, settings_for
from receivables.ledger import Ledger
from tests.odoo_standin.server import StandIn

N_NOTES = 200


@pytest.fixture()
def standin():
    with StandIn("17.0") as s:
        yield s


def _desk(tmp_path, standin, monkeypatch):
    monkeypatch.setenv("ARDESK_ODOO_PASSWORD", "admin")
    (tmp_path / "ardesk.toml").write_text(
        f'[odoo]\nurl = "{standin.url}"\ndb = "{standin.db}"\nuser = "admin"\nretries = 3\nbackoff = 0.001\n'
        f'[files]\nledger = "{tmp_path / "ardesk.db"}"\n')
    return settings_for(tmp_path / "ardesk.toml")


def _notes(standin, settings, n: int, tag: str = "") -> dict[str, dict]:
    """``n`` notes on the stand-in's customers and invoices, kept in the ledger as the Notes sheet's rows are:
    every other one on an invoice, every 4th with a next action, every 10th on an invoice opening a dispute; a
    third of the customers typed in capitals. Returns what each note should leave in Odoo, by note id."""
    invoices = standin.call("account.move", "search_read", [("move_type", "=", "out_invoice"),
                                                            ("state", "=", "posted")],
                            fields=["name", "commercial_partner_id"], order="id")
    rows, made = [], {}
    for i in range(n):
        inv = invoices[i % len(invoices)]
        customer = inv["commercial_partner_id"][1]
        on_invoice = i % 2 == 0
        rows.append({"_row": i + 2, "customer": customer if i % 3 else customer.upper(), "author": "jo",
                     "text": f"{tag}note {i}: <b>called</b> & co", "invoice": inv["name"] if on_invoice else None,
                     "written_at": date(2026, 11, 1) + timedelta(days=i % 28),
                     "next_action_date": date(2026, 12, 10) if i % 4 == 0 else None,
                     "dispute": "open" if on_invoice and i % 10 == 0 else None})
        made[i + 2] = {"invoice": inv["id"] if on_invoice else None, "activity": i % 4 == 0,
                       "dispute": on_invoice and i % 10 == 0}
    with Ledger(settings.ledger) as ledger:
        ids = ledger.notebook.keep(rows, origin="test").ids
    return {ids[r]: m for r, m in made.items()}


def _server_counts(standin) -> tuple[Counter, Counter]:
    messages = Counter(m["message_id"] for m in standin.call(
        "mail.message", "search_read", [("message_id", "like", "ardesk-note")], fields=["message_id"]))
    activities = Counter(a["summary"] for a in standin.call(
        "mail.activity", "search_read", [("summary", "like", "ardesk follow-up")], fields=["summary"]))
    return messages, activities


def _push_until_done(settings, standin, limit: int = 6) -> list:
    standin.set_faults()
    reports = []
    for _ in range(limit):
        report = push(settings)
        reports.append(report)
        if all(r.status in ("written", "already there") for r in report.results):
            return reports
    raise AssertionError(f"notes still not written after {limit} clean pushes: {reports[-1].counts()}")


def _check_exactly_once(standin, made: dict, settings) -> None:
    messages, activities = _server_counts(standin)
    assert all(messages[f"<ardesk-note-{uid}@ardesk>"] == 1 for uid in made)
    assert all(activities[f"ardesk follow-up {uid}"] == (1 if m["activity"] else 0) for uid, m in made.items())
    flagged = {line["move_id"][0] for line in standin.call("account.move.line", "search_read", [("blocked", "=", True)],
                                                          fields=["move_id"])}
    assert flagged == {m["invoice"] for m in made.values() if m["dispute"]}
    with Ledger(settings.ledger) as ledger:
        nb = ledger.notebook
        assert all(nb.synced_text(uid).startswith("written") for uid in made)


def test_a_clean_push_writes_each_note_once_and_a_second_push_nothing(tmp_path, standin, monkeypatch):
    settings = _desk(tmp_path, standin, monkeypatch)
    made = _notes(standin, settings, N_NOTES)
    before = standin.requests
    first = push(settings)
    calls = standin.requests - before
    assert first.counts() == {"written": N_NOTES}
    # the reads are a few wide ones; then one call per message, activity and disputed invoice (plus the two
    # lookups of the activity's model and type)
    writes = N_NOTES + sum(m["activity"] for m in made.values()) + sum(m["dispute"] for m in made.values())
    assert calls <= writes + 12
    _check_exactly_once(standin, made, settings)
    before = standin.requests
    again = push(settings)
    assert again.results == [] and again.message == "every note was already written"
    assert standin.requests == before                 # nothing to do: not even a connection


@pytest.mark.parametrize("kind", ["http_500_at", "drop_at", "lost_reply_at"])
def test_a_fault_at_every_call_position_still_writes_each_note_exactly_once(tmp_path, standin, monkeypatch, kind):
    """For each position of the clean push's calls: a fresh ledger and 200 new notes, the fault at that position,
    pushes until nothing is left; then each note's message, activity and flag are on the server exactly once."""
    settings = _desk(tmp_path, standin, monkeypatch)
    _notes(standin, settings, N_NOTES, tag="clean ")
    before = standin.requests
    push(settings)
    positions = standin.requests - before
    assert positions > N_NOTES
    for position in range(1, positions + 1):
        here = Settings(settings.config, tmp_path / f"{kind}-{position}.db")
        made = _notes(standin, here, N_NOTES, tag=f"{kind} {position} ")
        _clear_flags(standin)
        writes_before = standin.calls["write"]
        standin.set_faults(**{kind: position})
        push(here)
        _push_until_done(here, standin)
        _check_exactly_once(standin, made, here)
        # every disputed invoice's flag was written once: a lost reply is looked up, never written again
        assert standin.calls["write"] - writes_before == len({m["invoice"] for m in made.values() if m["dispute"]})


def _clear_flags(standin) -> None:
    lines = standin.call("account.move.line", "search", [("blocked", "=", True)])
    if lines:
        standin.call("account.move.line", "write", lines, {"blocked": False})


def test_a_refused_note_is_reported_kept_and_written_once_allowed(tmp_path, standin, monkeypatch):
    settings = _desk(tmp_path, standin, monkeypatch)
    made = _notes(standin, settings, 20)
    unknown = add_note(settings, "Nobody Ltd", "about no one", when=date(2026, 11, 2))
    standin.set_faults(refuse={"account.move.line.write": True})
    report = push(settings)
    by_uid = {r.uid: r for r in report.results}
    assert by_uid[unknown].status == "refused" and "no customer named 'Nobody Ltd'" in by_uid[unknown].reason
    refused = [uid for uid, m in made.items() if m["dispute"]]
    assert refused and all(by_uid[u].status == "refused" and "not allowed" in by_uid[u].reason for u in refused)
    assert all(by_uid[u].status == "written" for u in made if u not in refused)
    with Ledger(settings.ledger) as ledger:
        assert ledger.notebook.synced_text(refused[0]).startswith("refused")
        trail = [a for a in ledger.audit_trail() if a["action"] == "notes push"]
        assert trail and "not written" in trail[0]["result"]
    standin.set_faults(refuse={})
    report = push(settings)
    assert {r.uid for r in report.results if r.status == "written"} == set(refused)
    assert {r.uid: r.status for r in report.results}[unknown] == "refused"
    messages, _ = _server_counts(standin)
    assert max(messages.values()) == 1 and len(messages) == len(made)


def test_an_edit_is_posted_once_as_a_correction(tmp_path, standin, monkeypatch):
    settings = _desk(tmp_path, standin, monkeypatch)
    uid = add_note(settings, "Acme Ltd", "will pay 4,000 on Friday", when=date(2026, 11, 2),
                   next_action=date(2026, 12, 1))
    assert push(settings).counts() == {"written": 1}
    with Ledger(settings.ledger) as ledger:
        row = ledger.notebook.rows()[0]
        edited = {k: row[k] for k in ("written_at", "author", "customer", "text")}
        ledger.notebook.keep([{**edited, "uid": uid, "text": "will pay 3,000 on Friday",
                               "next_action_date": date(2026, 12, 3)}], origin="w.xlsm")
    standin.set_faults(lost_reply_at=range(3, 100, 2))  # every other answer lost: the edit is found, not doubled
    push(settings)
    _push_until_done(settings, standin)
    messages, activities = _server_counts(standin)
    assert messages == Counter({f"<ardesk-note-{uid}@ardesk>": 1, f"<ardesk-note-{uid}.1@ardesk>": 1})
    [activity] = standin.call("mail.activity", "search_read", [("summary", "=", f"ardesk follow-up {uid}")],
                              fields=["date_deadline"])
    assert str(activity["date_deadline"]) == "2026-12-03" and activities[f"ardesk follow-up {uid}"] == 1
    [correction] = standin.call("mail.message", "search_read", [("message_id", "=", f"<ardesk-note-{uid}.1@ardesk>")],
                                fields=["body", "model", "res_id"])
    assert "Correction of collection note" in correction["body"] and "3,000" in correction["body"]


@pytest.mark.parametrize("version,flag", [("19.0", "no_followup"), ("18.0", None), ("14.0", "blocked")])
def test_dispute_flag_follows_each_version(tmp_path, monkeypatch, version, flag):
    with StandIn(version) as standin:
        settings = _desk(tmp_path, standin, monkeypatch)
        [inv] = standin.call("account.move", "search_read", [("move_type", "=", "out_invoice"),
                                                             ("state", "=", "posted")],
                             fields=["name", "commercial_partner_id"], limit=1, order="id")
        add_note(settings, inv["commercial_partner_id"][1], "<script>x</script> billed twice", invoice=inv["name"],
                 when=date(2026, 11, 2), dispute="open")
        report = push(settings)
        assert report.counts() == {"written": 1}
        [message] = standin.call("mail.message", "search_read", [("message_id", "like", "ardesk-note")],
                                 fields=["body"])
        assert "<script>" not in message["body"] and "&lt;script&gt;" in message["body"]
        if flag is None:         # 18.0: no flag to set; the step is done and says why
            with Ledger(settings.ledger) as ledger:
                steps = ledger.notebook.steps(erp_target(settings))
            [dispute] = [s for (uid, _rev, step), s in steps.items() if step == "dispute"]
            assert dispute.state == "done" and "has no No Follow-up flag" in dispute.reason
            return
        lines = standin.call("account.move.line", "search_read", [("move_id", "=", inv["id"]), (flag, "=", True)],
                             fields=["id"])
        assert lines
        add_note(settings, inv["commercial_partner_id"][1], "credit note issued", invoice=inv["name"],
                 when=date(2026, 11, 9), dispute="resolved")
        assert push(settings).counts() == {"written": 1}
        assert not standin.call("account.move.line", "search_read", [("move_id", "=", inv["id"]), (flag, "=", True)],
                                fields=["id"])


# -- with the ardesk add-on on the server -------------------------------------------------------------------------
@pytest.mark.parametrize("version", ["17.0", "19.0"])
def test_with_the_add_on_notes_go_to_its_method_once_whatever_answer_is_lost(tmp_path, monkeypatch, version):
    """The desk finds the add-on and sends the notes in batches to its one method; a batch whose answer was lost
    (or that never arrived) is sent again, and the add-on creates each note once."""
    with StandIn(version, addons=("ardesk_collections",)) as standin:
        settings = _desk(tmp_path, standin, monkeypatch)
        made = _notes(standin, settings, N_NOTES)
        unknown = add_note(settings, "Nobody Ltd", "about no one", when=date(2026, 11, 2))
        for kind in ("lost_reply_at", "drop_at", "http_500_at"):
            standin.set_faults(**{kind: range(1, 200, 2)})      # every other call: every batch is hit once
            push(settings)
        standin.set_faults()
        report = push(settings)
        assert {r.status for r in report.results} <= {"written", "already there", "refused"}
        with Ledger(settings.ledger) as ledger:
            nb = ledger.notebook
            assert all(nb.synced_text(uid).startswith("written") for uid in made)
            assert nb.synced_text(unknown).startswith("refused")
            steps = nb.steps(erp_target(settings))
        assert {step for (_uid, _rev, step) in steps} == {"addon"}            # no chatter path taken
        notes = standin.call("ardesk.collection.note", "search_read", [], fields=["external_id", "dispute_state"])
        assert sorted(n["external_id"] for n in notes) == sorted(made)
        messages = standin.call("mail.message", "search_read", [("body", "like", "Collection note N-")],
                                fields=["body"])
        assert len(messages) == len(made)
        again = push(settings).results                      # only the refused note is tried again
        assert [(r.uid, r.status) for r in again] == [(unknown, "refused")]
