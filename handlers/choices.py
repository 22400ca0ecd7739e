"""/model and /mode (keyboards and their taps), /usage and /stats.

In groups only administrators switch the model or the persona; anyone may look. A tap on an
old keyboard that names a model no longer offered gets the current list.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from datetime import UTC, datetime

from aiogram import Bot, F, Router
from aiogram.enums import ChatMemberStatus, ChatType
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot import texts
from bot.admission import AccessPolicy
from bot.choices import (
    MODEL_HASH_PREFIX,
    MODEL_PREFIX,
    ChatChoices,
    match_model,
    model_data,
    model_from,
)
from bot.config import Settings
from bot.delivery import Delivery
from bot.models import Catalog, ModelCatalog
from bot.personas import CALLBACK_PREFIX, Persona, find, from_callback
from bot.seams import Attempt, ChatKey
from bot.usage import Figures, UsageLedger
from handlers.context import chat_key, is_group, language, reply_target, sender_key
from handlers.filters import InLoop

log = logging.getLogger(__name__)

MAX_BUTTONS = 50
"""Models shown as buttons at most (Telegram allows 100 per keyboard; a long list is
unusable); the rest are chosen with /model NAME."""
_DEFAULT_WORDS = frozenset({"default", "reset", "-", "off"})


def model_keyboard(catalog: Catalog, current: str) -> tuple[InlineKeyboardMarkup, int]:
    """One button per model, the current one marked; and how many did not fit."""
    models = list(catalog.models)
    shown = models[:MAX_BUTTONS]
    if current in models and current not in shown:
        shown[-1] = current
    rows = [
        [InlineKeyboardButton(text=f"✅ {m}" if m == current else m, callback_data=model_data(m))]
        for m in shown
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows), len(models) - len(shown)


def model_text(lang: str, key: str, catalog: Catalog, hidden: int, **values: object) -> str:
    lines = [texts.t(lang, key, **values)]
    if hidden:
        lines.append(texts.t(lang, "model_more", count=hidden))
    lines.extend(catalog.notes)  # why a backend offers MODEL only: for whoever runs the bot
    return "\n".join(lines)


def persona_keyboard(personas: Sequence[Persona], current: str | None) -> InlineKeyboardMarkup:
    rows = [
        [
            InlineKeyboardButton(
                text=f"✅ {p.title}" if p.name == current else p.title,
                callback_data=p.callback_data,
            )
        ]
        for p in personas
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)


async def is_admin(bot: Bot, chat_id: int, user_id: int | None) -> bool:
    """An administrator of the group (an anonymous admin writes as the group itself)."""
    if user_id is None:
        return False
    if user_id == chat_id:
        return True
    try:
        member = await bot.get_chat_member(chat_id, user_id)
    except TelegramAPIError:
        return False
    return member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.CREATOR)


async def may_switch(bot: Bot, message: Message) -> bool:
    if not is_group(message):
        return True
    return await is_admin(bot, message.chat.id, sender_key(message))


async def model(
    message: Message,
    command: CommandObject,
    bot: Bot,
    catalog: ModelCatalog,
    choices: ChatChoices,
    delivery: Delivery,
    attempt: Attempt,
) -> None:
    """`/model` shows the keyboard; `/model NAME` switches; `/model default` goes back to
    MODEL; a name not offered gets the keyboard."""
    lang, key, target = language(message), chat_key(message), reply_target(message)
    wanted = (command.args or "").strip()
    offered = await catalog.catalog()
    if wanted and not await may_switch(bot, message):
        await delivery.say(target, texts.t(lang, "model_admins_only"))
        return
    if wanted.lower() in _DEFAULT_WORDS:
        await choices.set_model(key, None, attempt.token)
        await delivery.say(target, texts.t(lang, "model_default", model=offered.default))
        return
    name = match_model(wanted, offered.models) if wanted else None
    if name is not None:
        await choices.set_model(key, name, attempt.token)
        await delivery.say(target, texts.t(lang, "model_chosen", model=name))
        return
    current = await choices.model(key)
    keyboard, hidden = model_keyboard(offered, current)
    if wanted:
        text = model_text(lang, "model_unknown", offered, hidden, name=wanted[:100])
    else:
        text = model_text(lang, "model_current", offered, hidden, model=current)
    await message.answer(text, reply_markup=keyboard)


async def _tap_allowed(
    callback: CallbackQuery, bot: Bot, settings: Settings, lang: str, admins_only: str
) -> Message | None:
    """The keyboard's message, if this tap may switch the chat: a stranger's tap is only
    acknowledged, and in groups a member who is not an admin is told (`admins_only`)."""
    message = callback.message
    if not isinstance(message, Message) or not _allowed(callback, message, settings):
        await callback.answer()
        return None
    if message.chat.type != ChatType.PRIVATE and not await is_admin(
        bot, message.chat.id, callback.from_user.id
    ):
        await callback.answer(texts.t(lang, admins_only), show_alert=True)
        return None
    return message


async def model_tapped(
    callback: CallbackQuery,
    bot: Bot,
    catalog: ModelCatalog,
    choices: ChatChoices,
    settings: Settings,
    attempt: Attempt,
) -> None:
    """A tap on a /model button: switch, and the keyboard's message says what was chosen."""
    lang = texts.pick_language(callback.from_user.language_code)
    message = await _tap_allowed(callback, bot, settings, lang, "model_admins_only")
    if message is None:
        return
    key = chat_key(message)
    offered = await catalog.catalog()
    name = model_from(callback.data, offered.models)
    if name is None:
        keyboard, hidden = model_keyboard(offered, await choices.model(key))
        await _edit(message, model_text(lang, "model_gone", offered, hidden), keyboard)
        await callback.answer()
        return
    await choices.set_model(key, None if name == offered.default else name, attempt.token)
    keyboard, hidden = model_keyboard(offered, name)
    await _edit(message, model_text(lang, "model_chosen", offered, hidden, model=name), keyboard)
    await callback.answer(texts.t(lang, "model_chosen", model=name))


