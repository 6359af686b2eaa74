"""The site as the cache last recorded it: what the live window shows from its first
moment, before its source's first answer (marked with its age, never taken for live data).
"""

from __future__ import annotations

import logging
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from console.cache.schema import CacheError
from console.cache.store import Cache, safe_url
from console.model import RackTelemetry, SiteTopology

log = logging.getLogger(__name__)

LAST_RECORDED_MAX_AGE_S = 24 * 3600.0
"""A recording older than this is not shown at start-up (a day's old floor helps nobody)."""


@dataclass(frozen=True)
class Recorded:
    """The newest rack poll recorded from one source, with the site layout it was read with."""

    topology: SiteTopology
    racks: RackTelemetry

    @property
    def time(self) -> float:
        return float(self.racks.time)


def last_recorded(path: str | Path | None, source: str, *, now: float | None = None,
                  max_age_s: float = LAST_RECORDED_MAX_AGE_S) -> Recorded | None:
    """The newest rack poll the cache at ``path`` recorded from ``source`` (compared
    without credentials or query, as the cache keeps it), with its site layout. None when
    there is no such file, it names another source or none, its newest poll is older than
    ``max_age_s`` (or in the future), or it cannot be read: this never raises, and never
    writes the file."""
    if path is None or not Path(path).expanduser().is_file():
        return None
    now = time.time() if now is None else now
    try:
        cache = Cache.open(path, readonly=True, busy_timeout_s=0.2, checked=False)
    except CacheError as exc:
        log.info("last recorded floor not shown: %s", exc)
        return None
    try:
        if cache.meta().get("source") != safe_url(source):
            return None
        span = cache.time_range()
        if span is None or not 0.0 <= now - span[1] <= max_age_s:
            return None
        racks = cache.racks_at(span[1])
        topology = cache.topology_at(span[1])
    except (CacheError, sqlite3.Error, ValueError) as exc:
        log.info("last recorded floor not shown: %s", exc)
        return None
    finally:
        cache.close()
    if racks is None or topology is None or len(racks.missing) != topology.n_racks:
        return None
    return Recorded(topology, racks)
