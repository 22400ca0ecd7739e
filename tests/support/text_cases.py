"""One table of what Telegram shows for a text and its entities, for both models of it.

The bot (``bot.render.visible``) and the fake Bot API (``tests.servers.telegram.text``) each
carry a copy of Telegram's text rules: the bot to know when an edit would change nothing, the
fake to answer as Telegram does. Two copies drift, so both are tested against this one table
(``tests/unit/test_text_cases.py``), and every expectation follows tdlib's source: td/telegram/
misc.cpp (``clean_input_string``, ``replace_offending_characters``, ``is_empty_string``) and
td/telegram/MessageEntity.cpp (``fix_formatted_text``). Offsets and lengths are UTF-16 units.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CASES", "Span", "TextCase"]

Span = tuple[str, int, int]
"""An entity: (type, offset, length)."""


@dataclass(frozen=True)
class TextCase:
    """``text`` sent with ``entities`` is shown as ``shown`` with ``shown_entities``.

    When ``refused`` is set, Telegram refuses the text itself with that description (it is not
    UTF-8); ``shown`` is then what the bot sends instead, which Telegram shows unchanged.
    """

    reason: str
    text: str
    shown: str
    entities: tuple[Span, ...] = ()
    shown_entities: tuple[Span, ...] = ()
    refused: str | None = None

    @property
    def id(self) -> str:
        """A short test id: the reason's first words."""
        return "-".join(self.reason.split()[:6])


_NOT_UTF8 = "strings must be encoded in UTF-8"

