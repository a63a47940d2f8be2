"""The TOML configuration (``ardesk.toml``): found, read and checked against the schema, as a frozen ``Config``.

The sections, keys, types and defaults are declared once, as pydantic models, in :mod:`receivables.config_schema`
(its docstring says why pydantic); this module reads the file, turns every problem into one line (a
:class:`~receivables.errors.ConfigError` naming the file, the key and what was expected), and gives the rest of the
code the attributes it reads (``config.ledger``, ``config.odoo.batch_size``, ...). Relative paths in the file are
relative to the file.

Secrets never live here: the Odoo password or API key comes from ``ARDESK_ODOO_PASSWORD``, the SMTP password from
``ARDESK_SMTP_PASSWORD``. A key that looks like a secret anywhere in the file is refused, so nobody commits one by
accident.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .config_schema import (
    PASSWORD_ENV,
    SMTP_PASSWORD_ENV,
    AgingConfig,
    CompanyConfig,
    ConfigFile,
    DsoConfig,
    FilesConfig,
    JobsConfig,
    LedgerConfig,
    NotesConfig,
    OdooConfig,
    PrivacyConfig,
    ReminderLevel,
    RemindersConfig,
    SmtpConfig,
    SourceConfig,
    WorklistConfig,
    check,
    validate_edges,
)
from .errors import ConfigError

CONFIG_NAME = "ardesk.toml"


@dataclass(frozen=True)
class Config:
    """A checked configuration. ``sections`` is the validated file (every section, defaults filled in); the
    attributes below are what the code reads. ``Config()`` is the defaults, with paths relative to the cwd."""

    path: Path | None = None                 # the file it came from, if any
    sections: ConfigFile = field(default_factory=ConfigFile)
    raw: dict = field(default_factory=dict)  # the whole file as parsed
    fees: object | None = None               # ``[fees]`` checked (receivables.fees_config.FeesConfig), when present
    _base: Path | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        # the folder relative paths in the file start from, fixed when loaded (a later chdir changes nothing)
        if self.path is not None and self._base is None:
            object.__setattr__(self, "_base", Path(self.path).resolve().parent)

    def _relative(self, value: str) -> Path:
        p = Path(value).expanduser()
        return p if p.is_absolute() or self._base is None else self._base / p

    @property
    def default_source(self) -> str | None:
        """``[source] default``: "odoo", "ledger", or a path made relative to the file; None when not set."""
        value = self.sections.source.default
        if not value:
            return None
        return value if value in ("odoo", "ledger") else str(self._relative(value))

    @property
    def ledger(self) -> Path:
        return self._relative(self.sections.files.ledger)

    @property
    def workbook(self) -> Path:
        return self._relative(self.sections.files.workbook)

    @property
    def company_currency(self) -> str | None:
        return self.sections.company.currency

    @property
    def company_name(self) -> str:
        return self.sections.company.name

    @property
    def reminder_contacts(self) -> Path | None:
        """``[reminders] contacts``, relative to the configuration file; None when not set."""
        path = self.sections.reminders.contacts
        return self._relative(path) if path else None

    @property
    def fee_schedule(self):
        """``[fees]`` as the engine's :class:`~receivables.fees.FeeSchedule` (no rules when the file has none)."""
        if self.fees is None:
            from .fees import FeeSchedule

            return FeeSchedule()
        from .fees_config import fee_schedule

        return fee_schedule(self.fees)

    @property
    def handoffs_folder(self) -> Path:
        """``[reminders] handoffs``, relative to the configuration file."""
        return self._relative(self.sections.reminders.handoffs)

    @property
    def letters_folder(self) -> Path:
        """``[letters] folder``, relative to the configuration file."""
        return self._relative(self.sections.letters.folder)

    @property
    def letters_font(self) -> Path | None:
        """``[letters] font``, relative to the configuration file; None when not set."""
        font = self.sections.letters.font
        return self._relative(font) if font else None

    @property
    def reminder_templates(self) -> Path | None:
        """``[reminders] templates``, relative to the configuration file; None when not set."""
        folder = self.sections.reminders.templates
        return self._relative(folder) if folder else None

    @property
    def rates(self) -> dict[str, str]:
        """Company-currency units per unit of a foreign currency, as decimal strings: ``{"EUR": "1.08"}``."""
        return dict(self.sections.company.rates)

    @property
    def odoo(self) -> OdooConfig:
        return self.sections.odoo

    @property
    def aging(self) -> AgingConfig:
        return self.sections.aging

    @property
    def dso(self) -> DsoConfig:
        return self.sections.dso

    @property
    def smtp(self) -> SmtpConfig:
        return self.sections.smtp

    @property
    def reminders(self) -> RemindersConfig:
        return self.sections.reminders

    @property
    def notes(self) -> NotesConfig:
        return self.sections.notes

    @property
    def jobs(self) -> JobsConfig:
        return self.sections.jobs

    @property
    def worklist(self) -> WorklistConfig:
        return self.sections.worklist

    @property
    def privacy(self) -> PrivacyConfig:
        return self.sections.privacy

    @property
    def ledger_settings(self) -> LedgerConfig:
        """``[ledger]`` (``busy_timeout``); ``config.ledger`` is the ledger file's path (``[files] ledger``)."""
        return self.sections.ledger


