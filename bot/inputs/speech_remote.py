"""Speech to text on a server: `POST {base}/audio/transcriptions`, OpenAI's protocol.

OpenAI, Groq, a local faster-whisper server (speaches), whisper.cpp's server and vLLM all take
the same multipart form: `model`, `file` (its extension names the format), an optional
`language` (ISO 639-1) and `response_format`. Each failure maps to one SpeechError reason, with
the server's own words in `detail` and the API key never in it.
"""

from __future__ import annotations

import json
import mimetypes
import re

import aiohttp

from bot.inputs.errors import SpeechError
from bot.inputs.languages import language_hint
from bot.providers.openai import error_message

MAX_ERROR_CHARS = 200
_UNDECODABLE = re.compile(
    r"corrupt|decod|invalid (audio|file)|file format|unsupported (audio|file|format)"
    r"|could not (read|process) (the )?(audio|file)",
    re.IGNORECASE,
)


class RemoteTranscriber:
    """An OpenAI-compatible transcription endpoint, through the bot's shared HTTP session."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        *,
        model: str,
        api_key: str | None = None,
        key_name: str = "STT_API_KEY",
        timeout: float = 60.0,
        connect_timeout: float = 10.0,
        proxy: str | None = None,
    ) -> None:
        """`timeout`: seconds to wait for the answer once the audio is sent (the server says
        nothing while it transcribes); `key_name`: the setting the key came from, for the
        message when the server refuses it."""
        self.session = session
        self.base_url = base_url.rstrip("/")
        self.endpoint = f"{self.base_url}/audio/transcriptions"
        self.model = model
        self.key_name = key_name
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.proxy = proxy
        self._api_key = api_key or None

    @property
    def available(self) -> bool:
        return True

    def describe(self) -> str:
        return f"remote at {self.base_url}, model {self.model}"

    async def transcribe(self, audio: bytes, *, filename: str, language: str | None = None) -> str:
        """The transcript of `audio`; `filename`'s extension tells the server the format
        (`voice.ogg`, `clip.mp4`); `language` is a hint the server may refuse, in which case
        the request is sent once more without it."""
        hint = language_hint(language)
        try:
            return await self._post(audio, filename, hint)
        except _LanguageRefused:
            return await self._post(audio, filename, None)

    async def _post(self, audio: bytes, filename: str, language: str | None) -> str:
        form = aiohttp.FormData()
        form.add_field("model", self.model)
        content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        form.add_field("file", audio, filename=filename, content_type=content_type)
        if language:
            form.add_field("language", language)
        form.add_field("response_format", "json")
        timeout = aiohttp.ClientTimeout(sock_connect=self.connect_timeout, sock_read=self.timeout)
        try:
            async with self.session.post(
                self.endpoint,
                data=form,
                headers=self._headers(),
                timeout=timeout,
                proxy=self.proxy,
            ) as response:
                status = response.status
                body = await response.text(errors="replace")
                json_body = response.content_type == "application/json"
        except TimeoutError as exc:
            raise SpeechError("timeout", f"no answer from {self.endpoint} in time") from exc
        except aiohttp.ClientError as exc:
            detail = f"cannot reach {self.endpoint}: {type(exc).__name__}: {exc}"
            raise SpeechError("unreachable", self._scrub(detail)) from exc
        if status >= 300:
            raise self._failure(status, body, language)
        return self._text(body, json_body)

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._api_key}"} if self._api_key else {}

    def _text(self, body: str, json_body: bool) -> str:
        """`{"text": ...}` (json, verbose_json) or the bare text a server sends regardless."""
        text = body
        if json_body or body.lstrip().startswith("{"):
            try:
                parsed = json.loads(body)
            except ValueError:
                parsed = None
            if not isinstance(parsed, dict) or not isinstance(parsed.get("text"), str):
                raise SpeechError("server_error", f"{self.endpoint} answered without a text")
            text = parsed["text"]
        text = text.strip()
        if not text:
            raise SpeechError("silence", "the server heard no words")
        return text

    def _failure(self, status: int, body: str, language: str | None) -> Exception:
        said = self._scrub(" ".join(error_message(body).split())[:MAX_ERROR_CHARS])
        detail = f"{status} from {self.endpoint}: {said}"
        param = _error_param(body)
        if status in (400, 422) and language and (param == "language" or "language" in said):
            return _LanguageRefused()
        if status in (401, 403):
            return SpeechError("unauthorized", f"{detail} (check {self.key_name})")
        if status == 404:
            hint = "" if self.base_url.endswith("/v1") else " (the base URL usually ends in /v1)"
            return SpeechError("rejected", f"{detail}{hint}")
        if status == 413:
            return SpeechError("too_big", detail)
        if status == 429:
            return SpeechError("busy", detail)
        if status >= 500:
            return SpeechError("server_error", detail)
        if status in (400, 415, 422) and (param == "file" or _UNDECODABLE.search(said)):
            return SpeechError("undecodable", detail)
        return SpeechError("rejected", detail)

    def _scrub(self, text: str) -> str:
        """Servers quote what they were sent ("Incorrect API key provided: sk-...")."""
        return text.replace(self._api_key, "***") if self._api_key else text

    async def check(self) -> tuple[bool, str]:
        """`GET {base}/models`: is the server there, does it take the key, has it the model?"""
        url = f"{self.base_url}/models"
        timeout = aiohttp.ClientTimeout(total=self.connect_timeout + 10)
        try:
            async with self.session.get(
                url, headers=self._headers(), timeout=timeout, proxy=self.proxy
            ) as response:
                status = response.status
                body = await response.text(errors="replace")
        except TimeoutError:
            return False, f"{self.describe()}: no answer from {url} in time"
        except aiohttp.ClientError as exc:
            return False, self._scrub(f"{self.describe()}: cannot connect: {exc}")
        if status in (401, 403):
            return False, f"{self.describe()}: {status}, the server refuses {self.key_name}"
        if status == 404:
            return True, f"{self.describe()}: reachable (it lists no models)"
        if status >= 300:
            said = self._scrub(" ".join(error_message(body).split())[:MAX_ERROR_CHARS])
            return False, f"{self.describe()}: {status} from {url}: {said}"
        names = _model_ids(body)
        if self.model in names:
            return True, f"{self.describe()}: model {self.model} listed"
        listed = ", ".join(sorted(names)[:8]) or "none"
        return True, f"{self.describe()}: reachable, but {self.model} is not listed ({listed})"


class _LanguageRefused(Exception):
    """The server refused the `language` field (some accept no hint, or not this code)."""


def _error_param(body: str) -> str | None:
    try:
        parsed = json.loads(body)
    except ValueError:
        return None
    error = parsed.get("error") if isinstance(parsed, dict) else None
    param = error.get("param") if isinstance(error, dict) else None
    return param if isinstance(param, str) else None


def _model_ids(body: str) -> set[str]:
    try:
        parsed = json.loads(body)
    except ValueError:
        return set()
    data = parsed.get("data") if isinstance(parsed, dict) else None
    if not isinstance(data, list):
        return set()
    return {str(item["id"]) for item in data if isinstance(item, dict) and "id" in item}