CASES: tuple[TextCase, ...] = (
    TextCase("plain text is shown as sent", "Hello, world", "Hello, world"),
    TextCase("a carriage return is dropped", "a\rb", "ab"),
    TextCase("CR LF becomes LF: only the CR goes", "a\r\nb\r\n\r\nc", "a\nb\n\nc"),
    TextCase("a tab becomes a space (tdlib keeps no tab)", "a\tb\t\tc", "a b  c"),
    TextCase(
        "ASCII control characters but LF become spaces",
        "a\x00b\x07c\x0bd\x0ce\x1bf\x1fg",
        "a b c d e f g",
    ),
    TextCase("DEL and C1 controls are kept: only 0..31 are cleaned", "a\x7fb\x85c", "a\x7fb\x85c"),
    TextCase(
        "U+2028..U+202E (line/paragraph separators, bidi embeddings) are removed",
        "a\u2028b\u2029c\u202ad\u202be\u202cf\u202dg\u202eh",
        "abcdefgh",
    ),
    TextCase("the combining double low line U+0333 is removed", "a\u0333b", "ab"),
    TextCase("the combining double overline U+033F is removed", "a\u033fb", "ab"),
    TextCase("the combining ring above U+030A is removed", "A\u030angstr\u00f6m", "Angstr\u00f6m"),
    TextCase("other combining marks are kept", "e\u0301 a\u0332", "e\u0301 a\u0332"),
    TextCase(
        "a lone high surrogate is not UTF-8: refused; the bot sends U+FFFD",
        "a\ud800b",
        "a\ufffdb",
        refused=_NOT_UTF8,
    ),
    TextCase(
        "a lone low surrogate is not UTF-8 either",
        "\udc00x",
        "\ufffdx",
        refused=_NOT_UTF8,
    ),
    TextCase("spaces and newlines are trimmed at both ends", "  \n hi there \n ", "hi there"),
    TextCase("spaces and newlines inside are kept", "a  \n\n b", "a  \n\n b"),
    TextCase(
        "Unicode spaces and zero-width characters at the ends are trimmed",
        "\u00a0\u3000\u2002hi\u2800\u200b\ufeff\u202f",
        "hi",
    ),
    TextCase(
        "U+FFFC counts as empty only in a text of nothing else: not trimmed",
        "x\ufffc",
        "x\ufffc",
    ),
    TextCase("a text of whitespace only becomes empty", " \n\t\r \n", ""),
    TextCase(
        "a text of Unicode blanks only becomes empty",
        "\u200b\u00a0\u3000\ufeff\u2800\u180e\u205f \n\r",
        "",
    ),
    TextCase("a text of U+FFFC and spaces only becomes empty", "\ufffc \n\ufffc", ""),
    TextCase("a text of tag characters only becomes empty", "\U000e0041\U000e007f", ""),
    TextCase(
        "an empty text loses its entities too",
        "  \u00a0 ",
        "",
        entities=(("bold", 0, 4),),
    ),
    TextCase(
        "the left trim stops at the first entity",
        "  hi",
        " hi",
        entities=(("bold", 1, 3),),
        shown_entities=(("bold", 0, 3),),
    ),
    TextCase(
        "an entity at offset 0 keeps all leading whitespace",
        " \n hi",
        " \n hi",
        entities=(("italic", 0, 5),),
        shown_entities=(("italic", 0, 5),),
    ),
    TextCase(
        "a leading Unicode space before the first entity is trimmed",
        "\u00a0x",
        "x",
        entities=(("bold", 1, 1),),
        shown_entities=(("bold", 0, 1),),
    ),
    TextCase(
        "entities shift left with the trimmed leading whitespace",
        "\n\nhi there",
        "hi there",
        entities=(("bold", 5, 5),),
        shown_entities=(("bold", 3, 5),),
    ),
    TextCase(
        "the right trim clips an entity that runs into it",
        "bold text  \n",
        "bold text",
        entities=(("italic", 5, 7),),
        shown_entities=(("italic", 5, 4),),
    ),
    TextCase(
        "an entity over trailing whitespace only is dropped",
        "hi  ",
        "hi",
        entities=(("bold", 2, 2),),
    ),
    TextCase(
        "an entity after a dropped CR moves left by one",
        "a\r\nb c",
        "a\nb c",
        entities=(("bold", 5, 1),),
        shown_entities=(("bold", 4, 1),),
    ),
    TextCase(
        "an entity shrinks by the removed characters inside it",
        "ab\u0333c\u2029d",
        "abcd",
        entities=(("bold", 0, 6),),
        shown_entities=(("bold", 0, 4),),
    ),
    TextCase(
        "an entity over removed characters only is dropped",
        "a\r\u202eb",
        "ab",
        entities=(("code", 1, 2),),
    ),
    TextCase(
        "an entity starting at a removed character starts at the next kept one",
        "a\u2028bc",
        "abc",
        entities=(("bold", 1, 2),),
        shown_entities=(("bold", 1, 1),),
    ),
    TextCase(
        "astral characters count two UTF-16 units",
        "😀 hi",
        "😀 hi",
        entities=(("bold", 3, 2),),
        shown_entities=(("bold", 3, 2),),
    ),
    TextCase(
        "offsets after a dropped character before an astral one stay in UTF-16",
        "\r😀 x",
        "😀 x",
        entities=(("bold", 4, 1),),
        shown_entities=(("bold", 3, 1),),
    ),
    TextCase(
        "an entity over an astral character survives trimming around it",
        " 𝕏 \n",
        "𝕏",
        entities=(("italic", 1, 2),),
        shown_entities=(("italic", 0, 2),),
    ),
    TextCase(
        "without entities a run of LRM/RLM marks keeps its last; the rest become ZWNJ",
        "a\u200e\u200f\u200eb",
        "a\u200c\u200c\u200eb",
    ),
    TextCase(
        "marks brought together by a removed CR form a run too",
        "a\u200e\r\u200fb",
        "a\u200c\u200fb",
    ),
    TextCase("a single direction mark is kept", "a\u200fb", "a\u200fb"),
    TextCase(
        "with entities the marks are left alone (tdlib's other cleaning path)",
        "a\u200e\u200fb",
        "a\u200e\u200fb",
        entities=(("bold", 0, 1),),
        shown_entities=(("bold", 0, 1),),
    ),
    TextCase(
        "every rule at once, without entities",
        "  \r\n Hello\r\n world\x07!\u2028 \u00a0\u200b\t",
        "Hello\n world !",
    ),
    TextCase(
        "every rule at once: entities moved, clipped and dropped",
        "\u00a0 \nbold text\r\n\u3000",
        "bold text",
        entities=(("bold", 3, 4), ("italic", 8, 6), ("underline", 12, 1), ("code", 13, 2)),
        shown_entities=(("bold", 0, 4), ("italic", 5, 4)),
    ),
)
