"""Reminder batches: ``ardesk remind build`` (and the scheduler's ``remind_build``) and ``ardesk remind status``.

A batch is built from the books of a source, the collection notes' promises and disputes (:mod:`receivables.notes`),
the policy and hold list of ``[reminders]``, and the history of notices already sent (so a customer never gets the
same reminder twice), and stored whole in the ledger (:mod:`receivables.reminder_store`). Rendering and sending the
notices read the stored batch.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from receivables.errors import InputError

from .settings import Settings
from .sources import open_books, open_ledger


@dataclass(frozen=True)
class Built:
    batch_id: int
    batch: object                 # receivables.reminders.Batch
    sheet: str | None = None      # what happened on the workbook's Reminders sheet, when one was given
    charges: dict | None = None   # customer id -> item id -> the interest and fees charged
    discounts: dict | None = None  # customer id -> item id -> an early-payment discount still open

    def to_json_dict(self) -> dict:
        return {"batch": self.batch_id, **self.batch.to_json_dict(), "workbook": self.sheet,
                "charges": self.charges or {}, "discounts": self.discounts or {}}


def sheet_rows(settings: Settings, batch_id: int) -> list[dict]:
    """The Reminders sheet's rows of a stored batch."""
    from excel.sheets import reminder_rows

    with open_ledger(settings.ledger, settings.config) as ledger:
        return reminder_rows(batch_id, ledger.reminders.notices(batch_id), ledger.reminders.exclusions(batch_id))


def write_sheet(settings: Settings, batch_id: int, workbook: Path) -> str:
    """Put a stored batch on the Reminders sheet of the workbook file; says what happened (an open workbook is
    left alone)."""
    from excel import layout, package
    from receivables.errors import WorkbookBusy

    try:
        package.write_panel_data(workbook, layout.PanelData(rows={layout.REMINDERS: sheet_rows(settings, batch_id)}))
    except WorkbookBusy as exc:
        return f"not updated: {exc}"
    return "updated"


def take_choices(settings: Settings, choices: dict[tuple[int, str], bool]) -> int:
    """The Send column as a person left it, into the ledger; returns how many notices changed."""
    by_batch: dict[int, dict[str, bool]] = {}
    for (bid, customer), send in choices.items():
        by_batch.setdefault(bid, {})[customer] = send
    with open_ledger(settings.ledger, settings.config) as ledger:
        return sum(ledger.reminders.set_send(bid, c) for bid, c in by_batch.items())


def contacts_from(path: str | Path, books) -> tuple[dict, list[str]]:
    """The customers' contacts in a QuickBooks contact list, by customer id, and the names it gives that the books
    do not hold (said, not silently dropped)."""
    from connectors.quickbooks.contacts import read_contacts
    from receivables.reminders import Contact

    by_name: dict[str, list] = {}
    for c in books.customers:
        by_name.setdefault(" ".join(c.name.split()).casefold(), []).append(c)
    out, unknown = {}, []
    for row in read_contacts(path):
        found = by_name.get(" ".join(row.customer.split()).casefold(), [])
        if len(found) != 1:
            unknown.append(row.customer)
            continue
        c = found[0]
        out[c.id] = Contact(email=row.email or c.email, phone=row.phone or c.phone, name=row.name, lang=c.lang,
                            address=row.address)
    return out, unknown


def _rules(cfg):
    """``[reminders.contact_rules]`` as the engine's :class:`~receivables.reminders.ContactRules`."""
    from datetime import time

    from receivables.reminders import ContactRules

    r = cfg.reminders.contact_rules
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    return ContactRules(start=time.fromisoformat(r.start), end=time.fromisoformat(r.end),
                        weekdays=frozenset(days.index(d) for d in r.days), max_contacts=r.max_contacts,
                        per_days=r.per_days, company_tz=r.timezone)


def _consumers(cfg, books, contacts: dict) -> dict:
    """``contacts`` with the customers ``[reminders] consumers`` names (by id or name) marked as consumers."""
    from dataclasses import replace

    from receivables.reminders import Contact

    wanted = {str(c).strip().casefold() for c in cfg.reminders.consumers}
    if not wanted:
        return contacts
    out = dict(contacts)
    for c in books.customers:
        if c.id.casefold() in wanted or " ".join(c.name.split()).casefold() in wanted:
            base = out.get(c.id) or Contact(email=c.email, phone=c.phone, lang=c.lang)
            out[c.id] = replace(base, consumer=True)
    return out


