"""Is a workbook a sound ardesk control panel? Each problem found says what to do about it.

Checked against :mod:`excel.layout`: the sheets, the defined names of the Control cells, the tables, the Form
buttons and the macros they are bound to, each macro's one ``RunPython`` line naming a function that exists in
``excel.buttons``, and the xlwings VBA module naming the installed (and pinned) xlwings version. The file is only
read: its parts with the standard library, its VBA with oletools' olevba.
"""
from __future__ import annotations

import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from excel import layout

ERROR, WARNING = "error", "warning"
REBUILD = ("rebuild the panel with `ardesk workbook new PATH`, then copy your rows from the old Notes sheet "
           "into the new one")
_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}


@dataclass(frozen=True)
class Finding:
    """One problem with a panel: how bad, what is wrong, what to do."""

    severity: str
    message: str
    fix: str = REBUILD

    def __str__(self) -> str:
        return f"{self.severity}: {self.message}; {self.fix}"


def check_workbook(path: str | os.PathLike) -> list[Finding]:
    """Every problem found in the panel at ``path``; an empty list means it is sound."""
    path = Path(path)
    if not path.is_file():
        return [Finding(ERROR, f"{path} does not exist", "check the path, or make a panel with "
                                                         "`ardesk workbook new PATH`")]
    try:
        with zipfile.ZipFile(path) as package:
            parts = {name: package.read(name) for name in package.namelist()
                     if name.endswith((".xml", ".vml", ".rels"))}
    except (zipfile.BadZipFile, OSError) as exc:
        return [Finding(ERROR, f"{path} is not an Excel workbook ({exc})", REBUILD)]
    if "xl/workbook.xml" not in parts:
        return [Finding(ERROR, f"{path} has no xl/workbook.xml: not an Excel workbook", REBUILD)]
    findings: list[Finding] = []
    sheets = _sheets(parts)
    findings += _check_sheets(sheets)
    findings += _check_names(parts)
    findings += _check_tables(parts)
    bound = _bound_macros(parts, sheets.get(layout.CONTROL))
    findings += _check_vba(path, bound)
    findings += _check_leftovers(path)
    return findings


def _check_leftovers(path: Path) -> list[Finding]:
    from excel.tempfiles import leftovers

    found = leftovers(path)
    if not found:
        return []
    return [Finding(WARNING, f"{len(found)} temporary file(s) left beside it by an interrupted write "
                             f"({', '.join(p.name for p in found[:3])}{', ...' if len(found) > 3 else ''})",
                    "the next refresh removes them, or run `ardesk workbook check --repair PATH` now")]


def summary(findings: list[Finding], path: str | os.PathLike | None = None) -> str:
    """A few lines for people: "sound" or the problems, one a line."""
    name = f"{Path(path).name}: " if path else ""
    if not findings:
        return f"{name}sound ardesk panel (sheets, names, tables, buttons, macros and xlwings {layout.XLWINGS_PIN})."
    errors = sum(f.severity == ERROR for f in findings)
    head = f"{name}{errors} error(s), {len(findings) - errors} warning(s):"
    return "\n".join([head, *(f"- {f}" for f in findings)])


# -- parts ----------------------------------------------------------------------------------------------------
def _xml(data: bytes):
    from lxml import etree

    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))


def _sheets(parts: dict[str, bytes]) -> dict[str, str]:
    """Sheet name -> its part name (``xl/worksheets/sheetN.xml``)."""
    book = _xml(parts["xl/workbook.xml"])
    rels = _rels(parts, "xl/workbook.xml")
    out = {}
    for sheet in book.iterfind("m:sheets/m:sheet", _NS):
        rid = sheet.get(f"{{{_NS['r']}}}id")
        out[sheet.get("name")] = rels.get(rid, "")
    return out


