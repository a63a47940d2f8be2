"""Personal data in the ledger: where it is held (declared once, :data:`HELD`), and erasing one customer's.

What is personal: the names of natural persons, e-mail addresses, phone numbers, postal addresses, the texts of
collection notes (they quote people) and their authors, what the mail server answered about a message, and the
files written for one customer (drafts, letters, hand-offs). What accounting law requires is kept: document numbers,
dates, amounts, ids, and the company name of a business customer, so that every aging, DSO and forecast figure is
the same after an erasure as before.

:func:`erase` takes one customer's personal data out of every snapshot, note, reminder record and audit detail in
ONE transaction (with SQLite's ``secure_delete``, so the old values are overwritten in the file, not just unlinked),
and records the erasure (when, by whom, which kinds of data) without the values. A customer who is a natural person
gets a stable pseudonym (:func:`receivables.erasure.pseudonym_of`); where its id is its name, the id becomes the
pseudonym too, with every id made from it. Free texts that may quote anything (the audit trail, the source's notes,
a batch's warnings, a job's error) keep their words but the erased values, replaced by ``[erased]`` (a person's name
by its pseudonym). The files it names are deleted by the caller after the commit (:mod:`jobs.privacy`). Later pulls
keep the erasure in force (:mod:`receivables.erasure`).
"""
from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .erasure import match_of, pseudonym_of, rename_item_id, renames_id, salt_of
from .errors import InputError
from .scrub import ERASED, Secrets

# The kinds of data held (what an erasure records having erased, and what an access request's answer lists).
NAME, EMAIL, PHONE, ADDRESS = "name", "e-mail address", "phone number", "postal address"
NOTE_TEXT, AUTHOR, MESSAGE, FILES = "note text", "note author", "message outcome", "files"
CUSTOMER_ID, ITEM_ID, TEXT = "customer id", "item id", "free text"
BLANK, PSEUDONYM, RENAME, SCRUB, DELETE = ("blanked", "a person's pseudonym, a business's name kept",
                                          "a person's pseudonym where the id is its name",
                                          "erased values replaced by [erased]", "deleted")


@dataclass(frozen=True)
class Held:
    """A column that holds personal data: its kind, the column that says whose row it is (None: any row may mention
    anyone), and what an erasure does to it."""

    table: str
    column: str
    kind: str
    whose: str | None
    erased: str


#: Every column of the ledger that holds personal data, and what an erasure does to it.
HELD: tuple[Held, ...] = (
    Held("customers", "name", NAME, "id", PSEUDONYM),
    Held("customers", "email", EMAIL, "id", BLANK),
    Held("customers", "phone", PHONE, "id", BLANK),
    Held("customers", "address", ADDRESS, "id", BLANK),
    Held("customers", "id", CUSTOMER_ID, "id", RENAME),
    Held("customers", "parent_id", CUSTOMER_ID, "parent_id", RENAME),
    Held("items", "customer_name", NAME, "customer_id", PSEUDONYM),
    Held("items", "customer_id", CUSTOMER_ID, "customer_id", RENAME),
    Held("items", "id", ITEM_ID, "customer_id", RENAME),
    Held("item_columns", "data", NAME, "snapshot_id", "written again from the items"),
    Held("payments", "customer_id", CUSTOMER_ID, "customer_id", RENAME),
    Held("payments", "id", ITEM_ID, "customer_id", RENAME),
    Held("payments", "applied_to", ITEM_ID, "customer_id", RENAME),
    Held("allocations", "debit_item_id", ITEM_ID, None, RENAME),
    Held("allocations", "credit_item_id", ITEM_ID, None, RENAME),
    Held("sales", "customer_id", CUSTOMER_ID, "customer_id", RENAME),
    Held("notes", "text", NOTE_TEXT, "customer", BLANK),
    Held("notes", "author", AUTHOR, "customer", BLANK),
    Held("notes", "customer", NAME, "customer", PSEUDONYM),
    Held("note_revisions", "fields", NOTE_TEXT, "uid", DELETE),
    Held("note_sync", "reason", TEXT, None, SCRUB),
    Held("reminder_notices", "customer", NAME, "customer_id", PSEUDONYM),
    Held("reminder_notices", "customer_id", CUSTOMER_ID, "customer_id", RENAME),
    Held("reminder_notices", "email", EMAIL, "customer_id", BLANK),
    Held("reminder_notices", "phone", PHONE, "customer_id", BLANK),
    Held("reminder_notices", "address", ADDRESS, "customer_id", BLANK),
    Held("reminder_notices", "outcome", MESSAGE, "customer_id", "[erased] where it names a file or an erased value"),
    Held("reminder_notices", "items", ITEM_ID, "customer_id", RENAME),
    Held("reminder_notices", "fallback_reason", TEXT, None, SCRUB),
    Held("reminder_exclusions", "customer", NAME, "customer_id", PSEUDONYM),
    Held("reminder_exclusions", "customer_id", CUSTOMER_ID, "customer_id", RENAME),
    Held("reminder_exclusions", "reason", TEXT, None, SCRUB),
    Held("reminder_batches", "warnings", TEXT, None, SCRUB),
    Held("handovers", "customer", NAME, "customer_id", PSEUDONYM),
    Held("handovers", "customer_id", CUSTOMER_ID, "customer_id", RENAME),
    Held("handovers", "files", FILES, "customer_id", DELETE),
    Held("payment_plans", "customer", NAME, "customer_id", PSEUDONYM),
    Held("payment_plans", "customer_id", CUSTOMER_ID, "customer_id", RENAME),
    Held("payment_plans", "ended_why", TEXT, None, SCRUB),
    Held("snapshots", "notes", TEXT, None, SCRUB),
    Held("snapshots", "state", TEXT, None, SCRUB),
    Held("audit", "target", TEXT, None, SCRUB),
    Held("audit", "detail", TEXT, None, SCRUB),
    Held("job_runs", "error", TEXT, None, SCRUB),
)
#: How outcomes name the file written for a notice (jobs.remind): the path follows.
FILE_OUTCOMES = ("draft written: ", "letter written: ", "handed over: ", "on the call list ")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def norm(text) -> str:
    """A name as compared: spaces collapsed, any case."""
    return " ".join(str(text or "").split()).casefold()