def build(source: str | None, settings: Settings, *, today: date, as_of: date | None = None,
          progress=None, workbook: str | Path | None = None, contacts: str | Path | None = None) -> Built:
    """Build today's reminder batch for ``source`` and store it; returns its id and contents. With ``workbook``,
    the batch is also put on its Reminders sheet. ``contacts`` (else ``[reminders] contacts``): a QuickBooks
    contact list giving the customers' e-mail addresses, phones and postal addresses."""
    from receivables.errors import Issue
    from receivables.reminders import build as build_batch

    as_of = as_of or today
    opened = open_books(source, settings.config, today=today, ledger_path=settings.ledger, progress=progress)
    cfg = settings.config
    contact_file = contacts or cfg.reminder_contacts
    known, unknown = contacts_from(contact_file, opened.books) if contact_file else ({}, [])
    with open_ledger(settings.ledger, cfg) as ledger:
        if known or unknown:             # a contact list keeps no erased customer's data in force either
            from receivables.erasure import Erasures

            erased = Erasures.of(ledger)
            known = {cid: c for cid, c in known.items() if erased.find(cid) is None}
            unknown = [u for u in unknown if erased.find(u) is None]
        notes = ledger.notebook.notes()
        tracking = None
        if notes:
            from receivables.notes import track

            tracking = track(opened.books, notes, as_of, grace_days=cfg.notes.promise_grace_days)
        contacts = _consumers(cfg, opened.books, known)
        handed = {cid: f"handed over to the collection agency on {h['at'][:10]} (batch {h['batch']})"
                  for cid, h in ledger.handovers().items()}
        plans = ledger.plans.plans()
        planned, broken, states = _planned(opened.books, plans, as_of) if plans else ({}, {}, {})
        batch = build_batch(opened.books, as_of, cfg.reminders.levels, tracking=tracking, hold=cfg.reminders.hold,
                            history=ledger.reminders.history(), contacts=contacts, rules=_rules(cfg),
                            handed_over=handed, planned=planned)
        instalments: dict[str, dict] = {}
        if states:                 # a note before each instalment of a running plan (receivables.instalment_notes)
            from receivables.instalment_notes import with_instalment_notes

            batch, instalments = with_instalment_notes(batch, opened.books, plans, states, cfg.reminders.levels,
                                                       announced=ledger.reminders.instalments_announced(),
                                                       contacts=contacts)
        charges = _charges(cfg, opened.books, batch, as_of, tracking, contacts) if cfg.fees is not None else {}
        discounts = _discounts(opened.books, batch, as_of)
        if unknown:
            from dataclasses import replace

            shown = ", ".join(repr(u) for u in unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5
                                                               else "")
            batch = replace(batch, warnings=(*batch.warnings, Issue(
                str(contact_file), f"the contact list names customers the books do not hold (or hold twice): "
                f"{shown}", severity="warning")))
        policy = [level.model_dump(mode="json") for level in cfg.reminders.levels]
        bid = ledger.reminders.store(batch, policy=policy, source_key=opened.source_key,
                                     snapshot_id=opened.snapshot_id,
                                     langs={c.id: c.lang for c in opened.books.customers if c.lang},
                                     charges=charges, discounts=discounts,
                                     broken={n.customer_id: broken[n.customer_id] for n in batch.notices
                                             if n.customer_id in broken}, instalments=instalments)
        ledger.audit("remind build", target=str(bid),
                     detail={"as_of": as_of.isoformat(), "notices": len(batch.notices),
                             "excluded": len(batch.excluded), "source": opened.source_key})
    sheet = write_sheet(settings, bid, Path(workbook)) if workbook else None
    return Built(bid, batch, sheet, charges, discounts)


