"""The two ways to pull: a full pull, and an incremental pull from a previous pull's books and state."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from receivables.records import Books, Customer, Invoice, Payment

from . import mapping as m
from .pull import (
    AML,
    PARTIAL,
    PARTIAL_FIELDS,
    PARTNER,
    SMALL_ROWS,
    Puller,
    assemble,
    build_records,
    fallback_collectors,
    kind_of_line,
    kind_of_move,
    line_fields,
    make_state,
    max_stamp,
    partner_ids,
    read_customers,
    salespeople,
    since,
)
from .versions import profile_for


def _line_id(record_id: str) -> int:
    return int(record_id[4:])


def full_pull(p: Puller) -> tuple[Books, dict[str, Any]]:
    """Read the whole scope: the items in keyset pages (with their kinds from 16 on), partial reconciliations
    and customers in wide pages.

    Round trips (16+): version, login, the user's company (none when ``[odoo] company`` is an id), one per page
    of items (one more when the last page is exactly full), then usually one for partial reconciliations and one
    for customers, and one for the invoices' salespeople when a customer with open invoices has no salesperson. Up
    to 15: plus one ``fields_get`` of partners and three id searches for the items' kinds.
    """
    p.profile = profile_for(p.client.connect())
    p.client.login()
    p.resolve_company()
    fields = p.partner_fields()
    scope = p.scope()
    rows = p.search_read(AML, scope, line_fields(p.profile), count_progress=True)
    kinds = p.kinds(rows, scope)
    present = {int(r["id"]) for r in rows}
    p.company_currency(rows)
    partials = []
    if rows:
        partials = p.search_read(PARTIAL, [("company_id", "=", p.company_id), "|", "|",
                                           ("max_date", ">=", p.cutoff.isoformat()),
                                           ("debit_move_id.reconciled", "=", False),
                                           ("credit_move_id.reconciled", "=", False)], PARTIAL_FIELDS,
                                 size=p.batch * SMALL_ROWS)
    items, payments, allocations = build_records(p, rows, kinds, partials)
    customers, partner_stamp = read_customers(p, partner_ids(items, payments), fields)
    customers = fallback_collectors(p, items.values(), customers)
    books = assemble(p, items, payments, allocations, customers)
    stamps = {AML: max_stamp(rows), PARTNER: partner_stamp}
    return books, make_state(p, sorted(present), {k: v for k, v in kinds.items() if k in present}, fields,
                             stamps, "full")


def incremental_pull(p: Puller, previous: Books, state: dict[str, Any]) -> tuple[Books, dict[str, Any]]:
    """Read only what changed since ``state`` and apply it to ``previous``; the result equals a full pull's."""
    p.profile = profile_for(p.client.connect())
    p.client.login()
    p.company_id, p.company_name = int(state["company_id"]), str(state.get("company_name") or "")
    p.currency = state.get("company_currency") or previous.company_currency or None
    fields = list(state["partner_fields"])
    stamps = dict(state.get("write_dates") or {})
    known = set(state["line_ids"])
    kinds: dict[int, str] = {lid: k for k, ids in state["kinds"].items() for lid in ids}
    scope = p.scope()

    current = set(p.search(AML, scope))
    p.progress(0, len(current))
    fields_read = line_fields(p.profile)
    rows = [r for r in p.search_read(AML, scope + [("write_date", ">=", since(stamps.get(AML, "")))], fields_read)
            if int(r["id"]) in current]
    seen = {int(r["id"]) for r in rows}
    missing = sorted(current - known - seen)
    if missing:
        rows += p.read(AML, missing, fields_read)
    new = {int(r["id"]) for r in rows} - known
    if new and p.profile.line_kind:
        kinds.update({int(r["id"]): kind_of_line(r) for r in rows if int(r["id"]) in new})
    elif new:
        by_line = {int(r["id"]): m.m2o_id(r["move_id"]) for r in rows if int(r["id"]) in new}
        moves = p.read("account.move", sorted(set(by_line.values())), ["move_type", p.profile.payment_field])
        move_kind = {int(mv["id"]): kind_of_move(p.profile.payment_field, mv) for mv in moves}
        for lid, mid in by_line.items():
            kinds[lid] = move_kind.get(mid, m.OTHER)
    p.progress(len(current), len(current))
    p.company_currency(rows)

    prev_items = {_line_id(it.id): it for it in previous.items}
    prev_payments = {_line_id(pm.id): pm for pm in previous.payments}
    newest = stamps.get(AML, "")
    # Rows re-read only because of the safety margin, whose records are unchanged, are not "dirty".
    items_now, payments_now, _ = build_records(p, rows, kinds, [])
    dirty = set()
    for r in rows:
        lid = int(r["id"])
        if (str(r.get("write_date") or "") > newest or lid not in known
                or _differs(items_now.get(lid), prev_items.get(lid))
                or _differs(payments_now.get(lid), prev_payments.get(lid))):
            dirty.add(lid)
    partials = []
    if dirty:
        wanted = sorted(dirty)
        partials = p.search_read(PARTIAL, ["|", ("debit_move_id", "in", wanted), ("credit_move_id", "in", wanted)],
                                 PARTIAL_FIELDS, size=p.batch * SMALL_ROWS)
    fresh_items, fresh_payments, fresh_allocations = build_records(
        p, [r for r in rows if int(r["id"]) in dirty], kinds, partials)

    gone = known - current
    touched = {f"aml:{lid}" for lid in dirty | gone}
    items = {lid: it for lid, it in prev_items.items() if lid in current and lid not in dirty}
    items.update(fresh_items)
    payments = {lid: pm for lid, pm in prev_payments.items()
                if lid in current and lid not in dirty and pm.date >= p.cutoff}
    payments.update(fresh_payments)
    allocations = [a for a in previous.allocations
                   if a.debit_item_id not in touched and a.credit_item_id not in touched] + fresh_allocations

    p.no_salesperson = {str(i) for i in state.get("no_salesperson") or ()}
    customers = _customers(p, previous, partner_ids(items, payments), fields, stamps)
    customers = fallback_collectors(p, items.values(), customers)
    books = assemble(p, items, payments, allocations, customers)
    stamps[AML] = max_stamp(rows, newest)
    kinds = {lid: k for lid, k in kinds.items() if lid in current}
    return books, make_state(p, sorted(current), kinds, fields, stamps, "incremental")


