"""Reminder notices as e-mail: one :class:`~receivables.reminders.Notice` rendered from its level's template into a
message with a plain-text and an HTML part. Nothing is sent here and nothing is recorded.

Templates. A notice template is two Jinja files in a language folder, ``<lang>/<template>.txt.j2`` and
``<lang>/<template>.html.j2``, under ``jobs/templates/reminders`` (shipped: ``friendly``, ``first``, ``second``,
``final`` and ``instalment``, a payment plan's note, in ``en`` and ``de``) or under a company's own templates
folder, which is searched first: a file there overrides the shipped one of the same name, and a new name adds a
template. The subject is the ``{% block subject %}``
of the text template: one line, rendered without HTML escaping like the rest of the text part, and kept in the same
file as the words it sums up, so a template is always two files and never a third entry elsewhere to keep in step.
The text template therefore extends a layout (the shipped ``<lang>/_layout.txt.j2``, or one of the company's) that
does not print that block; the layouts lay out the greeting, the open items, the totals, the payment instructions
and the sign-off, and a notice template fills the blocks ``intro`` and ``request`` (and may replace ``greeting`` and
``closing``).

Which files. The customer's language (``"de_DE"``, ``"de"``, ``"en_US"``, any case) is taken by its primary
subtag; its template is used where there is one, else the English one. Each language is looked up in the company's
folder, then the shipped one; the first folder holding either file of the template must hold both (the subject,
the text and the HTML always come from one folder in one language). A template found nowhere raises
:class:`TemplateMissing` naming the folders looked in.

What a template sees: ``customer``, ``customer_id``, ``email``, ``level``, ``template``, ``lang`` (the language
used), ``company_name``, ``payment_instructions`` (text, possibly several lines), ``as_of`` (a date), ``items`` (the
notice's :class:`~receivables.reminders.NoticeItem`: ``number``, ``kind``, ``issued``, ``due``, ``days_past_due``,
``currency``, ``amount`` (negative for credits), ``disputed``), ``totals`` (pairs of currency and amount),
``pay_links`` (item id -> the link to pay that item online, where the source or ``[reminders] pay_link`` gives one),
``charges`` (item id -> (interest, fees) charged on it, ``[fees]``), ``charge_totals`` (per currency: currency,
interest, fees, the total due with them), ``discounts`` (item id -> (last day, amount that settles the item by then)
where its terms give an early-payment discount still open at the notice's date), ``plan_broken`` (the payment plan
the customer broke: ``agreed_on``, ``number`` and ``due`` of the instalment missed, ``shortfall``, ``currency``; else
None), ``instalment`` (the instalment of a payment plan a note of the ``instalment`` template announces:
``agreed_on``, ``number``, ``of``, ``due``, ``amount``, ``currency``; else None), and in the HTML template
``subject``. Filters: ``amount(currency)``
(``1,234.50 USD``, at the currency's places, in the language's separators: ``1.234,50 USD`` in German) and ``day``
(``2026-10-31``; ``31.10.2026`` in German). HTML templates escape every value; text templates print values as they
are. An undefined name is an error, not an empty string.

Headers. From (the company's name as display name unless a pair is given), To (the customer's name and e-mail
address; several addresses separated by commas or semicolons become several mailboxes), Reply-To when given,
Subject, Date, Message-ID (given) and ``X-Ardesk-Notice: <level> <customer_id>``. A value that would carry a line
break or another control character into a header, and an address that is none, raise :class:`HeaderRefused`: the
caller leaves that customer out and goes on with the others.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from decimal import Decimal
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import jinja2
import jinja2.nodes

from receivables.errors import ConfigError, InputError
from receivables.money import money, quantize

if TYPE_CHECKING:
    from receivables.reminders import Notice

#: The shipped notice templates: one folder per language.
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates" / "reminders"
#: The language every template falls back to.
FALLBACK_LANG = "en"
#: The two files of a template: ``<template>.txt.j2`` and ``<template>.html.j2``.
PARTS = ("txt", "html")

#: Thousands separator and decimal point by language; a language not named here is written as English is.
_SEPARATORS = {"en": (",", "."), "de": (".", ",")}
#: Dates by language; a language not named here gets ISO 8601, as English does.
_DAY_FORMATS = {"de": "%d.%m.%Y"}

_LANGUAGE = re.compile(r"\s*([A-Za-z]{2,3})(?=$|[-_.@\s])")
_TEMPLATE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_MESSAGE_ID = re.compile(r"<[^<>@\s]+@[^<>@\s]+>")
#: An address as a header can carry it: ASCII without spaces, quotes, brackets or list separators, one ``@``.
_ADDRESS = re.compile(r"[!#-'*+\-/-9=?A-Z^-~]+(?:\.[!#-'*+\-/-9=?A-Z^-~]+)*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*")
#: Line breaks (CR, LF and every other character ``str.splitlines`` breaks at) and the other control characters.
_UNSAFE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f\x85\u2028\u2029]")


class HeaderRefused(InputError):
    """A header value the message cannot carry: a line break or control character in it (CR or LF would start a
    header of its own), or an address that is none. ``reason`` says which; ``header`` names the header."""

    def __init__(self, reason: str, *, header: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.header = header


class TemplateMissing(ConfigError):
    """No notice template of that name in any folder looked in (``folders``), or only half of one."""

    def __init__(self, message: str, *, template: str, folders: tuple[Path, ...]):
        super().__init__(message, hint="a notice template is <lang>/<template>.txt.j2 and <lang>/<template>.html.j2")
        self.template = template
        self.folders = folders


class TemplateBroken(ConfigError):
    """A notice template that cannot be read or rendered (a syntax error, an undefined name, no subject)."""


class Rendered(NamedTuple):
    subject: str
    text: str
    html: str


class Located(NamedTuple):
    """Where a template was found: its ``lang`` folder under ``folder``."""

    lang: str
    folder: Path


# ---------------------------------------------------------------------------------------------- formats


def language(lang: str | None) -> str:
    """The primary language of ``lang`` in lower case (``"de_DE"``, ``"DE-at"``, ``"de"`` → ``"de"``), or
    :data:`FALLBACK_LANG` when ``lang`` names none."""
    found = _LANGUAGE.match(lang or "")
    return found.group(1).lower() if found else FALLBACK_LANG


def format_amount(amount: Decimal | int | str, currency: str, lang: str | None = FALLBACK_LANG) -> str:
    """``amount`` at ``currency``'s places (rounded half up), with thousands separators, and the currency's code:
    ``1,234.50 USD``, ``100,000 JPY``, ``1.250 KWD``; in German ``1.234,50 USD``. Exact: a float is refused."""
    value = quantize(money(amount), currency)
    if value.is_zero():
        value = abs(value)                                  # no "-0.00"
    text = format(value, ",f")
    thousands, point = _SEPARATORS.get(language(lang), _SEPARATORS[FALLBACK_LANG])
    if (thousands, point) != (",", "."):
        text = text.translate(str.maketrans({",": thousands, ".": point}))
    return f"{text} {currency}" if currency else text


def format_day(day: date | None, lang: str | None = FALLBACK_LANG) -> str:
    """``day`` as the language writes it (ISO 8601 unless :data:`_DAY_FORMATS` says otherwise); empty for ``None``."""
    if day is None:
        return ""
    pattern = _DAY_FORMATS.get(language(lang))
    return day.strftime(pattern) if pattern else day.isoformat()


@jinja2.pass_context
def _amount_filter(context, amount, currency: str) -> str:
    return format_amount(amount, currency, context.get("lang", FALLBACK_LANG))


@jinja2.pass_context
def _day_filter(context, day) -> str:
    return format_day(day, context.get("lang", FALLBACK_LANG))


# ---------------------------------------------------------------------------------------------- templates


def _folders(templates_dir: str | Path | None) -> tuple[Path, ...]:
    """The folders searched, in order: the company's (when given), then the shipped one."""
    if templates_dir is None:
        return (TEMPLATES_DIR,)
    own = Path(templates_dir).expanduser()
    if not own.is_dir():
        raise ConfigError(f"the templates folder {own} does not exist or is no folder")
    own = own.resolve()
    return (own,) if own == TEMPLATES_DIR else (own, TEMPLATES_DIR)


