"""Markdown rendering and page cutting: nothing lost, only entities Telegram accepts."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.render import (
    MESSAGE_LIMIT,
    Entity,
    cut_page,
    join,
    quote_block,
    render,
    tail,
    telegram_url,
    utf16_len,
    visible,
)
from tests.support.properties import examples


def test_utf16_len_counts_astral_characters_twice() -> None:
    assert utf16_len("abc") == 3
    assert utf16_len("Привет") == 6
    assert utf16_len("😀") == 2
    assert utf16_len("a😀b") == 4


def test_markdown_becomes_entities_with_utf16_offsets() -> None:
    shown = render("😀 **bold** and `code`")
    assert shown.text == "😀 bold and code"
    kinds = {entity.type: entity for entity in shown.entities}
    assert kinds["bold"].offset == 3  # the emoji counts two UTF-16 units
    assert kinds["bold"].length == 4
    assert kinds["code"].offset == 12


def test_half_written_markdown_renders_without_broken_entities() -> None:
    for partial in ("**bol", "`co", "```py\nprint(", "[link](http://exa", "*a **b"):
        shown = render(partial)
        for entity in shown.entities:
            assert entity.offset + entity.length <= utf16_len(shown.text)


def test_plain_mode_keeps_the_source_text() -> None:
    assert render("**x**", plain=True).text == "**x**"
    assert render("**x**", plain=True).entities == ()


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        ("List<String> names", "List<String> names"),
        ("Authorization: Bearer <your-api-key>", "Authorization: Bearer <your-api-key>"),
        ("if x<y and y>z then", "if x<y and y>z then"),
        ("Use the <div> element", "Use the <div> element"),
        ("<b>bold</b> from a small model", "<b>bold</b> from a small model"),
        ("<!-- a comment -->", "<!-- a comment -->"),
        ('<div class="card">\nTitle\n</div>\n\nnext', '<div class="card">\nTitle\n</div>\n\nnext'),
    ],
)
def test_html_looking_text_is_shown_as_text(source: str, shown: str) -> None:
    assert render(source).text == shown


def test_html_inside_code_stays_code() -> None:
    shown = render("Write `<div>` or:\n\n```html\n<p>hi</p>\n```")
    assert shown.text == "Write <div> or:\n\n<p>hi</p>"
    assert [e.type for e in shown.entities] == ["code", "pre"]
    assert shown.entities[1].language == "html"


def test_a_link_telegram_would_refuse_loses_only_its_link() -> None:
    shown = render(
        "**Note:** see [the guide](./docs/guide.md) and [docs](https://docs.example.com)"
    )
    assert shown.text == "Note: see the guide and docs"
    assert [(e.type, e.url) for e in shown.entities] == [
        ("bold", None),
        ("text_link", "https://docs.example.com"),
    ]


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com",
        "http://a.b/c?d=1#e",
        "example.com/path",
        "http://1.2.3.4:8080/x",
        "http://[::1]/",
        "tg://resolve?domain=durov",
        "tg://user?id=42",
        "https://пример.рф",
    ],
)
def test_urls_telegram_accepts(url: str) -> None:
    assert telegram_url(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "./docs/guide.md",
        "/absolute/path",
        "#anchor",
        "mailto:someone@example.com",
        "someone@example.com",
        "javascript:alert(1)",
        "http://localhost:8080",
        "http://exa mple.com",
        "https://",
        "ftp://example.com/file",
        "tg://bad host",
        "",
    ],
)
def test_urls_telegram_refuses(url: str) -> None:
    assert telegram_url(url) is None


def test_visible_trims_like_telegram_and_moves_entities() -> None:
    shown = visible("\u3000 \n**x**\t\r\n \u00a0", [Entity("bold", 3, 5)])
    assert shown.text == "**x**"
    assert shown.entities == (Entity("bold", 0, 5),)
    assert visible(" \u200b\u3000\n").empty
    # Leading spaces inside the first entity (an indented code block) are kept.
    assert visible("  code", [Entity("pre", 0, 6)]).text == "  code"
    # Control characters become spaces, \r and U+2028 vanish; entities follow the text.
    cleaned = visible("a\r\nb\x07c\u2028d", [Entity("bold", 7, 1)])
    assert cleaned.text == "a\nb cd"
    assert cleaned.entities == (Entity("bold", 5, 1),)


def test_trailing_whitespace_does_not_make_a_different_message() -> None:
    assert render("Hello **world**") == render("Hello **world**   \u3000\n")


def test_join_shifts_entities_and_skips_empty_parts() -> None:
    joined = join([render("😀 **a**"), visible(""), render("`b`")])
    assert joined.text == "😀 a\n\nb"
    assert [(e.type, e.offset) for e in joined.entities] == [("bold", 3), ("code", 6)]


def test_quote_block_collapses_the_body() -> None:
    block = quote_block("Thinking…", "step one\nstep two")
    assert block.text == "Thinking…\nstep one\nstep two"
    assert [(e.type, e.offset, e.length) for e in block.entities] == [
        ("bold", 0, 9),
        ("expandable_blockquote", 10, 17),
    ]


def test_tail_keeps_the_end_within_the_limit() -> None:
    assert tail("abcdef", 10) == "abcdef"
    assert tail("abcdefghij", 5) == "…ghij"
    assert utf16_len(tail("😀" * 100, 11)) <= 11


# --- cutting pages -------------------------------------------------------------------------


def test_cut_prefers_paragraph_boundaries() -> None:
    text = ("word " * 150 + "\n\n") * 10
    cut = cut_page(text)
    assert cut.head.endswith("\n\n")
    assert render(cut.head).size <= MESSAGE_LIMIT
    assert cut.head + text[cut.at :] == text


def test_cut_falls_back_to_lines_then_spaces_then_characters() -> None:
    lines = "x" * 100 + "\n"
    assert cut_page(lines * 60).head.endswith("\n")
    spaced = "abcdefghi " * 600
    assert cut_page(spaced).head.endswith(" ")
    solid = "y" * 9000
    cut = cut_page(solid)
    assert 0 < len(cut.head) <= MESSAGE_LIMIT
    assert cut.head + solid[cut.at :] == solid


def test_cut_never_splits_a_surrogate_pair_or_a_flag() -> None:
    text = "😀" * 3000
    cut = cut_page(text)
    assert render(cut.head).size <= MESSAGE_LIMIT
    assert cut.head + text[cut.at :] == text
    assert set(cut.head) == {"😀"}
    flags = "🇺🇦" * 3000
    cut = cut_page(flags)
    assert len(cut.head) % 2 == 0


def test_cut_goes_before_a_heading_not_after_it() -> None:
    section = "## Section\n\n" + ("words " * 60 + "\n\n") * 3
    text = section * 8
    cut = cut_page(text)
    assert text[cut.at :].startswith("## Section")
    assert not cut.head.rstrip().endswith("## Section")


def test_cut_never_ends_a_page_with_a_lone_heading() -> None:
    body = "a" * 3900
    text = f"{body}\n\n# Heading\n\n" + "b " * 2000
    cut = cut_page(text)
    assert "# Heading" not in cut.head
    assert text[cut.at :].startswith("# Heading")


def test_cut_does_not_break_a_link() -> None:
    words = "word " * 780
    text = words + "[a link with many words](https://example.com/page) " + "tail " * 200
    cut = cut_page(text)
    head, rest = cut.head, cut.reopen + text[cut.at :]
    links = [e for part in (head, rest) for e in render(part).entities if e.type == "text_link"]
    assert len(links) == 1
    assert "example" not in render(head).text + render(rest).text


def test_a_code_block_cut_in_two_is_closed_and_reopened() -> None:
    text = "Intro\n\n```python\n" + "print(1)\n" * 1000 + "```\nafter"
    cut = cut_page(text)
    assert cut.head.rstrip().endswith("```")
    assert cut.reopen == "```python\n"
    head = render(cut.head)
    assert any(e.type == "pre" for e in head.entities)
    rest = render(cut.reopen + text[cut.at :])
    assert rest.entities[0].type == "pre"
    assert rest.entities[0].language == "python"


def test_a_table_cut_in_two_repeats_its_header() -> None:
    rows = "".join(f"| {i} | value {i} |\n" for i in range(400))
    text = "| n | v |\n|---|---|\n" + rows
    cut = cut_page(text)
    assert cut.reopen == "| n | v |\n|---|---|\n"
    rest = render(cut.reopen + text[cut.at :])
    assert rest.entities and rest.entities[0].type == "pre"  # still a table


# --- the renderer's promise: nothing the model wrote is lost -------------------------------

WORDS = st.text(alphabet=st.sampled_from("abcxyzАБВжюя0123456789😀🇺é"), min_size=2, max_size=8)
SYNTAX = st.sampled_from(
    [
        " ",
        " ",
        " ",
        "\n",
        "\n\n",
        "**",
        "*",
        "_",
        "__",
        "`",
        "```",
        "~~",
        "~",
        "# ",
        "## ",
        "> ",
        "- ",
        "* ",
        "1. ",
        "[",
        "]",
        "(",
        ")",
        "](https://example.com)",
        "![",
        "|",
        "|---|",
        "<",
        ">",
        "</",
        "<div>",
        "<b>",
        "</b>",
        "&",
        "&amp;",
        "\\",
        "---",
        "===",
        "    ",
        "\t",
        "$",
        "||",
        '"',
        "'",
        ".",
        ",",
        "!",
        "?",
        "{",
        "}",
        "=",
        "+",
        "#",
    ]
)
_LINK_TARGET = re.compile(r"\]\([^()\n]*\)")
_ENTITY_REF = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#\d{1,7}|#[xX][0-9a-fA-F]{1,6});")
_FENCE_INFO = re.compile(r"^[ \t]{0,3}(?:`{3,}|~{3,})([^\n]*)$", re.MULTILINE)
_LIST_NUMBER = re.compile(r"^[ \t>*+-]*\d{1,9}[.)](?=[ \t]|$)", re.MULTILINE)
_MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$", re.DOTALL)  # LaTeX shown as Unicode: x_0 -> x₀


def _alnum(text: str) -> list[str]:
    """Letters and digits; a digit typeset as a sub- or superscript (LaTeX `x_2`) counts."""
    return [char for char in unicodedata.normalize("NFKC", text) if char.isalnum()]


def _required(source: str) -> list[str]:
    """Letters and digits of the source that are not Markdown syntax (link targets, entity
    references, code fence info strings, ordered-list numbers, LaTeX math: those go to
    entities, are decoded, renumbered or typeset)."""
    for pattern in (_LINK_TARGET, _ENTITY_REF, _FENCE_INFO, _LIST_NUMBER, _MATH):
        source = pattern.sub(" ", source)
    return _alnum(source)


def _is_subsequence(needle: list[str], haystack: list[str]) -> bool:
    it = iter(haystack)
    return all(char in it for char in needle)


@examples(300)
@given(st.lists(st.one_of(WORDS, SYNTAX), max_size=60).map("".join))
def test_every_letter_and_digit_of_the_source_is_shown(source: str) -> None:
    shown = render(source)
    assert _is_subsequence(_required(source), _alnum(shown.text)), f"lost: {shown.text!r}"
    for entity in shown.entities:
        assert entity.type != "text_link" or telegram_url(entity.url or "") is not None


@examples(100)
@given(st.lists(st.one_of(WORDS, SYNTAX), min_size=200, max_size=1500).map("".join))
def test_pages_fit_and_lose_nothing(source: str) -> None:
    limit = 500
    rest, shown = source, []
    for _ in range(1000):
        if render(rest).size <= limit:
            shown.append(render(rest))
            break
        cut = cut_page(rest, limit)
        page = render(cut.head)
        assert page.size <= limit
        shown.append(page)
        rest = cut.reopen + rest[cut.at :]
    else:
        pytest.fail("cutting did not end")
    assert _is_subsequence(_required(source), _alnum("".join(p.text for p in shown)))
