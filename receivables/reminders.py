"""Reminder (dunning) batches: which customers get which notice today, and why every other customer with open items
does not. No I/O, no templates, no sending: a :class:`Batch` is what later steps render and send.

Levels. A policy is a list of levels (:class:`~receivables.config_schema.ReminderLevel`: name, days relative to the due
date, negative before it, template, channel, min_amount in the company currency). An item *reaches* a level when its
days past due at the as-of date (``as_of - due``) are at least the level's days. Only what is owed reaches levels: an
item with a positive open amount and a due date (credit notes, unapplied payments and items the source gives no due
date are listed, never reminded of). A customer gets at most one notice per batch, at the highest level any of its
items reached; the notice lists all the customer's open items (credits included, negative), oldest due date first,
with days past due, and totals per currency, exact at each currency's places.

Exclusions. Every other customer with open items is listed in ``excluded`` with the first of these that applies, as a
code and a reason in plain words:

1. ``hold``: the customer is in the hold list (by id, else by name without case and surrounding spaces; a name two
   customers share holds both), or one of its open items is flagged ``no_followup`` by the source (Odoo's "No
   Follow-up").
2. ``opted_out``: its contact opted out of reminders.
3. ``disputed``: an open dispute on the whole customer; or every item that reached a level is under an open dispute.
   A disputed item is listed in the notice (marked) but its level does not count, nor its amount toward the minimum.
4. ``promise``: an open promise to pay, not yet broken: reminders pause until its window (with grace) is over.
5. ``nothing_due``: no item reached a level.
6. ``net_credit``: the balance of all open items in the company currency (the source's converted amounts where
   given, else the books' rates) is zero or less.
7. ``under_minimum``: what reached the notice's level (the open amounts, company currency, of the undisputed items at
   that level) is under the level's ``min_amount``.
8. ``already_reminded``: an earlier notice at the same level, sent on or before the as-of date, named every item that
   reached it: never the same reminder twice. A new item reaching the level reminds again, listing everything.
9. (no exclusion) an e-mail level for a customer without an e-mail address, or a letter level without a postal
   address, goes to the call list: the notice's channel becomes ``call`` and ``fallback_reason`` says why.
10. ``contact_rules``: a consumer (``Contact.consumer``) may be contacted only within the allowed hours and days in
    their time zone (default 08:00 to 21:00 every day, the company's zone where the contact gives none) and at most
    ``max_contacts`` times in ``per_days`` consecutive days (7 in 7, as the US CFPB's Regulation F presumes),
    counting earlier notices and calls in the history; the reason says when the customer may next be contacted.

Where a customer's amounts in a currency cannot be converted (no rate, no converted amount), the balance and the
minimum are judged only where those amounts cannot change the answer; otherwise the customer is reminded and the
batch's warnings say so.

Cost. The decisions are vectorised over the item frame (:func:`receivables.frames.frames_of`): the level of each
item, then per customer the highest level, the sums per currency and in the company currency, the earliest due date,
and one mask per exclusion. Python objects are made per customer (a notice or an exclusion, with its totals); a
notice's items are made, for all notices at once, the first time any notice's items are asked for. The JSON of the
items (what the ledger stores and ``remind build --format json`` prints: :func:`items_json_texts`,
:meth:`Batch.json_chunks`) is written from the columns by arrow, a few thousand items at a time, the same text
``json.dumps`` gives of ``to_json_dict()``, without a record, ``Decimal``, ``date`` or dict per item.
"""
from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_CEILING, Decimal
from functools import cached_property, partial
from itertools import repeat
from json.encoder import encode_basestring, encode_basestring_ascii
from typing import TYPE_CHECKING, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from . import collector_paused
from .asof import open_at
from .config_schema import DEFAULT_REMINDER_LEVELS, ReminderLevel
from .errors import Issue, issues_of
from .frames import NO_DAY, CompanySums, Frames, codes_of, company_sums_by, day_number, days, frames_of
from .money import fmt, from_minor, precision
from .records import ITEM_FIELDS, Books, Customer, LazyItems

if TYPE_CHECKING:                        # receivables.notes is imported where notes are tracked
    from .notes import Tracking

HANDED_OVER = "handed_over"
HOLD = "hold"
OPTED_OUT = "opted_out"
DISPUTED = "disputed"
PROMISE = "promise"
ON_PLAN = "on_plan"
NOTHING_DUE = "nothing_due"
NET_CREDIT = "net_credit"
UNDER_MINIMUM = "under_minimum"
ALREADY_REMINDED = "already_reminded"
CONTACT_RULES = "contact_rules"
#: The exclusion codes, in the order they are tried: the first that applies is the one given.
EXCLUSION_CODES = (HANDED_OVER, HOLD, OPTED_OUT, ON_PLAN, DISPUTED, PROMISE, NOTHING_DUE, NET_CREDIT, UNDER_MINIMUM,
                   ALREADY_REMINDED, CONTACT_RULES)
CHANNELS = ("email", "letter", "call", "agency")
NO_FOLLOWUP = "no_followup"          # the item flag of a source's "No Follow-up"

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_FAR = np.iinfo(np.int64).max
_NAMED = 3                           # items named in a reason before "and N more"
_ORDINAL_1970 = date(1970, 1, 1).toordinal()
_NOTICE = -1                         # the decision code of a customer who gets a notice


# ---------------------------------------------------------------------------------------------- inputs


@dataclass(frozen=True, slots=True)
class Contact:
    """Who a customer's notices go to. ``tz`` is an IANA time zone name (``None``: the company's); ``consumer``
    puts the customer under :class:`ContactRules`."""

    email: str = ""
    phone: str = ""
    name: str = ""
    lang: str = ""
    address: str = ""
    consumer: bool = False
    opted_out: bool = False
    tz: str | None = None


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(f"not a time zone: {name!r} (an IANA name such as 'Europe/Berlin')") from None


@dataclass(frozen=True)
class ContactRules:
    """When consumers may be contacted: from ``start`` (included) to ``end`` (excluded) on ``weekdays`` (0 Monday to
    6 Sunday) in their time zone (``company_tz`` where the contact gives none), and at most ``max_contacts`` times in
    any ``per_days`` consecutive days (calendar days in their time zone)."""

    start: time = time(8)
    end: time = time(21)
    weekdays: frozenset[int] = frozenset(range(7))
    max_contacts: int = 7
    per_days: int = 7
    company_tz: str = "UTC"

    def __post_init__(self):
        object.__setattr__(self, "weekdays", frozenset(self.weekdays))
        if not self.start < self.end:
            raise ValueError(f"contact hours must start before they end, not {self.start:%H:%M}-{self.end:%H:%M}")
        if not self.weekdays or not self.weekdays <= set(range(7)):
            raise ValueError("contact days must be one or more of 0 (Monday) to 6 (Sunday)")
        if self.max_contacts < 1 or self.per_days < 1:
            raise ValueError("max_contacts and per_days must be 1 or more")
        _zone(self.company_tz)

    @property
    def hours(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True)
