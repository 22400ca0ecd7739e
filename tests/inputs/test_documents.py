"""Documents made by real libraries (fpdf2, pypdf, python-docx) read back into model text."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator

import pytest

from bot.inputs.documents import (
    SUPPORTED,
    Extracted,
    document_block,
    extract,
    extract_async,
    kind_of,
)
from bot.inputs.errors import DocumentError
from tests.support.documents import (
    docx_document,
    encrypted,
    pdf_of_images,
    pdf_with_text,
    with_page_bomb,
)

LIMIT = 20_000
PAGES = [
    "Quarterly report. Revenue grew by 12 percent.",
    "Отчёт за квартал: выручка выросла на 12 процентов.",
    "Appendix: Ünïcödé, €, and emoji-free text.",
]


@pytest.fixture(autouse=True)
def _quiet_pypdf() -> Iterator[None]:
    """pypdf warns about every oddity of the broken files made here; the tests say what counts."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


def refused(data: bytes, filename: str, mime: str | None = None) -> DocumentError:
    with pytest.raises(DocumentError) as caught:
        extract(data, filename, mime, LIMIT)
    return caught.value


# PDF -----------------------------------------------------------------------------------------


def test_a_pdf_text_layer_is_read_page_by_page_with_cyrillic() -> None:
    extracted = extract(pdf_with_text(PAGES), "report.pdf", "application/pdf", LIMIT)
    assert extracted.kind == "pdf" and extracted.pages == 3
    assert extracted.unreadable_pages == () and not extracted.truncated
    for number, text in enumerate(PAGES, 1):
        assert f"[page {number}]\n{text}" in extracted.text
    assert extracted.total_chars == len(extracted.text)


def test_a_pdf_is_known_by_its_bytes_whatever_it_is_called() -> None:
    data = pdf_with_text(["Renamed but still a PDF."])
    assert kind_of(data, "notes.txt", "text/plain") == "pdf"
    assert extract(data, "notes.txt", "text/plain", LIMIT).text == "Renamed but still a PDF."


def test_a_scan_without_a_text_layer_is_named_as_such() -> None:
    error = refused(pdf_of_images(2), "scan.pdf")
    assert error.reason == "scanned"


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_a_pdf_that_needs_a_password_is_refused_as_encrypted(algorithm: str) -> None:
    locked = encrypted(pdf_with_text(PAGES), user_password="user-secret", algorithm=algorithm)
    assert refused(locked, "locked.pdf").reason == "encrypted"


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-256"])
def test_a_pdf_encrypted_with_an_empty_user_password_is_read(algorithm: str) -> None:
    # Such a file opens in any viewer without a question: only copying/printing is restricted.
    opened = encrypted(pdf_with_text(PAGES), user_password="", algorithm=algorithm)
    extracted = extract(opened, "statement.pdf", None, LIMIT)
    assert PAGES[1] in extracted.text and extracted.pages == 3


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9, 0.99])
def test_a_truncated_pdf_is_broken_never_read_in_part(fraction: float) -> None:
    data = pdf_with_text(PAGES)
    error = refused(data[: int(len(data) * fraction)], "cut.pdf")
    assert error.reason == "broken"


def test_a_pdf_named_file_of_garbage_is_broken() -> None:
    assert refused(os.urandom(3000), "report.pdf").reason == "broken"
    assert refused(b"%PDF-1.7\n" + os.urandom(3000), "x.bin").reason == "broken"


def test_a_page_that_fails_is_reported_and_the_model_is_told_it_is_missing() -> None:
    bombed = with_page_bomb(pdf_with_text(PAGES), page=2)
    extracted = extract(bombed, "report.pdf", None, LIMIT)
    assert extracted.pages == 3 and extracted.unreadable_pages == (2,)
    assert PAGES[0] in extracted.text and PAGES[2] in extracted.text
    assert "[page 2]" not in extracted.text
    block = document_block(extracted)
    assert "Page 2 could not be read: its text is missing above." in block


def test_a_pdf_whose_only_page_fails_is_broken_not_empty() -> None:
    bombed = with_page_bomb(pdf_with_text(["Only page."]), page=1)
    assert refused(bombed, "one.pdf").reason == "broken"


# DOCX ----------------------------------------------------------------------------------------


def test_a_docx_heading_paragraph_and_table_come_in_document_order() -> None:
    data = docx_document(
        heading="Поставки",
        paragraph="The table lists what came in March.",
        table=[["Item", "Count"], ["Bolts", "120"], ["Nuts | washers", "75"]],
        after="Signed: the warehouse.",
    )
    extracted = extract(data, "supplies.docx", None, LIMIT)
    assert extracted.kind == "docx"
    assert extracted.text == (
        "# Поставки\n\n"
        "The table lists what came in March.\n\n"
        "| Item | Count |\n|---|---|\n| Bolts | 120 |\n| Nuts \\| washers | 75 |\n\n"
        "Signed: the warehouse."
    )


def test_a_merged_cell_is_read_once() -> None:
    data = docx_document(
        heading="Stock",
        paragraph="As counted.",
        table=[["March totals", ""], ["Bolts", "120"]],
        merge_first_row=True,
    )
    extracted = extract(data, "stock.docx", None, LIMIT)
    assert extracted.text.endswith("\n\n| March totals |\n|---|---|\n| Bolts | 120 |")