@dataclass(frozen=True)
class Found:
    """A customer as the ledger knows it: its id, and every name it was held under."""

    id: str
    names: frozenset[str]


def find_customer(conn, text: str) -> Found:
    """The customer ``text`` names: its id, else its name in any snapshot or reminder (any case), else the customer
    an erasure recognises by the id its source gives; else the customer a note names. One line when none or several
    match."""
    wanted = text.strip()
    key = norm(wanted)
    if not key:
        raise InputError("no customer given", hint="give the customer's id or its name")
    conn.create_function("ardesk_norm", 1, norm, deterministic=True)
    ids = [r[0] for r in conn.execute("SELECT DISTINCT id FROM customers WHERE id = ?", (wanted,))]
    if not ids:
        ids = sorted({r[0] for r in conn.execute(
            "SELECT DISTINCT id FROM customers WHERE ardesk_norm(name) = ? UNION SELECT DISTINCT customer_id FROM"
            " reminder_notices WHERE ardesk_norm(customer) = ? OR customer_id = ? UNION SELECT customer_id FROM"
            " handovers WHERE ardesk_norm(customer) = ? OR customer_id = ?", (key, key, wanted, key, wanted))})
    if not ids:
        row = conn.execute("SELECT customer_id FROM erasures WHERE match = ?",
                           (match_of(salt_of(conn), wanted),)).fetchone()
        ids = [row[0]] if row else []
    if not ids and conn.execute("SELECT 1 FROM notes WHERE ardesk_norm(customer) = ?", (key,)).fetchone():
        ids = [wanted]
    if not ids:
        raise InputError(f"no customer {wanted!r} in the ledger",
                         hint="give its id or its name as `ardesk customers ledger` lists it; a person erased on "
                              "request is known by its id or its pseudonym only")
    if len(ids) > 1:
        raise InputError(f"{len(ids)} customers are named {wanted!r}: ids {', '.join(ids[:5])}",
                         hint="give the id of the one meant")
    cid = ids[0]
    names = {r[0] for r in conn.execute(
        "SELECT DISTINCT name FROM customers WHERE id = ? UNION SELECT DISTINCT customer FROM reminder_notices"
        " WHERE customer_id = ? UNION SELECT customer FROM reminder_exclusions WHERE customer_id = ? UNION"
        " SELECT customer FROM handovers WHERE customer_id = ? UNION SELECT customer FROM payment_plans WHERE"
        " customer_id = ?", (cid,) * 5) if r[0]}
    names |= {r[0] for r in conn.execute("SELECT DISTINCT customer_name FROM items WHERE customer_id = ?", (cid,))
              if r[0]}
    if wanted != cid:           # the name it was asked by (a note's customer, or a person erased before)
        names.add(wanted)
    return Found(cid, frozenset(names))


