"""A new desk (``ardesk init``), and a control panel built or checked (``ardesk workbook new|check``)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from receivables.errors import InputError

WORKBOOK_NAME = "collections.xlsm"


@dataclass(frozen=True)
class InitResult:
    config: Path
    config_written: bool
    exports: Path
    workbook: Path
    workbook_written: bool

    @property
    def lines(self) -> list[str]:
        return [f"wrote {self.config}: its source is the folder {self.exports}; put your QuickBooks exports "
                "there, or set [source] default to \"odoo\" and fill in [odoo]" if self.config_written
                else f"kept the existing {self.config}",
                f"wrote {self.workbook}" if self.workbook_written else f"kept the existing {self.workbook}"]


def init(directory: str | Path) -> InitResult:
    """A commented ``ardesk.toml``, an exports folder and an empty control panel in ``directory``; what exists
    already is kept."""
    from excel.panel import build_panel
    from receivables.config import CONFIG_NAME, SAMPLE_CONFIG

    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    config = d / CONFIG_NAME
    config_written = not config.exists()
    if config_written:
        config.write_text(SAMPLE_CONFIG, encoding="utf-8")
        (d / "exports").mkdir(exist_ok=True)
    workbook = d / WORKBOOK_NAME
    workbook_written = not workbook.exists()
    if workbook_written:
        build_panel(workbook)
    return InitResult(config, config_written, d / "exports", workbook, workbook_written)


def new_workbook(path: str | Path, *, force: bool = False) -> Path:
    """An empty control panel at ``path``; an existing file only with ``force``."""
    from excel.panel import build_panel

    p = Path(path)
    if p.exists() and not force:
        raise InputError("the file exists already", source=str(p),
                         hint="choose another path, or pass --force to overwrite it (its notes would be lost)")
    if p.suffix.lower() != ".xlsm":
        raise InputError("a control panel must be an .xlsm file (it carries the buttons' macros)", source=str(p))
    return build_panel(p).resolve()


@dataclass(frozen=True)
class CheckResult:
    summary: str
    sound: bool
    removed: tuple[Path, ...] = ()         # temporary files of interrupted writes, removed by --repair


def check_workbook(path: str | Path, *, repair: bool = False) -> CheckResult:
    """Whether ``path`` is a sound ardesk panel, and what to do if not; ``repair`` first removes what an
    interrupted write left beside it."""
    from excel.check import check_workbook as check
    from excel.check import summary
    from excel.tempfiles import remove_leftovers

    p = Path(path)
    if not p.is_file():
        raise InputError("no such workbook", source=str(p))
    removed = tuple(remove_leftovers(p)) if repair else ()
    findings = check(p)
    text = summary(findings, p)
    if removed:
        text = f"removed {len(removed)} temporary file(s) left by an interrupted write\n{text}"
    return CheckResult(text, not any(f.severity == "error" for f in findings), removed)
