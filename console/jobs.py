"""The job queue in operator words: why a job waits, how long, how many GPU-hours.

Slurm pending reason codes (``state_reason``, from Slurm's ``job_state_reason.c``)
become plain sentences with the job's own figures ("waiting for 64 free GPUs in
partition gpu-h200"). Every figure over a :class:`JobsSnapshot` is computed
column-wise with numpy so a 100,000-job queue stays cheap. The words of one job never
raise, whatever its fields hold (NaN, a string for a count, a time past year 9999).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from console.contract import DEFAULT_SITE_TZ
from console.i18n import QT_TRANSLATE_NOOP, number, strftime, translate
from console.model import EPOCH_LIMITS, JobsSnapshot, SiteTopology, UnhealthyGpus
from console.text import plain

C = "JobWords"
"""The translation context of the job queue's sentences (said in the chosen language by
:func:`console.i18n.translate`; English without a translator: the headless commands)."""

ACTIVE_STATES = ("PENDING", "RUNNING")


@dataclass(frozen=True, slots=True)
class PartitionState:
    """What a partition looks like to a pending job."""

    name: str
    total_gpus: int | None = None
    """GPUs the partition can use, when known from the site topology."""
    used_gpus: int = 0
    """GPUs held by running jobs of this partition."""
    running_jobs: int = 0
    pending_jobs: int = 0
    pending_gpus: int = 0
    state: str = "UP"
    free: int | None = None
    """Free GPUs as the scheduler counts them on its nodes (Slurm), when it says."""

    @property
    def free_gpus(self) -> int | None:
        """The scheduler's free GPUs when given, else GPUs not held by this partition's
        running jobs, when the total is known."""
        if self.free is not None:
            return self.free
        if self.total_gpus is None:
            return None
        return max(0, self.total_gpus - self.used_gpus)


def _count(value: Any) -> int:
    """A count of a job (GPUs, nodes, tasks): 0 for anything that is no count."""
    if isinstance(value, bool | str) or value is None:
        return 0
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return 0
    return int(number) if 0 <= number <= 1e15 else 0  # NaN fails both


def _n(value: Any) -> str:
    return number(f"{_count(value):,}")


def _tr(text: str) -> str:
    return translate(C, text)


def _time(value: Any) -> float | None:
    """A job's time as epoch seconds; None when not a plausible one (2000 to 2100)."""
    if isinstance(value, bool | str) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if EPOCH_LIMITS[0] <= number <= EPOCH_LIMITS[1] else None


def _local(t: Any, tz: str = DEFAULT_SITE_TZ) -> str | None:
    """A job's time in the site's zone, with the language's day and month names; None when
    it is no time."""
    value = _time(t)
    if value is None:
        return None
    try:
        return strftime(datetime.fromtimestamp(value, ZoneInfo(tz)), "%a %d %b %H:%M")
    except (ValueError, KeyError, OSError):  # an unknown time zone
        return strftime(datetime.fromtimestamp(value, ZoneInfo("UTC")), "%a %d %b %H:%M")


def _resources(job: Mapping[str, Any], part: PartitionState | None) -> str:
    gpus = _count(job.get("gpus"))
    name = plain(job.get("partition") or "?")
    tasks = _tasks(job)
    if tasks > 1:
        gpus //= tasks
    if gpus <= 0:  # a CPU-only job waits for nodes, not GPUs
        nodes = _count(job.get("nodes"))
        text = (_tr(WAIT_NODE).format(name) if nodes == 1
                else _tr(WAIT_NODES).format(_n(nodes), name) if nodes
                else _tr(WAIT_ANY_NODES).format(name))
    else:
        text = (_tr(WAIT_GPU).format(name) if gpus == 1
                else _tr(WAIT_GPUS).format(_n(gpus), name))
        if part is not None:
            extra = []
            if part.free_gpus is not None:
                extra.append(_tr(FREE_NOW).format(_n(part.free_gpus), _n(part.total_gpus or 0)))
            if part.pending_jobs > 1:
                extra.append(_tr(PENDING_THERE).format(_n(part.pending_jobs)))
            if extra:
                text = _tr(WITH_FIGURES).format(text, "; ".join(extra))
    return _tr(EACH_TASK).format(_n(tasks), text) if tasks > 1 else text


