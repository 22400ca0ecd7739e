"""aiogram routers, one per file; `get_routers()` gives them in the order they must match."""

from __future__ import annotations

from aiogram import Router

from handlers import commands, drafts, groups, private, tools


def get_routers() -> list[Router]:
    # Commands first, so "/help" is never sent to the model as a question.
    modules = (commands, tools, drafts, private, groups)
    return [module.create_router() for module in modules]
