"""The schema of ``ardesk.toml``: every section, key, type and default, declared once, and the one line a breach of
it becomes.

Each section is a frozen pydantic model (``extra="forbid"``: a misspelt key is refused, not ignored); the whole
file is :class:`ConfigFile`. Scalars are strict where TOML must not be coerced: no ``"12"`` for 12, no ``true`` for
1, no ``30.5`` for 30 days. :func:`check` refuses secrets anywhere in the document, validates it, and turns the
first error into a :class:`~receivables.errors.ConfigError` that names the key as a TOML path (``[dso] months``,
``[company.rates] EUR``, ``[[reminders.levels]] 2 password``), what was expected and what was found. The expected
phrase is read from the field's declared type (an :class:`Expect` in its ``Annotated`` metadata, else its type and
bounds), so the wording cannot drift from the schema.

Why pydantic (v2): it is well kept and widely used, every error carries its exact location (a path of keys and
indices, which becomes the TOML path a person reads) and its kind, strict mode refuses the coercions above, and
the defaults sit beside the types in one place that the loader, ``ardesk init``'s sample, the README and the tests
all check against. msgspec was the alternative: faster, but its errors are one prose string with a dotted path, it
has fewer constraint types, and speed does not matter for a file read once per run.
"""
from __future__ import annotations

import difflib
import json
import re
import types
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types as at
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    StrictInt,
    StrictStr,
    ValidationError,
    confloat,
    conint,
    constr,
    model_validator,
)
from pydantic_core import PydanticCustomError

from . import secrets
from .errors import ConfigError
from .money import currency_code

PASSWORD_ENV = "ARDESK_ODOO_PASSWORD"
SMTP_PASSWORD_ENV = "ARDESK_SMTP_PASSWORD"
SECRET_KEYS = frozenset({"password", "api_key", "apikey", "secret", "token"})
MAX_EDGE_DAYS = 3650
_EXPECTED = "ardesk_expected"          # the kind of error our own validators raise; ctx["expected"] says what


@dataclass(frozen=True)
class Expect:
    """``Annotated`` metadata: what a value of this type looks like, in the words of an error message."""

    text: str


def validate_edges(edges: tuple[int, ...], source: str | None = None) -> None:
    """Bucket edges: whole days from 1 to 3650, increasing. The command line and the Control sheet's inputs call
    this; the schema's ``[aging] edges`` uses the same rule."""
    if not edges or any(e <= 0 for e in edges) or list(edges) != sorted(set(edges)):
        raise ConfigError(f"bucket edges must be positive and increasing, got {','.join(map(str, edges))}",
                          source=source, hint="e.g. 30,60,90")
    if edges[-1] > MAX_EDGE_DAYS:
        raise ConfigError(f"bucket edges must be {MAX_EDGE_DAYS} days or fewer, got {','.join(map(str, edges))}",
                          source=source, hint="e.g. 30,60,90")


def _expected(text: str) -> PydanticCustomError:
    return PydanticCustomError(_EXPECTED, "expected {expected}", {"expected": text})


