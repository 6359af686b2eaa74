"""Validate hub API JSON and decode it into snapshots.

Every decoder raises :class:`DataError` with a message an operator can act on
when the payload has the wrong shape. Individual absurd values (NaN, negative
power, 900 °C) do not reject the whole payload: they become NaN and are counted,
so the view shows "no data" for that rack instead of a lie.
"""

from __future__ import annotations

import json
import re
import time
from collections import deque
from collections.abc import Mapping, Sequence
from operator import itemgetter
from typing import Any

import numpy as np

from console.hub.openapi import POWER_FIELDS, RACK_FIELDS
from console.model import (
    POWER_LIMITS,
    RACK_LIMITS,
    EventBatch,
    JobsSnapshot,
    PowerSeries,
    RackDetailSnapshot,
    RackTelemetry,
    SiteTopology,
    UnhealthyGpus,
    _frozen_map,
    frozen,
)


def _arrival(received: float | None) -> float:
    return time.time() if received is None else received


class DataError(ValueError):
    """A payload that cannot be trusted; the message says what is wrong with it."""


# -- JSON text ------------------------------------------------------------------------------
PIECEWISE_BYTES = 262_144
"""Payloads at least this long are parsed piece by piece (see :func:`loads_json`)."""
_WS = re.compile(r"[ \t\n\r]*")
_WS_CHARS = frozenset(" \t\n\r")
_SCAN = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[attr-defined]


def loads_json(data: str | bytes | bytearray, piecewise_from: int = PIECEWISE_BYTES) -> Any:
    """Parse JSON text like :func:`json.loads`, big documents in small pieces.

    ``json.loads`` parses a document in one C call that holds the interpreter lock
    throughout: 20-30 ms for the full-site job queue (2.4 MB), during which the GUI
    thread cannot run. Here the outer two levels of a big document (the top object and
    its arrays or objects of containers) are walked in Python and every element below
    them (one job, one rack column) is parsed by the same C scanner, so the lock can
    change hands between elements. The result and the errors (``json.JSONDecodeError``,
    a ``ValueError``) are those of ``json.loads``.
    """
    if isinstance(data, bytes | bytearray):
        data = data.decode(json.detect_encoding(data))
    if len(data) < piecewise_from or data.startswith("\ufeff"):
        return json.loads(data)
    idx = _WS.match(data, 0).end()
    value, end = _piece(data, idx, 0)
    end = _WS.match(data, end).end()
    if end != len(data):
        raise json.JSONDecodeError("Extra data", data, end)
    return value


def _piece(s: str, idx: int, depth: int) -> tuple[Any, int]:
    """Parse the value at ``idx``; containers of the outer levels element by element."""
    opener = s[idx : idx + 1]
    if depth < 2 and opener in ("{", "["):
        first = _WS.match(s, idx + 1).end()
        if opener == "{":
            return _object(s, first, depth)
        if s[first : first + 1] in ("{", "["):
            return _array(s, first, depth)
    try:
        return _SCAN(s, idx)
    except StopIteration as stop:
        raise json.JSONDecodeError("Expecting value", s, stop.value) from None


def _object(s: str, idx: int, depth: int) -> tuple[dict[str, Any], int]:
    out: dict[str, Any] = {}
    if s[idx : idx + 1] == "}":
        return out, idx + 1
    while True:
        if s[idx : idx + 1] != '"':
            raise json.JSONDecodeError(
                "Expecting property name enclosed in double quotes", s, idx
            )
        key, idx = json.decoder.scanstring(s, idx + 1)
        idx = _WS.match(s, idx).end()
        if s[idx : idx + 1] != ":":
            raise json.JSONDecodeError("Expecting ':' delimiter", s, idx)
        idx = _WS.match(s, idx + 1).end()
        out[key], idx = _piece(s, idx, depth + 1)
        idx = _WS.match(s, idx).end()
        nxt = s[idx : idx + 1]
        if nxt == "}":
            return out, idx + 1
        if nxt != ",":
            raise json.JSONDecodeError("Expecting ',' delimiter", s, idx)
        idx = _WS.match(s, idx + 1).end()