class Sent:
    """An earlier contact: a notice at ``level`` naming ``item_ids``, or a call (``level`` empty, ``channel``
    ``"call"``). ``sent_on`` is a date, or a timezone-aware datetime."""

    customer_id: str
    level: str
    item_ids: frozenset[str]
    sent_on: date | datetime
    channel: str = "email"

    def __post_init__(self):
        object.__setattr__(self, "item_ids", frozenset(self.item_ids))
        if isinstance(self.sent_on, datetime) and self.sent_on.utcoffset() is None:
            raise ValueError(f"sent_on must be a date or a timezone-aware datetime, not {self.sent_on!r}")

    def day(self, zone: ZoneInfo) -> date:
        """The calendar day it was sent on in ``zone``."""
        return self.sent_on.astimezone(zone).date() if isinstance(self.sent_on, datetime) else self.sent_on


# ---------------------------------------------------------------------------------------------- outputs


class NoticeItem(NamedTuple):
    """One open item of a notice. ``amount`` is the open amount in ``currency`` (negative for credits);
    ``days_past_due`` is negative before the due date, ``None`` without one; ``level`` is the highest level the
    item reached (``None``: none, or not owed); a ``disputed`` item's level does not count."""

    id: str
    number: str
    kind: str
    issued: date | None
    due: date | None
    days_past_due: int | None
    currency: str
    amount: Decimal
    level: str | None
    disputed: bool

    def to_json_dict(self) -> dict:
        return {"id": self.id, "number": self.number, "kind": self.kind,
                "issued": None if self.issued is None else self.issued.isoformat(),
                "due": None if self.due is None else self.due.isoformat(), "days_past_due": self.days_past_due,
                "currency": self.currency, "amount": fmt(self.amount, self.currency), "level": self.level,
                "disputed": self.disputed}


class _Lines:
    """The items of a batch's notices: made (all notices' at once) the first time any are asked for, or written as
    JSON text (:meth:`json_texts`) without making them."""

    __slots__ = ("_o", "_policy", "_chosen", "_made", "_rows", "_cache")

    def __init__(self, o: _Open, policy: tuple[ReminderLevel, ...], chosen: list[int]):
        self._o, self._policy, self._chosen = o, policy, chosen
        self._made: list[NoticeItem] | None = None
        self._rows: np.ndarray | None = None
        self._cache: dict = {}               # what serves every item's JSON text, made once

    def counts(self) -> np.ndarray:
        """How many items each notice lists, in order."""
        return self._o.count[np.array(self._chosen, dtype=np.int64)]

    def starts(self) -> list[int]:
        """Where each notice's items start (what its :class:`NoticeItems` holds), in order."""
        return (np.cumsum(self.counts()) - self.counts()).tolist()

    def rows(self) -> np.ndarray:
        if self._rows is None:
            self._rows = _item_rows(self._o, self._chosen)
        return self._rows

    def get(self, start: int, stop: int) -> tuple[NoticeItem, ...]:
        if self._made is None:
            with collector_paused():
                self._made = _make_items(self._o, self._policy, self.rows())
        return tuple(self._made[start:stop])

    def json_texts(self, ensure_ascii: bool, separators: tuple[str, str]) -> Iterator:
        """``json.dumps(notice.items_json, ...)`` of each notice, in order: arrow arrays of texts, of a few
        notices (:data:`_CHUNK` items or so) at a time."""
        counts = self.counts()
        ends = np.cumsum(counts)
        rows = self.rows()
        a = 0
        while a < len(counts):
            start = int(ends[a] - counts[a])
            b = max(a + 1, int(np.searchsorted(ends, start + _CHUNK, side="right")))
            # The columns written alike either way, made the first time, kept for the second (store, then print).
            kept, written = self._cache.setdefault("kept", {}), self._cache.setdefault("written", set())
            columns, same = _item_columns(self._o, self._policy, rows[start:int(ends[b - 1])], ensure_ascii,
                                          separators, self._cache, kept.pop(start, None))
            if start not in written:
                written.add(start)
                kept[start] = same
            yield _item_texts(columns, counts[a:b], separators)
            a = b


_CHUNK = 8192             # items written to JSON at a time


class NoticeItems(Sequence):
    """A notice's items: a sequence of :class:`NoticeItem`, made on first use; compares equal to a tuple of the same
    items. ``len()`` needs none made."""

    __slots__ = ("_lines", "_start", "_stop", "_items")

    def __init__(self, lines: _Lines | Iterable[NoticeItem], start: int = 0, stop: int | None = None):
        if isinstance(lines, _Lines):
            self._lines, self._start, self._stop, self._items = lines, start, stop, None
        else:
            self._items = tuple(lines)
            self._lines, self._start, self._stop = None, 0, len(self._items)

    def _all(self) -> tuple[NoticeItem, ...]:
        if self._items is None:
            self._items = self._lines.get(self._start, self._stop)
        return self._items

    def __len__(self) -> int:
        return self._stop - self._start

    def __getitem__(self, index):
        return self._all()[index]

    def __iter__(self) -> Iterator[NoticeItem]:
        return iter(self._all())

    def __eq__(self, other) -> bool:
        if isinstance(other, (NoticeItems, tuple)):
            return self._all() == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._all())

    def __repr__(self) -> str:
        return f"NoticeItems({list(self._all())!r})"


#: ``json.dumps``'s own separators: those the ledger stores notices' items and totals with.
JSON_SEPARATORS = (", ", ": ")


def items_json_texts(notices: Sequence[Notice], *, ensure_ascii: bool = True,
                     separators: tuple[str, str] = JSON_SEPARATORS) -> Iterator[str]:
    """``json.dumps(n.items_json, ensure_ascii=..., separators=...)`` of each of ``notices``, in order, one after the
    other. The items of a built batch's notices are written from its columns, a few notices' at a time, without a
    record or a dict per item; other notices' (items given as records) through their ``items_json``."""
    for texts in _notice_items_texts(notices, ensure_ascii, separators):
        yield from texts.to_pylist()


def _notice_items_texts(notices: Sequence[Notice], ensure_ascii: bool, separators: tuple[str, str]) -> Iterator:
    """:func:`items_json_texts` as arrow arrays of texts, of a few notices at a time."""
    of = [n.items._lines if isinstance(n.items, NoticeItems) else None for n in notices]
    every = {id(lines): lines for lines in of if lines is not None}
    if len(every) == 1:                  # a built batch's notices, as built
        (lines,) = every.values()
        if None not in of and [n.items._start for n in notices] == lines.starts():
            yield from lines.json_texts(ensure_ascii, separators)
            return
    made = {key: dict(zip(lines.starts(), (text for texts in lines.json_texts(ensure_ascii, separators)
                                           for text in texts.to_pylist())))
            for key, lines in every.items()}
    texts = [json.dumps(n.items_json, ensure_ascii=ensure_ascii, separators=separators) if lines is None
             else made[id(lines)][n.items._start] for n, lines in zip(notices, of)]
    if texts:
        yield _large(texts)


def totals_json(totals: Mapping[str, Decimal]) -> dict[str, str]:
    return {cur: fmt(v, cur) for cur, v in totals.items()}


def totals_json_texts(entries: Iterable[Notice | Exclusion], *, ensure_ascii: bool = True,
                      separators: tuple[str, str] = JSON_SEPARATORS) -> list[str]:
    """``json.dumps(totals_json(e.totals), ensure_ascii=..., separators=...)`` of each of ``entries``."""
    encode = encode_basestring_ascii if ensure_ascii else encode_basestring
    comma, colon = separators
    out = []
    for e in entries:
        totals = e.totals_json if isinstance(e, Notice) else totals_json(e.totals)
        try:
            out.append("{" + comma.join([encode(k) + colon + encode(v) for k, v in totals.items()]) + "}")
        except TypeError:                # a key or value not a string
            out.append(json.dumps(totals, ensure_ascii=ensure_ascii, separators=separators))
    return out


