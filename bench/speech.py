"""Speech benchmark: how long the local model (STT=local) takes to hear a voice note.

    python -m bench.speech                      # tiny.en and base, 10 s and 60 s
    python -m bench.speech --models tiny.en     # quicker

espeak-ng reads a long spoken question aloud; the sound is cut to exactly 10 and 60
seconds and encoded as Telegram sends voice notes (OGG/Opus, 48 kHz mono). Each model is
loaded once (its load time printed apart), then each note is transcribed `--runs` times by
the same `LocalTranscriber` the bot uses (int8 on the CPU, greedy decoding, VAD on). Printed
per note: wall time (median of the runs), CPU seconds of the whole process for it (every
CTranslate2 thread counted), real-time factor (wall / audio length) and the words heard.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import platform
import statistics
import tempfile
import time
import wave
from pathlib import Path

import numpy as np

from bot.inputs.speech_local import LocalTranscriber
from tests.support.sounds import base_model, encode, speak, tiny_en_model, wav

TEXT = (
    "Good morning. I would like to ask you a few questions about planning a trip to Portugal "
    "next spring. First, which months have the mildest weather along the coast, and when do the "
    "crowds usually arrive? Second, is it better to rent a car or to travel by train between "
    "Lisbon and Porto? My sister says the trains are comfortable and cheap, but my friend "
    "insists that a car gives more freedom. Third, we are vegetarians, so please suggest a few "
    "traditional dishes without meat or fish. We also want to visit a vineyard in the Douro "
    "valley, and maybe take a boat on the river. How many days should we plan for that part of "
    "the journey? Finally, what should we pack? We usually travel with one small suitcase "
    "each, and we do not like carrying heavy bags. Thank you very much for your help, and "
    "please answer briefly, because I will read your reply on my phone while walking to work."
    " One more thing: my grandmother is coming with us, and she cannot walk long distances."
)
"""About 75 seconds when espeak-ng reads it: a question as long as a long voice note."""


def voice_note(seconds: int) -> bytes:
    """`seconds` of espeak-ng speech as OGG/Opus."""
    with wave.open(io.BytesIO(speak(TEXT)), "rb") as reader:
        rate = reader.getframerate()
        samples = np.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2")
    needed = seconds * rate
    if len(samples) < needed:
        raise RuntimeError(f"espeak-ng spoke {len(samples) / rate:.0f} s, fewer than {seconds}")
    return encode(wav(samples[:needed].astype(np.float32) / 32768, rate), "ogg")


async def measure(
    transcriber: LocalTranscriber, note: bytes, runs: int
) -> tuple[float, float, str]:
    walls, cpus, text = [], [], ""
    for _ in range(runs):
        cpu, started = time.process_time(), time.perf_counter()
        text = await transcriber.transcribe(note, filename="voice.ogg", language="en")
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), text


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="tiny.en,base", help="tiny.en and/or base")
    parser.add_argument("--runs", type=int, default=3, help="transcriptions per note")
    args = parser.parse_args()
    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores", flush=True)
    notes = {seconds: voice_note(seconds) for seconds in (10, 60)}
    with tempfile.TemporaryDirectory() as scratch:
        folders = {"tiny.en": tiny_en_model(), "base": base_model(Path(scratch) / "base")}
        print(
            "| model | voice note | OGG size (KB) | wall (s) | CPU (s) | real-time factor "
            "| words heard |"
        )
        print("|---|---|---|---|---|---|---|")
        for name in args.models.split(","):
            transcriber = LocalTranscriber(folders[name], max_seconds=600)
            cpu, started = time.process_time(), time.perf_counter()
            ok, line = await transcriber.check()
            print(
                f"<!-- {name}: {line}; load {time.perf_counter() - started:.1f} s wall, "
                f"{time.process_time() - cpu:.1f} s CPU -->",
                flush=True,
            )
            if not ok:
                continue
            for seconds, note in notes.items():
                wall, cpu_seconds, text = await measure(transcriber, note, args.runs)
                print(
                    f"| {name} | {seconds} s | {len(note) / 1024:.0f} | {wall:.2f} | "
                    f"{cpu_seconds:.2f} | {wall / seconds:.2f} | {len(text.split())} |",
                    flush=True,
                )


if __name__ == "__main__":
    asyncio.run(main())
