"""Versions of the job queue, so a client fetches only the jobs that changed.

The full queue is thousands of jobs (about 2.4 MB of JSON at full scale) while a
few dozen change between two polls. Every answer of ``GET /api/v1/jobs`` carries
an opaque ``version``; a client that sends it back as ``?since=VERSION`` gets only
the jobs added or changed since then (``jobs``), the ids that left (``removed``;
it may name a job that came and went in between, which a client ignores) and the
queue's length (``total``), marked by ``since``. A version the hub no
longer remembers (too old, or from before a restart) gets the whole queue, so a
client can always ask with whatever it last saw.
"""

from __future__ import annotations

import secrets
import threading
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

KEEP_VERSIONS = 300
"""Versions remembered (10 minutes at one per 2 s tick)."""


class JobFeed:
    """Follows a hub's job queue document and answers full or changes-only requests."""

    def __init__(self, keep: int = KEEP_VERSIONS) -> None:
        self._boot = secrets.token_hex(4)  # versions of an earlier run are never taken
        self._lock = threading.Lock()
        self._following = threading.Lock()  # one queue taken at a time
        self._key: Any = object()
        self._number = 0
        self._doc: Mapping[str, Any] = {"time": 0.0, "jobs": []}
        self._by_id: dict[int, Mapping[str, Any]] = {}
        self._steps: deque[tuple[int, frozenset[int], frozenset[int]]] = deque(maxlen=keep)

    def version(self) -> str:
        return f"{self._boot}-{self._number}"

    @property
    def followed(self) -> bool:
        """Whether a queue was taken yet (someone asked for the jobs)."""
        return self._number > 0

    def follow(self, key: Any, build: Callable[[], Mapping[str, Any]]) -> None:
        """Take the queue ``build()`` returns as a new version, unless ``key`` (the
        hub's tick) is the one already followed. The queue is built and compared with the
        last (~20 ms at full scale) before the feed is locked: meanwhile :meth:`full` and
        :meth:`changes` answer with the version before."""
        with self._following:
            if key == self._key and key is not None:
                return
            doc = build()
            by_id = {int(j["id"]): j for j in doc["jobs"]}
            old = self._by_id
            changed = frozenset(
                i for i, j in by_id.items() if (was := old.get(i)) is not j and was != j
            )
            removed = frozenset(old.keys() - by_id.keys())
            with self._lock:
                if changed or removed or not self._number:
                    self._number += 1
                    self._steps.append((self._number, changed, removed))
                self._key, self._doc, self._by_id = key, doc, by_id

    def full(self) -> dict[str, Any]:
        """The whole queue with its version."""
        with self._lock:
            return {**self._doc, "version": self.version()}

    def changes(self, since: str) -> dict[str, Any] | None:
        """Jobs changed since version ``since``; None when it is not a known version."""
        with self._lock:
            boot, _, number = since.partition("-")
            if boot != self._boot or not number.isdigit():
                return None
            base = int(number)
            if base > self._number or (self._steps and base < self._steps[0][0] - 1):
                return None  # from the future, or older than anything remembered
            changed: set[int] = set()
            removed: set[int] = set()
            for number_, ch, rm in self._steps:
                if number_ > base:
                    changed |= ch
                    removed |= rm
            current = self._by_id
            jobs = [current[i] for i in sorted(changed) if i in current]
            doc = {k: v for k, v in self._doc.items() if k != "jobs"}
            return {
                **doc,
                "jobs": jobs,
                "removed": sorted(i for i in removed if i not in current),
                "total": len(current),
                "since": since,
                "version": self.version(),
            }