@dataclass(frozen=True)
class Notice:
    """A notice to send: at ``level`` (its ``template``) by ``channel``, listing all the customer's open ``items``
    and their ``totals`` per currency (by currency code). ``fallback_reason`` says why the channel is ``call`` where
    the level's was not."""

    customer_id: str
    customer: str
    level: str
    template: str
    channel: str
    email: str
    phone: str
    items: NoticeItems
    totals: dict[str, Decimal]
    fallback_reason: str = ""
    address: str = ""                # the postal address (letters, hand-offs): the contacts', else the source's

    @cached_property
    def items_json(self) -> list[dict]:
        """The items as JSON objects, made once (the ledger stores them and reports print them)."""
        return [i.to_json_dict() for i in self.items]

    @cached_property
    def totals_json(self) -> dict[str, str]:
        """The totals as JSON texts, made once (the ledger stores them and reports print them)."""
        return totals_json(self.totals)

    def to_json_dict(self) -> dict:
        return {**{name: getattr(self, name) for name in _NOTICE_HEAD}, "items": self.items_json,
                "totals": totals_json(self.totals)}


#: The fields of a notice's JSON object before its ``items`` and ``totals``, in order.
_NOTICE_HEAD = ("customer", "customer_id", "email", "phone", "level", "template", "channel", "fallback_reason")


@dataclass(frozen=True)
class Exclusion:
    """A customer with open items who gets no notice: ``code`` (one of :data:`EXCLUSION_CODES`), ``reason`` in plain
    words, and the customer's open ``totals`` per currency."""

    customer_id: str
    customer: str
    code: str
    reason: str
    totals: dict[str, Decimal]

    def to_json_dict(self) -> dict:
        return {"customer": self.customer, "customer_id": self.customer_id, "code": self.code, "reason": self.reason,
                "totals": totals_json(self.totals)}


@dataclass(frozen=True)
class Batch:
    """Notices and exclusions at ``as_of``, each sorted by customer name (without case), then id. Every customer
    with open items at ``as_of`` is in exactly one of them. ``warnings``: what the books could not tell."""

    as_of: date
    currency: str
    notices: tuple[Notice, ...]
    excluded: tuple[Exclusion, ...]
    warnings: tuple[Issue, ...] = ()

    def to_json_dict(self) -> dict:
        return {"as_of": self.as_of.isoformat(), "currency": self.currency,
                "notices": [n.to_json_dict() for n in self.notices],
                "excluded": [e.to_json_dict() for e in self.excluded],
                "warnings": [w.message for w in self.warnings]}

    def json_chunks(self, *, ensure_ascii: bool = True, separators: tuple[str, str] = JSON_SEPARATORS,
                    head: Mapping | None = None, tail: Mapping | None = None) -> Iterator[str]:
        """``json.dumps({**head, **self.to_json_dict(), **tail}, ensure_ascii=..., separators=...)``, the same text,
        in pieces of a few notices each (a batch lists every open item, and a large one has hundreds of thousands),
        written without a record or a dict per notice item (:func:`items_json_texts`)."""
        dumps = partial(json.dumps, ensure_ascii=ensure_ascii, separators=separators)
        comma, colon = separators
        doc = {**(head or {}), "as_of": self.as_of.isoformat(), "currency": self.currency, "notices": _SLOT,
               "excluded": [e.to_json_dict() for e in self.excluded], "warnings": [w.message for w in self.warnings],
               **(tail or {})}
        yield "{"
        for j, (key, value) in enumerate(doc.items()):
            lead = (comma if j else "") + dumps({key: None})[1:-5]          # the key as json.dumps writes it, and ":"
            if value is _SLOT:
                yield lead + "["
                yield from _notices_texts(self.notices, ensure_ascii, separators)
                yield "]"
            else:
                yield lead + dumps(value)
        yield "}"

    def to_json_text(self, **options) -> str:
        """:meth:`json_chunks` in one text."""
        return "".join(self.json_chunks(**options))


_SLOT = object()             # where a batch's notices go in its JSON text


# ---------------------------------------------------------------------------------------------- from the books


def contacts_of(books: Books) -> dict[str, Contact]:
    """The contacts the source gives: each customer's e-mail, phone, name and language."""
    return {c.id: _from_customer(c) for c in books.customers}


def _from_customer(c: Customer) -> Contact:
    return Contact(email=c.email, phone=c.phone, name=c.name, lang=c.lang)


def no_followup_items(books: Books) -> frozenset[str]:
    """Ids of the items the source flags ``no_followup``. Items a reader gave as a frame are read from the fields it
    would store (``LazyItems.columns``) without making records; a reader giving neither has no such flag."""
    items = books.items
    if isinstance(items, LazyItems) and not items.built:
        if items.columns is None or (items.flag_sets is not None
                                     and not any(NO_FOLLOWUP in f for f in items.flag_sets)):
            return frozenset()
        columns = items.columns()
        ids, flags = columns[ITEM_FIELDS.index("id")], columns[ITEM_FIELDS.index("flags")]
        flagged = {text for text in set(flags) if text and NO_FOLLOWUP in json.loads(text)}
        return frozenset(i for i, text in zip(ids, flags) if text in flagged) if flagged else frozenset()
    return frozenset(i.id for i in items if NO_FOLLOWUP in i.flags)


def build(books: Books, as_of: date, levels: Sequence[ReminderLevel] = DEFAULT_REMINDER_LEVELS, *,
          tracking: Tracking | None = None, hold: Iterable[str | int] = (),
          contacts: Mapping[str, Contact] | None = None, history: Iterable[Sent] = (),
          rules: ContactRules = ContactRules(), now: datetime | None = None,
          handed_over: Mapping[str, str] | None = None, planned: Mapping[str, str] | None = None) -> Batch:
    """The reminder batch of ``books`` at the end of ``as_of`` (see the module's rules).

    ``levels``: the policy (any order; names and days distinct). ``tracking``: promises and disputes from notes
    (:func:`receivables.notes.track`). ``hold``: customers' ids or names. ``contacts`` override, customer by customer,
    those the source gives (:func:`contacts_of`). ``history``: earlier notices and calls. ``now`` (timezone-aware;
    default: the current time) is when consumers' contact hours are checked. ``handed_over``: customer id -> the words
    of its hand-off to a collection agency (no reminder after it). ``planned``: item id -> the running payment plan
    that covers it (those items remind nobody while the plan runs)."""
    with collector_paused():
        return _build(frames_of(books), as_of, levels, tracking, hold, dict(contacts or {}), history, rules, now,
                      no_followup_items(books), {c.id: c for c in books.customers}, dict(handed_over or {}),
                      dict(planned or {}))


