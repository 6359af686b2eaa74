"""A live console's shift-log writes: kept in the outbox, sent to the hub, told back.

:class:`LogWriter` keeps an operator's entries and clears in the outbox
(:mod:`console.shiftlog.outbox`: in the console's cache file once it is open, in memory
until then) and sends them with :meth:`~console.shiftlog.client.LogClient.flush`, oldest
first. Each flush is told as a :class:`LogWriteReport`: the writes the hub took (sent),
those it refused for good (with its reason; a second clear names who cleared the entry
and when) and those that wait for it (queued: kept, sent when the hub answers).

:meth:`LogWriter.add` and :meth:`LogWriter.clear` only keep the write (local, quick: the
session's thread); :meth:`LogWriter.flush` talks to the hub (a lane's thread, or the
session's when it has none). The two may run on different threads at once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from console.shiftlog.model import (
    LogEntry,
    NewEntry,
    new_uid,
    validate_name,
    validate_uid,
)
from console.shiftlog.outbox import Outbox, OutboxItem

if TYPE_CHECKING:  # the client (and requests with it) is imported by whoever makes one
    from console.shiftlog.client import FlushReport, LogClient

log = logging.getLogger(__name__)

SENT = "sent"
"""The hub confirmed the write."""
QUEUED = "queued"
"""The hub did not answer: the write is kept and sent when it answers."""
REFUSED = "refused"
"""The hub (or this console) refused the write for good; it left the outbox."""


@dataclass(frozen=True, slots=True)
class LogWrite:
    """What became of one write: an entry added (``action`` "add") or an open item cleared
    ("clear") of the entry ``uid``."""

    action: str
    uid: str
    outcome: str
    """:data:`SENT`, :data:`QUEUED` or :data:`REFUSED`."""
    requested: bool = False
    """A write asked for in this run of the console (False: one kept by an earlier run,
    sent or refused now)."""
    entry: LogEntry | None = None
    """Sent: the entry as the hub keeps it (cleared, for a clear)."""
    draft: NewEntry | None = None
    """An add: the entry as written (None for a clear)."""
    who: str = ""
    """A clear: in whose name."""
    reason: str | None = None
    """Refused: why (the hub's words); queued: why it waits."""
    cleared_by: str | None = None
    cleared_at: float | None = None
    """A clear refused because the entry was cleared already: by whom and when (the hub's
    clock); else None."""


@dataclass(frozen=True, slots=True)
class LogWriteReport:
    """One flush of the outbox (after a write, or before a poll of the log)."""

    writes: tuple[LogWrite, ...] = ()
    pending: int = 0
    """Writes still waiting for the hub after this flush."""
    error: str | None = None
    """Why they wait (the hub's answer, or its silence); None when none waits."""

    def of(self, outcome: str) -> tuple[LogWrite, ...]:
        return tuple(w for w in self.writes if w.outcome == outcome)

    @property
    def requested(self) -> LogWrite | None:
        """The write the operator asked for just now, when this report is about one."""
        return next((w for w in self.writes if w.requested), None)


def refusal(action: str, uid: str, reason: str, draft: NewEntry | None = None,
            who: str = "") -> LogWriteReport:
    """A report of a write refused before it was kept (no shift log here, a bad name)."""
    return LogWriteReport((LogWrite(action, uid, REFUSED, True, draft=draft, who=who,
                                    reason=reason),))


def _draft(item: OutboxItem) -> NewEntry | None:
    body = item.body
    if item.action != "add":
        return None
    try:
        links = tuple((str(link["kind"]), str(link["ref"])) for link in body.get("links", ()))
        return NewEntry(author=str(body["author"]), category=str(body["category"]),
                        text=str(body["text"]), links=links, open=body.get("open") is True)
    except (KeyError, TypeError, ValueError):
        return None


def _who(item: OutboxItem) -> str:
    return str(item.body.get("who", "")) if item.action == "clear" else ""


class LogWriter:
    """The writes of one console to the shift log of ``client``'s hub."""

    def __init__(self, client: LogClient, outbox_path: str | Path | None = None) -> None:
        self.client = client
        self._lock = threading.Lock()
        self._asked: set[tuple[str, str]] = set()
        """The writes asked for in this run and not answered yet."""
        self._asked_lock = threading.Lock()
        client.outbox = Outbox(outbox_path)

    @property
    def outbox(self) -> Outbox:
        outbox = self.client.outbox
        assert outbox is not None
        return outbox

    @property
    def path(self) -> Path | None:
        """The outbox's file (None: kept in memory)."""
        return self.outbox.path

    def use_file(self, path: str | Path) -> None:
        """Keep the outbox in ``path`` (the cache file, once it is open): writes kept in
        memory until now move there, in order."""
        with self._lock:
            old = self.outbox
            if old.path is not None and Path(path) == old.path:
                return
            new = Outbox(path)
            for item in old.pending():
                new.put(item.action, item.uid, item.body)
            self.client.outbox = new
            old.close()

    def add(self, entry: NewEntry) -> str:
        """Keep a new entry for the hub (sent at the next :meth:`flush`); its uid."""
        uid = new_uid()
        with self._asked_lock:
            self._asked.add(("add", uid))
        self.outbox.put("add", uid, entry.to_body(uid))
        return uid

    def clear(self, uid: str, who: str) -> str:
        """Keep the clear of the open item ``uid`` in ``who``'s name; its uid (canonical).
        LogError for a uid or a name that cannot be sent."""
        uid = validate_uid(uid)
        body = {"who": validate_name(who, "who")}
        with self._asked_lock:
            self._asked.add(("clear", uid))
        self.outbox.put("clear", uid, body)
        return uid

    def _answered(self, key: tuple[str, str]) -> bool:
        """Whether ``key`` was asked for in this run (it is answered now)."""
        with self._asked_lock:
            asked = key in self._asked
            self._asked.discard(key)
        return asked

    def flush(self, requested: Iterable[tuple[str, str]] = ()) -> LogWriteReport:
        """Send what waits, oldest first; never raises for the hub. ``requested``: the
        ``(action, uid)`` of the writes the operator just asked for, told as queued when
        they still wait; every write is told when the hub took or refused it (``requested``
        True for those asked for in this run)."""
        wanted = set(requested)
        with self._lock:
            flushed: FlushReport = self.client.flush()
            waiting = {(i.action, i.uid): i for i in self.outbox.pending()} if wanted else {}
        writes: list[LogWrite] = []
        for item, entry in flushed.confirmed:
            key = (item.action, item.uid)
            writes.append(LogWrite(item.action, item.uid, SENT, self._answered(key),
                                   entry=entry, draft=_draft(item), who=_who(item)))
            wanted.discard(key)
        for refused in flushed.refused:
            item = refused.item
            key = (item.action, item.uid)
            writes.append(LogWrite(item.action, item.uid, REFUSED, self._answered(key),
                                   draft=_draft(item), who=_who(item), reason=refused.reason,
                                   cleared_by=refused.cleared_by,
                                   cleared_at=refused.cleared_at))
            wanted.discard(key)
        for key in sorted(wanted):
            kept = waiting.get(key)
            if kept is not None:
                writes.append(LogWrite(kept.action, kept.uid, QUEUED, True, draft=_draft(kept),
                                       who=_who(kept), reason=flushed.error))
        return LogWriteReport(tuple(writes), flushed.pending, flushed.error)

    def abort(self) -> None:
        """End the requests under way (the console is closing): a write that may have
        reached the hub stays kept, and is sent again with its uid at the next start."""
        self.client.abort()

    def close(self) -> None:
        """Close the outbox and the client (writes kept in the file stay for the next
        start)."""
        with self._lock:
            self.outbox.close()
            self.client.close()
