"""The ledger: one SQLite file that keeps every pull as a snapshot, the collection notes, and an audit trail.

- The schema carries a version (``PRAGMA user_version``) and is brought forward by the ordered ``MIGRATIONS`` when a
  file is opened; a file written by a newer ardesk is refused rather than damaged.
- A snapshot (customers, items, payments, allocations, sales totals and the connector's state) is written in one
  transaction: a failed pull leaves nothing behind.
- Money is stored as decimal text (exact) and read back through :func:`~receivables.money.money`, dates as ISO
  text. A snapshot's items are read in bulk, straight into the engine's frame (amounts to minor units through a
  decimal cast that refuses to round); their records are made only when something asks for them
  (:class:`~receivables.records.LazyItems`), and books read so are stored again without them. A snapshot's notes
  are :class:`~receivables.errors.Issue` values stored as JSON objects; the plain strings older ledgers hold read
  back as info issues.
- The audit trail records what was done, when, by whom and with what result; features append to it.
- The file is made readable by its owner only, and a file others may write to is refused
  (:mod:`receivables.private_files`): it holds customers' names and contacts.
- Several processes share one ledger (a button, a scheduled job, a report): the file is in WAL mode, so readers
  never wait for a writer; a writer waits for another (saying so once, on the ``ardesk.ledger`` logger) and gives
  up after ``busy_timeout`` seconds with :class:`~receivables.errors.LedgerBusy`. Creating and migrating the schema
  happen in one exclusive transaction that reads the version again, so first opens that race are safe.
- A pull whose content equals the latest snapshot of the same source stores no new snapshot: the latest one is
  marked as checked, and its books-as-of date moves to the new report date (the books stood so then too).
"""
from __future__ import annotations

import dataclasses
import getpass
import hashlib
import json
import logging
import sqlite3
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import repeat
from pathlib import Path

from . import collector_paused
from .errors import InputError, Issue, LedgerBusy
from .money import decimal_texts, minor_units, money, plain_minor_units, precision
from .private_files import create_private, refuse_shared
from .records import ITEM_FIELDS, Allocation, Books, Customer, Invoice, ItemKind, LazyItems, Payment, SalesTotal

