"""Personal data: an access request's answer, erasure on request, retention, called alike by ``ardesk privacy ...``
and the scheduler (:func:`privacy_prune`); and what a refresh does to the workbook after an erasure.

The ledger side is the engine's (:mod:`receivables.privacy`, :mod:`receivables.retention`); here are the files:
after the ledger's transaction commits, the drafts, letters and hand-offs written for an erased customer are
deleted (they are found from the ledger's records, and by their names in ``[letters] folder`` and ``[reminders]
handoffs``), and call lists, which list other customers too, are rewritten without its values.
"""
from __future__ import annotations

import getpass
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from receivables.privacy import norm
from receivables.private_files import write_private

from .settings import Settings
from .sources import open_ledger


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def report(settings: Settings, customer: str) -> dict:
    """``ardesk privacy report``: everything the ledger holds about ``customer`` (its id or name)."""
    from receivables.errors import InputError
    from receivables.privacy_report import report as report_of

    if not settings.ledger.exists():
        raise InputError("no ledger yet: the desk holds nothing", source=str(settings.ledger))
    with open_ledger(settings.ledger, settings.config) as ledger:
        doc = report_of(ledger, customer)
        ledger.audit("privacy report", target=doc["customer"]["id"], detail={"records": len(doc["records"])})
    doc["files"] = _files_of(settings, doc)
    return doc


@dataclass
class Erased:
    """What ``ardesk privacy erase`` did."""

    customer_id: str
    pseudonym: str | None
    kinds: list[str]
    counts: dict[str, int]
    deleted: list[str] = field(default_factory=list)
    rewritten: list[str] = field(default_factory=list)
    advice: list[str] = field(default_factory=list)
    compacted: bool = True

    @property
    def message(self) -> str:
        if self.pseudonym == self.customer_id:
            who = f"a person, known from now on as {self.pseudonym}"
        elif self.pseudonym:
            who = f"customer {self.customer_id}, a person now named {self.pseudonym}"
        else:
            who = f"customer {self.customer_id}"
        lines = [f"erased the personal data of {who}: {', '.join(self.kinds)}",
                 f"{len(self.deleted)} file(s) deleted, {len(self.rewritten)} call list(s) rewritten without it",
                 "the workbook's sheets lose it at the next refresh; later pulls keep it erased (the source still "
                 "holds it: erase it there too where it should go everywhere)"]
        if not self.compacted:
            lines.append("another ardesk had the ledger open, so the file was not rebuilt: earlier copies left in "
                         "its free space go as it is used (or run the erasure again when nothing else runs)")
        return "\n".join(lines + self.advice)

    def to_json_dict(self) -> dict:
        return {"customer_id": self.customer_id, "pseudonym": self.pseudonym, "kinds": self.kinds,
                "counts": self.counts, "files_deleted": len(self.deleted), "files_rewritten": len(self.rewritten),
                "advice": self.advice}


def is_person(settings: Settings, customer: str) -> bool:
    """Whether ``[reminders] consumers`` names the customer (by its id or any name it was held under)."""
    from receivables.errors import InputError
    from receivables.privacy import find_customer

    named = {norm(c) for c in settings.config.reminders.consumers}
    if not named or not settings.ledger.exists():
        return False
    with open_ledger(settings.ledger, settings.config) as ledger:
        try:
            found = find_customer(ledger.conn, customer)
        except InputError:
            return False
    return bool(named & ({norm(found.id)} | {norm(n) for n in found.names}))


