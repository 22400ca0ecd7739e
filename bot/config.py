"""The one Settings class: every knob the bot has, read from the environment and `.env`."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import unquote, urlsplit

from pydantic import (
    AnyHttpUrl,
    Field,
    PrivateAttr,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot import texts
from bot.personas import DEFAULT_PERSONAS, Persona, PersonasError, load_personas
from bot.providers import PROVIDERS
from bot.tools.config import McpConfig
from bot.tools.config import load_config as load_mcp_config
from bot.tools.config import secrets as mcp_secrets

TOKEN_SHAPE = r"^\d+:[A-Za-z0-9_-]+$"
URL_EXAMPLES = {
    "TELEGRAM_API_URL": "https://api.telegram.org",
    "CROMICLE_URL": "http://localhost:8080",
    "OPENAI_BASE_URL": "http://localhost:11434/v1",
    "PROXY": "http://127.0.0.1:3128",
    "WEBHOOK_URL": "https://bot.example.com/webhook",
    "STT_BASE_URL": "https://api.openai.com/v1",
}


class SettingsError(Exception):
    """Configuration is missing or invalid; the message is one readable paragraph."""


def _split_csv(value: object) -> object:
    """`1,2, 3` -> ["1", "2", "3"]; environment variables are plain strings, not JSON."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, int):
        return [value]
    return value


