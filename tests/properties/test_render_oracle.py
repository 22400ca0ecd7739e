"""Property: what Telegram shows for Markdown is what a reference parser reads in it.

The reference is markdown-it-py (CommonMark, tables, strikethrough, task lists) with
mdit-py-plugins' GFM autolinks (GitHub's extended autolink rule, ported from cmark-gfm) and
maths (`dollarmath` for `$ $` / `$$ $$`, `texmath` for `\\( \\)` / `\\[ \\]`); raw HTML off, as
Telegram has none. For Markdown-like text built from a grammar, `render(md).text` must equal
the reference's text content, compared after collapsing every run of whitespace into one
space (paragraph spacing and code indentation are layout, not content).

The deliberate deviations are listed in DEVIATIONS, each with where it is applied: either
the grammar spells a construct differently for the reference (the reference source says what
we mean), or the reference's text is decorated the way telegramify-markdown decorates ours.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from hypothesis import example, given
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.gfm_autolink import gfm_autolink_plugin
from mdit_py_plugins.texmath import texmath_plugin

from bot.render import BOX_DONE, BOX_OPEN, render
from tests.support.properties import examples

DEVIATIONS = {
    "intraword star": "`a*b*c`, `x = 3*y*z`: a `*` run between letters or digits is literal, as "
    "CommonMark has it for `_` (grammar: the reference gets `a\\*b\\*c`)",
    "spoiler": "`||text||` is a Telegram spoiler: the bars are markup (grammar: the reference "
    "gets `text`)",
    "list markers": "list items start with `⦁ ` or their renumbered `N. ` (decoration)",
    "task boxes": f"`[ ]` and `[x]` show as `{BOX_OPEN} ` and `{BOX_DONE} `, in place of the "
    "bullet, after an ordered item's number (decoration)",
    "heading symbols": "H1 to H4 start with 📌 ✏ 📚 🔖 (decoration)",
    "rules": "`---` shows as a line of 8 em dashes (decoration)",
    "images": "an image shows as 🖼 and its alt text, linked to it (decoration)",
    "tables": "a table is a code block of ` | `-separated cells padded to their column, a "
    "`-+-` line under the header (decoration)",
}
"""Where we deliberately differ from the reference, and why. Maths needs no entry: the
reference's plugins read the same content, shown there without delimiters as here (as code)."""

_HEADINGS = {"h1": "\N{PUSHPIN} ", "h2": "\N{PENCIL} ", "h3": "\N{BOOKS} ", "h4": "\N{BOOKMARK} "}
_SPACES = re.compile(r"\s+")


def reference() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
    md.options["tasklists"] = True
    md.use(gfm_autolink_plugin)
    md.use(dollarmath_plugin, allow_space=False, allow_digits=False, double_inline=True)
    md.use(texmath_plugin, delimiters="brackets")
    return md


def reference_text(md: MarkdownIt, source: str) -> str:
    """The reference's text content of `source`, decorated as DEVIATIONS says."""
    out: list[str] = []
    lists: list[list[int]] = []  # per open list: [next number] or [] for bullets
    tokens = md.parse(source)
    index = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            lists.append([int(token.attrs.get("start", 1))] if kind[0] == "o" else [])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif kind == "list_item_open":
            number = lists[-1]
            checked = token.meta.get("checked")
            box = "" if checked is None else f"{BOX_DONE if checked else BOX_OPEN} "
            if number:
                out.append(f"\n{number[0]}. {box}")
                number[0] += 1
            else:
                out.append(f"\n{box or '⦁ '}")
        elif kind == "heading_open":
            out.append("\n" + _HEADINGS.get(token.tag, ""))
        elif kind in ("paragraph_open", "blockquote_open"):
            out.append("\n")
        elif kind in ("fence", "code_block", "math_block", "math_block_eqno"):
            out.append(f"\n{token.content}\n")
        elif kind == "hr":
            out.append("\n————————\n")
        elif kind == "inline":
            out.append(_inline(token.children or []))
        elif kind == "table_open":
            index = _table(tokens, index, out)
    return _squash("".join(out))


def _inline(children: Sequence[Token]) -> str:
    parts = []
    for child in children:
        if child.type in ("text", "code_inline", "html_inline"):
            parts.append(child.content)
        elif child.type.startswith("math_inline"):
            parts.append(child.content.strip())
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "image":
            parts.append("🖼" + _inline(child.children or []))
    return "".join(parts)