MIGRATIONS: tuple[str, ...] = (
    # 1: snapshots and their records, notes, audit trail
    """
    CREATE TABLE snapshots (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        source_key TEXT NOT NULL,
        pulled_at TEXT NOT NULL,
        report_date TEXT,
        company_currency TEXT NOT NULL,
        knows TEXT NOT NULL,
        notes TEXT NOT NULL,
        rates TEXT NOT NULL,
        period_start TEXT,
        period_end TEXT,
        kinds TEXT NOT NULL,
        state TEXT NOT NULL
    );
    CREATE INDEX snapshots_key ON snapshots(source_key, id);
    CREATE TABLE customers (
        snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
        id TEXT NOT NULL, name TEXT NOT NULL, parent_id TEXT, email TEXT, phone TEXT, lang TEXT,
        terms_days INTEGER, credit_limit TEXT, currency TEXT, tags TEXT,
        PRIMARY KEY (snapshot_id, id)
    );
    CREATE TABLE items (
        snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
        id TEXT NOT NULL, number TEXT, customer_id TEXT NOT NULL, kind TEXT NOT NULL, issued TEXT NOT NULL,
        due TEXT, currency TEXT NOT NULL, total TEXT NOT NULL, open_amount TEXT NOT NULL,
        open_amount_company TEXT, source_ref TEXT, flags TEXT, paid_on TEXT, customer_name TEXT,
        PRIMARY KEY (snapshot_id, id)
    );
    CREATE TABLE payments (
        snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
        id TEXT NOT NULL, customer_id TEXT NOT NULL, date TEXT NOT NULL, amount TEXT NOT NULL,
        currency TEXT NOT NULL, applied_to TEXT, number TEXT, source_ref TEXT,
        PRIMARY KEY (snapshot_id, id)
    );
    CREATE TABLE allocations (
        snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
        debit_item_id TEXT NOT NULL, credit_item_id TEXT NOT NULL, amount TEXT NOT NULL,
        date TEXT NOT NULL, amount_currency TEXT
    );
    CREATE INDEX allocations_snapshot ON allocations(snapshot_id);
    CREATE TABLE notes (
        uid TEXT PRIMARY KEY,
        customer TEXT NOT NULL, invoice TEXT, written_at TEXT, author TEXT, text TEXT NOT NULL,
        promise_date TEXT, promise_amount TEXT, next_action_date TEXT,
        first_seen TEXT NOT NULL, origin TEXT NOT NULL, synced_at TEXT, erp_ref TEXT
    );
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, target TEXT,
        result TEXT NOT NULL, detail TEXT
    );
    """,
    # 2: an item's total in the company currency (credit sales of foreign-currency invoices at their own rate)
    """
    ALTER TABLE items ADD COLUMN total_company TEXT;
    """,
    # 3: a snapshot's content hash (an unchanged pull stores nothing new) and when its content was last confirmed
    """
    ALTER TABLE snapshots ADD COLUMN content TEXT;
    ALTER TABLE snapshots ADD COLUMN checked_at TEXT;
    ALTER TABLE snapshots ADD COLUMN checked_date TEXT;
    CREATE INDEX snapshots_content ON snapshots(source_key, content);
    """,
    # 4: sales totals per customer and period from a sales report (credit sales for DSO without invoice history)
    """
    CREATE TABLE sales (
        snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
        customer_id TEXT NOT NULL, first_day TEXT NOT NULL, last_day TEXT NOT NULL, amount TEXT NOT NULL, cash TEXT,
        source_ref TEXT
    );
    CREATE INDEX sales_snapshot ON sales(snapshot_id);
    """,
    # 5: a copy of each snapshot's item rows by column (Arrow IPC), written in the same transaction as the rows:
    # a million items load from it as fast as from the export they came from; the rows stay the record
    """
    CREATE TABLE item_columns (
        snapshot_id INTEGER PRIMARY KEY REFERENCES snapshots(id) ON DELETE CASCADE,
        format TEXT NOT NULL, count INTEGER NOT NULL, data BLOB NOT NULL
    );
    """,
    # 6: what a collector records (outcome, dispute), a note's edits, and each step of its write-back per target
    # (receivables.note_store)
    """
    ALTER TABLE notes ADD COLUMN outcome TEXT;
    ALTER TABLE notes ADD COLUMN dispute TEXT;
    ALTER TABLE notes ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE notes ADD COLUMN content TEXT;
    CREATE TABLE note_revisions (
        uid TEXT NOT NULL REFERENCES notes(uid) ON DELETE CASCADE, revision INTEGER NOT NULL,
        fields TEXT NOT NULL, replaced_at TEXT NOT NULL,
        PRIMARY KEY (uid, revision)
    );
    CREATE TABLE note_sync (
        uid TEXT NOT NULL REFERENCES notes(uid) ON DELETE CASCADE, revision INTEGER NOT NULL,
        target TEXT NOT NULL, step TEXT NOT NULL, state TEXT NOT NULL, ref TEXT, reason TEXT, at TEXT NOT NULL,
        PRIMARY KEY (uid, revision, target, step)
    );
    """,
    # 7: reminder batches, their notices (each with its state of sending) and the customers left out, with why
    # (receivables.reminder_store)
    """
    CREATE TABLE reminder_batches (
        id INTEGER PRIMARY KEY, built_at TEXT NOT NULL, as_of TEXT NOT NULL, source_key TEXT,
        snapshot_id INTEGER, currency TEXT NOT NULL, policy TEXT NOT NULL, warnings TEXT NOT NULL
    );
    CREATE TABLE reminder_notices (
        batch_id INTEGER NOT NULL REFERENCES reminder_batches(id) ON DELETE CASCADE,
        customer_id TEXT NOT NULL, customer TEXT NOT NULL, level TEXT NOT NULL, template TEXT NOT NULL,
        channel TEXT NOT NULL, email TEXT, phone TEXT, lang TEXT, fallback_reason TEXT, items TEXT NOT NULL,
        totals TEXT NOT NULL, send INTEGER NOT NULL DEFAULT 1, state TEXT NOT NULL, message_id TEXT,
        attempted_at TEXT, sent_at TEXT, outcome TEXT,
        PRIMARY KEY (batch_id, customer_id)
    );
    CREATE TABLE reminder_exclusions (
        batch_id INTEGER NOT NULL REFERENCES reminder_batches(id) ON DELETE CASCADE,
        customer_id TEXT NOT NULL, customer TEXT NOT NULL, code TEXT NOT NULL, reason TEXT NOT NULL,
        totals TEXT NOT NULL,
        PRIMARY KEY (batch_id, customer_id)
    );
    """,
    # 8: a notice's postal address (letters) and the interest and fees charged on its items (receivables.fees);
    # customers handed over to a collection agency (no reminder after); payment plans (receivables.plans)
    """
    ALTER TABLE reminder_notices ADD COLUMN address TEXT;
    ALTER TABLE reminder_notices ADD COLUMN charges TEXT;
    CREATE TABLE handovers (
        customer_id TEXT PRIMARY KEY, customer TEXT NOT NULL, batch_id INTEGER, level TEXT,
        at TEXT NOT NULL, files TEXT NOT NULL
    );
    CREATE TABLE payment_plans (
        id TEXT PRIMARY KEY, customer_id TEXT NOT NULL, customer TEXT NOT NULL, agreed_on TEXT NOT NULL,
        currency TEXT, invoices TEXT NOT NULL, grace_days INTEGER NOT NULL, instalments TEXT NOT NULL,
        origin TEXT NOT NULL, created_at TEXT NOT NULL, ended_at TEXT, ended_why TEXT
    );
    """,
    # 9: an item's early-payment discount (its last day, and the amount that settles the item by then), and the
    # ones a reminder notice offers; a customer's postal address and collector
    """
    ALTER TABLE items ADD COLUMN discount_until TEXT;
    ALTER TABLE items ADD COLUMN discount_amount TEXT;
    ALTER TABLE customers ADD COLUMN address TEXT;
    ALTER TABLE customers ADD COLUMN collector TEXT;
    ALTER TABLE reminder_notices ADD COLUMN discounts TEXT;
    """,
    # 10: every run of a scheduled job: when it started and ended, its outcome, what it counted, its error in plain
    # words (receivables.job_store)
    """
    CREATE TABLE job_runs (
        id INTEGER PRIMARY KEY, job TEXT NOT NULL, trigger TEXT NOT NULL, started_at TEXT NOT NULL,
        ended_at TEXT, outcome TEXT NOT NULL, counts TEXT NOT NULL, error TEXT
    );
    CREATE INDEX job_runs_job ON job_runs(job, id);
    """,
    # 11: personal data erased on request (receivables.privacy): which customer (its id as held now, and a keyed
    # hash of the id its source gives it, by which later pulls are recognised), its pseudonym if a person, the kinds
    # of data erased, when and by whom, never the values; the notes whose content was erased or pruned, so that no
    # sheet brings it back; the ledger's own salt of those hashes and pseudonyms
    """
    CREATE TABLE erasures (
        id INTEGER PRIMARY KEY, customer_id TEXT NOT NULL, match TEXT NOT NULL UNIQUE, pseudonym TEXT,
        kinds TEXT NOT NULL, at TEXT NOT NULL, by TEXT NOT NULL
    );
    CREATE TABLE erased_notes (
        uid TEXT PRIMARY KEY, why TEXT NOT NULL, at TEXT NOT NULL
    );
    CREATE TABLE privacy_salt (salt TEXT NOT NULL);
    INSERT INTO privacy_salt (salt) VALUES (lower(hex(randomblob(16))));
    """,
    # 12: a notice's payment plan: the one its customer broke (the notice says so), or the instalment it announces
    """
    ALTER TABLE reminder_notices ADD COLUMN plan_broken TEXT;
    ALTER TABLE reminder_notices ADD COLUMN instalment TEXT;
    """,
)
BUSY_TIMEOUT = 30.0       # seconds a writer waits for another (``[ledger] busy_timeout``)
_POLL = 0.5               # how long one attempt to start writing waits inside SQLite
log = logging.getLogger("ardesk.ledger")
SCHEMA_VERSION = len(MIGRATIONS)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _d(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _pd(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _m(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _pm(value: str | None) -> Decimal | None:
    return None if value is None else money(value)


@dataclass(frozen=True)
class Stored:
    """What :meth:`Ledger.store_books` did: the snapshot that holds the books, and whether it is new."""

    id: int
    new: bool


@dataclass(frozen=True)
class SnapshotInfo:
    id: int
    source: str
    source_key: str
    pulled_at: str
    report_date: date | None
    items: int
    state: dict


class Ledger:
    """A ledger file. Use as a context manager or call :meth:`close`."""

    def __init__(self, path: str | Path, *, busy_timeout: float = BUSY_TIMEOUT):
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        if str(path) != ":memory:":          # owner-only: it holds customers' names and contacts
            refuse_shared(self.path)
            create_private(self.path)
        try:
            self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=max(busy_timeout, _POLL))
            self.conn.execute("PRAGMA foreign_keys = ON")
            self._waiting(self._set_up)
        except sqlite3.DatabaseError as exc:
            raise self._damaged(exc) from None

    def _set_up(self) -> None:
        self.conn.execute("PRAGMA journal_mode = WAL")
        self._migrate()

    def _waiting(self, step) -> None:
        """Run ``step`` (which takes a lock), again while another process holds the ledger: said once, given up
        after ``busy_timeout`` seconds. SQLite answers some lock conflicts (a first switch to WAL, a lock upgrade
        that could deadlock) at once rather than through its own wait, so the waiting is done here."""
        deadline = time.monotonic() + self.busy_timeout
        said = False
        while True:
            try:
                return step()
            except sqlite3.OperationalError as exc:
                if not _locked(exc):
                    raise
                if time.monotonic() >= deadline:
                    raise self._busy() from None
                if not said:
                    log.warning("waiting for the ledger %s: another ardesk is writing to it", self.path.name)
                    said = True
                time.sleep(0.05)

    def _damaged(self, exc: Exception) -> InputError:
        return InputError(f"not an ardesk ledger or damaged: {exc}", source=str(self.path),
                          hint="point --ledger at the right file, or move this one away")

    def _busy(self) -> LedgerBusy:
        return LedgerBusy(f"another ardesk has been writing to the ledger for over {self.busy_timeout:g} s; "
                          "nothing was written", source=str(self.path),
                          hint="run this again when it is done, or raise [ledger] busy_timeout in ardesk.toml")

    # -- housekeeping -------------------------------------------------------------------------------------------
    def _migrate(self) -> None:
        """Bring the schema forward: in one exclusive transaction that reads the version again, so that processes
        opening a new ledger at once neither create the tables twice nor see half of them."""
        if self._version() == SCHEMA_VERSION:
            return
        with self.transaction():
            version = self._version()
            for number in range(version, SCHEMA_VERSION):
                for statement in _statements(MIGRATIONS[number]):
                    self.conn.execute(statement)
            self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _version(self) -> int:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise InputError(f"the ledger has schema version {version}, newer than this ardesk knows "
                             f"({SCHEMA_VERSION})", source=str(self.path), hint="upgrade ardesk")
        return version

    def _begin(self) -> None:
        """``BEGIN IMMEDIATE``, waiting while another process writes (in short waits inside SQLite, so that the
        wait can be said and given up on time)."""
        self.conn.execute(f"PRAGMA busy_timeout = {int(_POLL * 1000)}")
        try:
            self._waiting(lambda: self.conn.execute("BEGIN IMMEDIATE"))
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {int(max(self.busy_timeout, _POLL) * 1000)}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One transaction: everything inside is committed together or not at all."""
        self._begin()
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    # -- snapshots ----------------------------------------------------------------------------------------------
    def store(self, books: Books, *, source_key: str, state: dict | None = None) -> int:
        """Store ``books`` (see :meth:`store_books`); returns the id of the snapshot that holds them."""
        return self.store_books(books, source_key=source_key, state=state).id

    def store_books(self, books: Books, *, source_key: str, state: dict | None = None) -> Stored:
        """Store ``books`` as a new snapshot in one transaction, unless they equal the latest snapshot of the same
        source: then that one is marked as checked now, at the books' report date, with the pull's ``state``."""
        header = (books.source, books.company_currency, json.dumps(sorted(books.knows)),
                  json.dumps([_note(n) for n in books.notes]),
                  json.dumps({k: str(v) for k, v in sorted(books.rates.items())}),
                  _d(books.period[0]) if books.period else None, _d(books.period[1]) if books.period else None,
                  json.dumps(list(books.kinds)))
        customers = _customer_rows(books.customers)
        with collector_paused():
            items = _item_rows(books.items, trim=True)
        payments = [(p.id, p.customer_id, _d(p.date), str(p.amount), p.currency, json.dumps(list(p.applied_to)),
                     p.number, p.source_ref) for p in books.payments]
        allocations = [(a.debit_item_id, a.credit_item_id, str(a.amount), _d(a.date), _m(a.amount_currency))
                       for a in books.allocations]
        sales = [(t.customer_id, _d(t.first), _d(t.last), str(t.amount), _m(t.cash), t.source_ref)
                 for t in books.sales]
        # Not how the source was named. Sales totals count only where there are some, so that books without them
        # hash as they did before the ledger could hold them (an unchanged pull still stores nothing new).
        content = _content(header[1:], customers, items, payments, allocations, *([sales] if sales else []))
        now = _now()
        with self.transaction() as c:
            last = c.execute("SELECT id, content FROM snapshots WHERE source_key = ? ORDER BY id DESC LIMIT 1",
                             (source_key,)).fetchone()
            if last is not None and last[1] == content:
                c.execute("UPDATE snapshots SET checked_at = ?, checked_date = ?, state = ? WHERE id = ?",
                          (now, _d(books.report_date), json.dumps(state or {}), last[0]))
                return Stored(last[0], False)
            cur = c.execute(
                "INSERT INTO snapshots (source, company_currency, knows, notes, rates, period_start, period_end,"
                " kinds, source_key, pulled_at, report_date, state, content, checked_at)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (*header, source_key, now, _d(books.report_date), json.dumps(state or {}), content, now))
            sid = cur.lastrowid
            c.executemany(_insert("customers", _CUSTOMER_FIELDS, customers), [(sid, *r) for r in customers])
            c.executemany(_insert("items", _ITEM_FIELDS, items), [(sid, *r) for r in items])
            c.executemany("INSERT INTO payments VALUES (?,?,?,?,?,?,?,?,?)", [(sid, *r) for r in payments])
            c.executemany("INSERT INTO allocations VALUES (?,?,?,?,?,?)", [(sid, *r) for r in allocations])
            c.executemany("INSERT INTO sales (snapshot_id, customer_id, first_day, last_day, amount, cash,"
                          " source_ref) VALUES (?,?,?,?,?,?,?)", [(sid, *r) for r in sales])
            copy = _columns_blob(items) if len(items) >= _COLUMNS_FROM else None
            if copy is not None:
                c.execute("INSERT INTO item_columns VALUES (?,?,?,?)", (sid, _COLUMNS_FORMAT, len(items), copy))
        return Stored(sid, True)

    def snapshots(self, source_key: str | None = None) -> list[SnapshotInfo]:
        """Stored snapshots, the most recently pulled or confirmed first (optionally of one source)."""
        sql = ("SELECT s.id, s.source, s.source_key, s.pulled_at, coalesce(s.checked_date, s.report_date), s.state,"
               " (SELECT count(*) FROM items i WHERE i.snapshot_id = s.id) FROM snapshots s")
        args: tuple = ()
        if source_key:
            sql += " WHERE s.source_key = ?"
            args = (source_key,)
        # newest first: by when the content was last pulled or confirmed unchanged
        rows = self.conn.execute(sql + " ORDER BY coalesce(s.checked_at, s.pulled_at) DESC, s.id DESC",
                                 args).fetchall()
        return [SnapshotInfo(r[0], r[1], r[2], r[3], _pd(r[4]), r[6], json.loads(r[5])) for r in rows]

    def latest(self, source_key: str | None = None) -> SnapshotInfo | None:
        found = self.snapshots(source_key)
        return found[0] if found else None

    def load(self, snapshot_id: int) -> Books:
        """The books of one snapshot, exactly as stored."""
        c = self.conn
        s = c.execute("SELECT source, coalesce(checked_date, report_date), company_currency, knows, notes, rates,"
                      " period_start, period_end, kinds FROM snapshots WHERE id = ?", (snapshot_id,)).fetchone()
        if s is None:
            raise InputError(f"no snapshot {snapshot_id} in the ledger", source=str(self.path))
        tags: dict[str | None, tuple[str, ...]] = {}      # each distinct text read once (most are "[]")
        customers = tuple(
            Customer(id=r[0], name=r[1], parent_id=r[2], email=r[3] or "", phone=r[4] or "", lang=r[5] or "",
                     terms_days=r[6], credit_limit=_pm(r[7]), currency=r[8],
                     tags=tags[r[9]] if r[9] in tags else tags.setdefault(r[9], tuple(json.loads(r[9] or "[]"))),
                     address=r[10] or "", collector=r[11] or "")
            for r in c.execute(f"SELECT {', '.join(_CUSTOMER_FIELDS)} FROM customers WHERE snapshot_id = ?"
                               " ORDER BY rowid", (snapshot_id,)))
        with collector_paused():
            items = self._items(snapshot_id, s[2], customers)
        payments = tuple(
            Payment(id=r[0], customer_id=r[1], date=_pd(r[2]), amount=money(r[3]), currency=r[4],
                    applied_to=tuple(json.loads(r[5] or "[]")), number=r[6] or "", source_ref=r[7] or "")
            for r in c.execute("SELECT id, customer_id, date, amount, currency, applied_to, number, source_ref"
                               " FROM payments WHERE snapshot_id = ? ORDER BY rowid", (snapshot_id,)))
        allocations = tuple(
            Allocation(debit_item_id=r[0], credit_item_id=r[1], amount=money(r[2]), date=_pd(r[3]),
                       amount_currency=_pm(r[4]))
            for r in c.execute("SELECT debit_item_id, credit_item_id, amount, date, amount_currency FROM allocations"
                               " WHERE snapshot_id = ? ORDER BY rowid", (snapshot_id,)))
        sales = tuple(
            SalesTotal(customer_id=r[0], first=_pd(r[1]), last=_pd(r[2]), amount=money(r[3]), cash=_pm(r[4]),
                       source_ref=r[5] or "")
            for r in c.execute("SELECT customer_id, first_day, last_day, amount, cash, source_ref FROM sales"
                               " WHERE snapshot_id = ? ORDER BY rowid", (snapshot_id,)))
        period = (_pd(s[6]), _pd(s[7])) if s[6] and s[7] else None
        return Books(source=s[0], company_currency=s[2], report_date=_pd(s[1]), customers=customers, items=items,
                     payments=payments, allocations=allocations, sales=sales,
                     rates={k: money(v) for k, v in json.loads(s[5]).items()},
                     knows=frozenset(json.loads(s[3])), notes=tuple(map(Issue.from_json_dict, json.loads(s[4]))),
                     period=period, kinds=tuple(json.loads(s[8])))

    def _items(self, snapshot_id: int, company_currency: str,
               customers: tuple[Customer, ...]) -> tuple[Invoice, ...] | LazyItems:
        """The items of a snapshot, fetched in one go and taken into arrow columns and from them into the engine's
        frame; records are made only when something asks for them. Read as records at once where the frame
        cannot be made exactly as :func:`receivables.frames.item_frame` makes it of them (an amount finer than
        its currency allows, a text that is not a date): what is refused is then refused as before."""
        import pyarrow as pa

        c = self.conn
        columns = self._column_copy(snapshot_id)
        if columns is not None:
            try:
                return _ledger_items(_StoredItems(columns, company_currency, {x.id for x in customers}))
            except _NotExact:
                pass                                      # read from the rows below, and refused as before
        lo, hi = c.execute("SELECT min(rowid), max(rowid) FROM items WHERE snapshot_id = ?",
                           (snapshot_id,)).fetchone()
        if lo is None:
            return ()
        # The rows of one snapshot are written in one go, so they lie in one range of rowids: read in rowid order
        # straight from the table (through the index they would be sorted again).
        cursor = c.execute(f"SELECT {', '.join(_ITEM_FIELDS)} FROM items NOT INDEXED"
                           " WHERE rowid BETWEEN ? AND ? AND snapshot_id = ? ORDER BY rowid", (lo, hi, snapshot_id))
        struct = pa.struct([(name, pa.string()) for name in _ITEM_FIELDS])
        chunks, rows = [], []
        try:
            # A page of rows at a time into compact columns, so that no more than a page of the rows' Python objects
            # is alive at once. (Every cell store_books writes is text or NULL; a BLOB another program wrote would
            # read as its text.)
            while rows := cursor.fetchmany(_PAGE):
                chunks.append(pa.array(rows, type=struct))
            table = pa.concat_arrays(chunks)
        except pa.ArrowException:                        # a number where text belongs: read as it always was
            rows = [*(r for chunk in chunks for r in _struct_rows(chunk)), *rows, *cursor.fetchall()]
            return tuple(map(_invoice, *zip(*rows)))
        del chunks, rows
        columns = [table.field(k) for k in range(len(_ITEM_FIELDS))]
        del table
        try:
            return _ledger_items(_StoredItems(columns, company_currency, {x.id for x in customers}))
        except _NotExact:
            return tuple(map(_invoice, *(col.to_pylist() for col in columns)))

    def _column_copy(self, snapshot_id: int) -> list | None:
        """The snapshot's item rows as arrow text columns from their column copy, or ``None`` (the rows are then
        read) when there is none, it is of another format, or it does not hold as many rows as the table."""
        import pyarrow as pa

        found = self.conn.execute("SELECT format, count, data FROM item_columns WHERE snapshot_id = ?",
                                  (snapshot_id,)).fetchone()
        if found is None or found[0] != _COLUMNS_FORMAT:
            return None
        held = self.conn.execute("SELECT count(*) FROM items WHERE snapshot_id = ?", (snapshot_id,)).fetchone()[0]
        try:
            table = pa.ipc.open_stream(pa.py_buffer(found[2])).read_all()
        except (pa.ArrowException, OSError):
            return None
        names = table.column_names
        if table.num_rows != held or found[1] != held or any(t != pa.string() for t in table.schema.types) \
                or names not in (list(_ITEM_FIELDS), list(_ITEM_FIELDS[:_BEFORE_9])):
            return None
        columns = [table.column(k).combine_chunks() for k in range(len(names))]
        # A copy of rows written without the fields added since (as rows of items that carry none are): NULL.
        return columns + [pa.nulls(held, pa.string())] * (len(_ITEM_FIELDS) - len(names))

    # -- notes ----------------------------------------------------------------------------------------------------
    @property
    def notebook(self):
        """The collection notes (:class:`receivables.note_store.NoteStore`)."""
        from .note_store import NoteStore

        return NoteStore(self)

    @property
    def reminders(self):
        """The reminder batches (:class:`receivables.reminder_store.ReminderStore`)."""
        from .reminder_store import ReminderStore

        return ReminderStore(self)

    def hand_over(self, customer_id: str, customer: str, *, batch_id: int | None, level: str,
                  files: list[str]) -> None:
        """Record that the customer's debt was handed to a collection agency (kept once: the first hand-off)."""
        with self.transaction() as c:
            c.execute("INSERT OR IGNORE INTO handovers (customer_id, customer, batch_id, level, at, files)"
                      " VALUES (?,?,?,?,?,?)", (customer_id, customer, batch_id, level, _now(), json.dumps(files)))

    def handovers(self) -> dict[str, dict]:
        """Customer id -> its hand-off (customer, batch, level, at, files)."""
        cur = self.conn.execute("SELECT customer_id, customer, batch_id, level, at, files FROM handovers")
        return {r[0]: {"customer": r[1], "batch": r[2], "level": r[3], "at": r[4], "files": json.loads(r[5])}
                for r in cur}

    @property
    def job_runs(self):
        """The runs of scheduled jobs (:class:`receivables.job_store.JobStore`)."""
        from .job_store import JobStore

        return JobStore(self)

    @property
    def plans(self):
        """The payment plans (:class:`receivables.plan_store.PlanStore`)."""
        from .plan_store import PlanStore

        return PlanStore(self)

    def keep_notes(self, notes: list[dict], *, origin: str) -> int:
        """Keep the rows of a Notes sheet (:meth:`receivables.note_store.NoteStore.keep`); returns how many
        notes were new."""
        return self.notebook.keep(notes, origin=origin).new

    def notes(self) -> list[dict]:
        return self.notebook.rows()

    # -- audit ------------------------------------------------------------------------------------------------------
    def audit(self, action: str, *, target: str = "", result: str = "ok", detail: dict | None = None,
              actor: str | None = None) -> None:
        """Append one line to the audit trail (in its own transaction)."""
        with self.transaction() as c:
            c.execute("INSERT INTO audit (at, actor, action, target, result, detail) VALUES (?,?,?,?,?,?)",
                      (_now(), actor or _actor(), action, target, result,
                       json.dumps(detail or {}, default=str, sort_keys=True)))

    def audit_trail(self, limit: int = 100) -> list[dict]:
        cur = self.conn.execute("SELECT id, at, actor, action, target, result, detail FROM audit"
                                " ORDER BY id DESC LIMIT ?", (limit,))
        return [dict(zip(("id", "at", "actor", "action", "target", "result", "detail"), r)) for r in cur]


_PAGE = 50_000            # item rows fetched at a time
_COLUMNS_FROM = 10_000    # snapshots of at least this many items keep a column copy of them (item_columns)
_COLUMNS_FORMAT = "arrow-ipc-stream;lz4"      # its columns are named: the fields of the rows it copies
_ITEM_FIELDS = ITEM_FIELDS      # the items table's columns, in order (receivables.records)
_BEFORE_9 = 15                  # the item fields stored before schema 9 added the discount
# The customers table's columns, in order; the last two came with schema 9.
_CUSTOMER_FIELDS = ("id", "name", "parent_id", "email", "phone", "lang", "terms_days", "credit_limit", "currency",
                    "tags", "address", "collector")
_CUSTOMERS_BEFORE_9 = 10
# An amount as text that arrow's cast to a decimal reads as Decimal() does; others are read one by one.
_PLAIN = r"^-?[0-9]+(?:\.[0-9]+)?$"
_KINDS = frozenset(k.value for k in ItemKind)
_NO_DAY = -(1 << 63)                      # NaT as int64 (receivables.frames.NO_DAY)
_ORDINAL_1970 = date(1970, 1, 1).toordinal()


class _NotExact(Exception):
    """The stored items cannot be taken into a frame exactly as the records would give it: they are read as
    records."""


def _columns_blob(items: list[tuple]) -> bytes | None:
    """The column copy of item rows (as :meth:`Ledger.store_books` writes them): an Arrow IPC stream of their texts,
    one column per stored field (named by it: the rows may hold only the fields before schema 9), compressed;
    ``None`` (no copy: the rows are read) for a row holding other than text."""
    import pyarrow as pa

    columns = list(zip(*items))
    try:
        table = pa.table([pa.array(col, type=pa.string()) for col in columns], names=list(_ITEM_FIELDS[:len(columns)]))
    except (pa.ArrowException, TypeError, ValueError):
        return None
    del columns
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema, options=pa.ipc.IpcWriteOptions(compression="lz4")) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def rewrite_column_copy(conn: sqlite3.Connection, snapshot_id: int) -> bool:
    """Write the column copy of a snapshot's items again from its rows, where it has one (after rows were changed in
    place, by an erasure), inside the caller's transaction: loads stay as fast and give the rows as they are now.
    Returns whether there was a copy."""
    if conn.execute("SELECT 1 FROM item_columns WHERE snapshot_id = ?", (snapshot_id,)).fetchone() is None:
        return False
    rows = conn.execute(f"SELECT {', '.join(_ITEM_FIELDS)} FROM items WHERE snapshot_id = ? ORDER BY rowid",
                        (snapshot_id,)).fetchall()
    copy = _columns_blob(rows) if rows else None
    if copy is None:
        conn.execute("DELETE FROM item_columns WHERE snapshot_id = ?", (snapshot_id,))
    else:
        conn.execute("UPDATE item_columns SET format = ?, count = ?, data = ? WHERE snapshot_id = ?",
                     (_COLUMNS_FORMAT, len(rows), copy, snapshot_id))
    return True