def locate(template: str, *, lang: str | None = None, templates_dir: str | Path | None = None) -> Located:
    """Where ``template`` is found for a customer speaking ``lang`` (see the module's rules)."""
    if not isinstance(template, str) or not _TEMPLATE_NAME.fullmatch(template):
        raise ConfigError(f"not a notice template's name: {template!r}",
                          hint="letters, digits, '-' and '_', not starting with '_' or '-'")
    folders = _folders(templates_dir)
    looked: list[Path] = []
    for code in dict.fromkeys((language(lang), FALLBACK_LANG)):
        for folder in folders:
            here = folder / code
            looked.append(here)
            present = [part for part in PARTS if (here / f"{template}.{part}.j2").is_file()]
            if len(present) == len(PARTS):
                return Located(code, folder)
            if present:
                (absent,) = set(PARTS) - set(present)
                raise TemplateMissing(f"{here} holds {template}.{present[0]}.j2 but not {template}.{absent}.j2",
                                      template=template, folders=tuple(looked))
    raise TemplateMissing(f"no notice template {template!r} ({template}.txt.j2 and {template}.html.j2) in "
                          + ", ".join(map(str, looked)), template=template, folders=tuple(looked))


@lru_cache(maxsize=16)
def _environment(folders: tuple[Path, ...]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(f) for f in folders]),
        # HTML escaped by the file's name, whatever folder it comes from; only text templates are not
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), disabled_extensions=("txt.j2",),
                                            default_for_string=True, default=True),
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["amount"] = _amount_filter
    env.filters["day"] = _day_filter
    return env


