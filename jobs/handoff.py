"""The hand-off of a customer's debt to a collection agency: the last step of the reminder ladder (a level whose
channel is ``agency``).

Two files per customer, written atomically and readable by the owner only (they hold personal data): a JSON
document for the agency's systems and a CSV for people with a spreadsheet. Both hold everything the agency needs
to take the case over without asking back: the creditor, the customer and its contacts, every open item with its
dates, days late, amount, and the interest and fees claimed on it, the totals claimed per currency, every reminder
the desk sent the customer (date, level, channel, to whom), and every collection note with its promise and dispute.

The CSV is one table with a ``record`` column (``customer``, ``item``, ``total``, ``reminder``, ``note``) so that a
spreadsheet filters it into each part; every cell a spreadsheet would read as a formula starts with an apostrophe.
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from excel.values import csv_safe
from receivables.money import quantize

#: The CSV's columns, in order.
CSV_COLUMNS = ("record", "customer_id", "customer", "email", "phone", "address", "number", "kind", "issued", "due",
               "days_past_due", "currency", "amount", "interest", "fees", "total", "disputed", "date", "level",
               "channel", "author", "text", "outcome", "promise_date", "promise_amount", "dispute")


@dataclass(frozen=True)
class Handoff:
    json_path: Path
    csv_path: Path
    document: dict


def document(notice, *, batch_id: int, handed_over_on: date, address: str, creditor: dict, reminders: list[dict],
             notes: list, charges: dict | None = None) -> dict:
    """The hand-off of ``notice`` (a stored notice) as one JSON-ready document. ``charges``: item id -> (interest,
    fees) claimed on it; ``reminders``: the customer's notices sent before (batch, level, channel, sent_at, to);
    ``notes``: its :class:`~receivables.records.CollectionNote` records."""
    items, claimed = [], {}
    charges = charges or {}
    for i in notice.items:
        cur = i["currency"]
        interest, fees = charges.get(i["id"], (Decimal(0), Decimal(0)))
        items.append({"id": i["id"], "number": i["number"], "kind": i["kind"], "issued": i["issued"], "due": i["due"],
                      "days_past_due": i["days_past_due"], "currency": cur, "amount": i["amount"],
                      "interest": _money(interest, cur), "fees": _money(fees, cur),
                      "disputed": bool(i.get("disputed"))})
        c = claimed.setdefault(cur, [Decimal(0), Decimal(0), Decimal(0)])
        c[0] += Decimal(i["amount"])
        c[1] += interest
        c[2] += fees
    return {
        "handed_over_on": handed_over_on.isoformat(),
        "batch": batch_id,
        "level": notice.level,
        "creditor": creditor,
        "customer": {"id": notice.customer_id, "name": notice.customer, "email": notice.email,
                     "phone": notice.phone, "address": address, "lang": notice.lang},
        "items": items,
        "claimed": {cur: {"principal": _money(p, cur), "interest": _money(i, cur), "fees": _money(f, cur),
                          "total": _money(p + i + f, cur)} for cur, (p, i, f) in claimed.items()},
        "reminders": reminders,
        "notes": [{"id": n.uid, "date": n.written_at.isoformat(), "author": n.author, "invoice": n.invoice,
                   "text": n.text, "outcome": list(n.outcome),
                   "promise_date": n.promise_date.isoformat() if n.promise_date else None,
                   "promise_amount": str(n.promise_amount) if n.promise_amount is not None else None,
                   "dispute": n.dispute} for n in notes],
        "disputes": [i["number"] for i in notice.items if i.get("disputed")]
                    + [f"{n.invoice or 'customer'}: {n.dispute} ({n.written_at.isoformat()})" for n in notes
                       if n.dispute],
    }


def csv_text(doc: dict) -> str:
    """The hand-off document as the CSV table (see the module)."""
    out = io.StringIO()
    w = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\r\n", extrasaction="raise")
    w.writeheader()
    c = doc["customer"]
    base = {"customer_id": c["id"], "customer": c["name"]}
    rows = [{**base, "record": "customer", "email": c["email"], "phone": c["phone"], "address": c["address"]}]
    rows += [{**base, "record": "item", **{k: i[k] for k in ("number", "kind", "issued", "due", "days_past_due",
                                                               "currency", "amount", "interest", "fees")},
              "disputed": "yes" if i["disputed"] else ""} for i in doc["items"]]
    rows += [{**base, "record": "total", "currency": cur, "amount": t["principal"], "interest": t["interest"],
              "fees": t["fees"], "total": t["total"]} for cur, t in doc["claimed"].items()]
    rows += [{**base, "record": "reminder", "date": r.get("sent_at"), "level": r.get("level"),
              "channel": r.get("channel"), "email": r.get("to")} for r in doc["reminders"]]
    rows += [{**base, "record": "note", "date": n["date"], "author": n["author"], "number": n["invoice"],
              "text": n["text"], "outcome": "; ".join(n["outcome"]), "promise_date": n["promise_date"],
              "promise_amount": n["promise_amount"], "dispute": n["dispute"]} for n in doc["notes"]]
    for row in rows:
        w.writerow({k: csv_safe("" if v is None else str(v)) for k, v in row.items()})
    return out.getvalue()


def write(folder: Path, doc: dict) -> Handoff:
    """Both files of a hand-off into ``folder`` (made owner-only when new), named by batch and customer."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", doc["customer"]["id"])[:60]
    stem = f"handoff-{doc['batch']}-{safe}"
    json_path = _atomic(folder, f"{stem}.json",
                        json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=False).encode("utf-8") + b"\n")
    csv_path = _atomic(folder, f"{stem}.csv", csv_text(doc).encode("utf-8-sig"))
    return Handoff(json_path, csv_path, doc)


def _atomic(folder: Path, name: str, data: bytes) -> Path:
    from receivables.private_files import write_private

    return write_private(folder / name, data, prefix=".handoff-")


def _money(value: Decimal, currency: str) -> str:
    return str(quantize(value, currency))


__all__ = ["CSV_COLUMNS", "Handoff", "csv_text", "document", "write"]
