"""Sending e-mail through the company's mail server (SMTP), saying for each message what became of it.

Each message ends in one of four outcomes, and the difference between the last two is the whole point:

- ``sent``: the server answered 250 to the message: it is the server's now.
- ``refused``: the server refused it for good (a 5xx answer: no such mailbox, a sender it will not relay for):
  sending it again would be refused again; a person looks at the reason.
- ``failed``: it never got to the server (connection refused, a 4xx answer such as 451 "try again later", the
  connection dropped before the message was complete): sending it again is safe and is what a rerun does.
- ``unknown``: the whole message went, its end marked, and the connection closed before the server answered. The
  server may have kept it. Sending it again could deliver it twice, so it is not resent unless a person says so.

The mail server is reached with STARTTLS (the default), TLS from the start, or (for a relay on the same machine)
neither; certificates are checked against the system's authorities (``SSL_CERT_FILE`` names others). Messages are
spaced so that no more than ``rate_per_minute`` go in any minute. The password is never logged.
"""
from __future__ import annotations

import smtplib
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage

SENT, REFUSED, FAILED, UNKNOWN = "sent", "refused", "failed", "unknown"


@dataclass(frozen=True)
class Outcome:
    state: str
    detail: str


class _Tracked:
    """smtplib's client, remembering whether the end of the message data (``CRLF . CRLF``) has gone out."""

    ended = False

    def data(self, msg):
        self.ended = False
        return super().data(msg)

    def send(self, s):
        super().send(s)
        data = s.encode("ascii") if isinstance(s, str) else s
        if data.endswith(b"\r\n.\r\n"):
            self.ended = True


class _SMTP(_Tracked, smtplib.SMTP):
    pass


class _SMTPSSL(_Tracked, smtplib.SMTP_SSL):
    pass


class MailServer:
    """A connection to the mail server, opened at the first message and again after one was lost."""

    def __init__(self, host: str, port: int, *, security: str = "starttls", user: str = "", password: str = "",
                 timeout: float = 30.0, rate_per_minute: int = 30, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic):
        if security not in ("starttls", "ssl", "none"):
            raise ValueError(f"unknown security {security!r}")
        self.host, self.port, self.security = host, port, security
        self.user, self._password, self.timeout = user, password, timeout
        self.interval = 60.0 / rate_per_minute
        self._sleep, self._clock = sleep, clock
        self._last: float | None = None
        self._smtp: _SMTP | _SMTPSSL | None = None

    def __enter__(self) -> MailServer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None

    def _connect(self):
        context = ssl.create_default_context()
        if self.security == "ssl":
            smtp = _SMTPSSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            smtp = _SMTP(self.host, self.port, timeout=self.timeout)
            if self.security == "starttls":
                smtp.starttls(context=context)
        if self.user:
            smtp.login(self.user, self._password)
        return smtp

    def _wait_turn(self) -> None:
        if self._last is not None:
            wait = self._last + self.interval - self._clock()
            if wait > 0:
                self._sleep(wait)
        self._last = self._clock()

    def send(self, message: EmailMessage) -> Outcome:
        """Send ``message`` (its From and To headers say who from and to whom); never raises for what the server
        or the network did: the outcome says."""
        self._wait_turn()
        try:
            if self._smtp is None:
                self._smtp = self._connect()
        except smtplib.SMTPAuthenticationError as exc:
            raise MailLoginRefused(f"the mail server {self.host} refused the login of {self.user!r}: "
                                   f"{exc.smtp_code} {_text(exc.smtp_error)}") from None
        except (smtplib.SMTPException, OSError, ssl.SSLError) as exc:
            self._smtp = None
            return Outcome(FAILED, f"cannot reach the mail server {self.host}:{self.port} ({_why(exc)})")
        smtp = self._smtp
        try:
            refused = smtp.send_message(message)
        except smtplib.SMTPResponseException as exc:
            code = exc.smtp_code
            try:
                smtp.rset()
            except (smtplib.SMTPException, OSError):
                self._drop()
            state = REFUSED if 500 <= code < 600 else FAILED
            return Outcome(state, f"{code} {_text(exc.smtp_error)}")
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [c for c, _m in exc.recipients.values()]
            detail = "; ".join(f"{r}: {c} {_text(m)}" for r, (c, m) in exc.recipients.items())
            self._reset()
            return Outcome(REFUSED if all(500 <= c < 600 for c in codes) else FAILED, detail)
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            ended = getattr(smtp, "ended", False)
            self._drop()
            if ended:
                return Outcome(UNKNOWN, f"the connection closed after the message was sent and before the server "
                                        f"answered ({_why(exc)}): it may have been delivered")
            return Outcome(FAILED, f"the connection was lost before the message was complete ({_why(exc)})")
        if refused:
            detail = "; ".join(f"{r}: {c} {_text(m)}" for r, (c, m) in refused.items())
            return Outcome(REFUSED, f"some recipients refused: {detail}")
        return Outcome(SENT, "250 accepted")

    def _reset(self) -> None:
        try:
            self._smtp.rset()
        except (smtplib.SMTPException, OSError):
            self._drop()

    def _drop(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.close()
            except OSError:
                pass
        self._smtp = None


class MailLoginRefused(Exception):
    """The mail server refused the login: nothing can be sent until the user or password is right."""


def _text(value) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return " ".join(str(value).split())


def _why(exc: BaseException) -> str:
    if isinstance(exc, socket.timeout | TimeoutError):
        return "timed out"
    return _text(exc) or type(exc).__name__
