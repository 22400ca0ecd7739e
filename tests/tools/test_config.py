"""MCP_CONFIG: the file is read, every mistake is one sentence naming the file, server and
key, and its secrets reach neither the log nor `check`."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from bot.config import SettingsError, load_settings
from bot.logs import RedactingFormatter
from bot.tools.config import (
    HttpServer,
    McpConfig,
    StdioServer,
    display_url,
    load_config,
    parse_config,
    secrets,
)
from bot.tools.errors import McpConfigError

EXAMPLE = {
    "mcpServers": {
        "files": {"command": "python", "args": ["-m", "my_server"], "env": {"ROOT": "/data"}},
        "search": {
            "url": "http://127.0.0.1:8931/mcp",
            "headers": {"Authorization": "Bearer search-token-123"},
            "tools": ["web_search"],
            "timeout": 12.5,
            "private_only": True,
        },
    }
}


def parse(data: Any, **environ: str) -> McpConfig:
    return parse_config(data, path=Path("/etc/bot/mcp.json"), environ=environ)


def test_the_usual_format_is_read_in_order() -> None:
    config = parse(EXAMPLE)
    files, search = config.servers
    assert files.name == "files" and search.name == "search"
    assert files.transport == StdioServer("python", ("-m", "my_server"), {"ROOT": "/data"})
    assert files.tools is None and files.timeout is None and not files.private_only
    assert search.transport == HttpServer(
        "http://127.0.0.1:8931/mcp", {"Authorization": "Bearer search-token-123"}
    )
    assert (
        search.tools == frozenset({"web_search"})
        and search.timeout == 12.5
        and search.private_only
    )


def test_other_hosts_keys_type_and_disabled_are_understood() -> None:
    config = parse(
        {
            "mcpServers": {
                "a": {"type": "stdio", "command": "a", "cwd": "/srv"},
                "b": {"type": "streamable-http", "url": "https://b.example/mcp"},
                "c": {"command": "c", "disabled": True, "env": {"KEY": "${NOT_SET}"}},
            }
        }
    )
    assert [s.name for s in config.servers] == ["a", "b"]
    assert config.servers[0].transport == StdioServer("a", cwd=Path("/srv"))


def test_variables_are_taken_from_the_environment() -> None:
    config = parse(
        {
            "mcpServers": {
                "gh": {
                    "command": "${HOME}/bin/gh-mcp",
                    "env": {"TOKEN": "${GH_TOKEN}", "LEVEL": "${LEVEL:-info}"},
                },
            }
        },
        HOME="/home/bot",
        GH_TOKEN="ghp_secret",
    )
    transport = config.servers[0].transport
    assert isinstance(transport, StdioServer)
    assert transport.command == "/home/bot/bin/gh-mcp"
    assert transport.env == {"TOKEN": "ghp_secret", "LEVEL": "info"}


BAD = [
    ({"servers": {}}, 'must be a JSON object with an "mcpServers" object'),
    ([], 'must be a JSON object with an "mcpServers" object'),
    ({"mcpServers": {"files": "python"}}, 'server "files": must be an object'),
    (
        {"mcpServers": {"files": {}}},
        'server "files": needs `command` (a program to start) or `url`',
    ),
    (
        {"mcpServers": {"files": {"command": "x", "url": "http://a/mcp"}}},
        "has both `command` and `url`",
    ),
    (
        {"mcpServers": {"files": {"command": ""}}},
        'server "files": `command` must be a non-empty string',
    ),
    (
        {"mcpServers": {"files": {"command": "x", "args": "-m s"}}},
        'server "files": `args` must be a list of strings',
    ),
    ({"mcpServers": {"files": {"command": "x", "args": [1]}}}, "`args` must be a list of strings"),
    (
        {"mcpServers": {"files": {"command": "x", "env": {"A": 1}}}},
        "`env` must be an object of strings",
    ),
    (
        {"mcpServers": {"files": {"command": "x", "env": ["A=1"]}}},
        "`env` must be an object of strings",
    ),
    (
        {"mcpServers": {"s": {"url": "localhost:8931/mcp"}}},
        'server "s": `url` must be a full address starting with http://',
    ),
    ({"mcpServers": {"s": {"url": "ftp://host/mcp"}}}, "`url` must be a full address"),
    (
        {"mcpServers": {"s": {"url": "http://a/mcp", "headers": {"X": None}}}},
        "`headers` must be an object of strings",
    ),
    (
        {"mcpServers": {"s": {"url": "http://a/mcp", "env": {}}}},
        "`env` is not a key this bot reads for a http server",
    ),
    (
        {"mcpServers": {"f": {"command": "x", "timout": 5}}},
        "`timout` is not a key this bot reads for a stdio server",
    ),
    (
        {"mcpServers": {"f": {"command": "x", "timeout": 0}}},
        "`timeout` must be a number of seconds, more than 0 and at most 3600",
    ),
    (
        {"mcpServers": {"f": {"command": "x", "timeout": "30"}}},
        "`timeout` must be a number of seconds",
    ),
    (
        {"mcpServers": {"f": {"command": "x", "timeout": True}}},
        "`timeout` must be a number of seconds",
    ),
    (
        {"mcpServers": {"f": {"command": "x", "tools": []}}},
        "`tools` must list at least one tool name",
    ),
    ({"mcpServers": {"f": {"command": "x", "tools": "add"}}}, "`tools` must be a list of strings"),
    (
        {"mcpServers": {"f": {"command": "x", "private_only": "yes"}}},
        "`private_only` must be true or false",
    ),
    ({"mcpServers": {"f": {"command": "x", "disabled": 1}}}, "`disabled` must be true or false"),
    (
        {"mcpServers": {"s": {"type": "sse", "url": "http://a/sse"}}},
        "`type` sse (the old HTTP+SSE transport) is not supported",
    ),
    (
        {"mcpServers": {"s": {"type": "websocket", "url": "http://a"}}},
        "`type` must be stdio or http",
    ),
    (
        {"mcpServers": {"s": {"type": "http", "command": "x"}}},
        "`type` says http but the entry has `command`",
    ),
    ({"mcpServers": {"": {"command": "x"}}}, "the name must be a non-empty line of text"),
    (
        {"mcpServers": {"f": {"command": "x", "env": {"T": "${MISSING}"}}}},
        "`env.T` uses ${MISSING}, but the variable MISSING is not set",
    ),
]


@pytest.mark.parametrize(("data", "words"), BAD)
def test_every_mistake_is_one_sentence_naming_the_file_server_and_key(
    data: Any, words: str
) -> None:
    with pytest.raises(McpConfigError) as error:
        parse(data)
    message = str(error.value)
    assert message.startswith("MCP_CONFIG (/etc/bot/mcp.json)")
    assert words in message
    assert "\n" not in message and error.value.reason == "mcp_config"


def test_a_file_that_cannot_be_read_or_parsed_says_so(tmp_path: Path) -> None:
    missing = tmp_path / "mcp.json"
    with pytest.raises(McpConfigError, match=r"\(.*mcp.json\) cannot be read: No such file"):
        load_config(missing)
    missing.write_text('{"mcpServers": {"a": {"command": "x",}}}')
    with pytest.raises(McpConfigError, match=r"is not valid JSON: .* at line 1 column 38"):
        load_config(missing)


def test_a_bad_mcp_config_stops_the_bot_with_one_readable_paragraph(tmp_path: Path) -> None:
    path = tmp_path / "mcp.json"
    path.write_text(json.dumps({"mcpServers": {"files": {"command": "python", "args": "-m x"}}}))
    with pytest.raises(SettingsError) as error:
        load_settings(_env_file=None, bot_token="1:a", mcp_config=str(path))
    assert str(error.value) == (
        f'Configuration error: MCP_CONFIG ({path}): server "files": `args` must be a list of '
        "strings."
    )


def test_settings_carry_the_servers_and_hide_their_secrets(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "mcp.json"
    path.write_text(
        json.dumps(
            EXAMPLE
            | {
                "mcpServers": EXAMPLE["mcpServers"]
                | {
                    "gh": {
                        "command": "gh",
                        "env": {"GITHUB_TOKEN": "ghp_0123456789", "DEBUG": "1"},
                    },
                    "kb": {"url": "https://kb:pass%40word@kb.example/mcp?key=query-secret-1"},
                }
            }
        )
    )
    settings = load_settings(_env_file=None, bot_token="1:a", mcp_config=str(path))
    assert settings.mcp is not None
    assert [s.name for s in settings.mcp.servers] == ["files", "search", "gh", "kb"]
    formatter = RedactingFormatter("%(message)s", settings.secrets())
    leaks = [
        "Authorization: Bearer search-token-123",
        "token search-token-123 refused",
        "GITHUB_TOKEN=ghp_0123456789",
        "https://kb:pass%40word@kb.example/mcp?key=query-secret-1",
        "password pass@word",
        repr(settings.mcp),
    ]
    for leak in leaks:
        record = logging.LogRecord("bot", logging.INFO, __file__, 1, leak, None, None)
        shown = formatter.format(record)
        for secret in (
            "search-token-123",
            "ghp_0123456789",
            "pass@word",
            "pass%40word",
            "query-secret-1",
        ):
            assert secret not in shown, shown
    # Short values are no secrets: hiding every "1" would wreck the log.
    assert "1" not in settings.secrets() and "/data" not in settings.secrets()


def test_secrets_of_each_kind() -> None:
    config = parse(
        {
            "mcpServers": {
                "a": {"command": "a", "env": {"KEY": "sk-abcdef", "N": "1"}},
                "b": {
                    "url": "https://u:p4ssw0rd@b.example/mcp?k=secretvalue&x=1",
                    "headers": {"X-Api-Key": "api-key-12", "Authorization": "Basic dXNlcjpwdw=="},
                },
            }
        }
    )
    assert set(secrets(config)) == {
        "sk-abcdef",
        "p4ssw0rd",
        "secretvalue",
        "api-key-12",
        "Basic dXNlcjpwdw==",
        "dXNlcjpwdw==",
    }
    assert secrets(None) == []


def test_a_displayed_url_has_no_credentials_or_query() -> None:
    assert (
        display_url("https://u:p@host.example:8443/mcp?key=v#f") == "https://host.example:8443/mcp"
    )
    transport = parse(EXAMPLE).servers[1].transport
    assert "search-token-123" not in repr(transport) + repr(parse(EXAMPLE))
