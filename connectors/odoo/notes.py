"""Writing collection notes back to Odoo, each exactly once, whatever fails in between.

Without the ardesk add-on a note becomes three things in Odoo, each a *step* recorded in the ledger
(:mod:`receivables.note_store`):

- ``message``: an internal note (subtype ``mail.mt_note``, never mailed to the customer) on the invoice's chatter,
  or on the customer's when no invoice is named, posted by the API user, with the Message-ID
  ``<ardesk-note-UID@ardesk>`` (``<ardesk-note-UID.REVISION@ardesk>`` for an edit, posted as a correction). A
  retry first looks the Message-ID up and finds the earlier post instead of posting twice.
- ``dispute``: a note opening a dispute on an invoice sets Odoo's own "No Follow-up" flag on the invoice's
  receivable lines (``blocked`` up to 17.0, ``no_followup`` from 19.0; 18.0 has no such flag), so Odoo's own
  follow-ups respect it; a note resolving it clears the flag. Setting a flag to what it already is is not a
  change, so it is read first and written only where it differs.
- ``activity``: a Next action date becomes a To-Do activity on the customer for the API user, named
  ``ardesk follow-up UID``, found again by that name on a retry (and moved when an edit changes the date).

With the ardesk add-on installed (``addon/``: its model ``ardesk.collection.note`` is on the server), the desk
prefers it: the notes go in batches to its one idempotent method, which creates each note once per company, posts
it on the chatter, keeps the flag in step and schedules the To-Do itself; a batch whose answer was lost is sent
again as it is. The step recorded is then ``addon``.

Every read is retried (:class:`~connectors.odoo.client.OdooClient`); every change is tried once
(:meth:`~connectors.odoo.client.OdooClient.attempt`) and, when its answer is lost, looked up before anything else
is tried. What the server refuses is reported per note, with its reason, and tried again at the next push.
"""
from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from receivables.errors import ArdeskError, ConfigError
from receivables.note_store import DONE, FAILED, REFUSED, Step
from receivables.records import CollectionNote

from .client import Lost, OdooClient, Refused, masked, parse_url
from .versions import Profile, profile_for

WRITTEN, ALREADY, REFUSED_NOTE, NOT_SENT = "written", "already there", "refused", "not sent"
ADDON_MODEL = "ardesk.collection.note"     # the ardesk add-on's model (addon/): its method writes a batch at once
ADDON_STEP = "addon"
ADDON_BATCH = 100
_CHUNK = 500                 # values in one "in" domain
_INVOICE_TYPES = ["out_invoice", "out_refund", "out_receipt"]


def target_of(url: str, db: str) -> str:
    """The name under which a push to this database is recorded (no credentials in it)."""
    return f"odoo:{masked(url.strip()).rstrip('/')}/{db}"


def message_id(note: CollectionNote) -> str:
    suffix = f".{note.revision}" if note.revision else ""
    return f"<ardesk-note-{note.uid}{suffix}@ardesk>"


def activity_summary(note: CollectionNote) -> str:
    return f"ardesk follow-up {note.uid}"


def _amount(value: Decimal) -> str:
    places = max(0, -value.as_tuple().exponent) if isinstance(value.as_tuple().exponent, int) else 2
    return f"{value:,.{max(places, 2)}f}"


def note_kwargs(body: str, message_id: str, major: int) -> dict:
    """``message_post``'s arguments for an internal note (never mailed) of escaped HTML ``body`` with the given
    Message-ID; from 17.0 the body must be declared HTML (older versions take HTML as it is)."""
    kwargs = {"body": body, "message_type": "comment", "subtype_xmlid": "mail.mt_note", "message_id": message_id}
    if major >= 17:
        kwargs["body_is_html"] = True
    return kwargs


