"""The panel's VBA project: xlwings' own module plus ours (ArdeskButtons.bas), and readers of VBA source.

The project is made without Excel: ``vbaProject.bin`` is taken from the ``quickstart_standalone.xlsm`` shipped in the
installed xlwings wheel (its ``xlwings`` module names the DLL of that exact version), its sample ``Module1`` is
removed and :data:`excel.layout.VBA_MODULE` is added from ``ArdeskButtons.bas`` with pyOpenVBA.
"""
from __future__ import annotations

import functools
import re
import shutil
import tempfile
import zipfile
from importlib import resources
from pathlib import Path

from excel import layout
from receivables.errors import ConfigError

BAS_FILE = "ArdeskButtons.bas"
_SUB = re.compile(r"^\s*(?:Public\s+)?Sub\s+(\w+)\s*\(\s*\)", re.IGNORECASE | re.MULTILINE)
_RUNPYTHON = re.compile(r'^\s*RunPython\s+"import\s+excel\.buttons\s+as\s+b\s*;\s*b\.(\w+)\(\)"\s*$', re.IGNORECASE)
_VERSION_LINE = re.compile(r"^'Version:\s*(\S+)", re.MULTILINE)
_DLL = re.compile(r'xlwings(?:32|64)-([0-9][\w.]*)\.dll', re.IGNORECASE)


def module_source() -> str:
    """The source of our button module, with CRLF line ends as VBA stores it."""
    text = resources.files("excel.vba").joinpath(BAS_FILE).read_text(encoding="utf-8")
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def macro_calls(source: str) -> dict[str, str | None]:
    """Map each ``Sub`` in ``source`` to the excel.buttons function its one-line body calls (None if it is not
    exactly one ``RunPython "import excel.buttons as b; b.<function>()"`` line)."""
    calls: dict[str, str | None] = {}
    lines = source.replace("\r\n", "\n").split("\n")
    for i, line in enumerate(lines):
        match = _SUB.match(line)
        if not match:
            continue
        body = []
        for following in lines[i + 1:]:
            if re.match(r"^\s*End\s+Sub\b", following, re.IGNORECASE):
                break
            if following.strip() and not following.strip().startswith("'"):
                body.append(following)
        call = _RUNPYTHON.match(body[0]) if len(body) == 1 else None
        calls[match.group(1)] = call.group(1) if call else None
    return calls


def xlwings_versions(source: str) -> set[str]:
    """Every xlwings version the xlwings module names: its ``'Version:`` line and its DLL file names."""
    found = set(_DLL.findall(source))
    found.update(_VERSION_LINE.findall(source))
    return found


def _quickstart() -> Path:
    import xlwings

    path = Path(xlwings.__file__).with_name("quickstart_standalone.xlsm")
    if not path.is_file():
        raise ConfigError(f"xlwings {xlwings.__version__} has no quickstart_standalone.xlsm",
                          source=str(path), hint="reinstall xlwings " + layout.XLWINGS_PIN)
    return path


@functools.cache
def project_bytes() -> bytes:
    """``vbaProject.bin`` for the panel: xlwings' module of the pinned version and the button module."""
    import xlwings
    from pyopenvba import ExcelFile

    if xlwings.__version__ != layout.XLWINGS_PIN:
        raise ConfigError(f"xlwings {xlwings.__version__} is installed but the panel is made for "
                          f"{layout.XLWINGS_PIN}", hint=f"pip install xlwings=={layout.XLWINGS_PIN}")
    with tempfile.TemporaryDirectory(prefix="ardesk-vba-") as tmp:
        work = Path(tmp) / "project.xlsm"
        shutil.copyfile(_quickstart(), work)
        with ExcelFile(work) as book:
            versions = xlwings_versions(book.get_module(layout.XLWINGS_MODULE))
            if versions != {layout.XLWINGS_PIN}:
                raise ConfigError(f"xlwings' VBA module names versions {sorted(versions)}, expected "
                                  f"{layout.XLWINGS_PIN}", source=str(_quickstart()),
                                  hint=f"pip install --force-reinstall xlwings=={layout.XLWINGS_PIN}")
            project = book.vba_project()
            if "Module1" in book.module_names():
                project.delete_module("Module1")
            project.add_module(layout.VBA_MODULE, module_source())
            book.save(Path(tmp) / "out.xlsm")
        with zipfile.ZipFile(Path(tmp) / "out.xlsm") as package:
            return package.read("xl/vbaProject.bin")
