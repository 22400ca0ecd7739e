"""Recapture the real-server fixtures in this folder. Not part of the test suite or CI: the
fixtures are replayed by test_dialects.py; the servers are needed only to record them again.

Each capture writes NAME.sse, the raw response body byte for byte, and NAME.json, saying
where it comes from and what a reader must get out of it. The expectations come from an
oracle that does not share code with the bot: what the mock was told to say (LiteLLM), or the
same request answered without streaming at temperature 0 (llama-server), checked against a
naive line-by-line reading of the body; a disagreement is printed and the fixture not written.

Servers (install them outside the repository, see /work/shared/REAL-SERVERS.md):

    # LiteLLM proxy: mock_response models, no model weights
    python3 -m venv /work/tools/litellm-venv
    /work/tools/litellm-venv/bin/pip install 'litellm[proxy]'
    python -m tests.providers.dialects.capture litellm-config > /tmp/litellm.json
    LITELLM_LOCAL_MODEL_COST_MAP=True LITELLM_MASTER_KEY=sk-local \\
        /work/tools/litellm-venv/bin/litellm --config /tmp/litellm.json \\
        --host 127.0.0.1 --port 4000
    python -m tests.providers.dialects.capture litellm http://127.0.0.1:4000/v1 --key sk-local \\
        --version "$(/work/tools/litellm-venv/bin/litellm --version)"

    # llama.cpp's llama-server with Gemma 3 270M (a base model: the words are nonsense), started
    # once per flag set of LLAMA_FLAGS and LLAMA_R1_FLAGS (template paths are
    # inside the llama.cpp tree), each followed by a capture with the same --flags:
    llama-server -m gemma-3-270m-q4_k_m.gguf --alias gemma-3-270m FLAGS \\
        --host 127.0.0.1 --port 8080 -c 8192 -t 2
    python -m tests.providers.dialects.capture llama http://127.0.0.1:8080/v1 --flags "FLAGS" \\
        --version "$(llama-server --version 2>&1 | head -1)"

Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

HERE = Path(__file__).parent
LONG_UNICODE = (
    "Привет! Вот длинный ответ, чтобы проверить, как поток режет многобайтовые символы. "
    "日本語の文章も少し入れます：東京、大阪、京都。中文：你好，世界！한국어: 안녕하세요. "
    "Emoji with modifiers and joiners: 👍🏽 👩‍👩‍👧‍👦 🏳️‍🌈 🇺🇦 🇯🇵, and combining marks: "
    "é (e + ◌́), ñ, ǘ. Math: ∀x∈ℝ, x² ≥ 0; ∑ᵢ aᵢ ≤ ∞. Arabic: مرحبا بالعالم. Hebrew: שלום. "
    "Devanagari: नमस्ते दुनिया। Thai: สวัสดีชาวโลก. Greek: Καλημέρα κόσμε."
)
TOOL_SCHEMA = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather in a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}
LITELLM_MODELS: dict[str, Any] = {
    # The proxy streams only a string mock (a dict mock is not streamed: 1.108 answers 500),
    # so finish reasons other than "stop" and tool calls come from llama-server instead.
    "mock-plain": "Hello from the proxy! How can I help you today?",
    "mock-unicode": LONG_UNICODE,
    "mock-error": "Exception: mock_streaming_error",
}


def litellm_config() -> dict[str, Any]:
    """The proxy's config: one mock model per shape (JSON is valid YAML)."""
    return {
        "model_list": [
            {
                "model_name": name,
                "litellm_params": {
                    "model": f"openai/{name}",
                    "api_key": "x",
                    "mock_response": mock,
                },
            }
            for name, mock in LITELLM_MODELS.items()
        ],
        "litellm_settings": {"telemetry": False},
    }