def body_html(note: CollectionNote) -> str:
    """The chatter message of a note: every part a person typed escaped, lines joined with ``<br>``."""
    e = html.escape
    head = (f"Correction of collection note {note.uid} (revision {note.revision})" if note.revision
            else f"Collection note {note.uid}")
    lines = [f"<b>{e(head)}</b>: {e(note.written_at.isoformat())}" + (f", {e(note.author)}" if note.author else "")]
    if note.invoice:
        lines.append(f"Invoice: {e(note.invoice)}")
    if note.outcome:
        lines.append(f"Outcome: {e(', '.join(note.outcome))}")
    if note.promise_date or note.promise_amount is not None:
        amount = _amount(note.promise_amount) if note.promise_amount is not None else "the open amount"
        lines.append(f"Promise to pay: {e(amount)}" + (f" by {note.promise_date.isoformat()}"
                                                      if note.promise_date else ""))
    if note.dispute:
        lines.append(f"Dispute: {e(note.dispute)}")
    if note.next_action_date:
        lines.append(f"Next action: {note.next_action_date.isoformat()}")
    if note.text:
        lines.append("")
        lines.extend(e(line) for line in note.text.splitlines())
    return "<br>".join(lines)


@dataclass
class NoteResult:
    """What a push did with one note: ``status`` is written, already there, refused or not sent."""

    uid: str
    revision: int
    customer: str
    status: str
    ref: str = ""
    reason: str = ""
    steps: dict[str, str] = field(default_factory=dict)

    def to_json_dict(self) -> dict:
        return {"note_id": self.uid, "revision": self.revision, "customer": self.customer, "status": self.status,
                "ref": self.ref or None, "reason": self.reason or None, "steps": dict(self.steps)}


class _Stop(Exception):
    """The server stopped answering reads: the rest of the push waits for the next one."""


def complete(note: CollectionNote, done: dict) -> bool:
    """Whether a note's revision is written: through the add-on, or every step of the chatter path."""
    def ok(step: str) -> bool:
        line = done.get((note.uid, note.revision, step))
        return line is not None and line.state == DONE

    return ok(ADDON_STEP) or all(ok(s) for s in steps_of(note))


def steps_of(note: CollectionNote) -> tuple[str, ...]:
    """The steps a note needs: always its message; the dispute flag when it opens or resolves a dispute on an
    invoice (a whole customer's dispute is kept in the desk: Odoo's flag is per journal item); an activity when it
    has a next action date."""
    out = ["message"]
    if note.dispute and note.invoice:
        out.append("dispute")
    if note.next_action_date:
        out.append("activity")
    return tuple(out)


def push_notes(url: str, db: str, user: str, password: str, notes: Sequence[CollectionNote],
               done: dict[tuple[str, int, str], Step], record: Callable[[Step], None], *,
               timeout: float = 120.0, retries: int = 4, backoff: float = 0.5,
               states: Callable[[], dict[str, dict]] | dict[str, dict] | None = None) -> list[NoteResult]:
    """Write ``notes`` to the Odoo database, skipping the steps ``done`` holds as done for their revision, and
    ``record`` each step's outcome as soon as it is known. Returns one result per note that needed a step.

    With the ardesk add-on on the server (its model ``ardesk.collection.note``), the notes go to its one
    idempotent method in batches, with ``states`` (note id -> ``promise_state``, ``disputed_amount``: what the
    engine tracks; a callable is asked only then, as working them out means loading the books); without it, each
    note takes the chatter path, step by step."""
    if not url or not db or not user:
        raise ConfigError("[odoo] needs url, db and user to write notes back", hint="set them in ardesk.toml")
    parse_url(url)
    if not password:
        raise ConfigError("no Odoo password", hint="set ARDESK_ODOO_PASSWORD")
    if all(complete(n, done) for n in notes):
        return []                     # nothing to write: not even a connection
    client = OdooClient(url, db, user, password, timeout=timeout, retries=retries, backoff=backoff)
    profile = profile_for(client.connect())
    client.login()
    pusher = _Pusher(client, profile, target_of(url, db), done, record)
    if pusher.has_addon():
        return pusher.run_addon(notes, (states() if callable(states) else states) or {})
    return pusher.run(notes)