def _array(s: str, idx: int, depth: int) -> tuple[list[Any], int]:
    out: list[Any] = []
    append = out.append
    inner = depth + 1 >= 2  # elements parsed whole by the C scanner
    while True:
        if inner:
            try:
                value, idx = _SCAN(s, idx)
            except StopIteration as stop:
                raise json.JSONDecodeError("Expecting value", s, stop.value) from None
        else:
            value, idx = _piece(s, idx, depth + 1)
        append(value)
        nxt = s[idx : idx + 1]
        if nxt in _WS_CHARS:
            idx = _WS.match(s, idx).end()
            nxt = s[idx : idx + 1]
        if nxt == ",":
            idx += 1
            if s[idx : idx + 1] in _WS_CHARS:
                idx = _WS.match(s, idx).end()
        elif nxt == "]":
            return out, idx + 1
        else:
            raise json.JSONDecodeError("Expecting ',' delimiter", s, idx)


def _require(payload: Any, kind: str, keys: Sequence[str]) -> Mapping[str, Any]:
    if not isinstance(payload, Mapping):
        raise DataError(f"{kind}: expected a JSON object, got {type(payload).__name__}")
    missing = [k for k in keys if k not in payload]
    if missing:
        raise DataError(f"{kind}: missing field(s) {', '.join(missing)}")
    return payload


def _time(payload: Mapping[str, Any], kind: str) -> float:
    value = payload.get("time")
    if isinstance(value, bool) or not isinstance(value, int | float) or not np.isfinite(value):
        raise DataError(f"{kind}: 'time' must be a number of epoch seconds")
    if not 946_684_800 <= value <= 4_102_444_800:  # 2000 .. 2100
        raise DataError(f"{kind}: timestamp {value!r} is not a plausible date")
    return float(value)


def _numeric(values: Any, kind: str, name: str, length: int | None) -> tuple[np.ndarray, int]:
    """Parse a JSON array of numbers; returns the array and how many entries were garbage
    (strings, booleans, objects: NaN in the array). ``null`` is a gap, not garbage."""
    if not isinstance(values, list):
        raise DataError(f"{kind}: '{name}' must be an array")
    if length is not None and len(values) != length:
        raise DataError(f"{kind}: '{name}' has {len(values)} values, expected {length}")
    garbage = 0
    try:
        arr = np.array(values, dtype=np.float64)
    except (TypeError, ValueError):
        # Mixed garbage: keep what parses, NaN the rest.
        ok = [isinstance(v, int | float) and not isinstance(v, bool) for v in values]
        garbage = sum(1 for v, good in zip(values, ok, strict=True) if not good and v is not None)
        arr = np.array([v if good else np.nan for v, good in zip(values, ok, strict=True)],
                       dtype=np.float64)
    if arr.ndim != 1:
        raise DataError(f"{kind}: '{name}' must be a flat array of numbers")
    return arr, garbage


def _clip_invalid(arr: np.ndarray, limits: tuple[float, float]) -> int:
    lo, hi = limits
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(arr) | (arr < lo) | (arr > hi)
    # NaN in the input stays NaN (a gap) and is not counted as invalid.
    invalid = int((bad & ~np.isnan(arr)).sum())
    arr[bad] = np.nan
    return invalid


