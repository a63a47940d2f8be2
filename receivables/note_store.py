"""Collection notes in the ledger: what people typed, each under a stable id, its edits, and where it was written.

Identity. A note is known by its id (the Notes sheet's *Note id* column). A row read without one gets an id made
from what was typed (``N-`` and 12 hex digits of its hash), and the desk writes that id into the row; the id then
follows the row. Reading the same row again before its id reached the sheet (a workbook open elsewhere) gives the
same id, so nothing is stored twice. A row copied with its id (two rows, one id) is another note and gets its own.
Editing a note that has an id keeps the id: the earlier content is kept in
``note_revisions`` and the note's ``revision`` goes up by one, so that write-back posts the edit once, as a
correction, and never a second note.

Write-back. For each note, revision and target (an ERP database), ``note_sync`` holds one line per step (the
chatter message, the dispute flag, the follow-up activity): ``done`` with the ERP's reference, ``refused`` with the
server's reason, or ``failed`` (a connection lost: the step is tried again at the next push). A step is done at
most once per revision and target; the sheet's *Synced* cell is :meth:`NoteStore.synced_text` of these lines.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from .money import money
from .records import CollectionNote

#: The fields of a note that are its content (what a person typed), in a fixed order.
CONTENT = ("written_at", "author", "customer", "invoice", "text", "outcome", "dispute", "promise_date",
           "promise_amount", "next_action_date")
DONE, REFUSED, FAILED = "done", "refused", "failed"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _text(value) -> str | None:
    if value is None or value == "" or value == ():
        return None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, Decimal):
        return format(value, "f")
    text = str(value).strip()
    return text or None


def content_of(row: dict) -> dict[str, str | None]:
    """A note's content as stored: every :data:`CONTENT` field as text (ISO dates, plain amounts) or None."""
    return {k: _text(row.get(k)) for k in CONTENT}


def content_hash(content: dict[str, str | None]) -> str:
    return hashlib.sha256(json.dumps([content[k] for k in CONTENT]).encode()).hexdigest()


def new_uid(content: dict[str, str | None]) -> str:
    """The id a note without one gets: the same for the same content, wherever and whenever it is read."""
    return "N-" + content_hash(content)[:12]


@dataclass(frozen=True)
class Kept:
    """What :meth:`NoteStore.keep` did: notes new to the ledger, notes edited, and the id of each row read."""

    new: int
    edited: int
    ids: dict[int, str]      # sheet row -> note id (rows that had none get theirs here)


@dataclass(frozen=True)
class Step:
    uid: str
    revision: int
    target: str
    step: str
    state: str
    ref: str | None
    reason: str | None
    at: str


