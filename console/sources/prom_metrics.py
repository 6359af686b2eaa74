"""Metric names, PromQL and small helpers of the Prometheus source.

Defaults follow the simulated hub's ``/metrics`` and dcgm-exporter; every name is
configurable on :class:`console.sources.prometheus.PrometheusSource`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import numpy as np

from console.contract import (
    REASON_HW_POWER_BRAKE,
    REASON_HW_SLOWDOWN,
    REASON_HW_THERMAL,
    REASON_SW_THERMAL,
)
from console.sources.promql import Series

POWER_METRICS: Mapping[str, str] = {
    "it_mw": "hub_site_it_load_mw",
    "facility_mw": "hub_site_facility_load_mw",
    "solar_mw": "hub_site_solar_mw",
    "wind_mw": "hub_site_wind_mw",
    "battery_discharge_mw": "hub_battery_discharge_mw",
    "battery_charge_mw": "hub_battery_charge_mw",
    "battery_soc_pct": "hub_battery_soc_pct",
    "grid_mw": "hub_grid_import_mw",
    "curtailment_mw": "hub_curtailment_mw",
    "pue": "hub_site_pue",
    "carbon_g_per_kwh": "hub_grid_carbon_g_per_kwh",
    "renewable_share_pct": "hub_site_renewable_share_pct",
}
"""Power field -> metric name (defaults; override with ``power_metrics=``). When the
renewable-share series is absent it is computed as (facility - grid import) / facility."""

RACK_METRICS: Mapping[str, str] = {
    "power_kw": "hub_rack_power_kw",
    "inlet_c": "hub_rack_inlet_c",
    "outlet_c": "hub_rack_outlet_c",
    "pdu_a_kw": 'hub_rack_pdu_load_kw{feed="A"}',
    "pdu_b_kw": 'hub_rack_pdu_load_kw{feed="B"}',
    "alarm": "hub_rack_alarm_level",
}
"""Rack field -> per-rack series (label ``rack``; optional ``{label="value"}`` filters),
used when Prometheus holds them. Fields without one (or whose series are absent) are
derived from the dcgm-exporter GPU series: GPU temperature max, utilisation mean,
GPU power sum, unhealthy GPU count."""

_SELECTOR = re.compile(r"^([A-Za-z_:][A-Za-z0-9_:]*)(?:\{(.*)\})?$")
_MATCHER = re.compile(r'\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"([^"]*)"\s*,?')


def parse_selector(text: str) -> tuple[str, dict[str, str]]:
    """``name{a="x",b="y"}`` -> ("name", {"a": "x", "b": "y"}); ValueError otherwise."""
    match = _SELECTOR.match(text.strip())
    if not match:
        raise ValueError(f"not a metric selector: {text!r}")
    name, body = match.group(1), match.group(2) or ""
    labels = dict(_MATCHER.findall(body))
    if body.strip() and not labels:
        raise ValueError(f'only label="value" filters are supported: {text!r}')
    return name, labels


HOST_LABELS = ("Hostname", "hostname")
UUID_LABELS = ("UUID", "uuid")
METRIC_NAME = re.compile(r"^[A-Za-z_:][A-Za-z0-9_:]*$")
THROTTLE_BITS = REASON_HW_SLOWDOWN | REASON_SW_THERMAL | REASON_HW_THERMAL | REASON_HW_POWER_BRAKE
OFF_BUS_XIDS = frozenset({79})
FAILED_XIDS = frozenset({48, 63, 64, 74, 92, 94, 95})
DCGM_BLANK = 9.2e18  # dcgm-exporter's old "blank" sentinels (9223372036854775794 ...)

_HOSTS = "by (Hostname, hostname)"
HOST_QUERIES: Mapping[str, str] = {
    "temp": f"max {_HOSTS} (DCGM_FI_DEV_GPU_TEMP)",
    "util_sum": f"sum {_HOSTS} (DCGM_FI_DEV_GPU_UTIL)",
    "util_count": f"count {_HOSTS} (DCGM_FI_DEV_GPU_UTIL)",
    "watts": f"sum {_HOSTS} (DCGM_FI_DEV_POWER_USAGE)",
}
"""Per-host aggregates of the dcgm-exporter series that rack figures are built from."""
RULE_NAMES: Mapping[str, str] = {
    "temp": "hub:dcgm_gpu_temp:max_by_host",
    "util_sum": "hub:dcgm_gpu_util:sum_by_host",
    "util_count": "hub:dcgm_gpu_util:count_by_host",
    "watts": "hub:dcgm_power_usage:sum_by_host",
    "unhealthy": "hub:dcgm_unhealthy",
}
"""Recording rules the source reads with ``use_rules=True`` (see :func:`recording_rules_yaml`)."""
_CLOCK_REASONS = "DCGM_FI_DEV_CLOCKS_EVENT_REASONS or DCGM_FI_DEV_CLOCK_THROTTLE_REASONS"


XID_LABELS = ("xid", "err_code")
"""Labels of ``DCGM_EXP_XID_ERRORS_COUNT`` naming the XID (``xid`` in dcgm-exporter's
code, ``err_code`` in some builds); a GPU without XIDs in the window has one 0 series
without either."""


def unhealthy_queries(hot_c: float, clear_s: float = 600.0) -> dict[str, str]:
    """One PromQL filter per unhealthy-GPU criterion.

    ``xid`` is the last XID (``DCGM_FI_DEV_XID_ERRORS``, held until the exporter restarts);
    ``xid_new`` the GPUs whose last XID changed, or whose series appeared, within
    ``clear_s``; ``xid_window`` the XIDs dcgm-exporter counted in its window
    (``DCGM_EXP_XID_ERRORS_COUNT``) or newer releases' running total
    (``DCGM_EXP_XID_ERRORS_TOTAL``) rose by. :func:`console.gpu_health.xid_verdict` turns
    them into the XID that counts now.
    """
    w = f"{clear_s:g}s"
    return {
        "xid": "DCGM_FI_DEV_XID_ERRORS > 0",
        "xid_new": f"changes(DCGM_FI_DEV_XID_ERRORS[{w}]) > 0 or "
        f"(DCGM_FI_DEV_XID_ERRORS > 0 unless DCGM_FI_DEV_XID_ERRORS offset {w})",
        "xid_window": f"DCGM_EXP_XID_ERRORS_COUNT > 0 or increase(DCGM_EXP_XID_ERRORS_TOTAL[{w}]) > 0",
        "ecc_dbe": "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL > 0",
        "row_remap_failure": "DCGM_FI_DEV_ROW_REMAP_FAILURE > 0",
        "temp_c": f"DCGM_FI_DEV_GPU_TEMP >= {hot_c:g}",
        "clock_event_reasons": f"({_CLOCK_REASONS}) > 0",
    }


GPU_SIGNALS: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    # (view, figure, metrics: any present is enough, hint when none is)
    ("racks", "GPU temperature", ("DCGM_FI_DEV_GPU_TEMP",),
     "enable DCGM_FI_DEV_GPU_TEMP in dcgm-exporter's counters file"),
    ("racks", "GPU power", ("DCGM_FI_DEV_POWER_USAGE",),
     "enable DCGM_FI_DEV_POWER_USAGE in dcgm-exporter's counters file"),
    ("racks", "GPU utilisation", ("DCGM_FI_DEV_GPU_UTIL",),
     "enable DCGM_FI_DEV_GPU_UTIL in dcgm-exporter's counters file"),
    ("GPU health", "XID (last XID)", ("DCGM_FI_DEV_XID_ERRORS",),
     "enable DCGM_FI_DEV_XID_ERRORS in dcgm-exporter's counters file"),
    ("GPU health", "XID (counted in a window)",
     ("DCGM_EXP_XID_ERRORS_COUNT", "DCGM_EXP_XID_ERRORS_TOTAL"),
     "enable DCGM_EXP_XID_ERRORS_COUNT in dcgm-exporter's counters file (repeats of the "
     "same XID are otherwise not seen)"),
    ("GPU health", "ECC (uncorrectable)", ("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL",),
     "enable DCGM_FI_DEV_ECC_DBE_VOL_TOTAL in dcgm-exporter's counters file"),
    ("GPU health", "throttle / clock event reasons",
     ("DCGM_FI_DEV_CLOCKS_EVENT_REASONS", "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS"),
     "enable DCGM_FI_DEV_CLOCKS_EVENT_REASONS (DCGM 4) or DCGM_FI_DEV_CLOCK_THROTTLE_REASONS "
     "(DCGM 3) in dcgm-exporter's counters file"),
    ("GPU health", "row remap failure", ("DCGM_FI_DEV_ROW_REMAP_FAILURE",),
     "enable DCGM_FI_DEV_ROW_REMAP_FAILURE in dcgm-exporter's counters file"),
)  # fmt: skip
"""What the racks and GPU health views read from dcgm-exporter, for the check."""

NOT_COLLECTED_WORDS: Mapping[str, str] = {
    "ecc_dbe": "ECC not collected: DCGM_FI_DEV_ECC_DBE_VOL_TOTAL is off in dcgm-exporter's "
    "counters file (it is commented out by default)",
    "clock_event_reasons": "throttling not collected: neither DCGM_FI_DEV_CLOCKS_EVENT_REASONS "
    "nor DCGM_FI_DEV_CLOCK_THROTTLE_REASONS is published",
    "row_remap_failure": "row remap failures not collected: DCGM_FI_DEV_ROW_REMAP_FAILURE "
    "is not published",
    "xid": "XIDs not collected: DCGM_FI_DEV_XID_ERRORS is not published",
}
HEALTH_METRICS: Mapping[str, tuple[str, ...]] = {
    "ecc_dbe": ("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL",),
    "clock_event_reasons": ("DCGM_FI_DEV_CLOCKS_EVENT_REASONS",
                            "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS"),
    "row_remap_failure": ("DCGM_FI_DEV_ROW_REMAP_FAILURE",),
    "xid": ("DCGM_FI_DEV_XID_ERRORS",),
}  # fmt: skip
"""GPU health signal -> the dcgm-exporter metrics it is read from (any one suffices)."""


def recording_rules_yaml(hot_c: float = 85.0, interval: str = "15s") -> str:
    """A Prometheus rules file with the per-host aggregates and the unhealthy-GPU list.

    At site scale (189,440 GPUs) aggregating on every console poll is costly; with these
    rules loaded, run the source with ``use_rules=True`` (config: ``use_rules = true``).
    """
    parts = [
        f'label_replace({q}, "criterion", "{k}", "", "")'
        for k, q in unhealthy_queries(hot_c).items()
    ]
    rules = [(RULE_NAMES[k], q) for k, q in HOST_QUERIES.items()]
    rules.append((RULE_NAMES["unhealthy"], " or ".join(parts)))
    lines = ["groups:", "  - name: hub-ops-console", f"    interval: {interval}", "    rules:"]
    for name, expr in rules:
        lines += [f"      - record: {name}", f"        expr: '{expr}'"]
    return "\n".join(lines) + "\n"


def prometheus_base_url(url: str) -> str:
    """``prometheus+http://h:p/x`` or ``prometheus://h:p`` -> ``http://h:p/x``."""
    parts = urlsplit(url)
    scheme = {"prometheus": "http", "prometheus+http": "http", "prometheus+https": "https"}.get(
        parts.scheme.lower(), parts.scheme.lower()
    )
    if scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not a Prometheus URL: {url!r} (use prometheus+http://host:port)")
    return urlunsplit((scheme, parts.netloc, parts.path.rstrip("/"), parts.query, ""))


def label(labels: Mapping[str, str], names: tuple[str, ...]) -> str:
    """The first non-empty label among ``names`` (both dcgm-exporter spellings); only
    a string counts."""
    for name in names:
        value = labels.get(name)
        if value and isinstance(value, str):
            return value
    return ""


def small_int(value: Any, digits: int = 4) -> int | None:
    """A label holding a small whole number (a GPU index, an XID) as an int, else None."""
    if isinstance(value, str) and 0 < len(value) <= digits and value.isdigit():
        return int(value)
    return None


def re_quote(text: str) -> str:
    """``text`` as a literal inside a PromQL double-quoted regex string."""
    return re.escape(text).replace("\\", "\\\\")


def listed(arr: np.ndarray) -> list[float | None]:
    """``arr`` as a JSON-able list: its values as floats, None where not finite."""
    values = np.asarray(arr, np.float64).reshape(-1)
    out: list[float | None] = list(values.tolist())
    for i in np.flatnonzero(~np.isfinite(values)).tolist():
        out[i] = None
    return out


def place_on_grid(out: np.ndarray, t: np.ndarray, s: Series, start: float, step: float) -> None:
    """Put a range series' points on the ``t`` grid (points at no time, or off it, left out)."""
    if not len(s.t):
        return
    with np.errstate(invalid="ignore", over="ignore"):
        pos = np.rint((s.t - start) / step)
        ok = np.isfinite(pos) & (pos >= 0) & (pos < len(t))
    out[pos[ok].astype(np.int64)] = s.v[ok]


def node_of(host: str, rack: str) -> str:
    """Hub node id of a host (``a07-13-n05`` -> ``A-07-13-n05``), else the host name."""
    match = re.match(r"^[A-Za-z]-?\d{2}-\d{2}-(n\d+)$", host)
    return f"{rack}-{match.group(1)}" if match else host


def blank_gpu(labels: Mapping[str, str], uuid: str) -> dict[str, Any]:
    model = labels.get("modelName", "")
    return {
        "index": small_int(labels.get("gpu", "0")) or 0, "uuid": uuid,
        "model": model if isinstance(model, str) else "", "temp_c": None, "power_w": None,
        "power_limit_w": None, "util_pct": None, "mem_used_mib": None, "mem_total_mib": None,
        "ecc_sbe": None, "ecc_dbe": None, "row_remap_failure": False, "xid": None,
        "xid_time": None, "clock_event_reasons": 0, "status": "healthy",
    }  # fmt: skip


def gpu_status(gpu: Mapping[str, Any], hot_c: float) -> str:
    """Status of one GPU record whose ``xid`` already follows the XID rule."""
    xid = gpu.get("xid")
    if xid in OFF_BUS_XIDS:
        return "off_bus"
    if gpu.get("ecc_dbe") or gpu.get("row_remap_failure") or xid in FAILED_XIDS:
        return "failed"
    temp = gpu.get("temp_c")
    if xid is not None or (temp is not None and temp >= hot_c):
        return "degraded"
    return "healthy"