def decode_site(payload: Any, received: float | None = None) -> SiteTopology:
    """Decode ``GET /api/v1/site``."""
    kind = "site"
    p = _require(payload, kind, ("time", "halls", "racks"))
    t = _time(p, kind)
    racks = p["racks"]
    if not isinstance(racks, list) or not racks:
        raise DataError("site: 'racks' must be a non-empty array")
    halls = p["halls"] if isinstance(p["halls"], list) else []
    rows = p.get("rows") if isinstance(p.get("rows"), list) else []
    hall_pos = {h.get("id"): i for i, h in enumerate(halls) if isinstance(h, Mapping)}
    row_pos = {r.get("id"): i for i, r in enumerate(rows) if isinstance(r, Mapping)}
    index: dict[str, int] = {}
    geometry = np.zeros((len(racks), 4))
    capacity = np.zeros(len(racks))
    gpus = np.zeros(len(racks), np.int32)
    hall_index = np.full(len(racks), -1, np.int16)
    row_index = np.full(len(racks), -1, np.int32)
    for i, rack in enumerate(racks):
        if not isinstance(rack, Mapping) or not isinstance(rack.get("id"), str):
            raise DataError(f"site: rack #{i} has no id")
        rid = rack["id"]
        if rid in index:
            raise DataError(f"site: rack id {rid!r} appears twice")
        index[rid] = i
        try:
            geometry[i] = [float(rack[k]) for k in ("x", "y", "w", "h")]
            capacity[i] = float(rack.get("capacity_kw", np.nan))
            gpus[i] = int(rack.get("gpus", 0))
        except (KeyError, TypeError, ValueError):
            raise DataError(f"site: rack {rid!r} lacks a numeric position or size") from None
        hall_index[i] = hall_pos.get(rack.get("hall"), -1)
        row_index[i] = row_pos.get(rack.get("row"), -1)
    if not np.isfinite(geometry).all():
        raise DataError("site: rack positions must be finite numbers")
    return SiteTopology(
        time=t,
        received=_arrival(received),
        name=str(p.get("name", "")),
        timezone=str(p.get("timezone", "UTC")),
        lat=float(p.get("lat", 0.0)),
        lon=float(p.get("lon", 0.0)),
        capacity_mw=float(p.get("capacity_mw", 0.0)),
        scale=str(p.get("scale", "")),
        halls=tuple(halls),
        rows=tuple(rows),
        racks=tuple(racks),
        rack_index=index,
        geometry=frozen(geometry),
        capacity_kw=frozen(capacity),
        gpus=frozen(gpus),
        hall_index=frozen(hall_index),
        row_index=frozen(row_index),
    )


def decode_racks(
    payload: Any, topology: SiteTopology, received: float | None = None
) -> RackTelemetry:
    """Decode ``GET /api/v1/racks`` and align it to ``topology``'s rack order."""
    kind = "racks"
    p = _require(payload, kind, ("time", "rack_ids", *RACK_FIELDS))
    t = _time(p, kind)
    ids = p["rack_ids"]
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise DataError("racks: 'rack_ids' must be an array of strings")
    n = len(ids)
    index = topology.rack_index
    aligned = list(ids) == list(topology.rack_ids)
    if aligned:
        positions = None
        unknown: tuple[str, ...] = ()
    else:
        pos = [index.get(i, -1) for i in ids]
        positions = np.array(pos, dtype=np.int64)
        unknown = tuple(i for i, j in zip(ids, pos, strict=True) if j < 0)
    fields: dict[str, np.ndarray] = {}
    invalid = 0
    covered = np.zeros(topology.n_racks, bool)
    if aligned:
        covered[:] = True
    else:
        assert positions is not None
        covered[positions[positions >= 0]] = True
    for name in RACK_FIELDS:
        raw, garbage = _numeric(p[name], kind, name, n)
        invalid += garbage + _clip_invalid(raw, RACK_LIMITS[name])
        if aligned:
            out = raw.astype(np.float32)
        else:
            assert positions is not None
            out = np.full(topology.n_racks, np.nan, np.float32)
            ok = positions >= 0
            out[positions[ok]] = raw[ok]
        fields[name] = out
    return RackTelemetry(
        time=t,
        received=_arrival(received),
        fields=_frozen_map(fields),
        missing=frozen(~covered),
        unknown_ids=unknown,
        invalid_values=invalid,
    )