@dataclass
class Naive:
    """A deliberately simple reading of an SSE body: `data:` lines, JSON, choices[0]."""

    text: str = ""
    thoughts: str = ""
    calls: dict[int, dict[str, Any]] = field(default_factory=dict)
    ending: str | None = None
    usage: list[int] | None = None

    @classmethod
    def read(cls, body: bytes) -> Naive:
        seen = cls()
        for line in body.decode().replace("\r\n", "\n").split("\n"):
            if not line.startswith("data:") or line[5:].strip() == "[DONE]":
                continue
            event = json.loads(line[5:])
            if isinstance(event.get("usage"), dict) and "prompt_tokens" in event["usage"]:
                seen.usage = [event["usage"]["prompt_tokens"], event["usage"]["completion_tokens"]]
            for choice in event.get("choices") or []:
                delta = choice.get("delta") or {}
                seen.text += delta.get("content") or ""
                seen.thoughts += delta.get("reasoning_content") or delta.get("reasoning") or ""
                for position, call in enumerate(delta.get("tool_calls") or []):
                    merged = seen.calls.setdefault(
                        call.get("index", position),
                        {"index": call.get("index", position), "id": None, "name": None},
                    )
                    merged["id"] = merged["id"] or call.get("id") or None
                    function = call.get("function") or {}
                    merged["name"] = merged["name"] or function.get("name") or None
                    merged["arguments"] = merged.get("arguments", "") + (
                        function.get("arguments") or ""
                    )
                if choice.get("finish_reason"):
                    seen.ending = choice["finish_reason"]
        return seen

    def expect(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "thoughts": self.thoughts,
            "tool_calls": [self.calls[index] for index in sorted(self.calls)],
            "usage": self.usage,
            "ending": self.ending,
        }


@dataclass
class Capture:
    """One request to record."""

    name: str
    request: dict[str, Any]
    oracle: dict[str, Any] = field(default_factory=dict)
    """Expected values known without reading the stream (compared with the naive reading)."""
    error: str | None = None
    """The error class the bot must raise (the body and status are kept as they are)."""


KEY = {"value": "x"}
"""The Bearer key sent (`--key`; the LiteLLM proxy insists on a master key)."""


async def post(url: str, payload: dict[str, Any]) -> tuple[int, bytes]:
    headers = {"Authorization": f"Bearer {KEY['value']}"}
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{url}/chat/completions", json=payload, headers=headers) as response,
    ):
        return response.status, await response.read()


async def record(url: str, capture: Capture, server: str) -> None:
    status, body = await post(url, {**capture.request, "stream": True})
    if status != 200 and capture.error is None:
        print(f"{capture.name}: HTTP {status}: {body[:300]!r}", file=sys.stderr)
        return
    expect: dict[str, Any]
    if capture.error is not None:
        expect = {"error": capture.error, "status": status}
    else:
        expect = Naive.read(body).expect()
        wrong = {
            key: (expect[key], value)
            for key, value in capture.oracle.items()
            if _comparable(key, expect[key]) != _comparable(key, value)
        }
        if wrong:
            message = f"{capture.name}: the stream disagrees with the oracle: {wrong}"
            print(message, file=sys.stderr)
            return
    request = {key: value for key, value in capture.request.items() if key != "messages"}
    sidecar = {
        "server": server,
        "source": "real capture: tests/providers/dialects/capture.py",
        "request": request,
        "expect": expect,
    }
    inline = expect.get("text", "").lstrip()
    if inline.startswith("<think>"):
        thoughts, _tag, answer = inline[len("<think>") :].partition("</think>")
        sidecar["split"] = {
            "thoughts": thoughts,
            "answer": answer.lstrip("\n"),
            "closed": False,  # an opened block: ThinkingClosed is only for template-opened ones
        }
    (HERE / f"{capture.name}.sse").write_bytes(body)
    text = json.dumps(sidecar, ensure_ascii=False, indent=2) + "\n"
    (HERE / f"{capture.name}.json").write_text(text, encoding="utf-8")
    print(f"{capture.name}: {len(body)} bytes")


def _comparable(key: str, value: Any) -> Any:
    """Tool-call ids are random per request: the oracle's cannot match the stream's."""
    if key == "tool_calls":
        return [{k: v for k, v in call.items() if k != "id"} for call in value]
    return value


