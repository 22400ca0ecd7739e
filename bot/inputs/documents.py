"""Documents users send, made into text a model reads: text files, PDF (its text layer), DOCX.

`extract()` takes the file's bytes and name and returns the text, cut to a limit with the cut
recorded (so the bot can tell the model and the user), or raises DocumentError with a reason.
It never returns part of a document as if it were whole: a PDF page that cannot be read is
listed in `unreadable_pages`, and `document_block()` tells the model which ones are missing.
Parsing is CPU work on untrusted input, so the bot calls `extract_async()` (a worker thread).
"""

from __future__ import annotations

import asyncio
import io
import json
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, Literal

from bot.inputs.encodings import decode_text
from bot.inputs.errors import DocumentError

if TYPE_CHECKING:
    from docx.table import Table
    from docx.text.paragraph import Paragraph
    from pypdf import PageObject

Kind = Literal["text", "pdf", "docx"]

_TEXT_EXTENSIONS = """
    .txt .text .md .markdown .rst .csv .tsv .json .jsonl .ndjson .yaml .yml .toml .ini .cfg
    .conf .env .properties .xml .html .htm .xhtml .svg .log .srt .vtt .tex .bib .diff .patch
    .sql .graphql .proto
    .py .pyi .ipynb .js .mjs .cjs .ts .tsx .jsx .vue .svelte .css .scss .sass .less .java .kt
    .kts .scala .groovy .gradle .c .h .cc .cpp .cxx .hpp .hh .cs .fs .go .rs .rb .php .pl .pm
    .swift .m .mm .dart .lua .r .jl .hs .ml .ex .exs .erl .clj .el .lisp .scm .sh .bash .zsh
    .fish .ps1 .bat .cmd .vb .asm .s .sol .tf .nix .cmake .mk .dockerfile .gitignore
"""
TEXT_EXTENSIONS = frozenset(_TEXT_EXTENSIONS.split())
"""Text formats and source code, by extension (Telegram often labels them
application/octet-stream)."""
TEXT_MIMES = frozenset(
    {
        "application/json",
        "application/ld+json",
        "application/xml",
        "application/x-yaml",
        "application/yaml",
        "application/toml",
        "application/javascript",
        "application/x-javascript",
        "application/x-sh",
        "application/x-python",
        "application/sql",
        "application/x-subrip",
    }
)
PDF_MIME = "application/pdf"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SUPPORTED = (
    "text files (.txt, .md, .csv, .tsv, .json, .yaml, .xml, .html, .log and source code), "
    "PDF with a text layer, and Word .docx"
)
"""The types read, for the note that refuses another one."""
KIND_LABELS: dict[str, str] = {"text": "text file", "pdf": "PDF", "docx": "Word document"}

MAX_EXPANDED_BYTES = 200 * 1024 * 1024
"""A DOCX (a ZIP) whose parts unpack to more than this is refused before parsing: a 20 MB
download can otherwise expand to gigabytes of XML."""
_KNOWN_UNSUPPORTED = {
    ".doc": "Word 97-2003 .doc (save it as .docx or PDF)",
    ".rtf": "RTF (save it as .docx, PDF or .txt)",
    ".odt": "OpenDocument .odt (save it as .docx or PDF)",
    ".xls": "Excel spreadsheets (save the sheet as .csv)",
    ".xlsx": "Excel spreadsheets (save the sheet as .csv)",
    ".pptx": "PowerPoint presentations (save them as PDF)",
    ".ppt": "PowerPoint presentations (save them as PDF)",
    ".epub": "e-books",
    ".zip": "archives",
}
_HEADING = re.compile(r"^Heading (\d)$")


@dataclass(frozen=True, slots=True)
class Extracted:
    """A document's text as the model gets it.

    `text` holds at most the limit's characters (Unicode code points); `total_chars` is the
    whole text's length, so a cut is `truncated` with `len(text)` of `total_chars` kept.
    """

    text: str
    kind: Kind
    filename: str
    total_chars: int
    truncated: bool
    pages: int | None = None
    """Pages in a PDF (None for other kinds)."""
    unreadable_pages: tuple[int, ...] = ()
    """1-based numbers of PDF pages whose text could not be read (missing from `text`)."""
    encoding: str | None = None
    """The encoding a text file was read in (utf-8, utf-16-le, cp1251...)."""

    @property
    def kept_chars(self) -> int:
        return len(self.text)


