"""A web page where an API answer was expected (a proxy's error page, a captive portal, a dead
service's parking page): name it by its title, so the log says what answered, never all of it."""

from __future__ import annotations

import re

_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def page_title(html: str, limit: int = 120) -> str | None:
    """The page's `<title>`, whitespace collapsed and cut at `limit` characters; None if none."""
    found = _TITLE.search(html)
    if found is None:
        return None
    return " ".join(found.group(1).split())[:limit]