WAIT_NODE = QT_TRANSLATE_NOOP("JobWords", "waiting for 1 free node in partition {0}")
WAIT_NODES = QT_TRANSLATE_NOOP("JobWords", "waiting for {0} free nodes in partition {1}")
WAIT_ANY_NODES = QT_TRANSLATE_NOOP("JobWords", "waiting for free nodes in partition {0}")
WAIT_GPU = QT_TRANSLATE_NOOP("JobWords", "waiting for 1 free GPU in partition {0}")
WAIT_GPUS = QT_TRANSLATE_NOOP("JobWords", "waiting for {0} free GPUs in partition {1}")
FREE_NOW = QT_TRANSLATE_NOOP("JobWords", "{0} of {1} free now")
PENDING_THERE = QT_TRANSLATE_NOOP("JobWords", "{0} jobs pending there")
WITH_FIGURES = QT_TRANSLATE_NOOP("JobWords", "{0} ({1})")
EACH_TASK = QT_TRANSLATE_NOOP("JobWords", "{0} array tasks, each {1}")
NO_REASON = QT_TRANSLATE_NOOP("JobWords", "pending, no reason given yet")
HELD_BEGIN = QT_TRANSLATE_NOOP("JobWords", "held until the begin time its submitter set")
BEGIN_AT = QT_TRANSLATE_NOOP(
    "JobWords", "asked not to start before its begin time: starts at {0} at the earliest")
UNKNOWN_REASON = QT_TRANSLATE_NOOP("JobWords", "pending: Slurm reason {0}")
SLURM_SAYS = QT_TRANSLATE_NOOP("JobWords", "{0} — Slurm: {1}")
LATER = QT_TRANSLATE_NOOP("JobWords", "a later time")


_TEMPLATES: Mapping[str, str] = {
    "Priority": QT_TRANSLATE_NOOP("JobWords", "queued behind higher-priority jobs in partition {partition}"),
    "Dependency": QT_TRANSLATE_NOOP("JobWords", "waiting for another job it depends on to finish"),
    "DependencyNeverSatisfied": QT_TRANSLATE_NOOP("JobWords", "will never start: a job it depends on failed or was cancelled"),
    "JobHeldUser": QT_TRANSLATE_NOOP("JobWords", "held by its owner {user}; they must release it (scontrol release)"),
    "JobHeldAdmin": QT_TRANSLATE_NOOP("JobWords", "held by an administrator; release it with scontrol release"),
    "BeginTime": QT_TRANSLATE_NOOP("JobWords", "asked not to start before {begin}"),
    "PartitionDown": QT_TRANSLATE_NOOP("JobWords", "partition {partition} is down; nothing starts there until it is up"),
    "PartitionInactive": QT_TRANSLATE_NOOP("JobWords", "partition {partition} is inactive; nothing starts there"),
    "PartitionNodeLimit": QT_TRANSLATE_NOOP("JobWords", "asks for more nodes ({nodes}) than partition {partition} allows"),
    "PartitionTimeLimit": QT_TRANSLATE_NOOP("JobWords", "asks for more time than partition {partition} allows"),
    "ReqNodeNotAvail": QT_TRANSLATE_NOOP("JobWords", "a node it needs is down, drained or reserved"),
    "NodeDown": QT_TRANSLATE_NOOP("JobWords", "a node it needs is down"),
    "QOSMaxGPUPerUser": QT_TRANSLATE_NOOP("JobWords", "user {user} already uses the most GPUs their QOS allows"),
    "QOSMaxGRESPerUser": QT_TRANSLATE_NOOP("JobWords", "user {user} already uses the most GPUs their QOS allows"),
    "QOSGrpGRES": QT_TRANSLATE_NOOP("JobWords", "the QOS group has used up its GPU allowance"),
    "AssocGrpGRES": QT_TRANSLATE_NOOP("JobWords", "tenant {tenant} already uses its whole GPU allocation"),
    "AssocGrpGRESMinutes": QT_TRANSLATE_NOOP("JobWords", "tenant {tenant} has spent its GPU-hours budget"),
    "AssocMaxJobsLimit": QT_TRANSLATE_NOOP("JobWords", "tenant {tenant} runs the most jobs it is allowed at once"),
    "AssocGrpJobsLimit": QT_TRANSLATE_NOOP("JobWords", "tenant {tenant} runs the most jobs its group is allowed at once"),
    "QOSMaxJobsPerUserLimit": QT_TRANSLATE_NOOP("JobWords", "user {user} runs the most jobs their QOS allows at once"),
    "QOSJobLimit": QT_TRANSLATE_NOOP("JobWords", "the QOS runs the most jobs it is allowed at once"),
    "QOSResourceLimit": QT_TRANSLATE_NOOP("JobWords", "the QOS resource limit is reached"),
    "Reservation": QT_TRANSLATE_NOOP("JobWords", "waiting for its reservation to start"),
    "Licenses": QT_TRANSLATE_NOOP("JobWords", "waiting for a licence"),
    "JobArrayTaskLimit": QT_TRANSLATE_NOOP("JobWords", "its job array runs the most tasks it is allowed at once"),
    "BadConstraints": QT_TRANSLATE_NOOP("JobWords", "will never start: its constraints match no node"),
    "InvalidAccount": QT_TRANSLATE_NOOP("JobWords", "will never start: its account is invalid"),
    "InvalidQOS": QT_TRANSLATE_NOOP("JobWords", "will never start: its QOS is invalid"),
    "Prolog": QT_TRANSLATE_NOOP("JobWords", "starting: the prolog script is running"),
    "BurstBufferResources": QT_TRANSLATE_NOOP("JobWords", "waiting for burst-buffer space"),
    "Cleaning": QT_TRANSLATE_NOOP("JobWords", "waiting for nodes to finish cleaning up after a previous job"),
    "launch failed requeued held": QT_TRANSLATE_NOOP("JobWords", "launch failed; requeued and held, an administrator must look"),
}


