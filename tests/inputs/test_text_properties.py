"""Properties of text files read back: any text round-trips, and a cut never breaks a character."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from bot.inputs.documents import extract, truncate
from bot.inputs.errors import DocumentError
from tests.support.properties import examples

# What people write: any letters, marks, symbols, emoji, spaces and line breaks; no control
# characters (a text with them is binary data), nothing unassigned or private.
TEXT = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn"), whitelist_characters="\t\n\r"),
    max_size=400,
)
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32"]
"""Python's utf-16 and utf-32 write a byte-order mark; utf-16-le gets one added by hand."""


def encode(text: str, encoding: str) -> bytes:
    if encoding == "utf-16-le":
        return ("\ufeff" + text).encode("utf-16-le")
    return text.encode(encoding)


@examples(300)
@given(text=TEXT, encoding=st.sampled_from(ENCODINGS))
@example(text="\ufeffstarts with a BOM character", encoding="utf-16")
@example(text="a\u0301\n\U0001f468\u200d\U0001f469", encoding="utf-32")
@example(text="GIF8 and %PDF- are words here", encoding="utf-8")  # not a picture, not a PDF
def test_any_text_file_round_trips(text: str, encoding: str) -> None:
    assume(not text.startswith("\ufeff") or encoding != "utf-8")  # that is a UTF-8 BOM
    data = encode(text, encoding)
    expected = text.removeprefix("\ufeff") if encoding != "utf-8" else text
    if not expected.strip():
        with pytest.raises(DocumentError) as caught:
            extract(data, "notes.txt", "text/plain", 10_000)
        assert caught.value.reason == "empty"
        return
    extracted = extract(data, "notes.txt", "text/plain", 10_000)
    assert extracted.text == expected
    assert extracted.total_chars == len(expected) and not extracted.truncated


@examples(500)
@given(text=TEXT, limit=st.integers(min_value=1, max_value=500))
@example(text="ab\U0001f44d\U0001f3fdcd", limit=3)  # a thumbs-up keeps its skin tone
@example(text="e\u0301e\u0301e\u0301", limit=3)  # é as e + combining acute
@example(text="\U0001f468\u200d\U0001f469\u200d\U0001f467", limit=2)  # a ZWJ family
def test_a_cut_is_a_prefix_within_the_limit_that_splits_no_character(
    text: str, limit: int
) -> None:
    kept = truncate(text, limit)
    assert text.startswith(kept) and len(kept) <= limit
    kept.encode("utf-16-le")  # no lone surrogate: every pair is kept whole or dropped whole
    if kept != text:
        follower = text[len(kept)]
        assert not unicodedata.combining(follower)
        assert unicodedata.category(follower) not in ("Mn", "Me", "Mc")
        assert not "\U0001f3fb" <= follower <= "\U0001f3ff"
        assert follower != "\u200d" and not (kept and kept[-1] == "\u200d")


@examples(200)
@given(
    words=st.lists(st.text("abcdefgh", min_size=1, max_size=12), min_size=1, max_size=300),
    separators=st.lists(st.sampled_from([" ", "\n"]), min_size=300, max_size=300),
    limit=st.integers(min_value=20, max_value=1000),
)
def test_a_cut_of_plain_prose_keeps_most_of_the_limit(
    words: list[str], separators: list[str], limit: int
) -> None:
    text = "".join(word + separator for word, separator in zip(words, separators, strict=False))
    kept = truncate(text, limit)
    if len(text) > limit:
        assert len(kept) >= limit - limit // 5 - 1  # a break within the last fifth, else hard