def _planned(books, plans, as_of: date) -> tuple[dict[str, str], dict[str, dict], dict]:
    """Item id -> the running payment plan covering it (in words), for the reminder engine; customer id -> the
    plan it broke (its latest), for its next notice to say so; and every plan's state by id."""
    from receivables.plans import covered_items, plan_states

    states = plan_states(books, plans, as_of)
    out: dict[str, str] = {}
    broken: dict[str, dict] = {}
    for plan in plans:
        state = states.get(plan.plan_id)
        if state is not None and state.state == "broken" and state.broken is not None:
            b = state.broken
            broken[plan.customer_id] = {"plan": plan.plan_id, "agreed_on": plan.agreed_on.isoformat(),
                                        "number": b.number, "due": b.due.isoformat(),
                                        "shortfall": str(b.shortfall), "currency": state.currency}
        if state is None or state.state != "running":
            continue                       # broken, completed or unknown: dunning goes on as without it
        nxt = state.next_due
        words = f"plan {plan.plan_id}" + (f", next instalment {nxt.due.isoformat()}" if nxt is not None else "")
        for item_id in covered_items(books, plan):
            out[item_id] = words
    return out, broken, states


def _discounts(books, batch, as_of: date) -> dict[str, dict]:
    """Customer id -> item id -> {"until", "amount"}: the early-payment discounts the notices' items still offer
    on ``as_of`` (:func:`receivables.terms.discounts_open`)."""
    from receivables.terms import discounts_open

    if not batch.notices:
        return {}
    found = discounts_open(books, as_of)
    if not found:
        return {}
    noticed = {n.customer_id: n for n in batch.notices}
    ids: dict[str, set[str]] = {}
    out: dict[str, dict] = {}
    for d in found:
        if d.customer_id not in noticed:
            continue
        if d.customer_id not in ids:
            ids[d.customer_id] = {i.id for i in noticed[d.customer_id].items}
        if d.item_id in ids[d.customer_id]:
            out.setdefault(d.customer_id, {})[d.item_id] = {"until": d.until.isoformat(), "amount": str(d.amount)}
    return out


def _charges(cfg, books, batch, as_of: date, tracking, contacts) -> dict[str, dict]:
    """Customer id -> item id -> the interest and fees charged on it at its notice's level (``[fees]``)."""
    from receivables.fees import assess

    if not batch.notices:
        return {}
    levels = {lv.name: lv for lv in cfg.reminders.levels}
    at_level = {n.customer_id: levels[n.level] for n in batch.notices if n.level in levels}
    wanted = set(at_level)
    items = [i for i in books.items if i.customer_id in wanted]
    disputed = set(tracking.open_disputes_by_item()) if tracking is not None else set()
    consumers = [cid for cid, c in contacts.items() if c.consumer]
    assessed = assess(items, as_of, cfg.fee_schedule, levels=at_level, disputed=disputed, consumers=consumers,
                      names={c.id: c.name for c in books.customers})
    out: dict[str, dict] = {}
    for charge in assessed.charges:
        out.setdefault(charge.customer_id, {})[charge.item_id] = charge.to_json_dict()
    return out


def status(settings: Settings, batch_id: int | None = None) -> dict:
    """Each notice of a batch (default: the latest) with its state; the batches when there is none."""
    if not settings.ledger.exists():
        raise InputError("no ledger yet", source=str(settings.ledger), hint="run `ardesk remind build SOURCE` first")
    with open_ledger(settings.ledger, settings.config) as ledger:
        store = ledger.reminders
        bid = batch_id if batch_id is not None else store.latest()
        if bid is None:
            raise InputError("no reminder batch yet", hint="run `ardesk remind build SOURCE` first")
        notices = store.notices(bid)
        if batch_id is not None and not notices and not store.exclusions(bid):
            known = [b["batch"] for b in store.batches()[:5]]
            raise InputError(f"no reminder batch {bid}", hint=f"the latest are {known}" if known else
                             "run `ardesk remind build SOURCE` first")
        counts: dict[str, int] = {}
        for n in notices:
            counts[n.state] = counts.get(n.state, 0) + 1
        return {"batch": bid, "counts": counts, "notices": [n.to_json_dict() for n in notices],
                "excluded": store.exclusions(bid)}


