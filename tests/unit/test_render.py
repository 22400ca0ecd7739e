"""Markdown rendering and page cutting: UTF-16 sizes, code fences, boundaries."""

from __future__ import annotations

from bot.render import MESSAGE_LIMIT, cut_page, fence_opener, render, utf16_len


def test_utf16_len_counts_astral_characters_twice() -> None:
    assert utf16_len("abc") == 3
    assert utf16_len("Привет") == 6
    assert utf16_len("😀") == 2
    assert utf16_len("a😀b") == 4


def test_markdown_becomes_entities_with_utf16_offsets() -> None:
    shown = render("😀 **bold** and `code`")
    assert shown.text == "😀 bold and code"
    kinds = {entity[0][1]: dict(entity) for entity in shown.entities}
    assert kinds["bold"]["offset"] == 3  # the emoji counts two UTF-16 units
    assert kinds["bold"]["length"] == 4
    assert kinds["code"]["offset"] == 12


def test_half_written_markdown_renders_without_broken_entities() -> None:
    for partial in ("**bol", "`co", "```py\nprint(", "[link](http://exa", "*a **b"):
        shown = render(partial)
        for entity in shown.entities:
            fields = dict(entity)
            assert fields["offset"] + fields["length"] <= utf16_len(shown.text)


def test_plain_mode_keeps_the_source_text() -> None:
    assert render("**x**", plain=True).text == "**x**"
    assert render("**x**", plain=True).entities == ()


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


def test_cut_never_splits_a_surrogate_pair() -> None:
    text = "😀" * 3000
    cut = cut_page(text)
    assert render(cut.head).size <= MESSAGE_LIMIT
    assert cut.head + text[cut.at :] == text
    assert set(cut.head) == {"😀"}


def test_a_code_block_cut_in_two_is_closed_and_reopened() -> None:
    text = "Intro\n\n```python\n" + "print(1)\n" * 1000 + "```\nafter"
    cut = cut_page(text)
    assert cut.head.rstrip().endswith("```")
    assert cut.reopen == "```python\n"
    head = render(cut.head)
    assert any(dict(e)["type"] == "pre" for e in head.entities)
    rest = render(cut.reopen + text[cut.at :])
    assert dict(rest.entities[0])["type"] == "pre"
    assert dict(rest.entities[0])["language"] == "python"


def test_fence_opener_tracks_open_and_closed_blocks() -> None:
    assert fence_opener("```py\nx\n```\n") is None
    assert fence_opener("```py\nx\n```\n```js\ny") == "```js"
    assert fence_opener("no code") is None
