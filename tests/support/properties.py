"""Shared settings for property-based tests.

CI runs a modest number of examples per property; `PROPERTY_SCALE=20 pytest ...` runs twenty
times as many when hunting for a bug. Deadlines are off: the machines are shared and noisy.
"""

from __future__ import annotations

import os

from hypothesis import settings

SCALE = float(os.environ.get("PROPERTY_SCALE", "1"))


def examples(count: int) -> settings:
    """Hypothesis settings running `count` examples (times PROPERTY_SCALE), no deadline."""
    return settings(max_examples=max(1, int(count * SCALE)), deadline=None)