def settle(settings: Settings, batch_id: int, customer: str, *, delivered: bool) -> str:
    """``ardesk remind settle``: a person checked a notice whose outcome was unknown (or that was left "sending"):
    delivered, it counts as sent (never sent again, and it is the history "already reminded" reads); not delivered,
    it is failed and the next send sends it. Returns the notice's new state."""
    from receivables import reminder_store as rs

    with open_ledger(settings.ledger, settings.config) as ledger:
        want = " ".join(customer.split()).casefold()
        found = [n for n in ledger.reminders.notices(batch_id)
                 if n.customer_id == customer.strip() or " ".join(n.customer.split()).casefold() == want]
        if len(found) != 1:
            raise InputError(f"no notice to {customer!r} in batch {batch_id}" if not found else
                             f"{len(found)} notices of batch {batch_id} match {customer!r}",
                             hint="give the customer's id (`ardesk remind status` lists them)")
        n = found[0]
        if n.state not in (rs.UNKNOWN, rs.SENDING):
            raise InputError(f"the notice to {n.customer} is {n.state!r}, not of unknown outcome",
                             hint="only a notice whose outcome is unknown is settled by hand")
        state = rs.SENT if delivered else rs.FAILED
        ledger.reminders.mark(batch_id, n.customer_id, state,
                              outcome="confirmed delivered by a person" if delivered
                              else "confirmed not delivered by a person: the next send sends it")
        ledger.audit("remind settle", target=f"{batch_id}/{n.customer_id}", detail={"delivered": delivered})
    return state


# -- remind send ------------------------------------------------------------------------------------------------
@dataclass
class Sending:
    """What ``remind send`` did with each notice of a batch."""

    batch_id: int
    results: list[dict]
    call_list: str | None = None
    dry_run: bool = False
    sheet: str | None = None
    chatter: dict | None = None     # Odoo: each sent notice logged on the customer's chatter
    pay_links: str | None = None    # where the notices' links to pay came from, or why there were none

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.results:
            out[r["state"]] = out.get(r["state"], 0) + 1
        return out

    def to_json_dict(self) -> dict:
        return {"batch": self.batch_id, "dry_run": self.dry_run, "counts": self.counts(), "notices": self.results,
                "call_list": self.call_list, "workbook": self.sheet, "chatter": self.chatter,
                "pay_links": self.pay_links}


def message_id(batch_id: int, customer_id: str, from_address: str) -> str:
    """A notice's Message-ID: the same for the same batch and customer, so the notice can be recognised again."""
    import hashlib

    domain = from_address.rpartition("@")[2] or "ardesk.invalid"
    return f"<ardesk-remind-{batch_id}-{hashlib.sha256(customer_id.encode()).hexdigest()[:16]}@{domain}>"