def _rels(parts: dict[str, bytes], part: str) -> dict[str, str]:
    """Relationship id -> target part (resolved to a package path) for ``part``."""
    p = PurePosixPath(part)
    rels_name = str(p.parent / "_rels" / (p.name + ".rels"))
    if rels_name not in parts:
        return {}
    out = {}
    for rel in _xml(parts[rels_name]):
        target = rel.get("Target", "")
        if target.startswith("/"):
            resolved = target.lstrip("/")
        else:
            stack = list(p.parent.parts)
            for piece in target.split("/"):
                if piece == "..":
                    stack.pop()
                elif piece and piece != ".":
                    stack.append(piece)
            resolved = "/".join(stack)
        out[rel.get("Id")] = resolved
    return out


def _check_sheets(sheets: dict[str, str]) -> list[Finding]:
    wanted = [layout.CONTROL, *(s.name for s in layout.SHEETS), layout.CONF_SHEET]
    findings = [Finding(ERROR, f"sheet {name!r} is missing") for name in wanted if name not in sheets]
    return findings


def _check_names(parts: dict[str, bytes]) -> list[Finding]:
    book = _xml(parts["xl/workbook.xml"])
    defined = {n.get("name"): (n.text or "").replace("$", "").replace("'", "")
               for n in book.iterfind("m:definedNames/m:definedName", _NS) if n.get("localSheetId") is None}
    findings = []
    jobs_block = set(layout.JOB_CELLS.values())
    if not jobs_block & set(defined):         # a panel built before the block: its refresh leaves it out
        findings.append(Finding(WARNING, "this panel was built before the Jobs block on Control (the last run of "
                                         "each scheduled job)", f"to get it, {REBUILD}"))
    for cell in layout.NAMED_CELLS:
        expected = f"{cell.sheet}!{cell.cell}"
        if cell.name in jobs_block and not jobs_block & set(defined):
            continue
        if cell.name not in defined:
            findings.append(Finding(ERROR, f"defined name {cell.name!r} is missing",
                                    f"in Excel, Formulas > Name Manager > New: {cell.name} refers to "
                                    f"={cell.sheet}!${cell.cell[0]}${cell.cell[1:]}; or {REBUILD}"))
        elif defined[cell.name].lstrip("=") != expected:
            findings.append(Finding(ERROR, f"defined name {cell.name!r} refers to {defined[cell.name]!r}, "
                                           f"expected {expected}",
                                    f"in Excel, Formulas > Name Manager: point {cell.name} back to {expected}"))
    return findings


def _check_tables(parts: dict[str, bytes]) -> list[Finding]:
    names = set()
    for name, data in parts.items():
        if re.fullmatch(r"xl/tables/[^/]+\.xml", name):
            names.add(_xml(data).get("name"))
    return [Finding(ERROR, f"table {s.table!r} on sheet {s.name!r} is missing")
            for s in layout.SHEETS if s.table and s.table not in names]


def macro_name(reference: str) -> str:
    """The macro a button's reference names, as ``Module.Macro`` or ``Macro``: Excel writes ``[0]!Macro``,
    LibreOffice ``Module.Macro``, a copied sheet ``'book.xlsm'!Macro``."""
    return reference.rsplit("!", 1)[-1].strip()


def _bound_macros(parts: dict[str, bytes], control_part: str | None) -> dict[str, str]:
    """Macro reference -> caption of each button on Control (legacy VML drawing, or Excel 2010 ctrlProps)."""
    if not control_part:
        return {}
    bound = {}
    for target in _rels(parts, control_part).values():
        if target not in parts:
            continue
        text = parts[target].decode("utf-8", "replace")
        if target.endswith(".vml"):
            for shape in re.findall(r"<v:shape\b.*?</v:shape>", text, re.DOTALL):
                macro = re.search(r"<x:FmlaMacro>(.*?)</x:FmlaMacro>", shape, re.DOTALL)
                if not macro or not macro.group(1).strip():
                    continue
                caption = re.sub(r"<[^>]+>", "", "".join(re.findall(r"<v:textbox\b.*?</v:textbox>", shape, re.DOTALL)))
                bound[macro_name(macro.group(1))] = caption.strip()
        elif "ctrlProp" in target:
            macro = re.search(r'\bfmlaMacro="([^"]+)"', text)
            if macro:
                bound.setdefault(macro_name(macro.group(1)), macro_name(macro.group(1)))
    return bound


