"""The TOML configuration (``ardesk.toml``), loaded into frozen dataclasses.

Secrets never live here: the Odoo password or API key comes from ``ARDESK_ODOO_PASSWORD``. A key that looks like
a secret in the file is refused, so nobody commits one by accident.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConfigError

CONFIG_NAME = "ardesk.toml"
PASSWORD_ENV = "ARDESK_ODOO_PASSWORD"
_SECRET_KEYS = {"password", "api_key", "apikey", "secret", "token"}


@dataclass(frozen=True)
class OdooConfig:
    url: str = ""
    db: str = ""
    user: str = ""
    company: str | int | None = None      # name or id; None = the user's current company
    batch_size: int = 2000
    timeout: float = 120.0
    retries: int = 4
    backoff: float = 0.5                   # seconds before the first retry; doubles each time
    history_months: int = 24               # how far back settled items are pulled (past agings, DSO history)

    def password(self) -> str:
        value = os.environ.get(PASSWORD_ENV)
        if not value:
            raise ConfigError(f"no Odoo password: set the environment variable {PASSWORD_ENV} "
                              "to the password or an API key of the Odoo user")
        return value


@dataclass(frozen=True)
class AgingConfig:
    edges: tuple[int, ...] = (30, 60, 90)
    by: str = "due"                        # "due" or "issued"


@dataclass(frozen=True)
class DsoConfig:
    period_days: int | None = None          # None = calendar days of the period; or 365/360/90
    months: int = 12
    cei_sales: str = "total"                # "total" or "average"


@dataclass(frozen=True)
class Config:
    path: Path | None = None                # the file it came from, if any
    default_source: str | None = None
    ledger: Path = Path("ardesk.db")
    workbook: Path = Path("collections.xlsm")
    company_currency: str | None = None
    rates: dict[str, str] = field(default_factory=dict)   # extra currency rates "EUR" = "1.08"
    odoo: OdooConfig = OdooConfig()
    aging: AgingConfig = AgingConfig()
    dso: DsoConfig = DsoConfig()
    raw: dict = field(default_factory=dict)  # the whole file, for sections later features read


def _check_no_secrets(table: dict, where: str, path: Path) -> None:
    for key, value in table.items():
        if isinstance(value, dict):
            _check_no_secrets(value, f"{where}.{key}" if where else key, path)
        elif key.lower() in _SECRET_KEYS:
            raise ConfigError(f"[{where}] {key} must not be in the file",
                              source=str(path), hint=f"remove it and set {PASSWORD_ENV} instead")


def _edges(value, path: Path) -> tuple[int, ...]:
    try:
        edges = tuple(int(v) for v in value)
    except (TypeError, ValueError):
        raise ConfigError(f"[aging] edges must be whole numbers of days, got {value!r}", source=str(path)) from None
    validate_edges(edges, str(path))
    return edges


def validate_edges(edges: tuple[int, ...], source: str | None = None) -> None:
    if not edges or any(e <= 0 for e in edges) or list(edges) != sorted(set(edges)):
        raise ConfigError(f"bucket edges must be positive and increasing, got {','.join(map(str, edges))}",
                          source=source, hint="e.g. 30,60,90")


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
    """Load ``path`` (or return the defaults when ``None``). Relative paths in the file are relative to it."""
    if path is None:
        return Config()
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", source=str(path)) from None
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror}", source=str(path)) from None
    _check_no_secrets(data, "", path)
    base = path.resolve().parent

    def rel(value: str) -> Path:
        p = Path(value).expanduser()
        return p if p.is_absolute() else base / p

    src = data.get("source", {})
    default = src.get("default")
    if default and default not in ("odoo", "ledger"):
        default = str(rel(default))
    o = data.get("odoo", {})
    try:
        odoo = OdooConfig(url=str(o.get("url", "")), db=str(o.get("db", "")), user=str(o.get("user", "")),
                          company=o.get("company"), batch_size=int(o.get("batch_size", 2000)),
                          timeout=float(o.get("timeout", 120.0)), retries=int(o.get("retries", 4)),
                          backoff=float(o.get("backoff", 0.5)),
                          history_months=int(o.get("history_months", 24)))
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"[odoo] has a bad value: {exc}", source=str(path)) from None
    if odoo.batch_size <= 0 or odoo.history_months <= 0:
        raise ConfigError("[odoo] batch_size and history_months must be positive", source=str(path))
    a = data.get("aging", {})
    by = a.get("by", "due")
    if by not in ("due", "issued"):
        raise ConfigError(f"[aging] by must be \"due\" or \"issued\", got {by!r}", source=str(path))
    aging = AgingConfig(edges=_edges(a.get("edges", [30, 60, 90]), path), by=by)
    d = data.get("dso", {})
    cei = d.get("cei_sales", "total")
    if cei not in ("total", "average"):
        raise ConfigError(f"[dso] cei_sales must be \"total\" or \"average\", got {cei!r}", source=str(path))
    period_days = d.get("period_days")
    dso = DsoConfig(period_days=int(period_days) if period_days else None, months=int(d.get("months", 12)),
                    cei_sales=cei)
    files = data.get("files", {})
    return Config(path=path, default_source=default, ledger=rel(files.get("ledger", "ardesk.db")),
                  workbook=rel(files.get("workbook", "collections.xlsm")),
                  company_currency=data.get("company", {}).get("currency"),
                  rates={k: str(v) for k, v in data.get("company", {}).get("rates", {}).items()},
                  odoo=odoo, aging=aging, dso=dso, raw=data)


SAMPLE_CONFIG = """\
# ardesk configuration. Secrets never go here: the Odoo password or API key comes from
# the environment variable ARDESK_ODOO_PASSWORD.

[source]
# "odoo", "ledger", or a path to a QuickBooks export or a folder of exports.
default = "exports"

[files]
ledger = "ardesk.db"
workbook = "collections.xlsm"

[company]
# currency = "USD"
# [company.rates]      # company-currency units per unit of a foreign currency, where the source has no rate
# EUR = "1.08"

[odoo]
# url = "https://erp.example.com"
# db = "production"
# user = "collections@example.com"
# company = "My Company"      # name or id; default: the user's current company
# batch_size = 2000
# history_months = 24         # settled items this far back: agings at past dates and DSO history need them

[aging]
edges = [30, 60, 90]
by = "due"                    # or "issued"

[dso]
# period_days = 90            # default: calendar days of the period
months = 12
cei_sales = "total"           # or "average" (monthly average credit sales)
"""
