"""Matching on the receivable account: line residuals from ``account.partial.reconcile``, full reconciles, and
the move's ``amount_residual``/``payment_state`` that follow from them, kept as Odoo stores them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from .store import CENT, Store

AML = "account.move.line"
MOVE = "account.move"
PARTIAL = "account.partial.reconcile"


def cents(amount) -> int:
    """Integer cents from a ``Decimal``, an int or a decimal string (never a float)."""
    if isinstance(amount, float):
        raise TypeError("amounts are given as Decimal or str, not float")
    return int((Decimal(str(amount)) * CENT).to_integral_value())


def iso(day) -> str | bool:
    if day in (None, False):
        return False
    return day.isoformat() if isinstance(day, date) else str(day)


def receivable_lines(store: Store, move_id: int) -> list[int]:
    lines = store.tables[AML]
    return sorted(
        (lid for lid in store.children(AML, "move_id", move_id) if lines[lid].get("receivable")),
        key=lambda lid: (lines[lid]["date_maturity"] or "", lid),
    )


def line_residuals(store: Store, lid: int) -> tuple[int, int]:
    line = store.tables[AML][lid]
    res, res_cur = line["balance"], line["amount_currency"]
    for pid in store.partials_of.get(lid, ()):
        p = store.tables[PARTIAL][pid]
        if p["debit_move_id"] == lid:
            res -= p["amount"]
            res_cur -= p["debit_amount_currency"]
        else:
            res += p["amount"]
            res_cur += p["credit_amount_currency"]
    return res, res_cur


def refresh_line(store: Store, lid: int) -> None:
    res, res_cur = line_residuals(store, lid)
    vals = {
        "amount_residual": res,
        "amount_residual_currency": res_cur,
        "reconciled": res == 0 and res_cur == 0,
    }
    partials = store.partials_of.get(lid, ())
    if not vals["reconciled"]:
        vals["full_reconcile_id"] = False
        vals["matching_number"] = f"P{min(partials)}" if partials else False
    store.update(AML, [lid], vals)


def refresh_move(store: Store, mid: int) -> None:
    move = store.tables[MOVE][mid]
    lines = [store.tables[AML][lid] for lid in receivable_lines(store, mid)]
    res_cur = sum(line["amount_residual_currency"] for line in lines)
    res = sum(line["amount_residual"] for line in lines)
    total = move["amount_total"]
    vals = {"amount_residual": abs(res_cur), "amount_residual_signed": res}
    if move["state"] != "posted" or move["move_type"] == "entry":
        vals["payment_state"] = "not_paid"
    elif res_cur == 0:
        vals["payment_state"] = "paid"
    elif abs(res_cur) < total:
        vals["payment_state"] = "partial"
    else:
        vals["payment_state"] = "not_paid"
    store.update(MOVE, [mid], vals)


def reconcile(
    store: Store,
    debit_lid: int,
    credit_lid: int,
    amount: int,
    max_date: str,
    debit_amount_currency: int | None = None,
    credit_amount_currency: int | None = None,
) -> int:
    """Record ``amount`` cents (company currency) matched between a debit and a credit line; refresh both."""
    lines = store.tables[AML]
    debit, credit = lines[debit_lid], lines[credit_lid]
    if debit_amount_currency is None:
        debit_amount_currency = _in_currency(debit, amount)
    if credit_amount_currency is None:
        credit_amount_currency = _in_currency(credit, amount)
    max_date = max(max_date, debit["date"], credit["date"])
    pid = store.insert(
        PARTIAL,
        {
            "debit_move_id": debit_lid,
            "credit_move_id": credit_lid,
            "amount": amount,
            "debit_amount_currency": debit_amount_currency,
            "credit_amount_currency": credit_amount_currency,
            "debit_currency_id": debit["currency_id"],
            "credit_currency_id": credit["currency_id"],
            "company_id": debit["company_id"],
            "max_date": max_date,
            "full_reconcile_id": False,
            "exchange_move_id": False,
        },
    )
    for lid in (debit_lid, credit_lid):
        refresh_line(store, lid)
    _close_full(store, debit_lid, credit_lid)
    for lid in (debit_lid, credit_lid):
        refresh_move(store, lines[lid]["move_id"])
    return pid


def _in_currency(line: dict, amount: int) -> int:
    if not line["balance"]:
        return amount
    return round(amount * abs(line["amount_currency"]) / abs(line["balance"]))


def _close_full(store: Store, *lids: int) -> None:
    lines = store.tables[AML]
    group, todo = set(), list(lids)
    while todo:
        lid = todo.pop()
        if lid in group:
            continue
        group.add(lid)
        for pid in store.partials_of.get(lid, ()):
            p = store.tables[PARTIAL][pid]
            todo += [p["debit_move_id"], p["credit_move_id"]]
    if all(lines[lid]["reconciled"] for lid in group):
        fid = store.insert("account.full.reconcile", {"name": f"F{store.next_id['account.full.reconcile']}"})
        name = store.tables["account.full.reconcile"][fid]["name"]
        store.update(AML, sorted(group), {"full_reconcile_id": fid, "matching_number": name})
        pids = sorted({pid for lid in group for pid in store.partials_of.get(lid, ())})
        store.update(PARTIAL, pids, {"full_reconcile_id": fid})


def unreconcile(store: Store, lid: int) -> None:
    """Remove every partial reconcile touching the line, refreshing all lines and moves involved."""
    touched = {lid}
    pids = list(store.partials_of.get(lid, ()))
    for pid in pids:
        p = store.tables[PARTIAL][pid]
        touched |= {p["debit_move_id"], p["credit_move_id"]}
    store.remove(PARTIAL, pids)
    for other in sorted(touched):
        refresh_line(store, other)
    for mid in sorted({store.tables[AML][other]["move_id"] for other in touched}):
        refresh_move(store, mid)