def _decimal_text(value: Any, *, minimum: Decimal, inclusive: bool) -> str:
    """A decimal number written as text (``"1.08"``) or as a TOML number, kept as its text."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise PydanticCustomError("decimal_type", "not a decimal number")
    text = value.strip() if isinstance(value, str) else repr(value)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise PydanticCustomError("decimal_parsing", "not a decimal number") from None
    if not number.is_finite() or number < minimum or (number == minimum and not inclusive):
        raise PydanticCustomError("decimal_range", "out of range")
    return text


def _iso_currency(code: str) -> str:
    try:
        return currency_code(code)
    except ValueError:
        raise _expected('an ISO 4217 currency code such as "EUR"') from None


def _increasing_edges(edges: tuple[int, ...]) -> tuple[int, ...]:
    if not edges:
        raise _expected("at least one edge, such as [30, 60, 90]")
    if list(edges) != sorted(set(edges)):
        raise _expected("edges in increasing order, such as [30, 60, 90]")
    return edges


def _timetable(text: str) -> str:
    """A ``[jobs]`` line the scheduler can read (:mod:`receivables.timetable`), refused here with examples."""
    from .timetable import NotATimetable, parse

    try:
        parse(text)
    except NotATimetable as exc:
        raise _expected(str(exc)) from None
    return text


def _levels_in_order(levels: tuple[ReminderLevel, ...]) -> tuple[ReminderLevel, ...]:
    days = [level.days for level in levels]
    if days != sorted(set(days)):
        raise _expected("levels in increasing order of days, no two on the same day")
    names = [level.name for level in levels]
    if len(set(names)) != len(names):
        raise _expected("levels with different names")
    return levels


# -- the types keys are declared with ------------------------------------------------------------------------------

NonEmptyText = Annotated[constr(strict=True, min_length=1), Expect("text, not empty")]
FilePath = Annotated[constr(strict=True, min_length=1), Expect("a file path (text)")]
PositiveInt = conint(strict=True, gt=0)
PositiveNumber = confloat(strict=True, gt=0, allow_inf_nan=False)
Number = confloat(strict=True, allow_inf_nan=False)
CurrencyCode = Annotated[constr(strict=True, pattern=r"^[A-Z]{3}$"), AfterValidator(_iso_currency),
                         Expect('a currency code such as "EUR"')]
Rate = Annotated[str, BeforeValidator(partial(_decimal_text, minimum=Decimal(0), inclusive=False)),
                 Expect('a decimal number such as "1.08" (above zero)')]
Amount = Annotated[str, BeforeValidator(partial(_decimal_text, minimum=Decimal(0), inclusive=True)),
                   Expect('a decimal number such as "50.00" (zero or more)')]
EdgeDays = Annotated[conint(strict=True, ge=1, le=MAX_EDGE_DAYS),
                     Expect(f"a whole number of days from 1 to {MAX_EDGE_DAYS}")]
Email = Annotated[constr(strict=True, pattern=r"^[^@\s]+@[^@\s]+$"),
                  Expect('an e-mail address such as "ar@example.com"')]
Schedule = Annotated[constr(strict=True, min_length=1), AfterValidator(_timetable),
                     Expect('a schedule (text) such as "every day at 06:30"')]
Customer = Annotated[StrictStr | StrictInt, Expect("a customer's name (text) or id (a whole number)")]


class Section(BaseModel):
    """A table of ``ardesk.toml``: frozen, and no key it does not declare."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceConfig(Section):
    """``[source]``: what a command reads when it is given no SOURCE."""

    default: Annotated[StrictStr | None, Expect('"odoo", "ledger" or the path of an export or a folder (text)')] = None


class FilesConfig(Section):
    """``[files]``: where the ledger and the workbook are, relative to ``ardesk.toml``."""

    ledger: FilePath = "ardesk.db"
    workbook: FilePath = "collections.xlsm"


class CompanyConfig(Section):
    """``[company]``: the company's currency and rates for foreign currencies the source gives no rate for."""

    name: StrictStr = ""                      # how notices sign off (default: the source's company name)
    address: StrictStr = ""                   # postal address, one line per line: letters' letterhead and return line
    contact: StrictStr = ""                   # one line under the letterhead: phone, e-mail, web site
    currency: CurrencyCode | None = None
    rates: Annotated[dict[CurrencyCode, Rate], Expect('a table of rates such as EUR = "1.08"')] = {}


class OdooConfig(Section):
    """``[odoo]``: the Odoo database a pull reads. The password comes from ``ARDESK_ODOO_PASSWORD`` or the OS keyring
    (:mod:`receivables.secrets`)."""

    url: StrictStr = ""
    db: StrictStr = ""
    user: StrictStr = ""
    company: Annotated[StrictStr | StrictInt | None, Expect("a company's name (text) or id (a whole number)")] = None
    batch_size: PositiveInt = 2000
    timeout: PositiveNumber = 120.0          # seconds an RPC call may take
    retries: PositiveInt = 4
    backoff: PositiveNumber = 0.5            # seconds before the first retry; doubles each time
    history_months: PositiveInt = 24         # how far back settled items are pulled (past agings, DSO history)

    def keyring_account(self) -> str:
        """Where ``ardesk secret set odoo`` keeps the password in the OS keyring."""
        return secrets.account("odoo", self.user, f"{self.url.rstrip('/')}/{self.db}")

    def password(self) -> str:
        """From ``ARDESK_ODOO_PASSWORD``, else the OS keyring (never the file)."""
        return secrets.secret(PASSWORD_ENV, "Odoo password", "the password or an API key of the Odoo user",
                              kind="odoo", keyring_account=self.keyring_account() if self.user else None)