def send(settings: Settings, batch_id: int | None = None, *, today: date, dry_run: bool = False,
         out_dir: str | None = None, resend_unknown: bool = False, server=None,
         workbook: str | Path | None = None) -> Sending:
    """``ardesk remind send``: send what is still to send in a batch (default: the latest), each notice recorded as
    being sent before the mail server is spoken to and with its outcome after (:mod:`connectors.mail`). With
    ``out_dir``: one ``.eml`` draft per notice there instead of sending. Letter and call notices go to a call list
    (CSV). ``dry_run``: render everything, record and send nothing. ``server``: the mail server to use (default:
    ``[smtp]``)."""
    from connectors.mail import MailLoginRefused
    from receivables import reminder_store as rs
    from receivables.errors import AuthError

    from .notices import HeaderRefused, render

    cfg = settings.config
    from_address = cfg.smtp.from_address or ""
    templates = cfg.reminder_templates
    if workbook:                         # what a person marked on the Reminders sheet decides
        from excel import package

        take_choices(settings, package.read_reminder_choices(workbook))
    results: list[dict] = []
    with open_ledger(settings.ledger, cfg) as ledger:
        store = ledger.reminders
        bid = batch_id if batch_id is not None else store.latest()
        if bid is None:
            raise InputError("no reminder batch yet", hint="run `ardesk remind build SOURCE` first")
        notices = store.notices(bid)
        if not notices and batch_id is not None and not store.exclusions(bid):
            raise InputError(f"no reminder batch {bid}", hint="`ardesk remind status` lists the batches")
        as_of = date.fromisoformat(next((b["as_of"] for b in store.batches() if b["batch"] == bid), today.isoformat()))
        wanted = {rs.TO_SEND, rs.FAILED} | ({rs.UNKNOWN, rs.SENDING} if resend_unknown else set())
        calls = [n for n in notices if n.send and n.channel == "call" and n.state in wanted]
        agency = [n for n in notices if n.send and n.channel == "agency" and n.state in wanted]
        mails = [n for n in notices if n.send and n.channel == "email" and n.state in wanted]
        letters = [n for n in notices if n.send and n.channel == "letter" and n.state in wanted]
        links, link_note = _pay_links(settings, ledger, bid, mails + letters, dry_run=dry_run)
        for n in notices:
            if n.state in (rs.UNKNOWN, rs.SENDING) and not resend_unknown:
                results.append({"customer": n.customer, "customer_id": n.customer_id, "state": rs.UNKNOWN,
                                "detail": "not sent again: it may have been delivered (check, then "
                                          "--resend-unknown)"})
        call_list = None
        if calls:
            call_list = _call_list(settings, bid, calls, out_dir, dry_run)
            for n in calls:
                if not dry_run:
                    store.mark(bid, n.customer_id, rs.SENT, outcome=f"on the call list {call_list}")
                results.append({"customer": n.customer, "customer_id": n.customer_id,
                                "state": "would list" if dry_run else rs.SENT, "detail": f"call list ({n.channel})"})
        for n in letters:
            results.append(_letter(settings, store, bid, n, as_of=as_of, out_dir=out_dir, dry_run=dry_run,
                                   links=links))
        typed = ledger.notebook.notes() if agency and not dry_run else []     # read once for every hand-off
        for n in agency:
            results.append(_hand_off(settings, ledger, bid, n, as_of=as_of, out_dir=out_dir, dry_run=dry_run,
                                     notes=typed))
        mail = None
        if mails and not from_address and not dry_run:
            raise InputError("[smtp] from_address is not set", hint="set the address reminders are sent from")
        try:
            for n in mails:
                mid = message_id(bid, n.customer_id, from_address or "ardesk@ardesk.invalid")
                try:
                    msg = render(_notice_of(n), company_name=cfg.company_name, lang=n.lang or None,
                                 from_addr=from_address or "ardesk@ardesk.invalid", reply_to=cfg.smtp.reply_to,
                                 payment_instructions=cfg.reminders.payment_instructions, as_of=as_of,
                                 message_id=mid, templates_dir=templates, pay_links=links,
                                 charges=_charges_of(n), discounts=_discounts_of(n),
                                 plan_broken=_plan_broken_of(n), instalment=_instalment_of(n))
                except HeaderRefused as exc:
                    if getattr(exc, "header", "") in ("From", "Reply-To"):
                        raise InputError(f"[smtp] {exc}", hint="correct [smtp] from_address / reply_to") from None
                    if not dry_run:
                        store.mark(bid, n.customer_id, rs.REFUSED, outcome=str(exc))
                    results.append({"customer": n.customer, "customer_id": n.customer_id, "state": rs.REFUSED,
                                    "detail": str(exc)})
                    continue
                if dry_run:
                    results.append({"customer": n.customer, "customer_id": n.customer_id, "state": "would send",
                                    "detail": f"{n.level} to {n.email}"})
                    continue
                if out_dir:
                    path = _draft(Path(out_dir), bid, n.customer_id, msg)
                    store.mark(bid, n.customer_id, rs.SENT, message_id=mid, outcome=f"draft written: {path}")
                    results.append({"customer": n.customer, "customer_id": n.customer_id, "state": rs.SENT,
                                    "detail": f"draft {path}"})
                    continue
                if mail is None:
                    mail = server if server is not None else _server(settings)
                store.mark(bid, n.customer_id, rs.SENDING, message_id=mid)
                try:
                    outcome = mail.send(msg)
                except MailLoginRefused as exc:      # nothing went: this notice and the rest wait for the login
                    store.mark(bid, n.customer_id, rs.FAILED, outcome=str(exc))
                    raise AuthError(str(exc), hint="check [smtp] user and the password (ARDESK_SMTP_PASSWORD, or "
                                                   "`ardesk secret set smtp`)") from None
                store.mark(bid, n.customer_id, outcome.state, outcome=outcome.detail)
                results.append({"customer": n.customer, "customer_id": n.customer_id, "state": outcome.state,
                                "detail": outcome.detail})
        finally:
            if mail is not None and server is None:
                mail.close()
        sending = Sending(bid, results, call_list, dry_run, pay_links=link_note)
        if not dry_run and not out_dir:
            sending.chatter = _log_on_odoo(settings, ledger, bid)
        if not dry_run:
            ledger.audit("remind send", target=str(bid), detail={"counts": sending.counts()},
                         result="ok" if not any(r["state"] in (rs.FAILED, rs.UNKNOWN, rs.REFUSED) for r in results)
                         else "not all sent")
    if workbook and not dry_run:
        sending.sheet = write_sheet(settings, bid, Path(workbook))
    return sending


