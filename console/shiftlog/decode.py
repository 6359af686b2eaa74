"""The hub's shift-log answers read as entries (``GET /api/v1/log``, a written entry).

Numbers that cannot be right refuse the whole answer (so one bad answer never moves the
client's revision): an id, a revision or ``rev`` that is not a whole number from 0 to
2^53 - 1, a time that is no plausible date, an entry changed after the answer's own
revision. Text is made plain (:func:`console.shiftlog.model.clean_text`, then cut to its
limit as :func:`console.clean.text` cuts); links of kinds this console does not know are
left out, and so is an unknown category's meaning: it is kept as (cleaned) text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from console import clean
from console.contract import MAX_EVENT_ID
from console.decode import DataError
from console.model import EPOCH_LIMITS
from console.shiftlog.model import (
    LINK_KINDS,
    MAX_AUTHOR,
    MAX_LINKS,
    MAX_REF,
    MAX_TEXT,
    LogEntry,
    LogSnapshot,
    clean_text,
    finite_time,
)

_KIND = "shift log"


def _whole(value: Any, what: str, low: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= MAX_EVENT_ID:
        raise DataError(f"{_KIND}: {what} {clean.text(repr(value), 40)} is not a whole number "
                        f"from {low} to 2^53 - 1")
    return value


def _time(value: Any, what: str) -> float:
    t = finite_time(value)
    if t is None or not EPOCH_LIMITS[0] <= t <= EPOCH_LIMITS[1]:
        raise DataError(f"{_KIND}: {what} {clean.text(repr(value), 40)} is not a plausible time")
    return t


def _line(value: Any, limit: int) -> str:
    text = clean.text(value, limit) if isinstance(value, str) else None
    return " ".join(text.split()) if text else ""


def decode_entry(payload: Any) -> LogEntry:
    """One entry as the hub sends it (``LOG_ENTRY_FIELDS``); DataError when it cannot be
    trusted."""
    if not isinstance(payload, Mapping):
        raise DataError(f"{_KIND}: an entry must be a JSON object, got {type(payload).__name__}")
    missing = [k for k in ("id", "uid", "rev", "time", "text") if k not in payload]
    if missing:
        raise DataError(f"{_KIND}: an entry lacks {', '.join(missing)}")
    uid = payload["uid"]
    if not isinstance(uid, str) or not 0 < len(uid) <= 64 or clean.has_bad_chars(uid):
        raise DataError(f"{_KIND}: an entry's uid must be text of 1 to 64 characters")
    body = payload["text"]
    if not isinstance(body, str):
        raise DataError(f"{_KIND}: an entry's text must be text")
    body = clean_text(body[: 4 * MAX_TEXT])
    if len(body) > MAX_TEXT:
        body = body[: MAX_TEXT - 1] + clean.ELLIPSIS
    links: list[tuple[str, str]] = []
    raw_links = payload.get("links")
    for link in raw_links[: 4 * MAX_LINKS] if isinstance(raw_links, list) else ():
        if not isinstance(link, Mapping) or link.get("kind") not in LINK_KINDS:
            continue
        ref = _line(link.get("ref"), MAX_REF)
        if ref and (link["kind"], ref) not in links and len(links) < MAX_LINKS:
            links.append((str(link["kind"]), ref))
    cleared_at = payload.get("cleared_at")
    cleared = None if cleared_at is None else _time(cleared_at, "cleared_at")
    is_open = payload.get("open")
    return LogEntry(
        id=_whole(payload["id"], "entry id", 1),
        uid=uid,
        rev=_whole(payload["rev"], "entry rev"),
        time=_time(payload["time"], "entry time"),
        author=_line(payload.get("author"), MAX_AUTHOR),
        category=_line(payload.get("category"), MAX_AUTHOR).lower(),
        text=body,
        links=tuple(links),
        open=is_open is True,
        cleared_by=(_line(payload.get("cleared_by"), MAX_AUTHOR) or "?") if cleared else None,
        cleared_at=cleared,
    )


def decode_log(payload: Any, received: float | None = None) -> LogSnapshot:
    """Decode ``GET /api/v1/log``: ``{"time", "rev", "entries", "more"?}``."""
    if not isinstance(payload, Mapping):
        raise DataError(f"{_KIND}: expected a JSON object, got {type(payload).__name__}")
    missing = [k for k in ("time", "rev", "entries") if k not in payload]
    if missing:
        raise DataError(f"{_KIND}: missing field(s) {', '.join(missing)}")
    t = _time(payload["time"], "time")
    rev = _whole(payload["rev"], "rev")
    raw = payload["entries"]
    if not isinstance(raw, list):
        raise DataError(f"{_KIND}: 'entries' must be a list")
    entries = tuple(decode_entry(e) for e in raw)
    late = [e.rev for e in entries if e.rev > rev]
    if late:
        raise DataError(f"{_KIND}: an entry of rev {late[0]} is newer than the answer's rev {rev}")
    more = payload.get("more", False)
    options: dict[str, Any] = {} if received is None else {"received": received}
    return LogSnapshot(time=t, entries=entries, rev=rev, more=more is True, **options)