class AgingConfig(Section):
    """``[aging]``: the default buckets and what an item's age counts from."""

    edges: Annotated[tuple[EdgeDays, ...], AfterValidator(_increasing_edges),
                     Expect("a list of whole days such as [30, 60, 90]")] = (30, 60, 90)
    by: Literal["due", "issued"] = "due"
    # days after issue an invoice falls due when the source gives no due date and no terms for its customer
    default_terms_days: Annotated[conint(strict=True, ge=0, le=MAX_EDGE_DAYS),
                                  Expect("a whole number of days from 0 to 3650")] = 30


class DsoConfig(Section):
    """``[dso]``: the defaults of the DSO family."""

    period_days: Annotated[PositiveInt | None, Expect("a positive whole number of days such as 90")] = None
    months: conint(strict=True, ge=1, le=120) = 12
    cei_sales: Literal["total", "average"] = "total"


class SmtpConfig(Section):
    """``[smtp]``: the mail server reminders are sent through. The password comes from ``ARDESK_SMTP_PASSWORD`` or
    the OS keyring (:mod:`receivables.secrets`)."""

    host: StrictStr = ""
    port: conint(strict=True, ge=1, le=65535) = 587
    user: StrictStr = ""                      # empty: the server takes mail without a login
    # starttls: upgrade a plain connection (port 587); ssl: TLS from the start (port 465); none: no encryption (a
    # relay on the same machine only)
    security: Literal["starttls", "ssl", "none"] = "starttls"
    from_address: Email | None = None
    reply_to: Email | None = None
    timeout: PositiveNumber = 30.0
    rate_per_minute: PositiveInt = 30        # messages at most, so a mail server's limits are never met

    def keyring_account(self) -> str:
        """Where ``ardesk secret set smtp`` keeps the password in the OS keyring."""
        return secrets.account("smtp", self.user, f"{self.host}:{self.port}")

    def password(self) -> str:
        """From ``ARDESK_SMTP_PASSWORD``, else the OS keyring (never the file)."""
        return secrets.secret(SMTP_PASSWORD_ENV, "SMTP password", "the password of the mail server's user",
                              kind="smtp", keyring_account=self.keyring_account() if self.user else None)


class ReminderLevel(Section):
    """``[[reminders.levels]]``: one step of the reminder policy."""

    name: NonEmptyText
    days: Annotated[conint(strict=True, ge=-MAX_EDGE_DAYS, le=MAX_EDGE_DAYS),
                    Expect("a whole number of days past due (negative: before the due date)")]
    template: NonEmptyText                    # default: the level's name
    channel: Literal["email", "letter", "call", "agency"] = "email"   # agency: a hand-off file, then no more
    min_amount: Amount = "0"                  # customers owing less are not reminded at this level

    @model_validator(mode="before")
    @classmethod
    def _template_defaults_to_name(cls, data: Any) -> Any:
        if isinstance(data, dict) and "template" not in data and "name" in data:
            return {**data, "template": data["name"]}
        return data


DEFAULT_REMINDER_LEVELS = (
    ReminderLevel(name="friendly", days=-5),
    ReminderLevel(name="first", days=7),
    ReminderLevel(name="second", days=21),
    ReminderLevel(name="final", days=45),
)


PAY_LINK_FIELDS = ("number", "customer", "customer_id", "amount", "currency")


def _pay_link(text: str) -> str:
    """A link template: http(s), and only the placeholders :data:`PAY_LINK_FIELDS`."""
    import string

    if not text:
        return text
    if not re.match(r"https?://[^\s]+$", text):
        raise PydanticCustomError(_EXPECTED, "expected {expected}",
                                  {"expected": 'an http(s) link without spaces, such as '
                                               '"https://pay.example.com/invoice/{number}"'})
    try:
        names = [name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None]
    except ValueError as exc:
        raise PydanticCustomError(_EXPECTED, "expected {expected}",
                                  {"expected": f"a link whose braces enclose a field name ({exc})"}) from None
    unknown = [n for n in names if n not in PAY_LINK_FIELDS]
    if unknown:
        raise PydanticCustomError(_EXPECTED, "expected {expected}",
                                  {"expected": f"placeholders among {{{'}, {'.join(PAY_LINK_FIELDS)}}}, not "
                                               f"{{{unknown[0]}}}"})
    return text


