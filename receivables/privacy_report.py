"""An access request's answer: everything the ledger holds about one customer and its contacts.

Across all snapshots (each distinct version of the customer's record, with the snapshots and pull times that held
it; the items and payments of the latest snapshot of each source, and how many snapshots hold items of it), the
collection notes (with their earlier versions and what their write-back did), every reminder notice and exclusion,
the hand-off to the agency, payment plans, the audit trail's lines about it, the files written for it, and its
erasure if it was erased. One JSON-ready dict; :func:`text_of` words it for people.
"""
from __future__ import annotations

import json

from .privacy import HELD, Found, find_customer, norm, note_uids

_CUSTOMER = ("name", "parent_id", "email", "phone", "address", "lang", "terms_days", "credit_limit", "currency",
             "tags", "collector")


def report(ledger, customer: str) -> dict:
    """The access request's answer for ``customer`` (its id or name)."""
    c = ledger.conn
    found = find_customer(c, customer)
    cid = found.id
    return {"customer": {"id": cid, "names": sorted(found.names)},
            "erasure": _erasure(c, cid),
            "records": _records(c, cid),
            "items": _items(c, cid),
            "notes": _notes(c, found),
            "reminders": _rows(c, "SELECT n.batch_id, b.as_of, n.customer, n.level, n.channel, n.state, n.email,"
                                  " n.phone, n.address, n.sent_at, n.outcome, n.items FROM reminder_notices n JOIN"
                                  " reminder_batches b ON b.id = n.batch_id WHERE n.customer_id = ? ORDER BY"
                                  " n.batch_id", (cid,),
                               ("batch", "as_of", "customer", "level", "channel", "state", "email", "phone",
                                "address", "sent_at", "outcome", "items"), items=True),
            "excluded": _rows(c, "SELECT batch_id, customer, code, reason FROM reminder_exclusions WHERE"
                                 " customer_id = ? ORDER BY batch_id", (cid,),
                              ("batch", "customer", "code", "reason")),
            "handover": next(iter(_rows(c, "SELECT customer, batch_id, level, at, files FROM handovers WHERE"
                                           " customer_id = ?", (cid,), ("customer", "batch", "level", "at", "files"))),
                             None),
            "plans": _rows(c, "SELECT id, customer, agreed_on, currency, invoices, instalments, ended_at, ended_why"
                              " FROM payment_plans WHERE customer_id = ? ORDER BY agreed_on", (cid,),
                           ("plan", "customer", "agreed_on", "currency", "invoices", "instalments", "ended_at",
                            "ended_why")),
            "audit": _audit(c, found),
            "held": [{"table": h.table, "column": h.column, "kind": h.kind, "erasure": h.erased} for h in HELD]}


def _rows(c, sql: str, args: tuple, names: tuple[str, ...], *, items: bool = False) -> list[dict]:
    out = []
    for r in c.execute(sql, args).fetchall():
        row = dict(zip(names, r))
        for k in ("files", "invoices", "instalments"):
            if isinstance(row.get(k), str):
                row[k] = json.loads(row[k])
        if items:
            row["items"] = [i.get("number") or i.get("id") for i in json.loads(row["items"] or "[]")]
        out.append(row)
    return out


def _erasure(c, cid: str) -> dict | None:
    row = c.execute("SELECT pseudonym, kinds, at, by FROM erasures WHERE customer_id = ?", (cid,)).fetchone()
    return None if row is None else {"pseudonym": row[0], "kinds": json.loads(row[1]), "at": row[2], "by": row[3]}


def _records(c, cid: str) -> list[dict]:
    """Each distinct version of the customer's record, with the snapshots (and their pull times) that hold it."""
    versions: dict[tuple, dict] = {}
    cur = c.execute(f"SELECT c.{', c.'.join(_CUSTOMER)}, s.id, s.source, s.pulled_at FROM customers c JOIN"
                    " snapshots s ON s.id = c.snapshot_id WHERE c.id = ? ORDER BY s.id", (cid,))
    for r in cur.fetchall():
        key = r[:len(_CUSTOMER)]
        v = versions.setdefault(key, {**dict(zip(_CUSTOMER, key)), "snapshots": [], "first_pulled": r[-1],
                                      "sources": []})
        v["snapshots"].append(r[-3])
        v["last_pulled"] = r[-1]
        if r[-2] not in v["sources"]:
            v["sources"].append(r[-2])
    for v in versions.values():
        v["tags"] = json.loads(v["tags"] or "[]")
    return list(versions.values())


def _items(c, cid: str) -> dict:
    """The items and payments of the latest snapshot of each source that holds any, and how many snapshots hold
    items of the customer."""
    latest = [r[0] for r in c.execute("SELECT max(id) FROM snapshots GROUP BY source_key ORDER BY 1")]
    out = {"snapshots_with_items": c.execute("SELECT count(DISTINCT snapshot_id) FROM items WHERE customer_id = ?",
                                             (cid,)).fetchone()[0], "latest": []}
    for sid in latest:
        items = _rows(c, "SELECT number, kind, issued, due, currency, total, open_amount, customer_name FROM items"
                         " WHERE snapshot_id = ? AND customer_id = ? ORDER BY issued, rowid", (sid, cid),
                      ("number", "kind", "issued", "due", "currency", "total", "open_amount", "customer_name"))
        payments = _rows(c, "SELECT number, date, amount, currency FROM payments WHERE snapshot_id = ? AND"
                            " customer_id = ? ORDER BY date, rowid", (sid, cid), ("number", "date", "amount",
                                                                                  "currency"))
        if items or payments:
            out["latest"].append({"snapshot": sid, "items": items, "payments": payments})
    return out