def _log_on_odoo(settings: Settings, ledger, batch_id: int) -> dict | None:
    """When the batch's books came from Odoo: each e-mail sent told to Odoo once (:func:`connectors.odoo.notes.
    log_reminders`): with the ardesk add-on, a collection note that stores the customer's follow-up level; without
    it, an internal note on the customer's chatter. None for other sources. A failure to log never undoes a send:
    it is said, and the next send of the batch tries again."""
    from receivables import reminder_store as rs
    from receivables.errors import ArdeskError

    from .sources import ODOO, source_key

    cfg = settings.config
    batch = next((b for b in ledger.reminders.batches() if b["batch"] == batch_id), None)
    if batch is None or batch["source_key"] != source_key(ODOO, cfg) or not (cfg.odoo.url and cfg.odoo.db):
        return None
    from connectors.odoo.notes import SentReminder, log_reminders

    sent = []
    for n in ledger.reminders.notices(batch_id):
        if n.state != rs.SENT or n.channel != "email" or not n.customer_id.isdigit():
            continue
        mid = n.message_id or f"<ardesk-remind-{batch_id}-{n.customer_id}@ardesk>"
        core = mid[len("<ardesk-remind-"):].partition("@")[0] if mid.startswith("<ardesk-remind-") else \
            f"{batch_id}-{n.customer_id}"
        numbers = ", ".join(i["number"] for i in n.items if i.get("level"))
        text = (f"Reminder ({n.level}) sent by e-mail to {n.email}, batch {batch_id}: {numbers}\n"
                + "Open: " + "; ".join(f"{v} {k}" for k, v in n.totals.items()))
        sent.append(SentReminder(int(n.customer_id), f"R-{core}", mid.replace("<ardesk-remind-", "<ardesk-remind-log-"),
                                 (n.sent_at or date.today().isoformat())[:10], n.level, "e-mail sent", text))
    if not sent:
        return {}
    try:
        return log_reminders(cfg.odoo.url, cfg.odoo.db, cfg.odoo.user, cfg.odoo.password(), sent,
                             timeout=cfg.odoo.timeout, retries=cfg.odoo.retries, backoff=cfg.odoo.backoff)
    except ArdeskError as exc:
        return {"error": f"not logged on Odoo: {exc}"}


def _pay_links(settings: Settings, ledger, batch_id: int, notices, *,
               dry_run: bool = False) -> tuple[dict[str, str], str | None]:
    """Item id -> a link to pay it online, for the items of ``notices``, and a word on where they came from: Odoo's
    customer portal (each invoice's page with its access token) when the batch's books came from Odoo, else the
    ``[reminders] pay_link`` template. A portal that cannot be reached costs the links, never the sending. A dry run
    does not ask Odoo (the server makes an invoice's token the first time its link is asked for)."""
    from urllib.parse import quote

    from receivables.errors import ArdeskError

    from .sources import ODOO, source_key

    if not notices:
        return {}, None
    cfg = settings.config
    batch = next((b for b in ledger.reminders.batches() if b["batch"] == batch_id), None)
    if batch is not None and batch["source_key"] == source_key(ODOO, cfg) and cfg.odoo.url and cfg.odoo.db:
        if dry_run:
            return {}, "Odoo's customer portal: not asked in a dry run"
        from connectors.odoo.client import OdooClient
        from connectors.odoo.paylinks import portal_links

        try:
            client = OdooClient(cfg.odoo.url, cfg.odoo.db, cfg.odoo.user, cfg.odoo.password(),
                                timeout=cfg.odoo.timeout, retries=cfg.odoo.retries, backoff=cfg.odoo.backoff)
            client.connect()
            client.login()
            links = portal_links(client, (i["id"] for n in notices for i in n.items if i.get("level")))
        except ArdeskError as exc:
            return {}, f"no links to pay: Odoo's portal links could not be read ({exc})"
        return links, f"Odoo's customer portal ({len(links)} invoices)"
    template = cfg.reminders.pay_link
    if not template:
        return {}, None
    links = {}
    for n in notices:
        for i in n.items:
            if i["kind"] == "invoice" and i.get("level"):
                links[i["id"]] = template.format_map({
                    "number": quote(i["number"], safe=""), "customer": quote(n.customer, safe=""),
                    "customer_id": quote(n.customer_id, safe=""), "amount": i["amount"],
                    "currency": i["currency"]})
    return links, "[reminders] pay_link"


