"""The maintenance list: single-device faults as work for the crew, grouped by what to do.

A single GPU's, server's or tray's fault is not an alarm (at 189,440 GPUs a few faults an
hour are normal wear): it goes on this list, under the recovery action it needs. The
actions follow NVIDIA's XID catalogue (docs.nvidia.com/deploy/xid-errors) and NVML's
recovery actions (``nvmlDeviceGetGpuRecoveryAction``: NONE, GPU_RESET, NODE_REBOOT,
DRAIN_P2P, DRAIN_AND_RESET), in the crew's words; :data:`ACTION_GROUPS` is the one table
that maps faults to actions, most urgent first.

Feeding it (the worker thread, after each poll)::

    tracker = MaintenanceTracker(store=cache)        # cache: a MaintenanceStore, or None
    mlist = tracker.update(gpus, jobs, topology, site_racks)   # on every gpus/jobs poll
    update = replace(update, maintenance=mlist)     # AlarmUpdate.maintenance -> the GUI

``site_racks`` are racks under an active site alarm (a row's cooling lost, a PDU feed
lost): GPUs there that are only throttled are that alarm's consequence, counted in
:attr:`MaintenanceList.site_caused` and left off the list. The tracker keeps each device's
``count`` and ``first_seen`` while it stays faulty and for :data:`REPEAT_WINDOW_S` after it
recovers (a repeat increments ``count``; :data:`REPEAT_RMA` reports of a hardware fault send
the GPU for repair), and writes only what changed to its store. Plain Python, no Qt.
"""

from __future__ import annotations

import bisect
import logging
import math
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from types import MappingProxyType
from typing import Any, Protocol

import numpy as np

from console.contract import (
    REASON_HW_POWER_BRAKE,
    REASON_HW_SLOWDOWN,
    REASON_HW_THERMAL,
    REASON_SW_THERMAL,
)
from console.gpu_health import APPLICATION_XIDS, REPEATED, describe_gpu
from console.i18n import QT_TRANSLATE_NOOP, translate
from console.model import JobsSnapshot, SiteTopology, UnhealthyGpus

log = logging.getLogger(__name__)

REPEAT_WINDOW_S = 86_400.0
"""A device faulty again within this time of recovering is a repeat (its count goes on)."""
REPEAT_RMA = 3
"""Reports of a hardware fault (within the repeat window) that send the GPU for repair."""
NEW_REPORT_S = 1.0
"""A listed device whose fault time (``since``) moves on by more than this was re-reported."""

THERMAL_BITS = REASON_HW_SLOWDOWN | REASON_SW_THERMAL | REASON_HW_THERMAL
"""NVML clock-event reasons of a GPU slowed by heat (HW slowdown, SW/HW thermal slowdown)."""
POWER_BRAKE_BIT = REASON_HW_POWER_BRAKE
"""NVML's HW power brake slowdown: the node's power supply or feed asserted the brake."""


@dataclass(frozen=True, slots=True)
class ActionGroup:
    """One recovery action: the crew's words, NVML's recovery action and what leads to it."""

    key: str
    words: str
    nvml: str
    """NVML's recovery action (``nvmlDeviceGetGpuRecoveryAction``) it corresponds to."""
    urgent: bool
    """Shown in colour: the GPU is lost or harms jobs until the action is done."""
    xids: tuple[int, ...] = ()
    detail: str = ""
    """What leads to it and what the crew does, in English (``{0}``: :data:`REPEAT_RMA`;
    :attr:`advice`: in the chosen language)."""

    @property
    def label(self) -> str:
        """:attr:`words` in the chosen language."""
        return translate("MaintenanceView", self.words)

    @property
    def advice(self) -> str:
        """:attr:`detail` in the chosen language, its figure filled in."""
        return translate("MaintenanceView", self.detail).format(REPEAT_RMA)