def note_uids(conn, found: Found) -> list[str]:
    """The notes about the customer: those whose customer is its id or one of its names (any case)."""
    conn.create_function("ardesk_norm", 1, norm, deterministic=True)
    keys = {norm(found.id)} | {norm(n) for n in found.names}
    return [r[0] for r in conn.execute("SELECT uid, ardesk_norm(customer) FROM notes ORDER BY rowid") if r[1] in keys]


@dataclass
class Erasure:
    """What :func:`erase` did: the customer's id as held now, its pseudonym (a person), the kinds of data erased
    and how many rows of each place, and the files to delete or scrub after the commit (with the values to scrub
    them of, in memory only)."""

    customer_id: str
    pseudonym: str | None
    kinds: list[str]
    counts: dict[str, int]
    files: list[str] = field(default_factory=list)
    call_lists: list[str] = field(default_factory=list)
    secrets: Secrets | None = None
    safe_ids: tuple[str, ...] = ()
    compacted: bool = True           # the file was rebuilt and its journal emptied after the erasure


def erase(ledger, customer: str, *, person: bool, by: str) -> Erasure:
    """Erase the personal data the ledger holds about ``customer`` (its id or name), in one transaction; see the
    module. ``person``: the customer is a natural person (its name goes too). ``by``: who asked, for the record."""
    conn = ledger.conn
    conn.execute("PRAGMA secure_delete = ON")
    with ledger.transaction() as c:
        found = find_customer(c, customer)
        done = _erase(c, found, person=person, by=by)
    # The file rebuilt, so that no page keeps an earlier copy of a value in its free space (secure_delete clears
    # what this transaction freed, not what earlier updates left), and the journal emptied: its older frames held
    # the values too. Another process using the ledger at this moment leaves both for later: said, not failed.
    for statement in ("VACUUM", "PRAGMA wal_checkpoint(TRUNCATE)"):
        try:
            conn.execute(statement)
        except sqlite3.OperationalError:
            done.compacted = False
    return done


