"""Reading the parts of a workbook package as a spreadsheet program left it.

Parts are found the way the format says, never by their usual names: the workbook through ``_rels/.rels``,
sheets through ``workbook.xml`` and its relationships, tables through each sheet's relationships. Excel and
LibreOffice rename and renumber all of these when they save.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Self

from lxml import etree

from receivables.errors import InputError

from .cells import unescape_ooxml

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


@dataclass(frozen=True)
class SheetRef:
    """A sheet as ``workbook.xml`` lists it: its name, ids, position and zip member."""

    name: str
    sheet_id: str
    position: int  # 0-based, as localSheetId counts
    part: str


@dataclass(frozen=True)
class Rel:
    id: str
    type: str
    target: str  # zip member name, resolved


def parse(data: bytes, source: str):
    """Parse one XML part (untrusted: no entities, no network); a broken part is an InputError."""
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise InputError(
            f"part {source} is not well-formed XML ({exc})",
            hint="open and save the workbook in Excel to repair it, or rebuild it",
        ) from None


def rels_part(part: str) -> str:
    """Zip member holding the relationships of ``part``."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


class Package:
    """An open workbook package (read only). Use as a context manager."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        try:
            self.zip = zipfile.ZipFile(self.path)
        except FileNotFoundError:
            raise InputError(
                f"no workbook at {self.path}", hint="create it with `ardesk workbook new PATH`"
            ) from None
        except (zipfile.BadZipFile, OSError) as exc:
            raise InputError(
                f"{self.path} is not a workbook file ({exc})",
                hint="give the .xlsm control panel, or rebuild it with `ardesk workbook new`",
            ) from None
        self.infos = {i.filename: i for i in self.zip.infolist()}

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.zip.close()

    def read(self, member: str) -> bytes:
        if member not in self.infos:
            raise InputError(
                f"{self.path.name} lacks the part {member}",
                source=str(self.path),
                hint="the file is damaged; rebuild it with `ardesk workbook new`",
            )
        return self.zip.read(member)

    def rels(self, part: str) -> list[Rel]:
        """Relationships of ``part`` (internal targets only), resolved to zip member names."""
        member = rels_part(part)
        if member not in self.infos:
            return []
        root = parse(self.zip.read(member), member)
        base = posixpath.dirname(part)
        out = []
        for el in root.iter(f"{{{NS_PKG}}}Relationship"):
            if el.get("TargetMode") == "External":
                continue
            target = el.get("Target", "")
            resolved = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join(base, target))
            )
            out.append(Rel(el.get("Id", ""), el.get("Type", ""), resolved))
        return out

    @cached_property
    def workbook_part(self) -> str:
        for rel in self.rels(""):
            if rel.type.endswith("/officeDocument"):
                return rel.target
        raise InputError(
            f"{self.path.name} has no workbook part",
            source=str(self.path),
            hint="give the .xlsm control panel, or rebuild it with `ardesk workbook new`",
        )

    @cached_property
    def workbook_xml(self) -> bytes:
        return self.read(self.workbook_part)

    @cached_property
    def _workbook(self):
        return parse(self.workbook_xml, self.workbook_part)

    @cached_property
    def workbook_rels(self) -> list[Rel]:
        return self.rels(self.workbook_part)

    def workbook_rel(self, kind: str) -> Rel | None:
        """The workbook's relationship whose type ends with ``/kind`` (styles, sharedStrings, calcChain)."""
        return next((r for r in self.workbook_rels if r.type.endswith("/" + kind)), None)

    @cached_property
    def sheets(self) -> list[SheetRef]:
        by_id = {r.id: r.target for r in self.workbook_rels}
        out = []
        for pos, el in enumerate(self._workbook.iter(f"{{{NS}}}sheet")):
            part = by_id.get(el.get(f"{{{NS_R}}}id", ""))
            if part:
                out.append(SheetRef(el.get("name", ""), el.get("sheetId", ""), pos, part))
        return out

    def sheet(self, name: str) -> SheetRef:
        for s in self.sheets:
            if s.name == name:
                return s
        for s in self.sheets:  # spreadsheet programs compare sheet names without case
            if s.name.lower() == name.lower():
                return s
        raise InputError(
            f"the workbook has no sheet named {name!r}",
            source=str(self.path),
            hint=f"rename the sheet back to {name!r}, or rebuild the panel with `ardesk workbook new`",
        )

    @cached_property
    def date1904(self) -> bool:
        pr = self._workbook.find(f"{{{NS}}}workbookPr")
        return pr is not None and pr.get("date1904", "0").lower() in ("1", "true")

    @cached_property
    def defined_names(self) -> dict[str, str]:
        """Workbook-level defined names (name -> formula text); names local to a sheet are left out."""
        out = {}
        for el in self._workbook.iter(f"{{{NS}}}definedName"):
            if el.get("localSheetId") is None:
                out[el.get("name", "")] = el.text or ""
        return out

    def named_cell(self, name: str, default_sheet: str, default_cell: str) -> tuple[str, str]:
        """(sheet name, A1 cell) a defined name points at, or the layout's place when the name is missing."""
        text = self.defined_names.get(name, "").lstrip("=")
        m = re.fullmatch(r"(?:'((?:[^']|'')+)'|([^'!]+))!\$?([A-Za-z]{1,3})\$?([0-9]+)", text.strip())
        if not m:
            return default_sheet, default_cell
        sheet = (m.group(1) or "").replace("''", "'") or m.group(2)
        return sheet, f"{m.group(3).upper()}{m.group(4)}"

    @cached_property
    def shared_strings(self) -> list[str]:
        rel = self.workbook_rel("sharedStrings")
        if rel is None or rel.target not in self.infos:
            return []
        root = parse(self.zip.read(rel.target), rel.target)
        return [string_item(si) for si in root.iterchildren(f"{{{NS}}}si")]

    def tables_of(self, sheet: SheetRef) -> list[str]:
        """Zip members of the tables on ``sheet``."""
        return [
            r.target for r in self.rels(sheet.part) if r.type.endswith("/table") and r.target in self.infos
        ]


def string_item(el) -> str:
    """The text of an ``<si>`` or ``<is>`` element: plain or rich text runs, phonetic runs left out."""
    t = el.find(f"{{{NS}}}t")
    if t is not None:
        return unescape_ooxml(t.text or "")
    return unescape_ooxml("".join(r.findtext(f"{{{NS}}}t") or "" for r in el.iterchildren(f"{{{NS}}}r")))
