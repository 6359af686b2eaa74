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

One instant query serves both: the series averaged by (``hpc_job``, host, ``gpu``),
those labels joined into one (``label_join``) so that the answer decodes as keys and
values, with no label dict a GPU. It runs at most once a jobs poll, and at most every
:data:`REFRESH_S`, on a thread of its own: a poll fills the queue from the latest
reading and never waits on Prometheus but for the first one (:class:`JobUtil`). The
metric and label names are the ``[prometheus] job_util`` table's (:class:`JobUtilNames`).
A Prometheus that fails leaves the figures unknown and the queue as Slurm gave it; the
reason is logged once, and again only when it changes or the figures come back.
"""

from __future__ import annotations

import dataclasses
import functools
import ipaddress
import logging
import math
import re
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import compress
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
    tail = len(names.host_labels) + 1  # the hosts and the GPU index, after the job (if read)
    with np.errstate(invalid="ignore"):
        good = np.isfinite(values) & (values >= 0.0) & (values < DCGM_BLANK)
    kept = np.minimum(values[good], 100.0).tolist()
    job_values: dict[int, list[float]] = {}
    gpu_values: dict[tuple[str, int], list[float]] = {}
    job_label = bool(names.job_label)
    for key, value in zip(compress(keys, good.tolist()), kept, strict=True):
        parts = key.rsplit(SEP, tail)
        if len(parts) != tail + job_label:
            continue
        job_id = small_int(parts[0], 15) if job_label and parts[0] else None
        if job_id:
            job_values.setdefault(job_id, []).append(value)
        host = next((h for h in parts[job_label:-1] if h), "")
        index = small_int(parts[-1])
        if host and index is not None:
            gpu_values.setdefault((short_host(host), index), []).append(value)
    return UtilReading({k: math.fsum(v) / len(v) for k, v in job_values.items()},
                       {k: math.fsum(v) / len(v) for k, v in gpu_values.items()}, at)


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
             hostnames: Mapping[str, str] | None = None,
             memo: dict[int, tuple[object, float | None]] | None = None,
             ) -> tuple[np.ndarray, int, int]:  # fmt: skip
    """``(gpu_util_pct for each row of the queue, jobs by hpc_job, jobs by the join)``:
    running jobs by their ``hpc_job`` series, else the join of ``placement``; NaN for
    the others. ``memo`` (job id -> (its placement, its figure)) keeps the joins of one
    reading and ``hostnames`` across polls: a job whose placement is the same object
    is not joined again."""
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
            if not pairs:
                continue
            known = memo.get(job_id) if memo is not None else None
            if known is not None and known[0] is pairs:
                value = known[1]
            else:
                value = placed_util(pairs, reading.by_gpu, hostnames)
                if memo is not None:
                    memo[job_id] = (pairs, value)
            if value is None:
                continue
            joined += 1
        out[row] = value
    return out, by_label, joined


REFRESH_S = 30.0
"""The utilisation is read at most this often (dcgm-exporter samples every 30 s by
default); the jobs polls in between take the last reading."""
FIRST_WAIT_S = 5.0
"""How long the first jobs poll with running GPU jobs waits for the first reading (later
polls never wait: the queue never waits on Prometheus)."""
MAX_AGE_S = 300.0
"""A reading older than this is not shown (no read has finished since)."""


class _Read:
    """One read of the utilisation on a thread of its own (daemon: it ends with its
    deadline), and what came of it."""

    def __init__(self, util: JobUtil) -> None:
        self.asked = time.monotonic()
        self.reading: UtilReading | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(util,), name="job-gpu-util",
                                       daemon=True)
        self.thread.start()

    def _run(self, util: JobUtil) -> None:
        try:
            self.reading = util.read()
        except Exception as exc:  # noqa: BLE001 - any failure of the read is its reason
            self.error = exc


class JobUtil:
    """Fills the ``gpu_util_pct`` of a Slurm job queue from Prometheus.

    The query runs on a thread of its own, at most every ``refresh_s``, started by a jobs
    poll that finds the last reading that old: each poll fills the queue from the last
    reading (at most ``refresh_s`` plus one read old; none past :data:`MAX_AGE_S`), so
    the jobs poll takes no longer than Slurm's answer. Only the first poll waits for its
    reading (:data:`FIRST_WAIT_S` at most). A read that fails makes the figures unknown
    until one succeeds; why is logged once, and again only when it changes."""

    def __init__(self, client: PromClient, names: JobUtilNames | None = None,
                 refresh_s: float = REFRESH_S) -> None:
        self.client = client
        self.names = names or JobUtilNames()
        self.query = util_query(self.names)
        self.refresh_s = float(refresh_s)
        self.trouble: str | None = None
        """Why the figures are unknown now (None: they are read)."""
        self.counts: tuple[int, int] = (0, 0)
        """Running jobs given a figure by the last poll: by ``hpc_job``, by the join."""
        self._pending: _Read | None = None
        self._latest: tuple[float, UtilReading] | None = None
        self._asked = -math.inf
        self._first = True
        self._memo: dict[int, tuple[object, float | None]] = {}
        self._memo_of: tuple[object, object] | None = None

    def read(self, left_s: float | None = None) -> UtilReading:
        """One answer of the query, now, within ``left_s`` (at most the client's deadline)."""
        seconds = self.client.limits.deadline_s
        if left_s is not None:
            if left_s < 1.0:
                raise SourceError(self.client.backend, "no time left in the jobs poll's deadline")
            seconds = min(seconds, left_s)
        with self.client.deadline(seconds):
            keyed = self.client.query_keyed(self.query, (KEY_LABEL,))
        return parse_reading(keyed.keys, keyed.values, self.names, keyed.time)

    def settle(self, timeout: float | None = None) -> None:
        """Wait for the read in flight (if any) to end, and take what came of it."""
        if self._pending is not None:
            self._pending.thread.join(timeout)
        self._take()

    def latest(self, left_s: float | None = None) -> UtilReading | None:
        """The reading a jobs poll fills from (None: unknown), starting a read (with
        Prometheus's own deadline) when the last one is ``refresh_s`` old; only the first
        is waited for (``left_s`` of the poll's deadline, :data:`FIRST_WAIT_S` at most)."""
        self._take()
        now = time.monotonic()
        if self._pending is None and now - self._asked >= self.refresh_s:
            self._asked = now
            first, self._first = self._first, False
            self._pending = _Read(self)
            if first:
                self.settle(max(0.0, min(FIRST_WAIT_S, left_s if left_s is not None
                                         else FIRST_WAIT_S)))
        if self._latest is None:
            return None
        asked, reading = self._latest
        if now - asked > MAX_AGE_S:
            self._latest = None
            self._unknown(f"no reading for {now - asked:.0f} s")
            return None
        return reading

    def fill(self, jobs: JobsSnapshot, placement: Placement, left_s: float | None = None,
             hostnames: Mapping[str, str] | None = None) -> JobsSnapshot:
        """``jobs`` with each running job's ``gpu_util_pct`` from the latest reading;
        ``jobs`` as it is when no job runs with GPUs (nothing read then) or there is no
        reading (why logged once)."""
        columns = jobs.columns
        if not len(jobs):
            return jobs
        if not bool(((columns["state"] == "RUNNING") & (columns["gpus"] > 0)).any()):
            return jobs
        reading = self.latest(left_s)
        if reading is None:
            self.counts = (0, 0)
            return jobs
        if self._memo_of is None or self._memo_of[0] is not reading \
                or self._memo_of[1] is not hostnames:
            self._memo, self._memo_of = {}, (reading, hostnames)  # joins of another reading
        util, by_label, joined = job_util(columns, placement, reading, hostnames, self._memo)
        self.counts = (by_label, joined)
        return dataclasses.replace(jobs, columns=_frozen_map({**columns, "gpu_util_pct": util}))

    def close(self, timeout: float = 1.0) -> None:
        """Let a read in flight end (it is a daemon thread: not waited for past ``timeout``)."""
        if self._pending is not None:
            self._pending.thread.join(timeout)

    def _take(self) -> None:
        """The outcome of a read that has ended: its reading, or its failure said."""
        done = self._pending
        if done is None or done.thread.is_alive():
            return
        self._pending = None
        if done.reading is None:
            exc = done.error
            if isinstance(exc, SourceError):
                reason = exc.reason
            elif isinstance(exc, DataError):
                reason = str(exc)
            else:
                reason = f"{type(exc).__name__}: {exc}"
                log.debug("Jobs' GPU utilisation: unexpected failure", exc_info=exc)
            self._latest = None
            self._unknown(reason)
            return
        reading = done.reading
        if not reading.by_job and not reading.by_gpu:
            self._latest = None
            self._unknown(f"Prometheus holds no {self.names.metric} series with "
                          f"{'/'.join(self.names.host_labels)} and {self.names.gpu_label}")
            return
        self._latest = (done.asked, reading)
        if self.trouble is not None:
            log.info("Jobs' GPU utilisation read from Prometheus again")
            self.trouble = None

    def _unknown(self, reason: str) -> None:
        if reason != self.trouble:
            log.warning("Jobs' GPU utilisation not read from Prometheus (%s): shown unknown, "
                        "the racks' means judge idle GPUs", reason)
        self.trouble = reason
