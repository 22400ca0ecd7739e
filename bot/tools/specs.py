"""What the model is offered: each MCP tool under a name OpenAI accepts, unique across servers,
with the tool's description and its JSON schema as the function's parameters."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Container, Mapping
from dataclasses import dataclass
from typing import Any

NAME_SHAPE = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
"""OpenAI's rule for a function name; vLLM and llama.cpp accept the same."""
MAX_NAME = 64
DESCRIPTION_CHARS = 1024
"""A longer description is cut: it is sent with every request of every answer."""
_INVALID = re.compile(r"[^a-zA-Z0-9_-]+")


@dataclass(frozen=True, slots=True)
class ToolSpec:
    """One tool as the model sees it: `name` (unique, OpenAI-valid) stands for the tool `tool`
    of the MCP server `server`."""

    name: str
    server: str
    tool: str
    description: str
    schema: Mapping[str, Any]
    """The tool's input JSON Schema, as the server listed it."""

    def openai(self) -> dict[str, Any]:
        """The entry of the request's `tools`."""
        parameters = dict(self.schema)
        # OpenAI wants an object schema with `properties`; some servers list `{}` for a tool
        # without parameters, and llama.cpp's grammar builder needs `properties` too.
        parameters.setdefault("type", "object")
        if parameters.get("type") == "object":
            parameters.setdefault("properties", {})
        function: dict[str, Any] = {"name": self.name, "parameters": parameters}
        if self.description:
            function["description"] = self.description[:DESCRIPTION_CHARS]
        return {"type": "function", "function": function}


def openai_name(server: str, tool: str, taken: Container[str]) -> str:
    """A name for `tool` of `server` that is valid for OpenAI and not in `taken`.

    The tool's own name when it is valid and free (models choose tools better by their real
    names); else `server__tool` with invalid characters made `_`; names longer than 64 keep
    their start and get a short hash of the whole; a clash left over gets `_2`, `_3`..."""
    if NAME_SHAPE.match(tool) and tool not in taken:
        return tool
    base = _fit(_clean(f"{_clean(server)}__{_clean(tool)}"), f"{server}\0{tool}")
    name, number = base, 1
    while name in taken:
        number += 1
        suffix = f"_{number}"
        name = base[: MAX_NAME - len(suffix)] + suffix
    return name


def _clean(text: str) -> str:
    return _INVALID.sub("_", text).strip("_") or "tool"


def _fit(name: str, whole: str) -> str:
    if len(name) <= MAX_NAME:
        return name
    digest = hashlib.sha256(whole.encode()).hexdigest()[:8]
    return f"{name[: MAX_NAME - 9]}_{digest}"