def erase(settings: Settings, customer: str, *, person: bool = False, by: str | None = None) -> Erased:
    """``ardesk privacy erase``: the customer's personal data out of the ledger (one transaction), then out of the
    files written for it. ``person``: a natural person (its name goes too); also when ``[reminders] consumers``
    names it."""
    from receivables.errors import InputError
    from receivables.privacy import erase as erase_in

    if not settings.ledger.exists():
        raise InputError("no ledger yet: the desk holds nothing to erase", source=str(settings.ledger))
    person = person or is_person(settings, customer)
    with open_ledger(settings.ledger, settings.config) as ledger:
        done = erase_in(ledger, customer, person=person, by=by or _user())
    result = Erased(done.customer_id, done.pseudonym, done.kinds, done.counts, compacted=done.compacted)
    cfg = settings.config
    named = [*done.files, *_by_name(cfg.letters_folder, r"letter-\d+-{}\.pdf", done.safe_ids),
             *_by_name(cfg.handoffs_folder, r"handoff-\d+-{}\.(?:json|csv)", done.safe_ids)]
    for path in sorted(set(named)):
        p = Path(path)
        if p.is_file():
            p.unlink()
            result.deleted.append(path)
    lists = {*done.call_lists, *map(str, settings.ledger.parent.glob("call-list-*.csv"))}
    for path in sorted(lists):
        p = Path(path)
        if p.is_file() and done.secrets is not None:
            text = p.read_bytes().decode("utf-8")          # its line ends as written
            scrubbed = done.secrets.text(text)
            if scrubbed != text:
                write_private(p, scrubbed.encode("utf-8"), prefix=".call-list-")
                result.rewritten.append(path)
    result.advice = _advice(settings, done)
    return result


def _by_name(folder: Path, pattern: str, safe_ids: tuple[str, ...]) -> list[str]:
    """Files in ``folder`` named for one of the customer's ids (as the desk names what it writes for a customer)."""
    if not folder.is_dir():
        return []
    wanted = [re.compile(pattern.format(re.escape(s))) for s in safe_ids]
    return [str(p) for p in folder.iterdir() if any(w.fullmatch(p.name) for w in wanted)]


def _advice(settings: Settings, done) -> list[str]:
    """Where ardesk.toml still names the customer: the person who keeps it replaces the name (the desk never
    rewrites the configuration)."""
    if done.secrets is None:
        return []
    cfg = settings.config
    lists = {"[reminders] consumers": cfg.reminders.consumers, "[reminders] hold": cfg.reminders.hold,
             **{f"[worklist.collectors] {k}": v for k, v in cfg.worklist.collectors.items()}}
    out = []
    for where, values in lists.items():
        if any(isinstance(v, str) and done.secrets.mentions(v) and norm(v) != norm(done.customer_id)
               for v in values):
            out.append(f"{cfg.path or 'ardesk.toml'}: {where} names this customer by a name now erased: write "
                       f"{done.pseudonym or done.customer_id!r} there instead")
    return out


def _files_of(settings: Settings, doc: dict) -> list[str]:
    """The files the desk wrote for the customer that are still there (for the access request's answer)."""
    cid = doc["customer"]["id"]
    safe = (re.sub(r"[^A-Za-z0-9._-]+", "_", cid)[:60],)
    named = [f for r in doc["reminders"] for f in [_named(r.get("outcome"))] if f]
    if doc["handover"]:
        named += doc["handover"]["files"]
    named += _by_name(settings.config.letters_folder, r"letter-\d+-{}\.pdf", safe)
    named += _by_name(settings.config.handoffs_folder, r"handoff-\d+-{}\.(?:json|csv)", safe)
    return sorted({f for f in named if Path(f).is_file()})


def _named(outcome: str | None) -> str | None:
    from receivables.privacy import FILE_OUTCOMES

    return next((outcome[len(p):].strip() for p in FILE_OUTCOMES if outcome and outcome.startswith(p)), None)


# -- retention ----------------------------------------------------------------------------------------------------
def retention_of(settings: Settings):
    from receivables.retention import Retention

    p = settings.config.privacy
    return Retention(p.keep_notes_years, p.keep_messages_years, p.keep_contacts_after_last_invoice_years)


def prune(settings: Settings, as_of: date, *, by: str | None = None):
    """``ardesk privacy prune``: apply ``[privacy]``'s periods as of ``as_of``; delete the files of what was
    pruned. Returns the :class:`~receivables.retention.Pruned` record (its ``files``: those deleted)."""
    from receivables.retention import Pruned
    from receivables.retention import prune as prune_in

    if not settings.ledger.exists():
        return Pruned()
    with open_ledger(settings.ledger, settings.config) as ledger:
        done = prune_in(ledger, as_of, retention_of(settings), by=by or _user())
    deleted = []
    for path in done.files:
        p = Path(path)
        if p.is_file():
            p.unlink()
            deleted.append(path)
    done.files = deleted
    return done


