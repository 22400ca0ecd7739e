"""Which waiting write goes first when the write budget is short: a plan decides it, the budget
(bot/pacing.py) obeys it. Pure and tiny, so the plan needs nothing from the asyncio side."""

from __future__ import annotations

from enum import IntEnum


class Priority(IntEnum):
    """Lower goes first when the budget is short."""

    FINAL = 0  # the last text of an answer, a finished page, a continuation message
    FIRST = 1  # the first visible text of a new answer
    EDIT = 2  # an intermediate update; skipped under load, the newest text wins later
