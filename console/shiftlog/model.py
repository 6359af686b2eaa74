"""Shift-log entries, the poll snapshot that carries them, and the check of a new entry.

An entry is plain text: control characters other than line feed and tab are taken out
(carriage returns become line feeds), so is the bidirectional override and isolate
characters' power to reorder what others read; nothing in it is ever interpreted (no
markup, no formula). The limits and words come from the hub API contract
(:mod:`console.contract`), which the hub checks with the same function
(:func:`validate_new`).
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from console.clean import BAD_CHARS
from console.contract import (
    LOG_CATEGORIES,
    LOG_LINK_KINDS,
    LOG_MAX_AUTHOR_CHARS,
    LOG_MAX_LINKS,
    LOG_MAX_REF_CHARS,
    LOG_MAX_TEXT_CHARS,
)
from console.model import Snapshot

CATEGORIES: tuple[str, ...] = LOG_CATEGORIES
"""An entry's category: operations, maintenance, safety, customer."""
LINK_KINDS: tuple[str, ...] = LOG_LINK_KINDS
"""What an entry links to: rack, alarm, incident, job."""
MAX_TEXT = LOG_MAX_TEXT_CHARS
"""Longest entry text, in characters."""
MAX_AUTHOR = LOG_MAX_AUTHOR_CHARS
"""Longest author (or clearer) name, in characters."""
MAX_LINKS = LOG_MAX_LINKS
"""Most links of one entry."""
MAX_REF = LOG_MAX_REF_CHARS
"""Longest link reference, in characters."""

Link = tuple[str, str]
"""``(kind, ref)``: ``("rack", "A-01-03")``, ``("job", "48213")``."""


class LogError(ValueError):
    """A log entry (or clear) refused; ``str(err)`` says why in one line."""


class LogNotFound(LogError):
    """No such entry (a clear of an entry the hub does not hold)."""


class LogConflict(LogError):
    """A clear that cannot be made: the entry was cleared already (``cleared_by`` and
    ``cleared_at`` say by whom and when), or it is no open item (both None)."""

    def __init__(self, message: str, cleared_by: str | None = None,
                 cleared_at: float | None = None) -> None:
        super().__init__(message)
        self.cleared_by = cleared_by
        self.cleared_at = cleared_at


def already_cleared(entry_id: int, cleared_by: str, cleared_at: float) -> LogConflict:
    """The refusal of a second clear: names who cleared the entry and when."""
    return LogConflict(
        f"entry {entry_id} already cleared by {cleared_by} at {utc_hhmm(cleared_at)}",
        cleared_by, cleared_at,
    )


def utc_hhmm(t: float) -> str:
    """``t`` (epoch seconds) as ``HH:MM UTC`` (``YYYY-MM-DD HH:MM UTC`` when not today)."""
    try:
        when = datetime.fromtimestamp(float(t), UTC)
    except (OverflowError, OSError, ValueError):
        return f"{t!r} (epoch seconds)"
    if when.date() == datetime.now(UTC).date():
        return when.strftime("%H:%M UTC")
    return when.strftime("%Y-%m-%d %H:%M UTC")


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One entry of the shift log, as the hub keeps it."""

    id: int
    """The hub's number for the entry (may differ from one hub to another)."""
    uid: str
    """The writer's UUID4: the key a repeated write is known by, on every hub."""
    time: float
    """When the hub took it (epoch seconds, the hub's clock)."""
    author: str
    category: str
    text: str
    links: tuple[Link, ...] = ()
    open: bool = False
    """An open item: carried forward at every handover until cleared."""
    cleared_by: str | None = None
    cleared_at: float | None = None
    """When it was cleared (epoch seconds, the hub's clock); None while it is not."""
    rev: int = 0
    """The hub's change counter when the entry was last written (created or cleared)."""

    @property
    def cleared(self) -> bool:
        return self.cleared_at is not None

    @property
    def is_open(self) -> bool:
        """An open item not cleared (yet)."""
        return self.open and self.cleared_at is None

    def open_at(self, t: float) -> bool:
        """Whether this was an open item, not yet cleared, at ``t``."""
        return (self.open and self.time <= t
                and (self.cleared_at is None or self.cleared_at > t))

    def as_of(self, t: float) -> LogEntry | None:
        """The entry as it stood at ``t``: None before it was written; without its clear
        when that came later."""
        if self.time > t:
            return None
        if self.cleared_at is not None and self.cleared_at > t:
            return replace(self, cleared_by=None, cleared_at=None)
        return self

    def refs(self, kind: str) -> tuple[str, ...]:
        """The references of the links of one kind (``entry.refs("rack")``)."""
        return tuple(ref for k, ref in self.links if k == kind)

    def to_dict(self) -> dict[str, Any]:
        """The entry as the hub API sends it (``LOG_ENTRY_FIELDS``)."""
        return {
            "id": self.id,
            "uid": self.uid,
            "rev": self.rev,
            "time": self.time,
            "author": self.author,
            "category": self.category,
            "text": self.text,
            "links": [{"kind": k, "ref": r} for k, r in self.links],
            "open": self.open,
            "cleared_by": self.cleared_by,
            "cleared_at": self.cleared_at,
        }


@dataclass(frozen=True, slots=True)
class NewEntry:
    """A new entry, checked and cleaned (:func:`validate_new`), before the hub numbers it."""

    author: str
    category: str
    text: str
    links: tuple[Link, ...] = ()
    open: bool = False

    def to_body(self, uid: str) -> dict[str, Any]:
        """The body of ``POST /api/v1/log``."""
        return {
            "uid": uid,
            "author": self.author,
            "category": self.category,
            "text": self.text,
            "links": [{"kind": k, "ref": r} for k, r in self.links],
            "open": self.open,
        }


