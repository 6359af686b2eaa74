"""What the fault fuzz reads back from the cache, and what it counts as out of range.

Values outside the limit tables of :mod:`console.model` (every ``*_LIMITS`` mapping:
``RACK_*`` tables for rack telemetry, ``POWER_*`` for site power, any other for the
fields of the same name in stored GPU, job and event records), infinite numbers,
non-finite times, and text fields holding something other than text (the fields the
recorded answers hold as text). Each distinct stored value is counted once, however
often it is read back.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from bench.fuzz_answers import TIME_KEYS, Recorded

FAR = 1e300
"""Read "the newest stored" as "stored at or before this time"."""
JOB_TIME_COLUMNS = ("submit_time", "start_time", "end_time", "begin_time")


def limit_tables() -> dict[str, Mapping[str, tuple[float, float]]]:
    """Every ``*_LIMITS`` table of :mod:`console.model`, by name (read afresh each run)."""
    import console.model as model

    return {
        name: table
        for name, table in vars(model).items()
        if name.endswith("_LIMITS") and isinstance(table, Mapping)
    }


def _number(value: Any) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool | np.bool_)


def text_keys(records: Iterable[Any]) -> frozenset[str]:
    """Keys whose values in the recorded records are text (or null), text at least once."""
    kinds: dict[str, set[type]] = {}
    for record in records:
        if isinstance(record, dict):
            for key, value in record.items():
                kinds.setdefault(key, set()).add(type(value))
    return frozenset(k for k, t in kinds.items() if str in t and t <= {str, type(None)})


class StoredChecks:
    """Reads the newest stored racks, power, GPU list, job queue, events and journal."""

    def __init__(self, recorded: Recorded) -> None:
        answers = {k: json.loads(v) for k, v in recorded.answers.items()}
        self.gpu_text = text_keys(answers["gpus"]["gpus"])
        self.job_text = text_keys([*answers["jobs"]["jobs"], *answers["jobs_changes"]["jobs"]])
        self.event_text = text_keys(answers["events"]["events"])
        tables = limit_tables()
        self.rack_limits = {k: v for n, t in tables.items() if n.startswith("RACK")
                            for k, v in t.items()}
        self.power_limits = {k: v for n, t in tables.items() if n.startswith("POWER")
                             for k, v in t.items()}
        self.record_limits = {k: v for n, t in tables.items()
                              if not n.startswith(("RACK", "POWER")) for k, v in t.items()}
        self.tables = sorted(tables)
        self.seen: set[tuple] = set()
        self.power_from = -FAR
        self.journal_from = -FAR

    def check(self, cache: Any) -> list[str]:
        """The out-of-range values stored since the last call, one description each."""
        found: list[str] = []

        def bad(identity: tuple, what: str) -> None:
            if identity not in self.seen:
                self.seen.add(identity)
                found.append(what)

        self._racks(cache, bad)
        self._power(cache, bad)
        unhealthy = cache.unhealthy_at(FAR)
        if unhealthy is not None:
            self._time("gpus", unhealthy.time, bad)
            for record in unhealthy.gpus:
                self._record("gpus", record, self.gpu_text, bad)
        self._jobs(cache, bad)
        for event in cache.events(-FAR, FAR):
            self._record("events", event, self.event_text, bad)
        for entry in cache.journal(self.journal_from, None):
            self._time("journal", entry.get("time"), bad)
            message = entry.get("message")
            if message is not None and not isinstance(message, str):
                bad(("journal", repr(entry)[:200]), "journal: message is not text")
            if _number(entry.get("time")) and math.isfinite(entry["time"]):
                self.journal_from = max(self.journal_from, float(entry["time"]))
        return found

    def _time(self, kind: str, t: Any, bad: Any) -> None:
        if not (_number(t) and math.isfinite(t)):
            bad((kind, "time", repr(t)), f"{kind}: stored time {t!r} is not a finite number")

    def _racks(self, cache: Any, bad: Any) -> None:
        racks = cache.racks_at(FAR)
        if racks is None:
            return
        self._time("racks", racks.time, bad)
        for name, values in racks.fields.items():
            lo, hi = self.rack_limits.get(name, (-math.inf, math.inf))
            arr = np.asarray(values, np.float64)
            with np.errstate(invalid="ignore"):
                out = np.isinf(arr) | (np.isfinite(arr) & ((arr < lo) | (arr > hi)))
            for i in np.flatnonzero(out).tolist():
                bad(("racks", racks.time, name, i),
                    f"racks.{name}: {float(arr[i])!r} outside {lo}..{hi}")

    def _power(self, cache: Any, bad: Any) -> None:
        series = cache.power(self.power_from, FAR)
        t = np.asarray(series.t, np.float64)
        new = t > self.power_from
        for i in np.flatnonzero(~np.isfinite(t)).tolist():
            bad(("power", "t", i, repr(t[i])), f"power: stored time {t[i]!r} is not finite")
        for name, values in series.fields.items():
            lo, hi = self.power_limits.get(name, (-math.inf, math.inf))
            arr = np.asarray(values, np.float64)
            with np.errstate(invalid="ignore"):
                out = new & (np.isinf(arr) | (np.isfinite(arr) & ((arr < lo) | (arr > hi))))
            for i in np.flatnonzero(out).tolist():
                bad(("power", float(t[i]), name),
                    f"power.{name}: {float(arr[i])!r} outside {lo}..{hi}")
        finite = t[np.isfinite(t)]
        if len(finite):
            self.power_from = max(self.power_from, float(finite.max()))

    def _jobs(self, cache: Any, bad: Any) -> None:
        jobs = cache.jobs_at(FAR)
        if jobs is None:
            return
        self._time("jobs", jobs.time, bad)
        columns = jobs.columns
        ids = columns.get("id", np.zeros(0))
        for name in self.job_text & set(columns):
            for job, value in zip(ids.tolist(), columns[name].tolist(), strict=False):
                if value is not None and not isinstance(value, str):
                    bad(("jobs", job, name, repr(value)[:60]),
                        f"jobs.{name}: {type(value).__name__} where text belongs")
        racks = columns.get("racks")
        if racks is not None:
            for job, value in zip(ids.tolist(), racks.tolist(), strict=False):
                if value is not None and not (isinstance(value, tuple | list) and all(
                        isinstance(r, str) for r in value)):
                    bad(("jobs", job, "racks", repr(value)[:60]),
                        f"jobs.racks: {type(value).__name__} where a list of rack ids belongs")
        for name in JOB_TIME_COLUMNS:
            if name in columns:
                arr = np.asarray(columns[name], np.float64)
                for i in np.flatnonzero(np.isinf(arr)).tolist():
                    bad(("jobs", int(ids[i]), name), f"jobs.{name}: {arr[i]!r} is not a time")
        for name, (lo, hi) in self.record_limits.items():
            if name in columns and columns[name].dtype.kind in "fi":
                arr = np.asarray(columns[name], np.float64)
                with np.errstate(invalid="ignore"):
                    out = np.isinf(arr) | (np.isfinite(arr) & ((arr < lo) | (arr > hi)))
                for i in np.flatnonzero(out).tolist():
                    bad(("jobs", int(ids[i]), name),
                        f"jobs.{name}: {float(arr[i])!r} outside {lo}..{hi}")

    def _record(self, kind: str, record: Any, text: frozenset[str], bad: Any) -> None:
        if not isinstance(record, Mapping):
            bad((kind, repr(record)[:80]), f"{kind}: a stored record is {type(record).__name__}")
            return
        ident = repr(record.get("uuid", record.get("id")))[:60]
        for key, value in record.items():
            what = f"{kind}.{key}"
            if key in text and value is not None and not isinstance(value, str):
                bad((kind, ident, key, repr(value)[:60]),
                    f"{what}: {type(value).__name__} where text belongs")
            elif key in TIME_KEYS and value is not None and not (
                    _number(value) and math.isfinite(value)):
                bad((kind, ident, key, repr(value)[:60]), f"{what}: {value!r:.40} is not a time")
            elif _number(value):
                lo, hi = self.record_limits.get(key, (-math.inf, math.inf))
                if math.isinf(value) or (math.isfinite(value) and not lo <= value <= hi):
                    bad((kind, ident, key, repr(value)), f"{what}: {value!r} outside {lo}..{hi}")