_PARSER = jinja2.Environment()


@lru_cache(maxsize=64)
def _extends(source: str) -> bool:
    return _PARSER.parse(source).find(jinja2.nodes.Extends) is not None


@lru_cache(maxsize=64)
def _parent(source: str) -> str | None:
    """The layout a template extends (a constant name), or None."""
    node = _PARSER.parse(source).find(jinja2.nodes.Extends)
    return node.template.value if node is not None and isinstance(node.template, jinja2.nodes.Const) else None


def _load(env: jinja2.Environment, name: str) -> jinja2.Template:
    try:
        return env.get_template(name)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateBroken(f"notice template {name}: {exc.message}", source=exc.filename, row=exc.lineno) from exc
    except jinja2.TemplateError as exc:
        raise TemplateBroken(f"notice template {name}: {exc}") from exc


def render_text_and_html(notice: Notice, *, company_name: str, lang: str | None = None,
                         payment_instructions: str = "", as_of: date | datetime,
                         templates_dir: str | Path | None = None, pay_links: Mapping[str, str] | None = None,
                         charges: Mapping[str, tuple[Decimal, Decimal]] | None = None,
                         discounts: Mapping[str, tuple[date, Decimal]] | None = None,
                         plan_broken: Mapping | None = None, instalment: Mapping | None = None) -> Rendered:
    """The subject, text and HTML of ``notice`` in the customer's language ``lang`` (drafts, letters; :func:`render`
    makes the e-mail). ``as_of`` is the date the open items stand at (a datetime's own date). Header values are not
    checked here."""
    found = locate(notice.template, lang=lang, templates_dir=templates_dir)
    env = _environment(_folders(templates_dir))
    text_t = _load(env, f"{found.lang}/{notice.template}.txt.j2")
    html_t = _load(env, f"{found.lang}/{notice.template}.html.j2")
    if "subject" not in text_t.blocks or not _extends(Path(text_t.filename).read_text(encoding="utf-8")):
        raise TemplateBroken(f"notice template {text_t.name} must extend a layout and define its own "
                             "{% block subject %}", source=text_t.filename)
    variables = {
        "lang": found.lang, "customer": notice.customer, "customer_id": notice.customer_id, "email": notice.email,
        "level": notice.level, "template": notice.template, "company_name": company_name,
        "payment_instructions": payment_instructions,
        "as_of": as_of.date() if isinstance(as_of, datetime) else as_of,
        "items": tuple(notice.items), "totals": tuple(notice.totals.items()),
        "pay_links": {i.id: pay_links[i.id] for i in notice.items if i.id in pay_links} if pay_links else {},
        **_charge_variables(notice, charges),
        "discounts": {i.id: discounts[i.id] for i in notice.items if i.id in discounts} if discounts else {},
        "plan_broken": dict(plan_broken) if plan_broken else None,
        "instalment": dict(instalment) if instalment else None,
    }
    try:
        subject = "".join(text_t.blocks["subject"](text_t.new_context(variables))).strip()
        text = text_t.render(variables)
        html = html_t.render({**variables, "subject": subject})
    except jinja2.TemplateError as exc:
        raise TemplateBroken(f"notice template {found.lang}/{notice.template}: {exc}") from exc
    if not subject:
        raise TemplateBroken(f"notice template {text_t.name} gives an empty subject", source=text_t.filename)
    return Rendered(subject, text.strip("\n") + "\n", html.strip("\n") + "\n")