def build_frames(frames: Frames, as_of: date, levels: Sequence[ReminderLevel] = DEFAULT_REMINDER_LEVELS, *,
                 tracking: Tracking | None = None, hold: Iterable[str | int] = (),
                 contacts: Mapping[str, Contact] | None = None, history: Iterable[Sent] = (),
                 rules: ContactRules = ContactRules(), now: datetime | None = None,
                 no_followup: Iterable[str] = ()) -> Batch:
    """:func:`build` over pre-built frames. ``contacts`` are all there are (none by default: e-mail levels go to
    the call list); ``no_followup`` are the ids of the items the source flags so."""
    with collector_paused():
        return _build(frames, as_of, levels, tracking, hold, dict(contacts or {}), history, rules, now,
                      frozenset(no_followup), {}, {}, {})


# ---------------------------------------------------------------------------------------------- the engine


def _policy(levels: Sequence[ReminderLevel]) -> tuple[ReminderLevel, ...]:
    out = tuple(sorted(levels, key=lambda lv: lv.days))
    if not out:
        raise ValueError("a reminder policy needs at least one level")
    if len({lv.days for lv in out}) != len(out) or len({lv.name for lv in out}) != len(out):
        raise ValueError("reminder levels must have different names and different days")
    for lv in out:
        if lv.channel not in CHANNELS:
            raise ValueError(f"level {lv.name!r}: channel must be one of {', '.join(CHANNELS)}, not {lv.channel!r}")
        if Decimal(str(lv.min_amount)) < 0:
            raise ValueError(f"level {lv.name!r}: min_amount must not be negative")
    return out


def _when(n: int) -> str:
    s = "" if abs(n) == 1 else "s"
    return f"{-n} day{s} before the due date" if n < 0 else "on the due date" if n == 0 else f"{n} day{s} past due"


def _listed(texts: list[str]) -> str:
    shown = ", ".join(texts[:_NAMED])
    return shown + (f" and {len(texts) - _NAMED} more" if len(texts) > _NAMED else "")


def _held(hold: Iterable[str | int], names: Mapping[str, str]) -> set[str]:
    """Customer ids the hold list names: by id, else by name (every customer of that name)."""
    by_name: dict[str, list[str]] | None = None
    out: set[str] = set()
    for entry in hold:
        text = str(entry)
        if text in names:
            out.add(text)
            continue
        if by_name is None:
            by_name = defaultdict(list)
            for cid, name in names.items():
                by_name[str(name).strip().casefold()].append(cid)
        out.update(by_name.get(text.strip().casefold(), ()))
    return out


def _texts(column: pd.Series, rows: np.ndarray) -> list:
    """The values of a column at ``rows`` (positions) as Python objects, taken before they are converted."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        cats = np.asarray(column.cat.categories.astype(object), dtype=object)
        return cats[column.cat.codes.to_numpy()[rows]].tolist()
    return column.iloc[rows].to_numpy(dtype=object).tolist()


def _minor_at_least(amount: Decimal, places: int) -> int:
    """The fewest whole minor units at ``places`` that are not below ``amount``."""
    return int(amount.scaleb(places).to_integral_value(rounding=ROUND_CEILING))


class _Open:
    """The open items at the as-of date with what the decisions need, vectorised: per item its level, and per
    customer (``k``, a code into ``keys``) the highest level, the sums per currency and in the company currency."""

    def __init__(self, frames: Frames, as_of: date, policy: tuple[ReminderLevel, ...], disputed_ids, flagged_ids,
                 planned_ids=()):
        at = open_at(frames, as_of)
        self.frames, self.warnings = frames, at.warnings
        items = self.items = at.items
        self.company = frames.company_currency
        codes, keys = codes_of(items["customer_id"])
        if (codes < 0).any():
            raise ValueError("open items without a customer id")
        self.codes, self.keys, nk = codes, keys, len(keys)
        cur_codes, cur_vals = codes_of(items["currency"])
        self.cur_codes, self.curs = cur_codes, [str(c) for c in cur_vals]
        ncur = max(len(self.curs), 1)
        self.open = open_ = items["open_minor"].to_numpy(np.int64)
        self.due = due = days(items["due"])
        self.dated = dated = due != NO_DAY
        self.dpd = np.where(dated, day_number(as_of) - due, 0)
        owed = dated & (open_ > 0)
        level_days = np.array([lv.days for lv in policy], dtype=np.int64)
        self.raw = raw = np.where(owed, np.searchsorted(level_days, self.dpd, side="right") - 1, -1)
        self.disputed = self._among(items["id"], disputed_ids)
        self.flagged = self._among(items["id"], flagged_ids)
        self.planned = self._among(items["id"], planned_ids)   # covered by a running payment plan
        self.level_unplanned = np.full(nk, -1, dtype=np.int64)  # the level with planned items, without disputed
        np.maximum.at(self.level_unplanned, codes, np.where(self.disputed, -1, raw))
        eff = np.where(self.disputed | self.planned, -1, raw)
        self.level = np.full(nk, -1, dtype=np.int64)           # the customer's level (undisputed, unplanned items)
        np.maximum.at(self.level, codes, eff)
        self.level_raw = np.full(nk, -1, dtype=np.int64)       # the same with disputed items
        np.maximum.at(self.level_raw, codes, raw)
        self.count = np.bincount(codes, minlength=nk)
        self.flagged_count = np.bincount(codes[self.flagged], minlength=nk)
        # Per customer and currency: the open sum, how many items, and the part the source did not convert.
        sums = np.zeros((nk * ncur, 3), dtype=np.int64)
        flat = codes * ncur + cur_codes
        np.add.at(sums[:, 0], flat, open_)
        np.add.at(sums[:, 1], flat, 1)
        np.add.at(sums[:, 2], flat, np.where(items["open_company_minor"].notna().to_numpy(), 0, open_))
        self.per_currency = sums.reshape(nk, ncur, 3)
        self.balance = company_sums_by(items, frames, codes, keys)
        self.at_level = (eff >= 0) & (eff == self.level[codes])
        # What reached each customer's level, in the company currency: asked only where a level has a minimum.
        minimum = any(Decimal(str(lv.min_amount)) > 0 for lv in policy)
        self.reached = company_sums_by(items if minimum else items.iloc[:0], frames,
                                       np.where(self.at_level, codes, -1), keys)
        eligible = owed & ~self.disputed & ~self.planned
        self.first_due = np.full(nk, _FAR, dtype=np.int64)
        np.minimum.at(self.first_due, codes[eligible], due[eligible])
        small = np.int16 if nk < 2**15 else np.int32 if nk < 2**31 else np.int64
        self.order = np.argsort(codes.astype(small), kind="stable")      # rows by customer, as given
        self.start = np.concatenate([[0], np.cumsum(self.count)[:-1]]).astype(np.int64) if nk else self.count

    @staticmethod
    def _among(ids: pd.Series, wanted: Iterable[str]) -> np.ndarray:
        wanted = list(wanted)
        return ids.isin(wanted).to_numpy() if wanted and len(ids) else np.zeros(len(ids), dtype=bool)

    def rows(self, k: int) -> np.ndarray:
        s = int(self.start[k])
        return self.order[s:s + int(self.count[k])]

    def numbers(self, rows: np.ndarray) -> list[str]:
        """Numbers (the id where there is none) of the items at ``rows``."""
        return [str(n or i) for n, i in zip(_texts(self.items["number"], rows), _texts(self.items["id"], rows))]

    def totals(self) -> dict[int, dict[str, Decimal]]:
        """Each customer's open totals per currency it has items in (by currency code), exact at the places."""
        curs = self.curs
        order = sorted(range(len(curs)), key=curs.__getitem__)
        ordered = self.per_currency[:, order, :]
        ks, cs = np.nonzero(ordered[:, :, 1])
        names = [curs[c] for c in order]
        places = [-precision(c) for c in names]
        out: dict[int, dict[str, Decimal]] = defaultdict(dict)
        for k, c, v in zip(ks.tolist(), cs.tolist(), ordered[ks, cs, 0].tolist()):
            out[k][names[c]] = Decimal(v).scaleb(places[c])
        return out

    def unconverted(self, k: int, missing: tuple[str, ...]) -> list[int]:
        return [int(self.per_currency[k, self.curs.index(c), 2]) for c in missing]

    def signs(self, sums: CompanySums, ks: np.ndarray) -> tuple[np.ndarray, list[int]]:
        """The sign of each company-currency sum of ``ks`` (0 where it is zero), and the customers among them for
        whom amounts without a rate could change it (their sign given as 1)."""
        out = np.sign(sums.exact[ks])
        unknown = []
        special = set(sums.extra) | set(sums.missing)
        for j, k in enumerate(ks.tolist()):
            if k not in special:
                continue
            value = sums.value(k)
            parts = [value, *self.unconverted(k, sums.missing.get(k, ()))]
            if all(v <= 0 for v in parts):
                out[j] = -1 if any(v < 0 for v in parts) else 0
            elif all(v >= 0 for v in parts):
                out[j] = 1
            else:
                out[j] = 1
                unknown.append(k)
        return out, unknown