def _notes(c, found: Found) -> list[dict]:
    uids = note_uids(c, found)
    out = []
    for uid in uids:
        cur = c.execute("SELECT * FROM notes WHERE uid = ?", (uid,))
        note = dict(zip([d[0] for d in cur.description], cur.fetchone()))
        note.pop("content", None)
        note["revisions"] = [{"revision": r, **json.loads(f), "replaced_at": at} for r, f, at in c.execute(
            "SELECT revision, fields, replaced_at FROM note_revisions WHERE uid = ? ORDER BY revision", (uid,))]
        note["write_back"] = _rows(c, "SELECT revision, target, step, state, ref, reason, at FROM note_sync WHERE"
                                      " uid = ? ORDER BY at", (uid,),
                                   ("revision", "target", "step", "state", "ref", "reason", "at"))
        erased = c.execute("SELECT why, at FROM erased_notes WHERE uid = ?", (uid,)).fetchone()
        note["erased"] = {"why": erased[0], "at": erased[1]} if erased else None
        out.append(note)
    return out


def _audit(c, found: Found) -> list[dict]:
    """The audit trail's lines about the customer: those whose target is its id, or whose detail names it."""
    # a record number (Odoo's partner id) is looked for as the target only: as a word of a detail it would match
    # every count that happens to be the same number
    keys = [norm(k) for k in (found.id, *found.names) if len(k) >= 3 and not k.isdigit()]
    out = []
    for r in c.execute("SELECT id, at, actor, action, target, result, detail FROM audit ORDER BY id"):
        target, detail = r[4] or "", norm(r[6])
        if target == found.id or any(k == norm(target) or k in detail for k in keys):
            out.append(dict(zip(("id", "at", "actor", "action", "target", "result", "detail"), r)))
            out[-1]["detail"] = json.loads(r[6]) if (r[6] or "")[:1] in "[{" else r[6]
    return out


def text_of(doc: dict) -> str:
    """The answer for people: one section per place, a line per record."""
    lines = [f"Customer {doc['customer']['id']}" + (f" ({', '.join(doc['customer']['names'])})"
                                                     if doc['customer']['names'] else "")]
    e = doc["erasure"]
    if e:
        lines.append(f"Erased on request {e['at']} by {e['by']}: {', '.join(e['kinds'])}"
                     + (f"; pseudonym {e['pseudonym']}" if e["pseudonym"] else ""))
    lines.append(f"\nCustomer records ({len(doc['records'])} version(s)):")
    for r in doc["records"]:
        lines.append(f"  {r['first_pulled'][:10]} to {r['last_pulled'][:10]}, {len(r['snapshots'])} snapshot(s): "
                     + "; ".join(f"{k} {r[k]!r}" for k in _CUSTOMER if r.get(k) not in (None, "", [])))
    lines.append(f"\nItems: held in {doc['items']['snapshots_with_items']} snapshot(s)")
    for block in doc["items"]["latest"]:
        lines.append(f"  snapshot {block['snapshot']}: {len(block['items'])} item(s), {len(block['payments'])} "
                     "payment(s)")
        lines += [f"    {i['kind']} {i['number']} of {i['issued']}: {i['total']} {i['currency']}, open "
                  f"{i['open_amount']}" for i in block["items"]]
    lines.append(f"\nCollection notes ({len(doc['notes'])}):")
    for n in doc["notes"]:
        lines.append(f"  {n['written_at'] or n['first_seen'][:10]} {n['uid']} by {n['author'] or '-'}: "
                     f"{n['text'] or '(no text)'}" + (" [erased]" if n["erased"] else ""))
        lines += [f"    earlier ({r['replaced_at'][:10]}): {r.get('text') or ''}" for r in n["revisions"]]
    lines.append(f"\nReminders ({len(doc['reminders'])}):")
    lines += [f"  batch {r['batch']} ({r['as_of']}) {r['level']} by {r['channel']}: {r['state']}"
              + (f", to {r['email'] or r['phone']}" if r["email"] or r["phone"] else "")
              + (f", address {r['address']!r}" if r["address"] else "") for r in doc["reminders"]]
    lines += [f"  batch {x['batch']}: not reminded ({x['reason']})" for x in doc["excluded"]]
    if doc["handover"]:
        h = doc["handover"]
        lines.append(f"\nHanded over to the agency {h['at'][:10]} (batch {h['batch']}): {', '.join(h['files'])}")
    if doc["plans"]:
        lines.append(f"\nPayment plans ({len(doc['plans'])}):")
        lines += [f"  {p['plan']} agreed {p['agreed_on']}" + (f", ended {p['ended_at'][:10]}: {p['ended_why']}"
                                                                if p["ended_at"] else "") for p in doc["plans"]]
    lines.append(f"\nAudit trail ({len(doc['audit'])} line(s)):")
    lines += [f"  {a['at']} {a['actor']}: {a['action']} {a['target'] or ''} ({a['result']})" for a in doc["audit"]]
    return "\n".join(lines) + "\n"
