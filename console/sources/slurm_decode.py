"""Decode slurmrestd JSON (API v0.0.37 to v0.0.44) into plain records.

Slurm 22.05 (v0.0.37/38) sends strings and integers; from v0.0.40 on, numbers are
``{"set", "infinite", "number"}`` objects and ``job_state`` / node ``state`` are lists.
Every helper here accepts both shapes. Nothing here does I/O.

Whatever an answer holds, the helpers raise nothing but ValueError (:class:`InvalidJob`
for a job that cannot be shown): a number no float holds, NaN or infinity reads as not
set, counts and times outside ``console.model.JOB_LIMITS`` are not believed, text is a
bounded ``str`` (``console.clean``), host lists and GPU counts are bounded.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import msgspec

from console.clean import ID_CHARS, MESSAGE_CHARS
from console.clean import text as clean_text
from console.model import EPOCH_LIMITS, JOB_LIMITS, LAYOUT_LIMITS

HUB_JOB_STATES = ("PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED", "TIMEOUT")
"""Job states of the hub API; Slurm's other base states are folded into these."""

STATE_FOLD: Mapping[str, str] = {
    "PENDING": "PENDING",
    "RUNNING": "RUNNING",
    "SUSPENDED": "PENDING",
    "COMPLETED": "COMPLETED",
    "CANCELLED": "CANCELLED",
    "PREEMPTED": "CANCELLED",
    "FAILED": "FAILED",
    "NODE_FAIL": "FAILED",
    "BOOT_FAIL": "FAILED",
    "DEADLINE": "FAILED",
    "OUT_OF_MEMORY": "FAILED",
    "TIMEOUT": "TIMEOUT",
}
"""Slurm base job state (``JOB_STATE_BASE`` in slurm.h) -> hub state. SUSPENDED shows as
PENDING with reason "Suspended"."""

_BASE_ALIASES = {"COMPLETE": "COMPLETED", "CANCELED": "CANCELLED", "OOM": "OUT_OF_MEMORY"}

JOB_STATE_FLAGS: Mapping[str, str | None] = {
    "COMPLETING": "RUNNING",  # ending: epilog running, the job still holds its nodes
    "CONFIGURING": "RUNNING",  # allocated, its nodes booting or being configured
    "POWER_UP_NODE": "RUNNING",  # allocated, its nodes powering up
    "RESIZING": "RUNNING",
    "SIGNALING": "RUNNING",  # an outgoing signal is pending
    "STOPPED": "RUNNING",  # SIGSTOPped, still holds its nodes
    "STAGE_OUT": "COMPLETED",  # it ran; the burst buffer stages data out
    "REQUEUED": "PENDING",
    "REQUEUE_HOLD": "PENDING",
    "REQUEUE_FED": "PENDING",
    "RESV_DEL_HOLD": "PENDING",  # held: its reservation was deleted
    "SPECIAL_EXIT": "PENDING",  # requeued and held on a special exit code
    "LAUNCH_FAILED": "PENDING",  # requeued after a failed launch
    "RECONFIG_FAIL": "PENDING",  # node reconfiguration failed; requeued
    "REVOKED": "CANCELLED",  # federation: a sibling that another cluster started
    "UPDATE_DB": None,  # accounting bookkeeping; says nothing of the state
}
"""Slurm's job state flags (``JOB_STATE_FLAGS`` in slurm.h) -> the base state a flag
stands for when it comes alone. Slurm 22.05 (v0.0.37/38) sends one word: a flag when the
job has one (``job_state_string`` checks the flags first), so "COMPLETING" alone is a job
that is ending on its nodes: shown RUNNING with the flag, never FAILED. v0.0.40+ send
the base and the flags as a list (``["RUNNING", "COMPLETING"]``, ``["COMPLETED",
"COMPLETING"]``): the base given is kept."""

_PLAUSIBLE_EPOCH = EPOCH_LIMITS  # 2000 .. 2100
MAX_HOSTS = 100_000
"""Names a host list expands to at most (``n[0-999999999]`` is refused past it)."""
_DIGITS = 9  # a count of more digits is no count Slurm sends


def _float(value: int | float) -> float | None:
    """``value`` as a float; None for an integer no float holds."""
    try:
        return float(value)
    except OverflowError:
        return None


def _text(value: Any, limit: int = ID_CHARS) -> str:
    """A Slurm string member as text ('' when unset or not text-like)."""
    return (clean_text(value, limit) or "") if value else ""


class NoVal(msgspec.Struct, gc=False):
    """Slurm's ``{set, infinite, number}`` (v0.0.40+), as the job list decodes it."""

    set: bool = False
    infinite: bool = False
    number: int | float | None = None


def no_val(value: Any) -> float | None:
    """A Slurm number: int, float, None or ``{set, infinite, number}``.

    Returns None when unset, ``math.inf`` when infinite, else the number.
    """
    kind = type(value)
    if kind is int or kind is float:  # v0.0.37/38 (bool is not int here: it is unset)
        return _float(value)
    if kind is NoVal:  # v0.0.40+, decoded by decode_jobs_answer
        if value.infinite:
            return math.inf
        return None if not value.set or value.number is None else _float(value.number)
    if kind is dict:  # v0.0.40+
        if value.get("infinite"):
            return math.inf
        if not value.get("set", False):
            return None
        number = value.get("number")
        kind = type(number)
        if kind is int or kind is float:
            return _float(number)
        return None if isinstance(number, Mapping) else no_val(number)
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return _float(value)
    if isinstance(value, Mapping):
        if value.get("infinite"):
            return math.inf
        if not value.get("set", False):
            return None
        number = value.get("number")
        return None if isinstance(number, Mapping) else no_val(number)
    if isinstance(value, str) and len(value) <= 64:
        try:
            return float(value)
        except ValueError:
            return None
    return None


