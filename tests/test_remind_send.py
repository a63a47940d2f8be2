"""``ardesk remind send`` through a real SMTP server (tests/mailserver.py: aiosmtpd with STARTTLS and AUTH): each
notice recorded before the exchange and with its outcome after, so that after reruns each customer holds each level
exactly once, whatever failed at whichever position; an outcome the desk cannot know is never guessed."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from jobs.remind import send
from jobs.settings import settings_for
from receivables.ledger import Ledger
from receivables.records import Books, Customer, Invoice, ItemKind
from receivables.reminders import build
from tests.mailserver import PASSWORD, USER, Faults
from tests.mailserver import MailServer as SmtpServer

AS_OF = date(2026, 11, 30)
N = 50


def _books(n: int = N, hostile: bool = False) -> Books:
    customers, items = [], []
    for i in range(n):
        name = f"Customer {i:02d}" if not hostile or i else '<script>alert(1)</script> "Acme" & Co'
        customers.append(Customer(id=f"c{i}", name=name, email=f"ap{i}@example.com", lang="de_DE" if i % 5 == 0
                                  else "en_US"))
        for k in range(2):
            due = AS_OF - timedelta(days=10 + 15 * k + i % 7)
            items.append(Invoice(id=f"i{i}-{k}", number=f"INV-{i:02d}{k}", customer_id=f"c{i}",
                                 kind=ItemKind.INVOICE, issued=due - timedelta(days=30), due=due, currency="USD",
                                 total=Decimal("100.50") + i, open_amount=Decimal("100.50") + i))
    return Books(source="test", company_currency="USD", report_date=AS_OF, customers=tuple(customers),
                 items=tuple(items))


@pytest.fixture
def mail(tmp_path, monkeypatch):
    with SmtpServer(tmp_path) as server:
        monkeypatch.setenv("SSL_CERT_FILE", str(server.ca_file))
        monkeypatch.setenv("ARDESK_SMTP_PASSWORD", PASSWORD)
        yield server


def _desk(tmp_path, server, name="desk"):
    folder = tmp_path / name
    folder.mkdir()
    (folder / "ardesk.toml").write_text(
        f'[company]\nname = "Harbor Lane Supply Co"\n[smtp]\nhost = "{server.host}"\nport = {server.port}\n'
        f'user = "{USER}"\nfrom_address = "ar@harborlane.example"\nrate_per_minute = 100000\n'
        '[reminders]\npayment_instructions = "Pay to IBAN DE00 1234, quoting the invoice numbers."\n')
    return settings_for(folder / "ardesk.toml")


def _stored_batch(settings, books=None) -> int:
    books = books or _books()
    batch = build(books, AS_OF, now=None)
    with Ledger(settings.ledger) as ledger:
        return ledger.reminders.store(batch, policy=[], langs={c.id: c.lang for c in books.customers})


def _held(server, batch_id: int) -> dict[str, int]:
    """customer address -> how many notices of this batch the server kept."""
    out: dict[str, int] = {}
    for m in server.messages:
        if f"ardesk-remind-{batch_id}-" in str(m["Message-ID"]):
            to = str(m["To"]).split("<")[-1].rstrip(">")
            out[to] = out.get(to, 0) + 1
    return out


def test_a_batch_is_sent_once_with_both_parts_and_a_rerun_sends_nothing(tmp_path, mail):
    settings = _desk(tmp_path, mail)
    bid = _stored_batch(settings, _books(hostile=True))
    first = send(settings, bid, today=AS_OF)
    assert first.counts() == {"sent": N}
    assert _held(mail, bid) == {f"ap{i}@example.com": 1 for i in range(N)}
    again = send(settings, bid, today=AS_OF)
    assert again.counts() == {} and len(mail.messages) == N
    hostile = next(m for m in mail.messages if "ap0@" in str(m["To"]))
    html = hostile.get_body(("html",)).get_content()
    text = hostile.get_body(("plain",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;" in html and "<script>" in text
    assert "INV-000" in text and "IBAN DE00 1234" in text and "Harbor Lane Supply Co" in text
    assert hostile["From"] == "Harbor Lane Supply Co <ar@harborlane.example>"
    assert hostile["Message-ID"].startswith("<ardesk-remind-")
    with Ledger(settings.ledger) as ledger:
        states = {n.state for n in ledger.reminders.notices(bid)}
    assert states == {"sent"}


@pytest.mark.parametrize("kind", ["temp_fail_at", "drop_in_data_at", "lose_reply_at"])
def test_a_fault_at_every_position_of_a_50_notice_batch_leaves_each_level_once(tmp_path, mail, kind):
    settings = _desk(tmp_path, mail)
    for position in range(1, N + 1):
        bid = _stored_batch(settings)
        mail.set_faults(Faults(**{kind: {position}}))
        first = send(settings, bid, today=AS_OF)
        mail.set_faults(Faults())
        hit = [r for r in first.results if r["state"] != "sent"]
        assert len(hit) == 1, (position, first.counts())
        customer = hit[0]["customer_id"]
        if kind == "temp_fail_at":
            assert hit[0]["state"] == "failed"
            assert send(settings, bid, today=AS_OF).counts() == {"sent": 1}      # a rerun sends what failed
        else:
            assert hit[0]["state"] == "unknown"          # the end of the message went: the desk cannot know
            rerun = send(settings, bid, today=AS_OF)
            assert rerun.counts() == {"unknown": 1}      # never resent on a guess
            kept = _held(mail, bid).get(f"ap{customer[1:]}@example.com", 0)
            if kind == "lose_reply_at":
                assert kept == 1                         # the server kept it: a person sees it was delivered
            else:
                assert kept == 0                         # it was not: the person resends it, once
                assert send(settings, bid, today=AS_OF, resend_unknown=True).counts() == {"sent": 1}
        assert _held(mail, bid) == {f"ap{i}@example.com": 1 for i in range(N)}, position


def test_a_dry_run_sends_nothing_and_drafts_go_to_a_folder(tmp_path, mail):
    settings = _desk(tmp_path, mail)
    bid = _stored_batch(settings, _books(5))
    dry = send(settings, bid, today=AS_OF, dry_run=True)
    assert dry.counts() == {"would send": 5} and mail.messages == []
    drafts = send(settings, bid, today=AS_OF, out_dir=str(tmp_path / "drafts"))
    assert drafts.counts() == {"sent": 5} and mail.messages == []
    files = sorted((tmp_path / "drafts").glob("*.eml"))
    assert len(files) == 5
    import email
    import email.policy

    draft = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert draft.get_body(("plain",)) is not None and draft.get_body(("html",)) is not None
    assert send(settings, bid, today=AS_OF, out_dir=str(tmp_path / "drafts")).counts() == {}


def test_a_customer_with_a_line_break_in_its_name_is_refused_alone(tmp_path, mail):
    settings = _desk(tmp_path, mail)
    books = _books(3)
    bad = Customer(id="c1", name="Evil\r\nBcc: victim@example.com", email="ap1@example.com")
    books = Books(source="test", company_currency="USD", report_date=AS_OF,
                  customers=(books.customers[0], bad, books.customers[2]), items=books.items)
    bid = _stored_batch(settings, books)
    result = send(settings, bid, today=AS_OF)
    assert sorted(r["state"] for r in result.results) == ["refused", "sent", "sent"]
    assert all("victim" not in str(m) for m in mail.messages) and len(mail.messages) == 2


def test_the_command_line_sends_and_says_what_is_left(tmp_path, mail, monkeypatch):
    import json

    from click.testing import CliRunner

    from cli import cli

    settings = _desk(tmp_path, mail)
    bid = _stored_batch(settings, _books(4))
    monkeypatch.chdir(settings.ledger.parent)
    mail.set_faults(Faults(lose_reply_at={2}))
    first = CliRunner().invoke(cli, ["remind", "send", str(bid), "--format", "json"])
    assert first.exit_code == 4, first.output
    assert json.loads(first.stdout)["counts"] == {"sent": 3, "unknown": 1}
    mail.set_faults(Faults())
    status = json.loads(CliRunner().invoke(cli, ["remind", "status", "--format", "json"]).stdout)
    assert status["counts"] == {"sent": 3, "unknown": 1}
    again = CliRunner().invoke(cli, ["remind", "send"])
    assert again.exit_code == 4 and "may have been delivered" in again.output and len(mail.messages) == 4
    (unknown,) = [n for n in status["notices"] if n["state"] == "unknown"]
    wrong = CliRunner().invoke(cli, ["remind", "settle", str(bid), "Customer 00", "--delivered"])
    assert wrong.exit_code == 2 and "not of unknown outcome" in wrong.output
    settled = CliRunner().invoke(cli, ["remind", "settle", str(bid), unknown["customer"], "--delivered"])
    assert settled.exit_code == 0 and settled.output.strip().endswith(": sent")
    done = CliRunner().invoke(cli, ["remind", "send", "--format", "json"])
    assert done.exit_code == 0 and json.loads(done.stdout)["counts"] == {} and len(mail.messages) == 4


def test_with_odoo_books_each_sent_notice_is_logged_once_on_the_customers_chatter(tmp_path, mail, monkeypatch):
    from jobs.remind import build as build_job
    from tests.odoo_standin.server import StandIn

    with StandIn("17.0") as odoo:
        monkeypatch.setenv("ARDESK_ODOO_PASSWORD", "admin")
        folder = tmp_path / "odoo-desk"
        folder.mkdir()
        (folder / "ardesk.toml").write_text(
            f'[source]\ndefault = "odoo"\n[odoo]\nurl = "{odoo.url}"\ndb = "{odoo.db}"\nuser = "admin"\n'
            f'[smtp]\nhost = "{mail.host}"\nport = {mail.port}\nuser = "{USER}"\n'
            'from_address = "ar@harborlane.example"\nrate_per_minute = 100000\n')
        settings = settings_for(folder / "ardesk.toml")
        built = build_job(None, settings, today=date(2026, 11, 30))
        emailed = [n for n in built.batch.notices if n.channel == "email"]
        assert emailed, "the stand-in's customers have e-mail addresses"
        mail.set_faults(Faults(temp_fail_at={1}))
        first = send(settings, built.batch_id, today=date(2026, 11, 30))
        logged = {k: v for k, v in first.chatter.items() if v.startswith("mail.message")}
        assert len(logged) == first.counts()["sent"] - sum(1 for n in built.batch.notices if n.channel != "email")
        mail.set_faults(Faults())
        second = send(settings, built.batch_id, today=date(2026, 11, 30))
        assert second.counts() == {"sent": 1}
        assert sum(v.startswith("already there") for v in second.chatter.values()) == len(logged)
        posts = odoo.call("mail.message", "search_read", [("message_id", "like", "ardesk-remind-log-")],
                          fields=["message_id", "model", "res_id", "body"])
        assert len(posts) == len({p["message_id"] for p in posts}) == len(logged) + 1
        assert all(p["model"] == "res.partner" and "Reminder sent" in p["body"] for p in posts)


def test_a_refused_login_sends_nothing_and_says_so_in_one_line(tmp_path, mail, monkeypatch):
    from click.testing import CliRunner

    from cli import cli

    settings = _desk(tmp_path, mail)
    bid = _stored_batch(settings, _books(3))
    monkeypatch.setenv("ARDESK_SMTP_PASSWORD", "wrong")
    monkeypatch.chdir(settings.ledger.parent)
    result = CliRunner().invoke(cli, ["remind", "send", str(bid)])
    assert result.exit_code == 1 and "refused the login" in result.output and "Traceback" not in result.output
    with Ledger(settings.ledger) as ledger:
        assert {n.state for n in ledger.reminders.notices(bid)} <= {"failed", "to send"}
    monkeypatch.setenv("ARDESK_SMTP_PASSWORD", PASSWORD)
    assert send(settings, bid, today=AS_OF).counts() == {"sent": 3} and len(mail.messages) == 3


def test_with_the_add_on_each_sent_notice_stores_the_customers_follow_up_level_once(tmp_path, mail, monkeypatch):
    """With the ardesk add-on on the server, a sent reminder becomes a collection note carrying its level, which the
    add-on shows as the customer's follow-up level; a second send of the batch adds nothing."""
    from jobs.remind import build as build_job
    from tests.odoo_standin.server import StandIn

    with StandIn("19.0", addons=("ardesk_collections",)) as odoo:
        monkeypatch.setenv("ARDESK_ODOO_PASSWORD", "admin")
        folder = tmp_path / "odoo-desk"
        folder.mkdir()
        (folder / "ardesk.toml").write_text(
            f'[source]\ndefault = "odoo"\n[odoo]\nurl = "{odoo.url}"\ndb = "{odoo.db}"\nuser = "admin"\n'
            f'[smtp]\nhost = "{mail.host}"\nport = {mail.port}\nuser = "{USER}"\n'
            'from_address = "ar@harborlane.example"\nrate_per_minute = 100000\n')
        settings = settings_for(folder / "ardesk.toml")
        built = build_job(None, settings, today=date(2026, 11, 30))
        emailed = {n.customer_id: n.level for n in built.batch.notices if n.channel == "email"}
        assert len(emailed) > 2
        mail.set_faults(Faults(temp_fail_at={1}))
        first = send(settings, built.batch_id, today=date(2026, 11, 30))
        assert all(v.startswith("ardesk.collection.note") for v in first.chatter.values()), first.chatter
        mail.set_faults(Faults())
        second = send(settings, built.batch_id, today=date(2026, 11, 30))
        assert sum(v.startswith("already there: ardesk.collection.note") for v in second.chatter.values()) \
            == len(first.chatter) == len(emailed) - 1
        notes = odoo.call("ardesk.collection.note", "search_read", [("followup_level", "!=", False)],
                          fields=["external_id", "partner_id", "followup_level", "outcome", "chatter_message_id"])
        assert len(notes) == len({n["external_id"] for n in notes}) == len(emailed)
        assert all(n["outcome"] == "e-mail sent" and n["chatter_message_id"] for n in notes)
        partners = odoo.call("res.partner", "read", [int(c) for c in emailed],
                             fields=["ardesk_followup_level", "ardesk_followup_date"])
        assert {str(p["id"]): p["ardesk_followup_level"] for p in partners} == emailed
        assert {p["ardesk_followup_date"] for p in partners} == {date.today().isoformat()}