def find_config(explicit: str | os.PathLike | None = None, near: str | os.PathLike | None = None) -> Path | None:
    """The config file to use: ``explicit``, else ``ardesk.toml`` beside ``near`` (a workbook), else in the cwd."""
    if explicit:
        p = Path(explicit)
        if not p.is_file():
            raise ConfigError("no such configuration file", source=str(p))
        return p
    candidates = []
    if near:
        candidates.append(Path(near).resolve().parent / CONFIG_NAME)
    candidates.append(Path.cwd() / CONFIG_NAME)
    return next((c for c in candidates if c.is_file()), None)


def load_config(path: str | os.PathLike | None = None) -> Config:
    """Load ``path`` (or return the defaults when ``None``). Every problem is one ``ConfigError`` line that starts
    with the file's path."""
    if path is None:
        return Config()
    path = Path(path)
    source = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror or exc}", source=source) from None
    try:
        text = data.decode("utf-8-sig")        # a byte-order mark (Windows Notepad) is not an error
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ConfigError(f"the file is not UTF-8 text: byte 0x{data[exc.start]:02x} on line {line}",
                          source=source, hint="save it as UTF-8") from None
    try:
        document = tomllib.loads(text)
        sections = check(document, source)
        fees = None
        if "fees" in document:               # checked by its own schema, imported only when the file has one
            from .fees_config import check_fees

            fees = check_fees(document, source)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("not valid TOML: " + " ".join(str(exc).split()), source=source) from None
    except RecursionError:
        raise ConfigError("not valid TOML: arrays or tables nested too deeply", source=source) from None
    return Config(path=path, sections=sections, raw=document, fees=fees)


__all__ = [
    "CONFIG_NAME", "PASSWORD_ENV", "SAMPLE_CONFIG", "SMTP_PASSWORD_ENV", "AgingConfig", "CompanyConfig", "Config",
    "ConfigError", "ConfigFile", "DsoConfig", "FilesConfig", "JobsConfig", "LedgerConfig", "NotesConfig",
    "OdooConfig", "PrivacyConfig", "ReminderLevel", "RemindersConfig", "SmtpConfig", "SourceConfig",
    "WorklistConfig", "find_config", "load_config", "validate_edges",
]