def epoch(value: Any) -> float | None:
    """A Slurm timestamp as epoch seconds, or None when unset, 0 or implausible."""
    kind = type(value)
    if kind is NoVal:  # the usual cases first (no_val's answer, in one call)
        number = value.number
        if value.set and not value.infinite and number is not None:
            return float(number) if _PLAUSIBLE_EPOCH[0] <= number <= _PLAUSIBLE_EPOCH[1] else None
        return None
    if kind is int:
        return float(value) if _PLAUSIBLE_EPOCH[0] <= value <= _PLAUSIBLE_EPOCH[1] else None
    number = no_val(value)
    if number is None or not _PLAUSIBLE_EPOCH[0] <= number <= _PLAUSIBLE_EPOCH[1]:
        return None  # NaN and infinity fail the range too
    return number


def state_list(value: Any) -> list[str]:
    """Job or node state as a list of upper-case words (string or list accepted)."""
    if isinstance(value, str):
        words = re.split(r"[+,\s]+", value.strip())
    elif isinstance(value, list | tuple):
        words = [v for v in value if isinstance(v, str)]
    else:
        return []
    return [clean_text(w.strip().upper()) or "" for w in words if w and w.strip()]


def parse_job_state(value: Any) -> tuple[str, tuple[str, ...]] | None:
    """Slurm's ``job_state`` (a string or a list) as ``(base state, flags)``.

    The base is one of ``STATE_FOLD``'s keys; flags keep Slurm's order (unknown words
    are kept as flags). None when there is no state, or only words that say nothing
    of the base (such a record is invalid, never PENDING)."""
    if isinstance(value, str):
        return _parse_job_state(value)
    if isinstance(value, list | tuple):
        words = tuple(value)  # a key apart from a string's: a list's words are not split
        if len(words) == 1 and type(words[0]) is str or all(type(w) is str for w in words):
            return _parse_job_state(words)
    return _parse_job_state_uncached(value)


@functools.lru_cache(maxsize=1024)
def _parse_job_state(value: str | tuple[str, ...]) -> tuple[str, tuple[str, ...]] | None:
    return _parse_job_state_uncached(value)


def _parse_job_state_uncached(value: Any) -> tuple[str, tuple[str, ...]] | None:
    base: str | None = None
    flags: list[str] = []
    for word in state_list(value):
        word = _BASE_ALIASES.get(word, word)
        if word in STATE_FOLD:
            if base is None:
                base = word
        elif word not in flags:
            flags.append(word)
    if base is None:
        implied = [b for f in flags if (b := JOB_STATE_FLAGS.get(f))]
        if not implied:
            return None
        base = implied[0]
    return base, tuple(flags)


def job_state(value: Any) -> str | None:
    """The hub state of a Slurm ``job_state`` (see :func:`parse_job_state`); None when
    the state is missing or not understood."""
    parsed = parse_job_state(value)
    return None if parsed is None else STATE_FOLD[parsed[0]]


def array_task_count(text: Any) -> int:
    """Tasks in a job array's ``array_task_string`` (``1-9``, ``0-99:3%2``, ``1,5,7-9``,
    ``[0-9]``, a ``0x...`` hex mask); 0 when empty or not understood."""
    if not isinstance(text, str) or not text:
        return 0
    return _array_task_count(text)


@functools.lru_cache(maxsize=1024)
def _array_task_count(text: str) -> int:
    spec = text.strip().strip("[]").split("%", 1)[0].strip()
    if not spec:
        return 0
    most = int(JOB_LIMITS["array_tasks"][1])
    if spec[:2].lower() == "0x":
        if len(spec) > 2 + most // 4:
            return 0
        try:
            return min(bin(int(spec, 16)).count("1"), most)
        except ValueError:
            return 0
    count = 0
    for part in spec.split(","):
        match = _ARRAY_PART.fullmatch(part.strip())
        if match is None:
            return 0
        lo = int(match.group(1))
        hi = int(match.group(2)) if match.group(2) else lo
        step = int(match.group(3)) if match.group(3) else 1
        if hi >= lo and step > 0:
            count += (hi - lo) // step + 1
        if count > most:
            return 0  # more tasks than any job array has: not understood
    return count


_ARRAY_PART = re.compile(rf"(\d{{1,{_DIGITS}}})(?:-(\d{{1,{_DIGITS}}})(?::(\d{{1,{_DIGITS}}}))?)?")


# --- GPU counts -----------------------------------------------------------------------