class Settings(BaseSettings):
    """Bot configuration. Field names are the environment variable names, upper-cased."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,  # `PROXY=` in .env means "not set", as the example shows
        extra="ignore",
        frozen=True,
        allow_inf_nan=False,  # TELEGRAM_RATE=nan or HISTORY_TTL=inf would disable a limit
    )

    # Telegram
    bot_token: SecretStr = Field(description="Bot token from @BotFather")
    telegram_api_url: AnyHttpUrl = Field(
        default=AnyHttpUrl("https://api.telegram.org"),
        description="Bot API server; point it at a self-hosted telegram-bot-api if you run one",
    )
    telegram_rate: float = Field(
        default=30.0, gt=0, le=1000, description="Telegram writes per second for the whole bot"
    )
    private_chat_interval: float = Field(
        default=1.0, ge=0, le=60, description="Seconds between writes to one private chat"
    )
    group_chat_interval: float = Field(
        default=3.3,
        ge=0,
        le=60,
        description="Seconds between writes to one group; with the one write kept in reserve "
        "for finals, 3.3 s keeps any 60 s window at 20 writes, Telegram's group limit",
    )
    stream_mode: Literal["auto", "edit"] = Field(
        default="auto", description="auto: drafts in private chats, edits in groups; edit: edits"
    )

    # Backends
    backend: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["cromicle"],
        description="Backend, or a comma-separated failover chain, e.g. openai,cromicle",
    )
    cromicle_url: AnyHttpUrl = Field(
        default=AnyHttpUrl("https://cromicle.top"), description="Cromicle-compatible server"
    )
    openai_base_url: AnyHttpUrl = Field(
        default=AnyHttpUrl("https://api.openai.com/v1"),
        description="OpenAI-compatible API base (ends in /v1)",
    )
    openai_api_key: SecretStr | None = Field(default=None, description="API key, if needed")
    model: str = Field(default="gpt-3.5-turbo", min_length=1, description="Model name")
    proxy: AnyHttpUrl | None = Field(default=None, description="HTTP proxy for backend calls")
    backend_timeout: float = Field(
        default=60.0, gt=0, le=3600, description="Seconds of silence allowed between chunks"
    )
    backend_connect_timeout: float = Field(
        default=10.0, gt=0, le=600, description="Seconds to connect to a backend"
    )
    backend_retries: int = Field(
        default=1, ge=0, le=10, description="Retries per backend before the first chunk"
    )
    backend_max_answer_seconds: float = Field(
        default=300.0,
        gt=0,
        le=86400,
        description="Seconds one answer may stream in total before it is cut with a note",
    )
    reasoning: Literal["show", "hide"] = Field(
        default="show",
        description="A reasoning model's thoughts: show them collapsed above the answer, or hide",
    )
    vision: Literal["auto", "off"] = Field(
        default="auto",
        description="auto: pictures go to backends that can see them (OpenAI-compatible); off",
    )
    max_tokens: int | None = Field(
        default=None, ge=1, le=1_000_000, description="Longest answer, in model tokens"
    )
    temperature: float | None = Field(
        default=None, ge=0, le=2, description="Sampling temperature (the backend's default)"
    )

    # Conversation
    system_prompt: str = Field(default="", description="System message put before every chat")
    system_prompt_file: Path | None = Field(
        default=None, description="A file holding the system message (for long prompts)"
    )
    history_max_messages: int = Field(default=20, ge=1, le=1000)
    history_max_chars: int = Field(default=12000, ge=100, le=1_000_000)
    max_chats: int = Field(default=10000, ge=1, description="Chats kept in memory (LRU)")
    history_ttl: float = Field(default=86400.0, gt=0, description="Forget a chat idle this long")

    # Access and abuse
    allowed_users: Annotated[list[int], NoDecode] = Field(
        default_factory=list, description="User ids allowed to use the bot (empty: everyone)"
    )
    allowed_chats: Annotated[list[int], NoDecode] = Field(
        default_factory=list, description="Chat ids allowed to use the bot (empty: everyone)"
    )
    rate_limit_per_minute: int = Field(default=20, ge=0, description="Messages per user per min")
    max_input_chars: int = Field(
        default=16_000,
        ge=1,
        le=1_000_000,
        description=(
            "Longest question accepted, in characters; a long paste the Telegram apps split "
            "into several messages counts joined"
        ),
    )

    # Webhook mode (polling when WEBHOOK_URL is empty)
    webhook_url: AnyHttpUrl | None = Field(default=None)
    webhook_secret: SecretStr | None = Field(default=None)
    webhook_host: str = Field(default="0.0.0.0", description="Webhook listen address")
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    webhook_path: str = Field(default="/webhook")

    # Replicas (everything in this process when REDIS_URL is empty)
    redis_url: SecretStr | None = Field(
        default=None,
        description="redis://[:password@]host:port/db: history, update queue and leases in Redis",
    )

    # Process
    shutdown_grace: float = Field(default=20.0, ge=0, le=600)
    _system_text: str = PrivateAttr("")
    heartbeat_file: Path = Field(
        default=Path(tempfile.gettempdir()) / "cromicle-bot.heartbeat",
        description="Touched by every successful getUpdates; `python -m bot health` reads it",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"

    # Models, personas, usage and metrics
    models: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Models /model offers, comma-separated, * as a wildcard (e.g. gpt-4o*,"
        "llama3*); empty: every model the backends list",
    )
    personas_file: Path | None = Field(
        default=None,
        description="A YAML or JSON list of /mode personas (name, title, prompt, optional "
        "model and temperature); empty: the shipped set",
    )
    daily_token_limit: int = Field(
        default=0, ge=0, description="Tokens one user may spend per UTC day (0: no limit)"
    )
    monthly_token_limit: int = Field(
        default=0, ge=0, description="Tokens one user may spend per UTC month (0: no limit)"
    )
    admin_users: Annotated[list[int], NoDecode] = Field(
        default_factory=list,
        description="User ids exempt from the token limits, who may use /stats",
    )
    metrics_port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description="Port of the Prometheus /metrics endpoint (empty: off; webhook mode also "
        "serves /metrics on the webhook server)",
    )
    metrics_host: str = Field(
        default="127.0.0.1",
        min_length=1,
        description="Address the polling mode's /metrics listens on (0.0.0.0 for a scraper "
        "in another container)",
    )
    _personas: tuple[Persona, ...] = PrivateAttr(DEFAULT_PERSONAS)

    # The bot's own sentences
    language: str | None = Field(
        default=None,
        description="The language the bot speaks to everyone (en, ru, uk, es, pt, de, fr, it, tr, "
        "id); empty: each user's Telegram language, English for the others",
    )

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str | None) -> str | None:
        """`pt-BR` and `DE` are accepted as `pt` and `de`; anything else the bot cannot speak
        stops it at start, naming the choices. A desktop session's gettext LANGUAGE, a
        priority list such as `en_US:en`, is not meant for the bot and leaves it unset."""
        if value is None or not value.strip() or ":" in value:
            return None
        lang = texts.normalise(value)
        if lang is None:
            raise ValueError(
                f"must be one of {', '.join(texts.LANGUAGES)}, or empty to follow each user's "
                "Telegram language"
            )
        return lang

    @field_validator("backend", mode="before")
    @classmethod
    def _csv(cls, value: object) -> object:
        return _split_csv(value)

    @field_validator("allowed_users", "allowed_chats", mode="before")
    @classmethod
    def _ids(cls, value: object, info: ValidationInfo) -> object:
        """Name the item that is not an id: people often write @usernames here."""
        items = _split_csv(value)
        if not isinstance(items, list):
            return items
        for item in items:
            if isinstance(item, str) and not re.fullmatch(r"-?\d+", item):
                users = info.field_name == "allowed_users"
                kind, example = ("user", "123456789") if users else ("chat", "-1001234567890")
                hint = " (the bot tells a refused user their id)" if users else ""
                raise ValueError(
                    f"has {item!r}, which is not a numeric {kind} id: list numeric {kind} ids"
                    f" such as {example}, not @usernames{hint}"
                )
        return items

    @field_validator("model")
    @classmethod
    def _model(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty: name a model your backend has, e.g. llama3.2")
        return value.strip()

    @field_validator("webhook_path")
    @classmethod
    def _path(cls, value: str) -> str:
        if not value.startswith("/"):
            raise ValueError(f"must start with / (e.g. /{value.lstrip('/') or 'webhook'})")
        return value

    @field_validator("backend")
    @classmethod
    def _known_backends(cls, value: list[str]) -> list[str]:
        names = [name.lower() for name in value]
        if not names:
            raise ValueError(f"name at least one backend: {', '.join(PROVIDERS)}")
        unknown = [name for name in names if name not in PROVIDERS]
        if unknown:
            raise ValueError(
                f"unknown backend {', '.join(unknown)}; choose from {', '.join(PROVIDERS)}"
            )
        return names

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        if not re.fullmatch(TOKEN_SHAPE, value.get_secret_value().strip()):
            raise ValueError("does not look like a bot token (digits:letters, from @BotFather)")
        return SecretStr(value.get_secret_value().strip())

    @model_validator(mode="after")
    def _webhook_secret(self) -> Settings:
        if self.webhook_url is not None:
            secret = self.webhook_secret.get_secret_value() if self.webhook_secret else ""
            if len(secret) < 32:
                raise ValueError(
                    "WEBHOOK_SECRET must be set to at least 32 characters when WEBHOOK_URL is set"
                )
        return self

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        url = value.get_secret_value().strip()
        scheme = url.partition("://")[0] if "://" in url else ""
        if scheme not in ("redis", "rediss", "unix"):
            raise ValueError(
                "must be a Redis address such as redis://localhost:6379/0 (or rediss://, "
                "unix://); leave it empty to keep everything in this process"
            )
        return SecretStr(url)

    @model_validator(mode="after")
    def _read_system_prompt_file(self) -> Settings:
        if self.system_prompt_file is not None:
            try:
                text = self.system_prompt_file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                reason = getattr(exc, "strerror", None) or str(exc)
                raise ValueError(
                    f"SYSTEM_PROMPT_FILE cannot be read ({self.system_prompt_file}: {reason})"
                ) from None
            self._system_text = text.strip()
        else:
            self._system_text = self.system_prompt
        return self

    @property
    def system_text(self) -> str:
        """The system message: SYSTEM_PROMPT_FILE's content when set, else SYSTEM_PROMPT."""
        return self._system_text

    def secrets(self) -> list[str]:
        """Every value the log must never show: the token, the API key, the webhook secret,
        the proxy's credentials (as written, and decoded) and MCP_CONFIG's env and headers."""
        found = [self.bot_token.get_secret_value()]
        for secret in (self.openai_api_key, self.webhook_secret, self.stt_api_key):
            if secret is not None:
                found.append(secret.get_secret_value())
        if self.proxy is not None and self.proxy.password:
            user = self.proxy.username or ""
            found += [f"{user}:{self.proxy.password}", self.proxy.password]
            found += [unquote(f"{user}:{self.proxy.password}"), unquote(self.proxy.password)]
        if self.redis_url is not None:
            password = urlsplit(self.redis_url.get_secret_value()).password
            if password:
                found += [password, unquote(password)]
        found += mcp_secrets(self._mcp)
        return sorted({s for s in found if s}, key=len, reverse=True)

    @property
    def api_base(self) -> str:
        return str(self.telegram_api_url).rstrip("/")

    # Voice messages and documents (bot/inputs/)
    stt: Literal["auto", "local", "off"] = Field(
        default="auto",
        description="Speech-to-text for voice notes, audio and videos: auto (STT_BASE_URL, else "
        "the openai backend's server), local (STT_MODEL on this machine), or off",
    )
    stt_base_url: AnyHttpUrl | None = Field(
        default=None,
        description="OpenAI-compatible speech-to-text API base, ending in /v1 (empty: "
        "OPENAI_BASE_URL when BACKEND includes openai)",
    )
    stt_api_key: SecretStr | None = Field(
        default=None,
        description="API key for the speech-to-text server (empty: none for STT_BASE_URL, "
        "OPENAI_API_KEY for OPENAI_BASE_URL)",
    )
    stt_model: str = Field(
        default="whisper-1",
        min_length=1,
        description="Transcription model name; with STT=local, the folder of a CTranslate2 "
        "Whisper model",
    )
    max_voice_seconds: int = Field(
        default=600, ge=1, le=14400, description="Longest voice note or audio transcribed"
    )
    max_document_chars: int = Field(
        default=20000,
        ge=100,
        le=1_000_000,
        description="Characters of a document's text given to the model; the rest is cut",
    )

    @model_validator(mode="after")
    def _local_model(self) -> Settings:
        if self.stt == "local" and not (Path(self.stt_model).expanduser() / "model.bin").is_file():
            raise ValueError(
                "STT_MODEL must be the folder of a CTranslate2 Whisper model (holding model.bin) "
                f"when STT=local; {self.stt_model} has no model.bin"
            )
        return self

    # Tools: MCP servers whose tools the model may call (docs/tools.md)
    mcp_config: Path | None = Field(
        default=None,
        description="A JSON file in the mcpServers format: the MCP servers whose tools the "
        "model may call (none: no tools)",
    )
    tool_timeout: float = Field(
        default=30.0,
        gt=0,
        le=3600,
        description="Seconds one tool call may take (a server's own `timeout` wins)",
    )
    tool_result_chars: int = Field(
        default=20000,
        ge=500,
        le=1_000_000,
        description="Longest tool result the model reads, in characters; longer ones are cut",
    )
    max_tool_rounds: int = Field(
        default=5,
        ge=1,
        le=50,
        description="Rounds of tool calls in one answer before the model must answer",
    )
    _mcp: McpConfig | None = PrivateAttr(None)

    @model_validator(mode="after")
    def _read_mcp_config(self) -> Settings:
        """Read MCP_CONFIG at start, so a broken file stops the bot with one readable
        paragraph (McpConfigError is a ValueError naming the file, server and key)."""
        self._mcp = load_mcp_config(self.mcp_config) if self.mcp_config is not None else None
        return self

    @property
    def mcp(self) -> McpConfig | None:
        """The MCP servers MCP_CONFIG names, checked; None without MCP_CONFIG."""
        return self._mcp

    @field_validator("models", mode="before")
    @classmethod
    def _model_patterns(cls, value: object) -> object:
        items = _split_csv(value)
        if isinstance(items, list):
            for item in items:
                if isinstance(item, str) and re.search(r"\s", item):
                    raise ValueError(
                        f"has {item!r}, which holds a space: list model names (with * for any "
                        "characters) separated by commas, e.g. gpt-4o*,llama3*"
                    )
        return items

    @field_validator("admin_users", mode="before")
    @classmethod
    def _admin_ids(cls, value: object) -> object:
        items = _split_csv(value)
        if isinstance(items, list):
            for item in items:
                if isinstance(item, str) and not re.fullmatch(r"\d+", item):
                    raise ValueError(
                        f"has {item!r}, which is not a numeric user id: list numeric user ids"
                        " such as 123456789, not @usernames (the bot tells a refused user "
                        "their id)"
                    )
        return items

    @model_validator(mode="after")
    def _read_personas_file(self) -> Settings:
        if self.personas_file is not None:
            try:
                self._personas = tuple(load_personas(self.personas_file))
            except PersonasError as exc:
                raise ValueError(str(exc)) from None
        return self

    @property
    def personas(self) -> tuple[Persona, ...]:
        """The /mode personas: PERSONAS_FILE's when set, else the shipped set."""
        return self._personas