class NoteStore:
    """The notes of one ledger (:attr:`receivables.ledger.Ledger.notebook`)."""

    def __init__(self, ledger):
        self.ledger = ledger

    @property
    def conn(self):
        return self.ledger.conn

    # -- keeping what was typed -------------------------------------------------------------------------------
    def keep(self, rows: list[dict], *, origin: str, only_new: bool = False) -> Kept:
        """Keep the rows of a Notes sheet (or notes added otherwise), in one transaction.

        A row with no customer, text, outcome, dispute, promise or next action is blank and skipped. A row whose
        id the ledger knows with other content is an edit (see the module's docstring). ``only_new``: rows that
        carry no id of their own and whose note the ledger has are skipped, not taken as edits (the Today sheet:
        its rows stand for notes that live on the Notes sheet once kept, where a person may edit them).

        A row of a note whose content was erased on request or pruned (``erased_notes``) is skipped: the sheet
        may still show what was erased until the next refresh blanks it (:mod:`jobs.privacy`), and reading it must
        not bring it back."""
        new = edited = 0
        ids: dict[int, str] = {}
        seen: set[str] = set()
        with self.ledger.transaction() as c:
            erased = {r[0] for r in c.execute("SELECT uid FROM erased_notes")}
            for row in rows:
                content = content_of(row)
                if not any(content[k] for k in ("customer", "text", "outcome", "dispute", "promise_date",
                                                  "next_action_date")):
                    continue
                digest = content_hash(content)
                uid = _text(row.get("uid")) or new_uid(content)
                if uid in seen:
                    # a row copied with its Note id is another note: it gets its own id (written into its row),
                    # or the two rows would take turns as "edits" of one note at every read
                    uid = new_uid(content)
                    n = 1
                    while uid in seen:
                        uid, n = f"{new_uid(content)}-{n}", n + 1
                seen.add(uid)
                if uid in erased:
                    continue
                if only_new and c.execute("SELECT 1 FROM notes WHERE uid = ?", (uid,)).fetchone():
                    continue
                if "_row" in row:
                    ids[int(row["_row"])] = uid
                old = c.execute("SELECT revision, content, customer, invoice, written_at, author, text, outcome,"
                                " dispute, promise_date, promise_amount, next_action_date FROM notes WHERE uid = ?",
                                (uid,)).fetchone()
                if old is None:
                    c.execute("INSERT INTO notes (uid, customer, invoice, written_at, author, text, outcome, dispute,"
                              " promise_date, promise_amount, next_action_date, first_seen, origin, revision,"
                              " content) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,0,?)",
                              (uid, content["customer"] or "", content["invoice"], content["written_at"],
                               content["author"], content["text"] or "", content["outcome"], content["dispute"],
                               content["promise_date"], content["promise_amount"], content["next_action_date"],
                               _now(), origin, digest))
                    new += 1
                    continue
                before = dict(zip(("customer", "invoice", "written_at", "author", "text", "outcome", "dispute",
                                   "promise_date", "promise_amount", "next_action_date"), old[2:]))
                revision = old[0]
                stored = old[1] or content_hash(content_of(before))   # kept before content hashes were
                if stored == digest:
                    continue
                c.execute("INSERT OR REPLACE INTO note_revisions (uid, revision, fields, replaced_at)"
                          " VALUES (?,?,?,?)", (uid, revision, json.dumps(before, sort_keys=True), _now()))
                c.execute("UPDATE notes SET customer=?, invoice=?, written_at=?, author=?, text=?, outcome=?,"
                          " dispute=?, promise_date=?, promise_amount=?, next_action_date=?, revision=?, content=?"
                          " WHERE uid=?",
                          (content["customer"] or "", content["invoice"], content["written_at"], content["author"],
                           content["text"] or "", content["outcome"], content["dispute"], content["promise_date"],
                           content["promise_amount"], content["next_action_date"], revision + 1, digest, uid))
                edited += 1
        return Kept(new, edited, ids)

    def shown_on(self, uids: list[str], origin: str) -> None:
        """Notes added outside the workbook now have their rows on its Notes sheet: from now on they are that
        sheet's notes (a person who deletes such a row does not get it back at the next refresh; the note stays
        in the ledger)."""
        if uids:
            with self.ledger.transaction() as c:
                c.executemany("UPDATE notes SET origin = ? WHERE uid = ?", [(origin, u) for u in uids])

    # -- reading ----------------------------------------------------------------------------------------------
    def rows(self, *, customer: str | None = None) -> list[dict]:
        """Every note as stored (a dict per note: its content, ``uid``, ``revision``, ``origin``, ``first_seen``),
        in the order first seen; ``customer`` keeps those whose customer is that text (any case)."""
        sql = "SELECT * FROM notes"
        args: tuple = ()
        if customer is not None:
            sql += " WHERE lower(trim(customer)) = lower(trim(?))"
            args = (customer,)
        cur = self.conn.execute(sql + " ORDER BY first_seen, rowid", args)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]

    def notes(self, *, customer: str | None = None) -> list[CollectionNote]:
        """The notes as records, for the engine (:mod:`receivables.notes`)."""
        return [note_of(r) for r in self.rows(customer=customer)]

    def revisions(self, uid: str) -> list[dict]:
        cur = self.conn.execute("SELECT revision, fields, replaced_at FROM note_revisions WHERE uid = ?"
                                " ORDER BY revision", (uid,))
        return [{"revision": r, **json.loads(f), "replaced_at": at} for r, f, at in cur.fetchall()]

    # -- write-back ---------------------------------------------------------------------------------------------
    def steps(self, target: str) -> dict[tuple[str, int, str], Step]:
        """(uid, revision, step) -> the last outcome of that step on ``target``."""
        cur = self.conn.execute("SELECT uid, revision, target, step, state, ref, reason, at FROM note_sync"
                                " WHERE target = ?", (target,))
        return {(r[0], r[1], r[3]): Step(*r) for r in cur.fetchall()}

    def record(self, step: Step) -> None:
        """Record one step's outcome, at once and in its own transaction: a push killed after a post the server
        made still finds the post by its Message-ID, and one killed after this line finds the line."""
        with self.ledger.transaction() as c:
            c.execute("INSERT OR REPLACE INTO note_sync (uid, revision, target, step, state, ref, reason, at)"
                      " VALUES (?,?,?,?,?,?,?,?)", (step.uid, step.revision, step.target, step.step, step.state,
                                                    step.ref, step.reason, step.at))
            if step.step == "message" and step.state == DONE:
                c.execute("UPDATE notes SET synced_at = ?, erp_ref = ? WHERE uid = ? AND revision = ?",
                          (step.at, step.ref, step.uid, step.revision))

    def synced_text(self, uid: str, target: str | None = None) -> str:
        """The Synced cell of a note: what its last push did, in a few words."""
        sql = ("SELECT n.revision, s.step, s.state, s.ref, s.reason, s.at, s.target FROM notes n JOIN note_sync s"
               " ON s.uid = n.uid AND s.revision = n.revision WHERE n.uid = ?")
        args: tuple = (uid,)
        if target is not None:
            sql += " AND s.target = ?"
            args += (target,)
        lines = self.conn.execute(sql + " ORDER BY s.at", args).fetchall()
        if not lines:
            return ""
        by_step = {s: (state, ref, reason, at) for _rev, s, state, ref, reason, at, _t in lines}
        revision = lines[0][0]
        bad = [(s, v) for s, v in by_step.items() if v[0] != DONE]
        if bad:
            step, (state, _ref, reason, at) = bad[0]
            verb = "refused" if state == REFUSED else "not written"
            return f"{verb} {at[:10]}: {reason} (tried again at the next push)"
        state, ref, _reason, at = by_step.get("message", (DONE, None, None, lines[-1][5]))
        what = "correction written" if revision else "written"
        return f"{what} {at[:10]}" + (f" ({ref})" if ref else "")


def note_of(row: dict) -> CollectionNote:
    """A stored note as the engine's record."""
    def day(v):
        return date.fromisoformat(v) if v else None

    written = day(row.get("written_at")) or date.fromisoformat(str(row.get("first_seen"))[:10])
    outcome = tuple(w.strip() for w in (row.get("outcome") or "").split(",") if w.strip())
    return CollectionNote(
        uid=row["uid"], customer=row.get("customer") or "", written_at=written, text=row.get("text") or "",
        author=row.get("author") or "", invoice=row.get("invoice") or None, outcome=outcome,
        dispute=row.get("dispute") or None, promise_date=day(row.get("promise_date")),
        promise_amount=money(row["promise_amount"]) if row.get("promise_amount") else None,
        next_action_date=day(row.get("next_action_date")), revision=int(row.get("revision") or 0))