async def mode(
    message: Message,
    command: CommandObject,
    bot: Bot,
    choices: ChatChoices,
    delivery: Delivery,
    attempt: Attempt,
) -> None:
    """`/mode` shows the personas; `/mode NAME` picks one; `/mode default` drops it."""
    lang, key, target = language(message), chat_key(message), reply_target(message)
    wanted = (command.args or "").strip()
    if wanted and not await may_switch(bot, message):
        await delivery.say(target, texts.t(lang, "mode_admins_only"))
        return
    if wanted.lower() in _DEFAULT_WORDS:
        await choices.set_persona(key, None, attempt.token)
        await delivery.say(target, texts.t(lang, "mode_cleared"))
        return
    persona = find(choices.personas, wanted) if wanted else None
    if persona is not None:
        await choices.set_persona(key, persona, attempt.token)
        await delivery.say(target, await _chosen(choices, key, persona, lang))
        return
    current = await choices.persona(key)
    keyboard = persona_keyboard(choices.personas, current.name if current else None)
    if wanted:
        text = texts.t(lang, "mode_unknown", name=wanted[:100])
    elif current is not None:
        text = texts.t(lang, "mode_current", persona=current.title)
    else:
        text = texts.t(lang, "mode_none")
    await message.answer(text, reply_markup=keyboard)


async def mode_tapped(
    callback: CallbackQuery, bot: Bot, choices: ChatChoices, settings: Settings, attempt: Attempt
) -> None:
    lang = texts.pick_language(callback.from_user.language_code)
    message = await _tap_allowed(callback, bot, settings, lang, "mode_admins_only")
    if message is None:
        return
    key = chat_key(message)
    name = from_callback(callback.data)
    persona = find(choices.personas, name) if name else None
    if persona is None:  # an old keyboard, from before PERSONAS_FILE changed
        current = await choices.persona(key)
        keyboard = persona_keyboard(choices.personas, current.name if current else None)
        await _edit(message, texts.t(lang, "mode_unknown", name=name or "?"), keyboard)
        await callback.answer()
        return
    await choices.set_persona(key, persona, attempt.token)
    text = await _chosen(choices, key, persona, lang)
    await _edit(message, text, persona_keyboard(choices.personas, persona.name))
    await callback.answer(text[:200])