@dataclass(frozen=True, slots=True)
class LogSnapshot(Snapshot):
    """Shift-log entries written or cleared since the client's last read (a poll's
    answer): ``rev`` is where the next read starts; ``more`` says the hub holds more
    changes than one answer carries."""

    entries: tuple[LogEntry, ...] = ()
    rev: int = 0
    more: bool = False

    kind = "log"


# -- checking what a writer sends -----------------------------------------------------------------


def clean_text(value: str) -> str:
    """Entry text made plain: line ends as line feeds, control characters other than line
    feed and tab (and the bidi overrides and isolates) taken out, outer blanks stripped."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return BAD_CHARS.sub("", value).strip()


def _one_line(value: Any, what: str, limit: int, *, required: bool = True) -> str:
    if not isinstance(value, str):
        raise LogError(f"{what} must be text")
    value = " ".join(BAD_CHARS.sub("", value).split())
    if not value and required:
        raise LogError(f"{what} is empty")
    if len(value) > limit:
        raise LogError(f"{what} is {len(value)} characters long; at most {limit}")
    return value


def validate_name(value: Any, what: str = "author") -> str:
    """A person's name (author, who cleared): one line, 1 to ``MAX_AUTHOR`` characters."""
    return _one_line(value, what, MAX_AUTHOR)


def validate_uid(value: Any) -> str:
    """A writer's entry UUID in its canonical form; LogError for anything else."""
    if not isinstance(value, str) or len(value) > 64:
        raise LogError("uid must be a UUID (text such as 1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b)")
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise LogError(f"uid {value[:40]!r} is not a UUID") from None


def new_uid() -> str:
    """A fresh entry UUID (version 4)."""
    return str(uuid.uuid4())


def _pairs(links: Any) -> list[tuple[Any, Any]]:
    if links is None:
        return []
    if isinstance(links, str | bytes | Mapping) or not isinstance(links, Iterable):
        raise LogError("links must be a list of {kind, ref}")
    out = []
    for link in links:
        if isinstance(link, Mapping):
            out.append((link.get("kind"), link.get("ref")))
        elif isinstance(link, list | tuple) and len(link) == 2:
            out.append((link[0], link[1]))
        else:
            raise LogError("links must be a list of {kind, ref}")
        if len(out) > MAX_LINKS:
            raise LogError(f"an entry links to at most {MAX_LINKS} things")
    return out


def validate_links(links: Any, racks: Container[str] | None = None) -> tuple[Link, ...]:
    """Links checked: known kinds, one-line references, at most ``MAX_LINKS`` (repeats
    dropped); a rack link must name a rack of ``racks`` when given."""
    out: list[Link] = []
    for kind, ref in _pairs(links):
        if not isinstance(kind, str) or kind.strip().lower() not in LINK_KINDS:
            shown = kind if isinstance(kind, str) else type(kind).__name__
            raise LogError(f"unknown link kind {str(shown)[:40]!r}; choose "
                           f"{', '.join(LINK_KINDS[:-1])} or {LINK_KINDS[-1]}")
        kind = kind.strip().lower()
        if isinstance(ref, int) and not isinstance(ref, bool):
            ref = str(ref)
        ref = _one_line(ref, f"{kind} link", MAX_REF)
        if kind == "rack" and racks is not None and ref not in racks:
            raise LogError(f"no rack {ref!r} in the site topology")
        if (kind, ref) not in out:
            out.append((kind, ref))
    return tuple(out)


def validate_category(value: Any) -> str:
    """One of ``CATEGORIES`` (any case, outer blanks ignored)."""
    word = value.strip().lower() if isinstance(value, str) else None
    if word not in CATEGORIES:
        shown = value[:40] if isinstance(value, str) else value
        raise LogError(f"unknown category {shown!r}; choose "
                       f"{', '.join(CATEGORIES[:-1])} or {CATEGORIES[-1]}")
    return word


def validate_new(
    text: Any,
    category: Any,
    links: Any = (),
    author: Any = "",
    open: Any = False,  # noqa: A002 - the entry's field
    racks: Container[str] | None = None,
) -> NewEntry:
    """A new entry checked and cleaned, or :class:`LogError` with a one-line reason: text
    that is not text, empty or over ``MAX_TEXT`` characters (after cleaning), an unknown
    category, an unknown link kind, a rack link to a rack not in ``racks`` (when given),
    more than ``MAX_LINKS`` links, an empty or too long author. ``racks``: the rack ids
    of the site (e.g. ``SiteTopology.rack_index``); None checks no rack."""
    if not isinstance(text, str):
        raise LogError("entry text must be text")
    if len(text) > 8 * MAX_TEXT:  # bounded work on absurd text
        raise LogError(f"entry text is {len(text)} characters long; at most {MAX_TEXT}")
    body = clean_text(text)
    if not body:
        raise LogError("entry text is empty")
    if len(body) > MAX_TEXT:
        raise LogError(f"entry text is {len(body)} characters long; at most {MAX_TEXT}")
    word = validate_category(category)
    if not isinstance(open, bool):
        raise LogError("open must be true or false")
    return NewEntry(
        author=validate_name(author, "author"),
        category=word,
        text=body,
        links=validate_links(links, racks),
        open=open,
    )


def finite_time(value: Any) -> float | None:
    """``value`` as epoch seconds when it is a finite number (not a boolean), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    value = float(value)
    return value if math.isfinite(value) else None
