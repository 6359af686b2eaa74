"""What each data source delivers: ``python main.py check`` and Help → Data sources (Qt-free).

For each view and figure: found, missing or error, what was seen, and what to enable.
Each backend is asked on its own: a source with a ``check()`` method (the Prometheus and
Slurm sources) answers for itself; any other is probed with one normal fetch per kind.
Every row is ``{"view", "figure", "status", "detail", "hint"}`` with ``status`` one of
:data:`STATUSES`. A check never raises for a failing backend: the failure is a row.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from console.model import (
    EventBatch,
    JobsSnapshot,
    PowerSeries,
    RackTelemetry,
    SiteTopology,
    Snapshot,
    UnhealthyGpus,
)
from console.sources.base import FetchContext, Source, SourceError
from console.sources.http import redact

if TYPE_CHECKING:
    from console.settings import Settings

log = logging.getLogger(__name__)

STATUSES = ("found", "missing", "error")
DEFAULT_TIMEOUT_S = 60.0
VIEWS = {"site": "Rack map", "topology": "Rack map", "racks": "Rack map", "gpus": "GPU health",
         "power": "Power", "jobs": "Job queue", "events": "Alarms"}
"""The view each kind of data feeds (a source's own rows may name the kind)."""
KIND_FIGURE = {"site": "site layout", "racks": "rack figures", "gpus": "unhealthy GPUs",
               "power": "site power", "jobs": "jobs", "events": "hub events"}
RACK_FIGURES = (
    ("power_kw", "rack power", "dcgm-exporter's DCGM_FI_DEV_POWER_USAGE, or a per-rack PDU "
                               "series ([prometheus] rack_metrics power_kw)"),
    ("inlet_c", "inlet temperature", "a per-rack inlet sensor series ([prometheus] "
                                     "rack_metrics inlet_c)"),
    ("gpu_temp_max_c", "GPU temperature", "DCGM_FI_DEV_GPU_TEMP in dcgm-exporter's counters "
                                          "file"),
    ("gpu_util_mean", "GPU utilisation", "DCGM_FI_DEV_GPU_UTIL in dcgm-exporter's counters "
                                         "file"),
    ("pdu_a_kw", "PDU feed A", "a PDU series per feed ([prometheus] rack_metrics pdu_a_kw; "
                               "e.g. snmp_exporter)"),
    ("pdu_b_kw", "PDU feed B", "a PDU series per feed ([prometheus] rack_metrics pdu_b_kw)"),
)
"""(rack field, figure, what to enable when it has no values)."""
POWER_FIGURES = (
    ("it_mw", "IT load", "MW"),
    ("facility_mw", "facility load", "MW"),
    ("solar_mw", "solar", "MW"),
    ("wind_mw", "wind", "MW"),
    ("battery_discharge_mw", "battery discharge", "MW"),
    ("battery_charge_mw", "battery charge", "MW"),
    ("grid_mw", "grid import", "MW"),
    ("curtailment_mw", "curtailment", "MW"),
    ("carbon_g_per_kwh", "carbon intensity", "gCO2/kWh"),
)
POWER_HINT = ("configure this flow in the config file's site power profile (a PromQL "
              "expression over the site's own meter; [prometheus] power_metrics)")
GPU_SIGNAL_HINTS = {
    "ecc": "enable DCGM_FI_DEV_ECC_DBE_VOL_TOTAL in dcgm-exporter's counters file",
    "xid": "enable DCGM_FI_DEV_XID_ERRORS in dcgm-exporter's counters file",
    "throttle": "enable DCGM_FI_DEV_CLOCKS_EVENT_REASONS (DCGM_FI_DEV_CLOCK_THROTTLE_REASONS "
                "before DCGM 3.1) in dcgm-exporter's counters file",
    "row_remap": "enable DCGM_FI_DEV_ROW_REMAP_FAILURE in dcgm-exporter's counters file",
}
PROM_SIGNALS = (
    ("ecc", "ECC errors", "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL"),
    ("xid", "XID errors", "DCGM_FI_DEV_XID_ERRORS"),
    ("throttle", "clock throttling",
     "DCGM_FI_DEV_CLOCKS_EVENT_REASONS or DCGM_FI_DEV_CLOCK_THROTTLE_REASONS"),
    ("row_remap", "row remapping", "DCGM_FI_DEV_ROW_REMAP_FAILURE"),
)
"""(signal, figure, metric names) asked of a Prometheus source without a check() of its own."""
KIND_HINTS = {
    "site": "give the site layout: --topology FILE_OR_URL (or site_topology in the config file)",
    "racks": "check --prometheus URL and that dcgm-exporter is scraped",
    "gpus": "check --prometheus URL and that dcgm-exporter is scraped",
    "power": "configure the site power profile in the config file ([prometheus] power_metrics)",
    "jobs": "check --slurm URL and SLURM_JWT (scontrol token)",
    "events": "the hub API's /api/v1/events",
}


def row(view: str, figure: str, status: str, detail: str = "", hint: str = "") -> dict[str, str]:
    """One row of the check (``status``: found, missing or error); the detail (often a
    server's or an exception's words) without the secrets in use."""
    assert status in STATUSES, status
    return {"view": view, "figure": figure, "status": status,
            "detail": redact(" ".join(str(detail).split())), "hint": " ".join(str(hint).split())}


@dataclass
class CheckReport:
    """The rows of one check, in order, and the source they describe."""

    source: str
    rows: list[dict[str, str]] = field(default_factory=list)

    @property
    def reachable(self) -> bool:
        """True when anything at all was read."""
        return any(r["status"] == "found" for r in self.rows)

    def counts(self) -> dict[str, int]:
        return {s: sum(r["status"] == s for r in self.rows) for s in STATUSES}

    def one_line(self) -> str:
        """Why nothing could be read, in one line (each reason once)."""
        by_reason: dict[str, list[str]] = {}
        for r in self.rows:
            if r["status"] == "error":
                by_reason.setdefault(r["detail"], []).append(r["figure"])
        parts = [f"{', '.join(dict.fromkeys(figs))}: {why}" for why, figs in by_reason.items()]
        if not parts:
            parts = [f"{r['figure']}: {r['detail']}" for r in self.rows][:4]
        return " ".join(f"nothing reachable at {self.source} ({'; '.join(parts)})".split())

    def table(self, width: int = 100) -> str:
        """A plain-text table: view, figure, status, detail; what to enable under a row."""
        heads = ("VIEW", "FIGURE", "STATUS", "DETAIL")
        cols = [[r["view"] for r in self.rows], [r["figure"] for r in self.rows],
                [r["status"] for r in self.rows]]
        widths = [min(max([len(h), *map(len, c)]), 34) for h, c in zip(heads[:3], cols, strict=True)]
        indent = sum(widths) + 2 * len(widths)
        lines = ["  ".join(h.ljust(w) for h, w in zip(heads[:3], widths, strict=True))
                 + "  " + heads[3]]
        for r in self.rows:
            cells = [r["view"], r["figure"], r["status"]]
            lead = "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True))
            lines.append(f"{lead}  {r['detail']}".rstrip())
            if r["hint"]:
                lines.append(" " * indent + f"-> {r['hint']}")
        c = self.counts()
        lines.append(f"{c['found']} found, {c['missing']} missing, {c['error']} errors "
                     f"({self.source})")
        return "\n".join(lines)


# -- describing what a fetch returned --------------------------------------------------------
def _fmt(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}" if math.isfinite(value) else "n/a"


def describe(kind: str, snap: Snapshot, backend: str = "") -> list[dict[str, str]]:
    """Rows for one fetched snapshot: the kind found, then its figures found or missing."""
    view = VIEWS.get(kind, kind)
    if isinstance(snap, SiteTopology):
        return [row(view, "site layout", "found",
                    f"{snap.name or 'site'}: {snap.n_racks:,} racks, {snap.total_gpus:,} GPUs")]
    if isinstance(snap, RackTelemetry):
        return _racks_rows(snap)
    if isinstance(snap, UnhealthyGpus):
        return _gpu_rows(snap)
    if isinstance(snap, PowerSeries):
        return power_rows(snap)
    if isinstance(snap, JobsSnapshot):
        return _jobs_rows(snap)
    if isinstance(snap, EventBatch):
        return [row(view, "hub events", "found", f"{len(snap.events)} recent events")]
    return [row(view, KIND_FIGURE.get(kind, kind), "found", type(snap).__name__)]


def _racks_rows(snap: RackTelemetry) -> list[dict[str, str]]:
    n = len(snap.missing)
    covered = n - snap.n_missing
    rows = [row("Rack map", "rack figures", "found" if covered else "missing",
                f"{covered:,} of {n:,} racks with data"
                + (f"; {len(snap.unknown_ids)} rack ids not in the layout"
                   if snap.unknown_ids else ""),
                "" if covered else "map hosts to racks: the layout's per-rack hosts lists")]
    for name, figure, hint in RACK_FIGURES:
        values = snap.fields.get(name)
        ok = 0 if values is None else int(np.isfinite(np.asarray(values, float)).sum())
        if ok:
            rows.append(row("Rack map", figure, "found", f"{ok:,} racks"))
        else:
            rows.append(row("Rack map", figure, "missing", "no values", hint))
    return rows


def _gpu_rows(snap: UnhealthyGpus) -> list[dict[str, str]]:
    counts = {k: int(v) for k, v in snap.counts.items()}
    words = ", ".join(f"{k} {v:,}" for k, v in counts.items() if v) or "none"
    rows = [row("GPU health", "GPU health", "found",
                f"{len(snap.gpus):,} unhealthy GPUs listed ({words})")]
    for signal, reason in (getattr(snap, "not_collected", None) or {}).items():
        key = str(signal).lower().replace(" ", "_")
        hint = next((h for k, h in GPU_SIGNAL_HINTS.items() if k in key), "")
        rows.append(row("GPU health", str(signal), "missing", str(reason), hint))
    return rows


def power_rows(snap: PowerSeries) -> list[dict[str, str]]:
    """Each flow found (its latest value) or missing (why), then the figures made of them."""
    from console.handover import ShiftWindow
    from console.handover.kpis import missing_flows, power_kpis

    if not len(snap.t):
        return [row("Power", "site power", "missing", "no samples in the window",
                    KIND_HINTS["power"])]
    missing = missing_flows(snap)
    rows = []
    for name, figure, unit in POWER_FIGURES:
        if name in missing:
            rows.append(row("Power", figure, "missing", missing[name], POWER_HINT))
            continue
        values = np.asarray(snap.fields[name], float)
        last = values[np.isfinite(values)][-1]
        digits = 1 if abs(float(last)) >= 10 else 3
        rows.append(row("Power", figure, "found", f"latest {_fmt(float(last), digits)} {unit}"))
    t0, t1 = float(snap.t[0]), float(snap.t[-1]) + snap.step
    kpis = power_kpis(snap, ShiftWindow(t0, max(t1, t0 + 1.0)))
    na = kpis.get("not_available", {})
    for key, figure, unit, digits in (("renewable_share_pct", "renewable share", "%", 1),
                                      ("pue", "PUE", "", 3),
                                      ("carbon_g_per_kwh", "carbon", "gCO2/kWh", 0)):
        value = float(kpis.get(key, math.nan))
        if math.isfinite(value):
            rows.append(row("Power", figure, "found",
                            f"{_fmt(value, digits)} {unit} over the window".replace("  ", " ")))
        else:
            rows.append(row("Power", figure, "missing", f"n/a: {na.get(key, 'no data')}",
                            POWER_HINT))
    return rows


def _jobs_rows(snap: JobsSnapshot) -> list[dict[str, str]]:
    from console.jobs import task_weights

    states = snap.columns.get("state")
    by_state: dict[str, int] = {}
    tasks_by_state: dict[str, int] = {}
    if states is not None:
        for s, n in zip(states, task_weights(snap).tolist(), strict=True):
            by_state[str(s)] = by_state.get(str(s), 0) + 1
            tasks_by_state[str(s)] = tasks_by_state.get(str(s), 0) + int(n)
    words = ", ".join(
        f"{v:,} {k.lower()}" + (f" ({tasks_by_state[k]:,} with array tasks, as squeue -r)"
                                if tasks_by_state[k] != v else "")
        for k, v in sorted(by_state.items()))
    rows = [row("Job queue", "jobs", "found", f"{len(snap):,} jobs" + (f" ({words})" if words
                                                                       else ""))]
    invalid = int(getattr(snap, "invalid", 0) or 0)
    if invalid:
        rows.append(row("Job queue", "invalid records", "error",
                        f"{invalid:,} records dropped (a missing or null job id or state)",
                        "see the scheduler's own records of these jobs"))
    partitions = getattr(snap, "partition_gpus", None)
    if partitions:
        # Per partition: a node in several partitions counts in each, so no site total.
        words = ", ".join(f"{name} {int(p.get('free', 0)):,} of {int(p.get('total', 0)):,}"
                          for name, p in sorted(partitions.items()))
        rows.append(row("Job queue", "free GPUs per partition", "found",
                        f"{words} GPUs free (the scheduler's nodes)"))
    return rows


# -- asking the sources ----------------------------------------------------------------------
def _error_rows(kind: str, exc: BaseException) -> list[dict[str, str]]:
    reason = str(exc) if isinstance(exc, SourceError) else (
        f"unexpected error ({exc.__class__.__name__}: {exc})")
    hint = KIND_HINTS.get(kind, "")
    if isinstance(exc, SourceError) and exc.auth and kind == "jobs":
        hint = "set SLURM_JWT (what `scontrol token` prints) or [slurm] token"
    return [row(VIEWS.get(kind, kind), KIND_FIGURE.get(kind, kind), "error", reason, hint)]


def probe(source: Source, kinds: Iterable[str], context: FetchContext | None = None,
          emit: Callable[[list[dict[str, str]]], None] | None = None) -> list[dict[str, str]]:
    """One normal fetch per kind: found (and its figures) or error with the reason."""
    ctx = context or FetchContext(power_window_s=3600.0)
    out: list[dict[str, str]] = []
    site_error: BaseException | None = None
    for kind in kinds:
        if kind == "racks" and ctx.topology is None and site_error is not None:
            rows = [row("Rack map", "rack figures", "error",
                        f"needs the site layout, which failed ({site_error})",
                        KIND_HINTS["site"])]
            out += rows
            if emit is not None:
                emit(rows)
            continue
        try:
            snap = source.fetch(kind, ctx)
            if isinstance(snap, SiteTopology):
                ctx.topology = snap
            rows = describe(kind, snap, source.backend)
        except Exception as exc:  # every failure is a row, never a traceback
            if not isinstance(exc, SourceError):
                log.debug("check of %s failed", kind, exc_info=True)
            rows = _error_rows(kind, exc)
            if kind == "site":
                site_error = exc
        out += rows
        if emit is not None:
            emit(rows)
    return out


def _own_check(source: Any, name: str) -> list[dict[str, str]]:
    """A backend's own ``check()`` rows (validated), or one error row if it fails."""
    try:
        rows = [dict(r) for r in source.check()]
    except Exception as exc:
        log.debug("%s check failed", name, exc_info=True)
        reason = str(exc) if isinstance(exc, SourceError) else (
            f"check failed ({exc.__class__.__name__}: {exc})")
        return [row(name, name, "error", reason)]
    out = []
    for r in rows:
        status = str(r.get("status") or "error")
        status = status if status in STATUSES else "error"
        detail = str(r.get("detail") or "")
        if status == "error" and not detail.startswith(name):
            detail = f"{name}: {detail}"  # says which backend failed
        view = str(r.get("view") or name)
        view = VIEWS.get(view, view)  # the operator's words
        out.append(row(view, str(r.get("figure") or ""), status, detail,
                       str(r.get("hint") or "")))
    return out


def _prometheus_signals(prom: Any) -> list[dict[str, str]]:
    """GPU health signals dcgm-exporter may not export by default (one query each)."""
    client = getattr(prom, "client", None)
    if client is None:
        return []
    out = []
    for signal, figure, metrics in PROM_SIGNALS:
        names = [m.strip() for m in metrics.split(" or ")]
        try:
            found = 0
            for name in names:
                result = client.query(f"count({name})")
                found += sum(int(s.value) for s in result.series if math.isfinite(s.value))
        except SourceError as exc:
            out.append(row("GPU health", figure, "error", str(exc)))
            continue
        if found:
            out.append(row("GPU health", figure, "found", f"{found:,} GPU series ({metrics})"))
        else:
            out.append(row("GPU health", figure, "missing", f"no {metrics} series",
                           GPU_SIGNAL_HINTS[signal]))
    return out


def _slurm_nodes(slurm: Any) -> list[dict[str, str]]:
    try:
        nodes = slurm.nodes()
    except Exception as exc:
        reason = str(exc) if isinstance(exc, SourceError) else exc.__class__.__name__
        return [row("Rack map", "Slurm node states", "error", reason,
                    "drained servers are not known: their GPU faults may raise alarms")]
    states: dict[str, int] = {}
    for n in nodes:
        for word in n.get("state", ()) or ():
            states[str(word).lower()] = states.get(str(word).lower(), 0) + 1
    words = ", ".join(f"{v} {k}" for k, v in sorted(states.items()))
    return [row("Rack map", "Slurm node states", "found",
                f"{len(nodes):,} nodes" + (f" ({words})" if words else ""))]


def _check_combined(source: Any, emit: Callable[[list[dict[str, str]]], None]) -> None:
    prom, slurm = source.prometheus, source.slurm
    try:
        topo = source.topology()
        emit(describe("site", topo))
    except Exception as exc:
        topo = None
        given = getattr(source, "_topology_from", None) is not None
        emit(_error_rows("site", exc) if given
             else [row("Rack map", "site layout", "missing", "no site layout given",
                       KIND_HINTS["site"])])
    if prom is None:
        emit([row(VIEWS[k], KIND_FIGURE[k], "missing", "no Prometheus given",
                  "--prometheus URL (or [prometheus] url) with dcgm-exporter and the site's "
                  "meters") for k in ("racks", "gpus", "power")])
    elif hasattr(prom, "check"):
        emit(_own_check(prom, "Prometheus"))
    else:
        probe(prom, ("racks", "gpus", "power"),
              FetchContext(topology=topo, power_window_s=3600.0), emit)
        emit(_prometheus_signals(prom))
    if slurm is None:
        emit([row("Job queue", "jobs", "missing", "no slurmrestd given",
                  "--slurm URL (or [slurm] url) and SLURM_JWT")])
        return
    if slurm.node_racks is None and topo is not None:
        from console.sources.combined import _node_rack_map

        slurm.node_racks = _node_rack_map(topo)
    if hasattr(slurm, "check"):
        emit(_own_check(slurm, "Slurm"))
    else:
        probe(slurm, ("jobs",), FetchContext(topology=topo), emit)
        emit(_slurm_nodes(slurm))


def run_check(source: Source, timeout_s: float = DEFAULT_TIMEOUT_S) -> CheckReport:
    """Ask ``source`` (started) what it delivers; at most ``timeout_s`` in all (kinds not
    answered by then are errors "no answer within N s")."""
    report = CheckReport(source.display_url)
    lock = threading.Lock()

    def emit(rows: list[dict[str, str]]) -> None:
        with lock:
            report.rows.extend(rows)

    def work() -> None:
        try:
            if hasattr(source, "prometheus") and hasattr(source, "slurm"):
                _check_combined(source, emit)
            elif hasattr(source, "check"):
                emit(_own_check(source, source.backend))
            else:
                kinds = [k for k in ("site", "racks", "gpus", "power", "jobs", "events")
                         if not source.kinds or k in source.kinds]
                probe(source, kinds, emit=emit)
        except Exception as exc:  # a bug in a check is a row too
            log.debug("check failed", exc_info=True)
            emit([row("Console", "check", "error", f"{exc.__class__.__name__}: {exc}")])

    worker = threading.Thread(target=work, name="source-check", daemon=True)
    worker.start()
    worker.join(timeout_s)
    with lock:
        rows = list(report.rows)
        if worker.is_alive():
            rows.append(row("Console", "check", "error",
                            f"no answer within {timeout_s:g} s; rows above are what came"))
    return CheckReport(report.source, rows)


def check_settings(settings: Settings, url: str | None = None,
                   timeout_s: float = DEFAULT_TIMEOUT_S) -> CheckReport:
    """Build the source the settings ask for, start it, check it and close it.

    ValueError for a source that cannot be built (unknown scheme, bad option)."""
    from console.settings import make_source

    try:
        source = make_source(settings, url)
    except SourceError as exc:
        raise ValueError(str(exc)) from None
    return check_source(source, timeout_s)


def check_source(source: Source, timeout_s: float = DEFAULT_TIMEOUT_S) -> CheckReport:
    """Start a source of the check's own, check it within ``timeout_s`` (its start
    included) and close it; a source that cannot start is one error row, never a raise."""
    t0 = time.monotonic()
    try:
        source.start()
    except Exception as exc:
        report = CheckReport(source.display_url)
        report.rows.append(row("Console", "source", "error",
                               f"cannot start the source ({exc.__class__.__name__}: {exc})"))
        return report
    try:
        return run_check(source, max(1.0, timeout_s - (time.monotonic() - t0)))
    finally:
        try:
            source.close()
        except Exception:  # closing must not hide the report
            log.debug("closing the checked source failed", exc_info=True)

