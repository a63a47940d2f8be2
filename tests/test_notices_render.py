"""Reminder notices rendered as e-mail (jobs.notices): every message is read back from its bytes, as a receiving
mail program would, and checked there: the parts and headers, HTML escaping against verbatim text, header values
refused, the language chosen and the fallbacks, a company's own templates, and amounts at each currency's places."""
from __future__ import annotations

import email
import email.policy
import re
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from markupsafe import escape

from jobs.notices import (
    TEMPLATES_DIR,
    HeaderRefused,
    TemplateBroken,
    TemplateMissing,
    format_amount,
    language,
    locate,
    render,
    render_text_and_html,
)
from receivables.errors import ConfigError
from receivables.records import OPEN_ITEMS, Books, Customer, Invoice, ItemKind
from receivables.reminders import Contact, Notice, NoticeItem, NoticeItems, build

D = Decimal
AS_OF = date(2026, 10, 31)
MESSAGE_ID = "<notice-c1-first@harbor.example>"
COMPANY = "Harbor Lane Supply Co"
DEFAULT_TEMPLATES = ("friendly", "first", "second", "final")


def item(number: str, amount: str, currency: str = "USD", *, kind: str = "invoice", past_due: int | None = 30,
         disputed: bool = False) -> NoticeItem:
    """An open item ``past_due`` days past due at AS_OF (``None``: no due date), issued 30 days before it fell due."""
    due = None if past_due is None else AS_OF - timedelta(days=past_due)
    issued = (due or AS_OF) - timedelta(days=30)
    return NoticeItem(id=number, number=number, kind=kind, issued=issued, due=due, days_past_due=past_due,
                      currency=currency, amount=D(amount), level="first" if past_due and past_due > 0 else None,
                      disputed=disputed)


INVOICE = item("INV/2026/0001", "1234.50")
CREDIT = item("RINV/2026/0003", "-250.00", kind="credit_note", past_due=None)


def notice(items=(INVOICE,), *, customer: str = "Acme Ltd", template: str = "first", customer_id: str = "C1",
           email_to: str = "ar@acme.example") -> Notice:
    totals: dict[str, Decimal] = {}
    for i in items:
        totals[i.currency] = totals.get(i.currency, D(0)) + i.amount
    return Notice(customer_id=customer_id, customer=customer, level=template, template=template, channel="email",
                  email=email_to, phone="", items=NoticeItems(items), totals=totals)


def message(n: Notice, **kw):
    """``n`` rendered, then read back from its bytes."""
    kw.setdefault("company_name", COMPANY)
    kw.setdefault("from_addr", "ar@harbor.example")
    kw.setdefault("as_of", AS_OF)
    kw.setdefault("message_id", MESSAGE_ID)
    return email.message_from_bytes(render(n, **kw).as_bytes(), policy=email.policy.default)


