"""Decode slurmrestd JSON (API v0.0.37 to v0.0.44) into plain records.

Slurm 22.05 (v0.0.37/38) sends strings and integers; from v0.0.40 on, numbers are
``{"set", "infinite", "number"}`` objects and ``job_state`` / node ``state`` are lists.
Every helper here accepts both shapes. Nothing here does I/O.
"""

from __future__ import annotations

import codecs
import json
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

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

_PLAUSIBLE_EPOCH = (946_684_800, 4_102_444_800)  # 2000 .. 2100


def no_val(value: Any) -> float | None:
    """A Slurm number: int, float, None or ``{set, infinite, number}``.

    Returns None when unset, ``math.inf`` when infinite, else the number.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, Mapping):
        if value.get("infinite"):
            return math.inf
        if not value.get("set", False):
            return None
        return no_val(value.get("number"))
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def epoch(value: Any) -> float | None:
    """A Slurm timestamp as epoch seconds, or None when unset, 0 or implausible."""
    number = no_val(value)
    if number is None or not math.isfinite(number):
        return None
    if not _PLAUSIBLE_EPOCH[0] <= number <= _PLAUSIBLE_EPOCH[1]:
        return None
    return number


def state_list(value: Any) -> list[str]:
    """Job or node state as a list of upper-case words (string or list accepted)."""
    if isinstance(value, str):
        words = re.split(r"[+,\s]+", value.strip())
    elif isinstance(value, list | tuple):
        words = [str(v) for v in value]
    else:
        return []
    return [w.strip().upper() for w in words if w and w.strip()]


def parse_job_state(value: Any) -> tuple[str, tuple[str, ...]] | None:
    """Slurm's ``job_state`` (a string or a list) as ``(base state, flags)``.

    The base is one of ``STATE_FOLD``'s keys; flags keep Slurm's order (unknown words
    are kept as flags). None when there is no state, or only words that say nothing
    of the base (such a record is invalid, never PENDING)."""
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
    if not isinstance(text, str):
        return 0
    spec = text.strip().strip("[]").split("%", 1)[0].strip()
    if not spec:
        return 0
    if spec[:2].lower() == "0x":
        try:
            return bin(int(spec, 16)).count("1")
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
    return count


_ARRAY_PART = re.compile(r"(\d+)(?:-(\d+)(?::(\d+))?)?")


# --- GPU counts -----------------------------------------------------------------------

_TRES_GPU = re.compile(r"^gres[/:]gpu(?::([^:,=()]+))?(?:[:=](\d+))?$")
_TRES_EQ_GPU = re.compile(r"(?:^|,)gres/gpu=(\d+)(?:,|$)")
_GRES_ITEM = re.compile(r"^gpu(?::([^:(]+))?(?::(\d+))?(?:\((.*)\))?$")


def tres_gpus(text: Any) -> int | None:
    """GPUs in a ``tres_per_*`` string (``gres/gpu:8``, ``gres:gpu:h200:2``,
    ``gres/gpu=4``; items split by ``,`` or ``;``); None when it names no GPU."""
    if not isinstance(text, str) or not text:
        return None
    total = None
    for item in re.split(r"[,;]", text):
        match = _TRES_GPU.match(item.strip())
        if match:
            gres_type, count = match.groups()
            if count is None and gres_type and gres_type.isdigit():
                count = gres_type  # "gres/gpu:4": the count, not a type
            total = (total or 0) + (int(count) if count else 1)
    return total


def tres_str_gpus(text: Any) -> int | None:
    """GPUs in a ``tres_req_str`` / ``tres_alloc_str`` (``cpu=1,...,gres/gpu=16``)."""
    if not isinstance(text, str):
        return None
    match = _TRES_EQ_GPU.search(text)
    return int(match.group(1)) if match else None


def _index_count(spec: str) -> int:
    """Count the devices in an ``IDX:0-3,5`` list (0 for ``N/A``)."""
    spec = spec.split("IDX:", 1)[-1]
    count = 0
    for part in spec.split(","):
        part = part.strip()
        if re.fullmatch(r"\d+-\d+", part):
            lo, hi = (int(x) for x in part.split("-"))
            count += max(0, hi - lo + 1)
        elif part.isdigit():
            count += 1
    return count


def gres_gpus(text: Any) -> int | None:
    """GPUs in a node ``gres``/``gres_used`` or one ``gres_detail`` entry.

    Accepts ``gpu:h200:4``, ``gpu:4``, ``gpu:h100:4(IDX:0-3)``, ``gpu(IDX:0-1)``,
    ``gpu:h100:0(IDX:N/A)``, ``gpu:h100:8(S:0-1)`` and comma-joined lists of those.
    """
    if not isinstance(text, str) or not text:
        return None
    total = None
    for item in re.split(r",(?![^(]*\))", text):
        match = _GRES_ITEM.match(item.strip())
        if not match:
            continue
        gres_type, count, detail = match.groups()
        if count is None and gres_type and gres_type.isdigit():
            count = gres_type
        if count is not None:
            n = int(count)
        elif detail and "IDX:" in detail:
            n = _index_count(detail)
        else:
            n = 1
        total = (total or 0) + n
    return total


def _count(value: Any, default: int = 1, most: int = 1_000_000) -> int:
    """A Slurm count (int or no_val); ``default`` when unset, 0, NO_VAL or absurd."""
    number = no_val(value)
    if number is None or not math.isfinite(number) or not 0 < number <= most:
        return default
    return int(number)


def job_gpus(job: Mapping[str, Any], nodes: int) -> int:
    """GPUs of one job (one task of a pending array): allocated (``gres_detail`` per
    node, ``tres_alloc_str``) else requested: ``tres_req_str``, ``tres_per_job``,
    ``tres_per_node`` × nodes, ``tres_per_socket`` × sockets per node × nodes,
    ``tres_per_task`` × tasks."""
    detail = job.get("gres_detail")
    if isinstance(detail, list) and detail:
        counts = [gres_gpus(d) for d in detail]
        if any(c is not None for c in counts):
            return sum(c or 0 for c in counts)
    for value in (
        tres_str_gpus(job.get("tres_alloc_str")),
        tres_str_gpus(job.get("tres_req_str")),
        tres_gpus(job.get("tres_per_job")),
    ):
        if value is not None:
            return value
    nodes = max(1, nodes)
    per_node = tres_gpus(job.get("tres_per_node"))
    if per_node is not None:
        return per_node * nodes
    per_socket = tres_gpus(job.get("tres_per_socket"))
    if per_socket is not None:
        return per_socket * _count(job.get("sockets_per_node"), most=1024) * nodes
    per_task = tres_gpus(job.get("tres_per_task"))
    if per_task is not None:
        return per_task * _count(job.get("tasks"))
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
    return configured or 0, max(used) if used else 0


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
        configured = int(node.get("gpus") or 0)
        used = int(node.get("gpus_used") or 0)
        usable = not (set(node.get("state") or ()) & UNSCHEDULABLE_NODE_STATES)
        free = max(0, configured - used) if usable else 0
        for part in node.get("partitions") or ():
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
        names.extend(_expand_one(item.strip()))
    return names


def _expand_one(item: str) -> list[str]:
    match = re.search(r"\[([^\]]*)\]", item)
    if not match:
        return [item] if item else []
    head, tail = item[: match.start()], item[match.end() :]
    out: list[str] = []
    for part in match.group(1).split(","):
        if "-" in part:
            lo, hi = part.split("-", 1)
            width = len(lo)
            try:
                values = [str(i).zfill(width) for i in range(int(lo), int(hi) + 1)]
            except ValueError:
                values = [part]
        else:
            values = [part]
        for value in values:
            out.extend(_expand_one(f"{head}{value}{tail}"))
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


def job_record(
    job: Mapping[str, Any],
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
    × tasks), as ``squeue -r`` lists them one by one."""
    job_id = no_val(job.get("job_id"))
    if job_id is None or not math.isfinite(job_id) or job_id <= 0 or job_id != int(job_id):
        raise InvalidJob("no job_id")
    parsed = parse_job_state(job.get("job_state"))
    if parsed is None:
        raise InvalidJob("no job_state")
    base, flags = parsed
    state = STATE_FOLD[base]
    account = str(job.get("account") or "")
    node_names = expand_hostlist(job.get("nodes"))
    count = no_val(job.get("node_count"))
    nodes = int(count) if count is not None and math.isfinite(count) else len(node_names)
    reason = None
    if state == "PENDING":
        reason = "Suspended" if base == "SUSPENDED" else str(job.get("state_reason") or "")
        reason = None if reason in ("", "None") else reason
    limit = no_val(job.get("time_limit"))
    start = epoch(job.get("start_time"))
    end = epoch(job.get("end_time"))
    begin = None
    if state == "PENDING":
        start = end = None  # Slurm's expected times, not facts
        begin = epoch(job.get("begin_time")) or epoch(job.get("eligible_time"))
    elif state == "RUNNING":
        end = None  # projected end
    elif not node_names and (start is None or start == end):
        start = None  # cancelled (or failed) while pending: Slurm sets start = end or 0
    gpus = job_gpus(job, nodes)
    tasks = 0
    if state == "PENDING":
        tasks = array_task_count(job.get("array_task_string"))
        if tasks:
            gpus *= tasks
    return {
        "id": int(job_id),
        "name": str(job.get("name") or ""),
        "tenant": account,
        "tenant_kind": (tenant_kinds or {}).get(account, default_kind),
        "tenant_country": (tenant_countries or {}).get(account, ""),
        "user": str(job.get("user_name") or job.get("user_id") or ""),
        "partition": str(job.get("partition") or ""),
        "state": state,
        "reason": reason,
        "gpus": gpus,
        "nodes": nodes,
        "racks": node_racks(node_names, rack_of),
        "submit_time": epoch(job.get("submit_time")),
        "start_time": start,
        "end_time": end,
        "time_limit_s": limit * 60.0 if limit is not None and math.isfinite(limit) else None,
        "state_flags": ",".join(flags),
        "state_description": str(job.get("state_description") or ""),
        "array_tasks": tasks,
        "begin_time": begin,
    }