SAMPLE_CONFIG = """\
# ardesk configuration. Secrets never go here: the Odoo password or API key comes from the environment
# variable ARDESK_ODOO_PASSWORD, the mail server's password from ARDESK_SMTP_PASSWORD.
# Relative paths are relative to this file. A misspelt key is refused, naming the nearest valid one.

[source]
# "odoo", "ledger", or a path to a QuickBooks export or a folder of exports.
default = "exports"

[files]
ledger = "ardesk.db"
workbook = "collections.xlsm"

[company]
# name = "Harbor Lane Supply Co"   # how reminder notices sign off
# address = "1 Harbor Lane\\nPortland, OR 97201"   # letters: the letterhead and the return address
# contact = "+1 503 555 0100 · ar@harborlane.example"   # letters: one line under the letterhead
# currency = "USD"
# [company.rates]      # company-currency units per unit of a foreign currency, where the source has no rate
# EUR = "1.08"

[odoo]
# url = "https://erp.example.com"
# db = "production"
# user = "collections@example.com"
# company = "My Company"      # name or id; default: the user's current company
# batch_size = 2000
# timeout = 120               # seconds an RPC call may take
# retries = 4                 # attempts when Odoo does not answer
# backoff = 0.5               # seconds before the first retry; doubles each time
# history_months = 24         # settled items this far back: agings at past dates and DSO history need them

[aging]
edges = [30, 60, 90]          # whole days, 1 to 3650, increasing
by = "due"                    # or "issued"
default_terms_days = 30       # an invoice without a due date (and no terms) falls due this many days after issue

[dso]
# period_days = 90            # default: calendar days of the period
months = 12                   # 1 to 120
cei_sales = "total"           # or "average" (monthly average credit sales)

[smtp]
# host = "smtp.example.com"
# port = 587
# user = "ar@example.com"     # leave out when the server takes mail without a login
# security = "starttls"      # or "ssl" (port 465), or "none" (a relay on this machine only)
# from_address = "ar@example.com"
# reply_to = "collections@example.com"
# timeout = 30                # seconds
# rate_per_minute = 30        # messages at most per minute

[reminders]
# hold = ["Beacon Studios", 42]   # customers (names or ids) who get no reminders
# payment_instructions = "Please pay to IBAN DE00 0000 0000 0000 0000 00, quoting the invoice numbers."
# handoffs = "handoffs"       # where a level with channel "agency" writes each customer's hand-off files
# pay_link = "https://pay.example.com/invoice/{number}"   # QuickBooks: a link to pay each invoice online (Odoo
#                             # gives its portal's); placeholders number, customer, customer_id, amount, currency
# templates = "templates"         # a folder of your own notice templates (<lang>/<template>.html.j2, .txt.j2)
# contacts = "exports/Customer Contact List.csv"   # QuickBooks: where the customers' e-mail addresses are
# consumers = ["Jane Doe"]        # customers who are consumers: the contact rules below apply to them
# Without levels the policy is: "friendly" 5 days before due, "first" 7, "second" 21 and "final" 45 days past
# due, all by e-mail. Levels written here replace it, in increasing order of days:
# [[reminders.levels]]
# name = "friendly"
# days = -5                   # days past due; negative: before the due date
# template = "friendly"       # default: the level's name
# channel = "email"           # or "letter", "call"
# min_amount = "0"            # customers owing less are not reminded at this level

[reminders.contact_rules]
# When and how often a consumer may be contacted (the US CFPB's Regulation F presumes 7 in 7 days):
# start = "08:00"             # local time in the consumer's time zone
# end = "21:00"
# days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
# max_contacts = 7
# per_days = 7
# timezone = "UTC"            # where a consumer's own time zone is not known, e.g. "America/New_York"

# [fees]                      # late fees and interest: see README.md, "Late fees and interest"
# [[fees.rules]]
# name = "contract"
# kind = "contractual"        # or "fixed", "eu" (EU Late Payment Directive), "uk" (UK Late Payment Act)
# rate = "8"                  # percent a year, simple, per day late

[letters]
# paper = "A4"                # or "letter": where the address window of the envelope is
# folder = "letters"          # where reminder letters (PDF) are written
# font = ""                   # a .ttf file; default: DejaVu Sans, Liberation Sans or Arial where installed

[notes]
# promise_grace_days = 3      # days after a promised date before the promise counts as broken

[jobs]
# When `ardesk jobs run` runs each job, in local time; a job left out is not scheduled. Words such as
# "daily 06:00", "every 1 hour", "every 15 minutes", "monday 08:00", "weekdays 07:00".
# refresh = "every day at 06:30"
# notes_push = "every hour"
# remind_build = "every monday at 07:00"
# remind_send = "every monday at 09:00"
# worklist = "every day at 07:00"
# prune = "every sunday at 03:00"
# privacy_prune = "every sunday at 04:00"

[worklist]
# How `ardesk worklist` ranks customers and picks each one's next action (README.md, "The worklist").
# answer_days = 7             # days a reminder waits for a payment or a note before it counts as unanswered
# touch_days = 14             # days without a note or reminder before an overdue customer is called
# dispute_days = 14           # days an open dispute may go without a note before it is checked
# broken_days = 90            # how far back broken promises count (a second one in that time: escalate)
# [worklist.weights]          # the points each factor adds to a customer's score
# overdue = 60.0              # the overdue balance: in full at the books' 90th percentile or above
# ages = [1.0, 1.5, 2.0, 3.0] # each overdue bucket's weight, youngest first (1-30, 31-60, 61-90, 91+)
# risk = 0.3                  # per point of the risk score (0-100)
# broken_promise = 60.0
# broken_plan = 60.0
# promise_due = 40.0          # a promise whose date has come
# instalment_due = 30.0       # a payment plan's instalment whose date has come
# follow_up = 40.0            # a note's next-action date reached
# bounced = 30.0              # the last e-mail reminder refused by the mail server
# unknown_outcome = 10.0      # the last reminder's delivery unknown
# no_answer = 20.0            # a reminder answered by no payment and no note
# level_due = 10.0            # a reminder level reached and not yet sent
# dispute = 20.0              # an open dispute with no note for dispute_days
# untouched = 0.5             # per day since the last note or reminder...
# untouched_cap = 30.0        # ...up to this many points
# [worklist.collectors]       # who works which customers, where the source names no salesperson
# Ann = ["Acme Ltd", 42]      # a collector and the customers' names or ids

[privacy]
# How long personal data is kept; `ardesk privacy prune` (or the scheduler) applies it. README.md, "Personal data".
# keep_notes_years = 6        # collection notes, counted from the date written on them
# keep_messages_years = 6     # reminders' addresses and outcomes, drafts, letters and hand-off files
# keep_contacts_after_last_invoice_years = 3   # e-mail, phone and address of a customer that owes nothing

[ledger]
# busy_timeout = 30           # seconds a writer waits for another ardesk writing to the same ledger
# keep_snapshots_days = 90    # the prune job deletes older snapshots, keeping every month's last one and the
#                             # latest of each source (past agings need nothing else); default: keep all
"""