def bodies(parsed) -> tuple[str, str]:
    """The text and the HTML of a parsed notice, after checking it is those two parts in that order."""
    assert parsed.get_content_type() == "multipart/alternative"
    parts = list(parsed.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    assert [p.get_content_charset() for p in parts] == ["utf-8", "utf-8"]
    return parts[0].get_content(), parts[1].get_content()


def write(folder, files: dict[str, str]):
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


# ---------------------------------------------------------------------------------------------- the message


def test_a_notice_is_text_then_html_with_its_headers():
    raw = render(notice((INVOICE, CREDIT)), company_name=COMPANY, from_addr="ar@harbor.example",
                 reply_to="collections@harbor.example", payment_instructions="IBAN DE02 1203 0000 0000 2020 51",
                 as_of=AS_OF, message_id=MESSAGE_ID).as_bytes()
    assert raw.isascii()                               # 7-bit throughout: encoded words and quoted-printable
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    text, html = bodies(parsed)

    (sender,) = parsed["From"].addresses
    assert (sender.display_name, sender.addr_spec) == (COMPANY, "ar@harbor.example")
    (to,) = parsed["To"].addresses
    assert (to.display_name, to.addr_spec) == ("Acme Ltd", "ar@acme.example")
    (reply,) = parsed["Reply-To"].addresses
    assert reply.addr_spec == "collections@harbor.example"
    assert parsed["Subject"] == f"Payment reminder: overdue invoices – {COMPANY}"
    assert parsed["Date"].datetime == datetime(2026, 10, 31, tzinfo=UTC)
    assert parsed["Message-ID"] == MESSAGE_ID
    assert parsed["X-Ardesk-Notice"] == "first C1"

    assert text.startswith("Dear Acme Ltd,\n")
    assert "Open items of Acme Ltd as of 2026-10-31:" in text
    assert "- Invoice INV/2026/0001 of 2026-09-01, due 2026-10-01, 30 days past due: 1,234.50 USD\n" in text
    assert "Total open: 984.50 USD\n" in text
    assert "How to pay:\nIBAN DE02 1203 0000 0000 2020 51\n" in text
    assert text.rstrip().endswith(f"Kind regards,\n{COMPANY}")
    assert '<html lang="en">' in html and f"<title>Payment reminder: overdue invoices – {COMPANY}</title>" in html
    assert re.search(r"<td>Invoice INV/2026/0001</td>\s*<td>2026-09-01</td>\s*<td>2026-10-01</td>\s*"
                     r"<td align=\"right\">30</td>\s*<td[^>]*>1,234.50 USD</td>", html)
    assert "IBAN DE02 1203 0000 0000 2020 51" in html


def test_the_parts_are_what_render_text_and_html_gives():
    n = notice((INVOICE, CREDIT), customer="Müller & Söhne GmbH")
    subject, text, html = render_text_and_html(n, company_name=COMPANY, lang="de", as_of=AS_OF,
                                               payment_instructions="IBAN DE02")
    parsed = message(n, lang="de", payment_instructions="IBAN DE02")
    assert (parsed["Subject"], *bodies(parsed)) == (subject, text, html)
    assert subject == f"Zahlungserinnerung: überfällige Rechnungen – {COMPANY}"


def test_reply_to_only_when_given_and_a_pair_names_the_sender():
    parsed = message(notice(), from_addr=("Accounts Receivable", "ar@harbor.example"))
    assert "Reply-To" not in parsed and "Reply-To" not in message(notice(), reply_to="")
    (sender,) = parsed["From"].addresses
    assert (sender.display_name, sender.addr_spec) == ("Accounts Receivable", "ar@harbor.example")
    (reply,) = message(notice(), reply_to=("Jo Collector", "jo@harbor.example"))["Reply-To"].addresses
    assert (reply.display_name, reply.addr_spec) == ("Jo Collector", "jo@harbor.example")


def test_a_timezone_aware_as_of_dates_the_message_and_a_naive_one_is_refused():
    berlin = timezone(timedelta(hours=1))
    parsed = message(notice(), as_of=datetime(2026, 10, 31, 9, 30, tzinfo=berlin))
    assert parsed["Date"].datetime == datetime(2026, 10, 31, 9, 30, tzinfo=berlin)
    assert parsed["Date"].datetime.utcoffset() == timedelta(hours=1)            # in the zone it was given in
    assert "as of 2026-10-31:" in bodies(parsed)[0]
    with pytest.raises(ValueError, match="timezone-aware"):
        message(notice(), as_of=datetime(2026, 10, 31, 9, 30))


@pytest.mark.parametrize("message_id", ["notice-1@harbor.example", "<notice-1>", "<notice 1@harbor.example>",
                                        "<a@harbor.example>\r\nBcc: x@evil.example", ""])
def test_a_message_id_must_be_of_the_form_id_at_domain(message_id):
    with pytest.raises(ValueError, match="message_id"):
        message(notice(), message_id=message_id)


def test_several_addresses_of_one_customer_are_several_mailboxes():
    parsed = message(notice(email_to="ar@acme.example; billing@acme.example"))
    assert [(a.display_name, a.addr_spec) for a in parsed["To"].addresses] == [
        ("Acme Ltd", "ar@acme.example"), ("Acme Ltd", "billing@acme.example")]


def test_non_ascii_names_are_encoded_words_and_read_back_as_they_were():
    raw = render(notice(customer="Müller & Söhne GmbH"), company_name="Bäckerei Groß", from_addr="ar@grosz.example",
                 as_of=AS_OF, message_id=MESSAGE_ID).as_bytes()
    headers = raw.split(b"\n\n", 1)[0]
    assert headers.isascii() and b"=?utf-8?" in headers and "Müller".encode() not in raw
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["To"].addresses[0].display_name == "Müller & Söhne GmbH"
    assert parsed["From"].addresses[0].display_name == "Bäckerei Groß"
    assert parsed["Subject"] == "Payment reminder: overdue invoices – Bäckerei Groß"
    assert bodies(parsed)[0].rstrip().endswith("Kind regards,\nBäckerei Groß")


# ---------------------------------------------------------------------------------------------- safety

HOSTILE = ["<script>alert('x')</script>", '"Acme" & <Co>']


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_are_escaped_in_html_and_verbatim_in_text(name):
    n = notice((item(name, "100.00"),), customer=name)
    parsed = message(n, company_name=f"{name} Ltd", payment_instructions=f"Pay to {name}")
    text, html = bodies(parsed)
    assert parsed["To"].addresses[0].display_name == name
    # text: as it is, five times (greeting, heading, the item, the instructions, sign-off) and never escaped
    assert text.count(name) == 5 and "&lt;" not in text and "&amp;" not in text and "&#34;" not in text
    # HTML: escaped every time, never as it is
    assert name not in html and "<script>" not in html and "<Co>" not in html
    assert html.count(str(escape(name))) == 6     # the same five and the title


def test_a_companys_html_template_is_escaped_too(tmp_path):
    own = write(tmp_path, {"en/first.txt.j2": '{% extends "en/_layout.txt.j2" %}'
                                              "{% block subject %}Own {{ customer }}{% endblock %}",
                           "en/first.html.j2": "<p>{{ customer }}</p>"})
    text, html = bodies(message(notice(customer="<b>Acme</b>"), templates_dir=own))
    assert html.strip() == "<p>&lt;b&gt;Acme&lt;/b&gt;</p>"
    assert "<b>Acme</b>" in text


@pytest.mark.parametrize(("change", "header"), [
    ({"customer": "Acme Ltd\r\nBcc: victim@evil.example"}, "To"),
    ({"customer": "Acme Ltd\nBcc: victim@evil.example"}, "To"),
    ({"customer": "Acme Ltd\r"}, "To"),
    ({"email_to": "ar@acme.example\r\nBcc: victim@evil.example"}, "To"),
    ({"customer_id": "C1\nBcc: victim@evil.example"}, "X-Ardesk-Notice"),
    ({"company_name": "Harbor Lane\r\nBcc: victim@evil.example"}, "From"),
    ({"from_addr": "ar@harbor.example\r\nBcc: victim@evil.example"}, "From"),
    ({"reply_to": "ar@harbor.example\nBcc: victim@evil.example"}, "Reply-To"),
    ({"reply_to": ("Jo\r\nBcc: victim@evil.example", "jo@harbor.example")}, "Reply-To"),
])
def test_a_line_break_in_a_header_value_is_refused(change, header):
    of_notice = {k: v for k, v in change.items() if k in ("customer", "email_to", "customer_id")}
    with pytest.raises(HeaderRefused) as refused:
        message(notice(**of_notice), **{k: v for k, v in change.items() if k not in of_notice})
    assert refused.value.header == header
    assert "line break" in refused.value.reason


def test_a_line_break_in_the_subject_is_refused_but_a_letter_may_carry_it(tmp_path):
    own = write(tmp_path, {"en/first.txt.j2": '{% extends "en/_layout.txt.j2" %}'
                                              "{% block subject %}Invoice {{ items[0].number }}{% endblock %}",
                           "en/first.html.j2": '{% extends "en/_layout.html.j2" %}'})
    hostile = notice((item("INV-1\r\nBcc: victim@evil.example", "10.00"),))
    with pytest.raises(HeaderRefused) as refused:
        message(hostile, templates_dir=own)
    assert refused.value.header == "Subject" and "line break" in refused.value.reason
    # another customer's notice from the same template is made
    assert message(notice(), templates_dir=own)["Subject"] == "Invoice INV/2026/0001"
    subject, _, _ = render_text_and_html(hostile, company_name=COMPANY, as_of=AS_OF, templates_dir=own)
    assert subject == "Invoice INV-1\r\nBcc: victim@evil.example"


@pytest.mark.parametrize("email_to", ["", "  ", ";", "not an address", "Acme <ar@acme.example>", "ar@acme example",
                                      "ar@müller.example", "ar@@acme.example", "ar@acme.example, billing"])
def test_a_customer_without_a_usable_address_is_refused(email_to):
    with pytest.raises(HeaderRefused) as refused:
        message(notice(email_to=email_to))
    assert refused.value.header == "To"


# ---------------------------------------------------------------------------------------------- languages


@pytest.mark.parametrize("lang", ["de_DE", "de", "DE", "de-AT", "de_DE.UTF-8", " de_ch "])
def test_german_for_a_german_speaking_customer(lang):
    parsed = message(notice((INVOICE, CREDIT)), lang=lang)
    text, html = bodies(parsed)
    assert parsed["Subject"] == f"Zahlungserinnerung: überfällige Rechnungen – {COMPANY}"
    assert text.startswith("Sehr geehrte Damen und Herren,\n")
    assert "- Rechnung INV/2026/0001 vom 01.09.2026, fällig am 01.10.2026, 30 Tage überfällig: 1.234,50 USD" in text
    assert "Offen insgesamt: 984,50 USD" in text
    assert text.rstrip().endswith(f"Mit freundlichen Grüßen\n{COMPANY}")
    assert '<html lang="de">' in html and "Offener Betrag" in html and "Dear" not in html


@pytest.mark.parametrize("lang", ["fr", "fr_FR", "en_US", "EN", None, "", "C", "1234"])
def test_english_for_any_other_language(lang):
    parsed = message(notice(), lang=lang)
    text, html = bodies(parsed)
    assert parsed["Subject"].startswith("Payment reminder")
    assert text.startswith("Dear Acme Ltd,") and "1,234.50 USD" in text
    assert '<html lang="en">' in html


def test_language_is_the_primary_subtag():
    assert [language(x) for x in ("de_DE", "pt-BR", "sr@latin", "EN_us", "zh_Hans_CN", "", None, "x", "german")] \
        == ["de", "pt", "sr", "en", "zh", "en", "en", "en", "en"]


@pytest.mark.parametrize("lang", ["en", "de"])
@pytest.mark.parametrize("template", DEFAULT_TEMPLATES)
def test_every_default_template_is_shipped_in_english_and_german(template, lang):
    assert locate(template, lang=lang) == (lang, TEMPLATES_DIR)
    text, html = bodies(message(notice(template=template), lang=lang))
    assert "1,234.50 USD" in text if lang == "en" else "1.234,50 USD" in text
    assert "INV/2026/0001" in html


def test_the_levels_say_different_things_and_the_last_speaks_of_further_steps():
    for lang, friendly, final in (("en", "fall due", "further steps"), ("de", "fällig werden", "weitere Schritte")):
        rendered = {t: render_text_and_html(notice(template=t), company_name=COMPANY, lang=lang, as_of=AS_OF)
                    for t in DEFAULT_TEMPLATES}
        assert len({r.subject for r in rendered.values()}) == 4
        assert len({r.text for r in rendered.values()}) == 4 and len({r.html for r in rendered.values()}) == 4
        assert friendly in rendered["friendly"].text and friendly in rendered["friendly"].html
        assert final in rendered["final"].text and final in rendered["final"].html
        assert [t for t, r in rendered.items() if final in r.text] == ["final"]


# ---------------------------------------------------------------------------------------------- templates


def own_first_de(tmp_path):
    return write(tmp_path / "own", {
        "de/first.txt.j2": '{% extends "de/_layout.txt.j2" %}\n'
                           "{% block subject %}Eigene Erinnerung von {{ company_name }}{% endblock %}\n"
                           "{% block intro %}\nUnsere eigenen Worte.\n{% endblock %}\n",
        "de/first.html.j2": '{% extends "de/_layout.html.j2" %}\n'
                            "{% block intro %}<p>Unsere eigenen Worte.</p>{% endblock %}\n",
        "en/courtesy.txt.j2": '{% extends "en/_layout.txt.j2" %}\n'
                              "{% block subject %}A courtesy note from {{ company_name }}{% endblock %}\n",
        "en/courtesy.html.j2": '{% extends "en/_layout.html.j2" %}\n',
    })


def test_a_companys_folder_overrides_a_shipped_template(tmp_path):
    own = own_first_de(tmp_path)
    parsed = message(notice(), lang="de_DE", templates_dir=own)
    text, html = bodies(parsed)
    assert parsed["Subject"] == f"Eigene Erinnerung von {COMPANY}"
    assert "Unsere eigenen Worte." in text and "<p>Unsere eigenen Worte.</p>" in html
    assert "1.234,50 USD" in text                      # the shipped German layout around it
    # English and the other German templates are still the shipped ones
    assert message(notice(), lang="en", templates_dir=own)["Subject"].startswith("Payment reminder")
    assert message(notice(template="final"), lang="de", templates_dir=own)["Subject"].startswith("Letzte Mahnung")


def test_a_companys_folder_adds_a_template_and_german_falls_back_to_its_english(tmp_path):
    own = own_first_de(tmp_path)
    assert locate("courtesy", lang="de_DE", templates_dir=own) == ("en", own.resolve())
    parsed = message(notice(template="courtesy"), lang="de_DE", templates_dir=own)
    assert parsed["Subject"] == f"A courtesy note from {COMPANY}"
    assert bodies(parsed)[0].startswith("Dear Acme Ltd,")
    with pytest.raises(TemplateMissing):
        message(notice(template="courtesy"), lang="de")   # not shipped: only the company has it


def test_a_template_missing_everywhere_names_itself_and_the_folders_looked_in(tmp_path):
    own = own_first_de(tmp_path)
    with pytest.raises(TemplateMissing) as missing:
        message(notice(template="reminder-9"), lang="de_DE", templates_dir=own)
    said = str(missing.value)
    assert "'reminder-9'" in said
    looked = [own.resolve() / "de", TEMPLATES_DIR / "de", own.resolve() / "en", TEMPLATES_DIR / "en"]
    assert [str(p) in said for p in looked] == [True] * 4
    assert missing.value.folders == tuple(looked)


def test_half_a_template_is_refused(tmp_path):
    own = write(tmp_path, {"en/first.txt.j2": '{% extends "en/_layout.txt.j2" %}{% block subject %}x{% endblock %}'})
    with pytest.raises(TemplateMissing, match=r"first\.txt\.j2 but not first\.html\.j2"):
        message(notice(), templates_dir=own)


@pytest.mark.parametrize(("text", "says"), [
    ("{% block subject %}Standalone{% endblock %}\nBody", "must extend a layout"),
    ('{% extends "en/_layout.txt.j2" %}', "block subject"),
    ('{% extends "en/_layout.txt.j2" %}{% block subject %} {% endblock %}', "empty subject"),
    ('{% extends "en/_layout.txt.j2" %}{% block subject %}{{ customer_nmae }}{% endblock %}', "customer_nmae"),
    ('{% extends "en/_layout.txt.j2" %}{% block subject %}{{ customer }{% endblock %}', "first.txt.j2"),
    ('{% extends "en/no_layout.txt.j2" %}{% block subject %}x{% endblock %}', "no_layout"),
])
def test_a_broken_template_is_named(tmp_path, text, says):
    own = write(tmp_path, {"en/first.txt.j2": text, "en/first.html.j2": "<p>{{ customer }}</p>"})
    with pytest.raises(TemplateBroken, match=re.escape(says)):
        message(notice(), templates_dir=own)


@pytest.mark.parametrize("name", ["../first", "_layout", "en/first", "", "first.txt"])
def test_a_template_name_is_a_plain_name(name):
    with pytest.raises(ConfigError, match="not a notice template's name"):
        message(notice(template=name))


def test_a_templates_folder_that_is_not_there_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        message(notice(), templates_dir=tmp_path / "nowhere")


# ---------------------------------------------------------------------------------------------- amounts


def test_totals_per_currency_at_each_currencys_places():
    items = (item("INV-1", "1234.5"), item("INV-2", "1000"), item("JP-7", "100000", "JPY"),
             item("KW-3", "1.25", "KWD"), item("KW-4", "0.5", "KWD"))
    text, html = bodies(message(notice(items)))
    assert "Total open:\n- 2,234.50 USD\n- 100,000 JPY\n- 1.750 KWD\n" in text
    assert ": 1,234.50 USD\n" in text and ": 1,000.00 USD\n" in text and ": 100,000 JPY\n" in text
    assert ": 1.250 KWD\n" in text and ": 0.500 KWD\n" in text
    for currency, total in (("USD", "2,234.50 USD"), ("JPY", "100,000 JPY"), ("KWD", "1.750 KWD")):
        assert re.search(rf"Total open in {currency}</th>\s*<th[^>]*>{re.escape(total)}</th>", html)
    assert "100,000.00" not in text + html and "1.75 KWD" not in text + html

    text_de, _ = bodies(message(notice(items), lang="de"))
    assert "Offen insgesamt:\n- 2.234,50 USD\n- 100.000 JPY\n- 1,750 KWD\n" in text_de


def test_a_credit_is_a_negative_line():
    text, html = bodies(message(notice((INVOICE, CREDIT))))
    assert "- Credit note RINV/2026/0003 of 2026-10-01: -250.00 USD\n" in text
    # a credit with a due date (Odoo gives credit notes one) is never "past due"
    dated = item("RINV/2026/0004", "-50.00", kind="credit_note", past_due=10)
    text_dated, _ = bodies(message(notice((INVOICE, dated))))
    assert "- Credit note RINV/2026/0004 of 2026-09-21, due 2026-10-21: -50.00 USD\n" in text_dated
    assert re.search(r"<td>Credit note RINV/2026/0003</td>\s*<td>2026-10-01</td>\s*<td></td>\s*"
                     r"<td align=\"right\">–</td>\s*<td[^>]*>-250.00 USD</td>", html)
    assert "Total open: 984.50 USD" in text


def test_days_past_due_and_disputes_are_said():
    items = (item("A", "1.00", past_due=1), item("B", "1.00", past_due=0), item("C", "1.00", past_due=-5),
             item("D", "1.00", past_due=12, disputed=True))
    text, _ = bodies(message(notice(items, template="friendly")))
    assert ", 1 day past due: 1.00 USD\n" in text and ", due today: 1.00 USD\n" in text
    assert ", not yet due: 1.00 USD\n" in text and ", 12 days past due: 1.00 USD (disputed, under review)\n" in text


@pytest.mark.parametrize(("amount", "currency", "lang", "shown"), [
    ("1234.5", "USD", "en", "1,234.50 USD"),
    ("100000", "JPY", "en", "100,000 JPY"),
    ("1.25", "KWD", "en", "1.250 KWD"),
    ("-1234567.891", "BHD", "en", "-1,234,567.891 BHD"),
    ("12345678901234567.89", "USD", "en", "12,345,678,901,234,567.89 USD"),   # beyond a float's digits
    ("2.345", "USD", "en", "2.35 USD"),                                       # half up, once
    ("-0.001", "USD", "en", "0.00 USD"),
    ("1234.5", "EUR", "de_DE", "1.234,50 EUR"),
    ("1.25", "KWD", "de", "1,250 KWD"),
    ("1234.5", "EUR", "fr", "1,234.50 EUR"),
])
def test_format_amount(amount, currency, lang, shown):
    assert format_amount(D(amount), currency, lang) == shown


def test_format_amount_refuses_a_float():
    with pytest.raises(TypeError):
        format_amount(1234.5, "USD")


# ---------------------------------------------------------------------------------------------- from the engine


def test_the_engines_notices_render():
    customers = (Customer("C1", "Acme Ltd", email="ar@acme.example", lang="de_DE"),
                 Customer("C2", "Globex", email="pay@globex.example", lang="en_US"))
    items = (
        Invoice("I1", "INV/1", "C1", ItemKind.INVOICE, date(2026, 8, 1), date(2026, 9, 1), "EUR", D("1500.00"),
                D("1500.00")),
        Invoice("I2", "RINV/2", "C1", ItemKind.CREDIT_NOTE, date(2026, 9, 10), None, "EUR", D("-200.00"),
                D("-200.00")),
        Invoice("I3", "INV/3", "C2", ItemKind.INVOICE, date(2026, 10, 1), date(2026, 10, 20), "JPY", D("50000"),
                D("50000")),
    )
    books = Books(source="test", company_currency="EUR", report_date=AS_OF, customers=customers, items=items,
                  rates={"JPY": D("0.0062")}, knows=frozenset({OPEN_ITEMS}))
    batch = build(books, AS_OF, contacts={c.id: Contact(email=c.email, name=c.name, lang=c.lang) for c in customers},
                  now=datetime(2026, 10, 31, 12, tzinfo=UTC))
    assert {n.customer_id: n.level for n in batch.notices} == {"C1": "final", "C2": "first"}
    langs = {c.id: c.lang for c in customers}
    out = {n.customer_id: message(n, lang=langs[n.customer_id], message_id=f"<{n.customer_id}@harbor.example>")
           for n in batch.notices}

    text, html = bodies(out["C1"])
    assert out["C1"]["X-Ardesk-Notice"] == "final C1" and out["C1"]["Subject"].startswith("Letzte Mahnung")
    assert "- Rechnung INV/1 vom 01.08.2026, fällig am 01.09.2026, 60 Tage überfällig: 1.500,00 EUR" in text
    assert "- Gutschrift RINV/2 vom 10.09.2026: -200,00 EUR" in text and "Offen insgesamt: 1.300,00 EUR" in text
    text, _ = bodies(out["C2"])
    assert out["C2"]["X-Ardesk-Notice"] == "first C2" and out["C2"]["To"].addresses[0].addr_spec == \
        "pay@globex.example"
    assert "- Invoice INV/3 of 2026-10-01, due 2026-10-20, 11 days past due: 50,000 JPY" in text


@pytest.mark.parametrize(("lang", "says"), [
    ("en", "The payment plan we agreed on 2026-11-01 has ended: instalment 2, due 2026-11-15, was not paid in full "
           "(1,250.50 USD short)."),
    ("de", "Die am 01.11.2026 vereinbarte Ratenzahlung ist beendet: Rate 2, fällig am 15.11.2026, wurde nicht "
           "vollständig bezahlt (es fehlen 1.250,50 USD)."),
])
def test_a_notice_to_a_customer_who_broke_its_plan_says_so_and_one_without_says_nothing(lang, says):
    broken = {"agreed_on": date(2026, 11, 1), "number": 2, "due": date(2026, 11, 15),
              "shortfall": Decimal("1250.50"), "currency": "USD"}
    _, text, html = render_text_and_html(notice(), company_name=COMPANY, lang=lang, as_of=AS_OF, plan_broken=broken)
    assert says in " ".join(text.split())
    assert says.split(":")[1].strip()[:20] in html
    _, plain, html_plain = render_text_and_html(notice(), company_name=COMPANY, lang=lang, as_of=AS_OF)
    assert "ended" not in plain and "beendet" not in plain
    assert "Ratenzahlung" not in html_plain and "payment plan" not in html_plain
