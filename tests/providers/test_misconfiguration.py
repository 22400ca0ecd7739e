"""Which refusals name a setting of the bot (no retry can pass) and which concern one request."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.providers.base import (
    BackendMisconfigured,
    BackendRejected,
    BackendUnavailable,
    http_error,
    misconfiguration,
)
from bot.providers.openai import SETTINGS


@pytest.mark.parametrize(
    ("status", "body", "setting"),
    [
        (401, "Incorrect API key provided", "OPENAI_API_KEY"),
        (403, "forbidden", "OPENAI_API_KEY"),
        (404, '{"code": "model_not_found"} The model `gpt-9` does not exist', "MODEL"),
        (400, "model 'llama9' not found, try pulling it first", "MODEL"),
        (400, "Invalid model name passed in model=foo", "MODEL"),
        (404, "404 page not found", "OPENAI_BASE_URL"),
        (400, "image input is not supported by this model", None),
        (400, "This model's maximum context length is 8192 tokens", None),
        (422, "messages: field required", None),
    ],
)
def test_the_setting_a_refusal_points_at(status: int, body: str, setting: str | None) -> None:
    assert misconfiguration(status, body, SETTINGS) == setting


@given(st.integers(400, 599), st.text(max_size=80))
def test_only_refusals_of_the_configuration_are_misconfigured(status: int, body: str) -> None:
    error = http_error(status, body, backend="openai", url="u", settings=SETTINGS)
    if status >= 500 or status in (408, 429):
        assert isinstance(error, BackendUnavailable)
    elif status in (401, 403):
        assert isinstance(error, BackendMisconfigured)
        assert error.setting == "OPENAI_API_KEY"
        assert not error.retriable
    else:
        assert isinstance(error, BackendRejected)
    # Without the provider's settings there is nothing to name: never "misconfigured".
    bare = http_error(status, body, backend="openai", url="u")
    assert not isinstance(bare, BackendMisconfigured)
