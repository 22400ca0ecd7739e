"""Speech to text on this machine (STT=local): faster-whisper, a CTranslate2 Whisper model on
the CPU, quantized to int8 at load (about 4x less memory and faster than float32).

faster-whisper comes with the `voice` extra (`pip install '.[voice]'`) and is imported only
when a model is first used, so the default install and start-up stay small. The model loads
once, lazily, in a worker thread; transcriptions run one at a time in a worker thread (the
machine's cores are shared with everything else the bot does), never on the event loop.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

from bot.inputs.errors import SpeechError
from bot.inputs.languages import language_hint

INSTALL_HINT = "faster-whisper is not installed: pip install '.[voice]'"
BEAM_SIZE = 1
"""Greedy decoding: on a CPU, beam search (5) costs about twice the time for a few words."""


class LocalTranscriber:
    """A faster-whisper model in a folder (`model.bin`, `config.json`, tokenizer files).

    Voice activity detection (Silero, bundled with faster-whisper) is on: it drops silence
    before the model sees it, which is faster and keeps Whisper from inventing words ("Thank
    you.") for silent or noisy stretches.
    """

    def __init__(self, model_path: Path, *, max_seconds: float, cpu_threads: int = 0) -> None:
        self.model_path = model_path
        self.max_seconds = max_seconds
        self.cpu_threads = cpu_threads
        """CTranslate2 threads per transcription; 0 lets it use every core."""
        self._model: Any = None
        self._loading = threading.Lock()
        self._running = threading.Lock()

    @property
    def available(self) -> bool:
        return True

    def describe(self) -> str:
        return f"local model at {self.model_path}"

    async def check(self) -> tuple[bool, str]:
        """Load the model (in a thread): what `python -m bot check` prints for it."""
        try:
            model = await asyncio.to_thread(self._load)
        except SpeechError as exc:
            return False, f"{self.describe()}: {exc.detail}"
        multilingual = bool(model.model.is_multilingual)
        size = (self.model_path / "model.bin").stat().st_size / 1e6
        kind = "multilingual" if multilingual else "English only"
        return True, f"{self.describe()} ({kind}, {size:.0f} MB), loads"

    async def transcribe(self, audio: bytes, *, filename: str, language: str | None = None) -> str:
        """The words spoken in `audio` (any container PyAV reads; `filename` is not needed
        here); `language` is an ISO 639-1 hint used when the model knows that language."""
        return await asyncio.to_thread(self._transcribe, audio, language)

    def _load(self) -> Any:
        with self._loading:
            if self._model is None:
                try:  # the `voice` extra: imported on first use only
                    from faster_whisper import WhisperModel  # noqa: PLC0415
                except ImportError as exc:
                    raise SpeechError("not_configured", INSTALL_HINT) from exc
                try:
                    self._model = WhisperModel(
                        str(self.model_path),
                        device="cpu",
                        compute_type="int8",
                        cpu_threads=self.cpu_threads,
                    )
                except (RuntimeError, OSError, ValueError) as exc:
                    detail = f"cannot load the model at {self.model_path}: {exc}"
                    raise SpeechError("not_configured", detail) from exc
            return self._model

    def _transcribe(self, audio: bytes, language: str | None) -> str:
        model = self._load()
        from bot.inputs.audio import decode  # noqa: PLC0415 (PyAV: the `voice` extra)

        samples = decode(audio, max_seconds=self.max_seconds)
        language = language_hint(language)
        if language not in model.supported_languages:
            language = None  # an English-only model, or a code Whisper does not know
        with self._running:
            segments, _info = model.transcribe(
                samples,
                language=language,
                beam_size=BEAM_SIZE,
                # One pass at temperature 0: Whisper's fallback re-decodes a window at rising
                # temperatures when its text looks repetitive, which on a CPU took 50 s instead
                # of 4 s for a minute of speech and gave a different (or no) text each time.
                temperature=0.0,
                vad_filter=True,
                condition_on_previous_text=False,  # no loops repeating one phrase for minutes
            )
            text = " ".join(segment.text.strip() for segment in segments).strip()
        if not text:
            raise SpeechError("silence", "no speech was recognised")
        return text