def _build(frames: Frames, as_of: date, levels: Sequence[ReminderLevel], tracking: Tracking | None,
           hold: Iterable[str | int], contacts: dict[str, Contact], history: Iterable[Sent], rules: ContactRules,
           now: datetime | None, no_followup: frozenset[str], customers: Mapping[str, Customer],
           handed_over: dict[str, str], planned: dict[str, str]) -> Batch:
    policy = _policy(levels)
    if now is None:
        now = datetime.now(UTC)
    elif now.utcoffset() is None:
        raise ValueError(f"now must be a timezone-aware datetime, not {now!r}")
    disputes = tracking.open_disputes_by_item() if tracking is not None else {}
    o = _Open(frames, as_of, policy, disputes, no_followup, planned)
    company, names = o.company, frames.names
    nk = len(o.keys)
    ids = [str(k) for k in o.keys.tolist()]
    position = {cid: k for k, cid in enumerate(ids)}
    warnings: list[str] = []

    def at(ks: Iterable[int]) -> np.ndarray:
        mask = np.zeros(nk, dtype=bool)
        mask[np.fromiter(ks, dtype=np.int64)] = True
        return mask

    def among(cids: Iterable[str]) -> np.ndarray:
        return at(position[c] for c in cids if c in position)

    decision = np.full(nk, _NOTICE, dtype=np.int64)
    undecided = o.count > 0

    def decide(code: str, mask: np.ndarray) -> None:
        nonlocal undecided
        hit = undecided & mask
        decision[hit] = EXCLUSION_CODES.index(code)
        undecided = undecided & ~hit

    customer_disputes = {d.customer_id: d for d in (tracking.disputes if tracking is not None else ())
                         if d.state == "open" and not d.item_ids}
    promises = tracking.open_promises_by_customer() if tracking is not None else {}
    decide(HANDED_OVER, among(handed_over))
    decide(HOLD, among(_held(hold, names)) | (o.flagged_count > 0))
    decide(OPTED_OUT, among(cid for cid, c in contacts.items() if c.opted_out))
    decide(ON_PLAN, (o.level < 0) & (o.level_unplanned >= 0))
    decide(DISPUTED, among(customer_disputes) | ((o.level < 0) & (o.level_raw >= 0)))
    decide(PROMISE, among(promises))
    decide(NOTHING_DUE, o.level < 0)
    ks = np.flatnonzero(undecided)
    signs, unknown = o.signs(o.balance, ks)
    decide(NET_CREDIT, at(ks[signs <= 0]))
    for k in unknown:
        warnings.append(f"{names.get(ids[k], ids[k])}: no rate to {company} for "
                        f"{', '.join(o.balance.missing[k])}, so whether the balance is above zero is unknown: "
                        "judged as above")
    minimums = [Decimal(str(lv.min_amount)) for lv in policy]
    places = precision(company)
    floor = np.array([_minor_at_least(m, places) for m in minimums], dtype=np.int64)
    ks = np.flatnonzero(undecided & (floor[np.maximum(o.level, 0)] > 0))
    if len(ks):
        under = o.reached.exact[ks] < floor[o.level[ks]]
        special = set(o.reached.extra) | set(o.reached.missing)
        for j, k in enumerate(ks.tolist()):
            if k in special:
                under[j] = o.reached.value(k) < minimums[o.level[k]]
                if under[j] and k in o.reached.missing:
                    under[j] = False
                    warnings.append(f"{names.get(ids[k], ids[k])}: no rate to {company} for "
                                    f"{', '.join(o.reached.missing[k])}, so whether level "
                                    f"{policy[o.level[k]].name!r}'s minimum is reached is unknown: judged as reached")
        decide(UNDER_MINIMUM, at(ks[under]))
    # Reminded before at the same level for the same items.
    company_zone = _zone(rules.company_tz)
    sent_by: dict[str, list[Sent]] = defaultdict(list)
    for s in history:
        sent_by[str(s.customer_id)].append(s)
    last_sent: dict[int, date] = {}
    if sent_by:
        asked: list[tuple[int, list[Sent]]] = []
        for k in np.flatnonzero(undecided & among(sent_by)).tolist():
            name = policy[o.level[k]].name
            before = [s for s in sent_by[ids[k]] if s.level == name and s.day(company_zone) <= as_of]
            if before:
                asked.append((k, before))
        rows = [o.rows(k) for k, _ in asked]
        rows = [r[o.at_level[r]] for r in rows]
        reached = _texts(o.items["id"], np.concatenate(rows)) if rows else []
        end = 0
        for (k, before), r in zip(asked, rows):
            now_ids = {str(i) for i in reached[end:end + len(r)]}
            end += len(r)
            same = [s.day(company_zone) for s in before if now_ids <= s.item_ids]
            if same:
                last_sent[k] = max(same)
        decide(ALREADY_REMINDED, at(last_sent))

    # The customers in name order: a notice (with its channel and the contact rules) or an exclusion each.
    present = np.flatnonzero(o.count > 0).tolist()
    shown = {k: str(names.get(ids[k], ids[k])) for k in present}
    present.sort(key=lambda k: (shown[k].casefold(), ids[k]))
    totals = o.totals()
    decisions, levels_of, counts = decision.tolist(), o.level.tolist(), o.count.tolist()
    zones: dict[str, ZoneInfo] = {}
    reasons = _Reasons(o, policy, names, ids, customer_disputes, promises, last_sent, handed_over, planned)
    notices: list[Notice] = []
    excluded: list[Exclusion] = []
    chosen: list[int] = []
    listed = 0                                   # items of the notices so far
    lines = _Lines(o, policy, chosen)
    for k in present:
        cid, name, code = ids[k], shown[k], decisions[k]
        if code != _NOTICE:
            excluded.append(Exclusion(cid, name, EXCLUSION_CODES[code], reasons.of(EXCLUSION_CODES[code], k),
                                      totals[k]))
            continue
        contact = contacts.get(cid)
        if contact is None:                     # the source's contact, where the caller gives none
            source = customers.get(cid)
            email, phone, address = ((source.email, source.phone, source.address) if source is not None
                                     else ("", "", ""))
        else:
            source = customers.get(cid)
            email, phone = contact.email, contact.phone
            address = contact.address or (source.address if source is not None else "")
        level = policy[levels_of[k]]
        channel, fallback = level.channel, ""
        if channel == "email" and not email.strip():
            channel, fallback = "call", "no e-mail address: to the call list"
        elif channel == "letter" and not address.strip():
            channel, fallback = "call", "no postal address for a letter: to the call list"
        if fallback and not phone.strip():
            fallback += " (no phone number either)"
        if contact is not None and contact.consumer:
            tz = contact.tz or rules.company_tz
            zone = zones.get(tz) or zones.setdefault(tz, _zone(tz))
            why = _contact_rule(now.astimezone(zone), tz, rules, [s.day(zone) for s in sent_by.get(cid, ())])
            if why:
                excluded.append(Exclusion(cid, name, CONTACT_RULES, why, totals[k]))
                continue
        chosen.append(k)
        n = counts[k]
        notices.append(Notice(cid, name, level.name, level.template, channel, email, phone,
                              NoticeItems(lines, listed, listed + n), totals[k], fallback, address))
        listed += n
    return Batch(as_of=as_of, currency=company, notices=tuple(notices), excluded=tuple(excluded),
                 warnings=issues_of([*o.warnings, *warnings]))