def _struct_rows(chunk) -> list[tuple]:
    """The rows of a page already taken into arrow, as the tuples they were fetched as."""
    return [tuple(row.values()) for row in chunk.to_pylist()]


def _invoice(*r) -> Invoice:
    """An item as stored, row by row: the one definition of what each stored column means."""
    return Invoice(id=r[0], number=r[1] or "", customer_id=r[2], kind=ItemKind(r[3]), issued=_pd(r[4]),
                   due=_pd(r[5]), currency=r[6], total=money(r[7]), open_amount=money(r[8]),
                   open_amount_company=_pm(r[9]), source_ref=r[10] or "", flags=frozenset(json.loads(r[11] or "[]")),
                   paid_on=_pd(r[12]), customer_name=r[13] or "", total_company=_pm(r[14]),
                   discount_until=_pd(r[15]), discount_amount=_pm(r[16]))


def _item_rows(items, *, trim: bool = False) -> list[tuple]:
    """The rows :meth:`Ledger.store_books` writes of ``items`` (the order of :data:`_ITEM_FIELDS`); for items that
    give their stored fields (:attr:`LazyItems.columns`: read from a ledger or by the column reader), made from them
    without records.

    With ``trim``, the rows of items none of which carries a field added by schema 9 (a discount) hold only the
    fields before it, as they were written then: such books hash as they did (an unchanged pull stores nothing new)
    and the new columns stay NULL."""
    if isinstance(items, LazyItems) and items.columns is not None:
        columns = items.columns()
        if trim and all(map(_all_none, columns[_BEFORE_9:])):
            columns = columns[:_BEFORE_9]
        return list(zip(*columns))
    rows = [(i.id, i.number, i.customer_id, i.kind.value, _d(i.issued), _d(i.due), i.currency,
             str(i.total), str(i.open_amount), _m(i.open_amount_company), i.source_ref,
             json.dumps(sorted(i.flags)), _d(i.paid_on), i.customer_name, _m(i.total_company))
            for i in items]
    if trim and all(i.discount_until is None and i.discount_amount is None for i in items):
        return rows
    return [(*r, _d(i.discount_until), _m(i.discount_amount)) for r, i in zip(rows, items)]


