"""``[jobs]`` lines: the words read into timetables, refused at load with one line and an example, and the next run
``schedule`` gives each at a fixed moment (the clock moved by time-machine, never waited for)."""
from __future__ import annotations

from datetime import datetime

import pytest
import time_machine

from receivables.config import load_config
from receivables.errors import ConfigError
from receivables.timetable import NotATimetable, Timetable, parse

MONDAY_5AM = datetime(2026, 11, 2, 5, 0)          # a Monday, local time


@pytest.mark.parametrize(("phrase", "unit", "interval", "at", "days"), [
    ("daily 06:00", "days", 1, "06:00", ()),
    ("every day at 06:30", "days", 1, "06:30", ()),
    ("Every 2 days at 6:05", "days", 2, "06:05", ()),
    ("every 1 hour", "hours", 1, None, ()),
    ("every hour", "hours", 1, None, ()),
    ("hourly", "hours", 1, None, ()),
    ("every 3 hours at :30", "hours", 3, ":30", ()),
    ("every 15 minutes", "minutes", 15, None, ()),
    ("every minute", "minutes", 1, None, ()),
    ("monday 08:00", "weeks", 1, "08:00", ("monday",)),
    ("every monday at 07:00", "weeks", 1, "07:00", ("monday",)),
    ("sundays 03:00", "weeks", 1, "03:00", ("sunday",)),
    ("weekdays 07:00", "weeks", 1, "07:00", ("monday", "tuesday", "wednesday", "thursday", "friday")),
])
def test_the_words_people_write_are_read(phrase, unit, interval, at, days):
    assert parse(phrase) == Timetable(phrase.strip(), unit, interval, at, days)


@pytest.mark.parametrize("phrase", ["sometimes", "daily", "every day", "daily 25:00", "every 0 hours",
                                    "monday", "every 2 mondays at 08:00", "every hour at 06:00", "daily at 6",
                                    "every 15 minutes at :30", "weekly"])
def test_anything_else_is_refused(phrase):
    with pytest.raises(NotATimetable):
        parse(phrase)


def test_a_wrong_line_is_refused_when_the_file_is_loaded_naming_the_file_the_job_and_an_example(tmp_path):
    path = tmp_path / "ardesk.toml"
    path.write_text('[jobs]\nrefresh = "daily 06:00"\nremind_send = "sometimes"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_config(path)
    assert str(refused.value) == (
        f'{path}: [jobs] remind_send: expected a schedule such as "daily 06:00", "every 1 hour", "every 15 minutes", '
        '"monday 08:00" or "weekdays 07:00", found "sometimes"')


def test_the_sample_configurations_lines_are_all_read():
    from receivables.config import SAMPLE_CONFIG
    from receivables.config_schema import JobsConfig

    lines = [line.split("=", 1)[1].strip().strip('"') for line in SAMPLE_CONFIG.split("[jobs]")[1].split("[")[0]
             .splitlines() if line.startswith("# ") and "=" in line]
    assert len(lines) == len(JobsConfig.model_fields)               # one example line per job
    assert all(parse(p) for p in lines)


@pytest.mark.parametrize(("phrase", "first"), [
    ("daily 06:00", datetime(2026, 11, 2, 6, 0)),
    ("every 2 days at 04:00", datetime(2026, 11, 4, 4, 0)),
    ("every 1 hour", datetime(2026, 11, 2, 6, 0)),
    ("every hour at :30", datetime(2026, 11, 2, 5, 30)),
    ("every 15 minutes", datetime(2026, 11, 2, 5, 15)),
    ("monday 08:00", datetime(2026, 11, 2, 8, 0)),
    ("monday 04:00", datetime(2026, 11, 9, 4, 0)),
    ("sunday 03:00", datetime(2026, 11, 8, 3, 0)),
    ("weekdays 07:00", datetime(2026, 11, 2, 7, 0)),
])
def test_schedule_gives_the_next_run_of_each_timetable(tmp_path, phrase, first):
    from jobs.scheduler import Scheduler
    from jobs.settings import settings_for

    (tmp_path / "ardesk.toml").write_text(f'[jobs]\nprune = "{phrase}"\n', encoding="utf-8")
    with time_machine.travel(MONDAY_5AM.astimezone(), tick=False):
        planned = Scheduler(settings_for(tmp_path / "ardesk.toml")).plan()
    assert planned["prune"].next_run() == first
