"""A real SMTP server for the tests (aiosmtpd), with STARTTLS required, AUTH required over TLS, and faults to inject.

``MailServer(faults=...)``: message numbers count messages whose DATA began (1, 2, ...), across connections:

- ``temp_fail_at``: answer ``451 4.3.0 Try again later`` to that message's DATA (nothing kept);
- ``drop_in_data_at``: close the connection while the message's data is arriving (nothing kept);
- ``lose_reply_at``: keep the message, then close the connection without answering (the client cannot know);
- ``unknown_mailboxes``: addresses answered ``550 5.1.1`` at RCPT TO.

``server.messages`` holds every message kept, parsed (``email.policy.default``); ``server.logins`` the logins.
"""
from __future__ import annotations

import email
import email.policy
import ssl
import threading
from dataclasses import dataclass, field

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

USER, PASSWORD = "ar@example.com", "s3cret-mail-pass"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Faults:
    temp_fail_at: set[int] = field(default_factory=set)
    drop_in_data_at: set[int] = field(default_factory=set)
    lose_reply_at: set[int] = field(default_factory=set)
    unknown_mailboxes: set[str] = field(default_factory=set)      # RCPT TO answered 550 5.1.1


class _Handler:
    def __init__(self, server: MailServer):
        self.server = server

    async def handle_RCPT(self, smtp, session, envelope, address, rcpt_options):
        if address in self.server.faults.unknown_mailboxes:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, smtp, session, envelope):
        n = self.server._next()
        faults = self.server.faults
        if n in faults.temp_fail_at:
            return "451 4.3.0 Try again later"
        if n in faults.drop_in_data_at:
            session.ardesk_dropped = True
            smtp.transport.close()
            return "421 closing"
        message = email.message_from_bytes(envelope.original_content or envelope.content,
                                           policy=email.policy.default)
        with self.server.lock:
            self.server.messages.append(message)
            self.server.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        if n in faults.lose_reply_at:
            smtp.transport.abort()            # kept; the 250 never leaves
            return "250 OK"
        return "250 OK"


class _SMTP(SMTP):
    async def push(self, status):
        if self.transport is None or self.transport.is_closing():
            return                             # a fault closed the connection: nothing more is said
        await super().push(status)


class _Controller(Controller):
    def factory(self):
        return _SMTP(self.handler, **self.SMTP_kwargs)


class MailServer:
    """A running test mail server on 127.0.0.1. Use as a context manager. ``ca_file``: the authority that signed
    its certificate (point ``SSL_CERT_FILE`` at it so clients check it)."""

    def __init__(self, tmp_path, faults: Faults | None = None):
        self.faults = faults or Faults()
        self.messages: list = []
        self.envelopes: list = []
        self.logins: list[str] = []
        self.lock = threading.Lock()
        self._count = 0
        ca = trustme.CA()
        cert = ca.issue_cert("127.0.0.1", "localhost")
        self.ca_file = tmp_path / "mail-ca.pem"
        ca.cert_pem.write_to_path(str(self.ca_file))
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(context)
        self.port = _free_port()
        self.controller = _Controller(_Handler(self), hostname="127.0.0.1", port=self.port, tls_context=context,
                                      require_starttls=True, auth_required=True, auth_require_tls=True,
                                      authenticator=self._authenticate, auth_exclude_mechanism=["LOGIN"])
        self.host = "127.0.0.1"

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == USER \
            and auth_data.password.decode() == PASSWORD
        if ok:
            with self.lock:
                self.logins.append(USER)
        return AuthResult(success=ok, handled=False)

    def _next(self) -> int:
        with self.lock:
            self._count += 1
            return self._count

    def set_faults(self, faults: Faults) -> None:
        """New faults; message numbers count from now."""
        with self.lock:
            self.faults = faults
            self._count = 0

    def start(self) -> MailServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def __enter__(self) -> MailServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def to(self, address: str) -> list:
        with self.lock:
            return [m for m in self.messages if address in str(m["To"])]
