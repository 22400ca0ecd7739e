"""Shared settings for property-based tests.

CI runs a modest number of examples per property; `PROPERTY_SCALE=20 pytest ...` runs twenty
times as many when hunting for a bug. Deadlines are off: the machines are shared and noisy.

With `CI` set (`.ci/run` sets it) the "ci" profile is loaded: derandomized, so a CI run can
only fail for a reason that fails every time (counterexamples found while hunting locally
become `@example`s). `tests/conftest.py` imports this module first, so every `@given`, with or
without `examples()`, inherits the profile.
"""

from __future__ import annotations

import os

from hypothesis import settings

SCALE = float(os.environ.get("PROPERTY_SCALE", "1"))

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


def examples(count: int) -> settings:
    """Hypothesis settings running `count` examples (times PROPERTY_SCALE), no deadline."""
    return settings(max_examples=max(1, int(count * SCALE)), deadline=None)
