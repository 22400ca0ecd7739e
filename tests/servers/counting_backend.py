"""An OpenAI-compatible server on 127.0.0.1 that lists models and reports usage, as vLLM,
llama.cpp and OpenAI do: `GET /v1/models` answers `models`, and a stream asked with
`stream_options.include_usage` ends with a usage chunk (`choices: []`) before `[DONE]`."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from tests.servers.backends import FakeOpenAI, Script, ScriptSource


class CountingOpenAI(FakeOpenAI):
    """`models` is the list served (or HTTP `models_status` when it is not 200); each answer
    reports `prompt_tokens` and `completion_tokens` (when the request asks for usage);
    `usage_asked` counts the requests that did."""

    def __init__(
        self,
        models: list[str],
        *,
        prompt_tokens: int = 11,
        completion_tokens: int = 7,
        script: ScriptSource = None,
    ) -> None:
        super().__init__(script)
        self.models = list(models)
        self.prompt_tokens = prompt_tokens
        self.completion_tokens = completion_tokens
        self.usage_asked = 0
        self.models_status = 200

    async def _models(self, request: web.Request) -> web.Response:
        self.model_lists += 1
        if self.models_status != 200:
            error = {"error": {"message": "models are down"}}
            return web.json_response(error, status=self.models_status)
        data = [{"id": name, "object": "model", "owned_by": "tests"} for name in self.models]
        return web.json_response({"object": "list", "data": data})

    def epilogue(self, script: Script, body: dict[str, Any]) -> list[bytes]:
        events = super().epilogue(script, body)
        options = body.get("stream_options")
        if script.sse_error is not None or not (
            isinstance(options, dict) and options.get("include_usage")
        ):
            return events
        self.usage_asked += 1
        usage = {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.prompt_tokens + self.completion_tokens,
        }
        chunk = {**self._chunk(body, {}, None), "choices": [], "usage": usage}
        return [events[0], self._event(chunk, script), *events[1:]]