def node_record(node: Mapping[str, Any]) -> dict[str, Any]:
    """One slurmrestd node: name, state words, GPUs configured and in use, reason.

    The state words are the base state and its flags: v0.0.40+ list both in ``state``,
    v0.0.37-39 give the flags (DRAIN, MAINT, ...) apart in ``state_flags``."""
    states = state_list(node.get("state")) + state_list(node.get("state_flags"))
    gpus, used = node_gpus(node)
    return {
        "name": str(node.get("name") or ""),
        "hostname": str(node.get("hostname") or ""),
        "state": tuple(states),
        "gpus": gpus,
        "gpus_used": used,
        "cpus": int(no_val(node.get("cpus")) or 0),
        "alloc_cpus": int(no_val(node.get("alloc_cpus")) or 0),
        "partitions": tuple(node.get("partitions") or ()),
        "reason": str(node.get("reason") or ""),
    }


def partition_record(part: Mapping[str, Any]) -> dict[str, Any]:
    """One slurmrestd partition: name, state, node and CPU totals, time limits (s)."""
    if isinstance(part.get("partition"), Mapping):  # v0.0.40+
        state = state_list(part["partition"].get("state"))
        nodes = part.get("nodes") if isinstance(part.get("nodes"), Mapping) else {}
        cpus = part.get("cpus") if isinstance(part.get("cpus"), Mapping) else {}
        maximums = part.get("maximums") if isinstance(part.get("maximums"), Mapping) else {}
        total_nodes = no_val(nodes.get("total"))
        total_cpus = no_val(cpus.get("total"))
        node_list = str(nodes.get("configured") or "")
        max_time = no_val(maximums.get("time"))
    else:  # v0.0.37/38
        state = state_list(part.get("state"))
        total_nodes = no_val(part.get("total_nodes"))
        total_cpus = no_val(part.get("total_cpus"))
        node_list = str(part.get("nodes") or "")
        max_time = no_val(part.get("max_time_limit"))
        if max_time is not None and max_time < 0:
            max_time = math.inf
    return {
        "name": str(part.get("name") or ""),
        "state": tuple(state),
        "nodes": int(total_nodes or 0),
        "node_list": node_list,
        "cpus": int(total_cpus or 0),
        "max_time_s": max_time * 60.0 if max_time is not None and math.isfinite(max_time) else None,
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


# --- big answers, piece by piece ------------------------------------------------------------

_WS = re.compile(r"[ \t\n\r]*")
_SCAN = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[attr-defined]


class ArrayStream:
    """A JSON object read from byte chunks, one element of its ``key`` array at a time.

    slurmrestd's job list is big (50,000 jobs are hundreds of MB of pretty-printed JSON,
    several GB as Python objects). :meth:`items` yields the array's elements one by
    one, each parsed by the C scanner of :mod:`json`, while the text is read in chunks:
    only one chunk and one element are held at a time. The object's other members
    (``meta``, ``errors``, ``last_update``, ...) are in :attr:`rest` once the items are
    read. Malformed JSON raises ValueError.
    """

    def __init__(self, chunks: Iterable[bytes], key: str) -> None:
        self._chunks = iter(chunks)
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self.key = key
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.rest: dict[str, Any] = {}
        self.found = False
        """True once the ``key`` array was seen."""

    def _more(self) -> bool:
        """Read the next chunk (dropping the text already parsed); False at the end."""
        if self.eof:
            return False
        text = ""
        for chunk in self._chunks:
            text = self._decoder.decode(chunk)
            if text:
                break
        else:
            text = self._decoder.decode(b"", final=True)
            self.eof = True
        self.buf = self.buf[self.pos :] + text
        self.pos = 0
        return True

    def _char(self) -> str:
        """The next character after white space ('' at the very end)."""
        while True:
            self.pos = _WS.match(self.buf, self.pos).end()
            if self.pos < len(self.buf) or not self._more():
                return self.buf[self.pos : self.pos + 1]

    def _value(self) -> Any:
        """The JSON value at the current position (read on until it is complete)."""
        while True:
            try:
                value, end = _SCAN(self.buf, self.pos)
            except (StopIteration, ValueError):
                if self._more():
                    continue
                raise ValueError(f"invalid JSON near character {self.pos}") from None
            if end < len(self.buf) or self.eof:  # a number may go on in the next chunk
                self.pos = end
                return value
            self._more()

    def _key(self) -> str:
        while True:
            try:
                key, end = json.decoder.scanstring(self.buf, self.pos + 1)  # type: ignore[attr-defined]
            except ValueError:
                if self._more():
                    continue
                raise ValueError("invalid JSON: unterminated key") from None
            self.pos = end
            return str(key)

    def _expect(self, chars: str) -> str:
        c = self._char()
        if not c or c not in chars:
            found = repr(c) if c else "the end"
            raise ValueError(f"invalid JSON: expected {' or '.join(chars)}, found {found}")
        self.pos += 1
        return c

    def items(self) -> Iterator[Any]:
        """Each element of the ``key`` array, in order."""
        self._more()
        self._expect("{")
        if self._char() == "}":
            self.pos += 1
            return
        while True:
            if self._char() != '"':
                raise ValueError("invalid JSON: expected a member name")
            name = self._key()
            self._expect(":")
            if name == self.key and self._char() == "[":
                self.found = True
                self.pos += 1
                if self._char() == "]":
                    self.pos += 1
                else:
                    while True:
                        self._char()
                        yield self._value()
                        if self._expect(",]") == "]":
                            break
            else:
                self._char()
                self.rest[name] = self._value()
            if self._expect(",}") == "}":
                break
        if self._char():
            raise ValueError("invalid JSON: extra data after the object")