def has_addon(client: OdooClient) -> bool:
    """Whether the server has the add-on's model. Asked of the model itself (a user of the Collector group may not
    read ``ir.model``): an unknown model is Odoo's UserError "Object ... doesn't exist"; a model the user may not
    read is there (its method then says what the user lacks)."""
    for _attempt in range(client.retries + 1):
        try:
            client.attempt(ADDON_MODEL, "search_count", [[]])
            return True
        except Refused as exc:
            return not (exc.name.endswith("UserError") and "doesn't exist" in exc.reason)
        except Lost:
            continue
    return False


def _push_batch(client: OdooClient, values: list[dict], kwargs: dict | None = None) -> tuple[list | None, str]:
    """One batch to the add-on's ``ardesk_push_notes``: its answer (one result per note), or None and why not. The
    method is idempotent, so a batch whose answer was lost is sent again, up to the client's retries; a refusal is
    final."""
    why = ""
    for _attempt in range(client.retries + 1):
        try:
            return client.attempt(ADDON_MODEL, "ardesk_push_notes", [values], kwargs or {}), ""
        except Refused as exc:
            return None, exc.reason
        except Lost as exc:
            why = f"the connection was lost ({exc})"
    return None, why


class _Pusher:
    def __init__(self, client: OdooClient, profile: Profile, target: str, done: dict, record: Callable):
        self.client, self.profile, self.target = client, profile, target
        self.done, self.record = done, record

    # -- reads, retried -----------------------------------------------------------------------------------------
    def _read(self, model: str, domain: list, fields: list[str], **kw) -> list[dict]:
        try:
            return self.client.call(model, "search_read", [domain], {"fields": fields, **kw}) or []
        except ArdeskError as exc:
            raise _Stop(str(exc)) from None

    def _read_in(self, model: str, key: str, values: Iterable, fields: list[str], extra: list | None = None,
                 **kw) -> list[dict]:
        values = sorted(set(values), key=str)
        out: list[dict] = []
        for i in range(0, len(values), _CHUNK):
            out += self._read(model, [(key, "in", values[i:i + _CHUNK])] + (extra or []), fields, **kw)
        return out

    # -- the add-on's path -------------------------------------------------------------------------------------
    def has_addon(self) -> bool:
        return has_addon(self.client)

    def run_addon(self, notes: Sequence[CollectionNote], states: dict[str, dict]) -> list[NoteResult]:
        """The notes through the add-on's ``ardesk_push_notes``, a batch at a time. The method is idempotent
        (a note is created once per company, by its id and revision), so a batch whose answer was lost is simply
        sent again."""
        todo = [n for n in sorted(notes, key=lambda n: (n.written_at, n.uid)) if not complete(n, self.done)]
        if not todo:
            return []
        try:
            self._prefetch_targets(todo)
        except _Stop as stop:
            return [self._not_sent(n, str(stop)) for n in todo]
        results: dict[str, NoteResult] = {}
        # by company: a note on an invoice is written in the invoice's company (the add-on checks that a note and
        # its invoice share one); a note on a customer alone in the user's current company
        ready: dict[int | None, list[tuple[CollectionNote, dict]]] = {}
        for note in todo:
            where = self._where(note)
            if isinstance(where, str):
                self._step(note, ADDON_STEP, REFUSED, reason=where)
                results[note.uid] = NoteResult(note.uid, note.revision, note.customer, REFUSED_NOTE, reason=where)
                continue
            company = self.move_company.get(where[3]) if where[3] else None
            ready.setdefault(company, []).append((note, _addon_values(note, where, states.get(note.uid, {}))))
        batches = [(company, notes[i:i + ADDON_BATCH]) for company, notes in ready.items()
                   for i in range(0, len(notes), ADDON_BATCH)]
        for company, batch in batches:
            kwargs = {"context": {"allowed_company_ids": [company]}} if company else {}
            answer, why = _push_batch(self.client, [v for _n, v in batch], kwargs)
            for k, (note, _vals) in enumerate(batch):
                got = answer[k] if isinstance(answer, list) and k < len(answer) else None
                results[note.uid] = self._addon_result(note, got, why)
        return [results[n.uid] for n in todo]

    def _addon_result(self, note: CollectionNote, got: dict | None, why: str) -> NoteResult:
        result = NoteResult(note.uid, note.revision, note.customer, ALREADY)
        if got is None:
            state = REFUSED if why and not why.startswith("the connection was lost") else FAILED
            self._step(note, ADDON_STEP, state, reason=why or "no answer for this note")
            result.status = REFUSED_NOTE if state == REFUSED else NOT_SENT
            result.reason = why or "no answer for this note"
            return result
        status = got.get("status")
        if status == "refused":
            self._step(note, ADDON_STEP, REFUSED, reason=str(got.get("reason") or "refused"))
            result.status, result.reason = REFUSED_NOTE, str(got.get("reason") or "refused")
            return result
        ref = f"{ADDON_MODEL} {got.get('id')}" + (f", mail.message {got['message_id']}" if got.get("message_id")
                                                  else "")
        self._step(note, ADDON_STEP, DONE, ref)
        result.ref, result.steps = ref, {ADDON_STEP: status}
        result.status = WRITTEN if status in ("created", "updated") else ALREADY
        return result

    # -- the push -----------------------------------------------------------------------------------------------
    def run(self, notes: Sequence[CollectionNote]) -> list[NoteResult]:
        todo = [n for n in sorted(notes, key=lambda n: (n.written_at, n.uid)) if not complete(n, self.done)]
        if not todo:
            return []
        results: list[NoteResult] = []
        try:
            self._prefetch(todo)
        except _Stop as stop:
            return [self._not_sent(n, str(stop)) for n in todo]
        for k, note in enumerate(todo):
            try:
                results.append(self._push(note))
            except _Stop as stop:
                results += [self._not_sent(n, str(stop)) for n in todo[k:]]
                break
        return results

    def _state(self, note: CollectionNote, step: str) -> str | None:
        line = self.done.get((note.uid, note.revision, step))
        return line.state if line else None

    def _not_sent(self, note: CollectionNote, reason: str) -> NoteResult:
        return NoteResult(note.uid, note.revision, note.customer, NOT_SENT, reason=reason)

    def _prefetch(self, notes: list[CollectionNote]) -> None:
        """What every note needs from the server, in a few wide reads: customers, invoices, earlier posts,
        earlier activities, the receivable lines of disputed invoices."""
        self._prefetch_targets(notes)
        self._prefetch_rest(notes)

    def _prefetch_targets(self, notes: list[CollectionNote]) -> None:
        """The customers and invoices the notes name."""
        names = {n.customer.strip() for n in notes if n.customer.strip()}
        by_id = [int(x) for x in names if x.isdigit()]
        rows = self._read_in("res.partner", "id", by_id, ["id", "name", "commercial_partner_id"]) if by_id else []
        rows += self._read_in("res.partner", "name", [x for x in names if not x.isdigit()],
                              ["id", "name", "commercial_partner_id"])
        missing = {x.casefold() for x in names if not x.isdigit()} - {str(r["name"]).casefold() for r in rows}
        for name in sorted(missing):       # names typed in another case: one search each
            rows += self._read("res.partner", [("name", "=ilike", name)], ["id", "name", "commercial_partner_id"])
        self.partners: dict[str, set[int]] = {}
        for r in rows:
            commercial = _m2o(r.get("commercial_partner_id")) or r["id"]
            if commercial != r["id"]:
                continue              # a contact person: notes are about the customer (the commercial partner)
            self.partners.setdefault(str(r["name"]).casefold(), set()).add(r["id"])
            self.partners.setdefault(str(r["id"]), set()).add(r["id"])
        numbers = {n.invoice.strip() for n in notes if n.invoice and n.invoice.strip()}
        self.invoices: dict[str, list[dict]] = {}
        self.move_company: dict[int, int | None] = {}
        for r in self._read_in("account.move", "name", numbers, ["id", "name", "commercial_partner_id", "company_id"],
                               [("move_type", "in", _INVOICE_TYPES), ("state", "=", "posted")]):
            self.invoices.setdefault(str(r["name"]).casefold(), []).append(r)
            self.move_company[r["id"]] = _m2o(r.get("company_id"))

    def _prefetch_rest(self, notes: list[CollectionNote]) -> None:
        self.messages = {r["message_id"]: r for r in self._read_in(
            "mail.message", "message_id", [message_id(n) for n in notes], ["id", "message_id", "model", "res_id"])}
        wanted = [activity_summary(n) for n in notes if n.next_action_date]
        self.activities = {r["summary"]: r for r in self._read_in(
            "mail.activity", "summary", wanted, ["id", "summary", "res_id", "date_deadline"],
            [("res_model", "=", "res.partner")])} if wanted else {}
        self._activity_kinds: tuple[int, int | None] | None = None
        disputed = [n for n in notes if "dispute" in steps_of(n)]
        self.lines: dict[int, list[dict]] = {}
        flag = self.profile.followup_flag
        moves = {m["id"] for n in disputed for m in self.invoices.get(n.invoice.strip().casefold(), [])}
        if flag and moves:
            for r in self._read_in("account.move.line", "move_id", moves, ["id", "move_id", flag],
                                   [self.profile.line_receivable]):
                self.lines.setdefault(_m2o(r["move_id"]), []).append(r)

    def _step(self, note: CollectionNote, step: str, state: str, ref: str | None = None,
              reason: str | None = None) -> None:
        line = Step(note.uid, note.revision, self.target, step, state, ref, reason,
                    datetime.now(UTC).isoformat(timespec="seconds"))
        self.done[(note.uid, note.revision, step)] = line
        self.record(line)

    def _push(self, note: CollectionNote) -> NoteResult:
        result = NoteResult(note.uid, note.revision, note.customer, ALREADY)
        where = self._where(note)
        if isinstance(where, str):
            self._step(note, "message", REFUSED, reason=where)
            result.status, result.reason = REFUSED_NOTE, where
            return result
        model, res_id, partner_id, move_id = where
        new = False
        for step in steps_of(note):
            if self._state(note, step) == DONE:
                result.steps[step] = "done before"
                continue
            if step == "message":
                outcome = self._message(note, model, res_id)
            elif step == "dispute":
                outcome = self._dispute(note, move_id)
            else:
                outcome = self._activity(note, partner_id)
            state, ref, reason, fresh = outcome
            self._step(note, step, state, ref, reason)
            result.steps[step] = state if state != DONE else ("written" if fresh else "already there")
            if step == "message" and ref:
                result.ref = f"{model} {res_id}, {ref}"
            if state != DONE:
                result.status = REFUSED_NOTE if state == REFUSED else NOT_SENT
                result.reason = reason or ""
                return result           # the later steps wait for this one
            new = new or fresh
        if new:
            result.status = WRITTEN
        return result

    def _where(self, note: CollectionNote) -> tuple[str, int, int, int | None] | str:
        """(model, record id, customer id, invoice id) a note goes on, or the reason it cannot go anywhere."""
        name = note.customer.strip()
        if not name:
            return "the note names no customer"
        found = self.partners.get(name if name.isdigit() else name.casefold(), set())
        if not found:
            return f"no customer named {name!r} in Odoo"
        if len(found) > 1:
            return f"{len(found)} customers in Odoo are named {name!r}: type the customer's id instead"
        partner = next(iter(found))
        if not note.invoice:
            return "res.partner", partner, partner, None
        moves = [m for m in self.invoices.get(note.invoice.strip().casefold(), [])
                 if _m2o(m.get("commercial_partner_id")) == partner]
        if not moves:
            return f"no posted invoice {note.invoice.strip()!r} of {name} in Odoo"
        if len(moves) > 1:
            return f"{len(moves)} posted invoices of {name} are numbered {note.invoice.strip()!r}"
        return "account.move", moves[0]["id"], partner, moves[0]["id"]

    # -- the three steps: (state, ref, reason, made now) -----------------------------------------------------
    def _message(self, note: CollectionNote, model: str, res_id: int):
        mid = message_id(note)
        if mid in self.messages:
            return DONE, f"mail.message {self.messages[mid]['id']}", None, False
        try:
            answer = self.client.attempt(model, "message_post", [[res_id]],
                                         note_kwargs(body_html(note), mid, self.profile.major))
        except Refused as exc:
            return REFUSED, None, exc.reason, False
        except Lost as exc:
            found = self._read("mail.message", [("message_id", "=", mid)], ["id", "message_id", "model", "res_id"])
            if found:
                self.messages[mid] = found[0]
                return DONE, f"mail.message {found[0]['id']}", None, True
            return FAILED, None, f"the connection was lost ({exc})", False
        new_id = answer[0] if isinstance(answer, list) and answer else answer
        self.messages[mid] = {"id": new_id, "message_id": mid, "model": model, "res_id": res_id}
        return DONE, f"mail.message {new_id}", None, True

    def _dispute(self, note: CollectionNote, move_id: int | None):
        flag = self.profile.followup_flag
        if flag is None:
            return (DONE, None, f"Odoo {self.profile.major}.0 has no No Follow-up flag on journal items: the "
                    "dispute is kept in the desk", False)
        want = note.dispute == "open"
        lines = self.lines.get(move_id, [])
        change = [r["id"] for r in lines if bool(r.get(flag)) != want]
        ref = f"{flag}={'on' if want else 'off'} on {len(lines)} line(s)"
        if not change:
            return DONE, ref, None, False
        try:
            self.client.attempt("account.move.line", "write", [change, {flag: want}])
        except Refused as exc:
            return REFUSED, None, exc.reason, False
        except Lost as exc:
            again = self._read("account.move.line", [("id", "in", change)], ["id", flag])
            if again and all(bool(r.get(flag)) == want for r in again):
                for r in lines:
                    r[flag] = want
                return DONE, ref, None, True
            return FAILED, None, f"the connection was lost ({exc})", False
        for r in lines:
            r[flag] = want
        return DONE, ref, None, True

    def _kinds(self) -> tuple[int, int | None]:
        """The ids of the ``res.partner`` model and of the To-Do activity type (None when the server has none).
        Raises :class:`Refused` when the user may not read the model's id (then it may not create activities
        either: Odoo's Billing rights or the add-on are needed)."""
        if self._activity_kinds is None:
            model = self._read_or_refuse("ir.model", [("model", "=", "res.partner")], ["id"])
            try:
                todo = [r["res_id"] for r in self._read_or_refuse(
                    "ir.model.data", [("module", "=", "mail"), ("name", "=", "mail_activity_data_todo")],
                    ["res_id"])]
            except Refused:           # by its name, where the external ids may not be read
                todo = [r["id"] for r in self._read("mail.activity.type", [("name", "=", "To-Do")], ["id"])]
            if not model:
                raise _Stop("the server has no res.partner model in ir.model")
            self._activity_kinds = (model[0]["id"], todo[0] if todo else None)
        return self._activity_kinds

    def _read_or_refuse(self, model: str, domain: list, fields: list[str]) -> list[dict]:
        """A read that the server may refuse (access rights): :class:`Refused`; retried while answers are lost."""
        for _attempt in range(self.client.retries + 1):
            try:
                return self.client.attempt(model, "search_read", [domain], {"fields": fields}) or []
            except Lost:
                continue
        raise _Stop(f"the server does not answer a read of {model}")

    def _activity(self, note: CollectionNote, partner_id: int):
        summary = activity_summary(note)
        deadline = note.next_action_date.isoformat()
        old = self.activities.get(summary)
        try:
            if old is not None:
                if str(old.get("date_deadline")) == deadline:
                    return DONE, f"mail.activity {old['id']}", None, False
                self.client.attempt("mail.activity", "write", [[old["id"]], {"date_deadline": deadline}])
                old["date_deadline"] = deadline
                return DONE, f"mail.activity {old['id']}", None, True
            try:
                model_id, type_id = self._kinds()
            except Refused as exc:
                return REFUSED, None, exc.reason, False
            vals = {"res_model_id": model_id, "res_id": partner_id, "summary": summary, "date_deadline": deadline,
                    "user_id": self.client.uid, "note": html.escape(note.text)}
            if type_id:
                vals["activity_type_id"] = type_id
            new_id = self.client.attempt("mail.activity", "create", [vals])
        except Refused as exc:
            return REFUSED, None, exc.reason, False
        except Lost as exc:
            found = self._read("mail.activity", [("summary", "=", summary), ("res_model", "=", "res.partner")],
                               ["id", "summary", "res_id", "date_deadline"])
            if found and str(found[0].get("date_deadline")) == deadline:
                self.activities[summary] = found[0]
                return DONE, f"mail.activity {found[0]['id']}", None, True
            return FAILED, None, f"the connection was lost ({exc})", False
        new_id = new_id[0] if isinstance(new_id, list) else new_id
        self.activities[summary] = {"id": new_id, "summary": summary, "res_id": partner_id,
                                    "date_deadline": deadline}
        return DONE, f"mail.activity {new_id}", None, True