def _differs(a: Invoice | Payment | None, b: Invoice | Payment | None) -> bool:
    """Whether a record rebuilt without partial reconciliations differs from the previous one.

    ``paid_on``, ``applied_to`` and the customer name are left out: the first two come from the partials, the
    name from the customer.
    """
    if a is None or b is None:
        return (a is None) != (b is None)
    if isinstance(a, Invoice):
        return replace(a, paid_on=None, customer_name="") != replace(b, paid_on=None, customer_name="")
    return replace(a, applied_to=()) != replace(b, applied_to=())


def _customers(p: Puller, previous: Books, wanted: set[str], fields: list[str],
               stamps: dict[str, str]) -> dict[str, Customer]:
    """Previous customers, with those written since the last pull and the newly referenced ones read again."""
    have = previous.customer_map()
    out = {c: have[c] for c in wanted if c in have}
    ids = sorted(int(c) for c in wanted if c != m.NO_PARTNER)
    if m.NO_PARTNER in wanted:
        out[m.NO_PARTNER] = m.no_partner(p.currency)
    if not ids:
        return out
    new = [i for i in ids if str(i) not in have]
    domain = [("id", "in", ids)]
    changed = [("write_date", ">=", since(stamps.get(PARTNER, "")))]
    domain += (["|", ("id", "in", new)] + changed) if new else changed
    rows = p.search_read(PARTNER, domain, fields, size=p.batch * SMALL_ROWS)
    for row in rows:
        out[str(row["id"])] = m.customer(row, p.currency)
    salespeople(p, rows)
    stamps[PARTNER] = max_stamp(rows, stamps.get(PARTNER, ""))
    return out