def _clock(text: str) -> str:
    from datetime import time

    try:
        time.fromisoformat(text)
    except ValueError:
        raise ValueError("expected a time of day such as \"08:00\"") from None
    return text


def _zone(text: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"expected a time zone such as \"America/New_York\", found {text!r}") from None
    return text


Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class ContactRulesConfig(Section):
    """``[reminders.contact_rules]``: when and how often a consumer may be contacted (defaults: the US CFPB's
    Regulation F presumption, 7 contacts in 7 days, and the hours 08:00 to 21:00 in the consumer's time zone)."""

    start: Annotated[StrictStr, AfterValidator(_clock)] = "08:00"
    end: Annotated[StrictStr, AfterValidator(_clock)] = "21:00"
    days: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    max_contacts: PositiveInt = 7
    per_days: PositiveInt = 7
    timezone: Annotated[StrictStr, AfterValidator(_zone)] = "UTC"    # where a consumer's own zone is not known


class RemindersConfig(Section):
    """``[reminders]``: who is never reminded and the policy's levels (default: friendly 5 days before due, then
    first, second and final 7, 21 and 45 days past due, all by e-mail)."""

    hold: Annotated[tuple[Customer, ...], Expect("a list of customers' names or ids")] = ()
    payment_instructions: StrictStr = ""      # how to pay, printed in every notice (bank, reference, pay link)
    # a link to pay one invoice online where the source gives none (QuickBooks), e.g.
    # "https://pay.example.com/invoice/{number}": placeholders number, customer, customer_id, amount, currency
    pay_link: Annotated[StrictStr, AfterValidator(_pay_link)] = ""
    templates: StrictStr = ""                 # a folder of templates that override or add to the shipped ones
    contacts: StrictStr = ""                  # a QuickBooks Customer Contact List (e-mail, phone, address)
    handoffs: StrictStr = "handoffs"          # where agency hand-off files are written (relative to ardesk.toml)
    consumers: Annotated[tuple[Customer, ...], Expect("a list of customers' names or ids")] = ()
    contact_rules: ContactRulesConfig = ContactRulesConfig()
    levels: Annotated[tuple[ReminderLevel, ...], AfterValidator(_levels_in_order),
                      Expect("an array of tables [[reminders.levels]]")] = DEFAULT_REMINDER_LEVELS


class LettersConfig(Section):
    """``[letters]``: reminder letters (levels whose channel is ``letter``), one PDF per notice."""

    paper: Literal["A4", "letter"] = "A4"     # A4: DIN 5008 window envelope; letter: US #10 window envelope
    folder: StrictStr = "letters"             # where the PDFs are written, relative to ardesk.toml (or --out DIR)
    font: StrictStr = ""                      # a .ttf file; default: DejaVu Sans, Liberation Sans or Arial if found


class NotesConfig(Section):
    """``[notes]``: collection notes and promises to pay."""

    promise_grace_days: conint(strict=True, ge=0) = 3   # days after a promised date before it counts as broken


class JobsConfig(Section):
    """``[jobs]``: when the scheduler runs each job; a job left out is not scheduled."""

    refresh: Schedule | None = None
    notes_push: Schedule | None = None
    remind_build: Schedule | None = None
    remind_send: Schedule | None = None
    worklist: Schedule | None = None
    prune: Schedule | None = None
    privacy_prune: Schedule | None = None


Points = Annotated[confloat(strict=True, ge=0, allow_inf_nan=False), Expect("a number, 0 or more, such as 2.5")]
WorklistDays = Annotated[conint(strict=True, ge=1, le=MAX_EDGE_DAYS),
                         Expect(f"a whole number of days from 1 to {MAX_EDGE_DAYS}")]


def _one_collector_each(table: dict[str, tuple]) -> dict[str, tuple]:
    """Each customer under one collector: a customer two collectors both hold would be on two lists."""
    seen: dict[str, str] = {}
    for collector, customers in table.items():
        for c in customers:
            key = " ".join(str(c).split()).casefold()
            if key in seen and seen[key] != collector:
                raise _expected(f"each customer under one collector ({json.dumps(str(c).strip())} is under both "
                                f"{json.dumps(seen[key])} and {json.dumps(collector)})")
            seen[key] = collector
    return table


