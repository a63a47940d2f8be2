"""The configuration and the ledger a job works with, found the one way every front finds them."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from receivables.config import Config, find_config, load_config


@dataclass(frozen=True)
class Settings:
    config: Config
    ledger: Path


def settings_for(config_path: str | os.PathLike | None = None, *, near: str | os.PathLike | None = None,
                 ledger: str | os.PathLike | None = None) -> Settings:
    """``config_path``, else ``ardesk.toml`` beside ``near`` (a workbook), else in the current folder; the ledger
    ``ledger``, else the configuration's."""
    config = load_config(find_config(config_path, near))
    return Settings(config, Path(ledger) if ledger else config.ledger)