def log_on_chatter(url: str, db: str, user: str, password: str, entries: Sequence[tuple[int, str, str]], *,
                   timeout: float = 120.0, retries: int = 4, backoff: float = 0.5) -> dict[str, str]:
    """Post each ``(partner id, Message-ID, HTML body)`` as an internal note on that customer's chatter, once: what
    an earlier run posted is found by its Message-ID and not posted again. Returns Message-ID -> what happened
    ("mail.message N", "already there: mail.message N", or the reason it was not posted, in Odoo's words)."""
    if not entries:
        return {}
    client = OdooClient(url, db, user, password, timeout=timeout, retries=retries, backoff=backoff)
    major = profile_for(client.connect()).major
    client.login()
    return _log_on_chatter(client, major, entries)


def _log_on_chatter(client: OdooClient, major: int, entries: Sequence[tuple[int, str, str]]) -> dict[str, str]:
    found = {r["message_id"]: r["id"] for r in client.call(
        "mail.message", "search_read", [[("message_id", "in", [m for _p, m, _b in entries])]],
        {"fields": ["id", "message_id"]}) or []}
    out: dict[str, str] = {}
    for partner_id, mid, body in entries:
        if mid in found:
            out[mid] = f"already there: mail.message {found[mid]}"
            continue
        try:
            answer = client.attempt("res.partner", "message_post", [[partner_id]], note_kwargs(body, mid, major))
            out[mid] = f"mail.message {answer[0] if isinstance(answer, list) else answer}"
        except Refused as exc:
            out[mid] = f"not logged: {exc.reason}"
        except Lost:
            again = client.call("mail.message", "search_read", [[("message_id", "=", mid)]], {"fields": ["id"]})
            out[mid] = f"mail.message {again[0]['id']}" if again else "not logged: the connection was lost"
    return out


