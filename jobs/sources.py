"""Where books come from: a QuickBooks export (file or folder), the Odoo server, or the ledger.

``open_books`` is the one place that turns a SOURCE argument into :class:`~receivables.records.Books`; pulls from
Odoo are stored in the ledger as they arrive (their incremental state lives there), file sources are stored only
by ``ardesk pull``. Books from every source pass through the ledger's erasures before they are stored or shown
(:func:`receivables.erasure.keep_erased`).
"""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from receivables.config import Config
from receivables.erasure import keep_erased
from receivables.errors import InputError
from receivables.ledger import Ledger
from receivables.records import Books

ODOO, LEDGER = "odoo", "ledger"


@dataclass(frozen=True)
class Opened:
    books: Books
    source_key: str
    snapshot_id: int | None = None      # set when the books were stored (or loaded from) the ledger
    unchanged: bool = False             # stored: equal to the latest snapshot of the source, so none was added


def open_ledger(path: Path, config: Config) -> Ledger:
    """The ledger at ``path``, waiting for another writer as long as the configuration says."""
    return Ledger(path, busy_timeout=config.ledger_settings.busy_timeout)


def resolve(source: str | None, config: Config) -> str:
    """The SOURCE to use: the argument, else the config's default; a clear error when there is neither."""
    chosen = source or config.default_source
    if not chosen:
        raise InputError("no SOURCE given and no default source configured",
                         hint="pass a QuickBooks export, a folder of exports, 'odoo' or 'ledger', "
                              "or set [source] default in ardesk.toml")
    return chosen


def source_key(source: str, config: Config) -> str:
    if source == ODOO:
        return f"odoo:{config.odoo.url}/{config.odoo.db}"
    try:
        return "qb:" + str(Path(source).resolve())
    except (OSError, RuntimeError):           # a symbolic link that loops: the reader names it
        return "qb:" + str(Path(source).absolute())


def open_books(source: str | None, config: Config, *, today: date, ledger_path: Path | None = None,
               store: bool = False, progress: Callable[[int, int], None] | None = None) -> Opened:
    """Read the books of ``source``; store them as a snapshot when ``store`` (always for Odoo pulls)."""
    source = resolve(source, config)
    ledger_path = ledger_path or config.ledger
    if source == LEDGER:
        if not Path(ledger_path).exists():
            raise InputError("no ledger yet", source=str(ledger_path), hint="run `ardesk pull SOURCE` first")
        with open_ledger(ledger_path, config) as ledger:
            info = ledger.latest()
            if info is None:
                raise InputError("the ledger holds no snapshot yet", source=str(ledger_path),
                                 hint="run `ardesk pull SOURCE` first")
            return Opened(keep_erased(ledger, ledger.load(info.id)), info.source_key, info.id)
    key = source_key(source, config)
    if source == ODOO:
        from connectors.odoo import pull as odoo_pull

        previous = prev_books = None
        if Path(ledger_path).exists():          # the last pull's books and state make this one incremental
            with open_ledger(ledger_path, config) as ledger:
                previous = ledger.latest(key)
                prev_books = ledger.load(previous.id) if previous else None
        books, state = odoo_pull(config.odoo, password=config.odoo.password(), today=today,
                                 previous=prev_books, state=previous.state if previous else None,
                                 months=config.odoo.history_months, progress=progress)
        with open_ledger(ledger_path, config) as ledger:   # made only once there is something to store
            return _store(ledger, books, key, state=state)
    path = Path(source)
    if not os.path.lexists(path):
        raise InputError("no such file or folder", source=source,
                         hint="give a QuickBooks export, a folder of exports, 'odoo' or 'ledger'")
    from connectors.quickbooks import read_source
    from receivables.terms import with_due_dates

    books = with_due_dates(read_source(path, company_currency=config.company_currency or "USD", progress=progress),
                           config.aging.default_terms_days)
    if config.rates:
        from receivables.money import money

        books = _with_rates(books, {k: money(v) for k, v in config.rates.items()})
    if not store:
        if Path(ledger_path).exists():          # what was erased on request is not shown again
            with open_ledger(ledger_path, config) as ledger:
                books = keep_erased(ledger, books)
        return Opened(books, key)
    with open_ledger(ledger_path, config) as ledger:
        return _store(ledger, books, key, file=os.fspath(path))


def _store(ledger: Ledger, books: Books, key: str, *, state: dict | None = None, **detail) -> Opened:
    """Store ``books`` unless they equal the source's latest snapshot; either way the audit trail says which. What
    was erased on request is taken out first (:mod:`receivables.erasure`): no pull brings it back."""
    books = keep_erased(ledger, books)
    stored = ledger.store_books(books, source_key=key, state=state)
    ledger.audit("pull" if stored.new else "pull unchanged", target=key,
                 detail={"snapshot": stored.id, "items": len(books.items), **detail})
    return Opened(books, key, stored.id, unchanged=not stored.new)


def _with_rates(books: Books, rates: dict) -> Books:
    from dataclasses import replace

    merged = dict(rates)
    merged.update(books.rates)          # a rate the source states wins over the configured one
    return replace(books, rates=merged)
