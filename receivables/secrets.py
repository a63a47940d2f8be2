"""Where the desk's two secrets come from: the Odoo password (or API key) and the mail server's password.

Never the configuration file, the workbook or the ledger. First the environment variable (``ARDESK_ODOO_PASSWORD``,
``ARDESK_SMTP_PASSWORD``: what a scheduled job or a container sets), else the operating system's keyring through the
``keyring`` library: the Windows Credential Manager, the macOS Keychain, the Secret Service of a Linux desktop. That
is where a person who presses the panel's buttons keeps a password, since Excel starts Python without their shell's
environment; ``ardesk secret set odoo|smtp`` puts it there.

A secret is kept under the service ``ardesk`` and an account naming what it opens (``smtp:USER@HOST:PORT``,
``odoo:USER@URL/DB``), so a changed server or user never receives another one's password.
"""
from __future__ import annotations

import os

from .errors import ConfigError

SERVICE = "ardesk"


def account(kind: str, user: str, where: str) -> str:
    """The keyring account of a secret: ``kind:user@where``."""
    return f"{kind}:{user}@{where}"


def secret(env: str, what: str, value_is: str, *, kind: str, keyring_account: str | None) -> str:
    """The secret from ``env``, else from the OS keyring under ``keyring_account``; a clear error naming both
    places when neither holds it (and why the keyring could not be asked, when it could not)."""
    value = os.environ.get(env)
    if value:
        return value
    why = ""
    if keyring_account:
        try:
            value = _keyring().get_password(SERVICE, keyring_account)
        except Exception as exc:     # noqa: BLE001 - any keyring backend failure: said in the one line below
            why = f" (the keyring could not be read: {_plain(exc)})"
        if value:
            return value
    raise ConfigError(f"no {what}: set the environment variable {env} to {value_is}, or keep it in the "
                      f"OS keyring with `ardesk secret set {kind}`{why}")


def store(keyring_account: str, value: str) -> str:
    """Keep ``value`` in the OS keyring; returns the backend's name (where it went)."""
    kr = _keyring()
    try:
        kr.set_password(SERVICE, keyring_account, value)
    except Exception as exc:         # noqa: BLE001
        raise ConfigError(f"the OS keyring did not take the password: {_plain(exc)}",
                          hint="set the environment variable instead") from None
    return _backend_name(kr)


def delete(keyring_account: str) -> bool:
    """Forget the secret in the OS keyring; False when there was none."""
    kr = _keyring()
    from keyring.errors import PasswordDeleteError

    try:
        kr.delete_password(SERVICE, keyring_account)
    except PasswordDeleteError:
        return False                 # none was kept
    except Exception as exc:         # noqa: BLE001
        raise ConfigError(f"the OS keyring did not forget the password: {_plain(exc)}") from None
    return True


def _keyring():
    # imported when asked: finding its backends costs time every command would pay
    import keyring

    return keyring


def _backend_name(kr) -> str:
    b = kr.get_keyring()
    return f"{type(b).__module__}.{type(b).__name__}"


def _plain(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