ACTION_GROUPS: tuple[ActionGroup, ...] = (
    ActionGroup("rma", QT_TRANSLATE_NOOP("MaintenanceView", "Drain and return for repair (RMA)"), "DRAIN_AND_RESET", True, (64,),
                QT_TRANSLATE_NOOP("MaintenanceView", "Row remapping failed (no spare rows) or the same hardware fault came back {0} times within 24 h: drain the node and replace the GPU.")),
    ActionGroup("power_cycle", QT_TRANSLATE_NOOP("MaintenanceView", "Reboot / power-cycle the node"), "NODE_REBOOT", True, (79,),
                QT_TRANSLATE_NOOP("MaintenanceView", "GPU off the bus: drain the node and power-cycle it; check PCIe seating, power and cooling.")),
    ActionGroup("drain_reset", QT_TRANSLATE_NOOP("MaintenanceView", "Drain the node and reset the GPU"), "DRAIN_AND_RESET", True,
                (48, 61, 62, 95, 119, 120, 140, 154),
                QT_TRANSLATE_NOOP("MaintenanceView", "Uncorrectable ECC, micro-controller or GSP error: drain the node now, reset the GPU, run DCGM diagnostics before it takes jobs again.")),
    ActionGroup("drain_p2p", QT_TRANSLATE_NOOP("MaintenanceView", "Drain NVLink traffic and reset the GPU"), "DRAIN_P2P", True, (74,),
                QT_TRANSLATE_NOOP("MaintenanceView", "NVLink error: drain the node's peer-to-peer work, reset the GPU, check the NVLink cabling and NVSwitch tray.")),
    ActionGroup("cooling", QT_TRANSLATE_NOOP("MaintenanceView", "Check cooling of the GPU"), "NONE", False, (),
                QT_TRANSLATE_NOOP("MaintenanceView", "Thermal throttling with no site cause: check the server's fans or cold plate flow and the GPU's seating.")),
    ActionGroup("power_supply", QT_TRANSLATE_NOOP("MaintenanceView", "Check the node's power supplies"), "NONE", False, (),
                QT_TRANSLATE_NOOP("MaintenanceView", "Power brake asserted with no site cause: check the server's power supplies and its PDU outlets.")),
    ActionGroup("reset_next_drain", QT_TRANSLATE_NOOP("MaintenanceView", "Reset the GPU at the next drain"), "GPU_RESET", False,
                (63, 92, 94),
                QT_TRANSLATE_NOOP("MaintenanceView", "Row remap pending, contained ECC error or many correctable errors: the GPU works; reset it when the node is next drained.")),
    ActionGroup("diagnose", QT_TRANSLATE_NOOP("MaintenanceView", "Run diagnostics at the next drain"), "NONE", False, (8,),
                QT_TRANSLATE_NOOP("MaintenanceView", "Cause unknown or XID not in the catalogue: run DCGM diagnostics (dcgmi diag -r 3) when the node is next drained.")),
    ActionGroup("restart_app", QT_TRANSLATE_NOOP("MaintenanceView", "Restart the application (job's problem, GPU healthy)"), "NONE",
                False, tuple(sorted(APPLICATION_XIDS)),
                QT_TRANSLATE_NOOP("MaintenanceView", "Application XID: the job hit a fault of its own; tell the tenant. Watch for the same XID with other jobs on this GPU.")),
)
"""Recovery actions, most urgent first: the one table that maps faults to actions."""

GROUPS: Mapping[str, ActionGroup] = MappingProxyType({g.key: g for g in ACTION_GROUPS})
GROUP_RANK: Mapping[str, int] = MappingProxyType({g.key: i for i, g in enumerate(ACTION_GROUPS)})
XID_GROUP: Mapping[int, str] = MappingProxyType(
    {x: g.key for g in ACTION_GROUPS for x in g.xids})
"""XID -> action group key (from :data:`ACTION_GROUPS`)."""
HARDWARE_GROUPS = frozenset({"power_cycle", "drain_reset", "drain_p2p", "reset_next_drain"})
"""Groups whose fault, repeated :data:`REPEAT_RMA` times, sends the GPU for repair."""
THROTTLE_GROUPS = frozenset({"cooling", "power_supply"})
ECC_XIDS = frozenset({48, 63, 64, 94, 95})
"""XIDs that report the ECC error itself: an ECC count beside them is not a second cause."""
_KEY_FIELDS = ("status", "xid", "ecc_dbe", "row_remap_failure", "clock_event_reasons", "rack",
               "since", "job_id", "node_state")
