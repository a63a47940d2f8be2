"""Odoo's "view and pay online" links for the invoices a notice lists: the invoice's customer portal page with its
access token, which opens without a login (and offers the payment providers the company set up).

Verified on real 17.0 and 19.0 servers: ``account.move.get_portal_url`` over RPC gives ``/my/invoices/ID?
access_token=TOKEN`` and makes the token on first use (it is then stored in the invoice's ``access_token``, which a
reading user may read); ``get_base_url`` gives the server's public address (``web.base.url``). So the tokens the
invoices already have are read in one query, and only invoices without one are asked for a link, one call each.
"""
from __future__ import annotations

from collections.abc import Iterable

from .client import OdooClient

_CHUNK = 500


def portal_links(client: OdooClient, item_ids: Iterable[str]) -> dict[str, str]:
    """Item id (``aml:LINE``) -> the full portal link of its invoice, for the items that are on a customer
    invoice or credit note the user may read; other items (payments, unknown ids) get none."""
    lines = sorted({int(i[4:]) for i in item_ids if i.startswith("aml:") and i[4:].isdigit()})
    move_of: dict[int, int] = {}
    for k in range(0, len(lines), _CHUNK):
        for row in client.call("account.move.line", "search_read", [[("id", "in", lines[k:k + _CHUNK])]],
                               {"fields": ["move_id"]}) or []:
            if row.get("move_id"):
                move_of[row["id"]] = row["move_id"][0]
    moves = sorted(set(move_of.values()))
    token: dict[int, str] = {}
    for k in range(0, len(moves), _CHUNK):
        for row in client.call("account.move", "search_read",
                               [[("id", "in", moves[k:k + _CHUNK]),
                                 ("move_type", "in", ["out_invoice", "out_refund", "out_receipt"])]],
                               {"fields": ["access_token"]}) or []:
            token[row["id"]] = row.get("access_token") or ""
    if not token:
        return {}
    base = str(client.call("account.move", "get_base_url", [[next(iter(token))]]) or "").rstrip("/")
    path: dict[int, str] = {}
    for move, tok in token.items():
        path[move] = (f"/my/invoices/{move}?access_token={tok}" if tok
                      else str(client.call("account.move", "get_portal_url", [[move]])))
    return {f"aml:{line}": base + path[move] for line, move in move_of.items() if move in path}


__all__ = ["portal_links"]
