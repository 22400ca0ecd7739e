"""The pure parts of voice notes and documents as questions: the quote of what was heard, the
plan's header above the answer, the turns the model reads, and the notes users get."""

from __future__ import annotations

from typing import Any

from bot import texts
from bot.config import Settings
from bot.inputs.documents import SUPPORTED, Extracted
from bot.inputs.downloads import MAX_DOWNLOAD
from bot.inputs.errors import DocumentError, DownloadError, SpeechError
from bot.media import (
    SUMMARY_REQUEST,
    cut_note,
    document_turn,
    download_limit,
    note,
    voice_turn,
)
from bot.plan import AnswerPlan, Ending
from bot.render import EXPAND_OVER, MESSAGE_LIMIT, heard_block, utf16_len
from tests.unit.test_plan import LONG, Chat, run


def quotes(block: Any) -> list[tuple[str, str]]:
    units = block.text.encode("utf-16-le")
    return [
        (e.type, units[e.offset * 2 : e.end * 2].decode("utf-16-le"))
        for e in block.entities
        if "blockquote" in e.type
    ]


def test_a_short_transcript_is_a_plain_quote_under_a_bold_header() -> None:
    block = heard_block("🎙 I heard:", "hello  there\n", 1000)
    assert block.text == "🎙 I heard:\nhello there"
    assert quotes(block) == [("blockquote", "hello there")]
    assert block.entities[0].type == "bold"


def test_a_long_transcript_is_collapsed_and_cut_within_its_room() -> None:
    words = "word " * 100
    block = heard_block("H", words, 1000)
    assert quotes(block) == [("expandable_blockquote", words.strip())]
    assert utf16_len(words.strip()) > EXPAND_OVER
    long = "👍🏽 " * 1000  # emoji with a skin tone: two code points, four UTF-16 units
    cut = heard_block("H", long, 103)  # the room ends between a thumb and its tone
    ((_, shown),) = quotes(cut)
    assert shown.endswith("…") and utf16_len(shown) <= 103
    assert not shown[:-1].rstrip().endswith("👍")  # never a thumb without its tone


def test_the_header_tops_the_first_page_and_stays_out_of_the_answer() -> None:
    header = heard_block("🎙 I heard:", "tell me a long story " * 40, 1000)
    plan = AnswerPlan(header=header)
    first = plan.next_write(0.0)
    assert first is not None and first.content == header  # shown before any text comes
    plan.add_reasoning("thinking hard " * 200)
    plan.add_text(LONG)
    plan.end(Ending.COMPLETE)
    chat = Chat()
    run(plan, chat)
    pages = chat.shown()
    assert pages[0].startswith(header.text + "\n\n" + texts.t("en", "thoughts"))
    assert all(utf16_len(page) <= MESSAGE_LIMIT for page in pages)
    assert len(pages) > 1 and header.text not in pages[1]
    assert plan.text == LONG  # what history keeps as the model's answer
    shown_answer = "".join(pages).replace(" ", "").replace("\n", "")
    assert "Paragraph19" in shown_answer


def test_the_turns_put_the_question_after_the_words_or_the_file() -> None:
    assert voice_turn("what time is it", "") == "what time is it"
    assert voice_turn("what time is it", "in Tokyo") == "what time is it\n\nin Tokyo"
    extracted = Extracted(
        text="abc", kind="text", filename="a.txt", total_chars=10, truncated=True
    )
    turn = document_turn(extracted, "")
    assert turn.startswith('[Document "a.txt" (text file), 10 characters]\n```\nabc\n```')
    assert "only its first 3 of 10 characters" in turn
    assert turn.endswith(f"\n\n{SUMMARY_REQUEST}")
    assert document_turn(extracted, "why?").endswith(
        "```\n[The document is longer than what "
        "was sent: only its first 3 of 10 characters are above; the rest was cut.]\n\nwhy?"
    )
    assert cut_note(extracted, "en") == texts.t("en", "document_cut", kept="3", total="10")
    whole = Extracted(text="abc", kind="text", filename="a.txt", total_chars=3, truncated=False)
    assert cut_note(whole, "en") is None


def test_each_failure_has_a_short_true_note_naming_its_limit() -> None:
    too_big = DownloadError("too_big", limit=MAX_DOWNLOAD)
    assert note(too_big, "en") == texts.t("en", "download_too_big", limit="20 MB")
    assert "20 MB" in note(too_big, "ru")
    stated = DownloadError("too_big", limit=2000 * 1024 * 1024)
    assert "2000 MB" in note(stated, "en")
    long = SpeechError("too_long", seconds=601, limit=600)
    assert note(long, "en") == texts.t("en", "speech_too_long", seconds="601", limit="600")
    assert SUPPORTED in note(DocumentError("unsupported"), "en")
    for reason in ("timeout", "unreachable", "unauthorized", "server_error", "silence"):
        assert note(SpeechError(reason), "en") == texts.t("en", f"speech_{reason}")
    # A reason newer than the texts table still gets a true, general sentence.
    assert note(SpeechError("something_new"), "en") == texts.t("en", "speech_rejected")
    assert note(DownloadError("something_new"), "en") == texts.t("en", "download_unreadable")


def test_every_note_is_in_every_language() -> None:
    keys = [
        key
        for key in texts.LANGUAGES["en"]
        if key.split("_")[0] in ("speech", "download", "document", "heard")
    ]
    assert len(keys) > 20
    for table in texts.LANGUAGES.values():
        assert all(key in table for key in keys)


def test_the_download_limit_is_telegrams_only_on_telegrams_server() -> None:
    def settings(url: str) -> Settings:
        return Settings(_env_file=None, bot_token="1:x", telegram_api_url=url)

    assert download_limit(settings("https://api.telegram.org")) == MAX_DOWNLOAD
    assert download_limit(settings("http://localhost:8081")) is None


def test_a_page_with_the_header_and_no_thoughts_still_fits() -> None:
    header = heard_block("🎙 I heard:", "tell me a long story " * 40, 1000)
    plan = AnswerPlan(header=header)
    plan.add_text(LONG)
    plan.end(Ending.COMPLETE)
    chat = Chat()
    run(plan, chat)
    assert chat.shown()[0].startswith(header.text + "\n\n")
    assert all(utf16_len(page) <= MESSAGE_LIMIT for page in chat.shown())
