"""Pull receivables from Odoo into :class:`~receivables.records.Books`, fully or incrementally.

What is pulled is what Odoo's own aged receivable (and OCA's aged partner balance) sees: posted, unreconciled
receivable journal items of one company, each instalment on its own ``date_maturity``, credits and unapplied
payments negative; plus the history the DSO needs (invoice and refund lines of the last ``months`` months, open or
paid, and payments received), and the partial reconciliations that say what settled what, and when.

The set of journal items read ("the scope") is: receivable, company, posted, and either unreconciled or dated on or
after the cutoff. An incremental pull asks for the scope's ids (deletions, cancellations and items that left the
scope show as missing ids), for the items written since the last pull, and for the partners written since; it
reads partial reconciliations only for items that changed. Its result equals a full pull's.

A customer's collector is its salesperson (the partner's ``user_id``); one without a salesperson gets the
salesperson most of its open invoices name (``invoice_user_id``; on a tie, that of the latest of them), read in one
more request when there are such customers (:func:`fallback_collectors`).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from receivables.config import OdooConfig
from receivables.errors import ConfigError, Issue, RemoteError
from receivables.money import currency_code
from receivables.records import (
    ALLOCATIONS,
    DUE_DATES,
    ISSUED_HISTORY,
    OPEN_ITEMS,
    PAYMENT_DATES,
    PAYMENTS,
    Allocation,
    Books,
    Customer,
    Invoice,
    ItemKind,
    Payment,
)

from . import mapping as m
from .client import OdooClient
from .versions import Profile

AML, PARTNER, PARTIAL, MOVE = "account.move.line", "res.partner", "account.partial.reconcile", "account.move"
STATE_FORMAT = 3
# Partial reconciliations and partners are a fraction of a journal item's size on the wire: their pages hold this
# many times the configured batch.
SMALL_ROWS = 4
# Items written this long before the last pull's newest write_date are read again: a transaction that started
# before it may commit after the pull.
WRITE_DATE_MARGIN = timedelta(seconds=60)
_TS = "%Y-%m-%d %H:%M:%S"
KNOWS = frozenset({OPEN_ITEMS, ISSUED_HISTORY, PAYMENT_DATES, PAYMENTS, ALLOCATIONS, DUE_DATES})

Progress = Callable[[int, int], None]


def cutoff_of(today: date, months: int) -> date:
    """The first day of the history window: ``months`` calendar months before ``today`` (day clamped)."""
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    month += 1
    for d in (today.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def line_fields(profile: Profile) -> list[str]:
    fields = ["move_id", "move_name", "partner_id", "date", "date_maturity", "currency_id", "company_currency_id",
              "amount_currency", "balance", "amount_residual", "amount_residual_currency", "reconciled",
              "write_date"]
    if profile.followup_flag:
        fields.append(profile.followup_flag)
    if profile.has_line_invoice_date:
        fields.append("invoice_date")
    if profile.line_kind:
        fields += ["move_type", "payment_id"]
    if profile.line_discount:
        fields += ["discount_date", "discount_amount_currency"]
    return fields


PARTIAL_FIELDS = ["debit_move_id", "credit_move_id", "amount", "debit_amount_currency", "max_date"]


def kind_domains(profile: Profile) -> list[tuple[str, list]]:
    """Which journal items belong to invoices, refunds and payments, as domains on the item (first match wins)."""
    return [(m.INVOICE, [("move_id.move_type", "in", ["out_invoice", "out_receipt"])]),
            (m.REFUND, [("move_id.move_type", "=", "out_refund")]),
            (m.PAYMENT, [("move_id." + profile.payment_field, "!=", False)])]


def kind_of_line(row: dict) -> str:
    """The kind of a journal item read with ``move_type`` and ``payment_id`` (its entry's)."""
    return kind_of_move("payment_id", row)


def kind_of_move(payment_field: str, move: dict) -> str:
    if move.get("move_type") in ("out_invoice", "out_receipt"):
        return m.INVOICE
    if move.get("move_type") == "out_refund":
        return m.REFUND
    if move.get(payment_field):
        return m.PAYMENT
    return m.OTHER


class Puller:
    """One pull: the connection, the version profile, the company, and the reading of each model in batches."""

    def __init__(self, client: OdooClient, config: OdooConfig, today: date, months: int,
                 progress: Progress | None):
        self.client, self.config, self.today, self.months = client, config, today, months
        self.cutoff = cutoff_of(today, months)
        self.batch = max(1, int(config.batch_size))
        self.progress = progress or (lambda done, total: None)
        self.profile: Profile | None = None
        self.company_id: int | None = None
        self.company_name = ""
        self.currency: str | None = None
        self.no_salesperson: set[str] = set()       # customers (partner ids) read without a salesperson

    # -- reading --------------------------------------------------------------------------------------------

    def scope(self) -> list:
        """Receivable items of the company, posted, and open, or dated or settled on or after the cutoff.

        Items settled after the cutoff are read even when older, so the books can be rebuilt at any date since.
        """
        cutoff = self.cutoff.isoformat()
        return [self.profile.line_receivable, ("company_id", "=", self.company_id),
                ("parent_state", "=", "posted"), "|", "|", "|", ("reconciled", "=", False), ("date", ">=", cutoff),
                ("matched_debit_ids.max_date", ">=", cutoff), ("matched_credit_ids.max_date", ">=", cutoff)]

    def search(self, model: str, domain: list) -> list[int]:
        return [int(i) for i in self.client.call(model, "search", [domain], {"order": "id"})]

    def read(self, model: str, ids: list[int], fields: list[str], *, count_progress: bool = False,
             size: int | None = None) -> list[dict]:
        rows: list[dict] = []
        size = size or self.batch
        for start in range(0, len(ids), size):
            chunk = ids[start:start + size]
            rows += self.client.call(model, "read", [chunk, fields])
            if count_progress:
                self.progress(min(start + len(chunk), len(ids)), len(ids))
        return rows

    def search_read(self, model: str, domain: list, fields: list[str], *, size: int | None = None,
                    count_progress: bool = False) -> list[dict]:
        """Every row matching ``domain``, in pages ordered by id (keyset pagination: no growing offsets, no id
        search first). With ``count_progress``, the total reported is what is read so far plus one more page
        while pages come full: the exact total would cost a ``search_count`` round trip."""
        size = size or self.batch
        rows: list[dict] = []
        last = 0
        while True:
            page = self.client.call(model, "search_read", [domain + [("id", ">", last)], fields],
                                    {"limit": size, "order": "id"})
            rows += page
            if count_progress:
                self.progress(len(rows), len(rows) + (size if len(page) == size else 0))
            if len(page) < size:
                return rows
            last = max(int(r["id"]) for r in page)

    def kinds(self, rows: list[dict], scope: list) -> dict[int, str]:
        """Each item's kind: from the item itself (16+), else by one id search per kind over the scope."""
        if self.profile.line_kind:
            return {int(r["id"]): kind_of_line(r) for r in rows}
        kinds: dict[int, str] = {}
        if rows:
            present = {int(r["id"]) for r in rows}
            for kind, extra in kind_domains(self.profile):
                for lid in self.search(AML, scope + extra):
                    if lid in present:
                        kinds.setdefault(lid, kind)
        return kinds

    def resolve_company(self) -> None:
        """The company to read: ``[odoo] company`` by id or name, else the user's current company."""
        wanted = self.config.company
        if isinstance(wanted, int) or (isinstance(wanted, str) and wanted.strip().isdigit()):
            self.company_id = int(wanted)
            return
        if wanted:
            rows = self.client.call("res.company", "search_read", [[("name", "=", str(wanted))],
                                                                   ["name", "currency_id"]])
            if not rows:
                names = [r.get("name") for r in self.client.call("res.company", "search_read", [[], ["name"]])]
                raise ConfigError(f"[odoo] company {wanted!r} is not a company this Odoo user can see",
                                  hint="use one of: " + ", ".join(map(str, names)) if names else None)
            self.company_id, self.company_name = int(rows[0]["id"]), str(rows[0]["name"])
            self.currency = m.m2o_name(rows[0].get("currency_id")) or None
            return
        rows = self.client.call("res.users", "read", [[self.client.uid], ["company_id"]])
        if not rows or not m.m2o_id(rows[0].get("company_id")):
            raise RemoteError(f"Odoo gave no current company for user {self.config.user}",
                              hint="set [odoo] company in ardesk.toml")
        self.company_id = m.m2o_id(rows[0]["company_id"])
        self.company_name = m.m2o_name(rows[0]["company_id"])

    def partner_fields(self) -> list[str]:
        """The wanted ``res.partner`` fields this server has and this user may read (from the version profile
        where it fixes them, else one ``fields_get``)."""
        if self.profile.partner_fields_known:
            return list(self.profile.partner_fields)
        have = self.client.call(PARTNER, "fields_get", [], {"attributes": ["type"]})
        return [f for f in self.profile.partner_fields if f in have]

    def company_currency(self, lines: list[dict]) -> str:
        if self.currency:
            return self.currency
        for row in lines:
            name = m.m2o_name(row.get("company_currency_id"))
            if name:
                self.currency = name
                return name
        rows = self.client.call("res.company", "read", [[self.company_id], ["currency_id"]])
        if not rows:
            raise ConfigError(f"[odoo] company {self.config.company or self.company_id!r} does not exist in Odoo")
        self.currency = m.m2o_name(rows[0].get("currency_id")) or None
        return self.currency or ""


def max_stamp(rows: list[dict], start: str = "") -> str:
    return max([start] + [str(r.get("write_date") or "") for r in rows])


def since(stamp: str) -> str:
    if not stamp:
        return "1970-01-01 00:00:00"
    try:
        return (datetime.strptime(stamp[:19], _TS) - WRITE_DATE_MARGIN).strftime(_TS)
    except ValueError:
        return stamp


def build_records(p: Puller, rows: list[dict], kinds: dict[int, str], partials: list[dict]
                  ) -> tuple[dict[int, Invoice], dict[int, Payment], list[Allocation]]:
    """Items, payments and allocations of ``rows``, given every partial reconciliation touching them."""
    paid_on: dict[int, date] = {}
    applied: dict[int, list[str]] = {}
    allocations = []
    for row in partials:
        a = m.allocation(row, p.currency)
        allocations.append(a)
        for lid in (m.m2o_id(row["debit_move_id"]), m.m2o_id(row["credit_move_id"])):
            paid_on[lid] = max(paid_on.get(lid, a.date), a.date)
        applied.setdefault(m.m2o_id(row["credit_move_id"]), []).append(a.debit_item_id)
    applied_to = {lid: tuple(sorted(set(ids))) for lid, ids in applied.items()}
    items, payments = m.LineMapper(p.profile.followup_flag, p.cutoff).records(rows, kinds, paid_on, applied_to)
    return items, payments, allocations


def assemble(p: Puller, items: dict[int, Invoice], payments: dict[int, Payment],
             allocations: list[Allocation], customers: dict[str, Customer]) -> Books:
    """The books, in a canonical order, with each item's customer name taken from its customer.

    Allocations kept are those touching a record and dated on or after the cutoff or touching an open item: enough
    to rebuild the books at any date since the cutoff (open then = open now + what was allocated after).
    """
    records = {it.id for it in items.values()} | {pm.id for pm in payments.values()}
    still_open = {it.id for it in items.values() if it.open_amount_company}
    allocations = sorted((a for a in allocations
                          if (a.debit_item_id in records or a.credit_item_id in records)
                          and (a.date >= p.cutoff or a.debit_item_id in still_open or a.credit_item_id in still_open)),
                         key=lambda a: (int(a.debit_item_id[4:]), int(a.credit_item_id[4:]), a.date, a.amount))
    out_items = []
    for lid in sorted(items):
        it = items[lid]
        name = customers[it.customer_id].name if it.customer_id in customers else it.customer_name
        out_items.append(it if it.customer_name == name else replace(it, customer_name=name))
    used = {it.customer_id for it in out_items} | {pm.customer_id for pm in payments.values()}
    note = Issue(note_source(p.config), f"Odoo {p.client.version}, company {p.company_name or p.company_id}: open "
                 f"receivable items, and items dated or settled since {p.cutoff.isoformat()} with what settled them",
                 severity="info")
    return Books(source=f"odoo:{p.config.db}", company_currency=p.currency or "", report_date=p.today,
                 customers=tuple(customers[c] for c in sorted(used, key=int) if c in customers),
                 items=tuple(out_items), payments=tuple(payments[k] for k in sorted(payments)),
                 allocations=tuple(allocations), knows=KNOWS,
                 notes=(note, *currency_notes(p, out_items)),
                 period=(p.cutoff, p.today), kinds=("odoo",))


def currency_notes(p: Puller, items: list[Invoice]) -> list[Issue]:
    """A warning for each currency of the pull that is not an ISO 4217 code (:func:`receivables.money.currency_code`).
    Odoo allows custom currencies, so such a code is read, not refused; amounts in it are held to two decimals."""
    used = Counter(it.currency for it in items)
    if p.currency:
        used[p.currency] += 0
    out = []
    for code in sorted(c for c in used if c):
        try:
            currency_code(code)
        except ValueError:
            whose = " (the company's currency)" if code == p.currency else ""
            out.append(Issue(note_source(p.config), f"currency {code!r}{whose} is not an ISO 4217 code: Odoo allows "
                             f"custom currencies, so it is read as it is ({used[code]} items), amounts to two "
                             "decimals", severity="warning"))
    return out


def note_source(config: OdooConfig) -> str:
    """What a note about a pull names as its source: the server and database (``https://erp.example.com, db
    production``)."""
    return f"{config.url}, db {config.db}"


def read_customers(p: Puller, ids: set[str], fields: list[str]) -> tuple[dict[str, Customer], str]:
    """Customers for partner ids (``"0"`` = no partner) and the newest ``write_date`` among them."""
    out: dict[str, Customer] = {}
    if m.NO_PARTNER in ids:
        out[m.NO_PARTNER] = m.no_partner(p.currency)
    wanted = sorted(int(i) for i in ids if i != m.NO_PARTNER)
    rows = p.read(PARTNER, wanted, fields, size=p.batch * SMALL_ROWS) if wanted else []
    for row in rows:
        out[str(row["id"])] = m.customer(row, p.currency)
    salespeople(p, rows)
    return out, max_stamp(rows)


def salespeople(p: Puller, rows: list[dict]) -> None:
    """Note which partners just read have no salesperson (their collector comes from their invoices)."""
    for row in rows:
        if m.m2o_id(row.get("user_id")):
            p.no_salesperson.discard(str(row["id"]))
        else:
            p.no_salesperson.add(str(row["id"]))


def fallback_collectors(p: Puller, items, customers: dict[str, Customer]) -> dict[str, Customer]:
    """``customers`` with a collector for each one without a salesperson: the salesperson (``invoice_user_id``) most
    of its open invoices among ``items`` name, an invoice with several open instalments counted once; on a tie, that
    of the latest invoice (by invoice date, then the newest entry); none when none names one. One request, made only
    when such a customer has an open invoice."""
    p.no_salesperson &= set(customers)
    lines = sorted(int(it.id[4:]) for it in items
                   if it.customer_id in p.no_salesperson and it.kind is ItemKind.INVOICE and it.open_amount != 0
                   and "journal_entry" not in it.flags)
    found: dict[str, str] = {}
    if lines:
        moves = p.search_read(MOVE, [("line_ids", "in", lines)],
                              ["invoice_user_id", "commercial_partner_id", "invoice_date", "date"],
                              size=p.batch * SMALL_ROWS)
        stats: dict[tuple[str, str], list] = {}
        for move in moves:
            partner, user = str(m.m2o_id(move.get("commercial_partner_id"))), m.m2o_name(move.get("invoice_user_id"))
            if partner not in p.no_salesperson or not user.strip():
                continue
            key = (str(move.get("invoice_date") or move.get("date") or ""), int(move["id"]))
            entry = stats.setdefault((partner, user.strip()), [0, key])
            entry[0] += 1
            entry[1] = max(entry[1], key)
        best: dict[str, tuple] = {}
        for (partner, user), (count, key) in stats.items():
            if partner not in best or (count, key) > best[partner][1:]:
                best[partner] = (user, count, key)
        found = {partner: entry[0] for partner, entry in best.items()}
    out = dict(customers)
    for cid in p.no_salesperson:
        collector = found.get(cid, "")
        if out[cid].collector != collector:
            out[cid] = replace(out[cid], collector=collector)
    return out


def partner_ids(items: dict[int, Invoice], payments: dict[int, Payment]) -> set[str]:
    return {it.customer_id for it in items.values()} | {pm.customer_id for pm in payments.values()}


def make_state(p: Puller, line_ids: list[int], kinds: dict[int, str], partner_fields: list[str],
               stamps: dict[str, str], mode: str) -> dict[str, Any]:
    """The JSON-serialisable state the next incremental pull starts from (no secret in it)."""
    by_kind: dict[str, list[int]] = {m.INVOICE: [], m.REFUND: [], m.PAYMENT: []}
    for lid, kind in kinds.items():
        if kind in by_kind:
            by_kind[kind].append(lid)
    return {"format": STATE_FORMAT, "connector": "odoo", "url": p.config.url, "db": p.config.db,
            "user": p.config.user, "company": p.config.company, "company_id": p.company_id,
            "company_name": p.company_name, "company_currency": p.currency, "version": p.client.version,
            "uid": p.client.uid, "months": p.months, "pulled_on": p.today.isoformat(), "mode": mode,
            "partner_fields": partner_fields, "write_dates": stamps, "line_ids": sorted(line_ids),
            "no_salesperson": sorted(p.no_salesperson, key=int),
            "kinds": {k: sorted(v) for k, v in by_kind.items()}, "round_trips": p.client.round_trips}
