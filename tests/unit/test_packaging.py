"""What ships beside the code agrees with it: package metadata, compose, the image."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from annotated_types import Le

from bot.config import Settings
from bot.delivery import SHUTDOWN_LAST_WORD

ROOT = Path(__file__).resolve().parents[2]


def test_the_license_is_an_spdx_expression_for_a_setuptools_that_reads_it() -> None:
    # A TOML table here makes setuptools warn on every build (four times in .ci/run).
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["license"] == "MIT"
    (setuptools,) = [r for r in project["build-system"]["requires"] if "setuptools" in r]
    assert int(re.findall(r">=(\d+)", setuptools)[0]) >= 77


def test_compose_waits_longer_than_the_longest_shutdown_the_settings_allow() -> None:
    compose = (ROOT / "docker-compose.yml").read_text()
    (grace,) = re.findall(r"^\s*stop_grace_period:\s*(\d+)s\s*$", compose, re.MULTILINE)
    metadata = Settings.model_fields["shutdown_grace"].metadata
    (bound,) = [float(str(m.le)) for m in metadata if isinstance(m, Le)]
    # drain(): SHUTDOWN_GRACE, then SHUTDOWN_LAST_WORD for the notes, then 1 s for the rest.
    assert int(grace) > bound + SHUTDOWN_LAST_WORD + 1


def test_the_image_health_check_asks_the_bot_in_both_modes() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert 'CMD ["python", "-m", "bot", "health"]' in dockerfile
