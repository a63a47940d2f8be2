"""ardesk's core: records, money, the ledger and the engine (aging, DSO, behaviour, forecast).

Nothing here imports from ``connectors``, ``excel`` or ``jobs``.
"""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector held off while a source is read or a snapshot loaded or stored, and let
    run again after.

    A read keeps every row and every record it builds (hundreds of thousands of small containers) and makes no
    reference cycles; while they pile up, the collector's full passes over everything the process holds come back
    again and again and cost as much as the reading itself. Reference counting still frees what the read drops.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
