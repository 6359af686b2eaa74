"""The fields of the hub's records (``console.contract``), each with how it is cleaned.

One schema per kind of record, for :func:`console.clean.clean_records`: the site's halls,
rows and racks, unhealthy GPUs, and one rack in depth (its servers, GPUs, PDU feeds, jobs
and events). Ranges come from the limit tables of :mod:`console.model`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from console.clean import (
    ID_CHARS,
    MESSAGE_CHARS,
    Checked,
    Field,
    Flag,
    Number,
    Records,
    Text,
    Texts,
    Whole,
    Word,
)
from console.contract import GPU_STATUSES, JOB_STATES, NODE_STATES
from console.model import (
    EVENT_LIMITS,
    GPU_LIMITS,
    GPU_STATUS_UNKNOWN,
    JOB_LIMITS,
    JOB_STATE_UNKNOWN,
    LAYOUT_LIMITS,
    SEVERITIES,
)

_ID = Text(ID_CHARS)
_MESSAGE = Text(MESSAGE_CHARS)
_L = LAYOUT_LIMITS
_G = GPU_LIMITS


def _schema(fields: dict[str, Field]) -> Mapping[str, Field]:
    return MappingProxyType(fields)


def _layout(drop: bool) -> dict[str, Field]:
    return {k: Number(_L[k], drop=drop) for k in ("x", "y", "w", "h")}


PDU_RECORD = _schema(
    {
        "id": _ID,
        "feed": _ID,
        "rating_kw": Number(_L["rating_kw"]),
        "load_kw": Number(_L["load_kw"]),
        "tripped": Flag(),
    }
)
"""A PDU feed of a rack (``pdu_feeds``) and its reading (one rack in depth's ``pdus``)."""

HALL_RECORD = _schema(
    {
        "id": _ID,
        "name": _ID,
        "cooling": _ID,
        "rack_type": _ID,
        "gpu_model": _ID,
        "rows": Whole(_L["rows"]),
        "racks": Whole(_L["racks"]),
        **_layout(drop=True),  # a hall is drawn only with all four
    }
)
ROW_RECORD = _schema({"id": _ID, "hall": _ID, **_layout(drop=True)})
RACK_RECORD = _schema(
    {
        "id": _ID,
        "hall": _ID,
        "row": _ID,
        "position": Whole(_L["position"]),
        **_layout(drop=False),  # checked before: a rack without them refuses the site
        "cooling": _ID,
        "rack_type": _ID,
        "gpu_model": _ID,
        "capacity_kw": Number(_L["capacity_kw"]),
        "nodes": Whole(_L["nodes"]),
        "gpus_per_node": Whole(_L["gpus_per_node"]),
        "gpus": Whole(_L["gpus"]),
        "pdu_feeds": Records(PDU_RECORD),
        "hosts": Texts(ID_CHARS),
    }
)
"""A rack (the site's racks, one rack in depth's ``rack``)."""
SITE_RACK_RECORD = _schema(
    {**RACK_RECORD, **dict.fromkeys(("x", "y", "w", "h", "gpus"), Checked())}
)
"""A rack of the site document, whose position, size and GPU count ``decode_site`` checks
first (a rack without them refuses the site)."""

_GPU_STATUS = Word(frozenset(GPU_STATUSES), GPU_STATUS_UNKNOWN)
_NODE_STATE = Word(frozenset(NODE_STATES), GPU_STATUS_UNKNOWN)
GPU_RECORD = _schema(
    {
        "index": Whole(_G["index"]),
        "slot": Whole(_G["slot"]),
        "uuid": _ID,
        "model": _ID,
        "hall": _ID,
        "row": _ID,
        "rack": _ID,
        "node": _ID,
        "host": _ID,
        "status": _GPU_STATUS,
        "temp_c": Number(_G["temp_c"]),
        "power_w": Number(_G["power_w"]),
        "power_limit_w": Number(_G["power_limit_w"]),
        "util_pct": Number(_G["util_pct"]),
        "mem_used_mib": Number(_G["mem_used_mib"]),
        "mem_total_mib": Number(_G["mem_total_mib"]),
        "ecc_sbe": Whole(_G["ecc_sbe"]),
        "ecc_dbe": Whole(_G["ecc_dbe"]),
        "row_remap_failure": Flag(),
        "xid": Whole(_G["xid"]),
        "xid_time": Number(_G["xid_time"]),
        "clock_event_reasons": Whole(_G["clock_event_reasons"]),
        "since": Number(_G["since"]),
        "job_id": Whole(_G["job_id"]),
        "reason": _MESSAGE,
        "action": _MESSAGE,
        "node_state": _NODE_STATE,
    }
)
"""One GPU: an unhealthy GPU of ``GET /api/v1/gpus/unhealthy`` or a GPU of a server of one
rack in depth (the two share their fields' names)."""

NODE_RECORD = _schema(
    {
        "id": _ID,
        "host": _ID,
        "slot": Whole(_L["slot"]),
        "state": _NODE_STATE,
        "gpus": Records(GPU_RECORD),
    }
)
"""A server of one rack in depth."""

_J = JOB_LIMITS
JOB_RECORD = _schema(
    {
        "id": Whole(_J["id"]),
        "name": _ID,
        "tenant": _ID,
        "tenant_kind": _ID,
        "tenant_country": _ID,
        "user": _ID,
        "partition": _ID,
        "state": Word(frozenset(JOB_STATES), JOB_STATE_UNKNOWN),
        "reason": _MESSAGE,
        "gpus": Whole(_J["gpus"]),
        "nodes": Whole(_J["nodes"]),
        "racks": Texts(ID_CHARS),
        "submit_time": Number(_J["submit_time"]),
        "start_time": Number(_J["start_time"]),
        "end_time": Number(_J["end_time"]),
        "begin_time": Number(_J["begin_time"]),
        "time_limit_s": Number(_J["time_limit_s"]),
        "state_flags": _ID,
        "state_description": _MESSAGE,
        "array_tasks": Whole(_J["array_tasks"]),
    }
)
"""A job as a record (the jobs of one rack in depth)."""

_E = EVENT_LIMITS
EVENT_RECORD = _schema(
    {
        "id": Whole(_E["id"]),
        "time": Number(_E["time"]),
        "time_iso": _ID,
        "kind": _ID,
        "severity": Word(frozenset(SEVERITIES), GPU_STATUS_UNKNOWN),
        "rack": _ID,
        "gpu_uuid": _ID,
        "xid": Whole(_E["xid"]),
        "message": _MESSAGE,
        "job_id": Whole(_E["job_id"]),
        "gpus": Whole(_E["gpus"]),
        "feed": _ID,
    }
)
"""An event as one rack in depth lists it."""