def _erase(c, found: Found, *, person: bool, by: str) -> Erasure:
    cid, at = found.id, _now()
    salt = salt_of(c)
    prior = c.execute("SELECT match, pseudonym FROM erasures WHERE customer_id = ?", (cid,)).fetchone()
    match = prior[0] if prior else match_of(salt, cid)
    pseudonym = (prior[1] if prior and prior[1] else pseudonym_of(salt, cid)) if person else None
    rename = bool(pseudonym) and renames_id(cid) and cid != pseudonym
    new_id = pseudonym if rename else cid
    uids = note_uids(c, found)
    secrets = Secrets(_secret_values(c, found, uids, pseudonym if person else None, rename))
    counts: dict[str, int] = {}

    def run(label: str, sql: str, args=()) -> None:
        n = c.execute(sql, args).rowcount
        if n > 0:
            counts[label] = counts.get(label, 0) + n

    snapshots = sorted({r[0] for r in c.execute(
        "SELECT snapshot_id FROM customers WHERE id = ? UNION SELECT DISTINCT snapshot_id FROM items"
        " WHERE customer_id = ?", (cid, cid))})
    moved = _item_ids(c, cid, new_id) if rename else {}
    run("customers", "UPDATE customers SET email = NULL, phone = NULL, address = NULL, name = coalesce(?, name)"
        " WHERE id = ?", (pseudonym, cid))
    if pseudonym:
        run("items", "UPDATE items SET customer_name = ? WHERE customer_id = ?", (pseudonym, cid))
    if rename:
        for table, column in (("customers", "id"), ("customers", "parent_id"), ("items", "customer_id"),
                              ("payments", "customer_id"), ("sales", "customer_id"),
                              ("reminder_exclusions", "customer_id"), ("handovers", "customer_id"),
                              ("payment_plans", "customer_id")):
            c.execute(f"UPDATE {table} SET {column} = ? WHERE {column} = ?", (new_id, cid))
        # one pass over each table, whatever the number of ids (a table of the moves, joined)
        c.execute("CREATE TEMP TABLE IF NOT EXISTS ardesk_moved (old TEXT PRIMARY KEY, new TEXT NOT NULL)")
        c.execute("DELETE FROM ardesk_moved")
        c.executemany("INSERT INTO ardesk_moved (old, new) VALUES (?, ?)", list(moved.items()))
        for table, column in (("items", "id"), ("payments", "id"), ("allocations", "debit_item_id"),
                              ("allocations", "credit_item_id")):
            c.execute(f"UPDATE {table} SET {column} = (SELECT new FROM ardesk_moved WHERE old = {column})"
                      f" WHERE {column} IN (SELECT old FROM ardesk_moved)")
        c.execute("DROP TABLE ardesk_moved")
        for rowid, applied in c.execute("SELECT rowid, applied_to FROM payments WHERE customer_id = ?",
                                        (new_id,)).fetchall():
            ids = json.loads(applied or "[]")
            if any(i in moved for i in ids):
                c.execute("UPDATE payments SET applied_to = ? WHERE rowid = ?",
                          (json.dumps([moved.get(i, i) for i in ids]), rowid))
    if pseudonym:
        from .ledger import rewrite_column_copy

        for sid in snapshots:
            rewrite_column_copy(c, sid)
    if snapshots:
        c.executemany("UPDATE snapshots SET content = NULL WHERE id = ?", [(s,) for s in snapshots])
    _erase_notes(c, uids, pseudonym, at, counts)
    files, call_lists = _erase_notices(c, cid, new_id, pseudonym, moved, secrets, counts)
    for row in c.execute("SELECT files FROM handovers WHERE customer_id = ?", (new_id,)).fetchall():
        files += json.loads(row[0] or "[]")
    run("hand-offs", "UPDATE handovers SET files = '[]', customer = coalesce(?, customer) WHERE customer_id = ?",
        (pseudonym, new_id))
    if pseudonym:
        run("reminder exclusions", "UPDATE reminder_exclusions SET customer = ? WHERE customer_id = ?",
            (pseudonym, new_id))
        run("payment plans", "UPDATE payment_plans SET customer = ? WHERE customer_id = ?", (pseudonym, new_id))
    scrubbed = _scrub_texts(c, secrets)
    if scrubbed:
        counts["free texts"] = scrubbed
    kinds = _kinds(person, uids, counts, files)
    c.execute("INSERT INTO erasures (customer_id, match, pseudonym, kinds, at, by) VALUES (?,?,?,?,?,?)"
              " ON CONFLICT(match) DO UPDATE SET customer_id = excluded.customer_id, pseudonym = excluded.pseudonym,"
              " kinds = excluded.kinds, at = excluded.at, by = excluded.by",
              (new_id, match, pseudonym, json.dumps(kinds), at, by))
    c.execute("INSERT INTO audit (at, actor, action, target, result, detail) VALUES (?,?,?,?,?,?)",
              (at, by, "privacy erase", new_id, "ok",
               json.dumps({"kinds": kinds, "counts": counts, "files": len(files), "person": person},
                          sort_keys=True)))
    safe = tuple({re.sub(r"[^A-Za-z0-9._-]+", "_", x)[:60] for x in (cid, new_id)})
    return Erasure(new_id, pseudonym, kinds, counts, sorted(set(files)), sorted(set(call_lists)), secrets, safe)


def _secret_values(c, found: Found, uids: list[str], pseudonym: str | None, rename: bool) -> dict[str, str]:
    """The values to take out of free texts, each with what replaces it."""
    out: dict[str, str] = {}
    rows = c.execute("SELECT email, phone, address FROM customers WHERE id = ? UNION SELECT email, phone, address"
                     " FROM reminder_notices WHERE customer_id = ?", (found.id, found.id)).fetchall()
    for email, phone, address in rows:
        for part in re.split(r"[,;\s]+", email or ""):
            out[part] = ERASED
        out[phone or ""] = ERASED
        if address:
            lines = [line.strip() for line in address.splitlines() if line.strip()]
            out[address] = out[", ".join(lines)] = out[" ".join(lines)] = ERASED
            if lines and len(lines[0]) >= 6:
                out[lines[0]] = ERASED            # the street: the line that names where someone lives
    for (text,) in c.execute(f"SELECT text FROM notes WHERE uid IN ({','.join('?' * len(uids))})", uids):
        if len((text or "").strip()) >= 20:       # a note quoted whole; a short one ("no answer") is everyone's
            out[text] = ERASED
    if pseudonym:
        for name in found.names:
            out[name] = pseudonym
        if rename:
            out[found.id] = pseudonym
    out.pop(pseudonym or "", None)
    return out


