"""Retention: how long the ledger keeps personal data, applied on an explicit date (``ardesk privacy prune`` and
the scheduler's ``privacy_prune``; ``[privacy]`` in ardesk.toml gives the periods, README.md the reasons).

- **Notes** written (by the date on them, else when first seen) longer than ``keep_notes_years`` before the date
  are deleted with their earlier versions and write-back records; their ids stay (never their content) so that a
  Notes sheet still showing them does not bring them back (:meth:`receivables.note_store.NoteStore.keep`).
- **Messages**: a reminder notice sent (or tried, or built) longer than ``keep_messages_years`` before the date
  loses its e-mail address, phone number, postal address and outcome; its level, date and items stay (the "already
  reminded" rule and the worklist read them). The drafts, letters and call lists written for such notices, and the
  files of hand-offs that old, are returned for the caller to delete (a call list only when no later notice names
  it).
- **Contacts**: a customer whose last invoice in any snapshot is older than
  ``keep_contacts_after_last_invoice_years`` and that owes nothing in the latest snapshot of any source loses its
  e-mail, phone and postal address in every snapshot. A customer with no invoice in the ledger is left alone: the
  ledger cannot tell when it last bought.

Nothing here reads the clock: the date is the caller's (a test's, the scheduler's day).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from .privacy import FILE_OUTCOMES


@dataclass(frozen=True)
class Retention:
    """How many years each kind of personal data is kept (``[privacy]``)."""

    notes_years: int
    messages_years: int
    contacts_years: int


def years_before(day: date, years: int) -> date:
    """The same day ``years`` earlier (29 February becomes the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


@dataclass
class Pruned:
    """What :func:`prune` did, and the files the caller deletes after the commit."""

    notes: int = 0
    notices: int = 0
    customers: int = 0
    handoffs: int = 0
    files: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {"notes_deleted": self.notes, "notices_blanked": self.notices, "customers_blanked": self.customers,
                "handoffs_cleared": self.handoffs, "files": len(self.files)}


def prune(ledger, as_of: date, keep: Retention, *, by: str) -> Pruned:
    """Apply ``keep`` as of ``as_of`` in one transaction (old values overwritten in the file: ``secure_delete``),
    recorded in the audit trail with its counts."""
    conn = ledger.conn
    conn.execute("PRAGMA secure_delete = ON")
    done = Pruned()
    at = datetime.now(UTC).isoformat(timespec="seconds")
    with ledger.transaction() as c:
        _notes(c, years_before(as_of, keep.notes_years).isoformat(), at, done)
        _messages(c, years_before(as_of, keep.messages_years).isoformat(), done)
        _contacts(c, years_before(as_of, keep.contacts_years).isoformat(), done)
        c.execute("INSERT INTO audit (at, actor, action, target, result, detail) VALUES (?,?,?,?,?,?)",
                  (at, by, "privacy prune", as_of.isoformat(), "ok",
                   json.dumps({**done.counts(), "keep_notes_years": keep.notes_years,
                               "keep_messages_years": keep.messages_years,
                               "keep_contacts_after_last_invoice_years": keep.contacts_years}, sort_keys=True)))
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except Exception:  # noqa: BLE001 - another reader holds the journal: it is overwritten as the ledger is used
        pass
    return done


def _notes(c, cutoff: str, at: str, done: Pruned) -> None:
    uids = [r[0] for r in c.execute("SELECT uid FROM notes WHERE coalesce(written_at, substr(first_seen, 1, 10)) < ?",
                                    (cutoff,))]
    c.executemany("DELETE FROM notes WHERE uid = ?", [(u,) for u in uids])          # revisions and sync cascade
    c.executemany("INSERT OR REPLACE INTO erased_notes (uid, why, at) VALUES (?, 'retention', ?)",
                  [(u, at) for u in uids])
    done.notes = len(uids)


def _named(outcome: str | None) -> str | None:
    return next((outcome[len(p):].strip() for p in FILE_OUTCOMES if outcome and outcome.startswith(p)), None)


def _messages(c, cutoff: str, done: Pruned) -> None:
    old = c.execute(
        "SELECT n.rowid, n.outcome FROM reminder_notices n JOIN reminder_batches b ON b.id = n.batch_id"
        " WHERE substr(coalesce(n.sent_at, n.attempted_at, b.built_at), 1, 10) < ? AND (n.email IS NOT NULL OR"
        " n.phone IS NOT NULL OR n.address IS NOT NULL OR n.outcome IS NOT NULL)", (cutoff,)).fetchall()
    named = {p for _rowid, outcome in old if (p := _named(outcome))}
    c.executemany("UPDATE reminder_notices SET email = NULL, phone = NULL, address = NULL, outcome = NULL"
                  " WHERE rowid = ?", [(r,) for r, _ in old])
    still = {p for (outcome,) in c.execute("SELECT outcome FROM reminder_notices WHERE outcome IS NOT NULL")
             if (p := _named(outcome))}
    files = sorted(named - still)
    for at_, files_json, cid in c.execute("SELECT at, files, customer_id FROM handovers WHERE files != '[]'")\
            .fetchall():
        if at_[:10] < cutoff:
            files += json.loads(files_json)
            c.execute("UPDATE handovers SET files = '[]' WHERE customer_id = ?", (cid,))
            done.handoffs += 1
    done.notices = len(old)
    done.files = files


def _contacts(c, cutoff: str, done: Pruned) -> None:
    latest = [r[0] for r in c.execute("SELECT max(id) FROM snapshots GROUP BY source_key")]
    owing = {r[0] for r in c.execute(
        f"SELECT DISTINCT customer_id FROM items WHERE snapshot_id IN ({','.join('?' * len(latest))})"
        " AND trim(open_amount, '-0.') <> ''", latest)}          # an amount that is not zero, read exactly
    last = {cid: day for cid, day in c.execute(
        "SELECT customer_id, max(issued) FROM items WHERE kind = 'invoice' GROUP BY customer_id")}
    gone = [cid for cid, day in last.items() if day < cutoff and cid not in owing]
    blanked: set[str] = set()
    snapshots: set[int] = set()
    for cid in gone:
        rows = c.execute("SELECT snapshot_id FROM customers WHERE id = ? AND (coalesce(email, '') <> '' OR"
                         " coalesce(phone, '') <> '' OR coalesce(address, '') <> '')", (cid,)).fetchall()
        if rows:
            c.execute("UPDATE customers SET email = NULL, phone = NULL, address = NULL WHERE id = ?", (cid,))
            blanked.add(cid)
            snapshots.update(r[0] for r in rows)
    # the snapshots' content hashes were made of what they held: a pull of the same books stores a new snapshot
    c.executemany("UPDATE snapshots SET content = NULL WHERE id = ?", [(s,) for s in sorted(snapshots)])
    done.customers = len(blanked)
