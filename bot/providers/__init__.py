"""The streaming backends, by the name BACKEND uses for them.

base.py      the provider interface (g4f's AsyncGeneratorProvider), chunk types, errors
cromicle.py  the Cromicle protocol: POST {url}/chat with a sha256-hashed prompt
openai.py    OpenAI-compatible chat completions, read as server-sent events
chain.py     failover across backends until one starts answering
"""

from __future__ import annotations

from bot.providers.base import AsyncGeneratorProvider
from bot.providers.cromicle import Cromicle
from bot.providers.openai import OpenAI

PROVIDERS: dict[str, type[AsyncGeneratorProvider]] = {"cromicle": Cromicle, "openai": OpenAI}
"""Every backend BACKEND may name, the one list the settings check and the factories use."""