def _tasks(job: Mapping[str, Any]) -> int:
    return _count(job.get("array_tasks"))


STATE_WORDS: Mapping[str, str] = {
    # a job's states (console.contract.JOB_STATES and Slurm's others), as the queue shows them
    "PENDING": QT_TRANSLATE_NOOP("JobWords", "PENDING"),
    "RUNNING": QT_TRANSLATE_NOOP("JobWords", "RUNNING"),
    "COMPLETED": QT_TRANSLATE_NOOP("JobWords", "COMPLETED"),
    "FAILED": QT_TRANSLATE_NOOP("JobWords", "FAILED"),
    "CANCELLED": QT_TRANSLATE_NOOP("JobWords", "CANCELLED"),
    "TIMEOUT": QT_TRANSLATE_NOOP("JobWords", "TIMEOUT"),
    "COMPLETING": QT_TRANSLATE_NOOP("JobWords", "COMPLETING"),
    "NODE_FAIL": QT_TRANSLATE_NOOP("JobWords", "NODE_FAIL"),
    "SUSPENDED": QT_TRANSLATE_NOOP("JobWords", "SUSPENDED"),
}


def state_word(state: Any) -> str:
    """A job's state in the chosen language: one of :data:`STATE_WORDS` translated, any
    other state (the scheduler's own) as written."""
    text = plain(state)
    known = STATE_WORDS.get(text)
    return text if known is None else _tr(known)


def state_text(state: Any, flags: Any = None) -> str:
    """A job's state with Slurm's flags: ``RUNNING · completing`` (the state in the chosen
    language, the flags as Slurm writes them)."""
    words = [w for w in plain(flags or "").replace("+", ",").split(",") if w.strip()]
    text = state_word(state)
    if words:
        text += " · " + ", ".join(w.strip().lower().replace("_", " ") for w in words)
    return text


def task_weights(jobs: JobsSnapshot) -> np.ndarray:
    """Queue entries per row: a pending job array's row stands for its tasks
    (``array_tasks``, as ``squeue -r`` lists them), every other row for one job."""
    tasks = jobs.columns.get("array_tasks")
    if tasks is None:
        return np.ones(len(jobs), np.int64)
    return np.maximum(np.asarray(tasks, np.int64), 1)


def reason_code(reason: Any) -> str:
    """The bare Slurm code of a reason string ('ReqNodeNotAvail, UnavailableNodes:…' -> code)."""
    if reason is None:
        return ""
    text = plain(reason).strip()
    if text in _TEMPLATES:
        return text
    for sep in (",", "(", ":"):
        text = text.split(sep, 1)[0]
    return text.strip()


