"""Reminder batches in the ledger: every notice built, its state of sending, and every customer left out with why.

A batch is stored whole, in one transaction, when it is built. Each notice then moves through the states
``to send`` → ``sending`` (recorded before the mail server is spoken to) → ``sent`` | ``failed`` (tried again by
a rerun) | ``refused`` (for good: a 5xx answer, or a header with a line break) | ``unknown`` (the connection closed
after the message went and before the server answered: a person checks; only an explicit resend sends it again).
A notice marked not to send (``send`` = 0, from the Reminders sheet) stays ``to send`` and is skipped. The notices
sent (and those whose outcome is unknown) are the history that keeps a customer from getting the same reminder twice
(:class:`receivables.reminders.Sent`).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime

from . import collector_paused
from .reminders import Batch, Sent, items_json_texts, totals_json_texts

TO_SEND, SENDING, SENT, FAILED, UNKNOWN, REFUSED = "to send", "sending", "sent", "failed", "unknown", "refused"
STATES = (TO_SEND, SENDING, SENT, FAILED, UNKNOWN, REFUSED)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class StoredNotice:
    batch_id: int
    customer_id: str
    customer: str
    level: str
    template: str
    channel: str
    email: str
    phone: str
    lang: str
    fallback_reason: str
    items: list[dict]
    totals: dict[str, str]
    send: bool
    state: str
    message_id: str | None
    attempted_at: str | None
    sent_at: str | None
    outcome: str | None
    address: str = ""
    charges: dict = None             # item id -> {"interest", "fees", "rule", ...} where charged (receivables.fees)
    discounts: dict = None           # item id -> {"until", "amount"}: an early-payment discount still open
    plan_broken: dict = None         # the plan the customer broke: {"plan", "agreed_on", "number", "due", ...}
    instalment: dict = None          # the instalment a note before it announces: {"plan", "number", "due", ...}

    def to_json_dict(self) -> dict:
        return {"batch": self.batch_id, "customer": self.customer, "customer_id": self.customer_id,
                "level": self.level, "channel": self.channel, "email": self.email or None, "send": self.send,
                "state": self.state, "message_id": self.message_id, "sent_at": self.sent_at,
                "outcome": self.outcome, "totals": self.totals, "items": len(self.items),
                "charges": self.charges or {}, "discounts": self.discounts or {}, "plan_broken": self.plan_broken,
                "instalment": self.instalment}


_COLUMNS = ("batch_id", "customer_id", "customer", "level", "template", "channel", "email", "phone", "lang",
            "fallback_reason", "items", "totals", "send", "state", "message_id", "attempted_at", "sent_at",
            "outcome", "address", "charges", "discounts", "plan_broken", "instalment")


class ReminderStore:
    """The reminder batches of one ledger (:attr:`receivables.ledger.Ledger.reminders`)."""

    def __init__(self, ledger):
        self.ledger = ledger

    def store(self, batch: Batch, *, policy: list[dict], source_key: str | None = None,
              snapshot_id: int | None = None, langs: dict[str, str] | None = None,
              charges: dict[str, dict] | None = None, discounts: dict[str, dict] | None = None,
              broken: dict[str, dict] | None = None, instalments: dict[str, dict] | None = None) -> int:
        """Store ``batch`` whole, with each customer's language (``langs``, for the notice's words), the interest
        and fees charged on its items (``charges``: customer id -> item id -> charge) and the early-payment
        discounts its items still offer (``discounts``: customer id -> item id -> {"until", "amount"}) and the
        payment plan each customer broke (``broken``: customer id -> the plan's break) or the instalment its notice
        announces (``instalments``: customer id -> the instalment); returns its id."""
        langs, charges, discounts, broken = langs or {}, charges or {}, discounts or {}, broken or {}
        instalments = instalments or {}
        # Each notice's json.dumps(n.items_json) and json.dumps(totals_json(n.totals)), the items written without a
        # dict per item, a few notices at a time as their rows are inserted.
        items, totals = items_json_texts(batch.notices), totals_json_texts(batch.notices)
        with self.ledger.transaction() as c:
            cur = c.execute("INSERT INTO reminder_batches (built_at, as_of, source_key, snapshot_id, currency, policy,"
                            " warnings) VALUES (?,?,?,?,?,?,?)",
                            (_now(), batch.as_of.isoformat(), source_key, snapshot_id, batch.currency,
                             json.dumps(policy, default=str), json.dumps([w.message for w in batch.warnings])))
            bid = cur.lastrowid
            c.executemany(
                "INSERT INTO reminder_notices (batch_id, customer_id, customer, level, template, channel, email,"
                " phone, lang, fallback_reason, items, totals, send, state, address, charges, discounts,"
                " plan_broken, instalment) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,1,?,?,?,?,?,?)",
                ((bid, n.customer_id, n.customer, n.level, n.template, n.channel, n.email or None, n.phone or None,
                  langs.get(n.customer_id) or None, n.fallback_reason or None, text, total, TO_SEND,
                  n.address or None, json.dumps(charges[n.customer_id]) if n.customer_id in charges else None,
                  json.dumps(discounts[n.customer_id]) if n.customer_id in discounts else None,
                  json.dumps(broken[n.customer_id]) if n.customer_id in broken else None,
                  json.dumps(instalments[n.customer_id]) if n.customer_id in instalments else None)
                 for n, text, total in zip(batch.notices, items, totals)))
            c.executemany(
                "INSERT INTO reminder_exclusions (batch_id, customer_id, customer, code, reason, totals)"
                " VALUES (?,?,?,?,?,?)",
                [(bid, e.customer_id, e.customer, e.code, e.reason, total)
                 for e, total in zip(batch.excluded, totals_json_texts(batch.excluded))])
        return bid

    def batches(self) -> list[dict]:
        cur = self.ledger.conn.execute(
            "SELECT b.id, b.built_at, b.as_of, b.source_key, b.currency,"
            " (SELECT count(*) FROM reminder_notices n WHERE n.batch_id = b.id),"
            " (SELECT count(*) FROM reminder_exclusions e WHERE e.batch_id = b.id)"
            " FROM reminder_batches b ORDER BY b.id DESC")
        return [dict(zip(("batch", "built_at", "as_of", "source_key", "currency", "notices", "excluded"), r))
                for r in cur.fetchall()]

    def latest(self) -> int | None:
        row = self.ledger.conn.execute("SELECT max(id) FROM reminder_batches").fetchone()
        return row[0] if row else None

    def notices(self, batch_id: int) -> list[StoredNotice]:
        cur = self.ledger.conn.execute(f"SELECT {', '.join(_COLUMNS)} FROM reminder_notices WHERE batch_id = ?"
                                       " ORDER BY lower(customer), customer_id", (batch_id,))
        out = []
        for r in cur.fetchall():
            d = dict(zip(_COLUMNS, r))
            d["items"], d["totals"], d["send"] = json.loads(d["items"]), json.loads(d["totals"]), bool(d["send"])
            for k in ("email", "phone", "lang", "fallback_reason", "address"):
                d[k] = d[k] or ""
            d["charges"] = json.loads(d["charges"]) if d["charges"] else {}
            d["discounts"] = json.loads(d["discounts"]) if d["discounts"] else {}
            d["plan_broken"] = json.loads(d["plan_broken"]) if d["plan_broken"] else None
            d["instalment"] = json.loads(d["instalment"]) if d["instalment"] else None
            out.append(StoredNotice(**d))
        return out

    def sent_to(self, customer_id: str) -> list[dict]:
        """Every notice sent to the customer, oldest first: batch, level, channel, sent_at, to (address or phone)."""
        cur = self.ledger.conn.execute(
            "SELECT batch_id, level, channel, sent_at, email, phone, outcome FROM reminder_notices"
            " WHERE customer_id = ? AND state = ? ORDER BY sent_at, batch_id", (customer_id, SENT))
        return [{"batch": b, "level": lv, "channel": ch, "sent_at": at, "to": (e or p or "") if ch != "letter"
                 else "letter", "outcome": o} for b, lv, ch, at, e, p, o in cur.fetchall()]

    def instalments_announced(self) -> set[tuple[str, int]]:
        """(plan id, instalment number) of every instalment a notice announced that went out (or may have: its
        outcome unknown): announced once, never again."""
        cur = self.ledger.conn.execute("SELECT instalment FROM reminder_notices WHERE instalment IS NOT NULL"
                                       " AND state IN (?, ?, ?)", (SENT, UNKNOWN, SENDING))
        return {(d["plan"], int(d["number"])) for d in (json.loads(r[0]) for r in cur.fetchall())}

    def exclusions(self, batch_id: int) -> list[dict]:
        cur = self.ledger.conn.execute("SELECT customer_id, customer, code, reason, totals FROM reminder_exclusions"
                                       " WHERE batch_id = ? ORDER BY lower(customer), customer_id", (batch_id,))
        return [{"customer_id": a, "customer": b, "code": c, "reason": d, "totals": json.loads(t)}
                for a, b, c, d, t in cur.fetchall()]

    def mark(self, batch_id: int, customer_id: str, state: str, *, message_id: str | None = None,
             outcome: str | None = None) -> None:
        """Record a notice's state at once, in its own transaction (``sending`` before the mail server is spoken
        to, the outcome after)."""
        if state not in STATES:
            raise ValueError(f"unknown notice state {state!r}")
        now = _now()
        with self.ledger.transaction() as c:
            c.execute("UPDATE reminder_notices SET state = ?, message_id = coalesce(?, message_id),"
                      " outcome = coalesce(?, outcome),"
                      " attempted_at = CASE WHEN ? = 'sending' THEN ? ELSE attempted_at END,"
                      " sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END"
                      " WHERE batch_id = ? AND customer_id = ?",
                      (state, message_id, outcome, state, now, state, now, batch_id, customer_id))

    def set_send(self, batch_id: int, choices: dict[str, bool]) -> int:
        """Mark notices to send or not (the Reminders sheet's Send column); returns how many changed."""
        with self.ledger.transaction() as c:
            return sum(c.execute("UPDATE reminder_notices SET send = ? WHERE batch_id = ? AND customer_id = ?"
                                 " AND send != ?", (int(v), batch_id, k, int(v))).rowcount
                       for k, v in choices.items())

    def history(self) -> list[Sent]:
        """Every notice sent (or whose sending is unknown: it may have arrived), for the engine's
        "already reminded" rule."""
        cur = self.ledger.conn.execute("SELECT n.customer_id, n.level, n.items,"
                                       " coalesce(n.sent_at, n.attempted_at, b.built_at), n.channel"
                                       " FROM reminder_notices n JOIN reminder_batches b ON b.id = n.batch_id"
                                       " WHERE n.state IN (?, ?)", (SENT, UNKNOWN))
        out = []
        with collector_paused():         # every item of every notice read is a dict: no cycle among them
            for cid, level, items, at, channel in cur.fetchall():
                out.append(Sent(cid, level, frozenset(i["id"] for i in json.loads(items)),
                                date.fromisoformat(at[:10]), channel))
        return out

    def outcomes(self) -> list[dict]:
        """Every notice that went out or was tried for good, without its items, oldest first (the worklist's
        reminder history): customer_id, level, channel, state (sent; unknown, and sending, as unknown: it may have
        arrived; refused: the mail server refused it, it bounced), on (the day it was sent or tried), email,
        outcome."""
        cur = self.ledger.conn.execute(
            "SELECT n.customer_id, n.level, n.channel, n.state, coalesce(n.sent_at, n.attempted_at, b.built_at),"
            " n.email, n.outcome FROM reminder_notices n JOIN reminder_batches b ON b.id = n.batch_id"
            " WHERE n.state IN (?, ?, ?, ?) ORDER BY 5, n.batch_id", (SENT, UNKNOWN, SENDING, REFUSED))
        return [{"customer_id": cid, "level": level, "channel": channel,
                 "state": UNKNOWN if state == SENDING else state, "on": date.fromisoformat(at[:10]),
                 "email": email or "", "outcome": outcome or ""}
                for cid, level, channel, state, at, email, outcome in cur.fetchall()]