def _letter(settings: Settings, store, batch_id: int, n, *, as_of: date, out_dir: str | None, dry_run: bool,
            links: dict[str, str]) -> dict:
    """One letter notice as a PDF in ``[letters] folder`` (or ``out_dir``), recorded as sent once written; a notice
    without a postal address is refused for that customer alone."""
    from receivables import reminder_store as rs

    from .letters import Letterhead, render_letter, write_pdf

    cfg = settings.config
    address = (getattr(n, "address", "") or "").strip()
    if not address:
        if not dry_run:
            store.mark(batch_id, n.customer_id, rs.REFUSED, outcome="no postal address for a letter")
        return {"customer": n.customer, "customer_id": n.customer_id, "state": rs.REFUSED,
                "detail": "no postal address for a letter (give it in the contact list, or the source)"}
    letterhead = Letterhead(cfg.company_name or "", cfg.sections.company.address, cfg.sections.company.contact,
                            cfg.sections.letters.paper)
    letter = render_letter(_notice_of(n), address=address, letterhead=letterhead, as_of=as_of, lang=n.lang or None,
                           payment_instructions=cfg.reminders.payment_instructions,
                           templates_dir=cfg.reminder_templates, font=cfg.letters_font, pay_links=links,
                           charges=_charges_of(n), discounts=_discounts_of(n),
                           plan_broken=_plan_broken_of(n), instalment=_instalment_of(n))
    if dry_run:
        return {"customer": n.customer, "customer_id": n.customer_id, "state": "would write",
                "detail": f"letter ({n.level})"}
    import re

    folder = Path(out_dir) if out_dir else cfg.letters_folder
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", n.customer_id)[:60]
    path = write_pdf(folder, f"letter-{batch_id}-{safe}.pdf", letter.pdf)
    store.mark(batch_id, n.customer_id, rs.SENT, outcome=f"letter written: {path}")
    detail = f"letter {path}" + (f" (not in the font: {''.join(sorted(letter.replaced))})" if letter.replaced else "")
    return {"customer": n.customer, "customer_id": n.customer_id, "state": rs.SENT, "detail": detail}


def _hand_off(settings: Settings, ledger, batch_id: int, n, *, as_of: date, out_dir: str | None,
              dry_run: bool, notes: list) -> dict:
    """A notice of an ``agency`` level: the customer's hand-off files (:mod:`jobs.handoff`, with the customer's own
    of ``notes``), then the customer is recorded as handed over, and no later batch reminds it."""
    from receivables import reminder_store as rs

    from . import handoff

    if dry_run:
        return {"customer": n.customer, "customer_id": n.customer_id, "state": "would hand over",
                "detail": f"agency hand-off ({n.level})"}
    cfg = settings.config
    want = {n.customer_id.casefold(), " ".join(n.customer.split()).casefold()}
    mine = [x for x in notes if " ".join(x.customer.split()).casefold() in want]
    doc = handoff.document(n, batch_id=batch_id, handed_over_on=as_of, address=n.address,
                           creditor={"name": cfg.company_name, "address": cfg.sections.company.address,
                                     "contact": cfg.sections.company.contact},
                           reminders=ledger.reminders.sent_to(n.customer_id), notes=mine, charges=_charges_of(n))
    written = handoff.write(Path(out_dir) if out_dir else cfg.handoffs_folder, doc)
    files = [str(written.json_path), str(written.csv_path)]
    ledger.hand_over(n.customer_id, n.customer, batch_id=batch_id, level=n.level, files=files)
    ledger.reminders.mark(batch_id, n.customer_id, rs.SENT, outcome=f"handed over: {files[0]}")
    ledger.audit("hand over", target=n.customer_id, detail={"batch": batch_id, "level": n.level})
    return {"customer": n.customer, "customer_id": n.customer_id, "state": rs.SENT,
            "detail": f"handed over to the agency: {files[0]}, {files[1]}"}