def _all_none(column) -> bool:
    """Whether every value of a stored column (a list or an object array) is NULL."""
    if isinstance(column, list):
        return column.count(None) == len(column)
    return all(v is None for v in column)


def _customer_rows(customers) -> list[tuple]:
    """The rows :meth:`Ledger.store_books` writes of ``customers`` (the order of :data:`_CUSTOMER_FIELDS`); only
    the fields before schema 9 when no customer has an address or a collector (as :func:`_item_rows` trims)."""
    rows = [(x.id, x.name, x.parent_id, x.email, x.phone, x.lang, x.terms_days, _m(x.credit_limit), x.currency,
             json.dumps(list(x.tags)), x.address or None, x.collector or None) for x in customers]
    if all(r[10] is None and r[11] is None for r in rows):
        return [r[:_CUSTOMERS_BEFORE_9] for r in rows]
    return rows


def _insert(table: str, fields: tuple[str, ...], rows: list[tuple]) -> str:
    """``INSERT`` of a snapshot's rows of ``table``: the snapshot id and the leading ``fields`` the rows hold."""
    names = fields[:len(rows[0])] if rows else fields
    return f"INSERT INTO {table} (snapshot_id, {', '.join(names)}) VALUES ({', '.join('?' * (len(names) + 1))})"


