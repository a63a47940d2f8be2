"""Reminder batches: ``ardesk remind build`` (and the scheduler's ``remind_build``) and ``ardesk remind status``.

A batch is built from the books of a source, the collection notes' promises and disputes (:mod:`receivables.notes`),
the policy and hold list of ``[reminders]``, and the history of notices already sent (so a customer never gets the
same reminder twice), and stored whole in the ledger (:mod:`receivables.reminder_store`). Rendering and sending the
notices read the stored batch.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from receivables.errors import InputError

from .settings import Settings
from .sources import open_books, open_ledger


@dataclass(frozen=True)
class Built:
    batch_id: int
    batch: object                 # receivables.reminders.Batch

    def to_json_dict(self) -> dict:
        return {"batch": self.batch_id, **self.batch.to_json_dict()}


def build(source: str | None, settings: Settings, *, today: date, as_of: date | None = None,
          progress=None) -> Built:
    """Build today's reminder batch for ``source`` and store it; returns its id and contents."""
    from receivables.notes import track
    from receivables.reminders import build as build_batch

    as_of = as_of or today
    opened = open_books(source, settings.config, today=today, ledger_path=settings.ledger, progress=progress)
    cfg = settings.config
    with open_ledger(settings.ledger, cfg) as ledger:
        notes = ledger.notebook.notes()
        tracking = track(opened.books, notes, as_of, grace_days=cfg.notes.promise_grace_days) if notes else None
        batch = build_batch(opened.books, as_of, cfg.reminders.levels, tracking=tracking, hold=cfg.reminders.hold,
                            history=ledger.reminders.history())
        policy = [level.model_dump(mode="json") for level in cfg.reminders.levels]
        bid = ledger.reminders.store(batch, policy=policy, source_key=opened.source_key,
                                     snapshot_id=opened.snapshot_id)
        ledger.audit("remind build", target=str(bid),
                     detail={"as_of": as_of.isoformat(), "notices": len(batch.notices),
                             "excluded": len(batch.excluded), "source": opened.source_key})
    return Built(bid, batch)


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