class LetterParts(NamedTuple):
    """A notice's words for a letter, each block of its text template rendered alone: the letter lays out the
    address, the items and the totals itself."""

    lang: str
    subject: str
    greeting: str
    intro: str
    request: str
    closing: str


def letter_parts(notice: Notice, *, company_name: str, lang: str | None = None, payment_instructions: str = "",
                 as_of: date, templates_dir: str | Path | None = None,
                 pay_links: Mapping[str, str] | None = None, instalment: Mapping | None = None) -> LetterParts:
    """The blocks of ``notice``'s text template (the same words as its e-mail, in the customer's language), for
    :mod:`jobs.letters`."""
    found = locate(notice.template, lang=lang, templates_dir=templates_dir)
    env = _environment(_folders(templates_dir))
    text_t = _load(env, f"{found.lang}/{notice.template}.txt.j2")
    variables = {
        "lang": found.lang, "customer": notice.customer, "customer_id": notice.customer_id, "email": notice.email,
        "level": notice.level, "template": notice.template, "company_name": company_name,
        "payment_instructions": payment_instructions, "as_of": as_of,
        "items": tuple(notice.items), "totals": tuple(notice.totals.items()),
        "pay_links": {i.id: pay_links[i.id] for i in notice.items if i.id in pay_links} if pay_links else {},
        **_charge_variables(notice, None), "discounts": {}, "plan_broken": None,
        "instalment": dict(instalment) if instalment else None,
    }
    out = {}
    try:
        chain = [text_t]                   # the template, then the layouts it extends: a block is the first found
        while len(chain) < 8:
            parent = _parent(Path(chain[-1].filename).read_text(encoding="utf-8"))
            if parent is None:
                break
            chain.append(_load(env, parent))
        context = text_t.new_context(variables)
        for t in chain:
            for name, func in t.blocks.items():
                context.blocks.setdefault(name, []).append(func)
        for name in ("subject", "greeting", "intro", "request", "closing"):
            found_block = context.blocks.get(name)
            out[name] = "".join(found_block[0](context)).strip() if found_block else ""
    except jinja2.TemplateError as exc:
        raise TemplateBroken(f"notice template {found.lang}/{notice.template}: {exc}") from exc
    if not out["subject"]:
        raise TemplateBroken(f"notice template {text_t.name} gives an empty subject", source=text_t.filename)
    return LetterParts(found.lang, **out)


def _charge_variables(notice: Notice, charges: Mapping[str, tuple[Decimal, Decimal]] | None) -> dict:
    """``charges`` (item id -> (interest, fees)) of the notice's items, and ``charge_totals``: per currency the
    interest, the fees and the total due with them (the open total plus both)."""
    mine = {i.id: charges[i.id] for i in notice.items if i.id in charges} if charges else {}
    sums: dict[str, list[Decimal]] = {}
    for i in notice.items:
        if i.id in mine:
            s = sums.setdefault(i.currency, [Decimal(0), Decimal(0)])
            s[0] += mine[i.id][0]
            s[1] += mine[i.id][1]
    return {"charges": mine, "charge_totals": tuple((cur, s[0], s[1], notice.totals.get(cur, Decimal(0)) + s[0] + s[1])
                                                    for cur, s in sums.items())}


# ---------------------------------------------------------------------------------------------- the message


def _safe(header: str, value: str, what: str) -> str:
    bad = _UNSAFE.search(value)
    if bad:
        kind = "a line break (CR or LF)" if bad.group() in "\r\n" else f"the control character {bad.group()!r}"
        raise HeaderRefused(f"{header}: {what} contains {kind}: {value[:60]!r}", header=header)
    return value


