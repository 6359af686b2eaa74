"""Each running job's own GPU utilisation on a site read from Prometheus and Slurm.

The job queue's ``gpu_util_pct`` (:data:`console.contract.JOB_OPTIONAL_FIELDS`) of each
running job, from dcgm-exporter's ``DCGM_FI_DEV_GPU_UTIL`` in Prometheus, found in this
order:

1. **hpc_job**: dcgm-exporter run with ``--hpc-job-mapping-dir`` labels each GPU's
   series with the Slurm job id holding it (``hpc_job``): the job's figure is the mean of
   its GPUs' series, as ``avg by (hpc_job) (DCGM_FI_DEV_GPU_UTIL{hpc_job!=""})``.
2. **join**: for a job no series names, Slurm's allocation (the job's nodes and the GPU
   indices of its ``gres_detail``: :meth:`console.sources.slurm.SlurmSource.gpu_placement`)
   joined with the per-GPU series by host and ``gpu`` index: the mean over the job's
   GPUs, when every one of them has a series (a GPU missing could be the busy one, and
   an idle job is never called so on a part of its GPUs). The host is the series'
   ``Hostname`` (dcgm-exporter up to 4.5.x) or ``hostname`` (later); names match on
   their short form (up to the first dot, in any case: node ``gpu01``, exporter
   ``gpu01.cluster.local``), and on the node's own host name where Slurm's nodes gave
   one (``NodeHostname``).
3. Otherwise unknown (NaN): the idle-GPU rule (:mod:`console.energy.idle`) then judges
   the job by its racks' means.

One instant query a jobs poll serves both: the series averaged by (``hpc_job``, host,
``gpu``), those labels joined into one (``label_join``) so that the answer decodes as
keys and values, with no label dict a GPU. The metric and label names are the
``[prometheus] job_util`` table's (:class:`JobUtilNames`). A Prometheus that fails
leaves the figures unknown and the queue as Slurm gave it; the reason is logged once,
and again only when it changes or the figures come back.
"""

from __future__ import annotations

import dataclasses
import functools
import ipaddress
import logging
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from console.decode import DataError
from console.model import JobsSnapshot, _frozen_map
from console.sources.base import SourceError
from console.sources.prom_metrics import DCGM_BLANK, HOST_LABELS, parse_selector, small_int
from console.sources.promql import PromClient

log = logging.getLogger(__name__)

KEY_LABEL = "console_job_gpu"
"""The label the query joins (job, hosts, gpu) into."""
SEP = "|"
"""Between the joined labels (no host name or GPU index holds it)."""
_LABEL = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

Placement = Mapping[int, Iterable[tuple[str, int]]]
"""Job id -> the ``(node, GPU index)`` pairs of the GPUs it holds."""


@dataclass(frozen=True)
class JobUtilNames:
    """The metric and labels a job's GPU utilisation is read from (``[prometheus]
    job_util``; dcgm-exporter's names by default)."""

    metric: str = "DCGM_FI_DEV_GPU_UTIL"
    """Per-GPU utilisation in %; a selector with ``{label="value"}`` filters is accepted."""
    job_label: str = "hpc_job"
    """The label naming the job that holds the GPU ("": not read, the join only)."""
    host_labels: tuple[str, ...] = HOST_LABELS
    """The labels naming the GPU's host, the first one set counts."""
    gpu_label: str = "gpu"
    """The label holding the GPU's index on its host (``nvidia-smi``'s, Slurm's IDX)."""

    KEYS = ("metric", "job_label", "host_labels", "gpu_label")

    @classmethod
    def from_config(cls, table: Mapping[str, Any] | None,
                    where: str = "[prometheus] job_util") -> JobUtilNames | None:
        """The names of a config table; None when it turns the figure off (``metric =
        ""``). ValueError naming the key for an unknown key or a name that is none."""
        table = dict(table or {})
        unknown = set(table) - set(cls.KEYS)
        if unknown:
            raise ValueError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        metric = table.get("metric", cls.metric)
        if not isinstance(metric, str):
            raise ValueError(f"{where}: metric must be a metric name or selector")
        if not metric.strip():
            return None
        try:
            parse_selector(metric)
        except ValueError as exc:
            raise ValueError(f"{where}: metric: {exc}") from None
        job_label = table.get("job_label", cls.job_label)
        if not isinstance(job_label, str) or (job_label and not _LABEL.match(job_label)):
            raise ValueError(f"{where}: job_label must be a label name (or \"\" for none)")
        hosts = table.get("host_labels", list(cls.host_labels))
        if isinstance(hosts, str):
            hosts = [hosts]
        if (not isinstance(hosts, list | tuple) or not hosts
                or not all(isinstance(h, str) and _LABEL.match(h) for h in hosts)):
            raise ValueError(f"{where}: host_labels must be a list of label names")
        gpu_label = table.get("gpu_label", cls.gpu_label)
        if not isinstance(gpu_label, str) or not _LABEL.match(gpu_label):
            raise ValueError(f"{where}: gpu_label must be a label name")
        names = (job_label, *hosts, gpu_label)
        if len(set(n for n in names if n)) != len([n for n in names if n]):
            raise ValueError(f"{where}: job_label, host_labels and gpu_label must differ")
        return cls(metric.strip(), job_label, tuple(hosts), gpu_label)

    @property
    def labels(self) -> tuple[str, ...]:
        """The labels the query keeps, in the joined key's order."""
        job = (self.job_label,) if self.job_label else ()
        return (*job, *self.host_labels, self.gpu_label)