_TRES_GPU = re.compile(rf"^gres[/:]gpu(?::([^:,=()]+))?(?:[:=](\d{{1,{_DIGITS}}}))?$")
_TRES_EQ_GPU = re.compile(rf"(?:^|,)gres/gpu=(\d{{1,{_DIGITS}}})(?:,|$)")
_GRES_ITEM = re.compile(rf"^gpu(?::([^:(]+))?(?::(\d{{1,{_DIGITS}}}))?(?:\((.*)\))?$")


def _digits(word: str | None) -> bool:
    """A GRES type that is a count (``gres/gpu:4``) of plausible length."""
    return word is not None and word.isdigit() and len(word) <= _DIGITS


def tres_gpus(text: Any) -> int | None:
    """GPUs in a ``tres_per_*`` string (``gres/gpu:8``, ``gres:gpu:h200:2``,
    ``gres/gpu=4``; items split by ``,`` or ``;``); None when it names no GPU."""
    if not isinstance(text, str) or not text:
        return None
    return _tres_gpus(text)


@functools.lru_cache(maxsize=1024)
def _tres_gpus(text: str) -> int | None:
    total = None
    for item in re.split(r"[,;]", text):
        match = _TRES_GPU.match(item.strip())
        if match:
            gres_type, count = match.groups()
            if count is None and _digits(gres_type):
                count = gres_type  # "gres/gpu:4": the count, not a type
            total = (total or 0) + (int(count) if count else 1)
    return total


def tres_str_gpus(text: Any) -> int | None:
    """GPUs in a ``tres_req_str`` / ``tres_alloc_str`` (``cpu=1,...,gres/gpu=16``)."""
    if not isinstance(text, str) or not text:
        return None
    return _tres_str_gpus(text)


@functools.lru_cache(maxsize=4096)
def _tres_str_gpus(text: str) -> int | None:
    match = _TRES_EQ_GPU.search(text)
    return int(match.group(1)) if match else None


def _index_count(spec: str) -> int:
    """Count the devices in an ``IDX:0-3,5`` list (0 for ``N/A``)."""
    spec = spec.split("IDX:", 1)[-1]
    count = 0
    for part in spec.split(","):
        part = part.strip()
        if _INDEX_RANGE.fullmatch(part):
            lo, hi = (int(x) for x in part.split("-"))
            count += max(0, hi - lo + 1)
        elif part.isdigit():
            count += 1
    return count


_INDEX_RANGE = re.compile(rf"\d{{1,{_DIGITS}}}-\d{{1,{_DIGITS}}}")


def gres_gpus(text: Any) -> int | None:
    """GPUs in a node ``gres``/``gres_used`` or one ``gres_detail`` entry.

    Accepts ``gpu:h200:4``, ``gpu:4``, ``gpu:h100:4(IDX:0-3)``, ``gpu(IDX:0-1)``,
    ``gpu:h100:0(IDX:N/A)``, ``gpu:h100:8(S:0-1)`` and comma-joined lists of those.
    """
    if not isinstance(text, str) or not text:
        return None
    return _gres_gpus(text)


@functools.lru_cache(maxsize=4096)
def _gres_gpus(text: str) -> int | None:
    total = None
    for item in re.split(r",(?![^(]*\))", text):
        match = _GRES_ITEM.match(item.strip())
        if not match:
            continue
        gres_type, count, detail = match.groups()
        if count is None and _digits(gres_type):
            count = gres_type
        if count is not None:
            n = int(count)
        elif detail and "IDX:" in detail:
            n = _index_count(detail)
        else:
            n = 1
        total = (total or 0) + n
    return total


_GRES_DETAIL_ITEM = re.compile(r"(?P<name>[^:(]+)(?::[^:(]*)*(?:\((?P<detail>[^()]*)\))?")
MAX_GPU_INDEX = int(LAYOUT_LIMITS["gpus"][1])
"""GPU indices of a node past this are not believed (no server holds that many)."""


def gres_gpu_indices(text: Any) -> tuple[int, ...] | None:
    """The GPU indices (``nvidia-smi``'s, dcgm-exporter's ``gpu`` label) that one
    ``gres_detail`` entry, a job's share of one node, allocates: sorted, each once.

    slurmctld writes an entry per node of the job (``gres_ctld_job_build_details``):
    each GRES as ``name[:type]:count(IDX:list)``, several joined by commas, e.g.
    ``gpu:h100:4(IDX:0-3)``, ``gpu:4(IDX:0,2-3)``, ``gpu:a100:1(IDX:0),gpu:v100:1(IDX:1)``,
    ``gpu:2(IDX:0-1),nic:1(IDX:0)``; older releases ``gpu(IDX:0-7)``. () for an entry
    that allocates no GPU (empty, null, other GRES only, ``IDX:N/A``); None where GPUs
    are allocated without their indices (``gpu(CNT:4)``, a bare ``gpu:4``) or the text
    is not understood: which GPUs, Slurm does not say.
    """
    if text is None or text == "":
        return ()
    if not isinstance(text, str) or len(text) > 4096:
        return None
    return _gres_gpu_indices(text)


