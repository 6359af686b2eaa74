"""Turn rack telemetry into active alarm conditions, vectorised over racks, floods collapsed.

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

from console.alarms.phrases import (
    FEED_LOST,
    FEED_LOST_LOAD,
    GPUS_UP_TO,
    INLET_GROUP,
    INLET_RACK,
    INLET_UP_TO,
    PDU_CRITICAL_GROUP,
    PDU_HIGH_GROUP,
    PDU_RACK,
    ROW_HOT,
    WHERE_HALL,
    WHERE_RACKS,
    WHERE_ROW,
)
from console.alarms.rules import RULES, AlarmConfig
from console.model import RackTelemetry, SiteTopology


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
            hall = row.get("hall")
            self.row_hall[i] = len(self.hall_ids) if hall is None else hall_pos.get(
                str(hall), len(self.hall_ids))
        self.gpus_per_node = np.array(
            [_per_node(r) for r in racks] or [0], np.int64
        )[:n] if n else np.zeros(0, np.int64)
        self.total_gpus = int(np.sum(topology.gpus)) if len(topology.gpus) else 0
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

    def racks_of_row(self, row: str) -> tuple[str, ...]:
        """Rack ids of a row, in site order (empty for an unknown row)."""
        if row not in self.row_ids:
            return ()
        members = np.flatnonzero(self.row_index == self.row_ids.index(row))
        return tuple(self.rack_ids[i] for i in members.tolist())

    def locate(self, rack_id: str | None) -> tuple[str | None, str | None]:
        """(row, hall) of a rack id; (None, None) when unknown."""
        i = self.topology.rack_index.get(rack_id or "", -1)
        return (self.row_of(i), self.hall_of(i)) if i >= 0 else (None, None)


def _per_node(rack: Mapping[str, Any]) -> int:
    per = rack.get("gpus_per_node")
    if isinstance(per, int) and per > 0:
        return per
    gpus, nodes = rack.get("gpus"), rack.get("nodes")
    if isinstance(gpus, int) and isinstance(nodes, int) and nodes > 0:
        return max(1, gpus // nodes)
    return 0


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
            where = (WHERE_HALL if level == "hall" else WHERE_ROW).format(names[g])
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


def _cooling_conditions(
    inlet: np.ndarray,
    gpu: np.ndarray,
    index: TopologyIndex,
    config: AlarmConfig,
    t: float,
) -> tuple[list[Condition], np.ndarray]:
    """One ``cooling_loss`` alarm per row with ``cooling_row_racks`` or more hot racks.

    Returns the conditions and a mask of the racks they cover (their inlet alarms are the
    same cause and are not raised on their own).
    """
    n = len(index.rack_ids)
    hot_inlet = inlet > config.inlet_high_c if inlet.size == n else np.zeros(n, bool)
    hot_gpu = gpu >= config.gpu_temp_high_c if gpu.size == n else np.zeros(n, bool)
    hot = hot_inlet | hot_gpu
    covered = np.zeros(n, bool)
    if not hot.any():
        return [], covered
    n_rows = len(index.row_ids)
    counts = np.bincount(index.row_index[hot], minlength=n_rows + 1)
    counts[n_rows] = 0
    out: list[Condition] = []
    for r in np.flatnonzero(counts >= config.cooling_row_racks).tolist():
        members = np.flatnonzero(hot & (index.row_index == r))
        covered[index.row_index == r] = True
        row = index.row_ids[r]
        worst_inlet = float(np.nanmax(inlet[members])) if inlet.size == n else math.nan
        worst_gpu = float(np.nanmax(gpu[members])) if gpu.size == n else math.nan
        prio = config.priority("cooling_loss")
        if np.isfinite(worst_inlet) and worst_inlet >= config.inlet_critical_c:
            prio = "critical"
        words = []
        if np.isfinite(worst_inlet) and hot_inlet[members].any():
            words.append(INLET_UP_TO.format(worst_inlet, config.inlet_high_c))
        if np.isfinite(worst_gpu) and hot_gpu[members].any():
            words.append(GPUS_UP_TO.format(worst_gpu))
        order = members[np.argsort(-np.nan_to_num(inlet[members] if inlet.size == n else
                                                    gpu[members], nan=-1e9), kind="stable")]
        out.append(
            Condition(
                alarm_id=f"cooling_loss:row:{row}",
                rule="cooling_loss",
                priority=prio,
                message=ROW_HOT.format(row, len(members), ", ".join(words)),
                time=t,
                value=worst_inlet if np.isfinite(worst_inlet) else worst_gpu,
                row=row,
                hall=index.hall_of(int(members[0])),
                area=f"row {row}",
                racks=tuple(index.rack_ids[i] for i in order.tolist()),
                detail=tuple(
                    f"{index.rack_ids[i]}: inlet {_fmt(float(inlet[i]))} °C, hottest GPU "
                    f"{_fmt(float(gpu[i]))} °C" if inlet.size == n and gpu.size == n
                    else index.rack_ids[i]
                    for i in order.tolist()
                ),
            )
        )
    return out, covered


def _feed_lost_conditions(
    a: np.ndarray, b: np.ndarray, index: TopologyIndex, config: AlarmConfig, t: float
) -> tuple[list[Condition], np.ndarray]:
    """One ``pdu_feed_lost`` alarm per lost feed (naming every rack it feeds).

    A feed is lost when it carries under ``feed_lost_pct`` % of a running rack's power
    while the other feed carries the rest. Returns the conditions and the racks covered.
    """
    total = a + b
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.stack((a, b)) / total * 100.0
    running = np.isfinite(total) & (total > 1.0)
    lost = running & (np.nan_to_num(share, nan=100.0) < config.feed_lost_pct)
    covered = lost.any(axis=0)
    out: list[Condition] = []
    if not covered.any():
        return out, covered
    groups: dict[str, list[tuple[int, int]]] = {}
    for side, i in zip(*np.nonzero(lost), strict=True):
        feeds = index.feed_ids[int(i)]
        feed_id = feeds[int(side)] if int(side) < len(feeds) else f"{index.rack_ids[i]}-{'AB'[side]}"
        groups.setdefault(feed_id, []).append((int(side), int(i)))
    for feed_id, members in groups.items():
        racks = tuple(index.rack_ids[i] for _, i in members)
        survivors = []
        worst = 0.0
        for side, i in members:
            other = 1 - side
            kw = float((a, b)[other][i])
            rating = index.rating[other, i]
            pct = kw / rating * 100.0 if np.isfinite(rating) and rating > 0 else math.nan
            if np.isfinite(pct):
                worst = max(worst, pct)
                survivors.append(f"{index.rack_ids[i]}: feed {'AB'[other]} {kw:.0f} kW, "
                                 f"{pct:.0f} % of its {rating:g} kW rating")
            else:
                survivors.append(f"{index.rack_ids[i]}: feed {'AB'[other]} {kw:.0f} kW")
        first = members[0][1]
        where = racks[0] if len(racks) == 1 else WHERE_RACKS.format(len(racks))
        out.append(
            Condition(
                alarm_id=f"pdu_feed_lost:{racks[0] if len(racks) == 1 else feed_id}",
                rule="pdu_feed_lost",
                priority=config.priority("pdu_feed_lost"),
                message=(FEED_LOST_LOAD.format(feed_id, where, worst) if worst
                         else FEED_LOST.format(feed_id, where)),
                time=t,
                value=worst or None,
                rack=racks[0] if len(racks) == 1 else None,
                row=index.row_of(first),
                hall=index.hall_of(first),
                area=racks[0] if len(racks) == 1 else f"feed {feed_id}",
                racks=racks,
                feeds=(feed_id,),
                detail=tuple(survivors),
            )
        )
    return out, covered


def rack_rules(
    racks: RackTelemetry, index: TopologyIndex, config: AlarmConfig, active: Collection[str]
) -> list[Condition]:
    """Row cooling, rack inlet, lost PDU feeds and PDU feed load over every rack at once.

    One cause gives one alarm: racks of a row in a cooling alarm raise no inlet alarm of
    their own, and a rack on one feed raises the feed alarm, not a load alarm.
    """
    t = racks.time
    n = index.rating.shape[1]
    out: list[Condition] = []
    with np.errstate(invalid="ignore"):
        inlet = np.asarray(racks.fields.get("inlet_c", np.zeros(0)), np.float64)
        gpu = np.asarray(racks.fields.get("gpu_temp_max_c", np.zeros(0)), np.float64)
        cooling, cooled = _cooling_conditions(inlet, gpu, index, config, t)
        out += cooling
        if inlet.size == n:
            lim = config.inlet_high_c
            out += rack_conditions(
                "inlet_high",
                (inlet > lim) & ~cooled,
                inlet,
                index,
                config,
                t,
                active,
                lambda i, v: INLET_RACK.format(v, lim),
                lambda k, where, w: INLET_GROUP.format(lim, k, where, w),
                lambda i: f"{index.rack_ids[i]}: inlet {inlet[i]:.1f} °C",
            )
        a = np.asarray(racks.fields.get("pdu_a_kw", np.zeros(0)), np.float64)
        b = np.asarray(racks.fields.get("pdu_b_kw", np.zeros(0)), np.float64)
        if a.size == b.size == n:
            feeds_lost, on_one = _feed_lost_conditions(a, b, index, config, t)
            out += feeds_lost
            pct = np.stack((a, b)) / index.rating * 100.0
            worst_feed = np.argmax(np.nan_to_num(pct, nan=-1.0), axis=0)
            load = np.nanmax(np.where(np.isfinite(pct), pct, -1.0), axis=0)
            load[load < 0] = np.nan
            load[on_one] = np.nan
            crit, warn = config.pdu_crit_pct, config.pdu_warn_pct
            rating = index.rating

            def one(i: int, v: float, lim: float) -> str:
                feed = "AB"[int(worst_feed[i])]
                kw = rating[int(worst_feed[i]), i]
                return PDU_RACK.format(feed, v, kw, lim)

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
                lambda k, where, w: PDU_CRITICAL_GROUP.format(crit, k, where, w),
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
                lambda k, where, w: PDU_HIGH_GROUP.format(warn, k, where, w),
                member,
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