class WorklistWeights(Section):
    """``[worklist.weights]``: the points each factor adds to a customer's place on the worklist
    (:mod:`receivables.worklist`, which explains each default)."""

    overdue: Points = 60.0              # the overdue balance, in full at the books' 90th percentile or above
    # what each overdue bucket of [aging] edges weighs, youngest first; buckets beyond the list take its last
    ages: Annotated[tuple[confloat(strict=True, ge=0, allow_inf_nan=False), ...],
                    Expect("a list of numbers, 0 or more, such as [1.0, 1.5, 2.0, 3.0]")] = (1.0, 1.5, 2.0, 3.0)
    risk: Points = 0.3                  # per point of the customer's risk score (0-100)
    broken_promise: Points = 60.0
    broken_plan: Points = 60.0
    promise_due: Points = 40.0          # a promise whose date has come (or whose outcome the books cannot tell)
    instalment_due: Points = 30.0
    follow_up: Points = 40.0            # a note's next-action date reached
    bounced: Points = 30.0              # the last e-mail reminder refused by the mail server
    unknown_outcome: Points = 10.0      # the last reminder's delivery unknown
    no_answer: Points = 20.0            # a reminder with no payment and no note since
    level_due: Points = 10.0            # a reminder level reached and not yet sent
    dispute: Points = 20.0              # an open dispute with no note for dispute_days
    untouched: Points = 0.5             # per day since the last note or reminder
    untouched_cap: Points = 30.0        # the most days since the last touch can give


class WorklistConfig(Section):
    """``[worklist]``: how the collector's worklist ranks customers, when it waits, and who works which customer."""

    answer_days: WorklistDays = 7       # days a reminder waits for a payment or a note before "no answer"
    touch_days: WorklistDays = 14       # days without a touch before an overdue customer is called
    dispute_days: WorklistDays = 14     # days an open dispute may go without a note
    broken_days: WorklistDays = 90      # how far back broken promises count (two in it: escalate)
    weights: WorklistWeights = WorklistWeights()
    # collector -> the customers (names or ids) they work, where the source names no salesperson
    collectors: Annotated[dict[NonEmptyText, Annotated[tuple[Customer, ...],
                                                       Expect("a list of customers' names or ids")]],
                          AfterValidator(_one_collector_each),
                          Expect('a table of collectors, such as "Ann Lee" = ["Acme Ltd", 42]')] = {}


Years = Annotated[conint(strict=True, ge=1, le=100), Expect("a whole number of years from 1 to 100")]


class PrivacyConfig(Section):
    """``[privacy]``: how long personal data is kept, applied by ``ardesk privacy prune`` and the scheduler's job
    (:mod:`receivables.retention`; README.md, "Personal data", gives the reasons for the defaults)."""

    keep_notes_years: Years = 6             # collection notes, from the date written on them
    keep_messages_years: Years = 6          # reminders' addresses and outcomes, drafts, letters, hand-off files
    keep_contacts_after_last_invoice_years: Years = 3   # a former customer's e-mail, phone and postal address


class LedgerConfig(Section):
    """``[ledger]``: the ledger file's behaviour (its path is ``[files] ledger``)."""

    busy_timeout: Annotated[confloat(strict=True, ge=0, allow_inf_nan=False),
                            Expect("a number of seconds, 0 or more")] = 30.0
    # days a snapshot is kept by the prune job; every month's last snapshot and each source's latest stay
    keep_snapshots_days: Annotated[PositiveInt | None, Expect("a positive whole number of days such as 90")] = None


class ConfigFile(Section):
    """The whole of ``ardesk.toml``: one field per section, in the order the sample file shows them."""

    source: SourceConfig = SourceConfig()
    files: FilesConfig = FilesConfig()
    company: CompanyConfig = CompanyConfig()
    odoo: OdooConfig = OdooConfig()
    aging: AgingConfig = AgingConfig()
    dso: DsoConfig = DsoConfig()
    smtp: SmtpConfig = SmtpConfig()
    reminders: RemindersConfig = RemindersConfig()
    # [fees]: late fees and interest, checked by receivables.fees_config (imported only when a file has the table)
    fees: dict = {}
    letters: LettersConfig = LettersConfig()
    notes: NotesConfig = NotesConfig()
    jobs: JobsConfig = JobsConfig()
    worklist: WorklistConfig = WorklistConfig()
    privacy: PrivacyConfig = PrivacyConfig()
    ledger: LedgerConfig = LedgerConfig()