@functools.lru_cache(maxsize=4096)
def _gres_gpu_indices(text: str) -> tuple[int, ...] | None:
    found: set[int] = set()
    for item in re.split(r",(?![^(]*\))", text):
        item = item.strip()
        if not item:
            continue
        match = _GRES_DETAIL_ITEM.fullmatch(item)
        if match is None:
            return None
        if match.group("name").strip().lower() != "gpu":
            continue  # another GRES (nic, mps, shard...)
        detail = (match.group("detail") or "").strip()
        if not detail.upper().startswith("IDX:"):
            counts = re.findall(r"\d+", item)
            if counts and all(int(c) == 0 for c in counts):
                continue  # gpu:0: none
            return None  # GPUs, but not which
        spec = detail[4:].strip()
        if spec.upper() == "N/A":
            continue
        indices = _gpu_index_list(spec)
        if indices is None:
            return None
        found.update(indices)
    return tuple(sorted(found))


def _gpu_index_list(spec: str) -> list[int] | None:
    """``0,2-3`` -> [0, 2, 3]; None for anything else, or an index past MAX_GPU_INDEX."""
    out: list[int] = []
    for part in spec.split(","):
        part = part.strip()
        if part.isdigit() and len(part) <= _DIGITS:
            lo = hi = int(part)
        elif _INDEX_RANGE.fullmatch(part):
            lo, hi = (int(x) for x in part.split("-"))
        else:
            return None
        if not lo <= hi < MAX_GPU_INDEX:
            return None
        out.extend(range(lo, hi + 1))
    return out


def _count(value: Any, default: int = 1, most: float = 1_000_000) -> int:
    """A Slurm count (int or no_val); ``default`` when unset, 0, NO_VAL or absurd."""
    number = no_val(value)
    if number is None or not math.isfinite(number) or not 0 < number <= most:
        return default
    return int(number)


def job_gpus(job: Mapping[str, Any] | SlurmJob, nodes: int) -> int:
    """GPUs of one job (one task of a pending array): allocated (``gres_detail`` per
    node, ``tres_alloc_str``) else requested: ``tres_req_str``, ``tres_per_job``,
    ``tres_per_node`` × nodes, ``tres_per_socket`` × sockets per node × nodes,
    ``tres_per_task`` × tasks."""
    return _job_gpus(as_slurm_job(job), nodes)


def _job_gpus(job: SlurmJob, nodes: int) -> int:
    detail = job.gres_detail
    if detail and isinstance(detail, list):
        counts = [gres_gpus(d) for d in detail]
        if any(c is not None for c in counts):
            return sum(c or 0 for c in counts)
    value = tres_str_gpus(job.tres_alloc_str)
    if value is None:
        value = tres_str_gpus(job.tres_req_str)
        if value is None:
            value = tres_gpus(job.tres_per_job)
    if value is not None:
        return value
    nodes = max(1, nodes)
    per_node = tres_gpus(job.tres_per_node)
    if per_node is not None:
        return per_node * nodes
    per_socket = tres_gpus(job.tres_per_socket)
    if per_socket is not None:
        return per_socket * _count(job.sockets_per_node, most=1024) * nodes
    per_task = tres_gpus(job.tres_per_task)
    if per_task is not None:
        return per_task * _count(job.tasks)
    return 0


def node_gpus(node: Mapping[str, Any]) -> tuple[int, int]:
    """``(GPUs configured, GPUs allocated)`` of one slurmrestd node: GRES (``gres`` /
    ``gres_used``, every version) or TRES (``tres`` / ``tres_used``, ``gres/gpu=N``)."""
    configured = gres_gpus(node.get("gres"))
    if configured is None:
        configured = tres_str_gpus(node.get("tres"))
    used = [
        u
        for u in (gres_gpus(node.get("gres_used")), tres_str_gpus(node.get("tres_used")))
        if u is not None
    ]
    most = LAYOUT_LIMITS["gpus"][1]  # no server holds more GPUs than a rack does
    configured = configured if configured is not None and configured <= most else 0
    in_use = max(used) if used else 0
    return configured, in_use if in_use <= most else 0


UNSCHEDULABLE_NODE_STATES = frozenset(
    {
        "DOWN", "DRAIN", "DRAINED", "DRAINING", "FAIL", "FAILING", "MAINT", "MAINTENANCE",
        "NOT_RESPONDING", "INVAL", "INVALID", "FUTURE", "UNKNOWN", "RESERVED",
        "REBOOT_ISSUED", "REBOOT_REQUESTED", "POWERING_DOWN", "POWER_DOWN_ISSUED",
    }
)  # fmt: skip
"""Node state words whose GPUs are not free for the queue (they still count in the total)."""


def partition_gpus(nodes: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, int]]:
    """Partition -> ``{"total", "free"}`` GPUs from Slurm's nodes (as :func:`node_record`
    gives them): total is configured GRES; free is configured less allocated, on nodes
    that can take jobs (not down, drained, in maintenance, reserved...)."""
    out: dict[str, dict[str, int]] = {}
    for node in nodes:
        configured = _count(node.get("gpus"), 0, LAYOUT_LIMITS["gpus"][1])
        used = _count(node.get("gpus_used"), 0, LAYOUT_LIMITS["gpus"][1])
        states = node.get("state")
        usable = not (set(states if isinstance(states, tuple | list) else ())
                      & UNSCHEDULABLE_NODE_STATES)  # fmt: skip
        free = max(0, configured - used) if usable else 0
        parts = node.get("partitions")
        for part in parts if isinstance(parts, tuple | list) else ():
            entry = out.setdefault(str(part), {"total": 0, "free": 0})
            entry["total"] += configured
            entry["free"] += free
    return out