class _Reasons:
    """The plain words of each exclusion, made only for the customers excluded."""

    def __init__(self, o: _Open, policy, names, ids, customer_disputes, promises, last_sent, handed_over, planned):
        self.o, self.policy, self.names, self.ids = o, policy, names, ids
        self.customer_disputes, self.promises, self.last_sent = customer_disputes, promises, last_sent
        self.handed_over_words, self.planned_words = handed_over, planned

    def of(self, code: str, k: int) -> str:
        return getattr(self, code)(k)

    def handed_over(self, k: int) -> str:
        return self.handed_over_words[self.ids[k]]

    def on_plan(self, k: int) -> str:
        o = self.o
        rows = o.rows(k)
        rows = rows[(o.raw[rows] >= 0) & o.planned[rows]]
        ids = _texts(o.items["id"], rows)
        plans = sorted({self.planned_words[str(i)] for i in ids})
        return f"every item due for a reminder is on a payment plan: {'; '.join(plans)}"

    def hold(self, k: int) -> str:
        o = self.o
        if not o.flagged_count[k]:
            return "on hold: in the hold list"
        rows = o.rows(k)
        return f"on hold: {_listed(o.numbers(rows[o.flagged[rows]]))} marked No Follow-up in the source"

    def opted_out(self, k: int) -> str:
        return "the contact opted out of reminders"

    def disputed(self, k: int) -> str:
        d = self.customer_disputes.get(self.ids[k])
        if d is not None:
            return f"the whole account is disputed since {d.opened_on.isoformat()} (note {d.opened_by})"
        o = self.o
        rows = o.rows(k)
        return ("every item due for a reminder is disputed: "
                + _listed(o.numbers(rows[(o.raw[rows] >= 0) & o.disputed[rows]])))

    def promise(self, k: int) -> str:
        p = self.promises[self.ids[k]]
        what = f"{fmt(p.amount, p.currency)} {p.currency}" if p.amount is not None else "the open amount"
        on = f" on {p.invoice_number}" if p.invoice_number else ""
        return (f"promised {what}{on} by {p.due.isoformat()} (note {p.uid}): reminders pause until "
                f"{p.grace_until.isoformat()}")

    def nothing_due(self, k: int) -> str:
        first = self.policy[0]
        reason = f"no open item has reached the first level, {first.name!r} ({_when(first.days)})"
        if self.o.first_due[k] != _FAR:
            day = date.fromordinal(_ORDINAL_1970 + int(self.o.first_due[k]) + first.days)
            reason += f"; the first item reaches it on {day.isoformat()}"
        return reason

    def net_credit(self, k: int) -> str:
        o = self.o
        company = o.company
        shown = f"{fmt(o.balance.value(k), company)} {company}"
        missing = o.balance.missing.get(k, ())
        for cur, units in zip(missing, o.unconverted(k, missing)):
            shown += f" and {fmt(from_minor(units, cur), cur)} {cur} (no rate)"
        return f"nothing is owed on balance: {shown}"

    def under_minimum(self, k: int) -> str:
        o, level = self.o, self.policy[self.o.level[k]]
        company = o.company
        return (f"{fmt(o.reached.value(k), company)} {company} reached level {level.name!r}, under its minimum of "
                f"{fmt(Decimal(str(level.min_amount)), company)} {company}")

    def already_reminded(self, k: int) -> str:
        level = self.policy[self.o.level[k]]
        return (f"already reminded at level {level.name!r} on {self.last_sent[k].isoformat()} for the same "
                "items")


def _contact_rule(local: datetime, tz: str, rules: ContactRules, sent: list[date]) -> str:
    """Why a consumer may not be contacted at ``local`` (their time), with when they may next be; empty if they may."""
    today = local.date()
    window = sorted(d for d in sent if today - timedelta(days=rules.per_days - 1) <= d <= today)
    reasons = []
    earliest = today
    if len(window) >= rules.max_contacts:
        earliest = window[len(window) - rules.max_contacts] + timedelta(days=rules.per_days)
        reasons.append(f"contacted {len(window)} times in the {rules.per_days} days to {today.isoformat()} (at most "
                       f"{rules.max_contacts})")
    clock = local.time().replace(tzinfo=None)
    weekday = _WEEKDAYS[today.weekday()]
    if today.weekday() not in rules.weekdays:
        reasons.append(f"{weekday} {today.isoformat()} in {tz} is not a contact day")
    elif not rules.start <= clock < rules.end:
        reasons.append(f"{clock:%H:%M} on {weekday} {today.isoformat()} in {tz} is outside the contact hours "
                       f"{rules.hours}")
    if not reasons:
        return ""
    day = earliest
    # The first contact day from the earliest allowed one, today only if its hours are still to come. ContactRules
    # allows at least one weekday, so this ends within a week.
    while day.weekday() not in rules.weekdays or (day == today and clock >= rules.start):
        day += timedelta(days=1)
    return (f"consumer contact rules: {'; '.join(reasons)}; may next be contacted on {day.isoformat()} from "
            f"{rules.start:%H:%M} ({tz})")


# ---------------------------------------------------------------------------------------------- notice items


def _dates_at(day_numbers: np.ndarray) -> list:
    """``date`` (``None`` for :data:`NO_DAY`) of each day number, made once per day of their span (or, for a span
    much longer than the list, once per distinct day)."""
    n = len(day_numbers)
    known = day_numbers != NO_DAY
    if not known.any():
        return [None] * n
    lo, hi = int(day_numbers[known].min()), int(day_numbers[known].max())
    if hi - lo > 4 * n + 1000:
        uniq, inverse = np.unique(np.where(known, day_numbers, lo - 1), return_inverse=True)
        table = np.array([None if d < lo else date.fromordinal(_ORDINAL_1970 + d) for d in uniq.tolist()],
                         dtype=object)
        return table[inverse].tolist()
    table = np.array([date.fromordinal(_ORDINAL_1970 + d) for d in range(lo, hi + 1)] + [None], dtype=object)
    return table[np.where(known, day_numbers - lo, hi - lo + 1)].tolist()


