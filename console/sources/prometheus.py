"""``prometheus+http://host:9090[/prefix]``: racks, GPU health and site power via PromQL.

Per-rack aggregates come from the hub's own per-rack series (``hub_rack_<field>``
with a ``rack`` label) when Prometheus has them, else from dcgm-exporter's per-GPU
series grouped by host in PromQL (``max by (Hostname, hostname) (...)``) and then
by rack in numpy, with hosts mapped to racks by the site topology. Both label
spellings of dcgm-exporter are accepted (``Hostname``/``hostname``, ``UUID``/``uuid``).
Hosts map to racks through, in order: ``host_racks``, the topology's per-rack ``hosts``
lists, ``host_pattern`` (a regex whose named groups fill ``rack_template``), and the hub's
own host naming. Site power comes from the site profile (``site_power``: one PromQL
expression and unit per flow, see :mod:`console.site_power`); without one, from the
simulated hub's series (:data:`POWER_METRICS`). A flow without values is NaN with its
reason in ``PowerSeries.missing``: a partly metered site still gives its power kind.
GPU XIDs follow :func:`console.gpu_health.xid_verdict`.

The topology (``kind="site"``) comes from a file or URL holding the hub's
``/api/v1/site`` JSON; without it the source delivers only ``power``.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import re
import threading
import time
from collections.abc import Callable, Mapping
from itertools import compress, repeat
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import requests

from console.clean import clean_records, text
from console.contract import GPU_STATUSES, POWER_FIELDS, RACK_FIELDS
from console.decode import DataError, decode_power, decode_racks, decode_site, decode_unhealthy
from console.fields import NODE_RECORD
from console.gpu_health import XID_CLEAR_S, xid_verdict
from console.model import (
    EPOCH_LIMITS,
    RackDetailSnapshot,
    SiteTopology,
    Snapshot,
    UnhealthyGpus,
)
from console.site_power import (
    DERIVED,
    FLOWS,
    Flow,
    derived_reason,
    hub_profile,
    not_metered_reason,
    parse_power_profile,
)
from console.sources.base import FetchContext, Source, SourceError, register_scheme
from console.sources.http import (
    HUB_LIMITS,
    PROMETHEUS_LIMITS,
    Limits,
    fetch,
    make_session,
    redact,
    split_credentials,
)
from console.sources.prom_forecast import PromForecast, parse_forecast, read_forecast
from console.sources.prom_metrics import (
    DCGM_BLANK,
    FAILED_XIDS,
    GPU_SIGNALS,
    HEALTH_METRICS,
    HOST_LABELS,
    HOST_QUERIES,
    METRIC_NAME,
    NOT_COLLECTED_WORDS,
    OFF_BUS_XIDS,
    POWER_METRICS,
    RACK_METRICS,
    RULE_NAMES,
    THROTTLE_BITS,
    UUID_LABELS,
    XID_LABELS,
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
    small_int,
    unhealthy_queries,
)
from console.sources.promql import Keyed, PromClient, Result, Series
from console.sources.slurm_decode import hub_rack_of

log = logging.getLogger(__name__)

ONE_RACK_QUERY_RACKS = 1000
"""Up to this many racks, the racks' own series (PDU feeds, inlet and outlet air...) are
read in one query; above, one query a field, evaluated side by side."""

PRESENCE_TTL_S = 300.0
"""How often the GPU source checks which health signals dcgm-exporter publishes."""

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
    where: str | Path | SiteTopology | None,
    timeout: float = 10.0,
    limits: Limits | None = None,
    auth: tuple[str, str] | None = None,
    verify: bool | str = True,
) -> SiteTopology | None:
    """A topology from a hub ``/api/v1/site`` URL, a JSON file of it, or as given.

    A URL is read under ``limits`` (the hub API's deadline and size cap by default);
    ``user:password@`` in it is used as basic auth, never shown."""
    if where is None or isinstance(where, SiteTopology):
        return where
    text, url_auth = split_credentials(str(where))
    try:
        if text.startswith(("http://", "https://")):
            url = text if "/api/" in text else f"{text.rstrip('/')}/api/v1/site"
            bounds = limits or Limits((min(2.0, timeout), timeout), HUB_LIMITS.deadline_s,
                                      HUB_LIMITS.max_body_mb)
            with make_session(retries=1, verify=verify, auth=auth or url_auth) as session:
                try:
                    response = fetch(session, url, backend="topology",
                                     what=urlsplit(url).path, limits=bounds)
                except SourceError as exc:
                    raise SourceError(
                        "topology", f"cannot load the site from {text}: {exc.reason}"
                    ) from None
            response.raise_for_status()
            payload = response.json()
        else:
            payload = json.loads(Path(text).read_text())
        return decode_site(payload)
    except (OSError, ValueError, requests.RequestException) as exc:
        raise SourceError(
            "topology", redact(f"cannot load the site from {text}: {exc}")
        ) from None


class PrometheusSource(Source):
    """Rack aggregates, unhealthy GPUs and site power from a Prometheus-compatible store."""

    backend = "Prometheus"
    concurrent_kinds = True
    kinds: tuple[str, ...] = ("site", "racks", "gpus", "power")

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
        timeout: tuple[float, float] = PROMETHEUS_LIMITS.timeout,
        accept_partial: bool = False,
        verify: bool | str = True,
        use_rules: bool = False,
        site_power: Mapping[str, Any] | None = None,
        host_pattern: str | None = None,
        rack_template: str = "{rack}",
        xid_clear_s: float = XID_CLEAR_S,
        deadline_s: float = PROMETHEUS_LIMITS.deadline_s,
        max_body_mb: float = PROMETHEUS_LIMITS.max_body_mb,
        auth: tuple[str, str] | None = None,
        topology_auth: tuple[str, str] | None = None,
        forecast: Mapping[str, Any] | PromForecast | None = None,
        **_: Any,
    ) -> None:
        url, url_auth = split_credentials(url)  # a password is used, never kept in the URL
        super().__init__(url)
        self.use_rules = use_rules
        self.client = PromClient(
            prometheus_base_url(url),
            self.backend,
            headers=headers,
            timeout=timeout,
            verify=verify,
            accept_partial=accept_partial,
            deadline_s=deadline_s,
            max_body_mb=max_body_mb,
            auth=auth or url_auth,
        )
        self._topology_from = topology
        self._topology_auth = topology_auth
        self._topology_lock = threading.Lock()
        self._topology: SiteTopology | None = None
        self.power_metrics = {**POWER_METRICS, **(power_metrics or {})}
        self.site_power: dict[str, Flow] | None = None
        """The site profile's flows by power field; None: the simulated hub's series."""
        if site_power is not None:
            values = list(site_power.values())
            if values and all(isinstance(v, Flow) for v in values):
                self.site_power = dict(site_power)  # already parsed
            else:
                self.site_power = parse_power_profile(site_power)
        self.host_pattern = re.compile(host_pattern) if host_pattern else None
        self.rack_template = rack_template
        if self.host_pattern is not None:
            names = set(self.host_pattern.groupindex)
            wanted = set(re.findall(r"{(\w+)", rack_template))
            if not wanted or not wanted <= names:
                raise ValueError(
                    f"host_pattern {host_pattern!r} lacks the named group(s) "
                    f"{', '.join(sorted(wanted - names)) or 'rack'} that rack_template "
                    f"{rack_template!r} uses"
                )
        self.xid_clear_s = float(xid_clear_s)
        self._host_rack: dict[str, str | None] = {}
        self._host_index: dict[str, int] = {}
        """Host -> its rack's index in the topology (-1: none), as ``_host_rack``."""
        self._host_rack_of: SiteTopology | None = None
        self._listed_hosts: dict[str, str] = {}
        self._rack_lower: dict[str, str] = {}
        self._presence: tuple[float, set[str]] | None = None
        merged = {**RACK_METRICS, **(rack_metrics or {})}
        self.rack_metrics = {f: parse_selector(m) for f, m in merged.items() if m}
        self.host_racks = host_racks
        self.power_step = power_step
        self.hot_c = hot_c
        self.unmapped_hosts: set[str] = set()
        self._unhealthy: tuple[float, SiteTopology, UnhealthyGpus] | None = None
        self.forecast = (forecast if isinstance(forecast, PromForecast) or forecast is None
                         else parse_forecast(forecast))
        """The forecast series of ``[forecast]`` (:mod:`console.sources.prom_forecast`);
        None: this Prometheus holds no forecast, and the kind is not delivered."""
        if self.forecast is not None:
            self.kinds = (*type(self).kinds, "forecast")

    def __repr__(self) -> str:
        return f"PrometheusSource({self.display_url!r})"

    # --- topology and hosts ---------------------------------------------------------------------

    def topology(self, context: FetchContext | None = None) -> SiteTopology:
        """The site (loaded once from the configured file/URL, else the poller's)."""
        with self._topology_lock:  # kinds are fetched on threads of their own
            if self._topology is None:
                self._topology = load_topology(self._topology_from, auth=self._topology_auth)
        topo = self._topology or (context.topology if context else None)
        if topo is None:
            raise SourceError(self.backend, "no site topology configured (file or hub URL)")
        return topo

    def rack_of_host(self, host: str, topology: SiteTopology) -> str | None:
        """The rack of a host, or None if unknown. In order: ``host_racks``, the topology's
        per-rack ``hosts`` lists, ``host_pattern`` + ``rack_template``, the hub's naming.
        Host names are tried whole and short (up to the first dot); rack ids from a
        pattern are matched to the topology's without regard to case."""
        if self._host_rack_of is not topology:
            self._host_rack_of = topology
            self._host_rack = {}
            self._host_index = {}
            self._listed_hosts = {}
            for entry in topology.racks:
                for name in entry.get("hosts", ()) or ():
                    self._listed_hosts[str(name)] = str(entry["id"])
                    self._listed_hosts.setdefault(str(name).split(".")[0], str(entry["id"]))
            self._rack_lower = {r.lower(): r for r in topology.rack_index}
        if host in self._host_rack:
            return self._host_rack[host]
        rack = self._find_rack(host, topology)
        self._host_rack[host] = rack
        return rack

    def _find_rack(self, host: str, topology: SiteTopology) -> str | None:
        short = host.split(".")[0]
        rack: str | None = None
        if callable(self.host_racks):
            rack = self.host_racks(host)
        elif self.host_racks is not None:
            rack = self.host_racks.get(host) or self.host_racks.get(short)
        if rack is None:
            rack = self._listed_hosts.get(host) or self._listed_hosts.get(short)
        if rack is None and self.host_pattern is not None:
            match = self.host_pattern.fullmatch(host) or self.host_pattern.fullmatch(short)
            if match:
                groups = {k: v or "" for k, v in match.groupdict().items()}
                rack = self.rack_template.format_map(groups)
        rack = rack or hub_rack_of(short)
        if rack is None:
            return None
        if rack in topology.rack_index:
            return rack
        return self._rack_lower.get(rack.lower())

    def hosts_of_rack(self, rack_id: str, topology: SiteTopology) -> list[str]:
        """Hosts known to be in ``rack_id``: listed in the topology or seen mapped there."""
        self.rack_of_host("", topology)  # (re)build the maps for this topology
        hosts = {h for h, r in self._listed_hosts.items() if r == rack_id}
        hosts |= {h for h, r in self._host_rack.items() if r == rack_id and h}
        return sorted(hosts)

    # --- kinds ------------------------------------------------------------------------------------

    def fetch(self, kind: str, context: FetchContext) -> Snapshot:
        with self.client.deadline():  # one deadline for all the queries of a poll
            return self._fetch(kind, context)

    def _fetch(self, kind: str, context: FetchContext) -> Snapshot:
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
            if kind == "forecast" and self.forecast is not None:
                return read_forecast(self.client, self.forecast)
        except DataError as exc:
            raise SourceError(self.backend, str(exc)) from None
        raise SourceError(self.backend, f"cannot deliver {kind!r}")

    def _queries(
        self, queries: Mapping[str, str], now: float,
        keyed: Mapping[str, tuple[tuple[str, ...], Mapping[str, str] | None]] | None = None,
    ) -> dict[str, Result | Keyed]:  # fmt: skip
        """Run instant queries concurrently (Prometheus evaluates them on several cores);
        those named in ``keyed`` read as :class:`Keyed` by the labels given there (the
        per-host and per-rack aggregates), with its ``where``."""

        def one(key: str, query: str, until: float | None = None) -> Result | Keyed:
            if keyed and key in keyed:
                names, where = keyed[key]
                return self.client.query_keyed(query, names, now, until, where)
            return self.client.query(query, now, until)

        if len(queries) <= 1:
            return {k: one(k, q) for k, q in queries.items()}
        with self.client.deadline() as until:  # those that wait for a thread: what is left
            futures = {k: self.client.submit(one, k, q, until) for k, q in queries.items()}
            return {k: f.result() for k, f in futures.items()}

    def _by_host(self, result: Result | Keyed) -> dict[str, float]:
        values: dict[str, float] = {}
        if isinstance(result, Keyed):
            values = {h: v for h, v in zip(result.keys, result.values.tolist(), strict=True) if h}
            if result.keys and not values:
                raise SourceError(
                    self.backend,
                    "GPU series carry no Hostname/hostname label (exporter run with --no-hostname?)",
                )
            return values
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
        if not values:
            return out
        self.rack_of_host("", topology)  # the maps of this topology
        index = self._host_index
        for host in values.keys() - index.keys():  # hosts met for the first time
            rack = self.rack_of_host(host, topology)
            index[host] = -1 if rack is None else topology.rack_index[rack]
        ii = np.fromiter(map(index.__getitem__, values), np.int64, len(values))
        vv = np.fromiter(values.values(), np.float64, len(values))
        unmapped = ii < 0
        if unmapped.any():
            self.unmapped_hosts.update(compress(values, unmapped.tolist()))
            ii, vv = ii[~unmapped], vv[~unmapped]
        if not len(ii):
            return out
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
        names_of = RULE_NAMES if self.use_rules else HOST_QUERIES
        derived = {
            "gpu_temp_max_c": ("temp",),
            "gpu_util_mean": ("util_sum", "util_count"),
            "power_kw": ("watts",),
        }
        for name, keys in derived.items():
            if name not in self.rack_metrics:
                queries |= {k: names_of[k] for k in keys}
        recent = self._unhealthy
        reuse = recent is not None and recent[1] is topology and now - recent[0] < 2.0
        if not reuse and "gpus_unhealthy" not in self.rack_metrics:
            queries |= self._unhealthy_queries()
        keyed: dict[str, tuple[tuple[str, ...], Mapping[str, str] | None]] = {
            k: (HOST_LABELS, None) for k in HOST_QUERIES}
        together = self.rack_metrics and topology.n_racks <= ONE_RACK_QUERY_RACKS
        if together:
            # A few hundred racks: one query for every field (a request costs more
            # than the evaluation), split by metric name and filters below.
            names = sorted({metric for metric, _f in self.rack_metrics.values()})
            by = sorted({"__name__", "rack", *(k for _m, f in self.rack_metrics.values()
                                               for k in f)})
            queries["rack:*"] = (f"max by ({', '.join(by)}) "
                                 f'({{__name__=~"{"|".join(re_quote(n) for n in names)}"}})')
        for field, (metric, filters) in ({} if together else self.rack_metrics).items():
            # One query a field, all at once: the 17,600 series of a full site in one
            # regex query took 0.2-0.3 s of Prometheus's time, apart 40 ms each. Keeping
            # only the rack label drops those the console does not need (instance, job,
            # hall...); replicas of an HA pair collapse to one.
            match = {"__name__": metric, **filters}
            selector = ", ".join(f"{k}={json.dumps(v)}" for k, v in match.items())
            queries[f"rack:{field}"] = f"max by (rack) ({{{selector}}})"
            keyed[f"rack:{field}"] = (("rack",), match)
        results = self._queries(queries, now, keyed)
        non_finite = sum(r.non_finite for r in results.values())
        both = results.pop("rack:*", None)
        if isinstance(both, Result):
            for field, (metric, filters) in self.rack_metrics.items():
                match = {"__name__": metric, **filters}  # as the field's own query selects
                mine = [x for x in both.series
                        if all(x.labels.get(k) == v for k, v in match.items())]
                results[f"rack:{field}"] = dataclasses.replace(
                    Keyed.of(dataclasses.replace(both, series=mine), ("rack",)), non_finite=0)
        unknown: dict[str, None] = {}
        for field in self.rack_metrics:
            got = results.get(f"rack:{field}")
            if not isinstance(got, Keyed) or not got.keys:
                continue
            index = topology.rack_index
            at = np.fromiter(map(index.get, got.keys, repeat(-1)), np.int64, len(got.keys))
            known = at >= 0
            unknown |= dict.fromkeys(r for r, i in zip(got.keys, at.tolist(), strict=True)
                                     if i < 0 and r)  # racks the topology does not know
            if known.any():
                arr = fields[field] = np.full(topology.n_racks, np.nan)
                arr[at[known]] = got.values[known]
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
                watts = self.client.query_keyed(names_of["watts"], HOST_LABELS, now)
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
            if self.unmapped_hosts:
                some = ", ".join(sorted(self.unmapped_hosts)[:3])
                raise SourceError(
                    self.backend,
                    f"no GPU series of the topology's racks: {len(self.unmapped_hosts)} "
                    f"host(s) map to no rack (e.g. {some}); list them in the topology's "
                    "racks[].hosts or set [prometheus] host_pattern",
                )
            raise SourceError(self.backend, "no rack or GPU series found (is the hub scraped?)")
        payload: dict[str, Any] = {"time": now, "rack_ids": list(topology.rack_ids)}
        for f in RACK_FIELDS:
            payload[f] = listed(fields.get(f, np.full(topology.n_racks, np.nan)))
        snap = decode_racks(payload, topology)
        hosts = tuple(sorted(self.unmapped_hosts))[:50]  # hosts no rack could be found for
        return dataclasses.replace(
            snap,
            invalid_values=snap.invalid_values + non_finite,
            unknown_ids=tuple(text(u) or "" for u in (*unknown, *hosts)),
        )

    # --- unhealthy GPUs ---------------------------------------------------------------------

    def _unhealthy_queries(self) -> dict[str, str]:
        if self.use_rules:
            return {"u:rule": RULE_NAMES["unhealthy"]}
        queries = unhealthy_queries(self.hot_c, self.xid_clear_s)
        return {f"u:{k}": q for k, q in queries.items()}

    def present_metrics(self, max_age: float = PRESENCE_TTL_S) -> set[str]:
        """Names of the dcgm-exporter metrics Prometheus holds now (one small query,
        repeated at most every ``max_age`` seconds)."""
        now = time.monotonic()
        if self._presence is not None and now - self._presence[0] < max_age:
            return self._presence[1]
        names = sorted({m for _v, _f, ms, _h in GPU_SIGNALS for m in ms}
                       | {m for ms in HEALTH_METRICS.values() for m in ms})  # fmt: skip
        selector = f'{{__name__=~"{"|".join(re_quote(n) for n in names)}"}}'
        wall = time.time()
        try:  # the index's names: ~10 ms where counting a full site's GPU series takes seconds
            found = set(self.client.label_values("__name__", selector, wall - 600.0, wall))
        except SourceError:  # a store without the label API's match[]: count the series
            result = self.client.query(f"count by (__name__) ({selector})", wall)
            found = {s.labels.get("__name__", "") for s in result.series if s.value > 0}
        self._presence = (now, found)
        return found

    def not_collected(self) -> dict[str, str]:
        """GPU health signal -> why it is not read (ECC counters off by default...)."""
        try:
            present = self.present_metrics()
        except SourceError as exc:
            log.info("cannot tell which GPU health signals are published: %s", exc.reason)
            return {}
        return {
            key: NOT_COLLECTED_WORDS[key]
            for key, metrics in HEALTH_METRICS.items()
            if not present & set(metrics)
        }

    def fetch_unhealthy(self, topology: SiteTopology) -> UnhealthyGpus:
        """GPUs with an XID, uncorrectable ECC, a failed row remap, heat or throttling."""
        now = time.time()
        return self._unhealthy_from(self._queries(self._unhealthy_queries(), now), topology, now)

    def _unhealthy_from(
        self, results: Mapping[str, Result | Keyed], topology: SiteTopology, now: float
    ) -> UnhealthyGpus:
        gpus: dict[tuple[str, str], dict[str, Any]] = {}
        casts: dict[str, Callable[[float], Any]] = {
            "xid": int, "xid_new": bool, "xid_window": int, "ecc_dbe": int,
            "row_remap_failure": bool, "temp_c": float, "clock_event_reasons": int,
        }  # fmt: skip
        lists = {k: r.series for k, r in results.items() if isinstance(r, Result)}
        for key, cast in casts.items():
            if "u:rule" in lists:
                found = [x for x in lists["u:rule"] if x.labels.get("criterion") == key]
            else:
                found = lists.get(f"u:{key}", [])
            for s in found:
                uuid = label(s.labels, UUID_LABELS)
                host = label(s.labels, HOST_LABELS)
                value = s.value
                if not uuid or not math.isfinite(value) or value >= DCGM_BLANK:
                    continue
                if key == "clock_event_reasons" and not int(value) & THROTTLE_BITS:
                    continue
                gpu = gpus.setdefault((host, uuid), {"labels": s.labels, "window": []})
                if key == "xid_window":
                    code = small_int(label(s.labels, XID_LABELS), 6)
                    if code:
                        gpu["window"].append(code)
                    continue
                gpu[key] = cast(value)
        rows, counts = [], {s: 0 for s in GPU_STATUSES}
        for (host, uuid), g in gpus.items():
            xid = xid_verdict(g.get("xid"), bool(g.get("xid_new")), g["window"])
            hot = g.get("temp_c") is not None and g["temp_c"] >= self.hot_c
            if not (xid or g.get("ecc_dbe") or g.get("row_remap_failure") or hot
                    or g.get("clock_event_reasons")):  # fmt: skip
                continue  # an old XID that no longer counts (see xid_verdict)
            rack = self.rack_of_host(host, topology)
            if rack is None:
                self.unmapped_hosts.add(host)
                continue
            status = (
                "off_bus" if xid in OFF_BUS_XIDS
                else "failed" if g.get("ecc_dbe") or g.get("row_remap_failure")
                or xid in FAILED_XIDS
                else "degraded"
            )  # fmt: skip
            counts[status] += 1
            r = topology.racks[topology.rack_index[rack]]
            slot = small_int(g["labels"].get("gpu", "0"))
            rows.append(
                {
                    "uuid": uuid,
                    "model": g["labels"].get("modelName", ""),
                    "hall": str(r.get("hall", "")),
                    "row": str(r.get("row", "")),
                    "rack": rack,
                    "node": node_of(host, rack),
                    "host": host,
                    "slot": slot or 0,
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
        snap = dataclasses.replace(snap, not_collected=self.not_collected())
        self._unhealthy = (now, topology, snap)
        return snap

    # --- site power -------------------------------------------------------------------------------

    def power_profile(self) -> dict[str, Flow]:
        """The flows read: the site profile, else the simulated hub's series."""
        if self.site_power is not None:
            return self.site_power
        return hub_profile(self.power_metrics)

    def fetch_power(self, context: FetchContext) -> Snapshot:
        """Site power series over the poll window, on a ``power_step`` grid.

        Each flow of the profile is read on its own: one without series or whose query
        fails is NaN with its reason in ``missing``; flows not in the profile are "not
        metered". Only when every configured flow fails to be read does the kind fail.
        """
        step = self.power_step
        # Only grid points already past: a point evaluated before its time would hold a
        # forecast (the newest sample) that the next incremental poll never corrects.
        end = math.floor(time.time() / step) * step
        start = context.power_since if context.power_since else end - context.power_window_s
        start = math.ceil(start / step) * step
        t = np.arange(start, end + step / 2, step)
        fields = {f: np.full(len(t), np.nan) for f in POWER_FIELDS}
        profile = {f: flow for f, flow in self.power_profile().items() if f in fields}
        if not len(t):  # polled again before the next grid point: nothing new yet
            payload = {"start": start, "end": end, "step": step, "t": []}
            snap = decode_power(payload | {f: [] for f in POWER_FIELDS})
            return dataclasses.replace(snap, missing=self._power_missing(profile, {}, fields))
        non_finite = 0
        errors: dict[str, str] = {}
        found: set[str] = set()
        if profile and all(METRIC_NAME.match(f.expr) for f in profile.values()):
            pattern = "|".join(re_quote(f.expr) for f in profile.values())
            result = self.client.query_range(f'{{__name__=~"{pattern}"}}', start, end, step)
            non_finite += result.non_finite
            by_metric = {flow.expr: f for f, flow in profile.items()}
            for s in result.series:
                f = by_metric.get(s.labels.get("__name__", ""))
                if f is not None:
                    place_on_grid(fields[f], t, s, start, step)
                    found.add(f)
        elif profile:

            def one(flow: Flow, until: float) -> Result:
                return self.client.query_range(flow.expr, start, end, step, until)

            with self.client.deadline() as until:
                futures = {f: self.client.submit(one, flow, until) for f, flow in profile.items()}
                for f, future in futures.items():
                    try:
                        result = future.result()
                    except SourceError as exc:
                        errors[f] = exc.reason
                        continue
                    non_finite += result.non_finite
                    if result.series:
                        found.add(f)
                        _sum_on_grid(fields[f], t, result.series, start, step)
            if len(errors) == len(profile):  # nothing could be read: the kind fails
                first = next(iter(errors.values()))
                raise SourceError(self.backend, f"site power: {first}")
        for f in found:
            fields[f] *= profile[f].scale
        missing = self._power_missing(profile, errors, fields)
        share = fields["renewable_share_pct"]
        if "renewable_share_pct" not in found:
            with np.errstate(invalid="ignore", divide="ignore"):
                facility, grid = fields["facility_mw"], fields["grid_mw"]
                computed = np.clip((facility - grid) / facility * 100.0, 0.0, 100.0)
            gaps = np.isnan(share)
            share[gaps] = computed[gaps]
        if "pue" not in found:
            with np.errstate(invalid="ignore", divide="ignore"):
                computed = fields["facility_mw"] / fields["it_mw"]
            computed[~np.isfinite(computed)] = np.nan
            fields["pue"] = computed
        for f in DERIVED:
            if np.isfinite(fields[f]).any():
                missing.pop(f, None)
        payload = {"start": start, "end": end, "step": step, "t": t.tolist()}
        payload |= {f: listed(a) for f, a in fields.items()}
        snap = decode_power(payload)
        return dataclasses.replace(
            snap, invalid_values=snap.invalid_values + non_finite, missing=missing
        )

    def _power_missing(
        self, profile: Mapping[str, Flow], errors: Mapping[str, str], fields: Mapping[str, Any]
    ) -> dict[str, str]:
        """Power field -> why it has no values (not metered, no series, error, n/a)."""
        missing: dict[str, str] = {}
        for key, (f, _kind, _words) in FLOWS.items():
            if f in DERIVED and f not in profile:
                continue
            flow = profile.get(f)
            if flow is None:
                missing[f] = not_metered_reason(key)
            elif f in errors:
                missing[f] = f"error: {errors[f]}"
            elif len(fields[f]) and not np.isfinite(fields[f]).any():
                missing[f] = f"no data: {flow.expr} returned no series in the window"
        for f in DERIVED:
            if f not in profile or f in missing:  # computed when not read: say why not
                reason = derived_reason(f, missing)
                if reason:
                    missing[f] = reason
        return missing

    # --- one rack ---------------------------------------------------------------------------------

    def fetch_rack(self, rack_id: str) -> RackDetailSnapshot:
        """The GPUs of one rack (hub host naming) from the dcgm-exporter series."""
        topology = self.topology()
        if rack_id not in topology.rack_index:
            raise SourceError(self.backend, f"unknown rack {rack_id!r}")
        listed_hosts = self.hosts_of_rack(rack_id, topology)
        if listed_hosts:
            prefix = "|".join(re_quote(h) + r"(\\..*)?" for h in listed_hosts)
        else:  # the hub's naming: a07-13-n05 for rack A-07-13
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
        recent = self._unhealthy  # the XIDs that count now (the rule needs history)
        xid_now = {g["uuid"]: g.get("xid") for g in recent[2].gpus} if recent else {}
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
                if key == "xid" and gpu[key] is not None:
                    gpu[key] = xid_now.get(uuid, xid_verdict(gpu[key], False))
            elif key == "row_remap_failure":
                gpu[key] = bool(value)
            else:
                gpu[key] = value
        node_list = []
        for slot, host in enumerate(sorted(nodes)):
            if listed_hosts:
                self._host_rack.setdefault(host, rack_id)
            gpus = sorted(nodes[host].values(), key=lambda g: g["index"])
            for g in gpus:
                g["status"] = gpu_status(g, self.hot_c)
            node_list.append(
                {"id": node_of(host, rack_id), "host": host, "slot": slot, "gpus": gpus}
            )
        rack = topology.racks[topology.rack_index[rack_id]]
        t = result.time if EPOCH_LIMITS[0] <= result.time <= EPOCH_LIMITS[1] else time.time()
        return RackDetailSnapshot(time=t, rack=rack, nodes=clean_records(node_list, NODE_RECORD))

    # --- what was found ----------------------------------------------------------------------

    def check(self) -> list[dict[str, str]]:
        """An inventory of what this source finds and what is missing, one row per figure:
        ``{"view", "figure", "status": "found"|"missing"|"error", "detail", "hint"}``.

        Covers the racks view (GPU temperature, power, utilisation; per-rack series), GPU
        health (XID, ECC, throttling, row remap), each site power flow (configured: found,
        no data or error; not configured: not metered) and the topology mapping (hosts
        mapped / unmapped). Never raises: an unreachable Prometheus is one error row.
        """
        rows: list[dict[str, str]] = []

        def row(view: str, figure: str, status: str, detail: str, hint: str = "") -> None:
            rows.append({"view": view, "figure": figure, "status": status, "detail": detail,
                         "hint": hint})  # fmt: skip

        try:
            present = self.present_metrics(max_age=0.0)
        except SourceError as exc:
            row("Prometheus", "connection", "error", exc.reason,
                f"check the Prometheus URL ({self.display_url}) and that it answers")  # fmt: skip
            return rows
        for view, figure, metrics, hint in GPU_SIGNALS:
            have = [m for m in metrics if m in present]
            if have:
                row(view, figure, "found", ", ".join(have))
            else:
                row(view, figure, "missing", f"{' / '.join(metrics)} not in Prometheus", hint)
        self._check_rack_series(row)
        self._check_topology(row)
        self._check_power(row)
        return rows

    def _check_rack_series(self, row: Callable[..., None]) -> None:
        words = {"power_kw": "rack power (PDUs)", "inlet_c": "rack inlet temperature",
                 "outlet_c": "rack outlet temperature", "pdu_a_kw": "PDU feed A load",
                 "pdu_b_kw": "PDU feed B load", "alarm": "rack alarm level"}  # fmt: skip
        names = sorted({m for m, _f in self.rack_metrics.values()})
        try:
            have: set[str] = set()
            if names:
                pattern = "|".join(re_quote(n) for n in names)
                result = self.client.query(
                    f'count by (__name__) ({{__name__=~"{pattern}",rack!=""}})', time.time()
                )
                have = {x.labels.get("__name__", "") for x in result.series}
        except SourceError as exc:
            row("racks", "per-rack series", "error", exc.reason)
            return
        for field, figure in words.items():
            metric = self.rack_metrics.get(field)
            if metric is not None and metric[0] in have:
                row("racks", figure, "found", metric[0])
            elif field == "power_kw":
                row("racks", figure, "missing",
                    "no per-rack power series: rack power is the sum of its GPUs' "
                    "DCGM_FI_DEV_POWER_USAGE (GPUs only, not the whole rack)",
                    'publish per-rack PDU power with a "rack" label and set [prometheus] '
                    'rack_metrics = { power_kw = "..." }')  # fmt: skip
            else:
                row("racks", figure, "missing",
                    f"no per-rack series ({metric[0] if metric else 'none configured'})",
                    f'publish it with a "rack" label and set [prometheus] rack_metrics = '
                    f'{{ {field} = "..." }}')  # fmt: skip

    def _check_topology(self, row: Callable[..., None]) -> None:
        try:
            topology = self.topology()
        except SourceError as exc:
            row("topology", "site layout", "error", exc.reason,
                "give --topology FILE_OR_URL or site_topology in the config file")  # fmt: skip
            return
        row("topology", "site layout", "found",
            f"{topology.n_racks} racks, {topology.total_gpus} GPUs")  # fmt: skip
        try:
            hosts = self._by_host(self.client.query(HOST_QUERIES["temp"], time.time()))
        except SourceError as exc:
            row("topology", "hosts mapped to racks", "error", exc.reason)
            return
        mapped = {h: self.rack_of_host(h, topology) for h in hosts}
        unmapped = sorted(h for h, r in mapped.items() if r is None)
        n_racks = len({r for r in mapped.values() if r})
        if len(mapped) - len(unmapped):
            row("topology", "hosts mapped to racks", "found",
                f"{len(mapped) - len(unmapped)} of {len(mapped)} hosts, on {n_racks} racks")  # fmt: skip
        else:
            row("topology", "hosts mapped to racks", "missing",
                f"none of {len(mapped)} hosts with GPU series maps to a rack",
                "list the hosts in the topology's racks[].hosts or set [prometheus] "
                "host_pattern")  # fmt: skip
        if unmapped:
            row("topology", "hosts not mapped", "missing",
                f"{len(unmapped)} host(s): {', '.join(unmapped[:5])}"
                + (" ..." if len(unmapped) > 5 else ""),
                "list them in the topology's racks[].hosts or set [prometheus] host_pattern")

    def _check_power(self, row: Callable[..., None]) -> None:
        profile = self.power_profile()
        found: set[str] = set()
        for key, (field, _kind, words) in FLOWS.items():
            flow = profile.get(field)
            if flow is None:
                if field in DERIVED:
                    continue
                row("power", words, "missing", not_metered_reason(key),
                    f'set [site.power] {key} = {{ expr = "...", unit = "..." }}')  # fmt: skip
                continue
            try:
                result = self.client.query(flow.expr, time.time())
            except SourceError as exc:
                row("power", words, "error", f"{flow.expr}: {exc.reason}",
                    "fix the expression in [site.power]")  # fmt: skip
                continue
            values = [x.value for x in result.series if math.isfinite(x.value)]
            if not values:
                row("power", words, "missing", f"no data: {flow.expr} returns no series",
                    "check the exporter is scraped and the metric name")  # fmt: skip
                continue
            found.add(field)
            value = sum(values) * flow.scale
            unit = {"power": "MW", "carbon": "gCO2/kWh", "percent": "%", "ratio": ""}[_kind]
            row("power", words, "found",
                f"{value:,.3f} {unit} now ({flow.expr}, in {flow.unit})".replace("  ", " "))  # fmt: skip
        key_of = {v[0]: k for k, v in FLOWS.items()}
        for field, (inputs, formula) in DERIVED.items():
            if field in profile:
                continue
            words = FLOWS[key_of[field]][2]
            lacking = [key_of[i] for i in inputs if i not in found]
            if lacking:
                names = " and no ".join(FLOWS[k][2] for k in lacking)
                row("power", words, "missing", f"n/a: no {names} meter with data ({formula})",
                    f"configure [site.power] {' and '.join(lacking)}")  # fmt: skip
            else:
                row("power", words, "found", f"derived: {formula}")

    def close(self) -> None:
        self.client.close()


def _sum_on_grid(
    out: np.ndarray, t: np.ndarray, series: list[Series], start: float, step: float
) -> None:
    """Several series of one flow (PDUs, meters) added up on the ``t`` grid; a grid point
    holds a value where at least one series has one."""
    if len(series) == 1:
        place_on_grid(out, t, series[0], start, step)
        return
    total = np.zeros(len(t))
    seen = np.zeros(len(t), bool)
    for s in series:
        part = np.full(len(t), np.nan)
        place_on_grid(part, t, s, start, step)
        ok = np.isfinite(part)
        total[ok] += part[ok]
        seen |= ok
    out[seen] = total[seen]


for _scheme in ("prometheus", "prometheus+http", "prometheus+https"):
    register_scheme(_scheme, PrometheusSource)