# --- host lists and racks ---------------------------------------------------------------


def expand_hostlist(text: Any) -> list[str]:
    """Expand a Slurm host list (``gpu-[014-015],cn[1-2,5]``) into names, in order."""
    if not isinstance(text, str) or not text.strip():
        return []
    names: list[str] = []
    for item in re.split(r",(?![^\[]*\])", text.strip()):
        names.extend(_expand_one(item.strip(), MAX_HOSTS - len(names)))
        if len(names) >= MAX_HOSTS:
            break
    return names


def _expand_one(item: str, budget: int, depth: int = 0) -> list[str]:
    """The names of one host list item, at most ``budget`` of them; an item of more than
    eight bracket groups is taken as a name."""
    match = re.search(r"\[([^\]]*)\]", item)
    if not match or depth >= 8:
        return [item] if item and budget > 0 else []
    head, tail = item[: match.start()], item[match.end() :]
    out: list[str] = []
    for part in match.group(1).split(","):
        values: Iterable[str] = [part]
        if "-" in part:
            lo, hi = part.split("-", 1)
            if len(lo) <= _DIGITS and len(hi) <= _DIGITS:
                width = len(lo)
                try:
                    first, last = int(lo), int(hi)
                except ValueError:
                    pass
                else:
                    last = min(last, first + budget - len(out) - 1)
                    values = (str(i).zfill(width) for i in range(first, last + 1))
        for value in values:
            out.extend(_expand_one(f"{head}{value}{tail}", budget - len(out), depth + 1))
            if len(out) >= budget:
                return out[:budget]
    return out


_HUB_NODE = re.compile(r"^([A-Za-z])-?(\d{2})-(\d{2})-n\d+$")


def hub_rack_of(name: str) -> str | None:
    """Rack of a hub node or host name (``A-07-13-n05`` / ``a07-13-n05`` -> ``A-07-13``)."""
    match = _HUB_NODE.match(name)
    if not match:
        return None
    hall, row, pos = match.groups()
    return f"{hall.upper()}-{row}-{pos}"


def node_racks(
    nodes: Iterable[str], rack_of: Mapping[str, str] | Callable[[str], str | None] | None
) -> tuple[str, ...]:
    """Racks of the given nodes, de-duplicated in order (the node name when unknown)."""
    racks: dict[str, None] = {}
    for node in nodes:
        rack: str | None = None
        if callable(rack_of):
            rack = rack_of(node)
        elif rack_of is not None:
            rack = rack_of.get(node)
        racks[rack or hub_rack_of(node) or node] = None
    return tuple(racks)


# --- records ------------------------------------------------------------------------------


class InvalidJob(ValueError):
    """A slurmrestd job record that cannot be shown (no job id, no state)."""


TERMINAL_STATES = frozenset(HUB_JOB_STATES) - {"PENDING", "RUNNING"}


_NO_RESOURCES = msgspec.Raw()
"""``job_resources`` absent: no JSON text."""


class SlurmJob(msgspec.Struct, gc=False):
    """The members of one slurmrestd job that the console reads, in every API version.

    Values keep Slurm's shapes (hence ``Any``): v0.0.37/38 send plain numbers and a
    ``job_state`` string, v0.0.40+ ``{set, infinite, number}`` objects and lists; a
    member that is missing is None. Decoding an answer into these skips the hundred
    other members of a job (``exit_code``...) without building them; ``job_resources``
    is kept as its JSON text, unread (a view of the answer, not a copy), for
    :func:`job_gpu_placement` to read the node names of the running jobs only (a
    mapping when the job was built from one, e.g. ``json.loads``). Names in Slurm's
    (alphabetical) order: the decoder finds them fastest so."""

    account: Any = None
    array_task_string: Any = None
    begin_time: Any = None
    eligible_time: Any = None
    end_time: Any = None
    gres_detail: Any = None
    job_id: Any = None
    job_resources: msgspec.Raw = _NO_RESOURCES
    job_state: Any = None
    name: Any = None
    node_count: Any = None
    nodes: Any = None
    partition: Any = None
    sockets_per_node: Any = None
    start_time: Any = None
    state_description: Any = None
    state_reason: Any = None
    submit_time: Any = None
    tasks: Any = None
    time_limit: Any = None
    tres_alloc_str: Any = None
    tres_per_job: Any = None
    tres_per_node: Any = None
    tres_per_socket: Any = None
    tres_per_task: Any = None
    tres_req_str: Any = None
    user_id: Any = None
    user_name: Any = None


_JOB_FIELDS = SlurmJob.__struct_fields__

_Number = int | float | str | NoVal | None


class _TypedSlurmJob(SlurmJob, gc=False):
    """:class:`SlurmJob` with the types Slurm sends (either version's shape): decoding
    into it builds no dict for a number. An answer with anything else in these members
    is decoded again as plain :class:`SlurmJob`."""

    account: str | None = None
    array_task_string: str | None = None
    begin_time: _Number = None
    eligible_time: _Number = None
    end_time: _Number = None
    gres_detail: list[str] | None = None
    job_id: _Number = None
    job_resources: msgspec.Raw = _NO_RESOURCES
    job_state: str | list[str] | None = None
    name: str | None = None
    node_count: _Number = None
    nodes: str | None = None
    partition: str | None = None
    sockets_per_node: _Number = None
    start_time: _Number = None
    state_description: str | None = None
    state_reason: str | None = None
    submit_time: _Number = None
    tasks: _Number = None
    time_limit: _Number = None
    tres_alloc_str: str | None = None
    tres_per_job: str | None = None
    tres_per_node: str | None = None
    tres_per_socket: str | None = None
    tres_per_task: str | None = None
    tres_req_str: str | None = None
    user_id: _Number = None
    user_name: str | None = None


