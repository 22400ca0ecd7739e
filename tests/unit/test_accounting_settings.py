"""Settings for models, personas, budgets and metrics: defaults, parsing, plain-words errors,
and a broken PERSONAS_FILE refused at start in one paragraph naming the file and line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import SettingsError, load_settings
from bot.personas import DEFAULT_PERSONAS, Persona

JARGON = ("Input should", "Value error", "type=", "validation error", "Traceback")


@pytest.fixture(autouse=True)
def token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", "123:abc")


def test_defaults_change_nothing() -> None:
    settings = load_settings(_env_file=None)
    assert settings.models == [] and settings.personas == DEFAULT_PERSONAS
    assert settings.daily_token_limit == settings.monthly_token_limit == 0
    assert settings.admin_users == [] and settings.metrics_port is None
    assert settings.metrics_host == "127.0.0.1"


def test_lists_are_read_from_plain_comma_separated_values(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MODELS", "gpt-4o*, llama3.2:1b ,")
    monkeypatch.setenv("ADMIN_USERS", "42, 7")
    monkeypatch.setenv("DAILY_TOKEN_LIMIT", "50000")
    monkeypatch.setenv("METRICS_PORT", "9100")
    settings = load_settings(_env_file=None)
    assert settings.models == ["gpt-4o*", "llama3.2:1b"]
    assert settings.admin_users == [42, 7]
    assert settings.daily_token_limit == 50000 and settings.metrics_port == 9100


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("MODELS", "gpt 4o", "'gpt 4o', which holds a space"),
        ("ADMIN_USERS", "1,@boss", "'@boss', which is not a numeric user id"),
        ("DAILY_TOKEN_LIMIT", "-1", "must be at least 0"),
        ("MONTHLY_TOKEN_LIMIT", "lots", "must be a whole number"),
        ("METRICS_PORT", "70000", "must be at most 65535"),
        ("METRICS_PORT", "http", "must be a whole number"),
    ],
)
def test_every_invalid_value_is_explained_in_plain_words(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, words: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as error:
        load_settings(_env_file=None)
    message = str(error.value)
    assert f"{name} " in message and words in message, message
    assert not [word for word in JARGON if word in message], message


def test_a_personas_file_is_read_at_start(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "personas.yaml"
    path.write_text("- name: pirate\n  title: Pirate\n  prompt: Talk like a pirate.\n")
    monkeypatch.setenv("PERSONAS_FILE", str(path))
    assert load_settings(_env_file=None).personas == (
        Persona("pirate", "Pirate", "Talk like a pirate."),
    )


def test_a_broken_personas_file_is_one_paragraph_naming_file_and_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "personas.yaml"
    path.write_text(
        "- name: a\n  title: A\n  prompt: p\n- name: b\n  title: B\n  prompt: q\n"
        "  temperature: 9\n"
    )
    monkeypatch.setenv("PERSONAS_FILE", str(path))
    with pytest.raises(SettingsError) as error:
        load_settings(_env_file=None)
    assert str(error.value) == (
        f"Configuration error: PERSONAS_FILE {path}, line 4: persona 2 (b): temperature must "
        "be from 0 to 2, not 9."
    )


def test_the_bot_refuses_to_start_with_a_broken_personas_file(tmp_path: Path) -> None:
    """The real `python -m bot`: exit status 2 and the paragraph, no traceback."""
    path = tmp_path / "personas.json"
    path.write_text('[\n  {"name": "a", "title": "A", "prompt": "p"}\n  {"name": "b"}\n]')
    env = {"BOT_TOKEN": "123:abc", "PERSONAS_FILE": str(path), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "check"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    output = done.stdout + done.stderr
    assert f"PERSONAS_FILE {path}, line 3: is not valid JSON: Expecting ',' delimiter" in output
    assert "Traceback" not in output