def decode_power(payload: Any, received: float | None = None) -> PowerSeries:
    """Decode ``GET /api/v1/power``; absurd values become NaN and are counted."""
    kind = "power"
    p = _require(payload, kind, ("t", *POWER_FIELDS))
    t, garbage = _numeric(p["t"], kind, "t", None)
    if garbage:
        raise DataError("power: 't' must hold numbers only")
    if len(t) and (not np.isfinite(t).all() or (np.diff(t) <= 0).any()):
        raise DataError("power: timestamps must be finite and strictly increasing")
    fields: dict[str, np.ndarray] = {}
    invalid = 0
    for name in POWER_FIELDS:
        arr, garbage = _numeric(p[name], kind, name, len(t))
        invalid += garbage + _clip_invalid(arr, POWER_LIMITS[name])
        fields[name] = arr
    end = float(t[-1]) if len(t) else float(p.get("end") or 0.0)
    step = float(p.get("step") or 10.0)
    return PowerSeries(
        time=end if end else 0.0,
        received=_arrival(received),
        t=frozen(t),
        fields=_frozen_map(fields),
        step=step,
        invalid_values=invalid,
    )


def _records(payload: Any, kind: str, key: str, required: Sequence[str]) -> tuple[dict, ...]:
    items = payload[key]
    if not isinstance(items, list):
        raise DataError(f"{kind}: '{key}' must be an array")
    if _all_have(items, required):  # the usual case, checked at C speed (7,000 jobs: < 1 ms)
        return tuple(items)
    for i, item in enumerate(items):
        if not isinstance(item, Mapping):
            raise DataError(f"{kind}: entry #{i} of '{key}' is not an object")
        missing = [k for k in required if k not in item]
        if missing:
            raise DataError(f"{kind}: entry #{i} of '{key}' lacks {', '.join(missing)}")
    return tuple(items)


def _all_have(items: list[Any], keys: Sequence[str]) -> bool:
    """True when every item is a dict holding every key (no per-item Python loop)."""
    if set(map(type, items)) - {dict}:
        return False
    if keys:
        try:
            deque(map(itemgetter(*keys), items), maxlen=0)
        except KeyError:
            return False
    return True


def decode_unhealthy(payload: Any, received: float | None = None) -> UnhealthyGpus:
    """Decode ``GET /api/v1/gpus/unhealthy``."""
    kind = "unhealthy GPUs"
    p = _require(payload, kind, ("time", "gpus"))
    t = _time(p, kind)
    gpus = _records(p, kind, "gpus", ("uuid", "rack", "status"))
    counts = p.get("counts") if isinstance(p.get("counts"), Mapping) else {}
    return UnhealthyGpus(
        time=t,
        received=_arrival(received),
        gpus=gpus,
        counts={str(k): int(v) for k, v in counts.items() if isinstance(v, int | float)},
    )


JOB_COLUMNS: tuple[tuple[str, Any], ...] = (
    ("id", np.int64),
    ("name", object),
    ("tenant", object),
    ("tenant_kind", object),
    ("tenant_country", object),
    ("user", object),
    ("partition", object),
    ("state", object),
    ("reason", object),
    ("gpus", np.int64),
    ("nodes", np.int64),
    ("racks", object),
    ("submit_time", np.float64),
    ("start_time", np.float64),
    ("end_time", np.float64),
    ("time_limit_s", np.float64),
    ("state_flags", object),  # Slurm's state flags ("COMPLETING", ...); "" or None for none
    ("state_description", object),  # Slurm's detail of the pending reason
    ("array_tasks", np.int64),  # a pending job array's task count; 0 for one job
    ("begin_time", np.float64),  # a pending job's begin time (BeginTime), else NaN
)