def as_slurm_job(job: Mapping[str, Any] | SlurmJob) -> SlurmJob:
    """A job as :class:`SlurmJob` (from a decoded one or a mapping, e.g. ``json.loads``)."""
    if isinstance(job, SlurmJob):
        return job
    return SlurmJob(**{name: job[name] for name in _JOB_FIELDS if name in job})


MAX_PLACED_GPUS = 1_000_000
"""A job said to hold more (node, GPU) pairs than this is not believed."""


class _AllocNode(msgspec.Struct, gc=False):
    """One node of ``job_resources``: ``nodes.allocation[]`` (v0.0.41+) has ``name``,
    ``allocated_nodes[]`` (v0.0.38-40) ``nodename``; the cores and memory are skipped."""

    name: Any = None
    nodename: Any = None


class _AllocNodes(msgspec.Struct, gc=False):
    allocation: list[_AllocNode] | None = None


class _JobResources(msgspec.Struct, gc=False):
    """The members of ``job_resources`` that name a job's nodes in allocation order."""

    nodes: _AllocNodes | str | None = None
    allocated_nodes: list[_AllocNode] | dict[str, msgspec.Raw] | None = None


_RESOURCES = msgspec.json.Decoder(_JobResources)


def allocation_nodes(value: Any) -> tuple[str, ...] | None:
    """The node names of a job's ``job_resources`` in Slurm's allocation order (the
    order of ``gres_detail``), or None when it names none (v0.0.37, another shape)."""
    try:
        if isinstance(value, msgspec.Raw):
            if not len(value):
                return None
            res = _RESOURCES.decode(value)
        elif isinstance(value, Mapping):
            res = msgspec.convert(value, _JobResources)
        else:
            return None
    except (msgspec.MsgspecError, RecursionError):
        return None
    listed = res.nodes.allocation if isinstance(res.nodes, _AllocNodes) else None
    if listed is None and isinstance(res.allocated_nodes, list):
        listed = res.allocated_nodes
    if not listed or len(listed) > MAX_HOSTS:
        return None
    names = tuple(_text(n.name if n.name is not None else n.nodename) for n in listed)
    return names if all(names) else None


@functools.lru_cache(maxsize=1024)
def _host_names(text: str) -> tuple[str, ...]:
    return tuple(expand_hostlist(text))


def job_gpu_placement(job: Mapping[str, Any] | SlurmJob) -> tuple[tuple[str, int], ...] | None:
    """``(node, GPU index)`` of every GPU a job holds, from ``gres_detail`` (one entry a
    node, :func:`gres_gpu_indices`) and its nodes in the same order: ``job_resources``'
    node names where the answer has them (the allocation's order, as ``gres_detail``),
    else the ``nodes`` host list expanded (Slurm sorts it by name: the same order on a
    site whose nodes are defined in name order).

    None where Slurm does not say which GPUs: no ``gres_detail``, an entry without
    indices, not one entry a node, or more than :data:`MAX_PLACED_GPUS` pairs."""
    job = as_slurm_job(job)
    detail = job.gres_detail
    if not isinstance(detail, list) or not detail or len(detail) > MAX_HOSTS:
        return None
    per_node = [gres_gpu_indices(d) for d in detail]
    if any(p is None for p in per_node):
        return None
    nodes = allocation_nodes(job.job_resources)
    if nodes is None:
        text = job.nodes
        nodes = _host_names(text) if isinstance(text, str) and text else ()
    if len(nodes) != len(per_node):
        return None
    if sum(len(p or ()) for p in per_node) > MAX_PLACED_GPUS:
        return None
    return tuple((node, i) for node, indices in zip(nodes, per_node, strict=True)
                 for i in indices or ())


JOB_RECORD_FIELDS = (
    "id", "name", "tenant", "tenant_kind", "tenant_country", "user", "partition", "state",
    "reason", "gpus", "nodes", "racks", "submit_time", "start_time", "end_time",
    "time_limit_s", "state_flags", "state_description", "array_tasks", "begin_time",
)  # fmt: skip
"""The fields of a job record (``console.decode.JOB_COLUMNS``), in :meth:`JobRecords.row`'s order."""


