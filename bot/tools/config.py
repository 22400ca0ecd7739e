"""MCP_CONFIG: the MCP servers whose tools the model may call, in the `mcpServers` JSON format.

The format is the one Claude Desktop, Cursor and most MCP hosts read, so an operator can copy a
server's entry from its README:

    {"mcpServers": {
        "files": {"command": "python", "args": ["-m", "my_server"], "env": {"ROOT": "/data"}},
        "search": {"url": "http://127.0.0.1:8931/mcp", "headers": {"Authorization": "Bearer …"}}
    }}

A server has either `command` (stdio: `args`, `env`, `cwd`) or `url` (streamable HTTP:
`headers`); optional per server: `tools` (only these), `timeout` (seconds per call),
`private_only` (not offered in groups), `disabled`, and `type` (as other hosts write it).
`${NAME}` (or `${NAME:-default}`) in a string takes the value of the environment variable NAME,
so tokens can stay out of the file. Every problem is reported as one sentence naming the file,
the server and the key.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

from bot.tools.errors import McpConfigError

_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_TYPES = {"stdio": "stdio", "http": "http", "streamable-http": "http", "streamablehttp": "http"}
_COMMON_KEYS = ("tools", "timeout", "private_only", "disabled", "type")
_STDIO_KEYS = ("command", "args", "env", "cwd")
_HTTP_KEYS = ("url", "headers")
MAX_TIMEOUT = 3600.0
SECRET_MIN_CHARS = 6
"""Shorter values (`1`, `true`, `en`) are not treated as secrets: hiding every `1` in the log
would make it unreadable, and no real credential is that short."""


@dataclass(frozen=True, slots=True)
class StdioServer:
    """A server the bot starts as a subprocess and talks to over its stdin and stdout."""

    command: str
    args: tuple[str, ...] = ()
    env: Mapping[str, str] = field(default_factory=dict, repr=False)
    """Set on top of a minimal inherited environment (PATH, HOME...); may hold secrets."""
    cwd: Path | None = None

    @property
    def kind(self) -> str:
        return "stdio"

    @property
    def where(self) -> str:
        """What the log may say about it: the command and its arguments (no env)."""
        return " ".join([self.command, *self.args])


@dataclass(frozen=True, slots=True)
class HttpServer:
    """A server reached over streamable HTTP (one MCP endpoint URL)."""

    url: str = field(repr=False)
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)
    """Sent with every request (`Authorization`...); values may be secrets."""

    @property
    def kind(self) -> str:
        return "http"

    @property
    def where(self) -> str:
        return display_url(self.url)


@dataclass(frozen=True, slots=True)
class ServerConfig:
    """One entry of `mcpServers`."""

    name: str
    transport: StdioServer | HttpServer
    tools: frozenset[str] | None = None
    """Only these tools are offered (None: all the server lists)."""
    timeout: float | None = None
    """Seconds one call may take; None: TOOL_TIMEOUT."""
    private_only: bool = False
    """Offered in private chats only, never in groups."""


@dataclass(frozen=True, slots=True)
class McpConfig:
    """The servers MCP_CONFIG names, in the file's order (disabled ones left out)."""

    path: Path
    servers: tuple[ServerConfig, ...] = ()


def load_config(path: Path, environ: Mapping[str, str] | None = None) -> McpConfig:
    """Read and check MCP_CONFIG; raise McpConfigError with one readable sentence."""
    where = f"MCP_CONFIG ({path})"
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise McpConfigError(f"{where} cannot be read: {reason}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise McpConfigError(
            f"{where} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    return parse_config(data, path=path, environ=os.environ if environ is None else environ)


def parse_config(data: object, *, path: Path, environ: Mapping[str, str]) -> McpConfig:
    """Check the parsed JSON of MCP_CONFIG (see the module docstring for the format)."""
    where = f"MCP_CONFIG ({path})"
    if not isinstance(data, dict) or not isinstance(data.get("mcpServers"), dict):
        raise McpConfigError(
            f'{where} must be a JSON object with an "mcpServers" object, e.g. '
            '{"mcpServers": {"files": {"command": "python", "args": ["-m", "my_server"]}}}'
        )
    servers = []
    for name, entry in data["mcpServers"].items():
        server = _server(name, entry, _Reader(f'{where}: server "{name}"', environ))
        if server is not None:
            servers.append(server)
    return McpConfig(path=path, servers=tuple(servers))


class _Reader:
    """Reads one server's entry, raising errors that name the file, the server and the key."""

    def __init__(self, where: str, environ: Mapping[str, str]) -> None:
        self.where = where
        self.environ = environ

    def fail(self, message: str) -> McpConfigError:
        return McpConfigError(f"{self.where}: {message}")

    def expand(self, value: str, key: str) -> str:
        def variable(match: re.Match[str]) -> str:
            name, default = match.group(1), match.group(2)
            if name in self.environ:
                return self.environ[name]
            if default is not None:
                return default
            raise self.fail(f"`{key}` uses ${{{name}}}, but the variable {name} is not set")

        return _VARIABLE.sub(variable, value)

    def string(self, entry: Mapping[str, Any], key: str, *, required: bool = False) -> str | None:
        value = entry.get(key)
        if value is None:
            if required:
                raise self.fail(f"`{key}` is missing")
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"`{key}` must be a non-empty string")
        return self.expand(value.strip(), key)

    def strings(self, entry: Mapping[str, Any], key: str) -> tuple[str, ...]:
        value = entry.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self.fail(f"`{key}` must be a list of strings")
        return tuple(self.expand(item, key) for item in value)

    def table(self, entry: Mapping[str, Any], key: str) -> dict[str, str]:
        value = entry.get(key, {})
        if not isinstance(value, dict) or not all(
            isinstance(name, str) and name and isinstance(item, str)
            for name, item in value.items()
        ):
            raise self.fail(f'`{key}` must be an object of strings, e.g. {{"NAME": "value"}}')
        return {name: self.expand(item, f"{key}.{name}") for name, item in value.items()}


