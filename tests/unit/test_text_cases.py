"""The bot's model of Telegram's text rules and the fake Bot API's agree, case by case.

Both run the one table in ``tests/support/text_cases.py``, whose expectations follow tdlib's
source; a case that fails on one side only says which copy drifted from Telegram.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.render import Entity, visible
from tests.servers.telegram.errors import ApiError
from tests.servers.telegram.text import telegram_normalise
from tests.support.text_cases import CASES, Span, TextCase


def _dicts(spans: tuple[Span, ...]) -> list[dict[str, Any]]:
    return [{"type": kind, "offset": offset, "length": length} for kind, offset, length in spans]


def _spans(entities: list[dict[str, Any]]) -> tuple[Span, ...]:
    return tuple((e["type"], e["offset"], e["length"]) for e in entities)


def _bot(text: str, spans: tuple[Span, ...]) -> tuple[str, tuple[Span, ...]]:
    shown = visible(text, [Entity(kind, offset, length) for kind, offset, length in spans])
    return shown.text, tuple((e.type, e.offset, e.length) for e in shown.entities)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_the_bot_shows_what_telegram_shows(case: TextCase) -> None:
    assert _bot(case.text, case.entities) == (case.shown, case.shown_entities), case.reason


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_the_fake_shows_what_telegram_shows(case: TextCase) -> None:
    if case.refused is not None:
        with pytest.raises(ApiError, match=case.refused) as refusal:
            telegram_normalise(case.text, _dicts(case.entities))
        assert refusal.value.code == 400
        return
    text, entities = telegram_normalise(case.text, _dicts(case.entities))
    assert (text, _spans(entities)) == (case.shown, case.shown_entities), case.reason


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_what_is_shown_is_shown_unchanged_when_sent_again(case: TextCase) -> None:
    """The bot sends what it computed Telegram shows; Telegram must show exactly that."""
    shown = _dicts(case.shown_entities)
    assert telegram_normalise(case.shown, shown) == (case.shown, shown), case.reason
    assert _bot(case.shown, case.shown_entities) == (case.shown, case.shown_entities)
