"""Decode slurmrestd JSON (API v0.0.37 to v0.0.44) into plain records.

Slurm 22.05 (v0.0.37/38) sends strings and integers; from v0.0.40 on, numbers are
``{"set", "infinite", "number"}`` objects and ``job_state`` / node ``state`` are lists.
Every helper here accepts both shapes. Nothing here does I/O.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
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
"""Slurm base job state -> hub state. SUSPENDED shows as PENDING with reason "Suspended"."""

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


def job_state(value: Any) -> str:
    """The hub state of a Slurm ``job_state`` (first base state found; flags ignored)."""
    for word in state_list(value):
        if word in STATE_FOLD:
            return STATE_FOLD[word]
    return "PENDING" if not state_list(value) else "FAILED"


# --- GPU counts -----------------------------------------------------------------------

_TRES_GPU = re.compile(r"^gres[/:]gpu(?::([^:,=()]+))?(?:[:=](\d+))?$")
_TRES_EQ_GPU = re.compile(r"(?:^|,)gres/gpu=(\d+)(?:,|$)")
_GRES_ITEM = re.compile(r"^gpu(?::([^:(]+))?(?::(\d+))?(?:\((.*)\))?$")


def tres_gpus(text: Any) -> int | None:
    """GPUs in a ``tres_per_node`` / ``tres_per_job`` string (``gres/gpu:8``, ``gres:gpu:h200:2``)."""
    if not isinstance(text, str) or not text:
        return None
    total = None
    for item in text.split(","):
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


def job_gpus(job: Mapping[str, Any], nodes: int) -> int:
    """GPUs of one job: allocated (``gres_detail``, ``tres_alloc_str``) else requested."""
    detail = job.get("gres_detail")
    if isinstance(detail, list) and detail:
        counts = [gres_gpus(d) for d in detail]
        if any(c is not None for c in counts):
            return sum(c or 0 for c in counts)
    for value in (
        tres_str_gpus(job.get("tres_alloc_str")),
        tres_gpus(job.get("tres_per_job")),
    ):
        if value is not None:
            return value
    per_node = tres_gpus(job.get("tres_per_node"))
    if per_node is not None:
        return per_node * max(1, nodes)
    req = tres_str_gpus(job.get("tres_req_str"))
    return req or 0


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


def job_record(
    job: Mapping[str, Any],
    tenant_kinds: Mapping[str, str] | None = None,
    tenant_countries: Mapping[str, str] | None = None,
    rack_of: Mapping[str, str] | Callable[[str], str | None] | None = None,
    default_kind: str = "research",
) -> dict[str, Any]:
    """One slurmrestd job as a hub-style job dict (see ``console.decode.JOB_COLUMNS``)."""
    raw_state = state_list(job.get("job_state"))
    state = job_state(job.get("job_state"))
    account = str(job.get("account") or "")
    node_names = expand_hostlist(job.get("nodes"))
    count = no_val(job.get("node_count"))
    nodes = int(count) if count is not None and math.isfinite(count) else len(node_names)
    reason = None
    if state == "PENDING":
        reason = "Suspended" if "SUSPENDED" in raw_state else str(job.get("state_reason") or "")
        reason = None if reason in ("", "None") else reason
    limit = no_val(job.get("time_limit"))
    start = epoch(job.get("start_time"))
    end = epoch(job.get("end_time"))
    if state == "PENDING":
        start = end = None  # Slurm's expected times, not facts
    elif state == "RUNNING":
        end = None  # projected end
    return {
        "id": int(no_val(job.get("job_id")) or 0),
        "name": str(job.get("name") or ""),
        "tenant": account,
        "tenant_kind": (tenant_kinds or {}).get(account, default_kind),
        "tenant_country": (tenant_countries or {}).get(account, ""),
        "user": str(job.get("user_name") or job.get("user_id") or ""),
        "partition": str(job.get("partition") or ""),
        "state": state,
        "reason": reason,
        "gpus": job_gpus(job, nodes),
        "nodes": nodes,
        "racks": node_racks(node_names, rack_of),
        "submit_time": epoch(job.get("submit_time")),
        "start_time": start,
        "end_time": end,
        "time_limit_s": limit * 60.0 if limit is not None and math.isfinite(limit) else None,
    }


def node_record(node: Mapping[str, Any]) -> dict[str, Any]:
    """One slurmrestd node: name, state words, GPUs configured and in use, reason.

    The state words are the base state and its flags: v0.0.40+ list both in ``state``,
    v0.0.37-39 give the flags (DRAIN, MAINT, ...) apart in ``state_flags``."""
    states = state_list(node.get("state")) + state_list(node.get("state_flags"))
    return {
        "name": str(node.get("name") or ""),
        "hostname": str(node.get("hostname") or ""),
        "state": tuple(states),
        "gpus": gres_gpus(node.get("gres")) or 0,
        "gpus_used": gres_gpus(node.get("gres_used")) or 0,
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
