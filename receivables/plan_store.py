"""Payment plans in the ledger: what was agreed with a customer (the instalments, the invoices covered, the grace),
kept as typed; their state at a date is worked out from the books each time (:mod:`receivables.plans`).

A plan's id is made from what defines it (customer, agreement date, instalments, invoices), so the same plan typed
twice, or read again from the Plans sheet, is the same plan: adding it again changes nothing. A plan is ended (kept,
never deleted) by ``ardesk plan end``; the audit trail keeps who did what.
"""
from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from decimal import Decimal

from .plans import Instalment, Plan


def plan_id(customer_id: str, agreed_on: date, instalments: tuple[Instalment, ...],
            invoices: tuple[str, ...]) -> str:
    """``P-`` and 10 hex digits of what defines the plan."""
    key = json.dumps([customer_id, agreed_on.isoformat(), [[i.due.isoformat(), str(i.amount)] for i in instalments],
                      sorted(invoices)])
    return "P-" + hashlib.sha256(key.encode()).hexdigest()[:10]


class PlanStore:
    def __init__(self, ledger):
        self.ledger = ledger

    def add(self, plan: Plan, *, customer: str, origin: str) -> bool:
        """Keep ``plan`` (its ``plan_id`` from :func:`plan_id`); False when it was already there."""
        with self.ledger.transaction() as c:
            cur = c.execute(
                "INSERT OR IGNORE INTO payment_plans (id, customer_id, customer, agreed_on, currency, invoices,"
                " grace_days, instalments, origin, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (plan.plan_id, plan.customer_id, customer, plan.agreed_on.isoformat(), plan.currency,
                 json.dumps(list(plan.invoice_numbers)), plan.grace_days,
                 json.dumps([[i.due.isoformat(), str(i.amount)] for i in plan.instalments]), origin,
                 datetime.now(UTC).isoformat(timespec="seconds")))
            return cur.rowcount == 1

    def end(self, plan_id: str, why: str) -> bool:
        """End a plan (it stays in the ledger); False when there is no such running plan."""
        with self.ledger.transaction() as c:
            cur = c.execute("UPDATE payment_plans SET ended_at = ?, ended_why = ? WHERE id = ? AND ended_at IS NULL",
                            (datetime.now(UTC).isoformat(timespec="seconds"), why, plan_id))
            return cur.rowcount == 1

    def rows(self, *, include_ended: bool = False) -> list[dict]:
        """Every plan as stored, oldest agreement first."""
        cur = self.ledger.conn.execute(
            "SELECT id, customer_id, customer, agreed_on, currency, invoices, grace_days, instalments, origin,"
            " created_at, ended_at, ended_why FROM payment_plans"
            + ("" if include_ended else " WHERE ended_at IS NULL") + " ORDER BY agreed_on, id")
        names = ("id", "customer_id", "customer", "agreed_on", "currency", "invoices", "grace_days", "instalments",
                 "origin", "created_at", "ended_at", "ended_why")
        out = []
        for r in cur:
            row = dict(zip(names, r))
            row["invoices"] = json.loads(row["invoices"])
            row["instalments"] = json.loads(row["instalments"])
            out.append(row)
        return out

    def plans(self) -> list[Plan]:
        """The running plans (not ended) as the engine's records."""
        return [Plan(plan_id=r["id"], customer_id=r["customer_id"], agreed_on=date.fromisoformat(r["agreed_on"]),
                     instalments=tuple(Instalment(date.fromisoformat(d), Decimal(a)) for d, a in r["instalments"]),
                     currency=r["currency"], invoice_numbers=tuple(r["invoices"]), grace_days=r["grace_days"])
                for r in self.rows()]


__all__ = ["PlanStore", "plan_id"]