def privacy_prune(settings: Settings, today: date):
    """The scheduler's job: :func:`prune` as of the scheduler's day; counts only (nothing personal in its log)."""
    from .scheduled import Done

    done = prune(settings, today, by="scheduler")
    return Done(done.counts(), message=f"{done.notes} note(s) deleted, {done.notices} notice(s) and "
                                       f"{done.customers} customer(s) blanked, {len(done.files)} file(s) deleted")


# -- the workbook, at a refresh ---------------------------------------------------------------------------------
def note_erasure_cells(ledger, rows: list[dict]) -> dict[int, dict[str, str | None]]:
    """The Notes sheet's cells to blank (row -> field -> None, or a person's pseudonym for its Customer cell) among
    ``rows`` (:func:`excel.package.read_notes`): of notes erased on request, the text and author; of notes pruned by
    retention, every cell a person typed. Only cells that still show something are named."""
    from excel.layout import NOTE_PROGRAM_FIELDS, NOTES, sheet
    from receivables.erasure import PSEUDONYM_PREFIX
    from receivables.note_store import content_of, new_uid

    closed = dict(ledger.conn.execute("SELECT uid, why FROM erased_notes"))
    if not closed:
        return {}
    people = [c.field for c in sheet(NOTES).columns if c.field not in NOTE_PROGRAM_FIELDS]
    customers = dict(ledger.conn.execute("SELECT uid, customer FROM notes"))
    cells: dict[int, dict[str, str | None]] = {}
    for row in rows:
        uid = row.get("uid") or new_uid(content_of(row))
        why = closed.get(uid)
        if why is None:
            continue
        blank = ("text", "author") if why == "request" else people
        want: dict[str, str | None] = {f: None for f in blank if row.get(f) not in (None, "")}
        stored = customers.get(uid)
        if why == "request" and stored and stored.startswith(PSEUDONYM_PREFIX) and row.get("customer") != stored:
            want["customer"] = stored
        if want:
            cells[int(row["_row"])] = want
    return cells


def clean_workbook(ledger, path: Path, rows: list[dict]) -> str:
    """After a refresh wrote the program's sheets: blank the Notes sheet's cells of erased and pruned notes
    (:func:`note_erasure_cells`), rewrite the Reminders sheet where it still shows an erased customer, and empty the
    shared strings no cell uses any more (:func:`excel.package.drop_unused_strings`). Nothing when the ledger
    records no erasure and no pruning. Returns a few words on what was done, or ""."""
    from excel import package

    if not ledger.conn.execute("SELECT 1 FROM erasures UNION ALL SELECT 1 FROM erased_notes UNION ALL SELECT 1 FROM"
                               " audit WHERE action = 'privacy prune' LIMIT 1").fetchone():
        return ""
    said = []
    cells = note_erasure_cells(ledger, rows)
    if cells:
        package.erase_notes(path, cells)
        said.append(f"{len(cells)} erased note(s) blanked on the Notes sheet")
    if _reminders_shown(ledger, path):
        said.append("the Reminders sheet written again without erased contacts")
    emptied = package.drop_unused_strings(path)
    if emptied:
        said.append(f"{emptied} unused text(s) emptied")
    return "; ".join(said)


def _reminders_shown(ledger, path: Path) -> bool:
    """Rewrite the Reminders sheet from the ledger when it shows an erased customer's contacts or name (what a
    person chose in its Send column is taken into the ledger first)."""
    from excel import layout, package
    from excel.sheets import reminder_rows
    from receivables.erasure import Erasures

    erasures = Erasures.of(ledger)
    if not erasures.entries:
        return False
    batches = set()
    for row in package.read_rows(path, layout.REMINDERS):
        e = erasures.find(str(row.get("customer_id") or ""))
        if e is not None and (row.get("email") or (e.pseudonym and row.get("customer") != e.pseudonym)):
            batches.add(int(row["batch"]))
    if not batches:
        return False
    bid = max(batches)
    choices = package.read_reminder_choices(path)
    ledger.reminders.set_send(bid, {cid: send for (b, cid), send in choices.items() if b == bid})
    package.write_panel_data(path, layout.PanelData(rows={layout.REMINDERS: reminder_rows(
        bid, ledger.reminders.notices(bid), ledger.reminders.exclusions(bid))}))
    return True