def _item_rows(o: _Open, chosen: list[int]) -> np.ndarray:
    """The rows of the notices' items of ``chosen`` customers, in that order, each customer's by due date (undated
    last, then as the source gives them)."""
    ks = np.array(chosen, dtype=np.int64)
    counts = o.count[ks]
    owner = np.repeat(np.arange(len(ks)), counts)
    sel = o.order[np.repeat(o.start[ks] - (np.cumsum(counts) - counts), counts) + np.arange(len(owner))]
    due = o.due[sel]
    return sel[np.lexsort((np.where(due == NO_DAY, _FAR, due), owner))]


def _make_items(o: _Open, policy: tuple[ReminderLevel, ...], sel: np.ndarray) -> list[NoticeItem]:
    """The items at rows ``sel`` (:func:`_item_rows`): made column by column over all of them at once."""
    if not len(sel):
        return []
    due = o.due[sel]
    dated = o.dated[sel]
    past = (o.dpd[sel] if dated.all() else np.where(dated, o.dpd[sel].astype(object), None)).tolist()
    cur = o.cur_codes[sel]
    places = [precision(c) for c in o.curs]
    units = map(Decimal, o.open[sel].tolist())
    if len(set(places)) == 1:
        amounts = list(map(Decimal.scaleb, units, repeat(-places[0])))
    else:
        amounts = list(map(Decimal.scaleb, units, (-np.array(places, dtype=np.int64)[cur]).tolist()))
    level_names = np.array([lv.name for lv in policy] + [None], dtype=object)      # -1 takes the trailing None
    columns = (_texts(o.items["id"], sel), _texts(o.items["number"], sel), _texts(o.items["kind"], sel),
               _dates_at(days(o.items["issued"])[sel]), _dates_at(due), past,
               np.array(o.curs, dtype=object)[cur].tolist(), amounts, level_names[o.raw[sel]].tolist(),
               o.disputed[sel].tolist())
    return list(map(partial(tuple.__new__, NoticeItem), zip(*columns)))


def _json_values(values: list, ensure_ascii: bool, separators: tuple[str, str]) -> list[str]:
    """Each value as ``json.dumps`` writes it; strings (all of them, as a rule) by the encoder's own C function."""
    encode = encode_basestring_ascii if ensure_ascii else encode_basestring
    try:
        return list(map(encode, values))
    except TypeError:                            # not all strings
        dumps = partial(json.dumps, ensure_ascii=ensure_ascii, separators=separators)
        return [encode(v) if isinstance(v, str) else dumps(v) for v in values]


def _large(values: list):
    import pyarrow as pa

    return pa.array(values, pa.large_string())


def _joined(*parts):
    """Arrow's element-wise concatenation of ``parts``: arrays of large strings, and texts put in every element."""
    import pyarrow as pa
    import pyarrow.compute as pc

    return pc.binary_join_element_wise(*(pa.scalar(p, pa.large_string()) if isinstance(p, str) else p for p in parts),
                                       pa.scalar("", pa.large_string()))


#: A character that ``json.dumps`` writes escaped, or that it writes differently with and without ``ensure_ascii``:
#: all but printable ASCII, ``"`` and ``\`` (RE2 syntax, as arrow's kernels take it).
_NOT_PLAIN = r'[^\x20-\x21\x23-\x5b\x5d-\x7e]'


def _json_column(column: pd.Series, rows: np.ndarray, ensure_ascii: bool, separators: tuple[str, str],
                 cache: dict, key: str):
    """The JSON text of each of ``_texts(column, rows)`` (the values as ``json.dumps`` writes them) as an arrow
    array, whether each still needs its quotes around it, and whether the texts are the same with and without
    ``ensure_ascii``. Arrow strings without a character to escape are taken as they are; categories and the
    distinct values of an object column are written once each; anything else value by value. ``cache`` keeps, under
    ``key``, what serves every row."""
    import pyarrow as pa
    import pyarrow.compute as pc

    dtype = column.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        if (key, ensure_ascii, separators) not in cache:
            cats = _json_values(column.cat.categories.astype(object).tolist(), ensure_ascii, separators)
            cache[key, ensure_ascii, separators] = _large(cats), column.cat.codes.to_numpy().astype(np.int64)
        cats, codes = cache[key, ensure_ascii, separators]
        codes = codes[rows]
        return cats.take(np.where(codes < 0, codes + len(cats), codes)), False, False   # -1: as _texts takes it
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow" or isinstance(dtype, pd.ArrowDtype):
        if key not in cache:                    # plain: every value a string with nothing to escape
            values = pa.array(column.array)
            values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
            plain = ((pa.types.is_string(values.type) or pa.types.is_large_string(values.type))
                     and not values.null_count and not pc.any(pc.match_substring_regex(values, _NOT_PLAIN)).as_py())
            cache[key] = values, plain
        values, plain = cache[key]
        if plain:
            return values.take(rows).cast(pa.large_string()), True, True
    elif pd.api.types.is_object_dtype(dtype) and len(column) > 64:
        if key not in cache:
            codes, uniques = pd.factorize(column.to_numpy(), use_na_sentinel=False)
            cache[key] = codes, list(uniques) if all(type(u) is str for u in uniques) else None
        codes, uniques = cache[key]
        if uniques is not None:
            if (key, ensure_ascii) not in cache:
                cache[key, ensure_ascii] = _large(_json_values(uniques, ensure_ascii, separators))
            return cache[key, ensure_ascii].take(codes[rows]), False, False
    return _large(_json_values(_texts(column, rows), ensure_ascii, separators)), False, False


def _day_table(every: np.ndarray):
    """The first day number of ``every`` and the JSON texts of the days from it to the last, then ``null``: where
    the span is not much longer than the list (else ``None``)."""
    known = every != NO_DAY
    if not known.any():
        return None
    lo, hi = int(every[known].min()), int(every[known].max())
    if hi - lo > 4 * len(every) + 1000 or lo < 1 - _ORDINAL_1970 or hi > date.max.toordinal() - _ORDINAL_1970:
        return None                      # (days no date can be are left to fail where an item has one)
    return lo, _large([f'"{date.fromordinal(_ORDINAL_1970 + d).isoformat()}"' for d in range(lo, hi + 1)] + ["null"])


def _day_texts(day_numbers: np.ndarray, table=None):
    """The JSON text of each day number's date (``"2026-10-31"``, ``null`` for :data:`NO_DAY`), as an arrow array,
    from ``table`` (:func:`_day_table`) where it spans them."""
    n = len(day_numbers)
    known = day_numbers != NO_DAY
    if table is not None:
        lo, texts = table
        return texts.take(np.where(known, day_numbers - lo, len(texts) - 1))
    if not known.any():
        return _large(["null"] * n)
    lo, hi = int(day_numbers[known].min()), int(day_numbers[known].max())
    if hi - lo > 4 * n + 1000:
        uniq, inverse = np.unique(np.where(known, day_numbers, lo - 1), return_inverse=True)
        table = ["null" if d < lo else f'"{date.fromordinal(_ORDINAL_1970 + d).isoformat()}"' for d in uniq.tolist()]
        return _large(table).take(inverse.reshape(-1))
    table = [f'"{date.fromordinal(_ORDINAL_1970 + d).isoformat()}"' for d in range(lo, hi + 1)] + ["null"]
    return _large(table).take(np.where(known, day_numbers - lo, hi - lo + 1))


