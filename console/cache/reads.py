"""Reading the cache back as the same snapshot objects the live sources deliver.

Rack telemetry is read from the finest tier that covers a time: raw polls, then
1-minute, then 15-minute rollups. Rollups show the bucket's mean, except for
fields where the worst value matters (``ROLLUP_MAX_FIELDS``), which show the max.
"""

from __future__ import annotations

import functools
import json
import sqlite3
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from console.cache import (
    codec,
    docs,
    files,
    forecasts,
    frames,
    jobframe,
    logbook,
    maint,
    powerblock,
    records,
    spans,
)
from console.cache.rollup import POWER_COLUMNS, TIERS
from console.cache.schema import CacheError
from console.decode import decode_site
from console.forecast import ForecastSnapshot
from console.maintenance import MaintenanceList
from console.model import (
    JobsSnapshot,
    PowerSeries,
    RackTelemetry,
    SiteTopology,
    UnhealthyGpus,
    _frozen_map,
    frozen,
)
from console.shiftlog.model import LogEntry

if TYPE_CHECKING:
    import sqlite_utils

ROLLUP_MAX_FIELDS = frames.ROLLUP_MAX_FIELDS
"""Fields shown as the bucket's maximum (the worst moment), not its mean."""
_TOPOLOGY_MEMO = 4
POWER_MEMO_MARGIN_S = 86_400.0
"""Power rows read beyond the span asked for, so the next jump nearby is a slice."""


