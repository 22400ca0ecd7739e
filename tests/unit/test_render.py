"""Markdown rendering and page cutting: nothing lost, only entities Telegram accepts."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.render import (
    BOX_DONE,
    BOX_OPEN,
    MESSAGE_LIMIT,
    Entity,
    Rendered,
    cut_page,
    join,
    quote_block,
    render,
    tail,
    telegram_url,
    thoughts_block,
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


def test_a_link_without_text_shows_its_address() -> None:
    """Telegram shows no link of zero length: `[](url)` would vanish with its address."""
    shown = render("see [](https://example.com/x), and [](./relative) too; []() and [ok](b.io)")
    assert shown.text == "see https://example.com/x, and ./relative too; []() and ok"
    assert [(e.type, e.url) for e in shown.entities] == [
        ("text_link", "https://example.com/x"),
        ("text_link", "b.io"),
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


def shown(rendered: Rendered, kind: str) -> list[tuple[str, str | None]]:
    """(text, url or language) of each entity of `kind`, in order."""
    units = rendered.text.encode("utf-16-le")
    return [
        (
            units[2 * e.offset : 2 * e.end].decode("utf-16-le"),
            e.url if kind == "text_link" else e.language,
        )
        for e in rendered.entities
        if e.type == kind
    ]


# --- text that only looks like Markdown --------------------------------------------------


@pytest.mark.parametrize(
    ("source", "text", "links"),
    [
        (
            "Get https://example.org/files/my_report_v2_final.pdf, then read it.",
            "Get https://example.org/files/my_report_v2_final.pdf, then read it.",
            [("https://example.org/files/my_report_v2_final.pdf",) * 2],
        ),
        (  # emphasis rules do not reach inside a URL
            "see https://ex.org/_a_/b and https://ex.org/x*y*z",
            "see https://ex.org/_a_/b and https://ex.org/x*y*z",
            [("https://ex.org/_a_/b",) * 2, ("https://ex.org/x*y*z",) * 2],
        ),
        (  # trailing punctuation ends the sentence, not the URL (GFM)
            "Visit www.commonmark.org/a.b. Or https://x.org/?q=1!",
            "Visit www.commonmark.org/a.b. Or https://x.org/?q=1!",
            [
                ("www.commonmark.org/a.b", "http://www.commonmark.org/a.b"),
                ("https://x.org/?q=1",) * 2,
            ],
        ),
        (  # a closing parenthesis stays while the parentheses balance
            "(see https://en.wikipedia.org/wiki/Set_(mathematics))",
            "(see https://en.wikipedia.org/wiki/Set_(mathematics))",
            [("https://en.wikipedia.org/wiki/Set_(mathematics)",) * 2],
        ),
        (
            "www.google.com/search?q=(business))+ok",
            "www.google.com/search?q=(business))+ok",
            [
                (
                    "www.google.com/search?q=(business))+ok",
                    "http://www.google.com/search?q=(business))+ok",
                )
            ],
        ),
        (  # an entity-like tail and `<` end it
            "www.google.com/search?q=commonmark&hl; and www.commonmark.org/he<lp",
            "www.google.com/search?q=commonmark&hl; and www.commonmark.org/he<lp",
            [
                (
                    "www.google.com/search?q=commonmark",
                    "http://www.google.com/search?q=commonmark",
                ),
                ("www.commonmark.org/he", "http://www.commonmark.org/he"),
            ],
        ),
        (  # formatting around a URL still applies
            "**https://x.org/a_b** and *www.x.org*",
            "https://x.org/a_b and www.x.org",
            [("https://x.org/a_b",) * 2, ("www.x.org", "http://www.x.org")],
        ),
        (  # not links: no dot after www., inside a word, in code, already a link's text
            "www.x and awww.x.org and `https://x.org` and [https://a.org](https://b.org)",
            "www.x and awww.x.org and https://x.org and https://a.org",
            [("https://a.org", "https://b.org")],
        ),
        (  # a link Telegram would refuse keeps its text only
            "try http://localhost:8080/a_b_c now",
            "try http://localhost:8080/a_b_c now",
            [],
        ),
    ],
)
def test_bare_urls_are_links_shown_exactly(
    source: str, text: str, links: list[tuple[str, str]]
) -> None:
    rendered = render(source)
    assert rendered.text == text
    assert shown(rendered, "text_link") == links


@pytest.mark.parametrize(
    "source",
    ["a*b*c", "x = 3*y*z", "2*3*4 = 24", "foo**bar**baz", "Привет*мир*да", "a*b c*d"],
)
def test_a_star_between_letters_or_digits_is_literal(source: str) -> None:
    assert render(source) == Rendered(source)


def test_emphasis_and_code_keep_their_stars() -> None:
    rendered = render("*word* and **bold** and `a*b*c`, so x*y*z")
    assert rendered.text == "word and bold and a*b*c, so x*y*z"
    assert [e.type for e in rendered.entities] == ["italic", "bold", "code"]
    block = render("```\n*a* a*b*c\n```")
    assert block.text == "*a* a*b*c"


def test_open_and_done_tasks_look_different() -> None:
    rendered = render("- [ ] write tests\n- [x] ship\n\n1. [ ] one\n2. [X] two\n   - [ ] nested")
    assert rendered.text == (
        f"{BOX_OPEN} write tests\n{BOX_DONE} ship\n\n"
        f"1. {BOX_OPEN} one\n2. {BOX_DONE} two\n  {BOX_OPEN} nested"
    )
    assert BOX_OPEN != BOX_DONE


@pytest.mark.parametrize(
    ("source", "text", "code", "pre"),
    [
        ("\\[ a^2 + b^2 = c^2 \\]", "a^2 + b^2 = c^2", [], [("a^2 + b^2 = c^2", "latex")]),
        ("So \\( x_1 + x_2 \\) holds.", "So x_1 + x_2 holds.", [("x_1 + x_2", None)], []),
        ("Area $\\pi r^2$ here", "Area \\pi r^2 here", [("\\pi r^2", None)], []),
        ("$$\n\\sum_i x_i\n$$", "\\sum_i x_i", [], [("\\sum_i x_i", "latex")]),
        # a command before a line break stays a command (it was a combining cedilla)
        ("$\\c\n!'$", "\\c !'", [("\\c !'", None)], []),
        (
            "The formula:\n\\[\n\\frac{a}{b} * c_1 * d\n\\]\nand more",
            "The formula:\n\\frac{a}{b} * c_1 * d\nand more",
            [],
            [("\\frac{a}{b} * c_1 * d", "latex")],
        ),
        (
            "> quoted \\[ x\n> = y \\]",
            "quoted\nx\n= y",
            [],
            [("x\n= y", "latex")],
        ),
        (
            "It costs $10 and $20, or \\\\(not maths)",
            "It costs $10 and $20, or \\(not maths)",
            [],
            [],
        ),
    ],
)
def test_maths_is_shown_verbatim_as_code(
    source: str, text: str, code: list[tuple[str, None]], pre: list[tuple[str, str]]
) -> None:
    rendered = render(source)
    assert rendered.text == text
    assert shown(rendered, "code") == code
    assert shown(rendered, "pre") == pre


def test_spoilers_need_bars_that_hug_the_text() -> None:
    rendered = render("true || false and ||the end|| of it")
    assert rendered.text == "true || false and the end of it"
    assert shown(rendered, "spoiler") == [("the end", None)]


def test_text_telegram_cannot_take_is_not_a_crash() -> None:
    assert render("a\ud800b **c**").text == "a\ufffdb c"
    emoji = render("[👍](tg://emoji?id=5368324170671202286) ok")
    assert emoji.text == "👍 ok"
    assert emoji.entities == ()  # a custom emoji entity needs an id (and a bot allowed to)


# --- thoughts ------------------------------------------------------------------------------


def test_thoughts_are_rendered_markdown_in_one_collapsed_quote() -> None:
    block = thoughts_block(
        "Thoughts", "> a quote with **bold**\n\nSee `x` and [doc](https://d.org)", 500
    )
    assert block.text == "Thoughts\na quote with bold\n\nSee x and doc"
    assert [(e.type, e.offset, e.length) for e in block.entities] == [
        ("bold", 0, 8),
        ("expandable_blockquote", 9, 32),
        ("bold", 22, 4),
        ("code", 32, 1),
        ("text_link", 38, 3),
    ]


def test_long_thoughts_show_their_end_and_reopen_a_code_block() -> None:
    thoughts = (
        "Let me think.\n\n```python\n" + "".join(f"x{i} = {i}\n" for i in range(200)) + "```"
    )
    block = thoughts_block("Thinking…", thoughts, 300)
    quote = [e for e in block.entities if e.type == "expandable_blockquote"]
    assert len(quote) == 1 and quote[0].length <= 300
    body = block.text[len("Thinking…\n") :]
    assert body.startswith("…\n") and body.endswith("x199 = 199")
    assert shown(block, "pre")[0][1] == "python"
    assert thoughts_block("Thoughts", "", 100) == Rendered("Thoughts", (Entity("bold", 0, 8),))


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


@pytest.mark.parametrize(
    "atom",
    ["https://example.org/files/my_report_v2_final.pdf", "\\( a_1 + b_2 + c_3 + d_4 \\)"],
)
def test_cut_does_not_break_a_bare_url_or_a_formula(atom: str) -> None:
    for shift in range(0, len(atom), 3):  # wherever the page's end falls on it
        before = MESSAGE_LIMIT - 8 - len(atom) + shift
        text = ("word " * 1000)[: before - 1] + " " + atom + " tail" * 300
        cut = cut_page(text)
        assert atom in cut.head or atom in cut.reopen + text[cut.at :], shift


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
_FENCE_INFO = re.compile(  # inside quotes and list items too
    r"^(?:[ \t]*(?:>|[*+-]|\d{1,9}[.)])(?=[ \t]|`|~))*[ \t]*(?:`{3,}|~{3,})([^\n]*)$", re.MULTILINE
)
_LIST_NUMBER = re.compile(r"^[ \t>*+-]*\d{1,9}[.)](?=[ \t]|$)", re.MULTILINE)


def _alnum(text: str) -> list[str]:
    """Letters and digits; a digit typeset as a sub- or superscript (LaTeX `x_2`) counts."""
    return [char for char in unicodedata.normalize("NFKC", text) if char.isalnum()]


def _required(source: str) -> list[str]:
    """Letters and digits of the source that are not Markdown syntax (link targets, entity
    references, code fence info strings, ordered-list numbers: those go to entities, are
    decoded or renumbered). Maths is shown as written, so its letters count."""
    for pattern in (_LINK_TARGET, _ENTITY_REF, _FENCE_INFO, _LIST_NUMBER):
        source = pattern.sub(" ", source)
    return _alnum(source)


def _is_subsequence(needle: list[str], haystack: list[str]) -> bool:
    it = iter(haystack)
    return all(char in it for char in needle)


@examples(300)
@given(st.lists(st.one_of(WORDS, SYNTAX), max_size=60).map("".join))
@example("> ```00")  # a fence's info string in a quote is its language, not text
def test_every_letter_and_digit_of_the_source_is_shown(source: str) -> None:
    shown = render(source)
    assert _is_subsequence(_required(source), _alnum(shown.text)), f"lost: {shown.text!r}"
    for entity in shown.entities:
        assert entity.type != "text_link" or telegram_url(entity.url or "") is not None


@examples(100)
@given(st.lists(st.one_of(WORDS, SYNTAX), min_size=200, max_size=1500).map("".join))
@example("$\\c\n!'$ " * 80)  # was a combining cedilla that ate the `c`
@example("``` " + "x" * 300 + "\n\n" + "y " * 600)  # a page that only repeated the fence opener
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


@examples(100)
@given(st.lists(st.one_of(WORDS, SYNTAX), max_size=80).map("".join), st.integers(1, 400))
@example("#", 1)  # an empty heading is its symbol: wider than the one unit allowed
def test_thoughts_stay_within_their_limit_in_one_quote(markdown: str, limit: int) -> None:
    block = thoughts_block("Thoughts", markdown, limit)
    quotes = [e for e in block.entities if e.type in ("blockquote", "expandable_blockquote")]
    assert len(quotes) <= 1
    if quotes:
        assert quotes[0].type == "expandable_blockquote" and quotes[0].length <= limit
        assert quotes[0].end == block.size


def test_a_table_that_renders_many_times_its_length_is_cut_at_a_row_near_the_limit() -> None:
    """Rendering pads every row to the widest: the whole 804 characters render to 8,564 units.
    Shrinking by the excess alone jumped to a one-character page; the cut is now at a row,
    and as near the limit as a few more renders find."""
    text = "0000" + "0000\n| a | b |\n|---|---|\n| 1 | 2 |\n" * 20 + "0" * 100
    assert render(text).size > 2 * MESSAGE_LIMIT
    cut = cut_page(text)
    assert cut.at > len(text) // 2
    assert text[: cut.at].endswith("\n")
    assert render(cut.head).size <= MESSAGE_LIMIT
    assert cut.reopen.startswith("| a | b |")