_KEY = itemgetter(*_KEY_FIELDS)
"""A record's fields that decide its item (temperature and power do not)."""


@dataclass(frozen=True, slots=True)
class MaintenanceItem:
    """One device on the maintenance list (immutable).

    ``first_seen`` is the hub's ``since`` of the device's first report within the repeat
    window, ``last_seen`` that of its latest report (the current fault's start), both hub
    time; ``count`` is how many times it has been reported faulty in that window.
    ``tenant`` and ``job_name`` come from the job queue (outside text: show as plain text).
    """

    device: str
    """The GPU's UUID."""
    slot: int | None
    node: str
    host: str
    rack: str
    row: str
    hall: str
    model: str
    status: str
    xid: int | None
    cause: str
    group: str
    """Key of its :class:`ActionGroup` in :data:`GROUPS`."""
    job_id: int | None
    job_name: str
    tenant: str
    first_seen: float
    last_seen: float
    count: int
    node_state: str
    """up, drain, maint or down (``up`` when the hub does not say)."""
    order: tuple[Any, ...] = field(default=(), compare=False, repr=False)
    """Sort key: group urgency, then hall, rack, node, slot (rack ids sort in site order)."""

    @property
    def action(self) -> str:
        """The action in the crew's words (English: :attr:`label` in the chosen language)."""
        return GROUPS[self.group].words

    @property
    def label(self) -> str:
        """The action in the crew's words in the chosen language."""
        return GROUPS[self.group].label

    @property
    def urgent(self) -> bool:
        return GROUPS[self.group].urgent

    @property
    def gpu(self) -> str:
        """'host GPU n' as the crew finds it on the floor."""
        return f"{self.host or self.node} GPU {'?' if self.slot is None else self.slot}"

    def to_dict(self) -> dict[str, Any]:
        """The item as plain JSON-able data (the cache row, the handover's summary)."""
        return {name: getattr(self, name) for name in ITEM_FIELDS}


ITEM_FIELDS: tuple[str, ...] = tuple(
    f for f in MaintenanceItem.__dataclass_fields__ if f != "order")
"""The item's data fields, in order (``order`` is derived)."""


@dataclass(frozen=True, slots=True)
class MaintenanceList:
    """The maintenance list at ``time`` (hub time): items most urgent group first."""

    time: float
    items: tuple[MaintenanceItem, ...] = ()
    counts: Mapping[str, int] = field(default_factory=dict)
    """Items per group key (every group of :data:`ACTION_GROUPS`, zeros included)."""
    site_caused: int = 0
    """Throttled GPUs left off because a site alarm (cooling, PDU feed) explains them."""
    recorded: bool = True
    """False for a reviewed time the cache holds no list for (shown as unknown, not empty)."""

    def __len__(self) -> int:
        return len(self.items)

    def group(self, key: str) -> tuple[MaintenanceItem, ...]:
        """The items of one action group, in list order."""
        return tuple(i for i in self.items if i.group == key)

    def find(self, device: str) -> MaintenanceItem | None:
        """The item of GPU ``device`` (its UUID), None when it is not listed."""
        return next((i for i in self.items if i.device == device), None)


def make_list(time: float, items: Sequence[MaintenanceItem], site_caused: int = 0,
              ) -> MaintenanceList:
    """A :class:`MaintenanceList` of ``items`` sorted by urgency, with its group counts."""
    ordered = tuple(sorted(items, key=_order_of))
    counts = dict.fromkeys(GROUPS, 0)
    counts.update(Counter(i.group for i in ordered))
    return MaintenanceList(time=float(time), items=ordered, counts=MappingProxyType(counts),
                           site_caused=int(site_caused))


def _amend(prev: MaintenanceList, t: float, changed: Sequence[MaintenanceItem],
           gone: Sequence[str], site_caused: int) -> MaintenanceList:
    """``prev`` with a few items changed, added or gone (no full sort)."""
    drop = set(gone).union(i.device for i in changed)
    counts = dict(prev.counts)
    items = []
    for item in prev.items:
        if item.device in drop:
            counts[item.group] -= 1
        else:
            items.append(item)
    for item in changed:
        bisect.insort(items, item, key=_order_of)
        counts[item.group] = counts.get(item.group, 0) + 1
    return MaintenanceList(time=float(t), items=tuple(items), counts=MappingProxyType(counts),
                           site_caused=int(site_caused))