def test_each_notice_links_its_odoo_invoices_to_the_portal_with_their_tokens(tmp_path, mail, monkeypatch):
    """Odoo's pay links: each overdue invoice's portal page with its access token (made by the server on first use,
    read back from the invoice after), on the server's own address, in both parts of the e-mail."""
    import re

    from jobs.remind import build as build_job
    from tests.odoo_standin.server import StandIn

    with StandIn("17.0") as odoo:
        monkeypatch.setenv("ARDESK_ODOO_PASSWORD", "admin")
        folder = tmp_path / "odoo-desk"
        folder.mkdir()
        (folder / "ardesk.toml").write_text(
            f'[source]\ndefault = "odoo"\n[odoo]\nurl = "{odoo.url}"\ndb = "{odoo.db}"\nuser = "admin"\n'
            f'[smtp]\nhost = "{mail.host}"\nport = {mail.port}\nuser = "{USER}"\n'
            'from_address = "ar@harborlane.example"\nrate_per_minute = 100000\n')
        settings = settings_for(folder / "ardesk.toml")
        built = build_job(None, settings, today=date(2026, 11, 30))
        dry = send(settings, built.batch_id, today=date(2026, 11, 30), dry_run=True)
        assert dry.pay_links.endswith("not asked in a dry run")
        assert odoo.call("account.move", "search", [("access_token", "!=", False)]) == []   # nothing written
        sent = send(settings, built.batch_id, today=date(2026, 11, 30))
        assert sent.pay_links.startswith("Odoo's customer portal")
        tokens = {m["id"]: m["access_token"] for m in odoo.call("account.move", "search_read",
                                                                [("access_token", "!=", False)],
                                                                fields=["access_token"])}
        assert tokens, "the server made a token for each linked invoice"
        for msg in mail.messages:
            text = msg.get_body(("plain",)).get_content()
            html = msg.get_body(("html",)).get_content()
            found = re.findall(rf"{re.escape(odoo.url)}/my/invoices/(\d+)\?access_token=([\w-]+)", text)
            assert found and all(tokens[int(move)] == token for move, token in found)
            assert all(f"/my/invoices/{move}?access_token={token}" in html for move, token in found)
            assert "ask how to pay" not in text


def test_a_quickbooks_notice_links_each_invoice_by_the_configured_template(tmp_path, mail):
    settings = _desk(tmp_path, mail)
    toml = settings.config.path.read_text()
    settings.config.path.write_text(toml.replace(
        "[reminders]\n", '[reminders]\npay_link = "https://pay.example.com/{customer_id}/{number}?due={amount}"\n'))
    settings = settings_for(settings.config.path)
    bid = _stored_batch(settings, _books(2))
    sent = send(settings, bid, today=AS_OF)
    assert sent.pay_links == "[reminders] pay_link" and sent.counts() == {"sent": 2}
    texts = {str(m["To"]).split("<")[-1].rstrip(">"): m.get_body(("plain",)).get_content() for m in mail.messages}
    assert "Online bezahlen: https://pay.example.com/c0/INV-000?due=100.50" in texts["ap0@example.com"]
    assert "Pay online: https://pay.example.com/c1/INV-011?due=101.50" in texts["ap1@example.com"]