def _server(name: object, entry: object, read: _Reader) -> ServerConfig | None:
    if not isinstance(name, str) or not name.strip() or any(ord(c) < 32 for c in name):
        raise read.fail("the name must be a non-empty line of text")
    if not isinstance(entry, dict):
        raise read.fail('must be an object such as {"command": "...", "args": [...]}')
    kind = _kind(entry, read)
    allowed = _COMMON_KEYS + (_STDIO_KEYS if kind == "stdio" else _HTTP_KEYS)
    unknown = [key for key in entry if key not in allowed]
    if unknown:
        raise read.fail(
            f"`{unknown[0]}` is not a key this bot reads for a {kind} server "
            f"(it reads {', '.join(f'`{key}`' for key in allowed)})"
        )
    disabled = entry.get("disabled", False)
    if not isinstance(disabled, bool):
        raise read.fail("`disabled` must be true or false")
    if disabled:
        return None  # not read further: its ${VARIABLES} need not be set
    transport = _stdio(entry, read) if kind == "stdio" else _http(entry, read)
    return ServerConfig(
        name=name,
        transport=transport,
        tools=_tools(entry, read),
        timeout=_timeout(entry, read),
        private_only=_flag(entry, "private_only", read),
    )


def _kind(entry: Mapping[str, Any], read: _Reader) -> str:
    declared = entry.get("type")
    if declared is not None:
        if not isinstance(declared, str):
            raise read.fail("`type` must be a string: stdio or http")
        if declared.lower() == "sse":
            raise read.fail(
                "`type` sse (the old HTTP+SSE transport) is not supported: "
                "use the server's streamable HTTP endpoint (usually /mcp) with `url`"
            )
        if declared.lower() not in _TYPES:
            raise read.fail(f"`type` must be stdio or http, not {declared!r}")
    has_command, has_url = "command" in entry, "url" in entry
    if has_command and has_url:
        raise read.fail("has both `command` and `url`: a server is either started or reached")
    if not has_command and not has_url:
        raise read.fail(
            "needs `command` (a program to start) or `url` (a streamable HTTP endpoint)"
        )
    kind = "stdio" if has_command else "http"
    if declared is not None and _TYPES[declared.lower()] != kind:
        key = "command" if has_command else "url"
        raise read.fail(f"`type` says {declared} but the entry has `{key}`")
    return kind


def _stdio(entry: Mapping[str, Any], read: _Reader) -> StdioServer:
    command = read.string(entry, "command", required=True)
    assert command is not None
    cwd = read.string(entry, "cwd")
    return StdioServer(
        command=command,
        args=read.strings(entry, "args"),
        env=read.table(entry, "env"),
        cwd=Path(cwd) if cwd else None,
    )


def _http(entry: Mapping[str, Any], read: _Reader) -> HttpServer:
    url = read.string(entry, "url", required=True)
    assert url is not None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise read.fail(
            "`url` must be a full address starting with http:// or https://, "
            "e.g. http://127.0.0.1:8931/mcp"
        )
    return HttpServer(url=url, headers=read.table(entry, "headers"))


def _tools(entry: Mapping[str, Any], read: _Reader) -> frozenset[str] | None:
    if "tools" not in entry:
        return None
    names = read.strings(entry, "tools")
    if not names or not all(name.strip() for name in names):
        raise read.fail("`tools` must list at least one tool name (leave it out for all tools)")
    return frozenset(names)


def _timeout(entry: Mapping[str, Any], read: _Reader) -> float | None:
    value = entry.get("timeout")
    if value is None:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not 0 < value <= MAX_TIMEOUT
    ):
        raise read.fail(
            f"`timeout` must be a number of seconds, more than 0 and at most {MAX_TIMEOUT:g}"
        )
    return float(value)


def _flag(entry: Mapping[str, Any], key: str, read: _Reader) -> bool:
    value = entry.get(key, False)
    if not isinstance(value, bool):
        raise read.fail(f"`{key}` must be true or false")
    return value


def display_url(url: str) -> str:
    """The URL without credentials or query, for logs and `check` (both may hold tokens)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def secrets(config: McpConfig | None) -> list[str]:
    """Every value from MCP_CONFIG the log must never show: `env` and `headers` values (and the
    token after a header's scheme word, such as `Bearer`), URL passwords and query values.

    Values shorter than SECRET_MIN_CHARS are left out (see there)."""
    found = {s for server in (config.servers if config else ()) for s in server_secrets(server)}
    return sorted(found, key=len, reverse=True)


def server_secrets(server: ServerConfig) -> list[str]:
    """The secrets of one server's entry (see `secrets`), longest first."""
    found: list[str] = []
    transport = server.transport
    if isinstance(transport, StdioServer):
        found += transport.env.values()
    else:
        for value in transport.headers.values():
            scheme, _, token = value.partition(" ")
            found.append(value)
            if scheme.isalpha() and token.strip():
                found.append(token.strip())
        parts = urlsplit(transport.url)
        if parts.password:
            found += [parts.password, unquote(parts.password)]
        found += [value for _, value in parse_qsl(parts.query)]
    kept = {s for s in found if len(s.strip()) >= SECRET_MIN_CHARS}
    return sorted(kept, key=len, reverse=True)


def redact(text: str, secrets: list[str]) -> str:
    """`text` with every secret replaced, for what is printed rather than logged (`check`,
    /tools): a server's last words on stderr may quote its own token."""
    for secret in secrets:
        text = text.replace(secret, "<redacted>")
    return text