def read_modules(path: str | os.PathLike) -> dict[str, str]:
    """VBA module name -> source, read with olevba (empty when the file has no VBA project)."""
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(path))
    try:
        if not parser.detect_vba_macros():
            return {}
        return {PurePosixPath(vba_filename).stem: code
                for _, _, vba_filename, code in parser.extract_macros()}
    finally:
        parser.close()


def _in_module(reference: str) -> str:
    """``ArdeskButtons.ArdeskRefresh`` -> ``ArdeskRefresh``; a macro of another module keeps its qualified name."""
    module, _, macro = reference.rpartition(".")
    return macro if module in ("", layout.VBA_MODULE) else reference


def _check_vba(path: Path, bound: dict[str, str]) -> list[Finding]:
    import xlwings

    from excel import buttons, vba

    modules = read_modules(path)
    if not modules:
        return [Finding(ERROR, "the workbook has no VBA project: its buttons cannot run", REBUILD)]
    findings = []
    xlw = modules.get(layout.XLWINGS_MODULE)
    if xlw is None:
        findings.append(Finding(ERROR, f"VBA module {layout.XLWINGS_MODULE!r} is missing (RunPython lives there)",
                                REBUILD))
    else:
        versions = vba.xlwings_versions(xlw)
        wanted = {xlwings.__version__, layout.XLWINGS_PIN}
        if versions != wanted:
            findings.append(Finding(ERROR, f"the workbook's xlwings VBA module is for xlwings "
                                           f"{', '.join(sorted(versions)) or 'an unknown version'} but xlwings "
                                           f"{xlwings.__version__} is installed (ardesk pins {layout.XLWINGS_PIN})",
                                    f"install xlwings=={layout.XLWINGS_PIN}, then {REBUILD}"))
    ours = modules.get(layout.VBA_MODULE)
    calls = vba.macro_calls(ours) if ours is not None else {}
    if ours is None:
        findings.append(Finding(ERROR, f"VBA module {layout.VBA_MODULE!r} (the buttons' macros) is missing",
                                REBUILD))
    bound = {_in_module(ref): caption for ref, caption in bound.items()}
    for button in layout.BUTTONS:
        if button.macro in bound:
            continue
        if ours is not None and button.macro not in calls:
            # a panel built before this button existed: everything it has still works
            findings.append(Finding(WARNING, f"this panel was built before the button {button.caption!r}",
                                    f"to get it, {REBUILD}"))
            continue
        findings.append(Finding(ERROR, f"button {button.caption!r} is missing or not bound to macro "
                                       f"{button.macro}", f"right-click the button > Assign Macro > "
                                                          f"{button.macro}; or {REBUILD}"))
    for macro, caption in sorted(bound.items()):
        if ours is None:
            break
        if macro not in calls:
            findings.append(Finding(ERROR, f"button {caption!r} is bound to macro {macro!r}, which is not in "
                                           f"module {layout.VBA_MODULE}", REBUILD))
        elif calls[macro] is None:
            findings.append(Finding(ERROR, f"macro {macro!r} is not one line RunPython \"import excel.buttons as b; "
                                           f"b.<function>()\"", REBUILD))
        elif not callable(getattr(buttons, calls[macro], None)):
            findings.append(Finding(ERROR, f"macro {macro!r} calls excel.buttons.{calls[macro]}(), which does not "
                                           f"exist in this ardesk", f"upgrade ardesk, or {REBUILD}"))
    return findings