@dataclass(frozen=True)
class SentReminder:
    """A reminder the desk sent, as Odoo is told of it: ``key`` names it for good (one batch, one customer)."""

    partner_id: int
    key: str                 # "R-BATCH-HASH": the add-on's note id
    message_id: str          # the chatter post's Message-ID, without the add-on
    sent_on: str             # YYYY-MM-DD
    level: str
    outcome: str             # "e-mail sent", ...
    text: str                # plain words: level, channel, address, items, totals

    def body_html(self) -> str:
        return f"<b>Reminder sent</b> ({html.escape(self.level)}): {html.escape(self.sent_on)}<br>" + \
            "<br>".join(html.escape(line) for line in self.text.splitlines())


def log_reminders(url: str, db: str, user: str, password: str, sent: Sequence[SentReminder], *,
                  timeout: float = 120.0, retries: int = 4, backoff: float = 0.5) -> dict[str, str]:
    """Tell Odoo of each reminder sent, once. With the ardesk add-on: a collection note on the customer with the
    reminder's level (``followup_level``), which the add-on posts on the chatter and shows as the customer's
    follow-up level, in batches to its idempotent method; without it, an internal note on the customer's chatter
    (:func:`log_on_chatter`). Returns key -> what happened, in the words of :func:`log_on_chatter`."""
    if not sent:
        return {}
    client = OdooClient(url, db, user, password, timeout=timeout, retries=retries, backoff=backoff)
    major = profile_for(client.connect()).major
    client.login()
    if not has_addon(client):
        by_mid = {r.message_id: r.key for r in sent}
        logged = _log_on_chatter(client, major, [(r.partner_id, r.message_id, r.body_html()) for r in sent])
        return {by_mid[mid]: what for mid, what in logged.items()}
    out: dict[str, str] = {}
    for i in range(0, len(sent), ADDON_BATCH):
        batch = sent[i:i + ADDON_BATCH]
        values = [{"external_id": r.key, "partner_id": r.partner_id, "author": "ardesk", "date": r.sent_on,
                   "text": r.text, "outcome": r.outcome, "followup_level": r.level} for r in batch]
        answer, why = _push_batch(client, values)
        for k, r in enumerate(batch):
            got = answer[k] if isinstance(answer, list) and k < len(answer) else None
            if got is None:
                out[r.key] = f"not logged: {why or 'no answer for this reminder'}"
            elif got.get("status") == "refused":
                out[r.key] = f"not logged: {got.get('reason') or 'refused'}"
            else:
                ref = f"{ADDON_MODEL} {got.get('id')}" + (f", mail.message {got['message_id']}"
                                                          if got.get("message_id") else "")
                out[r.key] = ref if got.get("status") in ("created", "updated") else f"already there: {ref}"
    return out