def _discounts_of(n) -> dict:
    """Item id -> (last day, amount that settles it by then) of a stored notice's early-payment discounts."""
    from decimal import Decimal

    return {item_id: (date.fromisoformat(d["until"]), Decimal(d["amount"]))
            for item_id, d in (getattr(n, "discounts", None) or {}).items()}


def _plan_broken_of(n) -> dict | None:
    """The payment plan a stored notice's customer broke, as its templates see it (dates and an amount), or None."""
    from decimal import Decimal

    b = getattr(n, "plan_broken", None)
    if not b:
        return None
    return {"agreed_on": date.fromisoformat(b["agreed_on"]), "number": b["number"],
            "due": date.fromisoformat(b["due"]), "shortfall": Decimal(b["shortfall"]), "currency": b["currency"]}


def _instalment_of(n) -> dict | None:
    """The instalment a stored notice announces, as its template sees it, or None."""
    from receivables.instalment_notes import announced_words

    b = getattr(n, "instalment", None)
    return announced_words(b) if b else None


def _charges_of(n) -> dict:
    """Item id -> (interest, fees) of a stored notice, where charged."""
    from decimal import Decimal

    return {item_id: (Decimal(c.get("interest") or 0), Decimal(c.get("fixed") or 0))
            for item_id, c in (n.charges or {}).items()}


def _server(settings: Settings):
    from connectors.mail import MailServer

    smtp = settings.config.smtp
    if not smtp.host:
        raise InputError("[smtp] host is not set", hint="set the mail server in ardesk.toml, or write drafts with "
                                                        "--out DIR")
    return MailServer(smtp.host, smtp.port, security=smtp.security, user=smtp.user,
                      password=smtp.password() if smtp.user else "", timeout=smtp.timeout,
                      rate_per_minute=smtp.rate_per_minute)


def _notice_of(n):
    """A stored notice as the engine's record, for rendering."""
    from decimal import Decimal

    from receivables.reminders import Notice, NoticeItem

    def day(v):
        return date.fromisoformat(v) if v else None

    items = tuple(NoticeItem(i["id"], i["number"], i["kind"], day(i["issued"]), day(i["due"]), i["days_past_due"],
                             i["currency"], Decimal(i["amount"]), i["level"], i["disputed"]) for i in n.items)
    return Notice(n.customer_id, n.customer, n.level, n.template, n.channel, n.email, n.phone, items,
                  {k: Decimal(v) for k, v in n.totals.items()}, n.fallback_reason)


def _draft(folder: Path, batch_id: int, customer_id: str, msg) -> Path:
    """Write one ``.eml`` draft atomically, readable by the owner only (drafts hold addresses); its name is the
    batch and the customer."""
    import re

    from receivables.private_files import write_private

    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", customer_id)[:60]
    return write_private(folder / f"reminder-{batch_id}-{safe}.eml", msg.as_bytes(), prefix=".draft-")


def _call_list(settings: Settings, batch_id: int, notices, out_dir: str | None, dry_run: bool) -> str:
    """The call list of a batch as CSV (customer, phone, level, channel, why, totals); cells a spreadsheet would
    read as a formula start with an apostrophe."""
    import csv
    import io

    from excel.values import csv_safe

    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(["customer", "phone", "email", "level", "channel", "why", "totals"])
    for n in notices:
        w.writerow([csv_safe(n.customer), csv_safe(n.phone), csv_safe(n.email), n.level, n.channel,
                    csv_safe(n.fallback_reason), csv_safe("; ".join(f"{v} {k}" for k, v in n.totals.items()))])
    folder = Path(out_dir) if out_dir else settings.ledger.parent
    path = folder / f"call-list-{batch_id}.csv"
    if not dry_run:
        from receivables.private_files import write_private

        write_private(path, out.getvalue().encode("utf-8"), prefix=".call-list-")     # owner-only: phone numbers
    return str(path)
