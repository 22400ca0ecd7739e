"""Settings: defaults, parsing of lists, readable errors, and .env.example kept complete."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.config import Settings, SettingsError, load_settings

EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)


def test_defaults_and_csv_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", "123:abc")
    monkeypatch.setenv("BACKEND", "OpenAI, cromicle")
    monkeypatch.setenv("ALLOWED_USERS", "1, 2,3")
    settings = load_settings(_env_file=None)
    assert settings.backend == ["openai", "cromicle"]
    assert settings.allowed_users == [1, 2, 3]
    assert settings.api_base == "https://api.telegram.org"
    assert settings.model == "gpt-3.5-turbo"
    assert settings.stream_mode == "auto"
    assert settings.telegram_rate == 30


def test_missing_token_says_what_to_set() -> None:
    with pytest.raises(SettingsError, match=r"BOT_TOKEN is not set; set BOT_TOKEN"):
        load_settings(_env_file=None)


def test_bad_values_name_the_variable_and_never_echo_the_token(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BOT_TOKEN", "123:very-secret")
    monkeypatch.setenv("BACKEND", "cromicle,nope")
    monkeypatch.setenv("TELEGRAM_RATE", "0")
    with pytest.raises(SettingsError) as error:
        load_settings(_env_file=None)
    message = str(error.value)
    assert "BACKEND unknown backend nope" in message
    assert "TELEGRAM_RATE" in message
    assert "very-secret" not in message


def test_webhook_needs_a_long_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", "123:abc")
    monkeypatch.setenv("WEBHOOK_URL", "https://example.org/hook")
    monkeypatch.setenv("WEBHOOK_SECRET", "short")
    with pytest.raises(SettingsError, match="WEBHOOK_SECRET"):
        load_settings(_env_file=None)


@pytest.mark.parametrize("value", ["localhost:6379", "http://localhost:6379", "6379"])
def test_redis_url_must_be_a_redis_address(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("BOT_TOKEN", "123:abc")
    monkeypatch.setenv("REDIS_URL", value)
    with pytest.raises(SettingsError) as error:
        load_settings(_env_file=None)
    assert "REDIS_URL must be a Redis address such as redis://localhost:6379/0" in str(error.value)
    assert value not in str(error.value).replace("redis://localhost:6379/0", "")


def test_an_empty_redis_url_keeps_everything_in_the_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BOT_TOKEN", "123:abc")
    monkeypatch.setenv("REDIS_URL", "  ")
    assert load_settings(_env_file=None).redis_url is None


def test_env_example_lists_every_setting_and_loads() -> None:
    names = set(re.findall(r"^([A-Z_]+)=", EXAMPLE.read_text(), flags=re.MULTILINE))
    assert names == {name.upper() for name in Settings.model_fields}
    settings = load_settings(_env_file=str(EXAMPLE), bot_token="1:a")
    assert settings.proxy is None and settings.webhook_url is None


DOCS = EXAMPLE.parent / "docs"


def test_the_settings_page_documents_every_setting_and_nothing_else() -> None:
    table = (DOCS / "settings.md").read_text()
    rows = set(re.findall(r"^\| `([A-Z_0-9]+)` \|", table, flags=re.MULTILINE))
    assert rows == {name.upper() for name in Settings.model_fields}


JARGON = ("Input should", "relative URL", "pattern", "unable to parse", "Value error", "type=")


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("TELEGRAM_API_URL", "api.telegram.org", "starting with http:// or https://"),
        ("CROMICLE_URL", "localhost:8080", "e.g. http://localhost:8080"),
        ("PROXY", "127.0.0.1:3128", "starting with http://"),
        ("WEBHOOK_PATH", "webhook", "must start with /"),
        ("WEBHOOK_PORT", "http", "whole number"),
        ("TELEGRAM_RATE", "nan", "finite number"),
        ("HISTORY_TTL", "inf", "finite number"),
        ("BACKEND_TIMEOUT", "soon", "must be a number"),
        ("SHUTDOWN_GRACE", "1000", "at most 600"),
        ("TELEGRAM_RATE", "0", "more than 0"),
        ("STREAM_MODE", "draft", "must be auto or edit"),
        ("ALLOWED_USERS", "12,abc", "'abc', which is not a numeric user id"),
        ("ALLOWED_USERS", "@alice", "not @usernames"),
        ("ALLOWED_CHATS", "-100x", "'-100x', which is not a numeric chat id"),
        ("MODEL", "  ", "must not be empty"),
    ],
)
def test_every_invalid_value_is_explained_in_plain_words(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, words: str
) -> None:
    monkeypatch.setenv("BOT_TOKEN", "123:abc")
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as error:
        load_settings(_env_file=None)
    message = str(error.value)
    assert f"{name} " in message and words in message
    assert not [word for word in JARGON if word in message], message


def test_the_first_command_and_the_examples_name_the_backend_beside_the_token() -> None:
    readme = (EXAMPLE.parent / "README.md").read_text()
    lines = readme.splitlines()
    run, test = [line for line in lines if line.startswith("python3 -m venv")][:2]
    assert lines.index(run) == 3, "the two commands open the README"
    assert "python -m bot" in run and "python -m pytest" in test
    assert max(len(run), len(test)) <= 100, "each command line is short"
    backend = next(line for line in lines if line.startswith("BOT_TOKEN="))
    assert "BACKEND=" in backend and "OPENAI_BASE_URL=" in backend
    assert len(lines) <= 150, "README.md is a landing page; the rest lives in docs/"
    docker = readme[readme.index("## Docker") :]
    assert "cp .env.example .env" in docker and "CROMICLE_URL or OPENAI_BASE_URL" in docker
    header = EXAMPLE.read_text().split("\n\n")[0]
    assert "BOT_TOKEN" in header and "CROMICLE_URL" in header and "OPENAI_BASE_URL" in header


def test_readme_examples_are_values_a_dot_env_file_can_hold() -> None:
    # .env is read as plain text: `$(openssl rand -hex 32)` would be the secret itself.
    readme = "\n".join(
        page.read_text() for page in [EXAMPLE.parent / "README.md", *DOCS.glob("*.md")]
    )
    secrets = re.findall(r"^WEBHOOK_SECRET=(\S+)", readme, flags=re.MULTILINE)
    assert secrets
    for secret in secrets:
        assert re.fullmatch(r"[A-Za-z0-9_-]{32,}", secret), secret
