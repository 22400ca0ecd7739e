"""aiogram routers, one per file; `get_routers()` gives them in the order they must match."""

from __future__ import annotations

from aiogram import Router

from handlers import choices, commands, drafts, edits, groups, media, private, tools


def get_routers() -> list[Router]:
    # Commands first, so "/help" is never sent to the model as a question; voice notes and
    # files before the private chats' "text only" catch-all.
    modules = (commands, choices, tools, drafts, media, private, groups, edits)
    return [module.create_router() for module in modules]
