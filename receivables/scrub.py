"""Erased values taken out of free texts: the audit trail's details, the source's notes, a batch's warnings, a job's
error, a call list. Each value is replaced wherever it occurs, in any case (``[erased]``, or a person's name by its
pseudonym, so that the text still says who); inside JSON text each string and key is scrubbed on its own, so that
escaped characters are found too and the text stays JSON. The values are held in memory only, for the duration of
one erasure: they are never written anywhere.
"""
from __future__ import annotations

import json
import re

ERASED = "[erased]"
_SHORTEST = 3            # shorter values are not searched for in free texts (they would match everywhere)


class Secrets:
    """The erased values and what replaces each in free text (longest first, any case); held in memory only, for
    the duration of one erasure."""

    def __init__(self, pairs: dict[str, str]):
        kept = sorted(((v.strip(), r) for v, r in pairs.items() if len(v.strip()) >= _SHORTEST),
                      key=lambda p: -len(p[0]))
        self.pairs = [(re.compile(_bounded(v), re.IGNORECASE), r) for v, r in kept]

    def text(self, value: str) -> str:
        for pattern, replacement in self.pairs:
            value = pattern.sub(replacement, value)
        return value

    def mentions(self, value: str) -> bool:
        return any(pattern.search(value) for pattern, _ in self.pairs)

    def scrub(self, value):
        """``value`` (text, or JSON text whose strings and keys are scrubbed one by one, so that escaped characters
        are found too) with every erased value replaced."""
        if not isinstance(value, str) or not self.pairs:
            return value
        if value[:1] in "[{":
            try:
                data = json.loads(value)
            except ValueError:
                return self.text(value)
            walked = self._walk(data)
            return value if walked == data else json.dumps(walked, sort_keys=isinstance(data, dict))
        return self.text(value)

    def _walk(self, data):
        if isinstance(data, str):
            return self.text(data)
        if isinstance(data, list):
            return [self._walk(v) for v in data]
        if isinstance(data, dict):
            return {self.text(k): self._walk(v) for k, v in data.items()}
        return data


def _bounded(value: str) -> str:
    """A pattern of ``value`` as a whole: not inside a longer word ("Ann" is not the start of "Annual")."""
    head = r"(?<!\w)" if re.match(r"\w", value) else ""
    tail = r"(?!\w)" if re.search(r"\w$", value) else ""
    return head + re.escape(value) + tail
