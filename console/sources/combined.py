"""A site read from real backends: topology from a file or the hub, racks / GPUs / power
from Prometheus, the job queue from slurmrestd.

``python main.py --prometheus URL --slurm URL [--topology FILE_OR_URL]`` builds one.
Each kind fails on its own: a Slurm outage leaves racks and power live. With both, each
running job's own GPU utilisation (``gpu_util_pct``) comes from dcgm-exporter's series
in Prometheus, by their ``hpc_job`` label or joined with Slurm's allocation
(:mod:`console.sources.jobutil`); a Prometheus that fails leaves it unknown, never the
queue. The shift log comes from the hub named by ``[log] url`` (``main.py hub
--log-only``), when there is one.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from console.forecast import WHOLE, ForecastSnapshot
from console.model import JobsSnapshot, RackDetailSnapshot, SiteTopology, Snapshot, UnhealthyGpus
from console.shiftlog.client import LogClient
from console.sources.base import FetchContext, Source, SourceError
from console.sources.http import (
    HUB_LIMITS,
    PROMETHEUS_LIMITS,
    SLURM_LIMITS,
    Limits,
    limits_from,
)
from console.sources.jobutil import JobUtil, JobUtilNames
from console.sources.prometheus import PrometheusSource, load_topology
from console.sources.shiftlog import ShiftLogSource
from console.sources.slurm import SlurmSource
from console.urls import SOURCES_JOINED

log = logging.getLogger(__name__)

NO_PROMETHEUS_FORECAST = ("no forecast source configured ([forecast] in the config file names "
                          "the Prometheus series of one; a hub API serves one at "
                          "/api/v1/forecast)")
"""Why a site read from Prometheus shows no forecast."""
NODE_STATE_TTL_S = 60.0
"""How often Slurm's node states are read to mark drained servers' GPUs."""


class CombinedSource(Source):
    """Prometheus for ``site``/``racks``/``gpus``/``power``, Slurm for ``jobs``; Slurm's node
    states mark the GPUs of drained servers (``node_state``), which raise no alarms, and
    Prometheus gives the running jobs their GPU utilisation (``job_util``: the names of
    :class:`console.sources.jobutil.JobUtilNames`, a mapping of the config table, or
    None for the defaults). With ``shift_log`` (a :class:`ShiftLogSource`: the hub of
    ``[log] url``), ``log`` too."""

    backend = "real backends"
    concurrent_kinds = True

    def __init__(
        self,
        prometheus_url: str | None,
        slurm_url: str | None,
        topology: str | Path | SiteTopology | None = None,
        prometheus_options: Mapping[str, Any] | None = None,
        slurm_options: Mapping[str, Any] | None = None,
        topology_auth: tuple[str, str] | None = None,
        shift_log: ShiftLogSource | None = None,
        job_util: JobUtilNames | Mapping[str, Any] | None = None,
    ) -> None:
        parts = [p for p in (prometheus_url, slurm_url) if p]
        if not parts:
            raise ValueError("give a Prometheus URL, a slurmrestd URL, or both")
        names = job_util if isinstance(job_util, JobUtilNames) else JobUtilNames.from_config(
            job_util)
        self._topology_from = topology
        self._topology_auth = topology_auth
        self._topology_lock = threading.Lock()
        self._topology: SiteTopology | None = None
        self.prometheus = (
            PrometheusSource(prometheus_url, topology=topology, topology_auth=topology_auth,
                             **dict(prometheus_options or {}))
            if prometheus_url
            else None
        )
        self.slurm = SlurmSource(slurm_url, **dict(slurm_options or {})) if slurm_url else None
        # The backends' URLs without the passwords they may have been given with.
        super().__init__(SOURCES_JOINED.join(s.url for s in (self.prometheus, self.slurm) if s))
        kinds: list[str] = []
        if self.prometheus is not None or topology is not None:
            kinds.append("site")
        if self.prometheus is not None:
            kinds += ["racks", "gpus", "power", "forecast"]
        if self.slurm is not None:
            kinds.append("jobs")
        self.shift_log = shift_log
        if shift_log is not None:
            kinds.append("log")
        self.kinds = tuple(kinds)
        self._node_states: dict[str, str] = {}
        self._node_states_at = -float("inf")
        self._node_hosts: dict[str, str] = {}
        """Slurm node name -> its host name, where they differ (from the node states)."""
        self.job_util = (JobUtil(self.prometheus.client, names)
                         if self.prometheus is not None and self.slurm is not None and names
                         else None)
        """Fills the running jobs' ``gpu_util_pct``; None without both backends, or
        with ``[prometheus] job_util`` ``metric = ""``."""

    @property
    def display_url(self) -> str:
        parts = [s.display_url for s in (self.prometheus, self.slurm) if s is not None]
        return SOURCES_JOINED.join(parts)

    def topology(self) -> SiteTopology:
        """The site topology (loaded once)."""
        with self._topology_lock:  # kinds are fetched on threads of their own
            if self._topology is None:
                if self.prometheus is not None:
                    self._topology = self.prometheus.topology()
                else:
                    self._topology = load_topology(self._topology_from, auth=self._topology_auth)
        if self._topology is None:
            raise SourceError("topology", "no site topology configured")
        return self._topology

    def fetch(self, kind: str, context: FetchContext) -> Snapshot:
        if kind == "site":
            return self.topology()
        if kind == "jobs" and self.slurm is not None:
            if self.slurm.node_racks is None and self._topology_from is not None:
                self.slurm.node_racks = _node_rack_map(self.topology())
            began = time.monotonic()
            jobs = self.slurm.fetch(kind, context)
            if self.job_util is None or not isinstance(jobs, JobsSnapshot):
                return jobs
            # one query to Prometheus, with what is left of the jobs poll's deadline
            left = self.slurm.limits.deadline_s - (time.monotonic() - began)
            return self.job_util.fill(jobs, self.slurm.gpu_placement(), left,
                                      self._node_hosts)
        if kind == "gpus" and self.prometheus is not None:
            began = time.monotonic()
            gpus = self.prometheus.fetch(kind, context)
            # Slurm's node states have what is left of the poll's deadline (Prometheus's)
            left = self.prometheus.client.limits.deadline_s - (time.monotonic() - began)
            return self._with_node_states(gpus, left)
        if kind in ("racks", "power") and self.prometheus is not None:
            return self.prometheus.fetch(kind, context)
        if kind == "forecast" and self.prometheus is not None:
            if self.prometheus.forecast is not None:  # the series of [forecast]
                return self.prometheus.fetch(kind, context)
            # Prometheus holds no forecast of its own: shown absent, with the reason.
            return ForecastSnapshot(time=time.time(), flags={WHOLE: NO_PROMETHEUS_FORECAST})
        if kind == "log" and self.shift_log is not None:
            try:
                return self.shift_log.fetch(kind, context)
            finally:
                if "log" not in self.shift_log.kinds:  # the hub keeps no shift log
                    self.kinds = tuple(k for k in self.kinds if k != "log")
        raise SourceError(self.backend, f"cannot deliver {kind!r} with the backends given")

    def node_states(self, now: float | None = None, left_s: float | None = None) -> dict[str, str]:
        """Server name -> ``up`` / ``drain`` / ``maint`` / ``down`` from Slurm's nodes.

        Read at most every ``NODE_STATE_TTL_S``; when Slurm cannot be read the last states
        known are kept (and none before the first read): an outage of Slurm must not make
        drained servers raise alarms, nor stop the GPU data. ``left_s``: what is left of
        the poll's deadline for the read (under a second: the last states, read at a later
        poll), so a slow Slurm never makes the GPU poll take two deadlines.
        """
        now = time.monotonic() if now is None else now
        if self.slurm is None or now - self._node_states_at < NODE_STATE_TTL_S:
            return self._node_states
        limits = None
        if left_s is not None:
            if left_s < 1.0:
                return self._node_states
            limits = replace(
                self.slurm.limits, deadline_s=round(min(left_s, self.slurm.limits.deadline_s), 1)
            )
        self._node_states_at = now
        try:
            nodes = self.slurm.nodes(limits)
        except SourceError as exc:
            log.info("Slurm node states not read (%s); keeping the last known", exc.reason)
            return self._node_states
        states: dict[str, str] = {}
        hosts: dict[str, str] = {}
        for node in nodes:
            state = node_state_word(node.get("state", ()))
            for name in (node.get("name"), node.get("hostname")):
                if name:
                    states[str(name)] = state
            if node.get("name") and node.get("hostname") and node["name"] != node["hostname"]:
                hosts[str(node["name"])] = str(node["hostname"])
        self._node_states = states
        self._node_hosts = hosts
        return states

    def _with_node_states(self, snap: Snapshot, left_s: float | None = None) -> Snapshot:
        if not isinstance(snap, UnhealthyGpus) or self.slurm is None:
            return snap
        states = self.node_states(left_s=left_s)
        if not states:
            return snap
        gpus = []
        for g in snap.gpus:
            state = states.get(str(g.get("host") or "")) or states.get(str(g.get("node") or ""))
            gpus.append(g if state is None else {**g, "node_state": state})
        return replace(snap, gpus=tuple(gpus))

    def fetch_rack(self, rack_id: str) -> RackDetailSnapshot:
        if self.prometheus is None:
            return super().fetch_rack(rack_id)
        return self.prometheus.fetch_rack(rack_id)

    def log_client(self) -> LogClient:
        """A client of the shift log's hub for the console's writes (AttributeError when
        no ``[log] url`` is set, as for any source without one)."""
        if self.shift_log is None:
            raise AttributeError("log_client")
        return self.shift_log.log_client()

    def close(self) -> None:
        if self.job_util is not None:
            self.job_util.close()
        for source in (self.prometheus, self.slurm, self.shift_log):
            if source is not None:
                source.close()


def node_state_word(states: Any) -> str:
    """The hub API's ``node_state`` of Slurm's node state words (base state and flags)."""
    words = {str(w).upper() for w in (states or ())}
    if words & {"MAINT", "MAINTENANCE", "REBOOT_REQUESTED", "REBOOT_ISSUED"}:
        return "maint"
    if words & {"DRAIN", "DRAINED", "DRAINING"}:
        return "drain"
    if words & {"DOWN", "FAIL", "FAILING", "NOT_RESPONDING", "UNKNOWN"}:
        return "down"
    return "up"


def _node_rack_map(topology: SiteTopology) -> dict[str, str]:
    """Node/host -> rack from racks that list their ``hosts`` (hub naming needs none)."""
    out: dict[str, str] = {}
    for rack in topology.racks:
        for host in rack.get("hosts", ()) or ():
            out[str(host)] = rack["id"]
    return out


_PROM_KEYS = ("headers", "power_metrics", "rack_metrics", "host_racks", "power_step", "hot_c",
              "accept_partial", "verify", "use_rules", "host_pattern", "rack_template",
              "xid_clear_s")  # fmt: skip
_SLURM_KEYS = ("token", "user", "version", "tenant_kinds", "tenant_countries", "node_racks",
               "verify")  # fmt: skip


def combined_from_settings(settings: Any) -> CombinedSource | None:
    """The real-backend source the settings ask for (``[prometheus]`` / ``[slurm]`` tables
    with ``url``, ``site_topology``), or None when neither URL is set.

    Config file example::

        site_topology = "http://hub.example:8710/api/v1/site"   # or a JSON file
        [prometheus]
        url = "prometheus+https://mimir.example/prometheus"
        headers = { "X-Scope-OrgID" = "hub" }
        job_util = { metric = "DCGM_FI_DEV_GPU_UTIL", job_label = "hpc_job" }  # the defaults
        [slurm]
        url = "slurm+http://slurm-head:6820"
        tenant_kinds = { "acme-ma" = "enterprise" }

    The Slurm token comes from ``SLURM_JWT`` (already folded into ``[slurm] token`` by
    :func:`console.settings.load_settings`) or the file, never from the command line.
    ``[log] url`` names the hub that keeps the shift log (``main.py hub --log-only``),
    read and written with ``[log] token``, else the hub token (``HUB_TOKEN`` or
    ``[hub] token``), and ``[hub]``'s TLS and limits unless ``[log]`` sets its own.
    Each table may set ``timeout_connect``, ``timeout_read``, ``deadline_s`` and
    ``max_body_mb`` (:mod:`console.sources.http`); a password given with a URL
    (``settings.credentials``) is used as basic auth.
    """
    prom: dict[str, Any] = dict(getattr(settings, "prometheus", {}) or {})
    slurm: dict[str, Any] = dict(getattr(settings, "slurm", {}) or {})
    prom_url, slurm_url = prom.get("url"), slurm.get("url")
    if not prom_url and not slurm_url:
        return None
    credentials: Mapping[str, tuple[str, str]] = getattr(settings, "credentials", None) or {}
    prom_opts = {k: prom[k] for k in _PROM_KEYS if k in prom}
    forecast = getattr(settings, "forecast", None)
    if forecast:  # [forecast]: the series a forecaster publishes (console.sources.prom_forecast)
        prom_opts["forecast"] = forecast
    site = getattr(settings, "site", None) or {}
    if isinstance(site, dict) and site.get("power") is not None:
        prom_opts["site_power"] = site["power"]  # the site profile's energy flows
    job_util = prom.get("job_util")  # the running jobs' GPU utilisation (console.sources.jobutil)
    if job_util is not None and not isinstance(job_util, Mapping):
        raise ValueError("[prometheus] job_util must be a table (metric, job_label, "
                         "host_labels, gpu_label)")
    limits = limits_from(prom, PROMETHEUS_LIMITS, "[prometheus] ")
    prom_opts.update(timeout=limits.timeout, deadline_s=limits.deadline_s,
                     max_body_mb=limits.max_body_mb, auth=credentials.get(str(prom_url)))
    slurm_opts = {k: slurm[k] for k in _SLURM_KEYS if k in slurm}
    limits = limits_from(slurm, SLURM_LIMITS, "[slurm] ")
    slurm_opts.update(timeout=limits.timeout, deadline_s=limits.deadline_s,
                      max_body_mb=limits.max_body_mb, auth=credentials.get(str(slurm_url)))
    topology = getattr(settings, "site_topology", None)
    return CombinedSource(
        prom_url,
        slurm_url,
        topology=topology,
        prometheus_options=prom_opts,
        slurm_options=slurm_opts,
        topology_auth=credentials.get(str(topology)) if topology else None,
        shift_log=shift_log_from_settings(settings),
        job_util=job_util,
    )


def shift_log_from_settings(settings: Any) -> ShiftLogSource | None:
    """The hub that keeps the shift log of a site read from Prometheus and Slurm
    (``[log] url``), or None when none is named."""
    table: dict[str, Any] = dict(getattr(settings, "log", {}) or {})
    url = table.get("url")
    if not url:
        return None
    hub = Limits((float(getattr(settings, "timeout_connect", HUB_LIMITS.timeout[0])),
                  float(getattr(settings, "timeout_read", HUB_LIMITS.timeout[1]))),
                 float(getattr(settings, "deadline_s", HUB_LIMITS.deadline_s)),
                 float(getattr(settings, "max_body_mb", HUB_LIMITS.max_body_mb)))
    credentials: Mapping[str, tuple[str, str]] = getattr(settings, "credentials", None) or {}
    return ShiftLogSource(
        str(url),
        token=table.get("token") or getattr(settings, "token", None),
        verify=table.get("verify_tls", getattr(settings, "verify_tls", True)),
        limits=limits_from(table, hub, "[log] "),
        retries=int(getattr(settings, "retries", 2)),
        auth=credentials.get(str(url)),
    )