def _mailbox(header: str, name: str, address: str, what: str) -> str:
    _safe(header, name, what)
    _safe(header, address, f"the address of {what}")
    address = address.strip()
    if not _ADDRESS.fullmatch(address):
        raise HeaderRefused(f"{header}: not an e-mail address of {what}: {address[:60]!r}", header=header)
    return formataddr((name.strip(), address))


def _sender(header: str, value: str | tuple[str, str], default_name: str) -> str:
    """An address, or a pair (display name, address)."""
    name, address = (default_name, value) if isinstance(value, str) else value
    return _mailbox(header, name, address, "the sender" if header == "From" else "the reply address")


def _recipients(notice: Notice) -> str:
    _safe("To", notice.customer, "the customer's name")
    addresses = [a.strip() for a in re.split(r"[,;]", notice.email or "") if a.strip()]
    if not addresses:
        raise HeaderRefused(f"To: no e-mail address for customer {notice.customer_id}", header="To")
    return ", ".join(_mailbox("To", notice.customer, a, "the customer") for a in addresses)


def _date_header(as_of: date | datetime) -> str:
    if isinstance(as_of, datetime):
        if as_of.utcoffset() is None:
            raise ValueError(f"as_of must be a date or a timezone-aware datetime, not {as_of!r}")
        return format_datetime(as_of)
    return format_datetime(datetime.combine(as_of, time(), UTC))


def render(notice: Notice, *, company_name: str, from_addr: str | tuple[str, str],
           reply_to: str | tuple[str, str] | None = None, lang: str | None = None, payment_instructions: str = "",
           as_of: date | datetime, message_id: str, templates_dir: str | Path | None = None,
           pay_links: Mapping[str, str] | None = None,
           charges: Mapping[str, tuple[Decimal, Decimal]] | None = None,
           discounts: Mapping[str, tuple[date, Decimal]] | None = None,
           plan_broken: Mapping | None = None, instalment: Mapping | None = None) -> EmailMessage:
    """``notice`` as an e-mail to the customer (multipart/alternative: text/plain, then text/html, both UTF-8).

    ``lang``: the customer's language (its contact's, e.g. ``Contact.lang``; default English). ``from_addr`` and
    ``reply_to`` are an address (From then shows ``company_name``) or a pair (display name, address); an empty
    ``reply_to`` is none. ``as_of``: the date the items stand at; a timezone-aware datetime also dates the message
    (a date dates it at 00:00 UTC). ``message_id`` is given, as ``<id@domain>``. Raises :class:`HeaderRefused` for
    a header value it cannot carry (its ``header`` says which: From and Reply-To come from the configuration; To,
    X-Ardesk-Notice and Subject carry the notice's values), :class:`TemplateMissing` and :class:`TemplateBroken` for
    templates."""
    if not isinstance(message_id, str) or not _MESSAGE_ID.fullmatch(message_id):
        raise ValueError(f"message_id must be of the form <id@domain>, not {message_id!r}")
    date_header = _date_header(as_of)
    sender = _sender("From", from_addr, company_name)
    to = _recipients(notice)
    reply = _sender("Reply-To", reply_to, "") if reply_to else None
    tracing = _safe("X-Ardesk-Notice", f"{notice.level} {notice.customer_id}", "the level or the customer's id")
    subject, text, html = render_text_and_html(notice, company_name=company_name, lang=lang,
                                               payment_instructions=payment_instructions, as_of=as_of,
                                               templates_dir=templates_dir, pay_links=pay_links,
                                               charges=charges, discounts=discounts, plan_broken=plan_broken,
                                               instalment=instalment)
    _safe("Subject", subject, "the subject")

    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    if reply is not None:
        msg["Reply-To"] = reply
    msg["Subject"] = subject
    msg["Date"] = date_header
    msg["Message-ID"] = message_id
    msg["X-Ardesk-Notice"] = tracing
    # quoted-printable: 7-bit lines of at most 76 characters, whatever the server and however long a template's line
    msg.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    return msg


__all__ = ["FALLBACK_LANG", "PARTS", "TEMPLATES_DIR", "HeaderRefused", "LetterParts", "Located", "Rendered",
           "TemplateBroken", "TemplateMissing", "format_amount", "format_day", "language", "letter_parts", "locate",
           "render", "render_text_and_html"]
