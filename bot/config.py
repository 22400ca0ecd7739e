"""The one Settings class: every knob the bot has, read from the environment and `.env`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AnyHttpUrl,
    Field,
    PrivateAttr,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

BACKEND_NAMES = ("cromicle", "openai")
TOKEN_SHAPE = r"^\d+:[A-Za-z0-9_-]+$"


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
    max_input_chars: int = Field(default=4000, ge=1, le=4096)

    # Webhook mode (polling when WEBHOOK_URL is empty)
    webhook_url: AnyHttpUrl | None = Field(default=None)
    webhook_secret: SecretStr | None = Field(default=None)
    webhook_host: str = Field(default="0.0.0.0", description="Webhook listen address")
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    webhook_path: str = Field(default="/webhook", pattern=r"^/")

    # Process
    shutdown_grace: float = Field(default=20.0, ge=0, le=600)
    _system_text: str = PrivateAttr("")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"

    @field_validator("backend", "allowed_users", "allowed_chats", mode="before")
    @classmethod
    def _csv(cls, value: object) -> object:
        return _split_csv(value)

    @field_validator("backend")
    @classmethod
    def _known_backends(cls, value: list[str]) -> list[str]:
        names = [name.lower() for name in value]
        if not names:
            raise ValueError(f"name at least one backend: {', '.join(BACKEND_NAMES)}")
        unknown = [name for name in names if name not in BACKEND_NAMES]
        if unknown:
            raise ValueError(
                f"unknown backend {', '.join(unknown)}; choose from {', '.join(BACKEND_NAMES)}"
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

    @property
    def api_base(self) -> str:
        return str(self.telegram_api_url).rstrip("/")


def load_settings(**overrides: object) -> Settings:
    """Read the settings, or raise SettingsError with one paragraph naming what is wrong."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise SettingsError(describe(exc)) from None


def describe(exc: ValidationError) -> str:
    """Turn pydantic's report into sentences naming the environment variables."""
    problems = []
    for error in exc.errors(include_url=False, include_input=False):
        name = "_".join(str(part) for part in error["loc"] if isinstance(part, str)).upper()
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "missing":
            message = "is not set"
        problems.append(f"{name} {message}" if name else message)
    if any(p.startswith("BOT_TOKEN is not set") for p in problems):
        problems.append(
            "set BOT_TOKEN to the token @BotFather gave you, e.g. `export BOT_TOKEN=123:ABC`"
            " or a line `BOT_TOKEN=...` in .env"
        )
    return "Configuration error: " + "; ".join(problems) + "."
