"""When a scheduled job runs: a ``[jobs]`` line of ``ardesk.toml`` in words, read into a :class:`Timetable`.

The words are the ones the ``schedule`` library's chain of calls reads as (``every(1).day.at("06:00")``), written
the way people write them: ``daily 06:00``, ``every day at 06:30``, ``every 2 days at 06:00``, ``every 1 hour``,
``every hour at :30``, ``hourly``, ``every 15 minutes``, ``monday 08:00``, ``every monday at 07:00``,
``weekdays 07:00``. A time of day is 24-hour local time. The phrase is read here, once, when the configuration is
loaded (so a typo is refused then, with an example, not at 06:00 the next morning); :mod:`jobs.scheduler` hands
the timetable to ``schedule``. Nothing here knows the time: the engine's rule holds.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WORKING_DAYS = WEEKDAYS[:5]
EXAMPLES = '"daily 06:00", "every 1 hour", "every 15 minutes", "monday 08:00" or "weekdays 07:00"'
_UNITS = {"minute": "minutes", "minutes": "minutes", "hour": "hours", "hours": "hours", "day": "days",
          "days": "days"}
_CLOCK = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")
_MINUTE = re.compile(r":([0-5]\d)")


@dataclass(frozen=True)
class Timetable:
    """One job's schedule.

    ``unit`` is ``minutes``, ``hours``, ``days`` or ``weeks`` and ``interval`` how many of them between runs;
    ``at`` the time of day (``"06:00"``, days and weeks) or the minute of the hour (``":30"``, hours) a run is
    fixed to, or None: then runs follow each other by the interval, counted from when the scheduler started;
    ``weekdays`` the days of a weekly timetable (one run on each).
    """

    phrase: str
    unit: str
    interval: int = 1
    at: str | None = None
    weekdays: tuple[str, ...] = ()

    @property
    def period(self) -> timedelta:
        """The time from one run of the same day (or hour) to the next."""
        return timedelta(**{self.unit: self.interval})

    @property
    def fixed(self) -> bool:
        """Runs fall on fixed times (a clock time, a minute of the hour), not by the interval from the start."""
        return self.at is not None


class NotATimetable(ValueError):
    """The words are not a schedule this module reads; ``str()`` says what is expected."""


def parse(phrase: str) -> Timetable:
    """The :class:`Timetable` of ``phrase``, or :class:`NotATimetable`."""
    words = phrase.strip().lower().replace(",", " ").split()
    if words[:1] == ["every"]:
        words = words[1:]
    words = [w for w in words if w != "at"]
    found = _read(words)
    if found is None:
        raise NotATimetable(f"a schedule such as {EXAMPLES}")
    return Timetable(phrase.strip(), *found)


def _read(words: list[str]) -> tuple | None:
    """``(unit, interval, at, weekdays)`` of the words left after "every" and "at", or None."""
    if not words:
        return None
    head, rest = words[0], words[1:]
    if head in ("daily", "hourly"):
        return _interval("days" if head == "daily" else "hours", 1, rest)
    if head.isdigit():
        count = int(head)
        if count < 1 or not rest or rest[0] not in _UNITS:
            return None
        return _interval(_UNITS[rest[0]], count, rest[1:])
    if head in _UNITS:
        return _interval(_UNITS[head], 1, rest)
    days = _days(head)
    if days is not None and len(rest) == 1 and _CLOCK.fullmatch(rest[0]):
        return "weeks", 1, _clock(rest[0]), days
    return None


def _interval(unit: str, count: int, rest: list[str]) -> tuple | None:
    if not rest:
        return (unit, count, None, ()) if unit in ("minutes", "hours") else None    # a day needs its time
    if len(rest) != 1:
        return None
    if unit == "days" and _CLOCK.fullmatch(rest[0]):
        return unit, count, _clock(rest[0]), ()
    if unit == "hours" and _MINUTE.fullmatch(rest[0]):
        return unit, count, rest[0], ()
    return None


def _days(word: str) -> tuple[str, ...] | None:
    """The weekdays a word names: ``monday``/``mondays``/``mon``, ``weekday``/``weekdays``."""
    if word in ("weekday", "weekdays"):
        return WORKING_DAYS
    for day in WEEKDAYS:
        if word in (day, day + "s", day[:3]):
            return (day,)
    return None


def _clock(text: str) -> str:
    """``6:00`` -> ``06:00`` (the form ``schedule`` reads)."""
    hour, minute = _CLOCK.fullmatch(text).groups()
    return f"{int(hour):02d}:{minute}"


__all__ = ["EXAMPLES", "NotATimetable", "Timetable", "WEEKDAYS", "parse"]
