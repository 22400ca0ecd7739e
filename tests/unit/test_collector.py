"""The collector settings the bot takes once it has started (bot/collector.py), checked in a
fresh interpreter: freezing moves every object that exists out of the collector's sight, which
a test process must not do to itself."""

from __future__ import annotations

import json
import subprocess
import sys

from bot import collector

PROBE = """
import gc, json
import bot.app  # the whole bot imported, as at start-up
before = gc.get_freeze_count()
from bot.collector import settle_after_start
settle_after_start()
print(json.dumps({"before": before, "frozen": gc.get_freeze_count(),
                  "threshold": gc.get_threshold(), "young": len(gc.get_objects(0))}))
"""


def test_after_start_what_exists_is_frozen_and_young_collections_are_rarer() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120
    )
    seen = json.loads(out.stdout)
    assert seen["before"] == 0
    assert seen["frozen"] > 50_000  # the imported modules, schemas and types
    assert seen["young"] < 1_000
    assert tuple(seen["threshold"]) == (collector.YOUNG, collector.MIDDLE, collector.OLD)
    assert collector.YOUNG > 700  # CPython's default, which ran full collections under load
