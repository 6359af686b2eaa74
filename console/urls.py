"""URLs as shown: without the user info (``user:password@``) a source URL may carry.

Neutral ground for the windows and the sources alike (:mod:`console.sources.http`
re-exports it), so what shows a URL need not import the sources.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

SOURCES_JOINED = " + "
"""How the URLs of a source read from several backends (Prometheus + Slurm) are joined
into the one label the window, the cache and the logs name it by."""

USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@]+@")
"""``scheme://user[:password]@`` (the user info in group-less form, the scheme in group 1)."""


def hide_userinfo(text: str) -> str:
    """Every ``scheme://user[:password]@`` in ``text`` without its user info (for labels
    that name one or more URLs)."""
    return USERINFO.sub(r"\1", text)


def safe_url(url: str) -> str:
    """A source URL (or several joined by :data:`SOURCES_JOINED`) with user, password,
    query and fragment removed (never a secret); a port that is no number is left out.
    It never raises. The cache keeps its source so (``console.cache.store``)."""
    return SOURCES_JOINED.join(_safe_one(part) for part in url.split(SOURCES_JOINED))


def _safe_one(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:  # an unclosed IPv6 bracket: nothing of it can be trusted
        return ""
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    if port:
        host = f"{host}:{port}"
    return parts._replace(netloc=host, query="", fragment="").geturl()
