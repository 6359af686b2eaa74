"""``cache://PATH``: replay of a local cache file for offline review.

The file is opened read-only (an older schema is migrated on a temporary copy),
so reviewing never writes to it. Every fetch returns the site as it was at
:attr:`CacheReplaySource.position` (epoch seconds on the hub's clock); the
review timeline moves it with :meth:`CacheReplaySource.seek`.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from console.cache import Cache, CacheError
from console.forecast import WHOLE, ForecastSnapshot
from console.model import EventBatch, Snapshot
from console.sources.base import FetchContext, Source, SourceError

NOT_RECORDED = "none recorded by then"
"""Why review shows no forecast at a time the file holds none issued by then."""


def cache_path(url: str) -> Path:
    """``cache:///abs/file.db`` or ``cache://relative/file.db`` -> a path."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "cache":
        raise ValueError(f"not a cache URL: {url!r}")
    raw = unquote(parts.netloc + parts.path)
    if len(raw) > 2 and raw[0] == "/" and raw[2] == ":" and raw[1].isalpha():
        raw = raw[1:]  # cache:///C:/shift.db on Windows
    if not raw:
        raise ValueError(f"cache URL names no file: {url!r}")
    return Path(raw).expanduser()


class CacheReplaySource(Source):
    """Reads the site at a chosen time from a cache file, with no network."""

    backend = "cache replay"
    kinds = ("site", "racks", "gpus", "power", "jobs", "events", "forecast")
    live = False  # recorded data, of any age: its times are not checked against the clock

    def __init__(self, url: str, *, cache: Cache | None = None, **_: Any) -> None:
        super().__init__(url)
        self.path = cache_path(url) if cache is None else cache.path
        self._cache = cache
        self.position: float = 0.0
        """The replay time (epoch seconds); defaults to the last time in the cache."""
        if cache is not None:
            self._init_position()

    def _open(self) -> Cache:
        if self._cache is None:
            try:
                self._cache = Cache.open(self.path, readonly=True)
            except CacheError as exc:
                raise SourceError(self.backend, str(exc)) from None
            self._init_position()
        return self._cache

    def _init_position(self) -> None:
        assert self._cache is not None
        span = self._cache.time_range()
        self.position = span[1] if span else 0.0

    @property
    def cache(self) -> Cache:
        """The open cache (opened on first use)."""
        return self._open()

    def start(self) -> None:
        self._open()

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()
            self._cache = None

    def time_range(self) -> tuple[float, float] | None:
        """``(first, last)`` time with rack data in the file."""
        return self.cache.time_range()

    def seek(self, t: float) -> None:
        """Move the replay position to ``t`` (clamped to the file's time range)."""
        span = self.cache.time_range()
        self.position = float(t) if span is None else min(max(float(t), span[0]), span[1])

    def fetch(self, kind: str, context: FetchContext) -> Snapshot:
        cache = self.cache
        t = self.position
        try:
            snap = self._fetch(cache, kind, context, t)
        except CacheError as exc:
            raise SourceError(self.backend, str(exc)) from None
        if snap is None:
            raise SourceError(self.backend, f"no {kind} data in the cache at this time")
        # Fresh from the replay: views must not grey it out as stale.
        return dataclasses.replace(snap, received=time.time())

    def _fetch(self, cache: Cache, kind: str, context: FetchContext, t: float) -> Snapshot | None:
        if kind == "site":
            return cache.topology_at(t)
        if kind == "racks":
            return cache.racks_at(t)
        if kind == "gpus":
            return cache.unhealthy_at(t)
        if kind == "power":
            return cache.power(t - context.power_window_s, t)
        if kind == "jobs":
            return cache.jobs_at(t)
        if kind == "events":
            # The cursor counts the cache's rows, not hub ids: those start again at 1
            # with every restart of the hub, and a shift may hold several lifetimes.
            rows = cache.event_rows(t - context.power_window_s, t, after=context.last_event_id)
            last = max((row for row, _ in rows), default=context.last_event_id)
            return EventBatch(time=t, events=tuple(e for _, e in rows), last_id=last)
        if kind == "forecast":
            # The latest forecast issued by then, as made; none: the chart says so (never
            # the forecast of the position shown before).
            found = cache.forecast_at(t)
            return found if found is not None else ForecastSnapshot(
                time=t, flags={WHOLE: NOT_RECORDED})
        raise SourceError(self.backend, f"cannot deliver {kind!r}")
