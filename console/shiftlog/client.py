"""The shift log's HTTP client: reads, writes and clears over the hub API, and the outbox.

Every request goes through the console's bounded HTTP (:mod:`console.sources.http`): TLS
verified unless told otherwise, a deadline and a size cap on every answer, the bearer token
sent as a header and never shown (:func:`~console.sources.http.redact` takes it out of
every message). Writes are not retried by the HTTP layer: a write that may not have
arrived waits in the :class:`~console.shiftlog.outbox.Outbox` and is sent again by
:meth:`LogClient.flush` with the same uid, which the hub keeps only once.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

from console.decode import DataError, loads_json
from console.shiftlog.decode import decode_entry, decode_log
from console.shiftlog.model import (
    LogEntry,
    LogSnapshot,
    NewEntry,
    new_uid,
    validate_name,
    validate_new,
    validate_uid,
)
from console.shiftlog.outbox import Outbox, OutboxItem
from console.sources.base import SourceError
from console.sources.http import (
    HUB_LIMITS,
    Limits,
    close_session,
    fetch,
    make_session,
    redact,
    remember_secret,
    split_credentials,
)

log = logging.getLogger(__name__)

BACKEND = "shift log"
MAX_PAGES = 1000
"""Most pages :meth:`LogClient.read_all` follows in one call (a million entries)."""


def read_pages(
    page: Callable[[int], LogSnapshot], since: int, pages: int, where: str = ""
) -> LogSnapshot:
    """Up to ``pages`` answers of ``page(rev)`` from revision ``since`` on, as one snapshot:
    each entry once, as it stood last (an entry cleared between two pages comes twice), and
    ``rev`` where the next read starts. A log whose revision went below ``since`` was
    replaced at the hub (its store restored or recreated): it is read again from its start.
    ``page`` raises when the log cannot be read; nothing is kept then."""
    entries: dict[str, LogEntry] = {}
    snap = None
    for _ in range(max(1, pages)):
        snap = page(since)
        if snap.rev < since:
            log.info("%s: shift log at rev %d, below %d read before; reading it again",
                     where, snap.rev, since)
            since, entries = 0, {}
            continue
        entries.update((e.uid, e) for e in snap.entries)
        moved, since = snap.rev != since, snap.rev
        if not snap.more or not moved:
            break
    assert snap is not None
    return LogSnapshot(time=snap.time, received=snap.received,
                       entries=tuple(entries.values()), rev=since, more=snap.more)


class LogHubError(Exception):
    """The hub did not take a shift-log request; ``str(err)`` says why in one line.
    ``status``: the HTTP status (None when no answer came)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class LogUnavailable(LogHubError):
    """No answer, or one that says "later" (5xx, 429): the write may be sent again."""


class LogAuthError(LogHubError):
    """The hub refused the token (401, 403): sent again once the token is put right."""


class NoShiftLog(LogHubError):
    """The hub keeps no shift log (``/api/v1/log`` answers 404)."""


class LogRefused(LogHubError):
    """The hub refused the request for good (a 4xx answer: a bad entry, an unknown rack, no
    such entry, a clear of an entry already cleared). For a second clear, ``cleared_by``
    and ``cleared_at`` say who cleared it and when."""

    def __init__(self, message: str, status: int | None = None,
                 cleared_by: str | None = None, cleared_at: float | None = None) -> None:
        super().__init__(message, status)
        self.cleared_by = cleared_by
        self.cleared_at = cleared_at


@dataclass(frozen=True, slots=True)
class Refusal:
    """A write the hub refused for good: it left the outbox."""

    item: OutboxItem
    reason: str
    status: int | None = None
    cleared_by: str | None = None
    cleared_at: float | None = None
    """A second clear: who cleared the entry and when (the hub's clock); else None."""


@dataclass(slots=True)
class FlushReport:
    """What one :meth:`LogClient.flush` did: entries the hub confirmed (``sent``: the
    entries as the hub keeps them, added or cleared), writes it refused for good
    (``refused``), writes still waiting (``pending``) and why they wait (``error``)."""

    sent: list[LogEntry] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    pending: int = 0
    error: str | None = None
    confirmed: list[tuple[OutboxItem, LogEntry]] = field(default_factory=list)
    """Each write the hub confirmed with the entry it answered (``sent``, with its write)."""


@dataclass(frozen=True, slots=True)
class Submitted:
    """A write handed to :meth:`LogClient.submit` or :meth:`LogClient.submit_clear`: its
    entry's ``uid``, the entry as the hub confirmed it (None while it waits), and the
    flush that tried to send it."""

    uid: str
    entry: LogEntry | None
    report: FlushReport