def _item_ids(c, cid: str, new_id: str) -> dict[str, str]:
    """Old -> new id of every item and payment whose id was made from the customer's id."""
    part = f":{cid}:"
    ids = {r[0] for r in c.execute("SELECT DISTINCT id FROM items WHERE customer_id = ? AND instr(id, ?) > 0",
                                   (cid, part))}
    ids |= {r[0] for r in c.execute("SELECT DISTINCT id FROM payments WHERE customer_id = ? AND instr(id, ?) > 0",
                                    (cid, part))}
    return {old: rename_item_id(old, cid, new_id) for old in ids}


def _erase_notes(c, uids: list[str], pseudonym: str | None, at: str, counts: dict) -> None:
    """The notes' texts and authors blanked (their dates, promises and disputes stay: the figures use them), the
    customer a person's pseudonym; their earlier texts deleted; each marked so that no sheet brings it back."""
    from .note_store import content_hash, content_of

    names = [d[0] for d in c.execute("SELECT * FROM notes LIMIT 0").description]
    for uid in uids:
        note = dict(zip(names, c.execute("SELECT * FROM notes WHERE uid = ?", (uid,)).fetchone()))
        note.update(text="", author=None, customer=pseudonym or note["customer"])
        c.execute("UPDATE notes SET text = '', author = NULL, customer = ?, content = ? WHERE uid = ?",
                  (note["customer"], content_hash(content_of(note)), uid))
        c.execute("DELETE FROM note_revisions WHERE uid = ?", (uid,))
        c.execute("INSERT OR REPLACE INTO erased_notes (uid, why, at) VALUES (?, 'request', ?)", (uid, at))
    if uids:
        counts["notes"] = len(uids)


def _erase_notices(c, cid: str, new_id: str, pseudonym: str | None, moved: dict[str, str], secrets: Secrets,
                   counts: dict) -> tuple[list[str], list[str]]:
    """The customer's reminder notices without contacts; an outcome that names a file or an erased value becomes
    ``[erased]``. Returns the files written for it alone (drafts, letters, hand-offs) and the call lists that list
    it among others."""
    files, call_lists = [], []
    rows = c.execute("SELECT rowid, outcome, items, charges, discounts FROM reminder_notices WHERE customer_id = ?",
                     (cid,)).fetchall()
    for rowid, outcome, items, charges, discounts in rows:
        named = next((outcome[len(p):].strip() for p in FILE_OUTCOMES if outcome and outcome.startswith(p)), None)
        if named:
            (call_lists if outcome.startswith(FILE_OUTCOMES[-1]) else files).append(named)
        if outcome and (named or secrets.mentions(outcome)):
            outcome = ERASED
        if moved:
            items = json.dumps([{**i, "id": moved.get(i["id"], i["id"])} for i in json.loads(items)])
            charges, discounts = (json.dumps({moved.get(k, k): v for k, v in json.loads(x).items()}) if x else x
                                  for x in (charges, discounts))
        c.execute("UPDATE reminder_notices SET email = NULL, phone = NULL, address = NULL, outcome = ?,"
                  " customer = coalesce(?, customer), customer_id = ?, items = ?, charges = ?, discounts = ?"
                  " WHERE rowid = ?", (outcome, pseudonym, new_id, items, charges, discounts, rowid))
    if rows:
        counts["reminder notices"] = len(rows)
    return files, call_lists


def _scrub_texts(c, secrets: Secrets) -> int:
    """Every free text that mentions an erased value, scrubbed; returns how many."""
    if not secrets.pairs:
        return 0
    c.create_function("ardesk_scrub", 1, secrets.scrub)
    n = 0
    for held in HELD:
        if held.erased == SCRUB:
            n += c.execute(f"UPDATE {held.table} SET {held.column} = ardesk_scrub({held.column})"
                           f" WHERE {held.column} IS NOT NULL AND ardesk_scrub({held.column}) IS NOT {held.column}"
                           ).rowcount
    return n


def _kinds(person: bool, uids: list[str], counts: dict, files: list[str]) -> list[str]:
    """The kinds of data erased: the contacts always (whether or not the ledger held any), the rest where held."""
    kinds = [EMAIL, PHONE, ADDRESS]
    if person:
        kinds.insert(0, NAME)
    if uids:
        kinds += [NOTE_TEXT, AUTHOR]
    if counts.get("reminder notices"):
        kinds.append(MESSAGE)
    if files:
        kinds.append(FILES)
    if counts.get("free texts"):
        kinds.append(TEXT)
    return kinds
