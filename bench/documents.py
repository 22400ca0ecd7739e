"""Document benchmark: how long reading what users send takes (the bot does it in a thread).

    python -m bench.documents

A 100-page PDF (fpdf2, DejaVu Sans embedded, each page about 2,500 characters of English and
Russian prose), the same text as a DOCX with a table every ten paragraphs, and a 1 MB text file
in cp1251 (the encoding must be guessed) are each read by `extract()` with the default limit
(MAX_DOCUMENT_CHARS = 20,000) and with no practical limit. Printed per file: wall and CPU
seconds (median of `--runs`), characters read, characters kept.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import time

import docx

from bot.inputs.documents import extract
from tests.support.documents import pdf_with_text

PARAGRAPH = (
    "The committee met on Tuesday to review the budget for the coming year. "
    "Комитет собрался во вторник, чтобы рассмотреть бюджет на следующий год. "
)


def page(number: int) -> str:
    return f"Page {number}. " + PARAGRAPH * 17


def docx_file(pages: int) -> bytes:
    document = docx.Document()
    for number in range(1, pages + 1):
        document.add_heading(f"Section {number}", level=2)
        document.add_paragraph(page(number))
        if number % 10 == 0:
            table = document.add_table(rows=3, cols=3)
            for row in table.rows:
                for cell in row.cells:
                    cell.text = "42"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores", flush=True)
    made = time.perf_counter()
    files = {
        "report.pdf": pdf_with_text([page(n) for n in range(1, 101)]),
        "report.docx": docx_file(100),
        "notes.txt": (PARAGRAPH * 7000).encode("cp1251", errors="replace")[: 1024 * 1024],
    }
    print(f"<!-- files made in {time.perf_counter() - made:.1f} s -->")
    print("| file | size (KB) | limit | wall (s) | CPU (s) | characters read | kept |")
    print("|---|---|---|---|---|---|---|")
    for name, data in files.items():
        for limit in (20_000, 10_000_000):
            walls, cpus = [], []
            for _ in range(args.runs):
                cpu, started = time.process_time(), time.perf_counter()
                extracted = extract(data, name, None, limit, language="ru")
                walls.append(time.perf_counter() - started)
                cpus.append(time.process_time() - cpu)
            print(
                f"| {name} | {len(data) / 1024:.0f} | {limit:,} | "
                f"{statistics.median(walls):.2f} | {statistics.median(cpus):.2f} | "
                f"{extracted.total_chars:,} | {extracted.kept_chars:,} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