def job_column(name: str, dtype: Any, values: Sequence[Any], n: int) -> np.ndarray:
    """One job-queue column as its array: numbers as float64 (None is NaN) or int64,
    text and lists as objects (lists become tuples); DataError when it cannot be."""
    if dtype is object:
        arr = np.empty(n, dtype=object)
        if list in set(map(type, values)):
            values = [tuple(v) if isinstance(v, list) else v for v in values]
        arr[:] = values
        return arr
    try:
        arr = np.array(values, dtype=np.float64)  # None becomes NaN
    except (TypeError, ValueError):
        raise DataError(f"jobs: '{name}' must hold numbers") from None
    if arr.shape != (n,):
        raise DataError(f"jobs: '{name}' must hold numbers")
    if dtype is np.int64:
        arr = np.nan_to_num(arr, nan=0).astype(np.int64)
    return arr


def job_columns_from_records(records: Sequence[Mapping[str, Any]]) -> dict[str, np.ndarray]:
    """Job dicts (hub API, Slurm or cache) as one array per :data:`JOB_COLUMNS` field."""
    names = [name for name, _ in JOB_COLUMNS]
    n = len(records)
    values_by_column: list[Sequence[Any]]
    try:  # the usual case: every field present; rows read and transposed at C speed
        rows = map(itemgetter(*names), records)
        values_by_column = list(zip(*rows, strict=True)) if n else []
    except KeyError:
        values_by_column = []
    if len(values_by_column) != len(names):
        values_by_column = [[r.get(name) for r in records] for name in names]
    return {
        name: job_column(name, dtype, values, n)
        for (name, dtype), values in zip(JOB_COLUMNS, values_by_column, strict=True)
    }


def jobs_from_records(
    records: Sequence[Mapping[str, Any]], t: float, received: float | None = None
) -> JobsSnapshot:
    """Build a :class:`JobsSnapshot` from job dicts (hub API, Slurm or cache)."""
    return JobsSnapshot(
        time=t,
        received=_arrival(received),
        columns=_frozen_map(job_columns_from_records(records)),
    )


def decode_jobs(payload: Any, received: float | None = None) -> JobsSnapshot:
    """Decode ``GET /api/v1/jobs``."""
    kind = "jobs"
    p = _require(payload, kind, ("time", "jobs"))
    t = _time(p, kind)
    records = _records(p, kind, "jobs", ("id", "state", "partition"))
    return jobs_from_records(records, t, received)


