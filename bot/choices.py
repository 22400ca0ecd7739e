"""A chat's own model and persona (/model, /mode), kept in the chat's record: read as last
saved (by any replica, before any restart), changed, and saved again. They survive /reset."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence

from bot.accounting import Accounting, Choice
from bot.history import HistoryStore
from bot.personas import Persona, find
from bot.seams import ChatKey

log = logging.getLogger(__name__)

MODEL_PREFIX = "model:"
"""A /model button carries `model:<name>`, or `model#<hash>` for a name too long for Telegram's
64 bytes of callback data."""
MODEL_HASH_PREFIX = "model#"
CALLBACK_LIMIT = 64
"""Bytes of an inline button's callback data (Telegram's limit)."""


def model_data(model: str) -> str:
    """The callback data of the button for `model`."""
    data = MODEL_PREFIX + model
    if len(data.encode()) <= CALLBACK_LIMIT:
        return data
    return MODEL_HASH_PREFIX + hashlib.blake2b(model.encode(), digest_size=16).hexdigest()


def model_from(data: str | None, models: Sequence[str]) -> str | None:
    """The model a button names, if it is among `models` (an old keyboard may name one that
    is gone); None otherwise."""
    if not data:
        return None
    if data.startswith(MODEL_PREFIX):
        name = data.removeprefix(MODEL_PREFIX)
        return name if name in models else None
    if data.startswith(MODEL_HASH_PREFIX):
        return next((m for m in models if model_data(m) == data), None)
    return None


def match_model(wanted: str, models: Sequence[str]) -> str | None:
    """`/model NAME`: the name as offered, or the one offered name equal to it but for case."""
    if wanted in models:
        return wanted
    same = [m for m in models if m.casefold() == wanted.casefold()]
    return same[0] if len(same) == 1 else None


class ChatChoices:
    """What /model and /mode read and change in a chat's record."""

    def __init__(
        self, history: HistoryStore, accounting: Accounting, personas: Sequence[Persona]
    ) -> None:
        self.history = history
        self.accounting = accounting
        self.personas = tuple(personas)

    async def model(self, key: ChatKey) -> str:
        """The model this chat's questions are asked of now."""
        chat = await self.history.refresh(key)
        return self.accounting.model_for(Choice(chat.model, chat.temperature))

    async def persona(self, key: ChatKey) -> Persona | None:
        chat = await self.history.refresh(key)
        return find(self.personas, chat.persona) if chat.persona else None

    async def set_model(self, key: ChatKey, model: str | None, token: object) -> None:
        """The chat's own model; None goes back to MODEL."""
        chat = await self.history.refresh(key)
        chat.model = model
        await self._save(key, token)

    async def set_persona(self, key: ChatKey, persona: Persona | None, token: object) -> None:
        """A persona's prompt becomes the chat's instructions (as /system sets them), its
        temperature the chat's, and its model the chat's if it names one. None: no persona,
        the configured instructions and temperature (the model stays)."""
        chat = await self.history.refresh(key)
        if persona is None:
            chat.persona = chat.system = chat.temperature = None
        else:
            chat.persona, chat.system = persona.name, persona.prompt
            chat.temperature = persona.temperature
            if persona.model:
                chat.model = persona.model
        await self._save(key, token)

    async def _save(self, key: ChatKey, token: object) -> None:
        if not await self.history.flush(key, token):
            log.warning("chat %s: choice not saved (another replica took the chat over)", key[0])