async def usage(message: Message, ledger: UsageLedger, delivery: Delivery) -> None:
    """The user's own tokens today and this month (UTC), and their limits."""
    lang, target = language(message), reply_target(message)
    user = sender_key(message)
    try:
        today, month = await ledger.figures(user, datetime.now(UTC))
    except Exception:  # Redis gone: say so rather than nothing
        log.warning("usage: figures could not be read", exc_info=True)
        await delivery.say(target, texts.t(lang, "usage_failed"))
        return
    lines = [texts.t(lang, "usage", today=_tokens(today), month=_tokens(month))]
    if month.estimated_tokens:
        lines.append(texts.t(lang, "usage_estimated", tokens=f"{month.estimated_tokens:,}"))
    limits = ledger.limits
    if user in limits.exempt or not (limits.daily or limits.monthly):
        lines.append(texts.t(lang, "usage_no_limits"))
    else:
        none = texts.t(lang, "usage_unlimited")
        daily = f"{limits.daily:,}" if limits.daily else none
        monthly = f"{limits.monthly:,}" if limits.monthly else none
        lines.append(texts.t(lang, "usage_limits", daily=daily, monthly=monthly))
    await delivery.say(target, "\n".join(lines))


async def stats(
    message: Message, ledger: UsageLedger, delivery: Delivery, settings: Settings
) -> None:
    """ADMIN_USERS: the last 7 days' totals by day, by model, and the top users."""
    lang, target = language(message), reply_target(message)
    user = message.from_user.id if message.from_user else None
    if user is None or user not in settings.admin_users:
        await delivery.say(target, texts.t(lang, "stats_admins_only"))
        return
    try:
        figures = await ledger.stats(datetime.now(UTC))
    except Exception:  # Redis gone: say so rather than nothing
        log.warning("usage: totals could not be read", exc_info=True)
        await delivery.say(target, texts.t(lang, "usage_failed"))
        return
    lines = [texts.t(lang, "stats_days")]
    lines += [f"{day.isoformat()}: {_tokens(f)}" for day, f in figures.days]
    lines += ["", texts.t(lang, "stats_models")]
    lines += [f"{name}: {_tokens(f)}" for name, f in figures.models] or ["—"]
    lines += ["", texts.t(lang, "stats_users")]
    lines += [f"{who}: {tokens:,}" for who, tokens in figures.top_users] or ["—"]
    await delivery.say(target, "\n".join(lines))


def _tokens(figures: Figures) -> str:
    return f"{figures.total:,} ({figures.answers})"


async def _chosen(choices: ChatChoices, key: ChatKey, persona: Persona, lang: str) -> str:
    if persona.model:
        model_now = await choices.model(key)
        return texts.t(lang, "mode_chosen_model", persona=persona.title, model=model_now)
    return texts.t(lang, "mode_chosen", persona=persona.title)


def _allowed(callback: CallbackQuery, message: Message, settings: Settings) -> bool:
    policy = AccessPolicy(settings.allowed_users, settings.allowed_chats)
    return policy.allows(callback.from_user.id, message.chat.id)


async def _edit(message: Message, text: str, keyboard: InlineKeyboardMarkup) -> None:
    # "message is not modified" (the same tap twice) and a message too old to edit change
    # nothing the user needs to hear about.
    with contextlib.suppress(TelegramBadRequest):
        await message.edit_text(text, reply_markup=keyboard)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(model, Command("model"))
    router.message.register(mode, Command("mode"))
    router.message.register(usage, Command("usage"))
    router.message.register(stats, Command("stats"))
    router.callback_query.register(
        model_tapped,
        InLoop(F.data.startswith(MODEL_PREFIX) | F.data.startswith(MODEL_HASH_PREFIX)),
    )
    router.callback_query.register(mode_tapped, InLoop(F.data.startswith(CALLBACK_PREFIX)))
    return router
