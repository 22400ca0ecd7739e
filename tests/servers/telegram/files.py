"""Users' files: what getFile describes and the file URL serves.

Telegram gives a bot a ``file_id`` in each photo or document; ``getFile`` turns it into a
``file_path`` and the bytes are then fetched from ``/file/bot{token}/{file_path}``. The Bot API
refuses to hand out files over 20 MB ("file is too big"). Imitated: ids, unique ids, sizes,
paths issued on the first getFile (``photos/file_0.jpg``), the size limit. Not imitated: files
the bot uploads (sendPhoto and friends are not served), thumbnails, real image scaling (every
size of a photo serves the same bytes) and the expiry of file paths.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.servers.telegram.errors import bad

__all__ = ["MAX_DOWNLOAD_BYTES", "File", "Files"]

MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024  # getFile refuses bigger files on Telegram's own server


@dataclass
class File:
    """A file a user sent; ``path`` is issued by getFile, as Telegram does."""

    file_id: str
    file_unique_id: str
    data: bytes
    folder: str  # "photos", "documents"
    suffix: str  # ".jpg", ".pdf", ""
    path: str | None = None

    def describe(self) -> dict[str, Any]:
        """The fields every Telegram file object carries."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
        }


class Files:
    """Every file users sent, by id and by the path getFile issued; downloads in order."""

    def __init__(self) -> None:
        self._by_id: dict[str, File] = {}
        self._by_path: dict[str, File] = {}
        self.downloads: list[str] = []  # file paths served, in order

    def add(self, data: bytes, folder: str, suffix: str) -> File:
        """Store ``data`` as a new file in ``folder`` ("photos", "documents")."""
        number = len(self._by_id)
        file = File(f"{folder[:-1]}-file-{number}", f"u{number}", data, folder, suffix)
        self._by_id[file.file_id] = file
        return file

    def photo_size(self, image: bytes, width: int, height: int) -> dict[str, Any]:
        """A PhotoSize of ``width`` x ``height`` that serves ``image``."""
        file = self.add(image, "photos", ".jpg")
        return {**file.describe(), "width": width, "height": height}

    def get_file(self, file_id: Any) -> dict[str, Any]:
        """getFile: the File object with its path, or Telegram's 400."""
        file = self._by_id.get(file_id) if isinstance(file_id, str) else None
        if file is None:
            raise bad("invalid file_id")
        if len(file.data) > MAX_DOWNLOAD_BYTES:
            raise bad("file is too big")
        if file.path is None:
            file.path = f"{file.folder}/file_{len(self._by_path)}{file.suffix}"
            self._by_path[file.path] = file
        return {**file.describe(), "file_path": file.path}

    def download(self, path: str) -> bytes | None:
        """The bytes at a path getFile issued (recorded in ``downloads``), or None."""
        file = self._by_path.get(path)
        if file is None:
            return None
        self.downloads.append(path)
        return file.data