# -- a breach of the schema as one line ----------------------------------------------------------------------------

def check(data: dict, source: str) -> ConfigFile:
    """``data`` (a parsed TOML document) validated against the schema, or the one-line ``ConfigError`` of its first
    problem: a secret anywhere first, then the first error pydantic reports."""
    _refuse_secrets(data, data, [], source)
    try:
        return ConfigFile.model_validate(data)
    except ValidationError as exc:
        raise _one_line(exc.errors(include_url=False)[0], data, source) from None


def _refuse_secrets(root: dict, node: Any, steps: list, source: str) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key.lower().replace("-", "_") in SECRET_KEYS:
                env, kind = (SMTP_PASSWORD_ENV, "smtp") if steps[:1] == ["smtp"] else (PASSWORD_ENV, "odoo")
                raise ConfigError(f"{_toml_path(root, [*steps, key])} must not be in the file: secrets never go in "
                                  "it", source=source, hint=f"remove it and set {env} instead, or keep it in the OS "
                                                            f"keyring with `ardesk secret set {kind}`")
            _refuse_secrets(root, value, [*steps, key], source)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _refuse_secrets(root, value, [*steps, i], source)


def _one_line(error: dict, data: dict, source: str) -> ConfigError:
    steps, declared, parent = _walk(error["loc"])
    where = _toml_path(data, steps)
    kind, value = error["type"], error.get("input")
    if kind == "extra_forbidden":
        return _unknown(data, steps, parent, value, source)
    if kind == "missing":
        return ConfigError(f"{where} is missing: it must be {_describe(declared)}", source=source)
    expected = error["ctx"]["expected"] if kind == _EXPECTED else _describe(declared)
    hint = None
    if isinstance(value, str) and _numeric(declared) and _looks_numeric(value):
        hint = "write numbers without quotes"
    elif len(steps) == 1 and not isinstance(value, dict):
        hint = f"write its keys under the header [{steps[0]}]"
    return ConfigError(f"{where}: expected {expected}, found {_found(value)}", source=source, hint=hint)


def _unknown(data: dict, steps: list, parent: Any, value: Any, source: str) -> ConfigError:
    key = steps[-1]
    base, _ = _unwrap(parent)
    known = list(base.model_fields) if _is_model(base) else []
    close = difflib.get_close_matches(key, known, n=1) or difflib.get_close_matches(key.lower(), known, n=1)
    noun = "section" if len(steps) == 1 else "table" if isinstance(value, dict) else "key"
    hint = f"did you mean {close[0]}?" if close else f"known {'sections' if len(steps) == 1 else 'keys'}: " + (
        ", ".join(known))
    if isinstance(value, dict) and not any(isinstance(s, int) for s in steps):
        return ConfigError(f"[{'.'.join(map(_bare, steps))}] is not a known {noun}", source=source, hint=hint)
    return ConfigError(f"{_toml_path(data, steps)} is not a known {noun}", source=source, hint=hint)


def _walk(loc: tuple) -> tuple[list, Any, Any]:
    """The TOML steps (keys and indices) of pydantic's ``loc``, the declared type there and the type it sits in."""
    steps: list = []
    declared: Any = ConfigFile
    parent: Any = None
    key_type: Any = None
    for part in loc:
        base, _ = _unwrap(declared)
        if part == "[key]":                     # the error is about a table's key, not its value
            declared = key_type
            continue
        if _is_union(base) and isinstance(part, str):
            continue                            # pydantic names the member of a union it tried: not a TOML step
        steps.append(part)
        parent, declared = declared, _child(base, part)
        if get_origin(base) is dict:
            key_type = get_args(base)[0]
    return steps, declared, parent


def _child(base: Any, part: Any) -> Any:
    if _is_model(base):
        field = base.model_fields.get(part)
        return Annotated[(field.annotation, *field.metadata)] if field and field.metadata else (
            field.annotation if field else None)
    if get_origin(base) is dict:
        return get_args(base)[1]
    if get_origin(base) in (tuple, list):
        return get_args(base)[0]
    return None