def id_positions(ids: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Index in ``ids`` of each of ``wanted`` (-1 where absent)."""
    if not ids.size:
        return np.full(wanted.shape, -1, dtype=np.intp)
    sorter = np.argsort(ids, kind="stable")
    at = np.minimum(np.searchsorted(ids, wanted, sorter=sorter), ids.size - 1)
    found = sorter[at]
    return np.where(ids[found] == wanted, found, -1)


def apply_job_changes(
    columns: Mapping[str, np.ndarray],
    update: Mapping[str, np.ndarray] | None,
    removed: Sequence[int] | np.ndarray = (),
    order: Sequence[int] | None = None,
) -> dict[str, np.ndarray]:
    """The job queue after a change: ``removed`` ids dropped, the jobs of ``update``
    (columns like ``columns``) replaced in place or appended, then ordered by the ids
    of ``order`` when given. New arrays: ``columns`` is never written to."""
    out = dict(columns)
    gone = np.asarray(removed, dtype=np.int64)
    if gone.size:
        keep = ~np.isin(out["id"], gone)
        out = {k: v[keep] for k, v in out.items()}
    if update is not None and len(update["id"]):
        ids = update["id"]
        if len(np.unique(ids)) == len(ids):
            rows = np.arange(len(ids))
        else:  # the last record of an id wins, as it would in a dict of records
            latest = {i: k for k, i in enumerate(ids.tolist())}
            rows = np.fromiter(latest.values(), dtype=np.intp, count=len(latest))
        where = id_positions(out["id"], update["id"][rows])
        old, new = where >= 0, where < 0
        merged: dict[str, np.ndarray] = {}
        for name, column in out.items():
            values = update[name][rows]
            column = column.copy()
            column[where[old]] = values[old]
            merged[name] = np.concatenate([column, values[new]]) if new.any() else column
        out = merged
    if order is not None:
        at = id_positions(out["id"], np.asarray(order, dtype=np.int64))
        out = {k: v[at[at >= 0]] for k, v in out.items()}
    return out


def decode_job_changes(
    payload: Any, received: float | None = None
) -> tuple[float, dict[str, np.ndarray], np.ndarray, int | None]:
    """Decode a changes-only ``GET /api/v1/jobs?since=`` answer:
    ``(time, changed jobs as columns, removed ids, total jobs or None)``."""
    kind = "jobs"
    p = _require(payload, kind, ("time", "jobs"))
    t = _time(p, kind)
    records = _records(p, kind, "jobs", ("id", "state", "partition"))
    removed = p.get("removed", [])
    if not isinstance(removed, list) or set(map(type, removed)) - {int}:
        raise DataError("jobs: 'removed' must be an array of job ids")
    total = p.get("total")
    if total is not None and (isinstance(total, bool) or not isinstance(total, int)):
        raise DataError("jobs: 'total' must be a whole number")
    return t, job_columns_from_records(records), np.asarray(removed, np.int64), total


MAX_EVENT_ID = 2**53 - 1
"""The largest event id taken: ids are JSON numbers, exact up to 2^53 - 1 in every client."""
MAX_INSTANCE_CHARS = 200


def _event_id(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_EVENT_ID:
        raise DataError(f"events: {what} {value!r} is not a whole number from 0 to 2^53 - 1")
    return value


def decode_events(payload: Any, received: float | None = None) -> EventBatch:
    """Decode ``GET /api/v1/events``.

    Ids that cannot be right refuse the whole answer (so one bad answer never moves the
    event cursor): ids that are not whole numbers, negative, beyond 2^53 - 1, or above the
    answer's own ``last_id``. ``last_id`` (the hub's newest id) and ``instance`` (the
    hub's name for its current lifetime) are optional.
    """
    kind = "events"
    p = _require(payload, kind, ("time", "events"))
    t = _time(p, kind)
    events = _records(p, kind, "events", ("id", "time", "kind", "message"))
    hub_last = p.get("last_id")
    if hub_last is not None:
        hub_last = _event_id(hub_last, "'last_id'")
    instance = p.get("instance")
    if instance is not None and (
        not isinstance(instance, str) or not 0 < len(instance) <= MAX_INSTANCE_CHARS
    ):
        raise DataError(
            f"events: 'instance' must be a string of 1 to {MAX_INSTANCE_CHARS} characters"
        )
    last = 0
    for e in events:
        eid = _event_id(e["id"], "event id")
        if hub_last is not None and eid > hub_last:
            raise DataError(f"events: event id {eid} is above the answer's last_id {hub_last}")
        last = max(last, eid)
    return EventBatch(
        time=t,
        received=_arrival(received),
        events=events,
        last_id=last,
        hub_last_id=hub_last,
        instance=instance,
        lifetime=instance or "",
    )


def decode_rack_detail(payload: Any, received: float | None = None) -> RackDetailSnapshot:
    """Decode ``GET /api/v1/racks/{id}``."""
    kind = "rack detail"
    p = _require(payload, kind, ("time", "rack", "nodes"))
    t = _time(p, kind)
    if not isinstance(p["rack"], Mapping) or "id" not in p["rack"]:
        raise DataError("rack detail: 'rack' must be an object with an id")
    return RackDetailSnapshot(
        time=t,
        received=_arrival(received),
        rack=p["rack"],
        nodes=_records(p, kind, "nodes", ("id", "gpus")),
        pdus=_records(p, kind, "pdus", ("id", "load_kw")) if "pdus" in p else (),
        jobs=_records(p, kind, "jobs", ("id",)) if "jobs" in p else (),
        events=_records(p, kind, "events", ("id",)) if "events" in p else (),
    )
