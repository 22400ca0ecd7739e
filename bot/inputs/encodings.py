"""Bytes of a text file -> str: a byte-order mark, else UTF-8, else a legacy 8-bit encoding.

Files from old Windows editors and exports are still cp1251, cp1252, KOI8-R...; the bytes do
not say which, so charset-normalizer guesses from letter statistics. On a short file several
encodings fit equally well (`Привет` in cp1251 is `Ïðèâåò` in cp1252, both "valid"), and the
user's language breaks the tie: legacy files come from the user's own locale.
"""

from __future__ import annotations

import codecs
import unicodedata

from charset_normalizer import from_bytes

from bot.inputs.errors import DocumentError
from bot.inputs.languages import language_hint

_BOMS = (  # UTF-32 first: its little-endian mark begins with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_BINARY_MAGIC = (b"\x89PNG\r\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"PK\x03\x04", b"\x7fELF")
_LEGACY_BY_LANGUAGE = {
    **dict.fromkeys(("ru", "uk", "be", "bg", "sr", "mk"), "cp1251"),
    **dict.fromkeys(("pl", "cs", "sk", "hu", "sl", "hr", "bs", "ro"), "cp1250"),
    **dict.fromkeys(("lt", "lv", "et"), "cp1257"),
    **dict.fromkeys(("tr", "az"), "cp1254"),
    **dict.fromkeys(("ar", "fa", "ur"), "cp1256"),
    "el": "cp1253",
    "he": "cp1255",
    "vi": "cp1258",
    "th": "cp874",
    "ja": "shift_jis",
    "zh": "gb18030",
    "ko": "cp949",
}
_WESTERN = "cp1252"
"""The legacy encoding of every other language (Windows' Western European, a superset of
Latin-1's printable characters)."""
_NEAR = 0.1
"""Candidates whose chaos (charset-normalizer's 0..1 mess score) is within this of the
best one's fit about as well; the language hint picks among them."""
_CONTROL_SHARE = 0.01
"""More than 1% control characters (besides tab, line and page breaks) is binary data."""
_SAMPLE = 100_000
"""Characters looked at for that (the start of the file is where a binary header is)."""


def decode_text(data: bytes, language: str | None = None) -> tuple[str, str]:
    """The text and the encoding it was read in; `language` is the user's IETF tag (`ru`,
    `pt-br`) used only to choose between equally plausible legacy encodings.

    Raises DocumentError("binary") when the bytes are not text in any encoding.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data[len(bom) :].decode(encoding)), encoding
            except UnicodeDecodeError:
                raise DocumentError("binary", f"not valid {encoding} after its mark") from None
    if data.startswith(_BINARY_MAGIC):
        raise DocumentError("binary", "the bytes are an image, archive or program")
    try:
        return _checked(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    return _legacy(data, language)


def _legacy(data: bytes, language: str | None) -> tuple[str, str]:
    if b"\x00" in data:
        raise DocumentError("binary", "NUL bytes outside UTF-16/32 with a byte-order mark")
    matches = list(from_bytes(data))
    if not matches:
        raise DocumentError("binary", "no text encoding fits the bytes")
    best = matches[0]
    preferred = _LEGACY_BY_LANGUAGE.get(language_hint(language) or "", _WESTERN)
    for match in matches:
        if match.chaos <= best.chaos + _NEAR and preferred in match.could_be_from_charset:
            return _checked(data.decode(preferred)), preferred
    return _checked(str(best)), best.encoding


def _checked(text: str) -> str:
    """Refuse text that is mostly control characters: random bytes decode in 8-bit codepages."""
    if not text:
        return text
    sample = text[:_SAMPLE]
    controls = sum(
        1
        for char in sample
        if unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn") and char not in "\t\n\r\f\v"
    )
    if controls > len(sample) * _CONTROL_SHARE:
        raise DocumentError("binary", f"{controls} control characters in {len(sample)}")
    return text.removeprefix("\ufeff")
