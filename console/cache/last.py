"""The site as the cache last recorded it: what the live window shows from its first
moment, before its source's first answer (marked with its age, never taken for live data).

Read with the cache's own codecs (:mod:`console.cache.frames`, :mod:`console.cache.codec`)
on a read-only connection of its own, not through
:class:`console.cache.store.Cache`: the store's modules (the alarm journal, the shift log,
the maintenance list, forecasts...) are imported after the first frame, by the feed's
thread. A file of a schema older than the reads know is read through the store (a
migrated copy).
"""

from __future__ import annotations

import logging
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from console.cache import codec, files, frames
from console.cache.layout import unpack_layout
from console.cache.schema import FRAME_TABLES, READS_FROM, CacheError
from console.decode import decode_site
from console.model import RackTelemetry, SiteTopology
from console.urls import safe_url

log = logging.getLogger(__name__)

LAYOUT_FROM = 12
"""The first schema version whose topologies keep their layout column-packed."""

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
    target = Path(path).expanduser()
    try:
        version = files.probe(target, BUSY_TIMEOUT_S, whole=False)
        if version < READS_FROM:
            return _through_store(target, source, now, max_age_s)
        conn = files.connect_ro(target, BUSY_TIMEOUT_S)
    except CacheError as exc:
        log.info("last recorded floor not shown: %s", exc)
        return None
    try:
        found = _newest(conn, source, now, max_age_s, packed=version >= LAYOUT_FROM)
    except (CacheError, sqlite3.Error, ValueError, TypeError) as exc:
        # ValueError: the codecs' and console.decode's (a damaged blob, a layout that cannot
        # be trusted); TypeError: a stored layout's fields of other types than it has
        log.info("last recorded floor not shown: %s", exc)
        return None
    finally:
        conn.close()
    if found is None:
        return None
    topology, racks = found
    if len(racks.missing) != topology.n_racks:
        return None
    return Recorded(topology, racks)


BUSY_TIMEOUT_S = 0.2
"""How long the glance waits for another process's lock on the file."""


def _newest(conn: sqlite3.Connection, source: str, now: float, max_age_s: float,
            packed: bool = False) -> tuple[SiteTopology, RackTelemetry] | None:
    """The newest rack frame of any tier recorded from ``source`` at most ``max_age_s``
    before ``now``, with the site layout in force then (the cache's ``racks_at`` and
    ``topology_at`` of its newest time; ``packed``: the file keeps layouts column-packed)."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'source'").fetchone()
    if row is None or str(row[0]) != safe_url(source):
        return None
    newest: tuple[float, str] | None = None
    for table in FRAME_TABLES:  # finest first: a coarser tier wins only when newer
        (last,) = conn.execute(f"SELECT max(time) FROM {table}").fetchone()
        if last is not None and (newest is None or float(last) > newest[0]):
            newest = (float(last), table)
    if newest is None or not 0.0 <= now - newest[0] <= max_age_s:
        return None
    found = frames.frame_at(conn, newest[1], newest[0])
    if found is None:
        return None
    topology = _topology_at(conn, newest[0], packed)
    if topology is None:
        return None
    return topology, frames.telemetry(*found)


def _topology_at(conn: sqlite3.Connection, t: float, packed: bool = False) -> SiteTopology | None:
    """The site layout in force at ``t`` (the first one for earlier times): column-packed
    when the file keeps it so (``packed``, :mod:`console.cache.layout`), else (or when that
    cannot be trusted) from its document."""
    columns = "layout, data" if packed else "NULL, data"
    row = (
        conn.execute(f"SELECT {columns} FROM topologies WHERE time <= ?"
                     " ORDER BY time DESC, id DESC LIMIT 1", (float(t),)).fetchone()
        or conn.execute(f"SELECT {columns} FROM topologies ORDER BY time, id LIMIT 1").fetchone()
    )
    if row is None:
        return None
    if row[0] is not None:
        try:
            return unpack_layout(row[0])
        except (ValueError, TypeError, KeyError) as exc:
            log.info("stored layout not read (%s): its document is", exc)
    payload = codec.unpack_json(row[1])
    if not isinstance(payload, dict):
        raise ValueError(f"stored site layout is not an object ({type(payload).__name__})")
    return decode_site(payload, received=float(payload.get("time", 0.0)))


def _through_store(path: Path, source: str, now: float, max_age_s: float) -> Recorded | None:
    """The same, of a file whose schema the reads above do not know: read through
    :class:`console.cache.store.Cache` (which migrates a copy of it)."""
    from console.cache.store import Cache

    try:
        cache = Cache.open(path, readonly=True, busy_timeout_s=BUSY_TIMEOUT_S, checked=False)
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
