"""The service definitions ``ardesk jobs service`` prints and writes: each filled in with the desk's folder (here one
whose name needs escaping in every format) and this installation's ardesk, and each a valid file of its kind: the
Windows task parsed as Task Scheduler XML, the launchd agent by plistlib, the systemd units by a config parser and,
where the machine has it, by ``systemd-analyze verify`` (and each timer's calendar by ``systemd-analyze calendar``).
"""
from __future__ import annotations

import configparser
import plistlib
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from jobs import services

TASK = "{http://schemas.microsoft.com/windows/2004/02/mit/task}"
SYSTEMD_ANALYZE = shutil.which("systemd-analyze")


@pytest.fixture
def folder(tmp_path, monkeypatch):
    desk = tmp_path / "AR desk & co 100% $HOME"
    desk.mkdir()
    (desk / "ardesk.toml").write_text('[jobs]\nrefresh = "daily 06:00"\nnotes_push = "every 15 minutes"\n'
                                      'remind_build = "weekdays 07:30"\nprune = "every 2 hours at :10"\n'
                                      'worklist = "daily 07:00"\n', encoding="utf-8")
    monkeypatch.chdir(desk)
    return desk.resolve()


def _run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _unit(text: str) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser(strict=False, comment_prefixes=("#",), interpolation=None)
    parser.optionxform = str
    parser.read_string(text)
    return parser


def test_linux_prints_the_user_service_running_the_scheduler_in_this_folder(folder):
    result = _run("jobs", "service", "linux")
    assert result.exit_code == 0, result.output
    unit = _unit(result.stdout)
    ardesk = services.executable("linux")
    assert unit["Service"]["WorkingDirectory"] == str(folder).replace("%", "%%")
    assert unit["Service"]["ExecStart"] == '"' + str(ardesk).replace("%", "%%") + '" jobs run'
    assert unit["Service"]["Restart"] == "on-failure" and unit["Install"]["WantedBy"] == "default.target"
    assert unit["Service"]["TimeoutStopSec"] == "15min"          # room for the running job to finish


