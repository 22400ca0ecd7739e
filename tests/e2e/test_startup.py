"""The real process at start: readable settings errors, a rejected token, a Bot API that is
failing, the backends it uses and whether they answer, and `--help`."""

from __future__ import annotations

import os
from pathlib import Path

from tests.support.process import TOKEN, run_to_end


async def test_invalid_settings_are_explained_in_plain_words(workdir: Path) -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": "api.telegram.org",
        "WEBHOOK_PATH": "hook",
        "ALLOWED_USERS": "12,abc",
        "TELEGRAM_RATE": "nan",
        "HISTORY_TTL": "inf",
    }
    code, out, err = await run_to_end(env, workdir)
    assert code == 2
    assert "TELEGRAM_API_URL must be a full address starting with http:// or https://" in err
    assert "WEBHOOK_PATH must start with /" in err
    assert "ALLOWED_USERS has 'abc', which is not a numeric user id" in err
    assert "not @usernames" in err
    assert "TELEGRAM_RATE must be a finite number" in err
    assert "HISTORY_TTL must be a finite number" in err
    assert "relative URL" not in err and "pattern" not in err and "Input should" not in err
    assert "Traceback" not in err + out
