"""What a started bot holds in memory before anyone uses an optional capability: the libraries
that only reading a document, hearing a voice note or calling a tool needs are imported on
first use, so a bot that never gets a PDF does not carry a PDF parser (about 20 MB of RSS and
0.4 s of every start for pypdf, python-docx and lxml alone)."""

from __future__ import annotations

import json
import subprocess
import sys

ON_FIRST_USE = ("pypdf", "docx", "lxml", "faster_whisper", "ctranslate2", "av", "mcp")

PROBE = """
import json, sys
import bot.app, bot.run  # everything `python -m bot` imports before it polls
print(json.dumps(sorted(name for name in sys.modules if name.split(".")[0] in NAMES)))
"""


def test_optional_capabilities_load_their_libraries_on_first_use() -> None:
    probe = f"NAMES = {ON_FIRST_USE!r}\n" + PROBE
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert json.loads(out.stdout) == []