def util_query(names: JobUtilNames) -> str:
    """The one PromQL instant query: each GPU's (and job's) utilisation, keyed by one label."""
    labels = names.labels
    quoted = ", ".join(f'"{n}"' for n in labels)
    return (f'label_join(avg by ({", ".join(labels)}) ({names.metric}), '
            f'"{KEY_LABEL}", "{SEP}", {quoted})')


@functools.lru_cache(maxsize=65536)
def short_host(name: str) -> str:
    """A host's name to match on: lower case, up to the first dot (an IP address whole)."""
    name = name.strip().lower()
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return name.split(".", 1)[0]
    return name


@dataclass
class UtilReading:
    """One answer of :func:`util_query`: the jobs' means (``hpc_job``) and each GPU's."""

    by_job: dict[int, float] = field(default_factory=dict)
    by_gpu: dict[tuple[str, int], float] = field(default_factory=dict)
    time: float = math.nan


def parse_reading(keys: list[str], values: np.ndarray, names: JobUtilNames,
                  at: float = math.nan) -> UtilReading:
    """The keys and values of a :func:`util_query` answer as a :class:`UtilReading`.
    Values that are no percentage (NaN, dcgm-exporter's blank sentinels) are left out;
    a job label that is no Slurm job id is not a job's (its GPUs still count by host)."""
    n_hosts = len(names.host_labels)
    tail = n_hosts + 1  # the hosts and the GPU index, after the job (if read)
    job_sums: dict[int, list[float]] = {}
    gpu_sums: dict[tuple[str, int], list[float]] = {}
    for key, value in zip(keys, values.tolist(), strict=True):
        if not math.isfinite(value) or value < 0.0 or value >= DCGM_BLANK:
            continue
        value = min(value, 100.0)
        parts = key.split(SEP)
        if names.job_label:
            if len(parts) < tail + 1:
                continue
            job, parts = SEP.join(parts[:-tail]), parts[-tail:]
        else:
            if len(parts) != tail:
                continue
            job = ""
        if job:
            job_id = small_int(job, 15)
            if job_id is not None and job_id > 0:
                entry = job_sums.setdefault(job_id, [0.0, 0.0])
                entry[0] += value
                entry[1] += 1.0
        host = next((h for h in parts[:-1] if h), "")
        index = small_int(parts[-1])
        if host and index is not None:
            entry = gpu_sums.setdefault((short_host(host), index), [0.0, 0.0])
            entry[0] += value
            entry[1] += 1.0
    return UtilReading({k: s / c for k, (s, c) in job_sums.items()},
                       {k: s / c for k, (s, c) in gpu_sums.items()}, at)