def load_settings(**overrides: object) -> Settings:
    """Read the settings, or raise SettingsError with one paragraph naming what is wrong."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise SettingsError(describe(exc)) from None


def describe(exc: ValidationError) -> str:
    """Turn pydantic's report into sentences naming the environment variables.

    Inputs are never quoted (they may be secrets); pydantic's own wording ("relative URL
    without a base", "should match pattern") is replaced by what to write instead.
    """
    problems = []
    for error in exc.errors(include_url=False, include_input=False):
        name = "_".join(str(part) for part in error["loc"] if isinstance(part, str)).upper()
        message = _plain(name, error)
        problems.append(f"{name} {message}" if name else message)
    if any(p.startswith("BOT_TOKEN is not set") for p in problems):
        problems.append(
            "set BOT_TOKEN to the token @BotFather gave you, e.g. `export BOT_TOKEN=123:ABC`"
            " or a line `BOT_TOKEN=...` in .env"
        )
    return "Configuration error: " + "; ".join(problems) + "."


def _plain(name: str, error: ErrorDetails) -> str:
    """One error in plain words, saying what a valid value looks like."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "missing":
        return "is not set"
    if kind.startswith("url_") and kind != "url_too_long":
        example = URL_EXAMPLES.get(name, "https://example.org")
        return f"must be a full address starting with http:// or https://, e.g. {example}"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "must be a whole number"
    if kind in ("float_parsing", "float_type"):
        return "must be a number"
    if kind == "finite_number":
        return "must be a finite number (not nan or inf)"
    bounds = {
        "greater_than": ("more than", "gt"),
        "greater_than_equal": ("at least", "ge"),
        "less_than": ("less than", "lt"),
        "less_than_equal": ("at most", "le"),
    }
    if kind in bounds:
        words, key = bounds[kind]
        bound = ctx.get(key)
        return (
            f"must be {words} {bound:g}"
            if isinstance(bound, float)
            else f"must be {words} {bound}"
        )
    if kind == "literal_error":
        return f"must be {str(ctx.get('expected', '')).replace(chr(39), '')}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "bool_parsing":
        return "must be true or false"
    return str(error["msg"]).removeprefix("Value error, ")