def _order_of(item: MaintenanceItem) -> tuple[Any, ...]:
    return item.order or (GROUP_RANK.get(item.group, 99), item.hall, item.rack, item.node,
                          -1 if item.slot is None else item.slot, item.device)


def item_from_dict(data: Mapping[str, Any]) -> MaintenanceItem:
    """An item from :meth:`MaintenanceItem.to_dict` data (unknown keys ignored)."""
    values: dict[str, Any] = {k: data.get(k) for k in ITEM_FIELDS}
    group = str(values["group"] or "diagnose")
    values["group"] = group if group in GROUPS else "diagnose"
    for k in ("device", "node", "host", "rack", "row", "hall", "model", "status", "cause",
              "job_name", "tenant"):
        values[k] = "" if values[k] is None else str(values[k])
    values["node_state"] = str(values["node_state"] or "up")
    values["count"] = int(values["count"] or 1)
    for k in ("first_seen", "last_seen"):
        seen = values[k]
        values[k] = float(seen) if isinstance(seen, int | float) else math.nan
    for k in ("slot", "xid", "job_id"):
        v = values[k]
        values[k] = int(v) if isinstance(v, int | float) and not isinstance(v, bool) else None
    return MaintenanceItem(**values)


# -- classifying one record ---------------------------------------------------------------
def _int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value) if math.isfinite(value) else None


def _signature(g: Mapping[str, Any]) -> tuple[Any, ...]:
    """What decides a record's cause and group (temperature and power left out)."""
    return (g.get("status"), _int(g.get("xid")), _int(g.get("ecc_dbe")) or 0,
            g.get("row_remap_failure") is True,
            (_int(g.get("clock_event_reasons")) or 0) & (THERMAL_BITS | POWER_BRAKE_BIT))


def classify(record: Mapping[str, Any]) -> tuple[str, str, bool]:
    """``(group key, cause in words, only throttled)`` of one unhealthy-GPU record.

    The group is the most urgent of the record's causes; "only throttled" means no XID,
    ECC error, row-remap failure or lost GPU: a site cause may explain it.
    """
    status, xid, dbe, remap, mask = _signature(record)
    return _classify(status, xid, dbe, remap, mask)


def _classify(status: Any, xid: int | None, dbe: int, remap: bool, mask: int,
              ) -> tuple[str, str, bool]:
    groups = []
    if remap:
        groups.append("rma")
    if status == "off_bus":
        groups.append("power_cycle")
    if xid is not None:
        groups.append(XID_GROUP.get(xid, "diagnose"))
    if dbe > 0 and xid not in ECC_XIDS:
        groups.append("drain_reset")
    if mask & THERMAL_BITS:
        groups.append("cooling")
    if mask & POWER_BRAKE_BIT:
        groups.append("power_supply")
    only_throttled = bool(groups) and set(groups) <= THROTTLE_GROUPS and status != "off_bus"
    if not groups:
        groups.append("diagnose")
    group = min(groups, key=GROUP_RANK.__getitem__)
    record = {"status": status, "xid": xid, "ecc_dbe": dbe, "row_remap_failure": remap,
              "clock_event_reasons": mask, "temp_c": None}
    cause, _ = describe_gpu(record)
    return group, cause, only_throttled


# -- the store ----------------------------------------------------------------------------
class MaintenanceStore(Protocol):
    """Where the tracker writes the list's changes (the SQLite cache implements it)."""

    def write_maintenance(self, time: float, changed: Sequence[MaintenanceItem],
                          gone: Sequence[str], *, complete: bool = False) -> None:
        """Record at ``time`` the items that appeared or changed and the devices (UUIDs)
        that left the list. ``complete``: ``changed`` is the whole list; any other item
        recorded as listed has left (the tracker's first write, or after a failed one)."""


# -- the tracker --------------------------------------------------------------------------
@dataclass(slots=True)
class _Gone:
    left: float
    count: int
    first_seen: float