class JobRecords:
    """Turns the slurmrestd jobs of one answer into hub-style job dicts (:func:`job_record`),
    working out each node list's racks once for the answer (a queue repeats them)."""

    def __init__(
        self,
        tenant_kinds: Mapping[str, str] | None = None,
        tenant_countries: Mapping[str, str] | None = None,
        rack_of: Mapping[str, str] | Callable[[str], str | None] | None = None,
        default_kind: str = "research",
    ) -> None:
        self.tenant_kinds = tenant_kinds or {}
        self.tenant_countries = tenant_countries or {}
        self.rack_of = rack_of
        self.default_kind = default_kind
        self._hosts: dict[str, tuple[int, tuple[str, ...]]] = {}

    def _nodes(self, text: Any) -> tuple[int, tuple[str, ...]]:
        """(node names in the list, their racks) of a job's ``nodes``."""
        if not text or not isinstance(text, str):
            return 0, ()
        known = self._hosts.get(text)
        if known is None:
            names = expand_hostlist(text)
            known = self._hosts[text] = (len(names), node_racks(names, self.rack_of))
        return known

    def __call__(self, job: Mapping[str, Any] | SlurmJob) -> dict[str, Any]:
        """See :func:`job_record`."""
        return dict(zip(JOB_RECORD_FIELDS, self.row(as_slurm_job(job)), strict=True))

    def row(self, job: SlurmJob) -> tuple[Any, ...]:
        """The record of a job as a tuple of :data:`JOB_RECORD_FIELDS`; InvalidJob as
        :func:`job_record`."""
        job_id = no_val(job.job_id)
        if job_id is None or not 0 < job_id <= JOB_LIMITS["id"][1] or job_id != int(job_id):
            raise InvalidJob("no job_id")  # NaN and infinity fail the range
        parsed = parse_job_state(job.job_state)
        if parsed is None:
            raise InvalidJob("no job_state")
        base, flags = parsed
        state = STATE_FOLD[base]
        account = _text(job.account)
        named, racks = self._nodes(job.nodes)
        count = no_val(job.node_count)
        most = JOB_LIMITS["nodes"][1]
        nodes = int(count) if count is not None and 0 <= count <= most else named
        reason = start = end = begin = None
        tasks = 0
        gpus = _job_gpus(job, nodes)
        if state == "PENDING":  # start and end: Slurm's expected times, not facts
            reason = "Suspended" if base == "SUSPENDED" else _text(job.state_reason, MESSAGE_CHARS)
            reason = None if reason in ("", "None") else reason
            begin = epoch(job.begin_time) or epoch(job.eligible_time)
            tasks = array_task_count(job.array_task_string)
            if tasks:
                gpus *= tasks
        elif state == "RUNNING":
            start = epoch(job.start_time)  # no end: the projected end
        else:
            start = epoch(job.start_time)
            end = epoch(job.end_time)
            if not named and (start is None or start == end):
                start = None  # cancelled (or failed) while pending: Slurm sets start = end or 0
        limit = no_val(job.time_limit)
        user = _text(job.user_name)
        if not user:
            uid = no_val(job.user_id)
            user = str(int(uid)) if uid is not None and 0 <= uid < 2**32 else ""
        return (
            int(job_id),
            _text(job.name),
            account,
            self.tenant_kinds.get(account, self.default_kind),
            self.tenant_countries.get(account, ""),
            user,
            _text(job.partition),
            state,
            reason,
            gpus,
            nodes,
            racks,
            epoch(job.submit_time),
            start,
            end,
            limit * 60.0 if limit is not None and math.isfinite(limit) else None,
            ",".join(flags),
            _text(job.state_description, MESSAGE_CHARS),
            tasks,
            begin,
        )


def job_record(
    job: Mapping[str, Any] | SlurmJob,
    tenant_kinds: Mapping[str, str] | None = None,
    tenant_countries: Mapping[str, str] | None = None,
    rack_of: Mapping[str, str] | Callable[[str], str | None] | None = None,
    default_kind: str = "research",
) -> dict[str, Any]:
    """One slurmrestd job as a hub-style job dict (see ``console.decode.JOB_COLUMNS``).

    Raises :class:`InvalidJob` when ``job_id`` or ``job_state`` is missing, null or not
    understood: such a record is dropped and counted, never shown as PENDING / id 0.
    A pending job array's record (``array_task_string``) stands for its tasks:
    ``array_tasks`` is their number and ``gpus`` the GPUs of all of them (one task's
    × tasks), as ``squeue -r`` lists them one by one. (:class:`JobRecords` does the
    same for the many jobs of one answer.)"""
    return JobRecords(tenant_kinds, tenant_countries, rack_of, default_kind)(job)


def node_record(node: Mapping[str, Any]) -> dict[str, Any]:
    """One slurmrestd node: name, state words, GPUs configured and in use, reason.

    The state words are the base state and its flags: v0.0.40+ list both in ``state``,
    v0.0.37-39 give the flags (DRAIN, MAINT, ...) apart in ``state_flags``."""
    states = state_list(node.get("state")) + state_list(node.get("state_flags"))
    gpus, used = node_gpus(node)
    parts = node.get("partitions")
    return {
        "name": _text(node.get("name")),
        "hostname": _text(node.get("hostname")),
        "state": tuple(states),
        "gpus": gpus,
        "gpus_used": used,
        "cpus": _count(node.get("cpus"), 0, _MAX_CPUS),
        "alloc_cpus": _count(node.get("alloc_cpus"), 0, _MAX_CPUS),
        "partitions": _words(parts),
        "reason": _text(node.get("reason"), MESSAGE_CHARS),
    }


_MAX_CPUS = 1_000_000_000