def kind_of(data: bytes, filename: str, mime: str | None) -> Kind:
    """What the file is, from its bytes first (a PDF renamed .txt is a PDF), then its name
    and Telegram's MIME type; raises DocumentError("unsupported") for anything else."""
    suffix = PurePath(filename.lower()).suffix
    mime = (mime or "").lower().partition(";")[0].strip()
    if data.startswith(b"%PDF-") or suffix == ".pdf" or mime == PDF_MIME:
        return "pdf"
    if suffix == ".docx" or mime == DOCX_MIME:
        return "docx"
    if suffix in _KNOWN_UNSUPPORTED:
        raise DocumentError("unsupported", f"{_KNOWN_UNSUPPORTED[suffix]} cannot be read")
    if suffix in TEXT_EXTENSIONS or mime.startswith("text/") or mime in TEXT_MIMES:
        return "text"
    if not suffix:
        return "text"  # README, Makefile, .bashrc: read as text if the bytes are text
    raise DocumentError("unsupported", f"{suffix or 'this'} files ({mime or 'no type'})")


def extract(
    data: bytes, filename: str, mime: str | None, limit: int, *, language: str | None = None
) -> Extracted:
    """The document's text, cut to `limit` characters; `language` is the user's language
    tag, a hint for which legacy encoding an old text file is in.

    Raises DocumentError: unsupported, binary, encrypted, broken, scanned, empty, too_big.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1 character")
    if not data:
        raise DocumentError("empty", "the file has no bytes")
    kind = kind_of(data, filename, mime)
    pages: int | None = None
    unreadable: tuple[int, ...] = ()
    encoding: str | None = None
    if kind == "pdf":
        text, pages, unreadable = _pdf(data)
    elif kind == "docx":
        text = _docx(data)
    else:
        text, encoding = decode_text(data, language)
    if not text.strip():
        raise DocumentError("empty", "no text after extraction")
    kept = truncate(text, limit)
    return Extracted(
        text=kept,
        kind=kind,
        filename=filename,
        total_chars=len(text),
        truncated=len(kept) < len(text),
        pages=pages,
        unreadable_pages=unreadable,
        encoding=encoding,
    )


async def extract_async(
    data: bytes, filename: str, mime: str | None, limit: int, *, language: str | None = None
) -> Extracted:
    """`extract()` in a worker thread: a 100-page PDF takes seconds of CPU."""
    return await asyncio.to_thread(extract, data, filename, mime, limit, language=language)


_JOINERS = frozenset("\u200d\u200c\u2060\u034f")


def truncate(text: str, limit: int) -> str:
    """At most `limit` characters of `text`, cut at a line break or space near the end when
    one is there, and never between a character and the marks, joiners or selectors that
    complete it (an accent, a skin tone, a ZWJ emoji sequence)."""
    if len(text) <= limit:
        return text
    cut = limit
    newline = text.rfind("\n", limit - limit // 5, limit)
    space = text.rfind(" ", limit - limit // 10, limit)
    if newline > 0:
        cut = newline
    elif space > 0:
        cut = space
    while cut > 0 and (_continues(text[cut]) or text[cut - 1] in _JOINERS):
        cut -= 1
    return text[:cut]


def _continues(char: str) -> bool:
    """Whether `char` belongs to the character before it (so a cut must not fall before it)."""
    return (
        unicodedata.combining(char) != 0
        or unicodedata.category(char) in ("Mn", "Me", "Mc")
        or "\ufe00" <= char <= "\ufe0f"
        or "\U0001f3fb" <= char <= "\U0001f3ff"  # skin tone modifiers
        or "\udc00" <= char <= "\udfff"  # a low surrogate (text decoded with surrogatepass)
        or char in _JOINERS
    )


def document_block(extracted: Extracted) -> str:
    """The document as the model sees it in the user's turn: a header naming the file, its
    kind and size, the text inside a fence no line of it can close, and what is missing."""
    kind = KIND_LABELS[extracted.kind]
    if extracted.pages is not None:
        kind += f", {extracted.pages} page{'s' if extracted.pages != 1 else ''}"
    name = json.dumps(" ".join(extracted.filename.split()), ensure_ascii=False)
    longest = max((len(run) for run in re.findall(r"`{3,}", extracted.text)), default=2)
    fence = "`" * (longest + 1)
    lines = [
        f"[Document {name} ({kind}), {extracted.total_chars:,} characters]",
        fence,
        extracted.text,
        fence,
    ]
    if extracted.unreadable_pages:
        numbers = _numbers(extracted.unreadable_pages)
        many = len(extracted.unreadable_pages) > 1
        lines.append(
            f"[Page{'s' if many else ''} {numbers} could not be read: "
            f"{'their' if many else 'its'} text is missing above.]"
        )
    if extracted.truncated:
        lines.append(
            f"[The document is longer than what was sent: only its first "
            f"{extracted.kept_chars:,} of {extracted.total_chars:,} characters are above; "
            f"the rest was cut.]"
        )
    return "\n".join(lines)


def _numbers(numbers: tuple[int, ...]) -> str:
    words = [str(n) for n in numbers]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


# PDF -----------------------------------------------------------------------------------------


def _pdf(data: bytes) -> tuple[str, int, tuple[int, ...]]:
    """The text layer, page by page, with `[page N]` marks when there are several pages."""
    # Imported on first use: pypdf, python-docx and lxml hold ~20 MB that a bot nobody sends
    # a document to never needs (and cost 0.4 s of every start).
    from pypdf import PasswordType, PdfReader  # noqa: PLC0415
    from pypdf.errors import DependencyError  # noqa: PLC0415

    try:
        reader = PdfReader(io.BytesIO(data))
        # An empty user password is common: the file opens without asking (the owner
        # password only restricts printing or copying), and pypdf can read it too.
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise DocumentError("encrypted", "the PDF needs a password")
        pages = list(reader.pages)
    except DocumentError:
        raise
    except (DependencyError, NotImplementedError) as exc:
        # AES without `cryptography` installed, or certificate (public-key) encryption
        raise DocumentError("encrypted", str(exc)) from exc
    except Exception as exc:  # pypdf raises many types on a malformed file; all mean broken
        raise DocumentError("broken", f"{type(exc).__name__}: {exc}"[:200]) from exc
    if not pages:
        raise DocumentError("empty", "the PDF has no pages")
    texts: list[str] = []
    unreadable: list[int] = []
    for number, page in enumerate(pages, 1):
        try:
            text = page.extract_text()
        except Exception:  # the page is reported missing, the others still count
            unreadable.append(number)
            continue
        if text.strip():
            texts.append(f"[page {number}]\n{text.strip()}" if len(pages) > 1 else text.strip())
    if not texts:
        if unreadable:
            raise DocumentError("broken", f"no page could be read ({len(unreadable)} failed)")
        if any(_has_images(page) for page in pages):
            raise DocumentError("scanned", "pages are images without a text layer")
        raise DocumentError("empty", "the pages have no text")
    return "\n\n".join(texts), len(pages), tuple(unreadable)


def _has_images(page: PageObject) -> bool:
    """Whether the page draws an image (a scan is a page-sized picture and nothing else);
    False when its resources cannot be read."""
    try:
        resources = page.get("/Resources")
        objects = resources.get_object().get("/XObject") if resources is not None else None
        if objects is None:
            return False
        return any(
            entry.get_object().get("/Subtype") == "/Image"
            for entry in objects.get_object().values()
        )
    except Exception:  # a damaged resource dictionary: no image known
        return False


# DOCX ----------------------------------------------------------------------------------------


def _docx(data: bytes) -> str:
    """Paragraphs and tables in document order; headings as `#` lines, tables as `|` rows."""
    import docx  # noqa: PLC0415  (on first use, as pypdf in _pdf)
    from docx.opc.exceptions import PackageNotFoundError  # noqa: PLC0415
    from docx.table import Table  # noqa: PLC0415
    from lxml.etree import XMLSyntaxError  # noqa: PLC0415

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            expanded = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise DocumentError("broken", f"not a ZIP archive: {exc}") from exc
    if expanded > MAX_EXPANDED_BYTES:
        raise DocumentError("too_big", f"unpacks to {expanded:,} bytes")
    try:
        document = docx.Document(io.BytesIO(data))
        blocks = [
            _table(block) if isinstance(block, Table) else _paragraph(block)
            for block in document.iter_inner_content()
        ]
    except (
        PackageNotFoundError,
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        XMLSyntaxError,
        OSError,
        EOFError,
    ) as exc:
        raise DocumentError("broken", f"{type(exc).__name__}: {exc}"[:200]) from exc
    return "\n\n".join(block for block in blocks if block)


def _paragraph(paragraph: Paragraph) -> str:
    text = paragraph.text.strip()
    if not text:
        return ""
    style = paragraph.style.name if paragraph.style is not None else ""
    heading = _HEADING.match(style or "")
    if heading:
        return f"{'#' * int(heading.group(1))} {text}"
    if style == "Title":
        return f"# {text}"
    if (style or "").startswith("List"):
        return f"- {text}"
    return text


def _table(table: Table) -> str:
    """A Markdown table; a merged cell appears once, not once per grid column it spans."""
    rows, widths = [], []
    for row in table.rows:
        cells: list[str] = []
        previous = None
        for cell in row.cells:
            if cell is previous:  # python-docx yields a merged cell once per grid column
                continue
            previous = cell
            cells.append(" ".join(cell.text.split()).replace("|", "\\|"))
        if any(cells):  # rows of blank cells say nothing
            rows.append("| " + " | ".join(cells) + " |")
            widths.append(len(cells))
    if len(rows) > 1:
        rows.insert(1, "|" + "---|" * max(widths))
    return "\n".join(rows)