class LogClient:
    """The shift log of the hub at ``base_url`` (``http(s)://host[:port][/prefix]``).

    ``outbox``: where writes wait for the hub (:meth:`submit`, :meth:`flush`); without one
    only the direct calls (:meth:`add`, :meth:`clear`) write. Thread-safe.
    """

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        verify: bool | str = True,
        limits: Limits = HUB_LIMITS,
        *,
        outbox: Outbox | None = None,
        retries: int = 2,
        auth: tuple[str, str] | None = None,
    ) -> None:
        url, url_auth = split_credentials(base_url)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not a hub API URL: {redact(url)!r}")
        self.base = url.rstrip("/")
        self.limits = limits
        self.outbox = outbox
        remember_secret(token)
        auth = None if token else (auth or url_auth)
        self.session = make_session(retries=retries, verify=verify, auth=auth)
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"
        self._flush_lock = threading.Lock()

    def __repr__(self) -> str:  # never shows the token
        return f"LogClient({self.base!r})"

    # -- one request ------------------------------------------------------------------------
    def _request(self, method: str, path: str, *, what: str, **kwargs: Any) -> tuple[int, Any]:
        try:
            response = fetch(self.session, f"{self.base}{path}", backend=BACKEND, what=what,
                             limits=self.limits, method=method, **kwargs)
        except SourceError as exc:
            raise LogUnavailable(redact(str(exc))) from None
        status = response.status_code
        try:
            body = loads_json(response.content) if response.content else None
        except (DataError, ValueError):
            body = None
        if status < 400:
            if body is None:
                raise LogUnavailable(f"{BACKEND}: the answer to {what} is not JSON", status)
            return status, body
        reason = body.get("error") if isinstance(body, dict) else None
        detail = redact(" ".join(str(reason).split()))[:300] if reason else f"HTTP {status}"
        if status in (401, 403):
            raise LogAuthError(f"{BACKEND}: HTTP {status}: token refused (check HUB_TOKEN or "
                               "the config file)", status)
        if status == 429 or status >= 500:
            raise LogUnavailable(f"{BACKEND}: HTTP {status}: {detail}", status)
        if status == 404 and path.split("?")[0] == "/api/v1/log":
            raise NoShiftLog(f"{BACKEND}: this hub keeps no shift log ({self.base})", status)
        cleared_by = body.get("cleared_by") if isinstance(body, dict) else None
        cleared_at = body.get("cleared_at") if isinstance(body, dict) else None
        raise LogRefused(
            detail, status,
            cleared_by if isinstance(cleared_by, str) else None,
            float(cleared_at) if isinstance(cleared_at, int | float)
            and not isinstance(cleared_at, bool) else None,
        )

    def _entry(self, body: Any) -> LogEntry:
        try:
            return decode_entry(body)
        except DataError as exc:
            raise LogUnavailable(str(exc)) from None

    # -- reads ------------------------------------------------------------------------------
    def entries(
        self,
        since_rev: int = 0,
        *,
        open_only: bool = False,
        start: float | None = None,
        end: float | None = None,
    ) -> LogSnapshot:
        """One answer of ``GET /api/v1/log``: entries written or cleared after revision
        ``since_rev`` (its ``rev`` is where the next read starts; ``more``: more follow).
        LogHubError (NoShiftLog, LogAuthError, LogUnavailable) when it cannot be read."""
        params: dict[str, str] = {"since_rev": str(int(since_rev))}
        if open_only:
            params["open"] = "1"
        if start is not None:
            params["start"] = repr(float(start))
        if end is not None:
            params["end"] = repr(float(end))
        _, body = self._request("GET", "/api/v1/log", what="/api/v1/log", params=params)
        try:
            return decode_log(body)
        except DataError as exc:
            raise LogUnavailable(str(exc)) from None

    def read_all(
        self,
        since_rev: int = 0,
        *,
        open_only: bool = False,
        start: float | None = None,
        end: float | None = None,
    ) -> LogSnapshot:
        """Every page of :meth:`entries` from ``since_rev`` on, as one snapshot."""
        return read_pages(
            lambda rev: self.entries(rev, open_only=open_only, start=start, end=end),
            since_rev, MAX_PAGES, self.base)

    # -- direct writes ------------------------------------------------------------------------
    def add(
        self,
        text: str,
        category: str,
        links: Iterable[Any] = (),
        author: str = "",
        open: bool = False,  # noqa: A002 - the entry's field
        *,
        uid: str | None = None,
        racks: Container[str] | None = None,
    ) -> LogEntry:
        """Write an entry now: the entry as the hub keeps it. LogError (a ValueError) for
        an entry refused here, before anything is sent; LogRefused when the hub refuses it;
        LogUnavailable, LogAuthError or NoShiftLog when it cannot take it now."""
        entry = validate_new(text, category, tuple(links), author, open, racks)
        return self.post_entry(entry, validate_uid(uid) if uid else new_uid())

    def post_entry(self, entry: NewEntry, uid: str) -> LogEntry:
        """``POST /api/v1/log`` of a checked entry under ``uid`` (sent again: the same
        entry)."""
        _, body = self._request("POST", "/api/v1/log", what="POST /api/v1/log",
                                json=entry.to_body(uid))
        return self._entry(body)

    def clear(self, entry: int | str, who: str) -> LogEntry:
        """Clear the open item of id or uid ``entry`` in ``who``'s name: the entry as
        cleared. LogRefused (status 409, ``cleared_by``/``cleared_at`` set) when it was
        cleared already; 404 when the hub holds no such entry."""
        who = validate_name(who, "who")
        path = f"/api/v1/log/{quote(str(entry), safe='')}/clear"
        _, body = self._request("POST", path, what="POST /api/v1/log/{entry}/clear",
                                json={"who": who})
        return self._entry(body)

    # -- the outbox ---------------------------------------------------------------------------
    def _need_outbox(self) -> Outbox:
        if self.outbox is None:
            raise RuntimeError("this shift-log client has no outbox")
        return self.outbox

    def submit(
        self,
        text: str,
        category: str,
        links: Iterable[Any] = (),
        author: str = "",
        open: bool = False,  # noqa: A002 - the entry's field
        *,
        racks: Container[str] | None = None,
    ) -> Submitted:
        """Write an entry through the outbox: checked here (LogError before anything is
        kept), kept, then sent with whatever waits before it (:meth:`flush`). The entry is
        None in the answer while it waits for the hub."""
        outbox = self._need_outbox()
        entry = validate_new(text, category, tuple(links), author, open, racks)
        uid = new_uid()
        outbox.put("add", uid, entry.to_body(uid))
        report = self.flush()
        done = next((e for e in report.sent if e.uid == uid), None)
        return Submitted(uid, done, report)

    def submit_clear(self, uid: str, who: str) -> Submitted:
        """Clear the open item ``uid`` through the outbox (after its own add, when that
        still waits). The entry is None in the answer while the clear waits."""
        outbox = self._need_outbox()
        uid = validate_uid(uid)
        outbox.put("clear", uid, {"who": validate_name(who, "who")})
        report = self.flush()
        done = next((e for e in report.sent if e.uid == uid and e.cleared), None)
        return Submitted(uid, done, report)

    def flush(self) -> FlushReport:
        """Send what waits in the outbox, oldest first, until the hub stops answering: a
        write leaves once the hub confirmed it, or refused it for good (then it is in
        ``refused``, with the hub's reason, and logged). Never raises for the hub."""
        report = FlushReport()
        outbox = self.outbox
        if outbox is None:
            return report
        with self._flush_lock:
            items = outbox.pending()
            if items:
                try:  # a hub that keeps no log would answer every write "404": ask first
                    self.entries(since_rev=2**53 - 1)
                except LogHubError as exc:
                    report.error = str(exc)
                    outbox.note_failure(items[0].seq, str(exc))  # why the first one waits
                    items = []
            for item in items:
                try:
                    entry = self._send(item)
                    report.sent.append(entry)
                    report.confirmed.append((item, entry))
                except LogRefused as exc:
                    reason = str(exc)
                    log.warning("shift log: the hub refused a kept %s of entry %s: %s",
                                item.action, item.uid, reason)
                    report.refused.append(Refusal(item, reason, exc.status, exc.cleared_by,
                                                  exc.cleared_at))
                except LogHubError as exc:
                    report.error = str(exc)
                    outbox.note_failure(item.seq, str(exc))
                    break
                outbox.remove(item.seq)
            report.pending = len(outbox)
        return report

    def _send(self, item: OutboxItem) -> LogEntry:
        if item.action == "add":
            _, body = self._request("POST", "/api/v1/log", what="POST /api/v1/log",
                                    json=dict(item.body))
            return self._entry(body)
        return self.clear(item.uid, str(item.body.get("who", "")))

    def abort(self) -> None:
        """End the requests under way on other threads now, and release the connections."""
        close_session(self.session)

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> LogClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def entry_json(entry: LogEntry) -> str:
    """One entry as a line of JSON (what ``main.py log list`` prints without ``--csv``)."""
    return json.dumps(entry.to_dict(), ensure_ascii=False, separators=(",", ":"))
