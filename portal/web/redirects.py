"""The one safe-redirect rule: every `next`, language link and return path goes through it.

A target is allowed only if it is a path on this site: it starts with one slash, and holds no
backslash, no control character, no space and nothing outside printable ASCII. Browsers read
`/\\evil.example` and `/<TAB>/evil.example` as `//evil.example` (another site) and drop tabs
and newlines silently, so those are refused rather than "cleaned"; a CR or LF would also split
the Location header.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

_MAX = 2048


def is_safe_path(target: str) -> bool:
    if not target or len(target) > _MAX or not target.startswith("/"):
        return False
    if target.startswith("//") or "\\" in target:
        return False
    if not all(0x21 <= ord(ch) <= 0x7E for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_path(target: str | None, fallback: str) -> str:
    """`target` if it is a path on this site, else `fallback`."""
    return target if target is not None and is_safe_path(target) else fallback


def path_of_request(path: str, fallback: str = "/") -> str:
    """A request's (decoded) path, encoded again so it is safe to link to: `/\\evil` becomes
    `/%5Cevil`, still this site; a path that is still not safe (`//evil`) gives `fallback`."""
    return safe_path(quote(path, safe="/:@!$&'()*+,;=-._~"), fallback)