def _amount_texts(units: np.ndarray, places: np.ndarray | int):
    """The text of each amount of ``units`` minor units at ``places`` (an array, or the same for all), unquoted
    (``-12.34``, as :func:`~receivables.money.fmt` writes the amount): arrow's cast of a 128-bit decimal to text,
    as :func:`~receivables.money.minor_texts` does it."""
    import pyarrow as pa
    import pyarrow.compute as pc

    words = np.empty((len(units), 2), dtype=np.int64)
    words[:, 0] = units
    words[:, 1] = units >> 63                       # the high word: the sign, extended
    buffer = pa.py_buffer(words)
    kinds = [places] if isinstance(places, int) else np.unique(places).tolist()
    texts = [pc.cast(pa.Array.from_buffers(pa.decimal128(38, p), len(units), [None, buffer]), pa.large_string())
             for p in kinds]
    return texts[0] if len(texts) == 1 else pc.choose(pa.array(np.searchsorted(kinds, places)), *texts)


def _item_columns(o: _Open, policy: tuple[ReminderLevel, ...], sel: np.ndarray, ensure_ascii: bool,
                  separators: tuple[str, str], cache: dict, made: dict | None = None) -> tuple[dict, dict]:
    """Per field of :class:`NoticeItem`, the JSON text (as ``json.dumps`` writes ``to_json_dict()``'s value) of
    each item at rows ``sel``, as :func:`_make_items` makes it, as an arrow array, and whether it still needs its
    quotes around it: no record, ``Decimal``, ``date``, dict or Python string per item. Amounts are exact minor
    units. ``cache`` keeps what serves every row. Also those of the columns that are the same with and without
    ``ensure_ascii``: ``made`` gives them, made before, for the same rows."""
    import pyarrow as pa

    if ("currency", ensure_ascii) not in cache:
        cache["currency", ensure_ascii] = _large(_json_values(o.curs, ensure_ascii, separators))
        cache["level", ensure_ascii] = _large(["null", *_json_values([lv.name for lv in policy], ensure_ascii,
                                                                     separators)])
        places = np.array([precision(c) for c in o.curs] or [2], dtype=np.int64)
        cache["places"] = int(places[0]) if (places == places[0]).all() else places
    if "days" not in cache:
        issued = days(o.items["issued"])
        cache["issued"], cache["days"] = issued, _day_table(np.concatenate([issued, o.due]))
    made = made or {}
    cur = o.cur_codes[sel]
    cur = np.where(cur < 0, cur + len(o.curs), cur)                    # -1: as _make_items takes it
    places = cache["places"]
    same = {
        "issued": lambda: (_day_texts(cache["issued"][sel], cache["days"]), False, True),
        "due": lambda: (_day_texts(o.due[sel], cache["days"]), False, True),
        "days_past_due": lambda: (pa.array(o.dpd[sel], mask=~o.dated[sel]).cast(pa.large_string())
                                  .fill_null("null"), False, True),
        "amount": lambda: (_amount_texts(o.open[sel], places if isinstance(places, int) else places[cur]), True,
                           True),
        "disputed": lambda: (_large(["false", "true"]).take(o.disputed[sel].astype(np.int8)), False, True)}
    columns = {}
    for name in NoticeItem._fields:
        if name in made:
            columns[name] = made[name]
        elif name in same:
            columns[name] = same[name]()
        elif name in ("id", "number", "kind"):
            columns[name] = _json_column(o.items[name], sel, ensure_ascii, separators, cache, name)
        elif name == "currency":
            columns[name] = cache["currency", ensure_ascii].take(cur), False, False
        else:
            assert name == "level"
            columns[name] = cache["level", ensure_ascii].take(o.raw[sel] + 1), False, False   # -1: the null
    return ({name: (values, quote) for name, (values, quote, _) in columns.items()},
            {name: column for name, column in columns.items() if column[2]})


def _item_texts(columns: dict, counts: np.ndarray, separators: tuple[str, str]):
    """The JSON text of each notice's items (``[{...}, ...]``, as ``json.dumps`` writes ``items_json``) of the
    columns of :func:`_item_columns`, ``counts`` items a notice, as an arrow array."""
    import pyarrow as pa
    import pyarrow.compute as pc

    dumps = partial(json.dumps, separators=separators)
    comma, colon = separators
    parts: list = []
    after = ""
    for k, (name, (values, quote)) in enumerate(columns.items()):
        parts += [after + ("{" if k == 0 else comma) + dumps(name) + colon + ('"' if quote else ""), values]
        after = '"' if quote else ""
    items = _joined(*parts, after + "}")
    lists = pa.LargeListArray.from_arrays(pa.array(np.concatenate([[0], np.cumsum(counts)]), pa.int64()), items)
    return _joined("[", pc.binary_join(lists, pa.scalar(comma, pa.large_string())), "]")


def _notices_texts(notices: Sequence[Notice], ensure_ascii: bool, separators: tuple[str, str]) -> Iterator[str]:
    """``json.dumps([n.to_json_dict() for n in notices], ...)`` less its brackets, a few notices at a time: written
    from the notices' fields and :func:`_notice_items_texts`."""
    import pyarrow as pa
    import pyarrow.compute as pc

    dumps = partial(json.dumps, ensure_ascii=ensure_ascii, separators=separators)
    comma, colon = separators
    fields = [_json_values([getattr(n, name) for n in notices], ensure_ascii, separators) for name in _NOTICE_HEAD]
    head = "{" + comma.join((dumps(name) + colon).replace("%", "%%") + "%s" for name in _NOTICE_HEAD)
    heads = list(map((head + (comma + dumps("items") + colon).replace("%", "%%")).__mod__, zip(*fields)))
    tail = comma + dumps("totals") + colon
    tails = [tail + text + "}" for text in totals_json_texts(notices, ensure_ascii=ensure_ascii,
                                                               separators=separators)]
    a = 0
    for items in _notice_items_texts(notices, ensure_ascii, separators):
        b = a + len(items)
        each = _joined(_large(heads[a:b]), items, _large(tails[a:b]))
        lists = pa.LargeListArray.from_arrays(pa.array([0, len(each)], pa.int64()), each)
        yield (comma if a else "") + pc.binary_join(lists, pa.scalar(comma, pa.large_string()))[0].as_py()
        a = b


__all__ = ["ALREADY_REMINDED", "CHANNELS", "CONTACT_RULES", "DISPUTED", "EXCLUSION_CODES", "HOLD", "NET_CREDIT",
           "NOTHING_DUE", "NO_FOLLOWUP", "OPTED_OUT", "PROMISE", "UNDER_MINIMUM", "Batch", "Contact", "ContactRules",
           "Exclusion", "JSON_SEPARATORS", "Notice", "NoticeItem", "NoticeItems", "Sent", "build", "build_frames",
           "contacts_of", "items_json_texts", "no_followup_items", "totals_json_texts"]