def placed_util(pairs: Iterable[tuple[str, int]], by_gpu: Mapping[tuple[str, int], float],
                hostnames: Mapping[str, str] | None = None) -> float | None:
    """The mean utilisation of the GPUs ``pairs`` names, or None unless every one has a
    figure. A node's pairs are looked up by its short name, then by the short name of
    its host name (``hostnames``: Slurm node -> host)."""
    total, count = 0.0, 0
    for node, index in pairs:
        value = by_gpu.get((short_host(node), index))
        if value is None and hostnames:
            host = hostnames.get(node)
            if host:
                value = by_gpu.get((short_host(host), index))
        if value is None:
            return None
        total += value
        count += 1
    return total / count if count else None


def job_util(columns: Mapping[str, np.ndarray], placement: Placement, reading: UtilReading,
             hostnames: Mapping[str, str] | None = None) -> tuple[np.ndarray, int, int]:
    """``(gpu_util_pct for each row of the queue, jobs by hpc_job, jobs by the join)``:
    running jobs by their ``hpc_job`` series, else the join of ``placement``; NaN for
    the others."""
    ids = columns["id"]
    out = np.full(len(ids), np.nan)
    by_label = joined = 0
    rows = np.flatnonzero(columns["state"] == "RUNNING")
    for row, job_id in zip(rows.tolist(), ids[rows].tolist(), strict=True):
        value = reading.by_job.get(job_id)
        if value is not None:
            by_label += 1
        else:
            pairs = placement.get(job_id)
            value = placed_util(pairs, reading.by_gpu, hostnames) if pairs else None
            if value is None:
                continue
            joined += 1
        out[row] = value
    return out, by_label, joined


class JobUtil:
    """Fills the ``gpu_util_pct`` of a Slurm job queue from Prometheus (one query a poll)."""

    def __init__(self, client: PromClient, names: JobUtilNames | None = None) -> None:
        self.client = client
        self.names = names or JobUtilNames()
        self.query = util_query(self.names)
        self.trouble: str | None = None
        """Why the last poll's figures are unknown (None: read)."""
        self.counts: tuple[int, int] = (0, 0)
        """Running jobs given a figure by the last poll: by ``hpc_job``, by the join."""

    def read(self, left_s: float | None = None) -> UtilReading:
        """One answer of the query, within ``left_s`` (at most the client's deadline)."""
        seconds = self.client.limits.deadline_s
        if left_s is not None:
            if left_s < 1.0:
                raise SourceError(self.client.backend, "no time left in the jobs poll's deadline")
            seconds = min(seconds, left_s)
        with self.client.deadline(seconds):
            keyed = self.client.query_keyed(self.query, (KEY_LABEL,))
        return parse_reading(keyed.keys, keyed.values, self.names, keyed.time)

    def fill(self, jobs: JobsSnapshot, placement: Placement, left_s: float | None = None,
             hostnames: Mapping[str, str] | None = None) -> JobsSnapshot:
        """``jobs`` with each running job's ``gpu_util_pct``; ``jobs`` as it is when no
        job runs with GPUs (no query then) or Prometheus cannot be read (logged once)."""
        columns = jobs.columns
        if not len(jobs):
            return jobs
        if not bool(((columns["state"] == "RUNNING") & (columns["gpus"] > 0)).any()):
            return jobs
        try:
            reading = self.read(left_s)
        except (SourceError, DataError) as exc:
            reason = exc.reason if isinstance(exc, SourceError) else str(exc)
            self._unknown(reason)
            return jobs
        util, by_label, joined = job_util(columns, placement, reading, hostnames)
        self.counts = (by_label, joined)
        if not reading.by_job and not reading.by_gpu:
            self._unknown(f"Prometheus holds no {self.names.metric} series with "
                          f"{'/'.join(self.names.host_labels)} and {self.names.gpu_label}")
        elif self.trouble is not None:
            log.info("Jobs' GPU utilisation read from Prometheus again")
            self.trouble = None
        return dataclasses.replace(jobs, columns=_frozen_map({**columns, "gpu_util_pct": util}))

    def _unknown(self, reason: str) -> None:
        if reason != self.trouble:
            log.warning("Jobs' GPU utilisation not read from Prometheus (%s): shown unknown, "
                        "the racks' means judge idle GPUs", reason)
        self.trouble = reason
