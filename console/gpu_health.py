"""GPU health in the operator's words: XID catalogue, clock-event reasons, fleet roll-up.

The XID entries follow NVIDIA's XID catalogue (docs.nvidia.com/deploy/xid-errors): what the
driver reports, in words a shift operator reads at 3 a.m., and the first action to take. The
clock-event reason bits are NVML's ``nvmlClocksEventReason*`` constants (the bitmask
``nvidia-smi -q`` prints under "Clocks Event Reasons"). Everything here is plain Python,
and every function is total: any value (None, NaN, a string, a list, a number out of range)
reads as unknown or "none" and never raises.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from console.i18n import QT_TRANSLATE_NOOP, say_again, translate
from console.model import GPU_LIMITS, SiteTopology, UnhealthyGpus
from console.text import plain

STATUSES: tuple[str, ...] = ("degraded", "failed", "off_bus")
"""Unhealthy GPU statuses, least to most severe (``healthy`` is everything else)."""

STATUS_WORDS: Mapping[str, str] = {
    "healthy": QT_TRANSLATE_NOOP("GpuHealth", "healthy"),
    "degraded": QT_TRANSLATE_NOOP("GpuHealth", "degraded"),
    "failed": QT_TRANSLATE_NOOP("GpuHealth", "failed"),
    "off_bus": QT_TRANSLATE_NOOP("GpuHealth", "off the bus"),
}
"""Each status in English words (:func:`status_word`: in the chosen language)."""


def status_word(status: str) -> str:
    """``status`` in words in the chosen language (an unknown status as given)."""
    words = STATUS_WORDS.get(status)
    return status if words is None else translate("GpuHealth", words)


@dataclass(frozen=True, slots=True)
class XidInfo:
    """One entry of the XID catalogue."""

    xid: int
    mnemonic: str
    words: str
    action: str
    severity: str
    """critical, high, medium or low: how urgently the action is needed."""

    @property
    def label(self) -> str:
        """:attr:`words` in the chosen language."""
        return local_cause(self.words)

    @property
    def advice(self) -> str:
        """:attr:`action` in the chosen language."""
        return local_action(self.action)


def _x(xid: int, mnemonic: str, words: str, action: str, severity: str) -> XidInfo:
    return XidInfo(xid, mnemonic, words, action, severity)


XID_CATALOGUE: Mapping[int, XidInfo] = {
    x.xid: x
    for x in (
        _x(8, "ROBUST_CHANNEL_FIFO_ERROR_IDLE_TIMEOUT",
           QT_TRANSLATE_NOOP("GpuHealth", "GPU stopped processing (channel timeout)"),
           QT_TRANSLATE_NOOP("GpuHealth", "Restart the job; if it repeats on this GPU, drain the node and reset the GPU."),
           "medium"),
        _x(13, "GR_EXCEPTION",
           QT_TRANSLATE_NOOP("GpuHealth", "Graphics engine exception (often an application fault)"),
           QT_TRANSLATE_NOOP("GpuHealth", "Restart the job; if it repeats with other jobs on this GPU, drain the node and run DCGM diagnostics (dcgmi diag -r 3)."),
           "low"),
        _x(31, "MMU_ERR_FLT",
           QT_TRANSLATE_NOOP("GpuHealth", "GPU memory page fault (illegal address, usually the application)"),
           QT_TRANSLATE_NOOP("GpuHealth", "Tell the tenant (application bug is likeliest); if it repeats across jobs, drain the node and run DCGM diagnostics."),
           "low"),
        _x(43, "RESETCHANNEL_VERIF_ERROR",
           QT_TRANSLATE_NOOP("GpuHealth", "GPU stopped processing: the application hit a software fault; the GPU itself is healthy"),
           QT_TRANSLATE_NOOP("GpuHealth", "No hardware action: the job was stopped; restart it."),
           "low"),
        _x(45, "PREEMPTIVE_REMOVAL",
           QT_TRANSLATE_NOOP("GpuHealth", "Preemptive cleanup after an earlier error or a killed job"),
           QT_TRANSLATE_NOOP("GpuHealth", "No action alone; look for an earlier XID on this GPU and act on that one."),
           "low"),
        _x(48, "DBE",
           QT_TRANSLATE_NOOP("GpuHealth", "Uncorrectable (double-bit) ECC memory error"),
           QT_TRANSLATE_NOOP("GpuHealth", "Drain the node and reset the GPU to remap the row; if remapping fails (XID 64), replace the GPU."),
           "high"),
        _x(61, "PMU_BREAKPOINT",
           QT_TRANSLATE_NOOP("GpuHealth", "Internal micro-controller breakpoint/warning"),
           QT_TRANSLATE_NOOP("GpuHealth", "Drain the node and reset the GPU; open a case with NVIDIA if it repeats."),
           "high"),
        _x(62, "PMU_HALT",
           QT_TRANSLATE_NOOP("GpuHealth", "Internal micro-controller halted"),
           QT_TRANSLATE_NOOP("GpuHealth", "Drain the node and reset the GPU; open a case with NVIDIA if it repeats."),
           "high"),
        _x(63, "ROW_REMAP_EVENT",
           QT_TRANSLATE_NOOP("GpuHealth", "ECC row remapping recorded (pending until GPU reset)"),
           QT_TRANSLATE_NOOP("GpuHealth", "Drain the node and reset the GPU at the next opportunity to apply the remap."),
           "medium"),
        _x(64, "ROW_REMAP_FAILURE",
           QT_TRANSLATE_NOOP("GpuHealth", "ECC row remapping failed: no spare rows left"),
           QT_TRANSLATE_NOOP("GpuHealth", "Drain the node and replace the GPU (RMA)."),
           "critical"),
        _x(74, "NVLINK_ERROR",
           QT_TRANSLATE_NOOP("GpuHealth", "NVLink error (link training or data errors)"),
           QT_TRANSLATE_NOOP("GpuHealth", "Drain the node; reset the GPU; check NVLink cabling/NVSwitch tray; service the hardware if it persists."),
           "high"),
        _x(79, "GPU_HAS_FALLEN_OFF_THE_BUS",
           QT_TRANSLATE_NOOP("GpuHealth", "GPU has fallen off the bus (not reachable on PCIe)"),
           QT_TRANSLATE_NOOP("GpuHealth", "Drain the node and power-cycle it; check PCIe seating, power and cooling; replace the GPU or baseboard if it repeats."),
           "critical"),
        _x(92, "HIGH_SBE_RATE",
           QT_TRANSLATE_NOOP("GpuHealth", "High rate of correctable (single-bit) ECC errors"),
           QT_TRANSLATE_NOOP("GpuHealth", "Watch the SBE count; drain and reset the GPU at the next opportunity; replace if the rate stays high."),
           "medium"),
        _x(94, "CONTAINED_ECC_ERROR",
           QT_TRANSLATE_NOOP("GpuHealth", "Contained ECC error: one application was stopped, others are unaffected"),
           QT_TRANSLATE_NOOP("GpuHealth", "Restart the stopped job; drain and reset the GPU at the next opportunity to remap the row."),
           "medium"),
        _x(95, "UNCONTAINED_ECC_ERROR",
           QT_TRANSLATE_NOOP("GpuHealth", "Uncontained ECC error: every application on the GPU is affected"),
           QT_TRANSLATE_NOOP("GpuHealth", "Drain the node now and reset the GPU; replace it if the reset does not clear it."),
           "critical"),
        _x(119, "GSP_RPC_TIMEOUT",
           QT_TRANSLATE_NOOP("GpuHealth", "GPU System Processor (GSP) did not answer in time"),
           QT_TRANSLATE_NOOP("GpuHealth", "Drain the node and reset the GPU; if it repeats, check the driver version and open a case with NVIDIA."),
           "high"),
        _x(120, "GSP_ERROR",
           QT_TRANSLATE_NOOP("GpuHealth", "GPU System Processor (GSP) error"),
           QT_TRANSLATE_NOOP("GpuHealth", "Drain the node and reset the GPU; if it repeats, open a case with NVIDIA."),
           "high"),
        _x(140, "UNRECOVERED_ECC_ERROR",
           QT_TRANSLATE_NOOP("GpuHealth", "Unrecovered ECC error (memory)"),
           QT_TRANSLATE_NOOP("GpuHealth", "Drain the node and reset the GPU; replace it if the error returns."),
           "high"),
        _x(154, "GPU_RECOVERY_ACTION_CHANGED",
           QT_TRANSLATE_NOOP("GpuHealth", "The driver asks for a recovery action (reset or reboot)"),
           QT_TRANSLATE_NOOP("GpuHealth", "Drain the node and perform the requested reset or reboot."),
           "high"),
    )
}
"""NVIDIA's XIDs the console knows, in English (:meth:`XidInfo.label` and
:meth:`XidInfo.advice`: in the chosen language)."""


APPLICATION_XIDS: frozenset[int] = frozenset({13, 31, 43, 45})
"""XIDs NVIDIA's catalogue puts on the application (illegal address, exception, killed
channel, cleanup): the job's problem, not the GPU's."""

RESET_XIDS: frozenset[int] = frozenset({48, 61, 62, 63, 64, 74, 79, 92, 94, 95, 119, 120,
                                        140, 154})
"""XIDs whose recovery is a GPU reset, a node reboot or a return for repair (the
maintenance list's ``rma``, ``power_cycle``, ``drain_reset``, ``drain_p2p`` and
``reset_next_drain`` groups): they do not go away by waiting."""

XID_CLEAR_S = 600.0
"""A GPU whose XID does not need a reset counts as healthy again after this long without
a new XID."""


def _whole(value: Any, limits: tuple[float, float] = (0, 2**64)) -> int | None:
    """``value`` as an ``int`` when a whole number (not a boolean) inside ``limits``."""
    if type(value) is int:
        return value if limits[0] <= value <= limits[1] else None
    if isinstance(value, float | np.floating | np.integer) and not isinstance(value, bool):
        number = float(value)
        if math.isfinite(number) and number.is_integer() and limits[0] <= number <= limits[1]:
            return int(number)
    return None


def xid_verdict(last: int | None, last_is_new: bool, window: Sequence[int] = ()) -> int | None:
    """The XID that makes a GPU unhealthy now, or None when it counts as healthy.

    The rule (README "Real backends"), for dcgm-exporter's two XID signals:

    - ``last``: ``DCGM_FI_DEV_XID_ERRORS``, the last XID the GPU reported. dcgm-exporter
      keeps it until the exporter restarts, also after the GPU recovered (a known
      limitation), so it alone says nothing about *now*.
    - ``last_is_new``: that value changed (or its series appeared) within the last
      :data:`XID_CLEAR_S` seconds; ``window``: the XIDs ``DCGM_EXP_XID_ERRORS_COUNT``
      counted in its window (label ``xid`` or ``err_code``), where the exporter has it.

    1. An XID that needs a reset, a reboot or a repair (:data:`RESET_XIDS`) keeps the GPU
       unhealthy for as long as the exporter holds it as the last XID: until the GPU's
       counter resets (the exporter restarts, as it does when the node reboots or the
       GPU is reset and the exporter restarted). It never expires by waiting.
    2. Any other XID (application XIDs 13, 31, 43, 45, XID 8, XIDs not in the catalogue)
       counts only while it is recent: seen in the exporter's window, or ``last`` changed
       to it within :data:`XID_CLEAR_S`. With no new XID for that long the GPU counts as
       healthy again, although the exporter still shows the old value.
    3. Application XIDs (:data:`APPLICATION_XIDS`) are the job's problem: while recent
       they make the GPU at most *degraded* (the maintenance list says "restart the
       application"), never failed, and never for good.

    Of several XIDs the most severe (catalogue severity) is returned.
    """
    found: list[int] = []
    last = _whole(last, _XIDS)
    if last and last in RESET_XIDS:
        found.append(last)
    if last and last_is_new:
        found.append(last)
    found += [x for x in (_whole(w, _XIDS) for w in window or ()) if x]
    if not found:
        return None
    rank = {"low": 0, "medium": 1, "high": 2, "critical": 3}

    def weight(x: int) -> tuple[bool, int, int]:
        info = xid_info(x)
        return x in RESET_XIDS, rank.get(info.severity, 1) if info is not None else 1, x

    return max(found, key=weight)


def xid_info(xid: int | None) -> XidInfo | None:
    """The catalogue entry of ``xid``; an 'unlisted XID' entry for codes not in it; None
    for None or anything that is no XID code."""
    xid = _whole(xid, _XIDS)
    if xid is None:
        return None
    info = XID_CATALOGUE.get(xid)
    if info is None:
        return XidInfo(xid, "UNLISTED", _UNLISTED.format(xid), _UNLISTED_ACTION, "medium")
    return info


@dataclass(frozen=True, slots=True)
class ClockReason:
    """One bit of NVML's clock-event reasons."""

    bit: int
    name: str
    words: str
    abnormal: bool
    """True where the bit means the GPU is slowed by a fault or a limit the floor must act on."""


CLOCK_EVENT_REASONS: tuple[ClockReason, ...] = (
    ClockReason(0x1, "GpuIdle", QT_TRANSLATE_NOOP("GpuHealth", "GPU idle"), False),
    ClockReason(0x2, "ApplicationsClocksSetting", QT_TRANSLATE_NOOP("GpuHealth", "applications clocks setting"), False),
    ClockReason(0x4, "SwPowerCap", QT_TRANSLATE_NOOP("GpuHealth", "SW power cap"), False),
    ClockReason(0x8, "HwSlowdown", QT_TRANSLATE_NOOP("GpuHealth", "HW slowdown"), True),
    ClockReason(0x10, "SyncBoost", QT_TRANSLATE_NOOP("GpuHealth", "sync boost"), False),
    ClockReason(0x20, "SwThermalSlowdown", QT_TRANSLATE_NOOP("GpuHealth", "SW thermal slowdown"), True),
    ClockReason(0x40, "HwThermalSlowdown", QT_TRANSLATE_NOOP("GpuHealth", "HW thermal slowdown"), True),
    ClockReason(0x80, "HwPowerBrakeSlowdown", QT_TRANSLATE_NOOP("GpuHealth", "HW power brake slowdown"), True),
    ClockReason(0x100, "DisplayClockSetting", QT_TRANSLATE_NOOP("GpuHealth", "display clock setting"), False),
)
_KNOWN_BITS = sum(r.bit for r in CLOCK_EVENT_REASONS)
_XIDS = GPU_LIMITS["xid"]
_MASKS = GPU_LIMITS["clock_event_reasons"]


def decode_clock_events(mask: int | None) -> tuple[ClockReason, ...]:
    """The reasons set in ``mask`` (NVML order); empty for 0, None or no bit mask."""
    m = _whole(mask, _MASKS)
    if not m:
        return ()
    return tuple(r for r in CLOCK_EVENT_REASONS if m & r.bit)


def clock_event_words(mask: int | None) -> str:
    """``mask`` in words, e.g. 'SW power cap' or 'GPU idle'; 'none' for 0, 'n/a' for None
    or anything that is no bit mask."""
    m = _whole(mask, _MASKS)
    if m is None:
        return translate("GpuHealth", "n/a")
    words = [translate("GpuHealth", r.words) for r in decode_clock_events(m)]
    if m & ~_KNOWN_BITS:
        words.append(translate("GpuHealth", "other (0x{0})").format(f"{m & ~_KNOWN_BITS:x}"))
    return ", ".join(words) if words else translate("GpuHealth", "none")


def clock_events_abnormal(mask: int | None) -> bool:
    """True when ``mask`` holds a slowdown the floor must act on (HW/thermal/power brake)."""
    return any(r.abnormal for r in decode_clock_events(mask))


_HOT_ACTION = QT_TRANSLATE_NOOP(
    "GpuHealth",
    "Check the rack's cooling and inlet temperature; drain the node if the GPU stays hot.")
_CLOCK_ACTIONS = {
    0x40: _HOT_ACTION,
    0x20: _HOT_ACTION,
    0x80: QT_TRANSLATE_NOOP(
        "GpuHealth", "Check the rack's PDU feeds and power supplies (power brake asserted)."),
    0x8: QT_TRANSLATE_NOOP(
        "GpuHealth",
        "Check power supplies and cooling of the node; drain it if the slowdown persists."),
}

# The words :func:`describe_gpu` writes, in English (:func:`local_cause` and
# :func:`local_action` say them in the chosen language).
_UNLISTED = QT_TRANSLATE_NOOP("GpuHealth", "XID {0} (not in the console's catalogue)")
_UNLISTED_ACTION = QT_TRANSLATE_NOOP(
    "GpuHealth", "Look the XID up in NVIDIA's XID catalogue; drain the node if it repeats.")
_XID_CAUSE = QT_TRANSLATE_NOOP("GpuHealth", "XID {0}: {1}")
_OFF_BUS = QT_TRANSLATE_NOOP("GpuHealth", "GPU off the bus (not reachable on PCIe)")
_REMAP_FAILED = QT_TRANSLATE_NOOP("GpuHealth", "ECC row remapping failed")
_DBE = QT_TRANSLATE_NOOP("GpuHealth", "{0} uncorrectable (double-bit) ECC error(s)")
_THROTTLED_AT = QT_TRANSLATE_NOOP("GpuHealth", "Throttled: {0} at {1:.0f} °C")
_THROTTLED = QT_TRANSLATE_NOOP("GpuHealth", "Throttled: {0}")
_HOT = QT_TRANSLATE_NOOP("GpuHealth", "Hot: {0:.0f} °C (no throttling reported)")
_NO_CAUSE = QT_TRANSLATE_NOOP("GpuHealth", "GPU {0} (no cause reported)")
_LOST_ACTION = QT_TRANSLATE_NOOP(
    "GpuHealth", "Drain the node and run DCGM diagnostics (dcgmi diag -r 3).")
_WATCH_ACTION = QT_TRANSLATE_NOOP(
    "GpuHealth", "Watch it; run DCGM diagnostics when the node is next drained.")
_NO_ACTION = QT_TRANSLATE_NOOP("GpuHealth", "none")
REPEATED = QT_TRANSLATE_NOOP("GpuHealth", "{0} (reported {1} times in 24 h)")
"""A cause reported again and again (the maintenance list's repair rule)."""
_CAUSES = (_XID_CAUSE, _DBE, _THROTTLED_AT, _THROTTLED, _HOT, _NO_CAUSE)
_CAUSE_PARTS: tuple[str, ...] = ()  # every fixed English phrase a cause's values may be


def _cause_parts() -> tuple[str, ...]:
    global _CAUSE_PARTS
    if not _CAUSE_PARTS:
        _CAUSE_PARTS = (*(x.words for x in XID_CATALOGUE.values()), _UNLISTED,
                        *(r.words for r in CLOCK_EVENT_REASONS), *STATUS_WORDS.values())
    return _CAUSE_PARTS


def local_cause(cause: str) -> str:
    """A cause :func:`describe_gpu` wrote (or a catalogue entry's words, or the maintenance
    list's :data:`REPEATED`) in the chosen language; other text as it is."""
    if not isinstance(cause, str):
        return cause
    repeated = say_again("GpuHealth", cause, (REPEATED,), local_cause)
    if repeated != cause:  # its first value is a cause of its own
        return repeated
    parts = cause.split("; ")
    fixed = (_OFF_BUS, _REMAP_FAILED, *_cause_parts())
    return "; ".join(translate("GpuHealth", p) if p in fixed
                     else say_again("GpuHealth", p, _CAUSES, _cause_parts()) for p in parts)


def local_action(action: str) -> str:
    """An action :func:`describe_gpu` wrote in the chosen language."""
    return translate("GpuHealth", action) if isinstance(action, str) else action

HOT_GPU_C = 85.0
"""A GPU this hot is degraded by its heat alone (the Prometheus source's ``hot_c``): said
as the cause where no clock reason explains it (clock reasons not collected)."""

_STATUS_RANK = {"healthy": 0, "degraded": 1, "failed": 2, "off_bus": 3}
_SEVERITY_RANK = {"low": 0, "medium": 1, "high": 2, "critical": 3}


def _num(value: Any, limits: tuple[float, float] = (-1e300, 1e300)) -> float | None:
    if type(value) is float:  # the common case first
        return value if limits[0] <= value <= limits[1] else None  # NaN fails both
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if limits[0] <= number <= limits[1] else None  # NaN fails both


def describe_gpu(record: Mapping[str, Any]) -> tuple[str, str]:
    """Cause in words and the recommended action for one unhealthy-GPU record.

    ``record`` has the hub API's UnhealthyGpu shape (status, xid, ecc_dbe,
    row_remap_failure, clock_event_reasons, temp_c, ...); missing keys are tolerated.
    Causes are listed most severe first; the action is that of the most severe cause.
    """
    if not isinstance(record, Mapping):
        record = {}
    causes: list[tuple[int, str, str]] = []  # (rank, words, action)
    status = record.get("status")
    status = status if isinstance(status, str) else ""
    info = xid_info(record.get("xid"))
    if info is not None:
        causes.append((_SEVERITY_RANK.get(info.severity, 1) + 10,
                       _XID_CAUSE.format(info.xid, info.words), info.action))
    if status == "off_bus" and (info is None or info.xid != 79):
        off = XID_CATALOGUE[79]
        causes.append((14, _OFF_BUS, off.action))
    if record.get("row_remap_failure") is True and (info is None or info.xid != 64):
        rr = XID_CATALOGUE[64]
        causes.append((13, _REMAP_FAILED, rr.action))
    dbe = _whole(record.get("ecc_dbe"), GPU_LIMITS["ecc_dbe"])
    if dbe and dbe > 0 and (info is None or info.xid not in (48, 94, 95)):
        causes.append((12, _DBE.format(dbe),
                       XID_CATALOGUE[48].action))
    slow = [r for r in decode_clock_events(record.get("clock_event_reasons")) if r.abnormal]
    if slow:
        temp = _num(record.get("temp_c"), GPU_LIMITS["temp_c"])
        said = ", ".join(r.words for r in slow)
        words = _THROTTLED.format(said) if temp is None else _THROTTLED_AT.format(said, temp)
        worst = max(slow, key=lambda r: r.bit)
        causes.append((5, words, _CLOCK_ACTIONS.get(worst.bit, _CLOCK_ACTIONS[0x8])))
    temp = _num(record.get("temp_c"), GPU_LIMITS["temp_c"])
    if not causes and status == "degraded" and temp is not None and temp >= HOT_GPU_C:
        causes.append((4, _HOT.format(temp), _CLOCK_ACTIONS[0x40]))
    if not causes:
        if status in ("failed", "off_bus"):
            return _NO_CAUSE.format(STATUS_WORDS[status]), _LOST_ACTION
        if status == "degraded":
            return _NO_CAUSE.format(STATUS_WORDS[status]), _WATCH_ACTION
        return STATUS_WORDS["healthy"], _NO_ACTION
    causes.sort(key=lambda c: -c[0])
    return "; ".join(c[1] for c in causes), causes[0][2]


def search_text(record: Mapping[str, Any], cause: str, action: str) -> str:
    """One lower-case string per GPU that a free-text filter can search in one pass: where
    the GPU is and what it is (:func:`search_fields`), then its status, cause, action and XID
    (:func:`search_words`), which a list of GPUs has few of and can keep per cause."""
    if not isinstance(record, Mapping):
        record = {}
    return (search_fields([record.get(k, "") for k in SEARCH_KEYS]) + " "
            + search_words(record.get("status"), cause, action, record.get("xid")))


SEARCH_KEYS = ("hall", "row", "rack", "node", "host", "uuid", "model")
"""The fields of a GPU record that :func:`search_fields` reads, in order."""


def search_fields(values: Sequence[object]) -> str:
    """The first part of :func:`search_text`: the values of :data:`SEARCH_KEYS`, lower case."""
    return " ".join([(v if type(v) is str else plain(v))[:_TEXT] for v in values]).lower()


def search_words(status: object, cause: object, action: object, xid: object) -> str:
    """The last part of :func:`search_text`: status as given and in words, cause, action,
    'xid79'."""
    said = plain(status)
    parts = [said[:_TEXT], STATUS_WORDS.get(said, ""), plain(cause), plain(action)]
    number = _whole(xid, _XIDS)
    if number is not None:
        parts.append(f"xid{number}")
    return " ".join(parts).lower()


def describe_key(status: object, xid: object, ecc_dbe: object, row_remap_failure: object,
                 clock_event_reasons: object, temp_c: object) -> tuple[Any, ...]:
    """What :func:`describe_gpu` (and :func:`search_words`) read of a record, as a key under
    which a list of GPUs keeps their description: each value with its type (1, 1.0 and True
    read differently), the temperature as the words say it (rounded, hot or not, shown or
    not). May hold an unhashable value (a list where a count belongs)."""
    temp = _num(temp_c, GPU_LIMITS["temp_c"])
    return (status, type(status), xid, type(xid), ecc_dbe, type(ecc_dbe), row_remap_failure,
            type(row_remap_failure), clock_event_reasons, type(clock_event_reasons),
            None if temp is None else (f"{temp:.0f}", temp >= HOT_GPU_C))


_TEXT = 4096


@dataclass(frozen=True, slots=True)
class RollupRow:
    """GPU counts of one hall and GPU model."""

    hall: str
    model: str
    total: int
    degraded: int = 0
    failed: int = 0
    off_bus: int = 0

    @property
    def unhealthy(self) -> int:
        return self.degraded + self.failed + self.off_bus

    @property
    def healthy(self) -> int:
        return max(0, self.total - self.unhealthy)

    def count(self, status: str) -> int:
        """Count of ``status`` (healthy, degraded, failed, off_bus); 0 for another word."""
        if status == "healthy":
            return self.healthy
        return int(getattr(self, status)) if status in STATUSES else 0


_RACK_HALLS: list[tuple[SiteTopology, dict[str, str]]] = []


def _rack_hall(topology: SiteTopology | None) -> dict[str, str]:
    """Rack id -> hall id of ``topology`` (built once per topology, when a GPU lacks its hall)."""
    if topology is None:
        return {}
    if not _RACK_HALLS or _RACK_HALLS[0][0] is not topology:
        _RACK_HALLS[:] = [(topology, {plain(r.get("id")): plain(r.get("hall", ""))
                                      for r in topology.racks if isinstance(r, Mapping)})]
    return _RACK_HALLS[0][1]


def fleet_rollup(unhealthy: UnhealthyGpus | None, topology: SiteTopology | None,
                 ) -> list[RollupRow]:
    """Healthy / degraded / failed / off-bus counts by hall and GPU model.

    ``total`` comes from the topology (GPUs installed per hall); healthy = total minus
    unhealthy. GPUs whose hall the topology does not know are grouped under their own
    hall name with a total equal to their count, so nothing is dropped silently.
    """
    totals: dict[tuple[str, str], int] = {}
    hall_model: dict[str, str] = {}
    if topology is not None and topology.n_racks:
        per_hall = np.bincount(topology.hall_index.astype(np.int64) + 1,
                               weights=topology.gpus, minlength=len(topology.halls) + 1)
        for i, hall in enumerate(topology.halls):
            if not isinstance(hall, Mapping):
                continue
            hid = plain(hall.get("id", i))
            model = plain(hall.get("gpu_model", ""))
            hall_model[hid] = model
            totals[(hid, model)] = int(per_hall[i + 1])
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for g in unhealthy.gpus if unhealthy is not None else ():
        if not isinstance(g, Mapping):
            continue
        hall_id = plain(g.get("hall") or _rack_hall(topology).get(plain(g.get("rack")), "?"))
        model = hall_model.get(hall_id, plain(g.get("model", "")))
        key = (hall_id, model)
        status = plain(g.get("status"))
        if status not in STATUSES:
            continue
        c = counts.setdefault(key, dict.fromkeys(STATUSES, 0))
        c[status] += 1
    rows = []
    for key in sorted(set(totals) | set(counts)):
        c = counts.get(key, dict.fromkeys(STATUSES, 0))
        total = totals.get(key, sum(c.values()))
        rows.append(RollupRow(key[0], key[1], total, c["degraded"], c["failed"], c["off_bus"]))
    return rows


def rollup_totals(rows: Sequence[RollupRow]) -> RollupRow:
    """The site line: all halls summed."""
    return RollupRow(translate("GpuHealth", "site"), translate("GpuHealth", "all"), sum(r.total for r in rows), sum(r.degraded for r in rows),
                     sum(r.failed for r in rows), sum(r.off_bus for r in rows))


def zone_of(tz: tzinfo | str | None) -> tzinfo | None:
    """``tz`` as a time zone: a tzinfo as it is, an IANA name (the site's) as zoneinfo reads
    it; None (the workstation's local time) for None or a name the workstation does not
    know."""
    if tz is None or isinstance(tz, tzinfo):
        return tz
    try:
        return ZoneInfo(plain(tz))
    except (ValueError, KeyError, OSError):  # ZoneInfoNotFoundError is a KeyError
        return None


def since_words(since: float | None, now: float | None = None,
                tz: tzinfo | str | None = None) -> str:
    """'14:03 (2 h 05 min ago)' in time zone ``tz`` (the site's: a name or a tzinfo; None:
    the workstation's local time); the date when not the day of ``now``; 'unknown' for None
    or anything that is no time the clock can show."""
    return SinceWords(now, tz)(since)


SINCE_CLOCKS = 50_000
"""Most clock words a :class:`SinceClocks` keeps (GPUs that went unhealthy and recovered
leave theirs behind): past it, it starts again."""


@dataclass(slots=True)
class SinceClocks:
    """The clock words ('14:03', '28 Nov 23:59') of "since" times, kept from one list of GPUs
    to the next: a GPU is listed with the same time poll after poll. They hold for one day
    and one time zone."""

    day: tuple[Any, ...] | None = None
    words: dict[float, str] = field(default_factory=dict)


class SinceWords:
    """:func:`since_words` for the GPUs of one list: the list's time, its day and the zone
    are read once, not once per GPU; with ``clocks``, a time said in an earlier list of the
    same day is not converted again."""

    __slots__ = ("_clocks", "_today", "now", "zone")

    def __init__(self, now: float | None = None, tz: tzinfo | str | None = None,
                 clocks: SinceClocks | None = None) -> None:
        at = _num(now)
        self.now = time.time() if at is None else at
        self.zone = zone_of(tz)
        today = self._at(self.now)
        self._today = None if today is None else (today.year, today.month, today.day)
        clocks = SinceClocks() if clocks is None else clocks
        day = (self._today, self.zone)
        if clocks.day != day or len(clocks.words) >= SINCE_CLOCKS:
            clocks.day = day
            clocks.words.clear()
        self._clocks = clocks.words

    def _at(self, t: float) -> datetime | None:
        try:
            return datetime.fromtimestamp(t, self.zone)
        except (OverflowError, ValueError, OSError):  # past what the clock shows
            return None

    def __call__(self, since: object) -> str:
        when = _num(since)
        if when is None or self._today is None:
            return "unknown"
        clock = self._clocks.get(when)
        if clock is None:
            then = self._at(when)
            if then is None:
                return "unknown"
            if (then.year, then.month, then.day) == self._today:
                clock = f"{then.hour:02d}:{then.minute:02d}"
            else:  # time.strftime: datetime's imports the time module on every call
                clock = time.strftime("%d %b %H:%M", then.timetuple())
            self._clocks[when] = clock
        age = max(0, int(self.now - when))
        if age < 60:
            ago = f"{age} s"
        elif age < 3600:
            ago = f"{age // 60} min"
        elif age < 86400:
            ago = f"{age // 3600} h {(age % 3600) // 60:02d} min"
        else:
            ago = f"{age // 86400} d {(age % 86400) // 3600} h"
        return f"{clock} ({ago} ago)"


def clock_words(t: object, tz: tzinfo | str | None = None, fmt: str = "%H:%M:%S") -> str:
    """Epoch time ``t`` in ``fmt`` (no %z or %Z) in time zone ``tz`` (as :func:`since_words`
    reads it); '' for what is no time the clock can show."""
    when = _num(t)
    if when is None:
        return ""
    try:
        return time.strftime(fmt, datetime.fromtimestamp(when, zone_of(tz)).timetuple())
    except (OverflowError, ValueError, OSError):
        return ""


def normalise_query(text: str) -> list[str]:
    """Filter words of a free-text query, lower case; 'XID 79' becomes the token 'xid79'."""
    return re.sub(r"\bxid\s*(\d+)", r"xid\1", plain(text).strip().lower()).split()