def user(text: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": text}]


async def capture_litellm(url: str, version: str) -> None:
    server = f"LiteLLM proxy {version} (mock_response)"
    captures = [
        Capture(
            "litellm.plain",
            {"model": "mock-plain", "messages": user("hi")},
            {"text": LITELLM_MODELS["mock-plain"], "ending": "stop"},
        ),
        Capture(
            "litellm.unicode-usage",
            {
                "model": "mock-unicode",
                "messages": user("long"),
                "stream_options": {"include_usage": True},
            },
            {"text": LONG_UNICODE, "ending": "stop"},
        ),
        # The mock raises before the first chunk: the proxy answers 529 with a JSON error.
        Capture(
            "litellm.error-529",
            {"model": "mock-error", "messages": user("x")},
            error="BackendUnavailable",
        ),
    ]
    for capture in captures:
        await record(url, capture, server)


LLAMA_FLAGS = "--jinja"
"""The flags for the captures that need no special template (the model's own template)."""
LLAMA_R1_FLAGS = (
    "--jinja --chat-template-file models/templates/deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.jinja"
)
"""A DeepSeek-R1 template, for the inline-thinking capture."""


def llama_requests() -> dict[str, tuple[str, dict[str, Any]]]:
    """Name -> (the server flags it needs, the request)."""
    fixed = {"model": "gemma-3-270m", "temperature": 0, "seed": 7}
    return {
        "llama-server.plain": (
            LLAMA_FLAGS,
            {**fixed, "messages": user("Say hello."), "max_tokens": 24},
        ),
        "llama-server.unicode-usage": (
            LLAMA_FLAGS,
            {
                **fixed,
                "messages": user("Напиши по-русски и по-японски: привет, мир! 日本語で。"),
                "max_tokens": 40,
                "stream_options": {"include_usage": True},
            },
        ),
        "llama-server.length": (
            LLAMA_FLAGS,
            {**fixed, "messages": user("Tell a long story."), "max_tokens": 12},
        ),
        # Tools offered to a model whose template has none: llama-server streams plain text.
        # (Gemma 3 270M never produced a call here, not even with a Hermes-style template and
        # tool_choice "required": this build did not constrain its output, so the tool-call
        # dialects in this folder come from documentation.)
        "llama-server.tools-offered": (
            LLAMA_FLAGS,
            {
                **fixed,
                "messages": user("What is the weather in Paris? Use the tool."),
                "tools": [TOOL_SCHEMA],
                "max_tokens": 60,
            },
        ),
        # An assistant prefill that opens the thoughts: llama-server streams the prefill back
        # as the start of the content, so the answer begins with an inline <think>.
        "llama-server.prefill-think": (
            LLAMA_R1_FLAGS,
            {
                **fixed,
                "messages": [
                    *user("Why is the sky blue?"),
                    {"role": "assistant", "content": "<think>\nOkay, the user asks"},
                ],
                "max_tokens": 20,
            },
        ),
    }


async def capture_llama(url: str, version: str, flags: str) -> None:
    """Record the requests whose flags are the server's (run it once per server start)."""
    for name, (needs, request) in llama_requests().items():
        if needs != flags:
            continue
        server = f"llama.cpp llama-server {version}, Gemma 3 270M Q4_K_M, {needs}"
        status, body = await post(url, request)  # the same request, not streamed: the oracle
        if status != 200:
            print(f"{name}: oracle HTTP {status}: {body[:300]!r}", file=sys.stderr)
            continue
        choice = json.loads(body)["choices"][0]
        oracle: dict[str, Any] = {
            "text": choice["message"].get("content") or "",
            "thoughts": choice["message"].get("reasoning_content") or "",
            "ending": choice["finish_reason"],
        }
        calls = choice["message"].get("tool_calls") or []
        oracle["tool_calls"] = [
            {
                "index": index,
                "id": call.get("id") or None,
                "name": call["function"]["name"],
                "arguments": call["function"]["arguments"],
            }
            for index, call in enumerate(calls)
        ]
        await record(url, Capture(name, request, oracle), server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["litellm-config", "litellm", "llama"])
    parser.add_argument("url", nargs="?", default="")
    parser.add_argument("--version", default="", help="the server's version, for the sidecar")
    parser.add_argument("--key", default="x", help="the Bearer key the server wants")
    parser.add_argument(
        "--flags", default=LLAMA_FLAGS, help="llama-server's flags: records the requests for them"
    )
    options = parser.parse_args()
    KEY["value"] = options.key
    if options.what == "litellm-config":
        print(json.dumps(litellm_config(), ensure_ascii=False, indent=2))
    elif options.what == "litellm":
        asyncio.run(capture_litellm(options.url, options.version))
    else:
        asyncio.run(capture_llama(options.url, options.version, options.flags))


if __name__ == "__main__":
    main()
