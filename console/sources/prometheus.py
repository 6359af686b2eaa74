"""``prometheus+http://host:9090[/prefix]``: racks, GPU health and site power via PromQL.

Per-rack aggregates come from the hub's own per-rack series (``hub_rack_<field>``
with a ``rack`` label) when Prometheus has them, else from dcgm-exporter's per-GPU
series grouped by host in PromQL (``max by (Hostname, hostname) (...)``) and then
by rack in numpy, with hosts mapped to racks by the site topology. Both label
spellings of dcgm-exporter are accepted (``Hostname``/``hostname``, ``UUID``/``uuid``).
Site power is a set of configurable metric names (see :data:`POWER_METRICS`).

The topology (``kind="site"``) comes from a file or URL holding the hub's
``/api/v1/site`` JSON; without it the source delivers only ``power``.
"""

from __future__ import annotations

import dataclasses
import json
import math
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import requests

from console.decode import DataError, decode_power, decode_racks, decode_site, decode_unhealthy
from console.hub.openapi import GPU_STATUSES, POWER_FIELDS, RACK_FIELDS
from console.model import RackDetailSnapshot, SiteTopology, Snapshot
from console.sources.base import FetchContext, Source, SourceError, register_scheme
from console.sources.prom_metrics import (
    DCGM_BLANK,
    FAILED_XIDS,
    HOST_LABELS,
    HOST_QUERIES,
    METRIC_NAME,
    OFF_BUS_XIDS,
    POWER_METRICS,
    RACK_METRICS,
    RULE_NAMES,
    THROTTLE_BITS,
    UUID_LABELS,
    blank_gpu,
    gpu_status,
    label,
    listed,
    node_of,
    parse_selector,
    place_on_grid,
    prometheus_base_url,
    re_quote,
    recording_rules_yaml,
    unhealthy_queries,
)
from console.sources.promql import PromClient, Result
from console.sources.slurm_decode import hub_rack_of

__all__ = [
    "HOST_QUERIES",
    "POWER_METRICS",
    "RACK_METRICS",
    "RULE_NAMES",
    "PrometheusSource",
    "load_topology",
    "parse_selector",
    "recording_rules_yaml",
    "unhealthy_queries",
]


def load_topology(
    where: str | Path | SiteTopology | None, timeout: float = 10.0
) -> SiteTopology | None:
    """A topology from a hub ``/api/v1/site`` URL, a JSON file of it, or as given."""
    if where is None or isinstance(where, SiteTopology):
        return where
    text = str(where)
    try:
        if text.startswith(("http://", "https://")):
            url = text if "/api/" in text else f"{text.rstrip('/')}/api/v1/site"
            response = requests.get(url, timeout=timeout)
            response.raise_for_status()
            payload = response.json()
        else:
            payload = json.loads(Path(text).read_text())
        return decode_site(payload)
    except (OSError, ValueError, requests.RequestException) as exc:
        raise SourceError("topology", f"cannot load the site from {text}: {exc}") from None