def explain_pending(
    reason: Any, job: Mapping[str, Any], partition_state: PartitionState | None = None,
    tz: str = DEFAULT_SITE_TZ,
) -> str:
    """Plain-words explanation of why ``job`` waits, from its Slurm reason code.

    ``job`` is one job as a mapping (``JobsSnapshot.row``); ``partition_state``
    adds the partition's figures when known. Unknown codes get a generic sentence
    that still names the code. A begin time is said in ``tz`` (the site's zone).
    """
    if not isinstance(job, Mapping):
        job = {}
    text = _explain(reason_code(reason), job, partition_state, tz)
    detail = " ".join(plain(job.get("state_description") or "").split())
    if text and detail and detail.lower() not in text.lower() and detail != plain(reason):
        text = _tr(SLURM_SAYS).format(text, detail)
    return text


def _explain(code: str, job: Mapping[str, Any], partition_state: PartitionState | None,
             tz: str = DEFAULT_SITE_TZ) -> str:
    if code in ("", "None"):
        return _tr(NO_REASON) if job.get("state") == "PENDING" else ""
    if code == "Resources":
        return _resources(job, partition_state)
    begin = job.get("begin_time")
    if _time(begin) is None:
        begin = job.get("start_time")
    when = _local(begin, tz)
    if code == "BeginTime":
        return _tr(HELD_BEGIN) if when is None else _tr(BEGIN_AT).format(when)
    template = _TEMPLATES.get(code)
    if template is None:
        return _tr(UNKNOWN_REASON).format(code)
    values = {
        "partition": plain(job.get("partition") or "?"),
        "user": plain(job.get("user") or "?"),
        "tenant": plain(job.get("tenant") or "?"),
        "nodes": _n(job.get("nodes")),
        "begin": _tr(LATER) if when is None else when,
    }
    return _tr(template).format(**values)


# -- column figures -----------------------------------------------------------------------
def wait_seconds(jobs: JobsSnapshot, now: float | None = None) -> np.ndarray:
    """Queue wait per job: start − submit, or now − submit while pending; NaN if unknown."""
    now = jobs.time if now is None else now
    c = jobs.columns
    if not len(jobs):
        return np.zeros(0)
    submit = c["submit_time"].astype(np.float64)
    start = c["start_time"].astype(np.float64)
    pending = c["state"] == "PENDING"
    end = np.where(pending, now, start)
    with np.errstate(invalid="ignore"):
        out = end - submit
    out[out < 0] = 0.0
    return out


def gpu_hours(jobs: JobsSnapshot, now: float | None = None) -> np.ndarray:
    """GPU-hours used so far per job (GPUs × run time); 0 for jobs that never started."""
    now = jobs.time if now is None else now
    c = jobs.columns
    if not len(jobs):
        return np.zeros(0)
    start = c["start_time"].astype(np.float64)
    end = c["end_time"].astype(np.float64)
    running = c["state"] == "RUNNING"
    stop = np.where(running | ~np.isfinite(end), now, end)
    with np.errstate(invalid="ignore"):
        hours = (stop - start) / 3600.0
    hours = np.where(np.isfinite(hours) & (hours > 0), hours, 0.0)
    return hours * c["gpus"].astype(np.float64)


def factorize(values: np.ndarray) -> tuple[np.ndarray, tuple[str, ...]]:
    """Integer codes for a column of labels, and the labels in order of first appearance."""
    items = values.tolist()
    try:
        labels = list(dict.fromkeys(items))
    except TypeError:  # a label no dict can hold (a list): read as its text
        items = [x if _hashable(x) else plain(x) for x in items]
        labels = list(dict.fromkeys(items))
        values = np.empty(len(items), dtype=object)
        values[:] = items
    if len(labels) <= 32:  # few labels (states, partitions): one vectorised pass per label
        codes = np.zeros(len(items), np.int64)
        column = np.asarray(values, dtype=object)
        for i, label in enumerate(labels[1:], 1):
            codes[np.equal(column, label)] = i
    else:
        lookup = {v: i for i, v in enumerate(labels)}
        codes = np.array([lookup[v] for v in items], np.int64)
    return codes, tuple(str(k) for k in labels)


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def counts_by(jobs: JobsSnapshot, column: str) -> dict[str, int]:
    """Number of jobs (a pending array's tasks one by one) per distinct value of
    ``column``, largest first."""
    if not len(jobs):
        return {}
    codes, names = factorize(jobs.columns[column])
    counts = np.bincount(codes, weights=task_weights(jobs), minlength=len(names)).astype(int)
    order = np.argsort(-counts, kind="stable")
    return {names[i]: int(counts[i]) for i in order}


