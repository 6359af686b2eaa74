"""Turn snapshots into active alarm conditions, vectorised over racks, floods collapsed.

A :class:`Condition` is "this alarm is active now, with this value and message". The
engine compares the set of conditions of one evaluation with its alarm records and
advances their ISA-18.2 states. Conditions of a rule that fire in more than
``flood_row`` racks of one row become one row alarm (``inlet_high:row:A-03``), and in
more than ``flood_hall`` racks of one hall one hall alarm (``inlet_high:hall:A``); the
racks are listed in the alarm's detail. Collapse is sticky: a row alarm that is active
stays collapsed while any of its racks still fires, so an alarm count near the limit
does not flap between one row alarm and ten rack alarms.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from console.alarms.rules import (
    RULES,
    XID_ECC,
    XID_OFF_BUS,
    XID_ROW_REMAP_FAILURE,
    XID_ROW_REMAP_PENDING,
    AlarmConfig,
)
from console.model import RackTelemetry, SiteTopology, UnhealthyGpus


@dataclass(frozen=True, slots=True)
class Condition:
    """One alarm condition that is active now."""

    alarm_id: str
    rule: str
    priority: str
    message: str
    time: float
    value: float | None = None
    rack: str | None = None
    row: str | None = None
    hall: str | None = None
    area: str = "site"
    racks: tuple[str, ...] = ()
    gpus: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    detail: tuple[str, ...] = ()


class TopologyIndex:
    """Per-topology lookups the rules need, computed once per site layout."""

    def __init__(self, topology: SiteTopology) -> None:
        self.topology = topology
        racks = topology.racks
        n = len(racks)
        self.rack_ids: tuple[str, ...] = topology.rack_ids
        self.row_ids: tuple[str, ...] = tuple(str(r.get("id", "")) for r in topology.rows)
        self.hall_ids: tuple[str, ...] = tuple(str(h.get("id", "")) for h in topology.halls)
        # Racks whose row or hall is unknown go to an extra bucket that never collapses.
        self.row_index = np.where(topology.row_index < 0, len(self.row_ids), topology.row_index)
        self.hall_index = np.where(topology.hall_index < 0, len(self.hall_ids), topology.hall_index)
        self.row_hall = np.full(len(self.row_ids) + 1, len(self.hall_ids), np.int64)
        hall_pos = {h: i for i, h in enumerate(self.hall_ids)}
        for i, row in enumerate(topology.rows):
            self.row_hall[i] = hall_pos.get(row.get("hall"), len(self.hall_ids))
        self.rating = np.full((2, n), np.nan)
        self.feed_ids: list[tuple[str, ...]] = []
        for i, rack in enumerate(racks):
            feeds = rack.get("pdu_feeds") or ()
            ids: list[str] = []
            for j, feed in enumerate(feeds[:2]):
                side = str(feed.get("feed", "")).lower()
                slot = 0 if side in ("a", "pdu_a") else 1 if side in ("b", "pdu_b") else j
                rating = feed.get("rating_kw")
                if isinstance(rating, int | float) and rating > 0:
                    self.rating[slot, i] = float(rating)
                ids.append(str(feed.get("id", f"{rack.get('id')}-{'ab'[slot]}")))
            self.feed_ids.append(tuple(ids))

    def row_of(self, i: int) -> str | None:
        r = int(self.row_index[i])
        return self.row_ids[r] if r < len(self.row_ids) else None

    def hall_of(self, i: int) -> str | None:
        h = int(self.hall_index[i])
        return self.hall_ids[h] if h < len(self.hall_ids) else None

    def locate(self, rack_id: str | None) -> tuple[str | None, str | None]:
        """(row, hall) of a rack id; (None, None) when unknown."""
        i = self.topology.rack_index.get(rack_id or "", -1)
        return (self.row_of(i), self.hall_of(i)) if i >= 0 else (None, None)


def _fmt(value: float) -> str:
    return f"{value:.1f}" if abs(value) < 100 else f"{value:.0f}"


RackMessage = Callable[[int, float], str]
GroupMessage = Callable[[int, str, float], str]


def rack_conditions(
    rule: str,
    mask: np.ndarray,
    values: np.ndarray,
    index: TopologyIndex,
    config: AlarmConfig,
    t: float,
    active: Collection[str],
    rack_message: RackMessage,
    group_message: GroupMessage,
    member_label: Callable[[int], str] | None = None,
    gpus: Mapping[int, tuple[str, ...]] | None = None,
) -> list[Condition]:
    """Conditions of one rack rule: ``mask`` marks racks firing, ``values`` their values.

    ``active`` holds the ids of alarms active before this evaluation (for sticky collapse).
    ``rack_message(i, value)`` words a single-rack alarm, ``group_message(n, where, worst)``
    a collapsed one.
    """
    idx = np.flatnonzero(mask)
    if not idx.size:
        return []
    prio = config.priority(rule)
    n_rows, n_halls = len(index.row_ids), len(index.hall_ids)
    rows = index.row_index[idx]
    halls = index.hall_index[idx]
    row_counts = np.bincount(rows, minlength=n_rows + 1)
    hall_counts = np.bincount(halls, minlength=n_halls + 1)
    sticky_rows = np.zeros(n_rows + 1, bool)
    sticky_halls = np.zeros(n_halls + 1, bool)
    prefix = f"{rule}:"
    for alarm_id in active:
        if alarm_id.startswith(prefix + "row:"):
            name = alarm_id[len(prefix) + 4 :]
            if name in index.row_ids:
                sticky_rows[index.row_ids.index(name)] = True
        elif alarm_id.startswith(prefix + "hall:"):
            name = alarm_id[len(prefix) + 5 :]
            if name in index.hall_ids:
                sticky_halls[index.hall_ids.index(name)] = True
    hall_hit = (hall_counts > config.flood_hall) | (sticky_halls & (hall_counts > 0))
    hall_hit[n_halls] = False
    row_hit = ((row_counts > config.flood_row) | (sticky_rows & (row_counts > 0))) & ~hall_hit[
        index.row_hall
    ]
    row_hit[n_rows] = False
    out: list[Condition] = []
    single = idx[~hall_hit[halls] & ~row_hit[rows]]
    label = member_label or (lambda i: f"{index.rack_ids[i]}: {_fmt(float(values[i]))}")
    for i in single.tolist():
        rid = index.rack_ids[i]
        members = gpus.get(i, ()) if gpus else ()
        out.append(
            Condition(
                alarm_id=f"{rule}:{rid}",
                rule=rule,
                priority=prio,
                message=rack_message(i, float(values[i])),
                time=t,
                value=float(values[i]),
                rack=rid,
                row=index.row_of(i),
                hall=index.hall_of(i),
                area=rid,
                racks=(rid,),
                gpus=members,
                feeds=index.feed_ids[i],
                detail=tuple(members),
            )
        )
    for level, hit, bucket, names in (
        ("hall", hall_hit, halls, index.hall_ids),
        ("row", row_hit, rows, index.row_ids),
    ):
        for g in np.flatnonzero(hit).tolist():
            members_idx = idx[bucket == g]
            vals = values[members_idx]
            worst = float(np.nanmax(vals)) if np.isfinite(vals).any() else math.nan
            where = f"{level} {names[g]}"
            order = members_idx[np.argsort(-np.nan_to_num(vals, nan=-1e9), kind="stable")]
            member_gpus: tuple[str, ...] = ()
            if gpus:
                member_gpus = tuple(u for i in members_idx.tolist() for u in gpus.get(i, ()))
            first = int(members_idx[0])
            out.append(
                Condition(
                    alarm_id=f"{rule}:{level}:{names[g]}",
                    rule=rule,
                    priority=prio,
                    message=group_message(len(members_idx), where, worst),
                    time=t,
                    value=worst,
                    row=names[g] if level == "row" else None,
                    hall=index.hall_of(first),
                    area=where,
                    racks=tuple(index.rack_ids[i] for i in members_idx.tolist()),
                    gpus=member_gpus,
                    detail=tuple(label(i) for i in order.tolist()),
                )
            )
    return out


def rack_rules(
    racks: RackTelemetry, index: TopologyIndex, config: AlarmConfig, active: Collection[str]
) -> list[Condition]:
    """Inlet, GPU temperature and PDU feed load conditions over every rack at once."""
    t = racks.time
    out: list[Condition] = []
    with np.errstate(invalid="ignore"):
        inlet = np.asarray(racks.fields.get("inlet_c", np.zeros(0)), np.float64)
        if inlet.size == index.rating.shape[1]:
            lim = config.inlet_high_c
            out += rack_conditions(
                "inlet_high",
                inlet > lim,
                inlet,
                index,
                config,
                t,
                active,
                lambda i, v: f"Inlet {v:.1f} °C, above {lim:g} °C",
                lambda n, where, w: (
                    f"Inlet above {lim:g} °C in {n} racks of {where} (hottest {w:.1f} °C)"
                ),
                lambda i: f"{index.rack_ids[i]}: inlet {inlet[i]:.1f} °C",
            )
        gpu = np.asarray(racks.fields.get("gpu_temp_max_c", np.zeros(0)), np.float64)
        if gpu.size == index.rating.shape[1]:
            glim = config.gpu_temp_high_c
            out += rack_conditions(
                "gpu_temp_high",
                gpu >= glim,
                gpu,
                index,
                config,
                t,
                active,
                lambda i, v: f"Hottest GPU {v:.1f} °C, near slowdown (alarm at {glim:g} °C)",
                lambda n, where, w: (
                    f"GPU temperature at or above {glim:g} °C in {n} racks of "
                    f"{where} (hottest {w:.1f} °C)"
                ),
                lambda i: f"{index.rack_ids[i]}: hottest GPU {gpu[i]:.1f} °C",
            )
        a = np.asarray(racks.fields.get("pdu_a_kw", np.zeros(0)), np.float64)
        b = np.asarray(racks.fields.get("pdu_b_kw", np.zeros(0)), np.float64)
        if a.size == b.size == index.rating.shape[1]:
            pct = np.stack((a, b)) / index.rating * 100.0
            worst_feed = np.argmax(np.nan_to_num(pct, nan=-1.0), axis=0)
            load = np.nanmax(np.where(np.isfinite(pct), pct, -1.0), axis=0)
            load[load < 0] = np.nan
            crit, warn = config.pdu_crit_pct, config.pdu_warn_pct
            rating = index.rating

            def one(i: int, v: float, lim: float) -> str:
                feed = "AB"[int(worst_feed[i])]
                kw = rating[int(worst_feed[i]), i]
                return f"PDU feed {feed} at {v:.0f} % of its {kw:g} kW rating (limit {lim:g} %)"

            def member(i: int) -> str:
                return f"{index.rack_ids[i]}: feed {'AB'[int(worst_feed[i])]} {load[i]:.0f} %"

            out += rack_conditions(
                "pdu_critical",
                load >= crit,
                load,
                index,
                config,
                t,
                active,
                lambda i, v: one(i, v, crit),
                lambda n, where, w: (
                    f"PDU feed load at or above {crit:g} % in {n} racks of "
                    f"{where} (worst {w:.0f} %)"
                ),
                member,
            )
            out += rack_conditions(
                "pdu_high",
                (load >= warn) & (load < crit),
                load,
                index,
                config,
                t,
                active,
                lambda i, v: one(i, v, warn),
                lambda n, where, w: (
                    f"PDU feed load above {warn:g} % in {n} racks of {where} (worst {w:.0f} %)"
                ),
                member,
            )
    return out


_GPU_WORDS = {
    "gpu_off_bus": "off the bus (XID 79)",
    "gpu_ecc": "with uncorrectable ECC errors",
    "gpu_row_remap": "with a row-remap failure",
    "gpu_xid": "with a critical XID",
    "gpu_remap_pending": "with row remapping pending (XID 63)",
}


def classify_gpu(gpu: Mapping[str, Any], critical_xids: Collection[int]) -> str | None:
    """The GPU rule an unhealthy GPU raises, most specific first; None for none."""
    xid = gpu.get("xid")
    if gpu.get("status") == "off_bus" or xid in XID_OFF_BUS:
        return "gpu_off_bus"
    if gpu.get("row_remap_failure") or xid in XID_ROW_REMAP_FAILURE:
        return "gpu_row_remap"
    dbe = gpu.get("ecc_dbe")
    if (isinstance(dbe, int | float) and dbe > 0) or xid in XID_ECC:
        return "gpu_ecc"
    if xid in critical_xids:
        return "gpu_xid"
    if xid in XID_ROW_REMAP_PENDING:
        return "gpu_remap_pending"
    return None


def gpu_rules(
    gpus: UnhealthyGpus, index: TopologyIndex, config: AlarmConfig, active: Collection[str]
) -> list[Condition]:
    """GPU fault conditions, one per rack and rule (GPUs listed), floods collapsed per row."""
    critical = frozenset(config.critical_xids)
    rack_index = index.topology.rack_index
    by_rule: dict[str, dict[int, list[str]]] = {}
    xids: dict[str, dict[int, set[int]]] = {}
    unknown: dict[tuple[str, str], list[str]] = {}
    for gpu in gpus.gpus:
        rule = classify_gpu(gpu, critical)
        if rule is None:
            continue
        rack = gpu.get("rack")
        i = rack_index.get(rack, -1)  # type: ignore[arg-type]
        uuid = str(gpu.get("uuid", ""))
        if i < 0:
            unknown.setdefault((rule, str(rack or "")), []).append(uuid)
            continue
        bucket = by_rule.get(rule)
        if bucket is None:
            bucket = by_rule[rule] = {}
            xids[rule] = {}
        members = bucket.get(i)
        if members is None:
            members = bucket[i] = []
            xids[rule][i] = set()
        members.append(uuid)
        xid = gpu.get("xid")
        if xid is not None:
            xids[rule][i].add(xid)
    n = len(index.rack_ids)
    out: list[Condition] = []
    for rule, members in by_rule.items():
        mask = np.zeros(n, bool)
        counts = np.zeros(n)
        pos = np.fromiter(members.keys(), np.int64, len(members))
        mask[pos] = True
        counts[pos] = [len(v) for v in members.values()]
        words = _GPU_WORDS[rule]
        rule_xids = xids.get(rule, {})

        def one(i: int, v: float, words: str = words, rule_xids: dict = rule_xids) -> str:
            codes = sorted(rule_xids.get(i, ()))
            tail = f" (XID {', '.join(map(str, codes))})" if codes and "(XID" not in words else ""
            return f"{int(v)} GPU{'s' if v != 1 else ''} {words}{tail}"

        def group(n_racks: int, where: str, worst: float, words: str = words) -> str:
            return f"GPUs {words} in {n_racks} racks of {where}"

        def member(i: int, members: dict = members) -> str:
            return f"{index.rack_ids[i]}: {', '.join(members[i])}"

        frozen_members = {i: tuple(v) for i, v in members.items()}
        out += rack_conditions(
            rule, mask, counts, index, config, gpus.time, active, one, group, member, frozen_members
        )
    for (rule, rack), uuids in unknown.items():
        out.append(
            Condition(
                alarm_id=f"{rule}:{rack or 'unknown'}",
                rule=rule,
                priority=config.priority(rule),
                message=f"{len(uuids)} GPU{'s' if len(uuids) != 1 else ''} {_GPU_WORDS[rule]} "
                "(rack not in the site layout)",
                time=gpus.time,
                value=float(len(uuids)),
                rack=rack or None,
                area=rack or "unknown rack",
                racks=(rack,) if rack else (),
                gpus=tuple(uuids),
                detail=tuple(uuids),
            )
        )
    return out


def rule_kind(rule: str) -> str:
    """The snapshot kind a rule reads."""
    return RULES[rule].kind if rule in RULES else "link"


def collapsed_cover(conditions: Sequence[Condition]) -> dict[tuple[str, str], str]:
    """(rule, rack id) -> id of the row or hall alarm that now covers that rack."""
    out: dict[tuple[str, str], str] = {}
    for c in conditions:
        if ":row:" in c.alarm_id or ":hall:" in c.alarm_id:
            for r in c.racks:
                out[(c.rule, r)] = c.alarm_id
    return out