def _table(tokens: Sequence[Token], index: int, out: list[str]) -> int:
    """telegramify-markdown's table: cells padded to their column, ` | ` between them."""
    rows: list[list[str]] = []
    while tokens[index].type != "table_close":
        token = tokens[index]
        if token.type == "tr_open":
            rows.append([])
        elif token.type == "inline":
            rows[-1].append(_inline(token.children or []).replace("\n", " "))
        index += 1
    widths = [max(len(row[i]) for row in rows if i < len(row)) for i in range(len(rows[0]))]
    lines = [
        " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    if len(rows) > 1:
        lines.insert(1, "-+-".join("-" * width for width in widths))
    out.append("\n" + "\n".join(lines) + "\n")
    return index + 1


def _squash(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


# --- the grammar: each piece is (what we render, what the reference reads) -----------------

Piece = tuple[str, str]

WORD = st.lists(  # astral emoji, a flag, a skin tone, a combining accent
    st.sampled_from([*"abcxyzАБВжюя0123456789😀", "e\u0301", "🇺🇦", "👍🏽"]),
    min_size=1,
    max_size=6,
).map("".join)
URLS = [
    "https://example.org/files/my_report_v2_final.pdf",
    "https://ex.org/_a_/b",
    "https://ex.org/x*y*z",
    "www.example.com/a_b",
    "www.commonmark.org/a.b.",
    "https://en.wikipedia.org/wiki/Set_(mathematics)",
    "(https://x.org/q?a=1&b=2)",
    "www.google.com/search?q=commonmark&hl;",
    "https://x.org/he<lp",
]


def same(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[Piece]:
    return strategy.map(lambda text: (text, text))


def _join(pieces: list[Piece], separator: str = " ") -> Piece:
    return separator.join(p[0] for p in pieces), separator.join(p[1] for p in pieces)


def _wrap(before: str, after: str) -> st.SearchStrategy[Piece]:
    return WORD.map(lambda word: (f"{before}{word}{after}", f"{before}{word}{after}"))


INLINE: st.SearchStrategy[Piece] = st.one_of(
    same(WORD),
    same(WORD),
    _wrap("*", "*"),
    _wrap("**", "**"),
    _wrap("_", "_"),
    _wrap("~~", "~~"),
    _wrap("`", "`"),
    same(st.just("`x*y*z`")),
    same(WORD.map(lambda word: f"[{word}](https://example.com/{len(word)})")),
    same(WORD.map(lambda word: f"![{word}](https://example.com/p.png)")),
    same(st.sampled_from(URLS)),
    # After a word: the reference's dollarmath misreads `$` at the start of a line that ends
    # in a digit (it looks at the character before the line, index -1).
    same(
        st.sampled_from(
            ["at $x^2$", "at $\\alpha_1$", "at \\( a_1 + b \\)", "at $$E = mc^2$$", "at $\\c\n!'$"]
        )
    ),
    same(st.sampled_from(["$10 and $20", "<div>", "List<String>", "a<b", "&amp;", "AT&T"])),
    st.sampled_from(["a*b*c", "3*y*z", "x**2**y"]).map(lambda t: (t, t.replace("*", "\\*"))),
    WORD.map(lambda word: (f"||{word}||", word)),
)
LINE: st.SearchStrategy[Piece] = st.lists(INLINE, min_size=1, max_size=6).map(_join)
PARAGRAPH: st.SearchStrategy[Piece] = st.lists(LINE, min_size=1, max_size=3).map(
    lambda lines: _join(lines, "\n")
)


def _prefixed(prefix: str) -> st.SearchStrategy[Piece]:
    return LINE.map(lambda line: (prefix + line[0], prefix + line[1]))


def _items(markers: list[str]) -> st.SearchStrategy[Piece]:
    return st.lists(st.tuples(st.sampled_from(markers), LINE), min_size=1, max_size=4).map(
        lambda items: _join([(m + i[0], m + i[1]) for m, i in items], "\n")
    )


def _table_piece(rows: list[list[str]]) -> Piece:
    width = len(rows[0])
    lines = ["| " + " | ".join((row + [""] * width)[:width]) + " |" for row in rows]
    lines.insert(1, "|" + "---|" * width)
    text = "\n".join(lines)
    return text, text


BLOCK: st.SearchStrategy[Piece] = st.one_of(
    PARAGRAPH,
    PARAGRAPH,
    st.integers(1, 6).flatmap(lambda level: _prefixed("#" * level + " ")),
    _prefixed("> "),
    _items(["- ", "* "]),
    _items(["1. ", "2. "]),
    _items(["- [ ] ", "- [x] ", "1. [ ] ", "1. [x] "]),
    st.tuples(_prefixed("- "), _prefixed("  - [ ] ")).map(lambda two: _join(list(two), "\n")),
    same(st.lists(WORD, min_size=1, max_size=3).map(lambda w: "```py\n" + "\n".join(w) + "\n```")),
    same(st.sampled_from(["$$\nx^2 + y\n$$", "\\[\na^2 + b^2 = c^2\n\\]", "---"])),
    st.lists(st.lists(WORD, min_size=1, max_size=3), min_size=1, max_size=3).map(_table_piece),
)
DOCUMENT: st.SearchStrategy[Piece] = st.lists(BLOCK, min_size=1, max_size=5).map(
    lambda blocks: _join(blocks, "\n\n")
)


@examples(200)
@given(DOCUMENT)
@example(("Get https://example.org/files/my_report_v2_final.pdf, then _read_ it",) * 2)
@example(("a*b*c and x = 3*y*z", "a\\*b\\*c and x = 3\\*y\\*z"))
@example(("- [ ] write tests\n- [x] ship\n\n1. [ ] one\n   - [x] two",) * 2)
@example(("\\[ a^2 + b^2 = c^2 \\]\n\nat $\\c\n!'$ and $10 and $20",) * 2)
def test_telegram_shows_what_the_reference_reads(document: Piece) -> None:
    ours, theirs = document
    expected = reference_text(reference(), theirs)
    assert _squash(render(ours).text) == expected, f"reference source: {theirs!r}"
