"""Collect what a shift handover needs, from a live source or from the cache (Qt-free).

:func:`collect_from_source` polls each kind once through :class:`console.poller.Poller`
within a bounded total time; :func:`collect_from_cache` reads a cache file read-only.
Both return the snapshots the views show (``"site"`` first) and the shift's
:class:`~console.handover.data.HandoverData`. Every failure is an :class:`ExportError` whose
message is one line an operator can act on.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import numpy as np

from console.contract import DEFAULT_SITE_TZ
from console.handover.data import HandoverData, build_handover, cleared_in, shift_log
from console.handover.record import HANDOVER_GRACE_S, is_handover
from console.handover.request import DEFAULT_TIMEOUT_S, ExportError
from console.handover.shift import ShiftWindow
from console.model import (
    EventBatch,
    JobsSnapshot,
    PowerSeries,
    SiteTopology,
    Snapshot,
    _frozen_map,
    frozen,
)
from console.poller import NEEDS_TOPOLOGY, Fetched, Poller
from console.shiftlog.model import LogEntry, LogSnapshot
from console.sources.base import Source

if TYPE_CHECKING:
    from console.alarms import Alarm
    from console.cache import Cache
    from console.maintenance import MaintenanceList
    from console.settings import Settings

log = logging.getLogger(__name__)

REQUIRED_KINDS: tuple[str, ...] = ("site", "racks", "gpus", "jobs", "power")
"""Kinds an export needs from a live source (those the source offers); events are optional."""


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


# -- from a live source --------------------------------------------------------------------
DATA_KINDS: tuple[str, ...] = ("racks", "gpus", "jobs", "power")
"""Kinds that count as data read: an export with none of them fails (the site layout alone,
from a file, is not a reading of the site)."""
KIND_WORDS: dict[str, str] = {
    "site": "site layout", "racks": "rack map", "gpus": "GPU health", "jobs": "job queue",
    "power": "power and supply", "events": "hub events", "log": "shift log",
}
LOG_PAGES = 50
"""Most shift-log polls a live export makes to read the log whole (each a page of the
hub's answers at most)."""


def source_clock(source: Source) -> float:
    """The time a live export stands at: the workstation clock (a replay of a cache: its
    replay position). Never a file's own time (a topology file's ``time`` is when the file
    was written)."""
    position = getattr(source, "position", None) if source.backend == "cache replay" else None
    return float(position) if position else time.time()


def not_offered(source: Source) -> dict[str, str]:
    """Kind -> why ``source`` does not offer it at all (e.g. no Prometheus given)."""
    kinds = tuple(source.kinds or ())
    if not kinds:
        return {}
    out: dict[str, str] = {}
    if hasattr(source, "prometheus") and hasattr(source, "slurm"):  # the combined source
        for kind in ("racks", "gpus", "power"):
            if kind not in kinds:
                out[kind] = "no Prometheus given (--prometheus URL or [prometheus] url)"
        if "jobs" not in kinds:
            out["jobs"] = "no slurmrestd given (--slurm URL or [slurm] url)"
        if "site" not in kinds:
            out["site"] = "no site layout given (--topology FILE_OR_URL or site_topology)"
        return out
    for kind in REQUIRED_KINDS:
        if kind not in kinds:
            out[kind] = f"not offered by {source.backend}"
    return out


class _Fetching:
    """:meth:`Poller.fetch` of one kind, run on a thread of its own from now (a daemon: a
    source that never answers holds nothing at exit); :meth:`result` waits for it."""

    def __init__(self, poller: Poller, kind: str) -> None:
        self._poller = poller
        self._kind = kind
        self._fetched: Fetched | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=f"export-fetch-{kind}",
                                        daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._fetched = self._poller.fetch(self._kind)
        except BaseException as exc:  # raised again on the collecting thread
            self._error = exc

    def result(self) -> Fetched:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._fetched is not None
        return self._fetched


def _poll_all(source: Source, shift: ShiftWindow | None, out: dict[str, Any]) -> None:
    """Poll each kind once; a kind that fails is noted in ``out["missing"]`` and the others
    go on (each kind fails on its own). ``out["snapshots"]`` fills as kinds arrive, so a
    collection cut short by its time limit keeps what came.

    Every kind is fetched at once, each on a thread of its own (the source answers one
    while this process reads another: :meth:`Poller.fetch` allows it), and taken in the
    order of the list; the rack map, read against the site's layout, once the site is
    taken; the shift log's first page with the rest."""
    poller = Poller(source)
    kinds = [k for k in (*REQUIRED_KINDS, "events") if not source.kinds or k in source.kinds]
    kinds += [k for k in ("forecast",) if k in (source.kinds or ())]  # for the advice only
    snapshots: dict[str, Snapshot] = out.setdefault("snapshots", {})
    missing: dict[str, str] = out.setdefault("missing", {})
    if "power" in kinds:
        if shift is None:
            shift = ShiftWindow.default(source_clock(source), live=True)
            out["shift"] = shift
        poller.context.power_since = shift.start - 10.0
    read_log = "log" in (source.kinds or ())
    ahead = "site" in kinds  # else a kind that needs the layout fetches the site itself
    fetching = {k: _Fetching(poller, k) for k in kinds if not (ahead and k in NEEDS_TOPOLOGY)}
    # The shift log's first page once the job queue (the longest answer) has come, not
    # with it: the hub's shift log, opened at its first request, held up its answers.
    log_after = "jobs" if "jobs" in fetching else None
    if read_log and log_after is None:
        fetching["log"] = _Fetching(poller, "log")
    for kind in kinds:
        out["polling"] = kind
        fetch = fetching.get(kind) or _Fetching(poller, kind)
        fetched = fetch.result()
        if read_log and kind == log_after:
            fetching["log"] = _Fetching(poller, "log")
        result = poller.commit(fetched)
        if not result.ok or result.snapshot is None:
            missing[kind] = _one_line(result.error or "no data")
            continue
        snapshots[kind] = result.snapshot
    if read_log:
        out["polling"] = "log"
        _read_log(poller, out, fetching["log"].result())
    out.pop("polling", None)
    out["done"] = True


def _read_log(poller: Poller, out: dict[str, Any], first: Fetched | None = None) -> None:
    """Read the hub's shift log whole (page after page, the first one ``first`` when
    fetched already) into ``out["log"]`` (entries by uid); a failure, or a log longer than
    ``LOG_PAGES`` answers, into ``out["missing"]``."""
    entries: dict[str, LogEntry] = {}
    for page in range(LOG_PAGES):
        result = poller.commit(first if first is not None and not page else
                               poller.fetch("log"))
        snap = result.snapshot
        if not result.ok or not isinstance(snap, LogSnapshot):
            out["missing"]["log"] = _one_line(result.error or "no shift log")
            return
        entries.update((e.uid, e) for e in snap.entries)
        if not snap.more:
            out["log"] = entries
            return
    out["missing"]["log"] = f"the shift log is longer than {LOG_PAGES} answers of the hub"


def _alarms_now(snapshots: Mapping[str, Snapshot]) -> tuple[list[dict], list[dict], tuple, float]:
    """Evaluate the alarm rules once over the snapshots: journal, incidents, alarms, hub time."""
    from console.alarms import AlarmEngine, IncidentTracker, MemoryJournal
    from console.alarms.incidents import incidents_summary

    topology = snapshots["site"]
    assert isinstance(topology, SiteTopology)
    journal = MemoryJournal()
    engine = AlarmEngine(journal=journal)
    update = engine.evaluate({k: v for k, v in snapshots.items() if k != "site"}, topology)
    tracker = IncidentTracker()
    jobs = snapshots.get("jobs")
    tracker.update(update.alarms, update.time, jobs if isinstance(jobs, JobsSnapshot) else None)
    return list(journal.entries), incidents_summary(tracker.incidents()), update.alarms, update.time


def nothing_read(where: str, missing: Mapping[str, str]) -> str:
    """The one line of an export that read nothing: each reason once, with its kinds."""
    by_reason: dict[str, list[str]] = {}
    for kind, reason in missing.items():
        by_reason.setdefault(reason, []).append(kind)
    parts = [f"{', '.join(kinds)}: {reason}" for reason, kinds in by_reason.items()]
    return _one_line(f"{where}: nothing could be read ({'; '.join(parts) or 'no data'})")


def collect_from_source(
    source: Source, shift: ShiftWindow | None = None, timeout_s: float = DEFAULT_TIMEOUT_S,
    notes: str = "", steering: Mapping[str, Any] | None = None,
    grid_g_per_kwh: float | None = None,
) -> tuple[dict[str, Any], HandoverData]:
    """Poll ``source`` (already started) once per kind and build the shift's handover.

    ``shift`` None picks the shift in progress, from the workstation clock and the shift
    hours (never from a file's time). Each kind fails on its own: the handover holds what
    could be read and ``HandoverData.missing`` says, per kind, why the rest is not there.
    :class:`ExportError` only when no kind of data at all could be read (or none within
    ``timeout_s``). The returned dict maps kind to snapshot (``"site"`` first) plus
    ``"alarms"``: the alarms active now, as the console's alarm rules see these snapshots.
    ``steering`` is the ``[steering]`` table of the energy-steering advice the pack carries,
    ``grid_g_per_kwh`` the grid's carbon intensity it uses where the forecast gives none.
    """
    out: dict[str, Any] = {}
    worker = threading.Thread(
        target=_guarded, args=(_poll_all, source, shift, out), name="export-collect", daemon=True
    )
    worker.start()
    worker.join(timeout_s)
    where = source.display_url
    late = worker.is_alive()
    snapshots: dict[str, Any] = dict(out.get("snapshots", {}))
    missing: dict[str, str] = {**not_offered(source), **dict(out.get("missing", {}))}
    if late:
        for kind in (*REQUIRED_KINDS, "events"):
            offered = not source.kinds or kind in source.kinds
            if offered and kind not in snapshots and kind not in missing:
                missing[kind] = f"no answer within {timeout_s:g} s"
    if "error" in out:  # a bug, not a failing backend: the kind being read is lost
        missing[str(out.get("polling") or "data")] = _one_line(out["error"])
    log_missing: str | None = None
    if "log" in missing:
        log_missing = missing.pop("log")
    elif "log" not in out:
        log_missing = (f"{source.backend} keeps no shift log (a live export reads it from a hub)"
                       if "log" not in (source.kinds or ()) else
                       f"no answer within {timeout_s:g} s" if late else "no shift log read")
    if not any(k in snapshots for k in DATA_KINDS):
        if late and not out.get("missing"):
            raise ExportError(f"{where}: no valid data within {timeout_s:g} s")
        raise ExportError(nothing_read(where, {k: v for k, v in missing.items()
                                               if k in (*REQUIRED_KINDS, "events")}))
    now = source_clock(source)
    shift = out.get("shift", shift) or ShiftWindow.default(now, live=True)
    warnings: list[str] = []
    if "events" in missing and (not source.kinds or "events" in source.kinds):
        warnings.append(f"hub events unavailable: {missing['events']}")
    topology = snapshots.get("site")
    if not isinstance(topology, SiteTopology):
        topology = None
        snapshots.pop("site", None)
    data_times = [s.time for k, s in snapshots.items() if k in DATA_KINDS and hasattr(s, "time")]
    hub_now = max(data_times, default=now)
    if shift.end < now - 120:
        warnings.append("GPU health, jobs and views are as of the export, not the shift's end "
                        "(a live source has no past states; review a cache for that)")
    incidents: list[dict] = []
    standing: list[dict] | None = None
    current = shift.end >= now - 120
    if topology is not None:
        try:
            _, incidents, alarms, alarm_time = _alarms_now(snapshots)
            snapshots["alarms"] = (alarms, alarm_time)
            standing = [_alarm_item(a) for a in alarms] if current else None
            warnings.append("alarm history (raised, acknowledged) needs the console's cache; "
                            + ("the alarms listed are those standing at the export" if current
                               else "alarms at the shift's end are unknown"))
            if not current:
                incidents = []
        except Exception as exc:  # the alarm rules are optional in a handover
            log.warning("alarm evaluation for the export failed: %s", exc)
            warnings.append(f"alarms not evaluated ({exc.__class__.__name__})")
    else:
        standing = []
        warnings.append("alarms not evaluated: no site layout")
    power = snapshots.get("power")
    if isinstance(power, PowerSeries):
        snapshots["power"] = crop_power(power, shift.start - power.step, shift.end)
    if "gpus" in snapshots:
        warnings.append("GPU health at the shift's start is not available from a live source")
    read_log = list(dict(out.get("log") or {}).values())
    log_entries, open_items = shift_log(read_log, shift)
    data = build_handover(
        shift,
        topology=topology,
        power=power if isinstance(power, PowerSeries) else None,
        maintenance=_maintenance_now(snapshots.get("gpus"), snapshots.get("jobs"), topology),
        gpus_start=None,
        gpus_end=snapshots.get("gpus"),
        jobs=[snapshots.get("jobs")],
        incidents=incidents,
        standing=standing,
        notes=notes,
        source=where,
        warnings=warnings,
        view_time=hub_now,
        missing={k: missing[k] for k in (*REQUIRED_KINDS, "events") if k in missing},
        log_entries=log_entries,
        open_items=open_items,
        cleared_items=cleared_in(read_log, shift),
        log_missing=log_missing,
    )
    try:
        from console.steering import SteeringPolicy, pack_advice

        data = data.with_steering(pack_advice(
            snapshots, topology, SteeringPolicy.from_dict(steering or {}), now=hub_now,
            grid_g_per_kwh=grid_g_per_kwh))
    except Exception as exc:  # the advice is optional in a handover
        log.warning("energy-steering advice for the export failed: %s", exc)
    return snapshots, data


def _maintenance_now(gpus: Snapshot | None, jobs: Snapshot | None,
                     topology: SiteTopology | None) -> MaintenanceList | None:
    """The maintenance list of one unhealthy-GPU list (counts from it alone); None without."""
    from console.maintenance import MaintenanceTracker
    from console.model import UnhealthyGpus

    if not isinstance(gpus, UnhealthyGpus):
        return None
    try:
        return MaintenanceTracker().update(
            gpus, jobs if isinstance(jobs, JobsSnapshot) else None, topology)
    except Exception as exc:  # the maintenance list is optional in a handover
        log.warning("maintenance list for the export failed: %s", exc)
        return None


def crop_power(series: PowerSeries, start: float, end: float) -> PowerSeries:
    """The points of ``series`` with ``start <= t < end`` (what the power view shows)."""
    lo = int(np.searchsorted(series.t, start, side="left"))
    hi = int(np.searchsorted(series.t, end, side="left"))
    if lo == 0 and hi == len(series.t):
        return series
    return dataclasses.replace(  # keeps every other field (a source's missing flows, ...)
        series,
        time=float(series.t[hi - 1]) if hi > lo else series.time,
        t=frozen(np.array(series.t[lo:hi])),
        fields=_frozen_map({k: np.array(v[lo:hi]) for k, v in series.fields.items()}),
    )


def _alarm_item(alarm: Alarm) -> dict[str, Any]:
    """An alarm object as the handover lists it."""
    return {
        "alarm_id": alarm.id, "priority": alarm.priority, "state": alarm.state,
        "rack": alarm.area or alarm.rack or "", "source": alarm.rule, "message": alarm.message,
        "since": alarm.time, "changed": alarm.changed, "operator": alarm.operator,
        "comment": alarm.comment,
    }


def _guarded(fn: Callable[[Source, ShiftWindow | None, dict[str, Any]], None], source: Source,
             shift: ShiftWindow | None, out: dict[str, Any]) -> None:
    try:
        fn(source, shift, out)
    except Exception as exc:  # reported as one line by the caller
        log.debug("export collection failed", exc_info=True)
        out["error"] = f"unexpected error ({exc.__class__.__name__}: {exc})"


# -- from the cache ------------------------------------------------------------------------
def _fmt(t: float, tz: str) -> str:
    return datetime.fromtimestamp(t, ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")


def describe_range(first: float, last: float, tz: str) -> str:
    """'2026-11-27 22:00 – 2026-11-28 14:05 Africa/Casablanca (…UTC)' for messages."""
    return (f"{_fmt(first, tz)} – {_fmt(last, tz)} {tz} "
            f"({_fmt(first, 'UTC')} – {_fmt(last, 'UTC')} UTC)")


def alarms_from_items(items: Sequence[Mapping[str, Any]]) -> tuple:
    """Alarm objects (for the alarm list view) from the handover's open/shelved items."""
    from console.alarms import Alarm

    out = []
    for a in items:
        state = str(a.get("state") or "")
        rack = str(a.get("rack") or "") or None
        out.append(Alarm(
            id=str(a.get("alarm_id")), rule=str(a.get("source") or ""),
            priority=str(a.get("priority") or "diagnostic"), state=state,
            active=state in ("UNACK", "ACKED", "SHELVED", "SUPPRESSED", "OUT_OF_SERVICE"),
            message=str(a.get("message") or ""), time=float(a.get("since") or 0.0),
            changed=float(a.get("changed") or 0.0), rack=rack, area=rack or "site",
            operator=str(a.get("operator") or ""), comment=str(a.get("comment") or ""),
        ))
    return tuple(out)


def collect_from_cache(
    cache_path: str | Path, shift: ShiftWindow | None = None, at: float | None = None,
    notes: str = "",
) -> tuple[dict[str, Any], HandoverData]:
    """Read a shift's handover from a cache file, never writing to it.

    ``shift`` None: the shift holding ``at``, else the last complete shift the cache
    covers. ``at`` is the moment the views show (default: the shift's end, or the cache's
    last time if earlier). A shift outside the cache raises :class:`ExportError` naming
    the range the cache holds.
    """
    from console.cache import Cache, CacheError

    try:
        cache = Cache.open(cache_path, readonly=True)
    except CacheError as exc:
        raise ExportError(_one_line(str(exc))) from None
    except OSError as exc:
        raise ExportError(_one_line(f"cannot open the cache {cache_path}: {exc}")) from None
    try:
        return _from_cache(cache, shift, at, notes)
    except ExportError:
        raise
    except CacheError as exc:
        raise ExportError(_one_line(str(exc))) from None
    except Exception as exc:  # sqlite errors on a damaged file, ...
        raise ExportError(_one_line(
            f"cannot read the cache {cache_path}: {exc.__class__.__name__}: {exc}")) from None
    finally:
        cache.close()


def _from_cache(
    cache: Cache, shift: ShiftWindow | None, at: float | None, notes: str
) -> tuple[dict[str, Any], HandoverData]:
    span = cache.time_range()
    if span is None:
        raise ExportError(f"the cache {cache.path} holds no telemetry")
    first, last = float(span[0]), float(span[1])
    topology = cache.topology_at(last)
    tz = getattr(topology, "timezone", None) or (shift.tz if shift else DEFAULT_SITE_TZ)
    warnings: list[str] = []
    if shift is None:
        if at is not None:
            shift = ShiftWindow.containing(at, tz)
        else:
            shift = ShiftWindow.default(last, tz)
            if shift.end <= first:  # the cache holds no complete shift: the one in progress
                shift = ShiftWindow.default(last, tz, live=True)
    if shift.end <= first or shift.start > last:
        raise ExportError(
            f"the shift {shift.label_local()} is outside the cache, which holds "
            f"{describe_range(first, last, tz)}"
        )
    if shift.start < first or shift.end > last + 60:
        warnings.append(f"the cache covers only part of the shift: {describe_range(first, last, tz)}")
    view_at = min(shift.end, last) if at is None else float(at)
    if not first <= view_at <= last + 60:
        raise ExportError(
            f"--at {_fmt(view_at, tz)} is outside the cache, which holds "
            f"{describe_range(first, last, tz)}"
        )
    end_at = min(shift.end, last)
    topology = cache.topology_at(view_at)
    if topology is None:
        raise ExportError(f"the cache {cache.path} holds no site topology")
    power = cache.power(shift.start, shift.end)
    gpus_start = cache.unhealthy_at(shift.start) if shift.start >= first else None
    if shift.start < first:
        warnings.append("GPU health at the shift's start is before the cache's first record")
    gpus_end = cache.unhealthy_at(end_at)
    jobs_start, jobs_end = cache.jobs_at(shift.start), cache.jobs_at(end_at)
    journal = cache.journal(None, shift.end)
    # A shift is handed over around its end: its handover may be journaled after it.
    end = shift.nominal_end if shift.partial and shift.nominal_end else shift.end
    journal += [e for e in cache.journal(shift.end, end + HANDOVER_GRACE_S)
                if is_handover(e) and float(e["time"]) > shift.end]
    incidents = cache.incidents(shift.start, shift.end)
    maintenance = cache.maintenance_at(end_at)
    if maintenance is None:  # a file from before schema 5: as the faults at the end say
        maintenance = _maintenance_now(gpus_end, jobs_end, topology)
    missing: dict[str, str] = {}
    if power is None or not len(power.t):
        missing["power"] = "the cache holds no power data for the shift"
    if gpus_end is None:
        missing["gpus"] = "the cache holds no GPU health at the shift's end"
    if jobs_start is None and jobs_end is None:
        missing["jobs"] = "the cache holds no job queue for the shift"
    log_entries, open_items, cleared, log_missing = _log_from_cache(cache, shift)
    data = build_handover(
        shift,
        topology=topology,
        power=power,
        maintenance=maintenance,
        gpus_start=gpus_start,
        gpus_end=gpus_end,
        jobs=[jobs_start, jobs_end],
        journal=journal,
        incidents=incidents,
        notes=notes,
        source=f"cache {cache.path}",
        warnings=warnings,
        view_time=view_at,
        missing=missing,
        log_entries=log_entries,
        open_items=open_items,
        cleared_items=cleared,
        log_missing=log_missing,
    )
    snapshots: dict[str, Any] = {"site": topology}
    for kind, snap in (("racks", cache.racks_at(view_at)), ("gpus", cache.unhealthy_at(view_at)),
                       ("jobs", cache.jobs_at(view_at)), ("power", power)):
        if snap is not None:
            snapshots[kind] = snap
    events = cache.events(max(shift.start, view_at - 3600.0), view_at)
    if events:
        snapshots["events"] = EventBatch(time=view_at, received=view_at, events=tuple(events),
                                         last_id=max(int(e.get("id", 0)) for e in events))
    alarm_items = [*data.alarms.get("still_open", ()), *data.alarms.get("shelved", ()),
                   *data.alarms.get("out_of_service", ())]
    try:
        snapshots["alarms"] = (alarms_from_items(alarm_items), view_at)
    except Exception as exc:  # the alarm list view is optional
        log.warning("alarm list for the export failed: %s", exc)
    return snapshots, data


def _log_from_cache(
    cache: Cache, shift: ShiftWindow
) -> tuple[list[LogEntry], list[LogEntry], list[LogEntry], str | None]:
    """The shift's log entries, the open items at its end and those cleared in it, as the
    cache's copy of the log says they stood then, and why there is none (a file from
    before the shift log)."""
    from console.cache import logbook

    if not logbook.has_table(cache.conn):  # this export's own read-only connection
        return [], [], [], "the cache predates the shift log (schema 9): no entry recorded"
    return (cache.log_between(shift.start, shift.end), cache.open_items(shift.end),
            cache.cleared_between(shift.start, shift.end), None)


# -- for an export ---------------------------------------------------------------------------
def collect(
    settings: Settings | None, source_url: str | None, review: str | None,
    shift: ShiftWindow | None,
    at: float | None, notes: str, timeout_s: float = DEFAULT_TIMEOUT_S,
    close: Callable[[Source], None] | None = None,
) -> tuple[dict[str, Any], HandoverData, str]:
    """What an export shows and writes: the snapshots, the handover and where they came from.

    ``review`` (a cache file) is read with :func:`collect_from_cache`; otherwise the live
    source ``source_url`` (None: the one ``settings`` names; ``settings`` None: loaded from
    the environment) is started, polled with :func:`collect_from_source` and closed: by
    ``close(source)`` when given (e.g. on a thread of the caller's, so that the waits for
    a simulated hub's process to end pass while the pack is made), else at once.
    """
    if review:
        snapshots, data = collect_from_cache(review, shift, at, notes=notes)
        return snapshots, data, f"review of {review}"
    from console.settings import load_settings, make_source
    from console.sources.base import SourceError
    from console.sources.grid_carbon import grid_intensity

    if settings is None:
        settings = load_settings(overrides={"source": source_url})
    url = source_url or settings.source
    try:
        source = make_source(settings, url)
    except (ValueError, SourceError) as exc:
        raise ExportError(str(exc)) from None
    try:
        source.start()
        try:
            snapshots, data = collect_from_source(
                source, shift, timeout_s, notes=notes, steering=settings.steering,
                grid_g_per_kwh=grid_intensity(source, settings.carbon))
        finally:
            (close or type(source).close)(source)
    except OSError as exc:
        raise ExportError(f"{url}: cannot start the source ({exc.strerror or exc})") from None
    return snapshots, data, source.display_url