def _reading(method: Callable[..., Any]) -> Callable[..., Any]:
    """Turn SQLite and decoding errors met while reading into CacheError."""

    @functools.wraps(method)
    def wrapper(self: CacheReads, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise files.describe(exc, getattr(self, "path", "cache")) from None
        except codec.CodecError as exc:
            path = getattr(self, "path", "cache")
            raise CacheError(f"cache file is corrupt or truncated ({path}): {exc}") from None

    return wrapper


class CacheReads:
    """Read methods of :class:`console.cache.store.Cache` (expects conn and _lock)."""

    conn: sqlite3.Connection
    _db: sqlite_utils.Database | None
    _lock: threading.RLock

    @property
    def db(self) -> sqlite_utils.Database:
        """sqlite-utils' view of the connection, made (and sqlite-utils imported) at the
        first use: the first frame reads the cache without it."""
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn)
        return self._db

    def __init__(self) -> None:
        self._topologies: dict[int, SiteTopology] = {}
        self._jobs_memo = docs.JobsMemo()
        self._frame_memo = frames.FrameMemo()
        self._power_memo: dict[str, tuple[tuple[int, int], float, float, np.ndarray]] = {}

    def forget_reads(self) -> None:
        """Drop what the reader keeps of earlier reads (decoded keyframes, power rows):
        the next read comes from the file alone, as the first read of a review does."""
        with self._lock:
            self._jobs_memo = docs.JobsMemo()
            self._frame_memo = frames.FrameMemo()
            self._power_memo.clear()

    # -- topology --------------------------------------------------------------------
    def _topology(self, topology_id: int) -> SiteTopology | None:
        topo = self._topologies.get(topology_id)
        if topo is not None:
            return topo
        row = self.conn.execute(
            "SELECT data FROM topologies WHERE id = ?", (topology_id,)
        ).fetchone()
        if row is None:
            return None
        payload = codec.unpack_json(row[0])
        topo = decode_site(payload, received=float(payload.get("time", 0.0)))
        if len(self._topologies) >= _TOPOLOGY_MEMO:
            self._topologies.pop(next(iter(self._topologies)))
        self._topologies[topology_id] = topo
        return topo

    @_reading
    def topology_at(self, t: float) -> SiteTopology | None:
        """The topology in force at ``t`` (the first one for earlier times)."""
        with self._lock:
            row = (
                self.conn.execute(
                    "SELECT id FROM topologies WHERE time <= ? ORDER BY time DESC, id DESC LIMIT 1",
                    (float(t),),
                ).fetchone()
                or self.conn.execute(
                    "SELECT id FROM topologies ORDER BY time, id LIMIT 1"
                ).fetchone()
            )
            return None if row is None else self._topology(int(row[0]))

    # -- rack telemetry --------------------------------------------------------------
    @_reading
    def time_range(self) -> tuple[float, float] | None:
        """``(first, last)`` time of stored rack telemetry, any tier; None when empty."""
        with self._lock:
            firsts, lasts = [], []
            for table, _ in TIERS:
                lo, hi = self.conn.execute(f"SELECT min(time), max(time) FROM {table}").fetchone()
                if lo is not None:
                    firsts.append(float(lo))
                    lasts.append(float(hi))
            return (min(firsts), max(lasts)) if firsts else None

    @_reading
    def racks_at(self, t: float) -> RackTelemetry | None:
        """Rack telemetry at ``t``: the newest poll (or rollup bucket) at or before it."""
        with self._lock:
            best: tuple[float, int, str] | None = None
            for rank, (table, _) in enumerate(TIERS):
                row = frames.row_at(self.conn, table, t)
                if row is not None and (best is None or row.time > best[0]):
                    best = (row.time, rank, table)
            if best is None:
                return None
            found = frames.frame_at(self.conn, best[2], t, self._frame_memo)
            if found is None:
                return None
            row, values = found
            return frames.telemetry(row, values)

    def _tier_times(self, start: float, end: float) -> list[tuple[str, str, np.ndarray]]:
        """Per tier, the frame times in range that no finer tier covers."""
        out: list[tuple[str, str, np.ndarray]] = []
        covered = np.zeros(0)
        for table, width in TIERS:
            t = frames.times(self.conn, table, start, end)
            if width and len(covered) and len(t):
                bucket = np.floor(t / width) * width
                first = np.searchsorted(covered, bucket)
                after = np.searchsorted(covered, bucket + width)
                t = t[after == first]
            out.append((table, ":" if width else "", t))
            covered = np.sort(np.concatenate([covered, t]))
        return out

    @_reading
    def poll_times(self, start: float, end: float) -> np.ndarray:
        """Times with rack data in ``[start, end]`` (polls, then rollup buckets where older)."""
        with self._lock:
            parts = [t for _, _, t in self._tier_times(start, end)]
            return np.sort(np.concatenate(parts)) if parts else np.zeros(0)

    @_reading
    def rack_history(
        self, rack_id: str, field: str, start: float, end: float, stat: str = "auto"
    ) -> tuple[np.ndarray, np.ndarray]:
        """``(t, values)`` of one rack's field (for sparklines); rollups where raw is gone.

        ``stat`` picks the rollup statistic: "mean", "max" or "auto" (as :meth:`racks_at`).
        """
        if stat == "auto":
            stat = "max" if field in ROLLUP_MAX_FIELDS else "mean"
        with self._lock:
            index_memo: dict[int, int] = {}

            def index_of(topology_id: int) -> int:
                if topology_id not in index_memo:
                    topo = self._topology(topology_id)
                    index_memo[topology_id] = (
                        -1 if topo is None else topo.rack_index.get(rack_id, -1)
                    )
                return index_memo[topology_id]

            ts, vs = [], []
            for table, sep, keep in self._tier_times(start, end):
                if not len(keep):
                    continue
                name = f"{field}:{stat}" if sep else field
                t, v = frames.field_history(
                    self.conn, table, name, index_of, float(keep[0]), float(keep[-1])
                )
                mask = np.isin(t, keep)
                ts.append(t[mask])
                vs.append(v[mask])
            if not ts:
                return np.zeros(0), np.zeros(0, np.float32)
            t_all, v_all = np.concatenate(ts), np.concatenate(vs)
            order = np.argsort(t_all, kind="stable")
            return t_all[order], v_all[order]

    # -- power -----------------------------------------------------------------------
    @_reading
    def power(self, start: float, end: float) -> PowerSeries:
        """Site power in ``[start, end]``: full resolution, 15-minute means where older.

        Missing points show as NaN gaps (where consecutive times differ by more than
        1.5 x the step). ``missing`` holds why flows have no values as the source said it
        at ``end`` (empty in a file from before schema 6).
        """
        with self._lock:
            r = self._power_rows("power", float(start), float(end))
            q = self._power_rows("power_15m", float(start) - 900, float(end))
            missing = docs.read_power_missing(self.conn, float(end))
        step = float(np.median(np.diff(r[:, 0]))) if len(r) > 1 else 10.0
        if len(q) and len(r):
            first = np.searchsorted(r[:, 0], q[:, 0])
            after = np.searchsorted(r[:, 0], q[:, 0] + 900)
            q = q[after == first]
        steps = np.concatenate([np.full(len(q), 900.0), np.full(len(r), step)])
        data = np.concatenate([q, r])
        order = np.argsort(data[:, 0], kind="stable")
        data, steps = data[order], steps[order]
        if len(data) > 1:
            gaps = np.flatnonzero(np.diff(data[:, 0]) > 1.5 * np.maximum(steps[:-1], steps[1:]))
            if len(gaps):
                filler = np.full((len(gaps), data.shape[1]), np.nan)
                filler[:, 0] = data[gaps, 0] + steps[gaps]
                data = np.insert(data, gaps + 1, filler, axis=0)
        fields = {name: data[:, i + 1].copy() for i, name in enumerate(POWER_COLUMNS)}
        t = data[:, 0].copy()
        return PowerSeries(
            time=float(t[-1]) if len(t) else float(end),
            received=float(t[-1]) if len(t) else float(end),
            t=frozen(t),
            fields=_frozen_map(fields),
            step=step if len(r) > 1 else (900.0 if len(q) else 10.0),
            missing=missing,
        )

    def _power_rows(self, table: str, start: float, end: float) -> np.ndarray:
        """Rows of ``table`` with ``start <= t <= end`` as a ``(n, 1 + fields)`` array.

        A review jumps back and forth in the same day: there the rows of a wider span
        are read once and sliced for as long as the file is unchanged (SQLite's
        ``data_version`` and this connection's change count both say so).
        """
        version = (
            int(self.conn.execute("PRAGMA data_version").fetchone()[0]),
            self.conn.total_changes,
        )
        memo = self._power_memo.get(table)
        if memo is None or memo[0] != version or not memo[1] <= start or not end <= memo[2]:
            margin = POWER_MEMO_MARGIN_S if getattr(self, "readonly", False) else 0.0
            lo, hi = start - margin, end + margin
            if table == "power":  # full resolution: blocks (rows in a file before v10)
                data = powerblock.read(self.conn, lo, hi)
            else:
                rows = self.conn.execute(
                    f"SELECT t, {', '.join(POWER_COLUMNS)} FROM {table} "
                    "WHERE t BETWEEN ? AND ? ORDER BY t",
                    (lo, hi),
                ).fetchall()
                data = np.array(rows, np.float64).reshape(len(rows), len(POWER_COLUMNS) + 1)
            memo = (version, lo, hi, data)
            self._power_memo[table] = memo
        data = memo[3]
        first = int(np.searchsorted(data[:, 0], start, side="left"))
        after = int(np.searchsorted(data[:, 0], end, side="right"))
        return data[first:after]

    # -- documents -------------------------------------------------------------------
    def _doc_at(self, table: str, t: float) -> tuple[float, float, float | None, Any] | None:
        with self._lock:
            row = self.conn.execute(
                f"SELECT time, last_seen, received, data FROM {table} WHERE time <= ? "
                "ORDER BY time DESC, id DESC LIMIT 1",
                (float(t),),
            ).fetchone()
        if row is None:
            return None
        return float(row[0]), float(row[1]), row[2], codec.unpack_json(row[3])

    @_reading
    def unhealthy_at(self, t: float) -> UnhealthyGpus | None:
        """The unhealthy-GPU list in force at ``t``."""
        found = self._doc_at("unhealthy", t)
        if found is None:
            return None
        first, last_seen, received, doc = found
        when = min(float(t), max(first, last_seen))
        return UnhealthyGpus(
            time=when,
            received=when if received is None else max(float(received), when),
            gpus=tuple(doc.get("gpus", ())),
            counts={str(k): int(v) for k, v in doc.get("counts", {}).items()},
            not_collected={str(k): str(v) for k, v in (doc.get("not_collected") or {}).items()},
        )

    @_reading
    def jobs_at(self, t: float) -> JobsSnapshot | None:
        """The job queue as last stored at or before ``t``."""
        with self._lock:
            found = docs.read_jobs(self.conn, t, self._jobs_memo)
            if found is None:
                return None
            _row_id, first, last_seen, _received, columns = found
            when = min(float(t), max(first, last_seen))
            # The memo keeps these arrays and never writes into them (deltas copy). A queue
            # after deltas makes each column (read-only) when a view first uses it.
            return JobsSnapshot(time=when, received=when, columns=(
                columns if isinstance(columns, jobframe.LazyColumns) else _frozen_map(columns)))

    @_reading
    def events(self, start: float, end: float) -> list[dict[str, Any]]:
        """Hub events with ``start <= time <= end``, oldest first."""
        return [event for _, event in self.event_rows(start, end)]

    @_reading
    def event_rows(self, start: float, end: float, after: int = 0) -> list[tuple[int, dict]]:
        """``(row, event)`` for hub events with ``start <= time <= end`` stored after row
        ``after``, oldest first. Rows count the cache's events in order of arrival, across
        hub lifetimes (hub ids repeat when a hub restarts; rows do not)."""
        with self._lock:
            rows = self.conn.execute(
                "SELECT id, data FROM events WHERE time BETWEEN ? AND ? AND id > ? "
                "ORDER BY time, id",
                (float(start), float(end), int(after)),
            ).fetchall()
        return [(int(r[0]), json.loads(r[1])) for r in rows]

    @_reading
    def event_tail(self, n: int = 32) -> tuple[str, dict[int, float]] | None:
        """The hub lifetime of the newest stored event and ``{hub id: time}`` of its ``n``
        newest events; None when no event is stored. A restarted console compares them
        with the hub's answer to tell whether the hub restarted meanwhile."""
        with self._lock:
            row = self.conn.execute(
                "SELECT lifetime FROM events ORDER BY id DESC LIMIT 1"
            ).fetchone()
            if row is None:
                return None
            tail = self.conn.execute(
                "SELECT hub_id, time FROM events WHERE lifetime = ? ORDER BY hub_id DESC LIMIT ?",
                (row[0], int(n)),
            ).fetchall()
        return str(row[0]), {int(i): float(t) for i, t in tail}

    @_reading
    def journal(self, start: float | None = None, end: float | None = None) -> list[dict]:
        """Alarm journal entries in a time range (all when None), oldest first."""
        with self._lock:
            return records.journal(self.db, start, end)

    @_reading
    def incidents(self, start: float | None = None, end: float | None = None) -> list[dict]:
        """Incidents overlapping a time range (all when None), oldest first."""
        with self._lock:
            return records.incidents(self.db, start, end)

    @_reading
    def gaps(self, start: float | None = None, end: float | None = None) -> list[dict]:
        """Spans the live console polled but could not record (cache locked, disk full),
        overlapping a time range (all when None), oldest first: ``start`` (the newest poll
        recorded before), ``end`` (the first recorded after), ``reason``, ``polls`` not
        recorded, records ``dropped``. A time inside a gap was "not recorded", not "no
        data"; a file from before schema 7 has none."""
        with self._lock:
            return records.gaps(self.db, start, end)

    @_reading
    def maintenance_at(self, t: float) -> MaintenanceList | None:
        """The maintenance list as it stood at ``t`` (hub time); None when the file holds
        no record of it then (before its first record, or a file older than schema 5)."""
        with self._lock:
            return maint.read_at(self.conn, t)

    @_reading
    def forecast_at(self, t: float) -> ForecastSnapshot | None:
        """The latest forecast issued at or before ``t`` (hub time), as made, flagged as of
        ``t`` (late when issued long before it); None when the file keeps none then (a file
        older than schema 11, or before its first forecast or past its retention)."""
        with self._lock:
            return forecasts.read_at(self.conn, t)

    @_reading
    def log_at(self, t: float) -> list[LogEntry]:
        """The shift log as it stood at ``t`` (hub time): the entries written by then,
        oldest first, each open or cleared as of ``t``. A file older than schema 9
        recorded no log: :class:`console.cache.logbook.LogNotRecorded` (as the two reads
        below)."""
        with self._lock:
            return logbook.read_at(self.conn, t)

    @_reading
    def log_between(self, start: float, end: float) -> list[LogEntry]:
        """The shift log's entries written from ``start`` to ``end`` (a shift), oldest
        first, as they stood at ``end``."""
        with self._lock:
            return logbook.read_between(self.conn, start, end)

    @_reading
    def cleared_between(self, start: float, end: float) -> list[LogEntry]:
        """The shift log's open items cleared from ``start`` to ``end`` (a shift), written
        whenever, in the order they were cleared."""
        with self._lock:
            return logbook.cleared_between(self.conn, start, end)

    @_reading
    def open_items(self, at: float) -> list[LogEntry]:
        """The shift log's open items at ``at``: flagged open, written by then and not
        cleared by then (what a handover at ``at`` carries forward)."""
        with self._lock:
            return logbook.open_items(self.conn, at)

    # -- long spans (energy reports) --------------------------------------------------
    @_reading
    def rack_field_frames(
        self, names: tuple[str, ...], start: float, end: float,
        order: tuple[str, ...] = spans.COARSE_FIRST,
    ) -> list[spans.FieldFrame]:
        """Every rack frame reaching into ``[start, end]``, the tiers taken in ``order``
        where they cover (:func:`console.cache.spans.tier_plan`), oldest first, with only
        the fields ``names`` decoded (rollups give their bucket means)."""
        out: list[spans.FieldFrame] = []
        with self._lock:
            plan = spans.tier_plan(self.conn, float(start), float(end), order)
            for table, width, keep in plan:
                stored = tuple(f"{n}:mean" for n in names) if width else tuple(names)
                out.extend(spans.iter_field_frames(self.conn, table, width, stored, keep))
        out.sort(key=lambda f: f.time)
        return out

    @_reading
    def job_queues(
        self, start: float, end: float, spacing: float
    ) -> list[tuple[float, Mapping[str, np.ndarray]]]:
        """Stored full job queues in ``[start, end]`` at most ``spacing`` apart where the
        cache holds them so (:func:`console.cache.spans.job_keyframes`), then the queue in
        force at ``end``: ``(time, columns)`` each, oldest first."""
        with self._lock:
            queues = spans.job_keyframes(self.conn, float(start), float(end), float(spacing))
            last = docs.read_jobs(self.conn, float(end), self._jobs_memo)
        if last is not None:
            _row, first, last_seen, _received, columns = last
            queues.append((min(float(end), max(first, last_seen)), columns))
        return queues

    @_reading
    def meta(self) -> dict[str, str]:
        """The meta table (source display URL, ...)."""
        with self._lock:
            return {str(k): str(v) for k, v in self.conn.execute("SELECT key, value FROM meta")}
