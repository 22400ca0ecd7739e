"""The garbage collector set for a long-running process whose objects either live for good or
die young.

CPython's cycle collector runs by allocation counts (700, 10, 10). Under load the bot
allocates fast, and each full collection walks every object the process holds, most of them
the modules, pydantic schemas and aiogram types imported at start, which never die: measured
with `python -m bench.streaming` at 1,000 chats, four full collections in the first seconds
cost 1.4 s of CPU (1.4 ms per answer) and freed 124 objects. Almost everything the bot makes
is freed by reference counting the moment it is done with; the collector is only for the
rare cycle (an exception with its traceback, say).
"""

from __future__ import annotations

import gc

YOUNG = 50_000
"""Allocations (net, of objects that can hold references) between two young collections:
about a second of full load, and a few MB of cycles at most before they are freed."""
MIDDLE = 20
"""Young collections between two middle-generation ones."""
OLD = 10
"""Middle collections between two looks at the oldest generation (CPython's default: it
also waits until a quarter more objects than last time have grown old)."""


def settle_after_start() -> None:
    """Call once the bot is built and has started: what exists now lives as long as the
    process, so it moves out of the collector's sight (`gc.freeze`), and the thresholds
    become `YOUNG`, `MIDDLE`, `OLD`."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG, MIDDLE, OLD)
