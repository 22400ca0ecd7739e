"""Pictures made ready for a model: small ones kept, large ones scaled, bad ones refused."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from bot.pictures import MAX_SIDE, PictureError, prepare


def encoded(size: tuple[int, int], fmt: str, mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, format=fmt)
    return out.getvalue()


def test_a_small_png_goes_as_it_is_with_its_real_type() -> None:
    data = encoded((300, 200), "PNG")
    picture = prepare(data, "image/jpeg")  # Telegram's label is not what the bytes are
    assert picture.data == data and picture.mime == "image/png"
    assert picture.data_url().startswith("data:image/png;base64,")


def test_a_large_or_unusual_picture_is_scaled_to_jpeg() -> None:
    picture = prepare(encoded((5000, 1000), "PNG"), "image/png")
    assert picture.mime == "image/jpeg"
    with Image.open(io.BytesIO(picture.data)) as image:
        assert image.size == (MAX_SIDE, 410)
    gif = prepare(encoded((100, 100), "GIF", "P"), "image/gif")
    assert gif.mime == "image/jpeg"


def test_what_is_not_a_picture_is_refused() -> None:
    with pytest.raises(PictureError) as caught:
        prepare(b"this is not an image", "image/png")
    assert caught.value.reason == "unreadable"


def test_a_decompression_bomb_is_refused_before_decoding() -> None:
    bomb = encoded((10_000, 10_000), "PNG", "1")  # tiny file, 100 megapixels
    with pytest.raises(PictureError) as caught:
        prepare(bomb, "image/png")
    assert caught.value.reason == "too_big"
