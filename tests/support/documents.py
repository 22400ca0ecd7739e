"""Real documents made by real libraries, for the tests and benchmarks that read them back.

PDFs come from fpdf2 with DejaVu Sans embedded (Debian's fonts-dejavu-core, which .ci/run
installs) so Cyrillic has a real text layer; DOCX from python-docx; encryption from pypdf.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Sequence
from pathlib import Path

import docx
from fpdf import FPDF
from PIL import Image, ImageDraw
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, StreamObject

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _pdf() -> FPDF:
    if not FONT.exists():
        raise RuntimeError(f"{FONT} is missing: apt-get install fonts-dejavu-core")
    pdf = FPDF()
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.set_font("DejaVu", size=12)
    return pdf


def pdf_with_text(pages: Sequence[str]) -> bytes:
    """A PDF with one page per item, each item's text in its text layer."""
    pdf = _pdf()
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 7, text)
    return bytes(pdf.output())


def pdf_of_images(count: int = 1) -> bytes:
    """A "scan": pages that are pictures of text, with no text layer."""
    pdf = _pdf()
    for number in range(count):
        picture = Image.new("RGB", (600, 200), "white")
        ImageDraw.Draw(picture).text((20, 80), f"Scanned page {number + 1}", fill="black")
        buffer = io.BytesIO()
        picture.save(buffer, format="PNG")
        pdf.add_page()
        pdf.image(buffer, x=10, y=10, w=180)
    return bytes(pdf.output())


def encrypted(data: bytes, *, user_password: str, algorithm: str = "AES-256") -> bytes:
    """`data` encrypted by pypdf; an empty `user_password` opens without asking."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def with_page_bomb(data: bytes, page: int) -> bytes:
    """`data` with page `page` (1-based) drawing a content stream that inflates past pypdf's
    75 MB limit: the page fails to read while the others read fine."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    stream = StreamObject()  # raw bytes kept as set: already deflated, /Filter says so
    stream.set_data(zlib.compress(b" " * 80_000_000, 1))
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    writer.pages[page - 1].replace_contents(stream)  # type: ignore[arg-type]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_document(
    *,
    heading: str,
    paragraph: str,
    table: Sequence[Sequence[str]],
    after: str = "",
    merge_first_row: bool = False,
) -> bytes:
    """A .docx with a level-1 heading, a paragraph, a table and an optional closing line."""
    document = docx.Document()
    document.add_heading(heading, level=1)
    document.add_paragraph(paragraph)
    grid = document.add_table(rows=len(table), cols=len(table[0]))
    for row, values in zip(grid.rows, table, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    if merge_first_row:  # one cell across the whole first row, as a table's title
        title = grid.cell(0, 0).merge(grid.cell(0, len(table[0]) - 1))
        title.text = table[0][0]
    if after:
        document.add_paragraph(after)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
