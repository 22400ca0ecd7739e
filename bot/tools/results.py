"""A tool's MCP result as the text the model reads next: text whole, everything else one line
saying what it was. Pure, but it reads the SDK's result types."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any

from mcp.types import (
    AudioContent,
    BlobResourceContents,
    CallToolResult,
    EmbeddedResource,
    ImageContent,
    ResourceLink,
    TextContent,
    TextResourceContents,
)

from bot.tools.calls import ToolResult, failure
from bot.tools.events import Outcome


def read_result(result: CallToolResult) -> ToolResult:
    """A tool's answer as text for the model.

    Text blocks are given whole; everything else gets one line saying what it was (images,
    audio, embedded resources, resource links). Structured content is given as JSON when
    there is no text, and named in a line when the text does not already carry it (the SDKs
    mirror it as a JSON text block). `isError` makes the outcome FAILED."""
    texts: list[str] = []
    notes: list[str] = []
    for block in result.content:
        if isinstance(block, TextContent):
            texts.append(block.text)
        else:
            notes.append(_summary(block))
    structured = result.structured_content
    if structured is not None:
        if not texts:
            texts.append(json.dumps(structured, ensure_ascii=False))
        elif not _mirrored(structured, texts):
            keys = ", ".join(list(structured)[:10])
            notes.append(f"[structured content with keys: {keys}]")
    text = "\n".join(texts + notes)
    if result.is_error:
        return failure(Outcome.FAILED, text or "the tool reported an error without saying which")
    if not text:
        return ToolResult(Outcome.DONE, "(the tool returned nothing)", "empty result")
    chars = len("".join(texts))
    kinds = [f"{chars} character{'' if chars == 1 else 's'}"] if texts else []
    kinds += _counted(notes)
    return ToolResult(Outcome.DONE, text, ", ".join(kinds))


def _summary(block: Any) -> str:
    if isinstance(block, ImageContent):
        return f"[image: {block.mime_type}, {_size(block.data)} — not shown to the model]"
    if isinstance(block, AudioContent):
        return f"[audio: {block.mime_type}, {_size(block.data)} — not shown to the model]"
    if isinstance(block, EmbeddedResource):
        resource = block.resource
        mime = resource.mime_type or "unknown type"
        if isinstance(resource, TextResourceContents):
            return f"[resource {resource.uri}: {mime}, {len(resource.text)} characters]"
        if isinstance(resource, BlobResourceContents):
            return f"[resource {resource.uri}: {mime}, {_size(resource.blob)}]"
        return f"[resource {resource.uri}: {mime}]"
    if isinstance(block, ResourceLink):
        return f"[link to resource {block.name}: {block.uri}]"
    return f"[{getattr(block, 'type', 'unknown')} content]"


def _size(data: str) -> str:
    """The decoded size of base64 `data`, in plain words."""
    try:
        size = len(base64.b64decode(data, validate=False))
    except (binascii.Error, ValueError):
        size = len(data) * 3 // 4
    return f"{size} bytes" if size < 10_000 else f"{size / 1024:.0f} KB"


def _mirrored(structured: Mapping[str, Any], texts: list[str]) -> bool:
    """Whether a text block already is the structured content as JSON (what SDKs send)."""
    for text in texts:
        if structured == {"result": text}:
            return True
        try:
            value = json.loads(text)
        except ValueError:
            continue
        if structured in (value, {"result": value}):
            return True
    return False


def _counted(notes: list[str]) -> list[str]:
    counts: dict[str, int] = {}
    for note in notes:
        kind = note[1:].split(":", 1)[0].split(" ", 1)[0]
        counts[kind] = counts.get(kind, 0) + 1
    return [f"{n} {kind}{'s' if n > 1 else ''}" for kind, n in counts.items()]
