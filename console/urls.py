"""URLs as shown: without the user info (``user:password@``) a source URL may carry.

Neutral ground for the windows and the sources alike (:mod:`console.sources.http`
re-exports it), so what shows a URL need not import the sources.
"""

from __future__ import annotations

import re

SOURCES_JOINED = " + "
"""How the URLs of a source read from several backends (Prometheus + Slurm) are joined
into the one label the window, the cache and the logs name it by."""

USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@]+@")
"""``scheme://user[:password]@`` (the user info in group-less form, the scheme in group 1)."""


def hide_userinfo(text: str) -> str:
    """Every ``scheme://user[:password]@`` in ``text`` without its user info (for labels
    that name one or more URLs)."""
    return USERINFO.sub(r"\1", text)