def _words(value: Any) -> tuple[str, ...]:
    """A list of names (partitions) as a tuple of text; () when it is no list."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        return ()
    return tuple(w for w in (clean_text(v) for v in value if isinstance(v, str)) if w)


def _object(value: Any) -> Mapping[str, Any]:
    """``value`` when it is a JSON object, else an empty one."""
    return value if isinstance(value, Mapping) else {}


def partition_record(part: Mapping[str, Any]) -> dict[str, Any]:
    """One slurmrestd partition: name, state, node and CPU totals, time limits (s)."""
    if isinstance(part.get("partition"), Mapping):  # v0.0.40+
        state = state_list(part["partition"].get("state"))
        nodes = _object(part.get("nodes"))
        cpus = _object(part.get("cpus"))
        maximums = _object(part.get("maximums"))
        total_nodes = no_val(nodes.get("total"))
        total_cpus = no_val(cpus.get("total"))
        max_time = no_val(maximums.get("time"))
        node_list = _text(nodes.get("configured"), MESSAGE_CHARS)
    else:  # v0.0.37/38
        state = state_list(part.get("state"))
        total_nodes = no_val(part.get("total_nodes"))
        total_cpus = no_val(part.get("total_cpus"))
        node_list = _text(part.get("nodes"), MESSAGE_CHARS)
        max_time = no_val(part.get("max_time_limit"))
        if max_time is not None and max_time < 0:
            max_time = math.inf
    most_s = JOB_LIMITS["time_limit_s"][1]
    max_s = max_time * 60.0 if max_time is not None and math.isfinite(max_time) else None
    return {
        "name": _text(part.get("name")),
        "state": tuple(state),
        "nodes": _count(total_nodes, 0, JOB_LIMITS["nodes"][1]),
        "node_list": node_list,
        "cpus": _count(total_cpus, 0, _MAX_CPUS),
        "max_time_s": max_s if max_s is not None and 0 <= max_s <= most_s else None,
    }


def payload_list(payload: Any, key: str) -> Sequence[Mapping[str, Any]]:
    """``payload[key]`` as a list of objects; ValueError naming the problem otherwise."""
    if not isinstance(payload, Mapping):
        raise ValueError(f"expected a JSON object, got {type(payload).__name__}")
    items = payload.get(key)
    if not isinstance(items, list):
        raise ValueError(f"response has no '{key}' array")
    bad = [i for i, item in enumerate(items) if not isinstance(item, Mapping)]
    if bad:
        raise ValueError(f"entry #{bad[0]} of '{key}' is not an object")
    return items


# --- the job list ------------------------------------------------------------------------


_NOT_A_JOB = int | float | bool | str | list[Any] | None
"""What a job list may hold instead of a job (counted as invalid, never fatal)."""
_NOT_A_LIST = dict[str, Any] | int | float | bool | str | None | msgspec.UnsetType
"""What ``jobs`` may be instead of a list (an answer without jobs, told from bad JSON)."""


class _JobsAnswer(msgspec.Struct, gc=False):
    """A ``GET /jobs/`` answer: the jobs (any JSON in ``jobs``: an answer without a list
    is told apart from malformed JSON) and the members the source reads besides."""

    errors: Any = None
    jobs: list[SlurmJob | _NOT_A_JOB] | _NOT_A_LIST = msgspec.UNSET
    last_update: Any = None
    warnings: Any = None


class _TypedJobsAnswer(msgspec.Struct, gc=False):
    """:class:`_JobsAnswer` whose jobs are :class:`_TypedSlurmJob`."""

    errors: Any = None
    jobs: list[_TypedSlurmJob | _NOT_A_JOB] | _NOT_A_LIST = msgspec.UNSET
    last_update: Any = None
    warnings: Any = None


_TYPED_DECODER = msgspec.json.Decoder(_TypedJobsAnswer)
_PLAIN_DECODER = msgspec.json.Decoder(_JobsAnswer)


def decode_jobs_answer(
    body: bytes | bytearray | memoryview,
) -> tuple[list[Any] | None, dict[str, Any]]:
    """A slurmrestd ``/jobs/`` answer (JSON text, UTF-8) as ``(its 'jobs' array, the
    answer's errors, warnings and last_update)``; the array is None when the answer has
    none. Each object of the array is a :class:`SlurmJob`; anything else in it (a number,
    a string...) is kept as it is, to be counted as an invalid record. Malformed JSON or
    an answer that is not an object raises ValueError.

    slurmrestd's job list is big (50,000 jobs are a few hundred MB of JSON): it is
    decoded at C speed by msgspec, which builds only the members the console reads."""
    answer: _JobsAnswer | _TypedJobsAnswer
    try:
        try:
            answer = _TYPED_DECODER.decode(body)
        except msgspec.ValidationError:  # a member of another type somewhere, or no object
            answer = _PLAIN_DECODER.decode(body)
    except msgspec.DecodeError as exc:  # ValidationError too: the answer is no object
        raise ValueError(f"invalid JSON: {' '.join(str(exc).split())[:200]}") from None
    except RecursionError:
        raise ValueError("invalid JSON: nested too deeply to read") from None
    rest = {
        "errors": answer.errors,
        "warnings": answer.warnings,
        "last_update": answer.last_update,
    }
    jobs = answer.jobs
    return (jobs if isinstance(jobs, list) else None), rest