def _unwrap(declared: Any) -> tuple[Any, list]:
    """``Annotated[T, m1, m2]`` → ``(T, [m1, m2])``, nested ``Annotated`` and grouped metadata flattened."""
    metadata: list = []
    while get_origin(declared) is Annotated:
        declared, *more = get_args(declared)
        for m in more:
            metadata.extend(m if isinstance(m, at.GroupedMetadata) else [m])
    return declared, metadata


def _is_model(base: Any) -> bool:
    return isinstance(base, type) and issubclass(base, BaseModel)


def _is_union(base: Any) -> bool:
    return get_origin(base) in (Union, types.UnionType)


def _describe(declared: Any) -> str:
    """What a value of the declared type looks like: "a whole number from 1 to 120", "a table", "one of due, issued"."""
    base, metadata = _unwrap(declared)
    for m in metadata:
        if isinstance(m, Expect):
            return m.text
    if _is_union(base):
        members = [a for a in get_args(base) if a is not type(None)]
        return " or ".join(_describe(m) for m in members)
    if get_origin(base) is Literal:
        return "one of " + ", ".join(map(str, get_args(base)))
    if _is_model(base) or base is dict or get_origin(base) is dict:
        return "a table"
    if get_origin(base) in (tuple, list):
        return "an array of tables" if _is_model(_unwrap(get_args(base)[0])[0]) else "a list"
    if base is bool:
        return "true or false"
    if base in (int, float):
        return _bounded("a whole number" if base is int else "a number", metadata)
    if base is str:
        return "text"
    return "a valid value"


def _bounded(noun: str, metadata: list) -> str:
    bound = {k: getattr(m, k) for m in metadata for k in ("gt", "ge", "lt", "le") if getattr(m, k, None) is not None}
    low, high = bound.get("ge"), bound.get("le")
    if bound.get("gt") == 0 and high is None:
        return noun.replace("a ", "a positive ", 1)
    if low is not None and high is not None:
        return f"{noun} from {low} to {high}"
    if low is not None:
        return f"{noun}, {low} or more"
    if high is not None:
        return f"{noun}, {high} or less"
    return noun


def _numeric(declared: Any) -> bool:
    base, _ = _unwrap(declared)
    if _is_union(base):
        return any(_numeric(a) for a in get_args(base))
    return base in (int, float)


def _looks_numeric(text: str) -> bool:
    return re.fullmatch(r"\s*[-+]?\d[\d_]*(\.\d+)?\s*", text) is not None


def _toml_path(root: Any, steps: list) -> str:
    """``steps`` as a person finds them in the file: ``[dso] months``, ``[company.rates] EUR``, ``odoo`` (a top-level
    key), ``[[reminders.levels]] 2 password`` (the second ``[[reminders.levels]]``), ``[aging] edges, item 1``."""
    header: list[str] = []
    index: int | None = None
    key: str | None = None
    node = root
    i = 0
    while i < len(steps):
        step = steps[i]
        if i == len(steps) - 1:
            key = _bare(step) if isinstance(step, str) else f"item {step + 1}"
            break
        child = _get(node, step)
        if isinstance(child, dict):
            header.append(_bare(step))
            index, node, i = None, child, i + 1
            continue
        nxt = steps[i + 1]
        if isinstance(child, list) and isinstance(nxt, int) and isinstance(_get(child, nxt), dict) and (
                i + 2 < len(steps)):                # a key inside the n-th table of an array of tables
            header.append(_bare(step))
            index, node, i = nxt + 1, child[nxt], i + 2
            continue
        key = _bare(step) + "".join(f", item {s + 1}" if isinstance(s, int) else f".{_bare(s)}" for s in steps[i + 1:])
        break
    if index is not None:
        head = f"[[{'.'.join(header)}]] {index}"
    else:
        head = f"[{'.'.join(header)}]" if header else ""
    return " ".join(p for p in (head, key) if p)


def _get(node: Any, step: Any) -> Any:
    if isinstance(node, dict):
        return node.get(step)
    if isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
        return node[step]
    return None


def _bare(key: Any) -> str:
    key = str(key)
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)


def _found(value: Any, *, inner: bool = False) -> str:
    """A value as the file spells it, short and on one line."""
    if isinstance(value, dict):
        return "{…}" if inner else "a table"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, (list, tuple)):
        text = "[" + ", ".join(_found(v, inner=True) for v in value) + "]"
    elif isinstance(value, (date, datetime, time)):
        text = value.isoformat()
    else:
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"