class MaintenanceTracker:
    """Keeps the maintenance list from poll to poll (call from one thread).

    ``store`` (optional) receives each update's changes; its failures are logged, never
    raised, and the next write after a failure is a complete one.
    """

    def __init__(self, store: MaintenanceStore | None = None,
                 repeat_window_s: float = REPEAT_WINDOW_S) -> None:
        self.store = store
        self.repeat_window_s = float(repeat_window_s)
        self.current: MaintenanceList | None = None
        """The list the last update returned (None before the first)."""
        self._items: dict[str, MaintenanceItem] = {}
        self._gone: dict[str, _Gone] = {}
        self._classified: dict[tuple[Any, ...], tuple[str, str, bool]] = {}
        self._jobs_obj: JobsSnapshot | None = None
        self._jobs_sorted: tuple[np.ndarray, np.ndarray] | None = None
        self._job_text: dict[int, tuple[str, str]] = {}
        self._site: tuple[SiteTopology | None, dict[str, tuple[int, str, str]]] = (None, {})
        self._synced = False
        self._store_failing = False
        self._pruned = -math.inf
        self._seen: dict[Any, tuple[tuple[Any, ...], MaintenanceItem | None]] = {}
        """Per device: its last record's deciding fields and the item made of it."""
        self._site_racks: frozenset[str] = frozenset()
        self._resumed: set[str] = set()
        """Devices taken up from the store and not yet seen again (see :meth:`resume`)."""

    # -- public ---------------------------------------------------------------------------
    def update(self, gpus: UnhealthyGpus, jobs: JobsSnapshot | None = None,
               topology: SiteTopology | None = None, site_racks: Collection[str] = (),
               ) -> MaintenanceList:
        """The list after the unhealthy-GPU list ``gpus`` (hub time ``gpus.time``).

        ``jobs`` names each item's tenant and job (the last one given is kept for updates
        without); ``topology`` fills a missing hall or row; ``site_racks`` (racks under an
        active site alarm) takes only-throttled GPUs there off the list. Writes the changes
        to the store. Cost: O(unhealthy GPUs), about 2-4 ms for 3,000.
        """
        t = float(gpus.time)
        site_racks = site_racks if isinstance(site_racks, frozenset | set) else frozenset(site_racks)
        moved = site_racks ^ self._site_racks  # racks whose site alarm came or went
        self._site_racks = frozenset(site_racks)
        rebuilt = topology is not None and topology is not self._site[0]
        if rebuilt:
            self._seen.clear()  # site order and halls change: every item is rebuilt
        racks = self._rack_info(topology)
        jobs_same = jobs is None or jobs is self._jobs_obj
        jobs_text = self._job_lookup(jobs, gpus.gpus if not jobs_same else ())
        seen, new_seen = self._seen, {}
        old_items = self._items
        new_items: dict[str, MaintenanceItem] = {}
        changed: list[MaintenanceItem] = []
        site_caused = 0
        for g in gpus.gpus:
            try:
                key = _KEY(g)
            except KeyError:  # a hub that omits optional fields
                key = tuple(map(g.get, _KEY_FIELDS))
            device = g.get("uuid")
            last = seen.get(device)
            if last is not None and last[0] == key and key[5] not in moved:
                old = last[1]
                if old is None:  # still explained by a site alarm
                    site_caused += 1
                    new_seen[device] = last
                    continue
                if jobs_same or old.job_id is None or jobs_text.get(old.job_id) == (
                        old.job_name, old.tenant):
                    new_items[old.device] = old
                    new_seen[device] = last
                    continue
            item = self._classify_one(g, t, key, site_racks, racks, jobs_text, old_items)
            new_seen[device] = (key, item)
            if item is None:
                site_caused += 1
                continue
            new_items[item.device] = item
            if old_items.get(item.device) is not item:
                changed.append(item)
        self._seen = new_seen
        gone_now = [d for d in old_items if d not in new_items]
        for d in gone_now:
            o = old_items[d]
            self._gone[d] = _Gone(t, o.count, o.first_seen)
        self._forget_old(t)
        self._items = new_items
        prev = self.current
        if prev is not None and not changed and not gone_now:
            result = MaintenanceList(t, prev.items, prev.counts, site_caused)
        elif prev is not None and len(changed) + len(gone_now) <= 64 and not rebuilt:
            result = _amend(prev, t, changed, gone_now, site_caused)
        else:
            result = make_list(t, list(new_items.values()), site_caused)
        self.current = result
        self._write(t, changed, gone_now)
        return result

    def _classify_one(self, g: Mapping[str, Any], t: float, key: tuple[Any, ...],
                      site_racks: Collection[str], racks: Mapping[str, tuple[int, str, str]],
                      jobs_text: Mapping[int, tuple[str, str]],
                      old_items: Mapping[str, MaintenanceItem]) -> MaintenanceItem | None:
        """One record's item (the previous one when nothing about it changed); None when a
        site alarm explains it."""
        sig = key[:5]
        found = self._classified.get(sig)
        if found is None:
            found = self._classified[sig] = classify(g)
        group, cause, only_throttled = found
        rack = str(g.get("rack", ""))
        if only_throttled and rack in site_racks:
            return None
        device = str(g.get("uuid", ""))
        since = g.get("since")
        since = float(since) if isinstance(since, int | float) and math.isfinite(since) else t
        job_id = g.get("job_id")
        job_id = job_id if isinstance(job_id, int) and not isinstance(job_id, bool) else None
        job_name, tenant = ("", "") if job_id is None else (
            jobs_text.get(job_id)
            or self._job_lookup(self._jobs_obj, ({"job_id": job_id},)).get(job_id, ("", "")))
        node_state = str(g.get("node_state") or "up")
        old = old_items.get(device)
        if old is not None:
            count, first_seen, last_seen = old.count, old.first_seen, old.last_seen
            if device in self._resumed:
                # First sight after a restart: a hub that restarted too may report the same
                # fault with a new time; that is no new report.
                self._resumed.discard(device)
                last_seen = max(last_seen, since)
            elif since > last_seen + NEW_REPORT_S:
                count, last_seen = count + 1, since
        else:
            gone = self._gone.pop(device, None)
            if gone is not None and t - gone.left <= self.repeat_window_s:
                count, first_seen, last_seen = gone.count + 1, gone.first_seen, since
            else:
                count, first_seen, last_seen = 1, since, since
        if count >= REPEAT_RMA and group in HARDWARE_GROUPS:
            cause = REPEATED.format(cause, count)
            group = "rma"
        if (old is not None and old.group == group and old.count == count
                and old.cause == cause and old.job_id == job_id and old.tenant == tenant
                and old.job_name == job_name and old.node_state == node_state
                and old.status == g.get("status") and old.last_seen == last_seen):
            return old
        return self._item(g, device, rack, racks, group, cause, job_id, job_name, tenant,
                          first_seen, last_seen, count, node_state)

    def resume(self, mlist: MaintenanceList | None) -> int:
        """Take up the list a previous run left in the store (from ``maintenance_at(now)``),
        so a restart keeps each item's ``count`` and ``first_seen`` and writes only what
        changed since. Returns the number of items taken up."""
        if mlist is None or not len(mlist):
            return 0
        self._items = {i.device: i for i in mlist.items}
        self._resumed = set(self._items)
        self.current = mlist
        self._synced = True  # the store holds these items open already
        return len(self._items)

    def forget(self) -> None:
        """Drop every item and repeat memory (the next update starts a fresh list)."""
        self._items.clear()
        self._gone.clear()
        self._seen.clear()
        self._resumed.clear()
        self.current = None
        self._synced = False

    # -- internals ------------------------------------------------------------------------
    def _item(self, g: Mapping[str, Any], device: str, rack: str,
              racks: Mapping[str, tuple[int, str, str]], group: str, cause: str,
              job_id: int | None, job_name: str, tenant: str, first_seen: float,
              last_seen: float, count: int, node_state: str) -> MaintenanceItem:
        where = racks.get(rack)
        hall = str(g.get("hall") or (where[1] if where else ""))
        row = str(g.get("row") or (where[2] if where else ""))
        slot = _int(g.get("slot"))
        node = str(g.get("node", ""))
        order = (GROUP_RANK[group], hall, rack, node, -1 if slot is None else slot, device)
        return MaintenanceItem(
            device=device, slot=slot, node=node, host=str(g.get("host") or ""), rack=rack,
            row=row, hall=hall, model=str(g.get("model") or ""), status=str(g.get("status", "")),
            xid=_int(g.get("xid")), cause=cause, group=group, job_id=job_id,
            job_name=job_name, tenant=tenant, first_seen=first_seen, last_seen=last_seen,
            count=count, node_state=node_state, order=order)

    def _forget_old(self, t: float) -> None:
        """Drop the repeat memory of devices healthy for longer than the window (hourly)."""
        if t - self._pruned < 3600.0:
            return
        self._pruned = t
        limit = t - self.repeat_window_s
        self._gone = {d: g for d, g in self._gone.items() if g.left >= limit}

    def _rack_info(self, topology: SiteTopology | None) -> Mapping[str, tuple[int, str, str]]:
        """Rack id -> (site position, hall, row), built once per topology (fills a record's
        missing hall or row)."""
        if topology is None:
            return self._site[1]
        if self._site[0] is not topology:
            info = {str(r.get("id")): (i, str(r.get("hall", "")), str(r.get("row", "")))
                    for i, r in enumerate(topology.racks)}
            self._site = (topology, info)
        return self._site[1]

    def _job_lookup(self, jobs: JobsSnapshot | None, gpus: Sequence[Mapping[str, Any]],
                    ) -> Mapping[int, tuple[str, str]]:
        """Job id -> (job name, tenant) for the jobs on listed GPUs (looked up once each)."""
        if jobs is None:
            return self._job_text
        if jobs is not self._jobs_obj:
            self._jobs_obj = jobs
            self._job_text = {}
            ids = jobs.columns.get("id")
            if ids is None or not len(ids):
                self._jobs_sorted = None
            else:
                ids = np.asarray(ids)
                if len(ids) < 2 or bool(np.all(ids[1:] > ids[:-1])):  # usually sorted already
                    self._jobs_sorted = (ids, np.arange(len(ids)))
                else:
                    order = np.argsort(ids, kind="stable")
                    self._jobs_sorted = (ids[order], order)
        known = self._job_text
        wanted = {j for g in gpus if isinstance(j := g.get("job_id"), int) and j not in known}
        if wanted and self._jobs_sorted is not None:
            keys = np.fromiter(wanted, np.int64, len(wanted))
            sorted_ids, order = self._jobs_sorted
            at = np.clip(np.searchsorted(sorted_ids, keys), 0, len(sorted_ids) - 1)
            hit = sorted_ids[at] == keys
            names = jobs.columns.get("name")
            tenants = jobs.columns.get("tenant")
            for key, pos, ok in zip(keys.tolist(), order[at].tolist(), hit.tolist(), strict=True):
                if ok:
                    name = "" if names is None or names[pos] is None else str(names[pos])
                    tenant = "" if tenants is None or tenants[pos] is None else str(tenants[pos])
                    known[key] = (name, tenant)
                else:
                    known[key] = ("", "")
        return known

    def _write(self, t: float, changed: list[MaintenanceItem], gone: list[str]) -> None:
        store = self.store
        if store is None:
            return
        complete = not self._synced
        if not (changed or gone or complete):
            return
        try:
            if complete:
                store.write_maintenance(t, list(self._items.values()), [], complete=True)
            else:
                store.write_maintenance(t, changed, gone)
        except Exception as exc:  # the cache is a cache: the list goes on without it
            self._synced = False
            if not self._store_failing:
                log.warning("maintenance list not recorded: %s", exc)
            self._store_failing = True
            return
        self._synced = True
        self._store_failing = False


def maintenance_summary(mlist: MaintenanceList | None, max_items: int | None = None,
                        ) -> dict[str, Any] | None:
    """The list as plain data for a handover: time, counts per group, items (capped)."""
    if mlist is None:
        return None
    items = mlist.items if max_items is None else mlist.items[:max_items]
    return {
        "time": mlist.time,
        "groups": {k: int(v) for k, v in mlist.counts.items()},
        "items": len(mlist.items),
        "site_caused": mlist.site_caused,
        "list": [i.to_dict() | {"action": i.action} for i in items],
    }