def counts_by_state(jobs: JobsSnapshot) -> dict[str, int]:
    """Jobs per state."""
    return counts_by(jobs, "state")


def counts_by_partition(jobs: JobsSnapshot) -> dict[str, int]:
    """Jobs per partition."""
    return counts_by(jobs, "partition")


def partition_capacity(topology: SiteTopology, partitions: Iterable[str]) -> dict[str, int]:
    """GPUs each partition can use: racks whose GPU model appears in its name, else all GPUs."""
    models = np.array([str(r.get("gpu_model", "")).lower() for r in topology.racks], dtype=object)
    gpus = np.asarray(topology.gpus, dtype=np.int64)
    total = int(gpus.sum())
    out: dict[str, int] = {}
    for name in partitions:
        low = name.lower()
        hits = [m for m in set(models.tolist()) if m and m in low]
        out[name] = int(gpus[np.isin(models, hits)].sum()) if hits else total
    return out


def partition_states(
    jobs: JobsSnapshot, capacity: Mapping[str, int] | None = None
) -> dict[str, PartitionState]:
    """Per partition: GPUs used, running and pending jobs (array tasks counted one by
    one), pending GPUs (vectorised). The partition's total and free GPUs come from the
    scheduler's nodes when the snapshot carries them (Slurm), else the total from
    ``capacity`` (the site topology)."""
    if not len(jobs):
        return {}
    c = jobs.columns
    inverse, names = factorize(c["partition"])
    gpus = c["gpus"].astype(np.int64)
    running = c["state"] == "RUNNING"
    pending = c["state"] == "PENDING"
    k = len(names)
    used = np.bincount(inverse, weights=gpus * running, minlength=k)
    n_run = np.bincount(inverse, weights=running, minlength=k)
    n_pend = np.bincount(inverse, weights=pending * task_weights(jobs), minlength=k)
    g_pend = np.bincount(inverse, weights=gpus * pending, minlength=k)
    slurm = jobs.partition_gpus
    cap = capacity or {}
    out = {}
    for i, n in enumerate(names):
        given = slurm.get(n) if slurm is not None else None
        total = given.get("total") if given else (None if slurm is not None else cap.get(n))
        out[n] = PartitionState(
            name=n,
            total_gpus=total,
            used_gpus=int(used[i]),
            running_jobs=int(n_run[i]),
            pending_jobs=int(n_pend[i]),
            pending_gpus=int(g_pend[i]),
            free=given.get("free") if given else None,
        )
    return out


# -- unhealthy hardware -------------------------------------------------------------------
def unhealthy_racks(unhealthy: UnhealthyGpus) -> frozenset[str]:
    """Rack ids holding at least one GPU that is not healthy."""
    return frozenset(
        plain(g.get("rack"))
        for g in unhealthy.gpus
        if isinstance(g, Mapping) and g.get("rack") is not None
        and g.get("status", "healthy") != "healthy"
    )


def on_unhealthy(jobs: JobsSnapshot, racks: Iterable[str]) -> np.ndarray:
    """Boolean per job: it runs (or ran) on a rack with an unhealthy GPU."""
    bad = frozenset(racks)
    if not len(jobs) or not bad:
        return np.zeros(len(jobs), bool)
    state = jobs.columns["state"]
    active = (state == "RUNNING") | (state == "PENDING")
    racks_of = jobs.columns["racks"]
    try:  # every job's racks a tuple: one C-level pass
        flags = ~np.fromiter(map(bad.isdisjoint, racks_of), dtype=bool, count=len(jobs))
    except TypeError:  # some job without its racks
        flags = np.fromiter(
            (bool(r) and not bad.isdisjoint(r) for r in racks_of), dtype=bool, count=len(jobs)
        )
    return flags & active
