"""What the fault fuzz reads back from the cache, and what it counts as out of range.

The limit tables of :mod:`console.model` are read afresh for each run, whichever exist:
``RACK_LIMITS`` (rack telemetry), ``POWER_LIMITS`` and ``POWER_SERIES_LIMITS`` (site
power), ``SITE_LIMITS`` and ``LAYOUT_LIMITS`` (the stored site layout), ``GPU_LIMITS`` and
``GPU_COUNT_LIMITS`` (the unhealthy list), ``JOB_LIMITS`` (the job queue), ``EVENT_LIMITS``
(events), ``EPOCH_LIMITS`` (any time), ``NUMBER_LIMITS`` (any other number), ``TEXT_LIMITS``
(text length). Counted: a number outside its range or infinite (NaN is "no data"), a time
that is not a finite number in range, and a text field (one the recorded answers hold as
text) holding something else or longer than its limit. Each distinct stored value is
counted once, however often it is read back.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np

from bench.fuzz_answers import TIME_KEYS, Recorded

FAR = 1e300
"""Read "the newest stored" as "stored at or before this time"."""
JOB_TIME_COLUMNS = ("submit_time", "start_time", "end_time", "begin_time")
MESSAGE_KEYS = frozenset({"message", "reason", "action", "state_description", "comment",
                          "note", "description", "explanation"})
"""Text fields held to ``TEXT_LIMITS['message']``; any other to ``TEXT_LIMITS['id']``."""
ANY = (-math.inf, math.inf)

Bad = Callable[[tuple, str], None]


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


class Limits:
    """The limit tables that exist now, in :mod:`console.model` (or :mod:`console.contract`)."""

    def __init__(self) -> None:
        import importlib

        found: dict[str, Any] = {}
        for name in ("console.contract", "console.model"):  # the model's win where both are
            try:
                module = importlib.import_module(name)
            except ImportError:
                continue
            found.update({k: v for k, v in vars(module).items() if k.endswith("_LIMITS")})

        def table(name: str) -> Mapping[str, Any]:
            value = found.get(name)
            return value if isinstance(value, Mapping) else {}

        self.names = sorted(found)
        self.epoch: tuple[float, float] = found.get("EPOCH_LIMITS", ANY)
        self.number: tuple[float, float] = found.get("NUMBER_LIMITS", ANY)
        self.counts: tuple[float, float] = found.get("GPU_COUNT_LIMITS", ANY)
        self.text: Mapping[str, int] = table("TEXT_LIMITS")
        self.racks = table("RACK_LIMITS")
        self.power = {**table("POWER_LIMITS"), **table("POWER_SERIES_LIMITS")}
        self.by_kind: dict[str, Mapping[str, Any]] = {
            "site": table("SITE_LIMITS"), "layout": table("LAYOUT_LIMITS"),
            "gpus": table("GPU_LIMITS"), "jobs": table("JOB_LIMITS"),
            "events": table("EVENT_LIMITS"),
        }

    def number_range(self, kind: str, key: str) -> tuple[float, float]:
        found = self.by_kind.get(kind, {}).get(key)
        if isinstance(found, tuple):
            return found
        return self.epoch if key in TIME_KEYS else self.number

    def text_limit(self, key: str) -> float:
        limit = self.text.get("message" if key in MESSAGE_KEYS else "id")
        return math.inf if limit is None else limit


def outside(value: float, limits: tuple[float, float]) -> bool:
    """Infinite, or finite and outside ``limits`` (NaN is "no data", never outside)."""
    return math.isinf(value) or (math.isfinite(value) and not limits[0] <= value <= limits[1])


class StoredChecks:
    """Reads the newest stored layout, racks, power, GPU list, job queue, events, journal."""

    def __init__(self, recorded: Recorded) -> None:
        answers = {k: json.loads(v) for k, v in recorded.answers.items()}
        site = answers["site"]
        self.text = {
            "gpus": text_keys(answers["gpus"]["gpus"]),
            "jobs": text_keys([*answers["jobs"]["jobs"], *answers["jobs_changes"]["jobs"]]),
            "events": text_keys(answers["events"]["events"]),
            "layout": text_keys([*site["racks"], *site["halls"], *site.get("rows", [])]),
            "site": text_keys([site]),
        }
        self.recorded_layout = [*site["racks"], *site["halls"], *site.get("rows", [])]
        self.limits = Limits()
        self.seen: set[tuple] = set()
        self.power_from = -FAR
        self.journal_from = -FAR

    def check(self, cache: Any, kind: str = "") -> list[str]:
        """The out-of-range values stored since the last call, one description each: of
        ``kind`` (what a poll of it stores) and the alarm journal; of everything when ''."""
        found: list[str] = []

        def bad(identity: tuple, what: str) -> None:
            if identity not in self.seen:
                self.seen.add(identity)
                found.append(what)

        readers = {"site": self._layout, "racks": self._racks, "power": self._power,
                   "gpus": self._unhealthy, "jobs": self._jobs, "events": self._events}
        for name, read in readers.items():
            if kind in ("", name):
                read(cache, bad)
        self._journal(cache, bad)
        return found

    def _time(self, kind: str, t: Any, bad: Bad) -> None:
        if not (_number(t) and math.isfinite(t)) or outside(float(t), self.limits.epoch):
            bad((kind, "time", repr(t)), f"{kind}: stored time {t!r} is not a plausible time")

    def _text(self, kind: str, ident: str, key: str, value: Any, bad: Bad) -> None:
        if value is None:
            return
        if not isinstance(value, str):
            bad((kind, ident, key, repr(value)[:60]),
                f"{kind}.{key}: {type(value).__name__} where text belongs")
        elif len(value) > self.limits.text_limit(key):
            bad((kind, ident, key, len(value)),
                f"{kind}.{key}: {len(value)} characters (limit {self.limits.text_limit(key)})")

    def _record(self, kind: str, record: Any, bad: Bad, ident: str = "") -> None:
        if not isinstance(record, Mapping):
            bad((kind, repr(record)[:80]), f"{kind}: a stored record is {type(record).__name__}")
            return
        ident = ident or repr(record.get("uuid", record.get("id")))[:60]
        text = self.text.get(kind, frozenset())
        for key, value in record.items():
            if key in text:
                self._text(kind, ident, key, value, bad)
            elif key in TIME_KEYS and value is not None and not _number(value):
                bad((kind, ident, key, repr(value)[:60]), f"{kind}.{key}: {value!r:.40} is not a time")
            elif _number(value):
                limits = self.limits.number_range(kind, key)
                if outside(float(value), limits):
                    bad((kind, ident, key, repr(value)),
                        f"{kind}.{key}: {value!r} outside {limits[0]:g}..{limits[1]:g}")

    def _layout(self, cache: Any, bad: Bad) -> None:
        topology = cache.topology_at(FAR)
        stored = ("layout", topology.time, topology.n_racks) if topology is not None else None
        if stored is None or stored in self.seen:
            return
        self.seen.add(stored)
        self._time("site", topology.time, bad)
        site = {k: getattr(topology, k) for k in ("name", "timezone", "lat", "lon",
                                                  "capacity_mw", "scale")}
        self._record("site", site, bad, ident="site")
        clean = iter(self.recorded_layout)
        for record in (*topology.racks, *topology.halls, *topology.rows):
            if record == next(clean, None):
                continue  # as recorded (most of a stored layout): nothing to look at
            self._record("layout", record, bad)
            feeds = record.get("pdu_feeds") if isinstance(record, Mapping) else None
            for feed in feeds if isinstance(feeds, list) else ():
                self._record("layout", feed, bad)

    def _racks(self, cache: Any, bad: Bad) -> None:
        racks = cache.racks_at(FAR)
        if racks is None:
            return
        self._time("racks", racks.time, bad)
        for name, values in racks.fields.items():
            lo, hi = self.limits.racks.get(name, ANY)
            arr = np.asarray(values, np.float64)
            with np.errstate(invalid="ignore"):
                out = np.isinf(arr) | (np.isfinite(arr) & ((arr < lo) | (arr > hi)))
            for i in np.flatnonzero(out).tolist():
                bad(("racks", racks.time, name, i),
                    f"racks.{name}: {float(arr[i])!r} outside {lo:g}..{hi:g}")
        for rack_id in racks.unknown_ids:
            self._text("racks", "unknown_ids", "id", rack_id, bad)

    def _power(self, cache: Any, bad: Bad) -> None:
        series = cache.power(self.power_from, FAR)
        t = np.asarray(series.t, np.float64)
        new = t > self.power_from
        lo, hi = self.limits.power.get("t", self.limits.epoch)
        with np.errstate(invalid="ignore"):
            bad_t = ~np.isfinite(t) | (t < lo) | (t > hi)
        for i in np.flatnonzero(bad_t).tolist():
            bad(("power", "t", repr(t[i])), f"power: stored time {t[i]!r} is not a plausible time")
        for name, values in series.fields.items():
            lo, hi = self.limits.power.get(name, ANY)
            arr = np.asarray(values, np.float64)
            with np.errstate(invalid="ignore"):
                out = new & (np.isinf(arr) | (np.isfinite(arr) & ((arr < lo) | (arr > hi))))
            for i in np.flatnonzero(out).tolist():
                bad(("power", float(t[i]), name),
                    f"power.{name}: {float(arr[i])!r} outside {lo:g}..{hi:g}")
        finite = t[np.isfinite(t)]
        if len(finite):
            self.power_from = max(self.power_from, float(finite.max()))

    def _unhealthy(self, cache: Any, bad: Bad) -> None:
        unhealthy = cache.unhealthy_at(FAR)
        if unhealthy is None:
            return
        self._time("gpus", unhealthy.time, bad)
        for record in unhealthy.gpus:
            self._record("gpus", record, bad)
        for status, n in unhealthy.counts.items():
            self._text("gpus", "counts", "status", status, bad)
            if not _number(n) or outside(float(n), self.limits.counts):
                bad(("gpus", "counts", status, repr(n)), f"gpus.counts: {n!r} GPUs {status}")

    def _jobs(self, cache: Any, bad: Bad) -> None:
        jobs = cache.jobs_at(FAR)
        if jobs is None:
            return
        self._time("jobs", jobs.time, bad)
        columns = jobs.columns
        ids = np.asarray(columns.get("id", np.zeros(0))).tolist()
        for name in self.text["jobs"] & set(columns):
            for job, value in zip(ids, columns[name].tolist(), strict=False):
                self._text("jobs", str(job), name, value, bad)
        racks = columns.get("racks")
        for job, value in zip(ids, racks.tolist() if racks is not None else (), strict=False):
            if value is not None and not isinstance(value, tuple | list):
                bad(("jobs", job, "racks", repr(value)[:60]),
                    f"jobs.racks: {type(value).__name__} where a list of rack ids belongs")
            for rack in value if isinstance(value, tuple | list) else ():
                self._text("jobs", str(job), "racks", rack, bad)
        for name, values in columns.items():
            if values.dtype.kind not in "fiu":
                continue
            lo, hi = self.limits.number_range("jobs", name)
            arr = np.asarray(values, np.float64)
            with np.errstate(invalid="ignore"):
                out = np.isinf(arr) | (np.isfinite(arr) & ((arr < lo) | (arr > hi)))
            for i in np.flatnonzero(out).tolist():
                bad(("jobs", ids[i], name),
                    f"jobs.{name}: {float(arr[i])!r} outside {lo:g}..{hi:g}")

    def _events(self, cache: Any, bad: Bad) -> None:
        for event in cache.events(-FAR, FAR):
            self._record("events", event, bad)

    def _journal(self, cache: Any, bad: Bad) -> None:
        for entry in cache.journal(self.journal_from, None):
            self._time("journal", entry.get("time"), bad)
            ident = repr((entry.get("time"), entry.get("alarm_id")))
            self._text("journal", ident, "message", entry.get("message"), bad)
            self._text("journal", ident, "rack", entry.get("rack"), bad)
            t = entry.get("time")
            if _number(t) and math.isfinite(t):
                self.journal_from = max(self.journal_from, float(t))