def _codes(column) -> tuple:
    """Integer codes (an int64 array) of an arrow text column and its distinct values (``None`` for NULL) in the
    order they first come."""
    import numpy as np

    encoded = column.dictionary_encode(null_encoding="encode")
    return encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64), encoded.dictionary.to_pylist()


def _take(values: list, codes):
    """An object array of ``values[code]`` for each code (the very objects, shared)."""
    import numpy as np

    table = np.empty(len(values), dtype=object)
    for k, v in enumerate(values):
        table[k] = v
    return table[codes]


def _texts(column, blank: bool = False):
    """The Python texts of an arrow column as an object array; ``""`` for NULL where ``blank`` (``value or ""``)."""
    if blank and column.null_count:
        column = column.fill_null("")
    return column.to_numpy(zero_copy_only=False)


def _minor_units(texts, places, n: int):
    """Exact int64 minor units of an arrow column of amount texts at ``places`` (one for all, or an array with one
    per row), as :func:`receivables.money.minor_units` makes them of ``money(text)``, and the mask of NULLs (or
    ``None`` if there are none; their slots hold 1). Plain texts go through arrow's cast to a decimal, which
    refuses to round; the others one by one. Raises :class:`_NotExact` where an amount is finer than its places
    allow or beyond int64."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    out = np.ones(n, dtype=np.int64)
    missing = texts.is_null().to_numpy(zero_copy_only=False) if texts.null_count else None
    plain = pc.match_substring_regex(texts, _PLAIN).fill_null(False).to_numpy(zero_copy_only=False)
    if isinstance(places, np.ndarray):
        groups = [(int(p), places == p) for p in np.unique(places)]
    else:
        groups = [(places, None)]
    for p, rows in groups:
        chosen = plain if rows is None else plain & rows
        if not chosen.any():
            continue
        picked = texts if chosen.all() else texts.filter(pa.array(chosen))
        try:
            out[chosen] = plain_minor_units(picked, p)
        except (ValueError, pa.ArrowException):
            raise _NotExact from None     # finer than the currency allows, too long, or beyond int64
    others = ~plain if missing is None else ~plain & ~missing
    for k in np.flatnonzero(others).tolist():
        p = int(places[k]) if isinstance(places, np.ndarray) else places
        try:
            value = minor_units([money(texts[k].as_py())], p)[0]
        except (ValueError, TypeError):
            raise _NotExact from None
        if not -(1 << 63) <= value < (1 << 63):
            raise _NotExact
        out[k] = value
    return out, missing


_amount_texts = decimal_texts


def _decimals(texts) -> list:
    """``money(text)`` of each amount text of an arrow column checked by :func:`_minor_units` (there, ``Decimal``
    of it), ``None`` for NULL."""
    values = texts.to_pylist()
    if texts.null_count:
        return [None if t is None else Decimal(t) for t in values]
    return list(map(Decimal, values))


class _StoredItems:
    """The items of one snapshot as stored (arrow columns of their texts) and the engine's frame of them.

    :meth:`records` makes the records the row-by-row read makes (``_invoice`` of each row), :meth:`columns` the
    fields :meth:`Ledger.store_books` writes of those records, without making them. Columns with few distinct values
    (customer, kind, dates, currency, flags) are kept as codes into their distinct values. Raises
    :class:`_NotExact` where the frame would not be exactly :func:`receivables.frames.item_frame` of the records,
    or where :func:`receivables.frames.frames_of` would name a customer otherwise for the frame than for them.
    """

    __slots__ = ("count", "frame", "ids", "numbers", "customers", "kinds", "issued", "due", "paid_on", "currencies",
                 "amounts", "source_refs", "flags", "flag_sets", "names", "discount_until", "discounts")

    def __init__(self, columns: list, company_currency: str, listed: set[str]):
        import numpy as np
        import pandas as pd

        (ids, numbers, customers, kinds, issued, due, currencies, totals, opens, open_cos, source_refs, flags,
         paid_on, names, total_cos, discount_until, discounts) = columns
        n = self.count = len(ids)
        if ids.null_count or customers.null_count or currencies.null_count or totals.null_count or opens.null_count:
            raise _NotExact                   # NOT NULL columns: a damaged ledger, read as before
        self.amounts = [totals, opens, open_cos, total_cos]
        self.discounts = discounts
        self.source_refs, self.names = source_refs, names
        self.kinds = _codes(kinds)
        if not set(self.kinds[1]) <= _KINDS:
            raise _NotExact
        self.issued, self.due, self.paid_on = _codes(issued), _codes(due), _codes(paid_on)
        self.discount_until = _codes(discount_until)
        self.currencies, self.flags, self.customers = _codes(currencies), _codes(flags), _codes(customers)
        try:
            self.flag_sets = [frozenset(json.loads(t or "[]")) for t in self.flags[1]]
            day_seconds = [np.array([_NO_DAY if d is None else (d.toordinal() - _ORDINAL_1970) * 86_400
                                     for d in map(_pd, distinct)], dtype=np.int64)
                           for _, distinct in (self.issued, self.due, self.paid_on, self.discount_until)]
            upper = [c.upper() for c in self.currencies[1]]
        except (ValueError, TypeError, AttributeError):
            raise _NotExact from None
        # frames_of names a customer the books do not list by its id for a frame, by its first item's name for
        # records: the frame is taken only where the two agree.
        codes, distinct = self.customers
        unlisted = [k for k, cid in enumerate(distinct) if cid not in listed]
        if unlisted:
            first = np.unique(codes, return_index=True)[1][unlisted]
            if any(name and name != distinct[k]
                   for k, name in zip(unlisted, names.take(first).to_pylist())):
                raise _NotExact
        codes, distinct = self.currencies
        by_currency = np.array([precision(c) for c in distinct], dtype=np.int64)
        places = int(by_currency[0]) if (by_currency == by_currency[0]).all() else by_currency[codes]
        company = precision(company_currency)
        total, _ = _minor_units(totals, places, n)
        open_, _ = _minor_units(opens, places, n)
        open_co, open_co_missing = _minor_units(open_cos, company, n)
        total_co, total_co_missing = _minor_units(total_cos, company, n)
        discount, discount_missing = _minor_units(discounts, places, n)
        self.ids, self.numbers = _texts(ids), _texts(numbers, blank=True)
        no_mask = np.zeros(n, dtype=bool)
        self.frame = pd.DataFrame({
            "id": pd.Series(self.ids, dtype=object),
            "number": pd.Series(self.numbers, dtype=object),
            "customer_id": pd.Series(_take(self.customers[1], self.customers[0]), dtype=object),
            "kind": pd.Series(_take(self.kinds[1], self.kinds[0]), dtype=object),
            "issued": day_seconds[0][self.issued[0]].view("datetime64[s]"),
            "due": day_seconds[1][self.due[0]].view("datetime64[s]"),
            "currency": pd.Series(_take(upper, codes), dtype=object),
            "total_minor": total,
            "open_minor": open_,
            "open_company_minor": pd.arrays.IntegerArray(
                open_co, no_mask.copy() if open_co_missing is None else open_co_missing),
            "paid_on": day_seconds[2][self.paid_on[0]].view("datetime64[s]"),
            "total_company_minor": pd.arrays.IntegerArray(
                total_co, no_mask.copy() if total_co_missing is None else total_co_missing),
            "inferred": np.array(["inferred" in f for f in self.flag_sets], dtype=bool)[self.flags[0]],
            "discount_minor": pd.arrays.IntegerArray(
                discount, no_mask.copy() if discount_missing is None else discount_missing),
            "discount_until": day_seconds[3][self.discount_until[0]].view("datetime64[s]"),
        }, copy=False)

    def records(self) -> list[Invoice]:
        """The records, equal one by one to ``_invoice`` of the stored rows."""
        with collector_paused():
            kinds = _take([ItemKind(k) for k in self.kinds[1]], self.kinds[0])
            issued, due, paid_on, until = (
                _take([_pd(v) for v in distinct], codes)
                for codes, distinct in (self.issued, self.due, self.paid_on, self.discount_until))
            return _invoices(self.ids, self.numbers, _take(self.customers[1], self.customers[0]), kinds, issued, due,
                             _take(self.currencies[1], self.currencies[0]), *map(_decimals, self.amounts[:3]),
                             _texts(self.source_refs, blank=True), _take(self.flag_sets, self.flags[0]), paid_on,
                             _texts(self.names, blank=True), _decimals(self.amounts[3]), until,
                             _decimals(self.discounts))

    def columns(self) -> list:
        """The fields :meth:`Ledger.store_books` writes of the records, made without them (one column per field of
        :data:`ITEM_FIELDS`): equal one by one."""
        kinds = _take([ItemKind(k).value for k in self.kinds[1]], self.kinds[0])
        issued, due, paid_on, until = (_take([_d(_pd(v)) for v in distinct], codes)
                                       for codes, distinct in (self.issued, self.due, self.paid_on,
                                                               self.discount_until))
        flags = _take([json.dumps(sorted(f)) for f in self.flag_sets], self.flags[0])
        totals, opens, open_cos, total_cos, discounts = map(_amount_texts, (*self.amounts, self.discounts))
        return [self.ids, self.numbers, _take(self.customers[1], self.customers[0]), kinds, issued, due,
                _take(self.currencies[1], self.currencies[0]), totals, opens, open_cos,
                _texts(self.source_refs, blank=True), flags, paid_on, _texts(self.names, blank=True), total_cos,
                until, discounts]


def _ledger_items(stored: _StoredItems) -> LazyItems:
    """Items read from a ledger: the frame now, records when asked for, stored again from the stored columns."""
    return LazyItems(stored.frame, stored.records, stored.count, stored.columns)


_FIELDS = dataclasses.fields(Invoice)
_SLOTS = [Invoice.__dict__.get(f.name) for f in _FIELDS]
_FAST = all(type(slot).__name__ == "member_descriptor" for slot in _SLOTS)


def _invoices(*columns) -> list[Invoice]:
    """Invoices from one column per field (in field order), equal to ``Invoice(*row)`` row by row: ``Invoice`` is
    a frozen slotted dataclass with no ``__post_init__``, so its instances are filled slot by slot, column by
    column (a third of the cost of ``__init__`` per row)."""
    if not _FAST or len(columns) != len(_SLOTS):
        return list(map(Invoice, *columns))
    items = list(map(object.__new__, repeat(Invoice, len(columns[0]))))
    for slot, values in zip(_SLOTS, columns):
        deque(map(slot.__set__, items, values), maxlen=0)
    return items


def _note(note: Issue | str) -> dict | str:
    """A note as stored: an Issue as its JSON object; a plain string (from a caller not yet giving Issues) as the
    string older ledgers held, which reads back as an info issue."""
    return note.to_json_dict() if isinstance(note, Issue) else str(note)


def _content(header: tuple, *tables: list[tuple]) -> str:
    """A digest of a snapshot's content: everything stored but when it was pulled, the date it stands at and the
    name it was given (the same file named relative or absolute is one source: the source key says so)."""
    h = hashlib.sha256(repr(header).encode())
    for rows in tables:
        h.update(b"\x1d")
        for start in range(0, len(rows), 20_000):
            h.update("\x1e".join(map(repr, rows[start:start + 20_000])).encode())
    return h.hexdigest()


def _locked(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _s(value) -> str | None:
    if value is None or value == "":
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


def _actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]
