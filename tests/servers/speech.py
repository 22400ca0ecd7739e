"""A local stand-in for OpenAI's speech-to-text API: `POST /v1/audio/transcriptions`.

It speaks the protocol as api.openai.com does: a multipart form with `model`, `file` (whose
extension must name a supported format), optional `language` and `response_format` (json,
text, verbose_json, srt, vtt); errors as `{"error": {"message", "type", "param", "code"}}`
with OpenAI's statuses (400 undecodable or invalid, 401 wrong key, 404 unknown model, 413 too
large). The words come from a real transcriber (the local Whisper model) or from sentences
registered for exact audio bytes. Faults: scripted statuses, a slow mode that answers only
when closed, a refusal of the `language` field. Listens on 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from bot.inputs.errors import SpeechError

HOST = "127.0.0.1"
FORMATS = ("flac", "m4a", "mp3", "mp4", "mpeg", "mpga", "oga", "ogg", "wav", "webm")
MAX_BYTES = 25 * 1024 * 1024
"""OpenAI's upload limit (25 MB)."""

Transcribe = Callable[[bytes, str, str | None], Awaitable[str]]
"""(audio, filename, language) -> words; raises SpeechError("undecodable") for bad audio."""


@dataclass(frozen=True, slots=True)
class Heard:
    """One request as the server read it."""

    model: str | None
    filename: str | None
    content_type: str | None
    size: int
    language: str | None
    response_format: str
    authorization: str | None


@dataclass(frozen=True, slots=True)
class Fault:
    """An answer given instead of a transcription."""

    status: int
    message: str
    type: str = "server_error"
    code: str | None = None