def test_a_broken_docx_is_refused() -> None:
    data = docx_document(heading="H", paragraph="P", table=[["a"]])
    assert refused(data[: len(data) // 2], "cut.docx").reason == "broken"
    assert refused(b"PK\x03\x04" + os.urandom(500), "junk.docx").reason == "broken"
    assert refused(b"plain words", "words.docx").reason == "broken"


def test_a_docx_with_no_words_is_empty() -> None:
    data = docx_document(heading=" ", paragraph="", table=[[" "]])
    assert refused(data, "blank.docx").reason == "empty"


# Text files ----------------------------------------------------------------------------------

RUSSIAN = (
    "Съешь же ещё этих мягких французских булок, да выпей чаю. "
    "Этот файл сохранён в старой кодировке Windows."
)
FRENCH = "Voilà un fichier très simple, écrit en français, où l'on trouve des accents."


@pytest.mark.parametrize(
    ("encoded", "text", "encoding"),
    [
        (RUSSIAN.encode("utf-8"), RUSSIAN, "utf-8"),
        (b"\xef\xbb\xbf" + RUSSIAN.encode("utf-8"), RUSSIAN, "utf-8"),
        (("\ufeff" + RUSSIAN).encode("utf-16-le"), RUSSIAN, "utf-16-le"),
        (("\ufeff" + FRENCH).encode("utf-16-be"), FRENCH, "utf-16-be"),
        (("\ufeff" + RUSSIAN).encode("utf-32-le"), RUSSIAN, "utf-32-le"),
        (RUSSIAN.encode("cp1251"), RUSSIAN, "cp1251"),
        (FRENCH.encode("latin-1"), FRENCH, "cp1252"),
    ],
)
def test_text_files_are_read_in_their_encoding(encoded: bytes, text: str, encoding: str) -> None:
    extracted = extract(encoded, "notes.txt", "text/plain", LIMIT)
    assert extracted.text == text and extracted.encoding == encoding and extracted.kind == "text"


def test_a_short_legacy_file_is_read_in_the_users_own_encoding() -> None:
    # Eleven letters fit cp1251 and cp1252 alike; the user's language breaks the tie.
    data = "Привет, мир".encode("cp1251")
    assert extract(data, "hi.txt", None, LIMIT, language="ru").text == "Привет, мир"
    data = "Voilà, très bien".encode("cp1252")
    assert extract(data, "fr.txt", None, LIMIT, language="fr-CA").text == "Voilà, très bien"


@pytest.mark.parametrize(
    ("filename", "mime"),
    [
        ("data.csv", "text/csv"),
        ("config.yaml", None),
        ("main.rs", "application/octet-stream"),
        ("page.HTML", None),
        ("Makefile", None),
        ("report", "text/x-log"),
        ("settings.weird", "application/json"),
    ],
)
def test_text_like_files_are_known_by_extension_or_type(filename: str, mime: str | None) -> None:
    assert extract(b"name,count\nbolts,120\n", filename, mime, LIMIT).text.startswith("name,")


def test_binary_data_named_as_text_is_refused_as_binary() -> None:
    png = b"\x89PNG\r\n\x1a\n" + os.urandom(2000)
    assert refused(png, "picture.txt").reason == "binary"
    assert refused(os.urandom(4000), "random.log").reason == "binary"
    assert refused(b"\x00\x01\x02\x03" * 100, "README").reason == "binary"


@pytest.mark.parametrize(
    ("filename", "mime"),
    [
        ("photo.png", "image/png"),
        ("archive.zip", "application/zip"),
        ("old.doc", "application/msword"),
        ("sheet.xlsx", None),
        ("program.exe", "application/x-msdownload"),
    ],
)
def test_unsupported_types_are_refused_and_the_note_can_list_what_is_read(
    filename: str, mime: str | None
) -> None:
    assert refused(os.urandom(100), filename, mime).reason == "unsupported"
    assert "PDF" in SUPPORTED and ".docx" in SUPPORTED and ".txt" in SUPPORTED


def test_an_empty_file_and_a_file_of_blanks_are_empty() -> None:
    assert refused(b"", "empty.txt").reason == "empty"
    assert refused(b" \n\t\r\n", "blank.md").reason == "empty"
    assert refused(b"", "empty.pdf").reason == "empty"


# The cut and the block -------------------------------------------------------------------------


def test_a_long_document_is_cut_and_both_sizes_are_told() -> None:
    text = "\n".join(f"Line {n}: the same words again." for n in range(2000))
    extracted = extract(text.encode(), "long.txt", None, 1000)
    assert extracted.truncated and extracted.total_chars == len(text)
    assert extracted.kept_chars <= 1000 and text.startswith(extracted.text)
    assert extracted.text.endswith("again.")  # cut at a line break, not mid-word
    block = document_block(extracted)
    assert f"only its first {extracted.kept_chars:,} of {len(text):,} characters" in block


def test_the_block_names_the_file_and_kind_and_no_line_of_the_text_closes_it() -> None:
    text = "Example:\n```\ncode\n```\nand ```` four"
    block = document_block(
        Extracted(
            text=text,
            kind="text",
            filename='my\n"notes".md',
            total_chars=len(text),
            truncated=False,
        )
    )
    lines = block.splitlines()
    assert lines[0] == f'[Document "my \\"notes\\".md" (text file), {len(text)} characters]'
    assert lines[1] == "`````" and lines[-1] == "`````"
    assert "\n".join(lines[2:-1]) == text and "cut" not in block


async def test_extraction_runs_in_a_worker_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[threading.Thread] = []

    def spy(*args: object, **kwargs: object) -> Extracted:
        threads.append(threading.current_thread())
        return extract(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("bot.inputs.documents.extract", spy)
    extracted = await extract_async(b"hello", "a.txt", None, LIMIT)
    assert extracted.text == "hello"
    assert threads and threads[0] is not threading.current_thread()