class PrometheusSource(Source):
    """Rack aggregates, unhealthy GPUs and site power from a Prometheus-compatible store."""

    backend = "Prometheus"
    kinds = ("site", "racks", "gpus", "power")

    def __init__(
        self,
        url: str,
        topology: str | Path | SiteTopology | None = None,
        headers: Mapping[str, str] | None = None,
        power_metrics: Mapping[str, str] | None = None,
        rack_metrics: Mapping[str, str] | None = None,
        host_racks: Mapping[str, str] | Callable[[str], str | None] | None = None,
        power_step: float = 10.0,
        hot_c: float = 85.0,
        timeout: tuple[float, float] = (2.0, 15.0),
        accept_partial: bool = False,
        verify: bool | str = True,
        use_rules: bool = False,
        **_: Any,
    ) -> None:
        super().__init__(url)
        self.use_rules = use_rules
        self.client = PromClient(
            prometheus_base_url(url),
            self.backend,
            headers=headers,
            timeout=timeout,
            verify=verify,
            accept_partial=accept_partial,
        )
        self._topology_from = topology
        self._topology: SiteTopology | None = None
        self.power_metrics = {**POWER_METRICS, **(power_metrics or {})}
        merged = {**RACK_METRICS, **(rack_metrics or {})}
        self.rack_metrics = {f: parse_selector(m) for f, m in merged.items() if m}
        self.host_racks = host_racks
        self.power_step = power_step
        self.hot_c = hot_c
        self.unmapped_hosts: set[str] = set()
        self._by_metric: dict[str, list[tuple[str, dict[str, str]]]] | None = None
        self._unhealthy: tuple[float, SiteTopology, Snapshot] | None = None

    def __repr__(self) -> str:
        return f"PrometheusSource({self.display_url!r})"

    # --- topology and hosts ---------------------------------------------------------------------

    def topology(self, context: FetchContext | None = None) -> SiteTopology:
        """The site (loaded once from the configured file/URL, else the poller's)."""
        if self._topology is None:
            self._topology = load_topology(self._topology_from)
        topo = self._topology or (context.topology if context else None)
        if topo is None:
            raise SourceError(self.backend, "no site topology configured (file or hub URL)")
        return topo

    def rack_of_host(self, host: str, topology: SiteTopology) -> str | None:
        """The rack of a host: the configured map, else the hub's naming; None if unknown."""
        rack: str | None = None
        if callable(self.host_racks):
            rack = self.host_racks(host)
        elif self.host_racks is not None:
            rack = self.host_racks.get(host)
        rack = rack or hub_rack_of(host.split(".")[0])
        return rack if rack is not None and rack in topology.rack_index else None

    # --- kinds ------------------------------------------------------------------------------------

    def fetch(self, kind: str, context: FetchContext) -> Snapshot:
        try:
            if kind == "site":
                return self.topology(context)
            if kind == "racks":
                return self.fetch_racks(self.topology(context))
            if kind == "gpus":
                topology = self.topology(context)
                recent = self._unhealthy
                if recent is not None and recent[1] is topology and time.time() - recent[0] < 2.0:
                    return recent[2]  # fetched by this poll's rack query moments ago
                return self.fetch_unhealthy(topology)
            if kind == "power":
                return self.fetch_power(context)
        except DataError as exc:
            raise SourceError(self.backend, str(exc)) from None
        raise SourceError(self.backend, f"cannot deliver {kind!r}")

    def _queries(self, queries: Mapping[str, str], now: float) -> dict[str, Result]:
        """Run instant queries concurrently (Prometheus evaluates them on several cores)."""
        if len(queries) <= 1:
            return {k: self.client.query(q, now) for k, q in queries.items()}
        with ThreadPoolExecutor(max_workers=min(6, len(queries))) as pool:
            futures = {k: pool.submit(self.client.query, q, now) for k, q in queries.items()}
            return {k: f.result() for k, f in futures.items()}

    def _by_host(self, result: Result) -> dict[str, float]:
        values: dict[str, float] = {}
        for s in result.series:
            host = label(s.labels, HOST_LABELS)
            if host:
                values[host] = s.value
        if result.series and not values:
            raise SourceError(
                self.backend,
                "GPU series carry no Hostname/hostname label (exporter run with --no-hostname?)",
            )
        return values

    def _rack_array(
        self, values: Mapping[str, float], topology: SiteTopology, how: str
    ) -> np.ndarray:
        """Host values -> one value per rack (``how``: max, sum)."""
        n = topology.n_racks
        out = np.full(n, np.nan)
        idx, vals = [], []
        for host, value in values.items():
            rack = self.rack_of_host(host, topology)
            if rack is None:
                self.unmapped_hosts.add(host)
                continue
            idx.append(topology.rack_index[rack])
            vals.append(value)
        if not idx:
            return out
        ii = np.array(idx)
        vv = np.array(vals, np.float64)
        if how == "max":
            acc = np.full(n, -np.inf)
            np.maximum.at(acc, ii, np.nan_to_num(vv, nan=-np.inf))
            acc[~np.isfinite(acc)] = np.nan
            return acc
        acc = np.zeros(n)
        seen = np.zeros(n, bool)
        np.add.at(acc, ii, np.nan_to_num(vv))
        seen[ii] = True
        acc[~seen] = np.nan
        return acc

    def fetch_racks(self, topology: SiteTopology) -> Snapshot:
        """Per-rack aggregates aligned to ``topology`` (all queries of a poll in parallel)."""
        now = time.time()
        self.unmapped_hosts = set()
        fields: dict[str, np.ndarray] = {}
        queries: dict[str, str] = {}
        wanted = sorted({name for name, _ in self.rack_metrics.values()})
        if wanted:
            keys = sorted({k for _, filters in self.rack_metrics.values() for k in filters})
            names = "|".join(re_quote(n) for n in wanted)
            # Aggregating drops labels the console does not need (instance, job, hall...):
            # a third of the bytes at site scale; replicas of an HA pair collapse to one.
            by = ", ".join(["__name__", "rack", *keys])
            queries["hub"] = f'max by ({by}) ({{__name__=~"{names}"}})'
        names_of = RULE_NAMES if self.use_rules else HOST_QUERIES
        derived = {
            "gpu_temp_max_c": ("temp",),
            "gpu_util_mean": ("util_sum", "util_count"),
            "power_kw": ("watts",),
        }
        for field, keys in derived.items():
            if field not in self.rack_metrics:
                queries |= {k: names_of[k] for k in keys}
        recent = self._unhealthy
        reuse = recent is not None and recent[1] is topology and now - recent[0] < 2.0
        if not reuse and "gpus_unhealthy" not in self.rack_metrics:
            queries |= self._unhealthy_queries()
        results = self._queries(queries, now)
        non_finite = sum(r.non_finite for r in results.values())
        unknown: dict[str, None] = {}
        for s in results["hub"].series if "hub" in results else ():
            field = self._rack_field(s.labels)
            rack = s.labels.get("rack", "")
            if field is not None and rack and rack not in topology.rack_index:
                unknown[rack] = None  # a rack the topology does not know
            if field is None or rack not in topology.rack_index:
                continue
            arr = fields.setdefault(field, np.full(topology.n_racks, np.nan))
            arr[topology.rack_index[rack]] = s.value
        if "gpu_temp_max_c" not in fields and "temp" in results:
            fields["gpu_temp_max_c"] = self._rack_array(
                self._by_host(results["temp"]), topology, "max"
            )
        if "gpu_util_mean" not in fields and "util_sum" in results:
            total = self._rack_array(self._by_host(results["util_sum"]), topology, "sum")
            count = self._rack_array(self._by_host(results["util_count"]), topology, "sum")
            with np.errstate(invalid="ignore", divide="ignore"):
                fields["gpu_util_mean"] = total / count
        if "power_kw" not in fields:
            watts = results.get("watts")
            if watts is None:  # no hub series after all: ask for the GPU power now
                watts = self.client.query(names_of["watts"], now)
            fields["power_kw"] = self._rack_array(self._by_host(watts), topology, "sum") / 1e3
        if "gpus_unhealthy" not in fields:
            if reuse:
                assert recent is not None
                unhealthy = recent[2]  # the list this poll already fetched
            else:
                unhealthy = self._unhealthy_from(results, topology, now)
            arr = np.zeros(topology.n_racks)
            for g in unhealthy.gpus:
                arr[topology.rack_index[g["rack"]]] += 1
            fields["gpus_unhealthy"] = arr
        if not any(np.isfinite(a).any() for f, a in fields.items() if f != "gpus_unhealthy"):
            raise SourceError(self.backend, "no rack or GPU series found (is the hub scraped?)")
        payload: dict[str, Any] = {"time": now, "rack_ids": list(topology.rack_ids)}
        for f in RACK_FIELDS:
            payload[f] = listed(fields.get(f, np.full(topology.n_racks, np.nan)))
        snap = decode_racks(payload, topology)
        hosts = tuple(sorted(self.unmapped_hosts))[:50]  # hosts no rack could be found for
        return dataclasses.replace(
            snap,
            invalid_values=snap.invalid_values + non_finite,
            unknown_ids=tuple(unknown) + hosts,
        )

    def _rack_field(self, labels: Mapping[str, str]) -> str | None:
        if self._by_metric is None:
            self._by_metric = {}
            for field, (metric, filters) in self.rack_metrics.items():
                self._by_metric.setdefault(metric, []).append((field, filters))
        for field, filters in self._by_metric.get(labels.get("__name__", ""), ()):
            if all(labels.get(k) == v for k, v in filters.items()):
                return field
        return None

    # --- unhealthy GPUs ---------------------------------------------------------------------

    def _unhealthy_queries(self) -> dict[str, str]:
        if self.use_rules:
            return {"u:rule": RULE_NAMES["unhealthy"]}
        return {f"u:{k}": q for k, q in unhealthy_queries(self.hot_c).items()}

    def fetch_unhealthy(self, topology: SiteTopology) -> Snapshot:
        """GPUs with an XID, uncorrectable ECC, a failed row remap, heat or throttling."""
        now = time.time()
        return self._unhealthy_from(self._queries(self._unhealthy_queries(), now), topology, now)

    def _unhealthy_from(
        self, results: Mapping[str, Result], topology: SiteTopology, now: float
    ) -> Snapshot:
        gpus: dict[tuple[str, str], dict[str, Any]] = {}
        casts: dict[str, Callable[[float], Any]] = {
            "xid": int, "ecc_dbe": int, "row_remap_failure": bool, "temp_c": float,
            "clock_event_reasons": int,
        }  # fmt: skip
        for key, cast in casts.items():
            if "u:rule" in results:
                found = [x for x in results["u:rule"].series if x.labels.get("criterion") == key]
            else:
                found = results[f"u:{key}"].series
            for s in found:
                uuid = label(s.labels, UUID_LABELS)
                host = label(s.labels, HOST_LABELS)
                value = s.value
                if not uuid or not math.isfinite(value) or value >= DCGM_BLANK:
                    continue
                if key == "clock_event_reasons" and not int(value) & THROTTLE_BITS:
                    continue
                gpu = gpus.setdefault((host, uuid), {"labels": s.labels})
                gpu[key] = cast(value)
        rows, counts = [], {s: 0 for s in GPU_STATUSES}
        for (host, uuid), g in gpus.items():
            rack = self.rack_of_host(host, topology)
            if rack is None:
                self.unmapped_hosts.add(host)
                continue
            xid = g.get("xid")
            status = (
                "off_bus" if xid in OFF_BUS_XIDS
                else "failed" if g.get("ecc_dbe") or g.get("row_remap_failure")
                or xid in FAILED_XIDS
                else "degraded"
            )  # fmt: skip
            counts[status] += 1
            r = topology.racks[topology.rack_index[rack]]
            slot = g["labels"].get("gpu", "0")
            rows.append(
                {
                    "uuid": uuid,
                    "model": g["labels"].get("modelName", ""),
                    "hall": str(r.get("hall", "")),
                    "row": str(r.get("row", "")),
                    "rack": rack,
                    "node": node_of(host, rack),
                    "host": host,
                    "slot": int(slot) if slot.isdigit() else 0,
                    "status": status,
                    "xid": xid,
                    "ecc_dbe": g.get("ecc_dbe"),
                    "row_remap_failure": bool(g.get("row_remap_failure", False)),
                    "clock_event_reasons": int(g.get("clock_event_reasons", 0)),
                    "temp_c": g.get("temp_c"),
                    "power_w": None,
                    "since": now,
                }  # fmt: skip
            )
        counts["healthy"] = max(0, topology.total_gpus - sum(counts.values()))
        snap = decode_unhealthy({"time": now, "gpus": rows, "counts": counts})
        self._unhealthy = (now, topology, snap)
        return snap

    # --- site power -------------------------------------------------------------------------------

    def fetch_power(self, context: FetchContext) -> Snapshot:
        """Site power series over the poll window, on a ``power_step`` grid."""
        step = self.power_step
        # Only grid points already past: a point evaluated before its time would hold a
        # forecast (the newest sample) that the next incremental poll never corrects.
        end = math.floor(time.time() / step) * step
        start = context.power_since if context.power_since else end - context.power_window_s
        start = math.ceil(start / step) * step
        t = np.arange(start, end + step / 2, step)
        fields = {f: np.full(len(t), np.nan) for f in POWER_FIELDS}
        if not len(t):  # polled again before the next grid point: nothing new yet
            payload = {"start": start, "end": end, "step": step, "t": []}
            return decode_power(payload | {f: [] for f in POWER_FIELDS})
        names = {f: m for f, m in self.power_metrics.items() if f in fields and m}
        non_finite = 0
        if all(METRIC_NAME.match(m) for m in names.values()):
            pattern = "|".join(re_quote(m) for m in names.values())
            result = self.client.query_range(f'{{__name__=~"{pattern}"}}', start, end, step)
            non_finite += result.non_finite
            by_metric = {m: f for f, m in names.items()}
            for s in result.series:
                f = by_metric.get(s.labels.get("__name__", ""))
                if f is not None:
                    place_on_grid(fields[f], t, s, start, step)
        else:
            for f, promql in names.items():
                result = self.client.query_range(promql, start, end, step)
                non_finite += result.non_finite
                for s in result.series[:1]:
                    place_on_grid(fields[f], t, s, start, step)
        if np.isnan(fields["it_mw"]).all() and np.isnan(fields["facility_mw"]).all():
            raise SourceError(
                self.backend,
                f"no site power series ({names['it_mw']}, {names['facility_mw']}) in the window",
            )
        share = fields["renewable_share_pct"]
        missing = np.isnan(share)
        if missing.any():
            with np.errstate(invalid="ignore", divide="ignore"):
                facility, grid = fields["facility_mw"], fields["grid_mw"]
                computed = np.clip((facility - grid) / facility * 100.0, 0.0, 100.0)
            share[missing] = computed[missing]
        payload = {"start": start, "end": end, "step": step, "t": t.tolist()}
        payload |= {f: listed(a) for f, a in fields.items()}
        snap = decode_power(payload)
        return dataclasses.replace(snap, invalid_values=snap.invalid_values + non_finite)

    # --- one rack ---------------------------------------------------------------------------------

    def fetch_rack(self, rack_id: str) -> RackDetailSnapshot:
        """The GPUs of one rack (hub host naming) from the dcgm-exporter series."""
        topology = self.topology()
        if rack_id not in topology.rack_index:
            raise SourceError(self.backend, f"unknown rack {rack_id!r}")
        prefix = re_quote(rack_id.replace("-", "", 1).lower() + "-") + ".*"
        metrics = {
            "DCGM_FI_DEV_GPU_TEMP": "temp_c", "DCGM_FI_DEV_POWER_USAGE": "power_w",
            "DCGM_FI_DEV_GPU_UTIL": "util_pct", "DCGM_FI_DEV_FB_USED": "mem_used_mib",
            "DCGM_FI_DEV_XID_ERRORS": "xid", "DCGM_FI_DEV_ECC_SBE_VOL_TOTAL": "ecc_sbe",
            "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL": "ecc_dbe",
            "DCGM_FI_DEV_ROW_REMAP_FAILURE": "row_remap_failure",
        }  # fmt: skip
        names = "|".join(metrics)
        query = " or ".join(f'{{__name__=~"{names}",{h}=~"{prefix}"}}' for h in HOST_LABELS)
        result = self.client.query(query, time.time())
        nodes: dict[str, dict[str, dict[str, Any]]] = {}
        for s in result.series:
            host, uuid = label(s.labels, HOST_LABELS), label(s.labels, UUID_LABELS)
            key = metrics.get(s.labels.get("__name__", ""))
            if not host or not uuid or key is None:
                continue
            gpu = nodes.setdefault(host, {}).setdefault(uuid, blank_gpu(s.labels, uuid))
            value = s.value if math.isfinite(s.value) and s.value < DCGM_BLANK else None
            if key in ("xid", "ecc_sbe", "ecc_dbe"):
                gpu[key] = None if value is None or (key == "xid" and value <= 0) else int(value)
            elif key == "row_remap_failure":
                gpu[key] = bool(value)
            else:
                gpu[key] = value
        node_list = []
        for slot, host in enumerate(sorted(nodes)):
            gpus = sorted(nodes[host].values(), key=lambda g: g["index"])
            for g in gpus:
                g["status"] = gpu_status(g, self.hot_c)
            node_list.append(
                {"id": node_of(host, rack_id), "host": host, "slot": slot, "gpus": gpus}
            )
        rack = topology.racks[topology.rack_index[rack_id]]
        return RackDetailSnapshot(time=result.time, rack=rack, nodes=tuple(node_list))

    def close(self) -> None:
        self.client.close()


for _scheme in ("prometheus", "prometheus+http", "prometheus+https"):
    register_scheme(_scheme, PrometheusSource)