class FakeSpeech:
    """The speech server; `url` is its API base, ending in /v1 as OPENAI_BASE_URL does."""

    def __init__(
        self,
        transcribe: Transcribe | None = None,
        *,
        api_key: str | None = None,
        models: tuple[str, ...] = ("whisper-1",),
        max_bytes: int = MAX_BYTES,
    ) -> None:
        self.transcribe = transcribe
        self.api_key = api_key
        self.models = models
        self.max_bytes = max_bytes
        self.known: dict[str, str] = {}
        self.requests: list[Heard] = []
        """Transcription requests read (those refused for their key or size are not read)."""
        self.authorizations: list[str | None] = []
        """The Authorization header of every transcription request, refused ones too."""
        self.refuse_language = False
        """Answer 400 (param `language`) to any request that has a language field."""
        self.echo_key = False
        """Quote a wrong key whole in the 401 message (OpenAI masks it; some servers do not)."""
        self.slow = False
        """Hold every transcription until close(): the client's timeout must fire."""
        self.answer_format: str | None = None
        """Answer in this format whatever was asked (some servers send text regardless)."""
        self.list_models = True
        """GET /v1/models answers; False: 404, as whisper.cpp's server does."""
        self.faults: deque[Fault] = deque()
        self.url = ""
        self._runner: web.AppRunner | None = None
        self._closing = asyncio.Event()

    # lifecycle -------------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(client_max_size=self.max_bytes + 1024 * 1024)
        app.router.add_post("/v1/audio/transcriptions", self._transcriptions)
        app.router.add_get("/v1/models", self._models)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, HOST, 0)
        await site.start()
        self._runner = runner
        self.url = f"http://{HOST}:{runner.addresses[0][1]}/v1"

    async def close(self) -> None:
        self._closing.set()
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # scripting -------------------------------------------------------------------------------

    def knows(self, audio: bytes, words: str) -> None:
        """Answer `words` for exactly these bytes (without running a model)."""
        self.known[hashlib.sha256(audio).hexdigest()] = words

    def fail_next(self, status: int, message: str = "", *, count: int = 1) -> None:
        """Answer the next `count` transcriptions with `status` and OpenAI's error body."""
        text = message or {
            429: "Rate limit reached for requests",
            500: "The server had an error while processing your request. Sorry about that!",
            502: "Bad gateway.",
            503: "The engine is currently overloaded, please try again later",
        }.get(status, "Error")
        kind = "requests" if status == 429 else "server_error"
        self.faults.extend(Fault(status, text, kind) for _ in range(count))

    @property
    def languages(self) -> list[str | None]:
        """The language field of each request, in order."""
        return [heard.language for heard in self.requests]

    # endpoints -------------------------------------------------------------------------------

    async def _models(self, request: web.Request) -> web.Response:
        refused = self._auth(request)
        if refused is not None:
            return refused
        if not self.list_models:
            return _error(404, "Not found", "invalid_request_error")
        data = [{"id": name, "object": "model", "owned_by": "local"} for name in self.models]
        return web.json_response({"object": "list", "data": data})

    async def _transcriptions(self, request: web.Request) -> web.StreamResponse:
        self.authorizations.append(request.headers.get("Authorization"))
        if (request.content_length or 0) > self.max_bytes:
            return _error(
                413,
                f"Maximum content size limit ({self.max_bytes}) exceeded "
                f"({request.content_length} bytes read)",
                "server_error",
            )
        refused = self._auth(request)
        if refused is not None:
            return refused
        form = await request.post()
        upload = form.get("file")
        audio = upload.file.read() if isinstance(upload, web.FileField) else None
        heard = Heard(
            model=_field(form, "model"),
            filename=upload.filename if isinstance(upload, web.FileField) else None,
            content_type=upload.content_type if isinstance(upload, web.FileField) else None,
            size=len(audio or b""),
            language=_field(form, "language"),
            response_format=_field(form, "response_format") or "json",
            authorization=request.headers.get("Authorization"),
        )
        self.requests.append(heard)
        invalid = self._invalid(heard, audio)
        if invalid is not None:
            return invalid
        if self.faults:
            fault = self.faults.popleft()
            return _error(fault.status, fault.message, fault.type, fault.code)
        if self.slow:
            await self._closing.wait()
            return _error(503, "shutting down", "server_error")
        assert audio is not None and heard.filename is not None
        try:
            words = await self._words(audio, heard.filename, heard.language)
        except SpeechError as exc:
            if exc.reason == "silence":
                words = ""
            else:
                return _error(
                    400,
                    "Audio file might be corrupted or unsupported",
                    "invalid_request_error",
                    "invalid_value",
                    param="file",
                )
        return _answer(words, self.answer_format or heard.response_format, heard.language)

    # checks, in OpenAI's order ----------------------------------------------------------------

    def _auth(self, request: web.Request) -> web.Response | None:
        if self.api_key is None:
            return None
        header = request.headers.get("Authorization", "")
        if not header:
            return _error(
                401,
                "You didn't provide an API key. You need to provide your API key in an "
                "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
                "invalid_request_error",
            )
        given = header.removeprefix("Bearer ").strip()
        if given != self.api_key:
            shown = given if self.echo_key else f"{given[:3]}{'*' * 8}{given[-4:]}"
            return _error(
                401,
                f"Incorrect API key provided: {shown}. You can find your API key at "
                "https://platform.openai.com/account/api-keys.",
                "invalid_request_error",
                "invalid_api_key",
            )
        return None

    def _invalid(self, heard: Heard, audio: bytes | None) -> web.Response | None:
        if heard.model is None:
            return _missing("model")
        if audio is None or heard.filename is None:
            return _missing("file")
        if heard.model not in self.models:
            return _error(
                404,
                f"The model `{heard.model}` does not exist or you do not have access to it.",
                "invalid_request_error",
                "model_not_found",
            )
        extension = heard.filename.rpartition(".")[2].lower()
        if extension not in FORMATS:
            supported = ", ".join(repr(name) for name in FORMATS)
            return _error(
                400,
                f"Invalid file format. Supported formats: [{supported}]",
                "invalid_request_error",
                param="file",
            )
        if heard.response_format not in ("json", "text", "verbose_json", "srt", "vtt"):
            return _error(
                400,
                f"'{heard.response_format}' is not one of ['json', 'text', 'srt', "
                "'verbose_json', 'vtt'] - 'response_format'",
                "invalid_request_error",
                param="response_format",
            )
        if heard.language is not None and self.refuse_language:
            return _error(
                400,
                f"Language '{heard.language}' is not supported.",
                "invalid_request_error",
                "unsupported_language",
                param="language",
            )
        return None

    async def _words(self, audio: bytes, filename: str, language: str | None) -> str:
        known = self.known.get(hashlib.sha256(audio).hexdigest())
        if known is not None:
            return known
        if self.transcribe is None:
            raise SpeechError("undecodable", "unknown audio and no model")
        return await self.transcribe(audio, filename, language)


def _field(form: Any, name: str) -> str | None:
    value = form.get(name)
    return value if isinstance(value, str) and value else None


def _error(
    status: int, message: str, kind: str, code: str | None = None, *, param: str | None = None
) -> web.Response:
    body = {"error": {"message": message, "type": kind, "param": param, "code": code}}
    return web.json_response(body, status=status)


def _missing(name: str) -> web.Response:
    return _error(
        400,
        f"Missing required parameter: '{name}'.",
        "invalid_request_error",
        "missing_required_parameter",
        param=name,
    )


def _answer(words: str, response_format: str, language: str | None) -> web.Response:
    duration = max(1.0, len(words.split()) / 2.5)
    if response_format == "text":
        return web.Response(text=words + "\n", content_type="text/plain")
    if response_format == "verbose_json":
        segment = {"id": 0, "start": 0.0, "end": duration, "text": words}
        body = {
            "task": "transcribe",
            "language": language or "english",
            "duration": duration,
            "text": words,
            "segments": [segment] if words else [],
        }
        return web.json_response(body)
    if response_format in ("srt", "vtt"):
        stamp = f"00:00:00{',' if response_format == 'srt' else '.'}000"
        end = f"00:00:{duration:02.0f}{',' if response_format == 'srt' else '.'}000"
        head = "1\n" if response_format == "srt" else "WEBVTT\n\n"
        return web.Response(text=f"{head}{stamp} --> {end}\n{words}\n", content_type="text/plain")
    return web.Response(text=json.dumps({"text": words}), content_type="application/json")