def test_linux_out_writes_the_units_and_each_jobs_timer_schedule_which_systemd_accepts(folder, tmp_path):
    out = tmp_path / "units"
    result = _run("jobs", "service", "linux", "--out", str(out))
    assert result.exit_code == 0, result.output
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert written == ["ardesk-job@.service", "ardesk-job@.timer", "ardesk-job@notes_push.timer.d/schedule.conf",
                       "ardesk-job@prune.timer.d/schedule.conf", "ardesk-job@refresh.timer.d/schedule.conf",
                       "ardesk-job@remind_build.timer.d/schedule.conf",
                       "ardesk-job@worklist.timer.d/schedule.conf", "ardesk-jobs.service"]
    once = _unit((out / "ardesk-job@.service").read_text(encoding="utf-8"))
    assert once["Service"]["ExecStart"].endswith(" jobs run --once %i") and once["Service"]["Type"] == "oneshot"
    assert _unit((out / "ardesk-job@.timer").read_text(encoding="utf-8"))["Timer"]["Persistent"] == "true"
    calendars = {}
    for job in ("refresh", "notes_push", "remind_build", "worklist", "prune"):
        text = (out / f"ardesk-job@{job}.timer.d" / "schedule.conf").read_text(encoding="utf-8")
        assert "OnCalendar=\n" in text                           # the template's daily schedule is reset first
        calendars[job] = _unit(text)["Timer"]["OnCalendar"]
    assert calendars == {"refresh": "*-*-* 06:00:00", "notes_push": "*-*-* *:0/15:00",
                         "remind_build": "Mon,Tue,Wed,Thu,Fri *-*-* 07:30:00", "worklist": "*-*-* 07:00:00",
                         "prune": "*-*-* 0/2:10:00"}
    if SYSTEMD_ANALYZE:
        checked = subprocess.run([SYSTEMD_ANALYZE, "calendar", *calendars.values()], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
        units = tmp_path / "verify"
        units.mkdir()
        shutil.copy(out / "ardesk-jobs.service", units / "ardesk-jobs.service")
        shutil.copy(out / "ardesk-job@.service", units / "ardesk-job@refresh.service")
        shutil.copy(out / "ardesk-job@.timer", units / "ardesk-job@refresh.timer")
        verified = subprocess.run([SYSTEMD_ANALYZE, "verify", *(str(p) for p in sorted(units.iterdir()))],
                                  capture_output=True, text=True)
        assert verified.returncode == 0 and "Unknown" not in verified.stderr, verified.stderr


def test_windows_writes_a_task_scheduler_task_started_at_logon_in_this_folder(folder, tmp_path):
    result = _run("jobs", "service", "windows", "--out", str(tmp_path / "task"))
    assert result.exit_code == 0, result.output
    data = (tmp_path / "task" / "ardesk-jobs.xml").read_bytes()
    assert data.startswith(b"\xff\xfe")                           # UTF-16 with its mark, as Task Scheduler writes
    task = ET.fromstring(data)
    assert task.tag == f"{TASK}Task" and task.get("version") == "1.2"
    exec_ = task.find(f"{TASK}Actions/{TASK}Exec")
    assert exec_.findtext(f"{TASK}Command") == str(services.executable("windows"))
    assert exec_.findtext(f"{TASK}Arguments") == "jobs run"
    assert exec_.findtext(f"{TASK}WorkingDirectory") == str(folder)
    assert task.find(f"{TASK}Triggers/{TASK}LogonTrigger/{TASK}Enabled").text == "true"
    settings = task.find(f"{TASK}Settings")
    assert settings.findtext(f"{TASK}MultipleInstancesPolicy") == "IgnoreNew"
    assert settings.findtext(f"{TASK}ExecutionTimeLimit") == "PT0S"             # it runs all day
    assert settings.findtext(f"{TASK}RestartOnFailure/{TASK}Count") == "3"
    assert task.find(f"{TASK}Principals/{TASK}Principal").findtext(f"{TASK}LogonType") == "InteractiveToken"
    printed = _run("jobs", "service", "windows")
    assert ET.fromstring(printed.stdout).find(f"{TASK}Actions/{TASK}Exec/{TASK}WorkingDirectory").text == str(folder)


def test_macos_writes_a_launchd_agent_that_runs_at_login_and_again_after_a_failure(folder, tmp_path):
    result = _run("jobs", "service", "macos", "--out", str(tmp_path / "agent"))
    assert result.exit_code == 0, result.output
    agent = plistlib.loads((tmp_path / "agent" / "com.ardesk.jobs.plist").read_bytes())
    assert agent["Label"] == "com.ardesk.jobs"
    assert agent["ProgramArguments"] == [str(services.executable("macos")), "jobs", "run"]
    assert agent["WorkingDirectory"] == str(folder)
    assert agent["RunAtLoad"] is True and agent["KeepAlive"] == {"SuccessfulExit": False}
    assert agent["ExitTimeOut"] >= 600 and agent["StandardErrorPath"] == f"{folder}/ardesk-jobs.err"


def test_the_templates_are_package_data_and_a_folder_without_its_configuration_is_refused(tmp_path, monkeypatch):
    import tomllib

    declared = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())
    patterns = declared["tool"]["setuptools"]["package-data"]["jobs"]
    shipped = sorted(p.name for p in services.TEMPLATES.iterdir() if p.suffix != ".py" and p.is_file())
    assert shipped == sorted(n for files in services.FILES.values() for n in files)
    assert all(any(Path("services", name).match(p) for p in patterns) for name in shipped)
    monkeypatch.chdir(tmp_path)
    refused = CliRunner().invoke(cli, ["jobs", "service", "linux"])
    assert refused.exit_code == 2
    assert refused.stderr == (f"ardesk: {tmp_path.resolve()}: no ardesk.toml in this folder (run this in the folder "
                              "of the workbook and its ardesk.toml (`ardesk init` writes one))\n")