def _addon_values(note: CollectionNote, where: tuple, state: dict) -> dict:
    """A note as the add-on's ``ardesk_push_notes`` takes it. Amounts cross as numbers (Odoo's monetary fields are
    floats on the wire and rounded to the currency there)."""
    _model, _res_id, partner_id, move_id = where
    return {"external_id": note.uid, "revision": note.revision, "partner_id": partner_id, "move_id": move_id or False,
            "author": note.author or False, "date": note.written_at.isoformat(), "text": note.text or False,
            "outcome": ", ".join(note.outcome) or False,
            "promise_date": note.promise_date.isoformat() if note.promise_date else False,
            "promise_amount": float(note.promise_amount) if note.promise_amount is not None else 0.0,
            "promise_state": state.get("promise_state") or False, "dispute_state": note.dispute or False,
            "disputed_amount": float(state["disputed_amount"]) if state.get("disputed_amount") is not None else 0.0,
            "next_action_date": note.next_action_date.isoformat() if note.next_action_date else False}


def _m2o(value) -> int | None:
    if isinstance(value, list | tuple) and value:
        return int(value[0])
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


__all__ = ["ALREADY", "NOT_SENT", "REFUSED_NOTE", "WRITTEN", "NoteResult", "SentReminder", "body_html",
           "has_addon", "log_on_chatter", "log_reminders", "message_id", "push_notes", "steps_of", "target_of"]
