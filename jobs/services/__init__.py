"""Service definitions that run ``ardesk jobs run`` in the folder of the workbook, for each operating system:
a systemd user service (and, for timers, a ``--once`` service with its timer), a Windows Task Scheduler task and a
macOS launchd agent. The files beside this module are templates; ``ardesk jobs service`` fills in the folder and
this installation's ``ardesk`` executable, so nobody edits a path by hand (README.md: "Running the jobs as a
service").

Each value is escaped for its file: ``%`` and ``$`` for systemd (its specifiers and variables), ``&`` and ``<`` for
the XML of the task and the property list.
"""
from __future__ import annotations

import os
import shutil
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from receivables.errors import InputError
from receivables.timetable import Timetable

TEMPLATES = Path(__file__).resolve().parent
LINUX, WINDOWS, MACOS = "linux", "windows", "macos"
#: Each platform's files; the first is the one that runs the scheduler (printed without --out).
FILES = {
    LINUX: ("ardesk-jobs.service", "ardesk-job@.service", "ardesk-job@.timer"),
    WINDOWS: ("ardesk-jobs.xml",),
    MACOS: ("com.ardesk.jobs.plist",),
}


@dataclass(frozen=True)
class Definition:
    name: str            # a file name, or a path under the output folder (a timer's drop-in)
    text: str

    def data(self) -> bytes:
        """The file's bytes: the task as UTF-16 with a byte-order mark, as Task Scheduler exports it; the others
        UTF-8."""
        return self.text.encode("utf-16") if self.name.endswith(".xml") else self.text.encode("utf-8")


def executable(platform: str) -> Path:
    """This installation's ``ardesk`` (on Windows ``ardeskw.exe``, which opens no console window, where it is)."""
    scripts = Path(sysconfig.get_path("scripts"))
    names = ["ardeskw.exe", "ardesk.exe"] if sys.platform == "win32" and platform == WINDOWS else \
        ["ardesk.exe"] if sys.platform == "win32" else ["ardesk"]
    for name in names:
        if (scripts / name).is_file():
            return scripts / name
    found = shutil.which("ardesk")
    if found:
        return Path(found).resolve()
    raise InputError("cannot find the ardesk program of this Python", source=str(scripts),
                     hint="install ardesk into it with pip, then run this again")


def _systemd(value: str, *, quoted: bool = False) -> str:
    text = value.replace("%", "%%")
    if not quoted:
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("$", "$$") + '"'


def render(name: str, folder: Path, ardesk: Path) -> str:
    """The template ``name`` filled in for ``folder`` and ``ardesk``."""
    text = (TEMPLATES / name).read_text(encoding="utf-8")
    if name.endswith((".service", ".timer")):
        return text.replace("@WORKDIR@", _systemd(str(folder))).replace("@ARDESK@", _systemd(str(ardesk), quoted=True))
    return text.replace("@WORKDIR@", escape(str(folder))).replace("@ARDESK@", escape(str(ardesk)))


def timer_schedule(job: str, timetable: Timetable) -> Definition:
    """The drop-in that gives ``ardesk-job@JOB.timer`` the job's ``[jobs]`` schedule in systemd's words."""
    lines = [f'# [jobs] {job} = "{timetable.phrase}" in ardesk.toml', "[Timer]", "OnCalendar="]
    calendar = on_calendar(timetable)
    if calendar:
        lines.append(f"OnCalendar={calendar}")
    else:                                      # minutes that do not divide an hour: from the last run
        minutes = int(timetable.period.total_seconds() // 60)
        lines += [f"OnBootSec={minutes}min", f"OnUnitActiveSec={minutes}min"]
    return Definition(f"ardesk-job@{job}.timer.d/schedule.conf", "\n".join(lines) + "\n")


def on_calendar(tt: Timetable) -> str | None:
    """A timetable as a systemd calendar event (every N days: every Nth day of the month), or None."""
    if tt.weekdays:
        return f"{','.join(d[:3].capitalize() for d in tt.weekdays)} *-*-* {tt.at}:00"
    if tt.unit == "days":
        return f"*-*-{'*' if tt.interval == 1 else f'1/{tt.interval}'} {tt.at}:00"
    if tt.unit == "hours":
        return f"*-*-* {'*' if tt.interval == 1 else f'0/{tt.interval}'}:{tt.at[1:] if tt.at else '00'}:00"
    if 60 % tt.interval == 0:
        return f"*-*-* *:0/{tt.interval}:00" if tt.interval > 1 else "*-*-* *:*:00"
    return None


def definitions(platform: str, folder: Path, ardesk: Path, timetables: dict[str, Timetable]) -> list[Definition]:
    """Every file of ``platform`` for the desk in ``folder``; on Linux also each job's timer schedule."""
    if platform not in FILES:
        raise InputError(f"no service definition for {platform!r}", hint=f"choose one of {', '.join(FILES)}")
    out = [Definition(name, render(name, folder, ardesk)) for name in FILES[platform]]
    if platform == LINUX:
        out += [timer_schedule(job, tt) for job, tt in timetables.items()]
    return out


def write(definitions_: list[Definition], out_dir: Path) -> list[Path]:
    """Write the definitions into ``out_dir`` (made if missing); returns their paths."""
    written = []
    for d in definitions_:
        path = out_dir / d.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(d.data())
        written.append(path)
    return written


def desk_folder() -> Path:
    """The current folder, which must hold the desk's ardesk.toml (the service runs there and reads it)."""
    folder = Path(os.getcwd()).resolve()
    if not (folder / "ardesk.toml").is_file():
        raise InputError("no ardesk.toml in this folder", source=str(folder),
                         hint="run this in the folder of the workbook and its ardesk.toml (`ardesk init` writes "
                              "one)")
    return folder
