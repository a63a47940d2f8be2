"""connectors.mail against a real SMTP server (aiosmtpd, STARTTLS and AUTH required): each fault gives its outcome,
and only "failed" is what a rerun may safely send again."""
from __future__ import annotations

from email.message import EmailMessage

import pytest

from connectors.mail import FAILED, REFUSED, SENT, UNKNOWN, MailLoginRefused, MailServer
from tests.mailserver import PASSWORD, USER, Faults
from tests.mailserver import MailServer as SmtpServer


@pytest.fixture
def server(tmp_path, monkeypatch):
    with SmtpServer(tmp_path) as srv:
        monkeypatch.setenv("SSL_CERT_FILE", str(srv.ca_file))
        yield srv


def _message(i: int, to: str | None = None) -> EmailMessage:
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = "ar@example.com", to or f"c{i}@example.com", f"notice {i}"
    m.set_content(f"notice {i}\n" + "line\n" * 50)
    return m


def test_each_fault_has_its_outcome_and_the_connection_recovers(server):
    server.set_faults(Faults(temp_fail_at={2}, drop_in_data_at={3}, lose_reply_at={4},
                             unknown_mailboxes={"gone@example.com"}))
    with MailServer(server.host, server.port, user=USER, password=PASSWORD, rate_per_minute=60000) as mail:
        outcomes = [mail.send(_message(1)), mail.send(_message(2)), mail.send(_message(3)),
                    mail.send(_message(4)), mail.send(_message(5, "gone@example.com")), mail.send(_message(6))]
    assert [o.state for o in outcomes] == [SENT, FAILED, UNKNOWN, UNKNOWN, REFUSED, SENT]
    assert outcomes[1].detail.startswith("451") and "may have been delivered" in outcomes[3].detail
    assert "550" in outcomes[4].detail
    # what the server kept: 1, the lost reply's 4 (kept, unanswered) and 6; never 2, 3 or 5
    assert [m["Subject"] for m in server.messages] == ["notice 1", "notice 4", "notice 6"]
    assert server.logins and all(login == USER for login in server.logins)


def test_a_wrong_password_stops_everything_and_plain_text_is_refused(server, tmp_path):
    with MailServer(server.host, server.port, user=USER, password="wrong") as mail, \
            pytest.raises(MailLoginRefused, match="refused the login"):
        mail.send(_message(1))
    with MailServer(server.host, server.port, security="none", user="", password="") as mail:
        outcome = mail.send(_message(1))               # the server requires STARTTLS first
    assert outcome.state in (FAILED, REFUSED) and server.messages == []


def test_messages_are_spaced_by_the_rate(server):
    now = [0.0]
    waits: list[float] = []

    def sleep(s):
        waits.append(s)
        now[0] += s

    with MailServer(server.host, server.port, user=USER, password=PASSWORD, rate_per_minute=12, sleep=sleep,
                    clock=lambda: now[0]) as mail:
        for i in range(3):
            assert mail.send(_message(i)).state == SENT
    assert waits == [5.0, 5.0]                          # 12 a minute: one every 5 seconds


def test_an_unreachable_server_is_a_failure_to_retry(tmp_path):
    from tests.mailserver import _free_port

    with MailServer("127.0.0.1", _free_port(), user=USER, password=PASSWORD, timeout=2) as mail:
        outcome = mail.send(_message(1))
    assert outcome.state == FAILED and "cannot reach the mail server" in outcome.detail
