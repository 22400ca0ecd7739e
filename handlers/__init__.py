"""aiogram routers, one per file; `get_routers()` gives them in the order they must match."""

from __future__ import annotations

from aiogram import Router

from handlers import commands, drafts, edits, groups, private


def get_routers() -> list[Router]:
    # Commands first, so "/help" is never sent to the model as a question.
    modules = (commands, drafts, private, groups, edits)
    return [module.create_router() for module in modules]
