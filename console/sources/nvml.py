"""``nvml://``: this machine's NVIDIA GPUs through NVML (nvidia-ml-py, module ``pynvml``).

The GPUs are shown as one pseudo-rack ``"local"`` of one node (this host). Units
are converted from NVML's (mW -> W, mJ -> J, bytes -> MiB). A reading the board
does not support (``NVMLError_NotSupported``) is None and shown as "n/a"; it is
not an error. No driver on the machine is one line, never a traceback.

Every NVML call goes through ``self.nvml``, a module object (``pynvml`` by
default); tests pass a replay of a recorded GPU that raises pynvml's own
exception classes.
"""

from __future__ import annotations

import importlib
import socket
import time
from collections.abc import Callable
from types import ModuleType
from typing import Any

from console.contract import GPU_STATUSES
from console.decode import DataError, decode_racks, decode_site, decode_unhealthy
from console.model import RackDetailSnapshot, Snapshot
from console.sources.base import FetchContext, Source, SourceError, register_scheme

NO_DRIVER = "no NVIDIA driver on this machine (libnvidia-ml not found)"
RACK_ID = "local"

# Clock event reason bits (nvmlClocksEventReason*) that mean the GPU is being held back
# by heat or a hardware limit. SW power cap (0x4) and idle (0x1) are normal operation.
HW_SLOWDOWN = 0x8
SW_THERMAL = 0x20
HW_THERMAL = 0x40
HW_POWER_BRAKE = 0x80
THROTTLE_BITS = HW_SLOWDOWN | SW_THERMAL | HW_THERMAL | HW_POWER_BRAKE

OFF_BUS_XIDS = frozenset({79})
"""XIDs meaning the GPU fell off the bus."""
FAILED_XIDS = frozenset({48, 63, 64, 74, 92, 94, 95, 119, 120})
"""XIDs meaning a hardware fault (uncorrectable ECC, row-remap, NVLink, GSP)."""


def format_reading(value: float | None, unit: str = "", digits: int = 0) -> str:
    """A reading for display: ``"n/a"`` when the GPU does not report it."""
    if value is None:
        return "n/a"
    text = f"{value:.{digits}f}"
    return f"{text} {unit}".rstrip()


class NvmlSource(Source):
    """Local GPUs as a one-rack site: topology, rack telemetry, unhealthy list, GPU grid."""

    backend = "NVML"
    kinds = ("site", "racks", "gpus")

    def __init__(
        self,
        url: str = "nvml://",
        nvml: ModuleType | Any | None = None,
        hot_c: float = 85.0,
        clock: Callable[[], float] = time.time,
        **_: Any,
    ) -> None:
        super().__init__(url)
        self._nvml = nvml
        self.hot_c = hot_c
        self.clock = clock
        self.host = socket.gethostname().split(".")[0]
        self._handles: list[Any] = []
        self._events: Any = None
        self._xids: dict[int, tuple[int, float]] = {}
        self._xid_log: list[dict[str, Any]] = []
        self._last_read: tuple[float, list[dict[str, Any]]] | None = None
        self._since: dict[str, float] = {}
        self.driver = ""

    @property
    def nvml(self) -> Any:
        """The NVML module in use (``pynvml`` unless one was injected)."""
        if self._nvml is None:
            try:
                self._nvml = importlib.import_module("pynvml")
            except ImportError:
                raise SourceError(self.backend, "nvidia-ml-py is not installed") from None
        return self._nvml

    # --- lifecycle ----------------------------------------------------------------------------

    def _error(self, exc: Exception) -> SourceError:
        nv = self.nvml
        if isinstance(exc, _cls(nv, "NVMLError_LibraryNotFound", "NVMLError_DriverNotLoaded")):
            return SourceError(self.backend, NO_DRIVER)
        if isinstance(exc, _cls(nv, "NVMLError_NoPermission")):
            return SourceError(self.backend, "no permission to read the GPUs")
        return SourceError(self.backend, f"{type(exc).__name__.removeprefix('NVMLError_')}")

    def _init(self) -> None:
        if self._handles:
            return
        nv = self.nvml
        try:
            nv.nvmlInit()
            count = int(nv.nvmlDeviceGetCount())
            self._handles = [nv.nvmlDeviceGetHandleByIndex(i) for i in range(count)]
            self.driver = _text(self._try(nv.nvmlSystemGetDriverVersion) or "")
        except nv.NVMLError as exc:
            raise self._error(exc) from None
        if not self._handles:
            raise SourceError(self.backend, "NVML found no GPU on this machine")
        self._register_events()

    def _register_events(self) -> None:
        nv = self.nvml
        try:
            self._events = nv.nvmlEventSetCreate()
        except nv.NVMLError:
            self._events = None
            return
        for handle in self._handles:
            try:
                nv.nvmlDeviceRegisterEvents(handle, nv.nvmlEventTypeXidCriticalError, self._events)
            except nv.NVMLError:
                continue  # this board cannot report XIDs as events

    def close(self) -> None:
        nv = self._nvml
        if nv is None or not self._handles:
            return
        try:
            if self._events is not None:
                nv.nvmlEventSetFree(self._events)
            nv.nvmlShutdown()
        except nv.NVMLError:
            pass
        self._handles = []
        self._events = None

    # --- reading --------------------------------------------------------------------------------

    def _try(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Call NVML; None when the reading is unsupported or unavailable on this board."""
        nv = self.nvml
        try:
            return fn(*args)
        except _cls(nv, "NVMLError_GpuIsLost"):
            raise
        except nv.NVMLError:
            return None

    def _clock_reasons(self, handle: Any) -> int | None:
        nv = self.nvml
        fn = getattr(nv, "nvmlDeviceGetCurrentClocksEventReasons", None)
        if fn is not None:
            try:
                return int(fn(handle))
            except _cls(nv, "NVMLError_FunctionNotFound"):
                pass  # older driver: fall back to the deprecated name
            except nv.NVMLError:
                return None
        value = self._try(nv.nvmlDeviceGetCurrentClocksThrottleReasons, handle)
        return None if value is None else int(value)

    def _poll_xids(self) -> None:
        """Drain pending XID events without waiting (timeout 0)."""
        nv = self.nvml
        if self._events is None:
            return
        for _ in range(1000):
            try:
                event = nv.nvmlEventSetWait(self._events, 0)
            except nv.NVMLError:
                return  # NVMLError_Timeout: nothing pending
            index = self._index_of(getattr(event, "device", None))
            xid = int(getattr(event, "eventData", 0))
            now = self.clock()
            if index is not None:
                self._xids[index] = (xid, now)
            self._xid_log.append({"index": index, "xid": xid, "time": now})
            del self._xid_log[:-100]

    def _index_of(self, device: Any) -> int | None:
        for i, handle in enumerate(self._handles):
            if handle is device or handle == device:
                return i
        uuid = self._try(self.nvml.nvmlDeviceGetUUID, device) if device is not None else None
        for i, handle in enumerate(self._handles):
            if uuid is not None and self._try(self.nvml.nvmlDeviceGetUUID, handle) == uuid:
                return i
        return None

    def read_gpu(self, index: int) -> dict[str, Any]:
        """One GPU in the hub API's ``Gpu`` shape (None where NVML has no reading)."""
        nv = self.nvml
        h = self._handles[index]
        try:
            return self._read(index, h)
        except _cls(nv, "NVMLError_GpuIsLost"):
            gpu = _blank_gpu(index)
            gpu["status"] = "off_bus"
            return gpu

    def _read(self, index: int, h: Any) -> dict[str, Any]:
        nv = self.nvml
        t = self._try
        util = t(nv.nvmlDeviceGetUtilizationRates, h)
        mem = t(nv.nvmlDeviceGetMemoryInfo, h)
        remap = t(nv.nvmlDeviceGetRemappedRows, h)
        power = t(nv.nvmlDeviceGetPowerUsage, h)
        limit = t(nv.nvmlDeviceGetEnforcedPowerLimit, h)
        energy = t(nv.nvmlDeviceGetTotalEnergyConsumption, h)
        reasons = self._clock_reasons(h)
        xid, xid_time = self._xids.get(index, (None, None))
        gpu: dict[str, Any] = {
            "index": index,
            "uuid": _text(t(nv.nvmlDeviceGetUUID, h) or f"GPU-local-{index}"),
            "model": _text(t(nv.nvmlDeviceGetName, h) or ""),
            "temp_c": _num(t(nv.nvmlDeviceGetTemperature, h, nv.NVML_TEMPERATURE_GPU)),
            "power_w": None if power is None else power / 1000.0,
            "power_limit_w": None if limit is None else limit / 1000.0,
            "util_pct": None if util is None else float(util.gpu),
            "mem_used_mib": None if mem is None else mem.used / 1048576.0,
            "mem_total_mib": None if mem is None else mem.total / 1048576.0,
            "ecc_sbe": _int(
                t(
                    nv.nvmlDeviceGetTotalEccErrors,
                    h,
                    nv.NVML_MEMORY_ERROR_TYPE_CORRECTED,
                    nv.NVML_VOLATILE_ECC,
                )
            ),
            "ecc_dbe": _int(
                t(
                    nv.nvmlDeviceGetTotalEccErrors,
                    h,
                    nv.NVML_MEMORY_ERROR_TYPE_UNCORRECTED,
                    nv.NVML_VOLATILE_ECC,
                )
            ),
            "row_remap_failure": bool(remap[3]) if remap is not None else False,
            "xid": xid,
            "xid_time": xid_time,
            "clock_event_reasons": reasons or 0,
            # Readings beyond the hub's Gpu schema:
            "energy_j": None if energy is None else energy / 1000.0,
            "mem_util_pct": None if util is None else float(util.memory),
            "temp_slowdown_c": _num(
                t(nv.nvmlDeviceGetTemperatureThreshold, h, nv.NVML_TEMPERATURE_THRESHOLD_SLOWDOWN)
            ),
            "sm_clock_mhz": _num(t(nv.nvmlDeviceGetClockInfo, h, nv.NVML_CLOCK_SM)),
            "fan_pct": _num(t(nv.nvmlDeviceGetFanSpeed, h)),
            "remapped_rows_unc": None if remap is None else int(remap[1]),
            "remap_pending": None if remap is None else bool(remap[2]),
            "clock_event_reasons_known": reasons is not None,
        }
        gpu["status"] = self.gpu_status(gpu)
        return gpu

    def gpu_status(self, gpu: dict[str, Any]) -> str:
        """healthy / degraded / failed / off_bus from one GPU's readings."""
        xid = gpu.get("xid")
        if xid in OFF_BUS_XIDS:
            return "off_bus"
        if (gpu.get("ecc_dbe") or 0) > 0 or gpu.get("row_remap_failure") or xid in FAILED_XIDS:
            return "failed"
        temp = gpu.get("temp_c")
        if (
            xid is not None
            or (gpu.get("clock_event_reasons") or 0) & THROTTLE_BITS
            or (temp is not None and temp >= self.hot_c)
        ):
            return "degraded"
        return "healthy"

    def read_all(self, max_age: float = 0.5) -> list[dict[str, Any]]:
        """Every GPU (reused when the last full read is younger than ``max_age`` s)."""
        now = self.clock()
        if self._last_read is not None and now - self._last_read[0] < max_age:
            return self._last_read[1]
        self._init()
        try:
            self._poll_xids()
            gpus = [self.read_gpu(i) for i in range(len(self._handles))]
        except self.nvml.NVMLError as exc:
            raise self._error(exc) from None
        for gpu in gpus:
            if gpu["status"] == "healthy":
                self._since.pop(gpu["uuid"], None)
            else:
                self._since.setdefault(gpu["uuid"], now)
        self._last_read = (now, gpus)
        return gpus

    # --- snapshots ----------------------------------------------------------------------------

    def _rack(self, gpus: list[dict[str, Any]]) -> dict[str, Any]:
        limits = [g["power_limit_w"] for g in gpus if g["power_limit_w"] is not None]
        model = gpus[0]["model"] if gpus else ""
        return {
            "id": RACK_ID, "hall": RACK_ID, "row": RACK_ID, "position": 1,
            "x": 0.0, "y": 0.0, "w": 0.6, "h": 1.2, "cooling": "air",
            "rack_type": "local", "gpu_model": model,
            "capacity_kw": sum(limits) / 1000.0 if limits else 0.0,
            "nodes": 1, "gpus_per_node": len(gpus), "gpus": len(gpus), "pdu_feeds": [],
        }  # fmt: skip

    def fetch(self, kind: str, context: FetchContext) -> Snapshot:
        gpus = self.read_all()
        now = self._last_read[0] if self._last_read else self.clock()
        try:
            if kind == "site":
                return decode_site(self._site_payload(gpus, now))
            if kind == "racks":
                topology = context.topology or decode_site(self._site_payload(gpus, now))
                return decode_racks(self._racks_payload(gpus, now), topology)
            if kind == "gpus":
                return decode_unhealthy(self._unhealthy_payload(gpus, now))
        except DataError as exc:
            raise SourceError(self.backend, str(exc)) from None
        raise SourceError(self.backend, f"cannot deliver {kind!r}")

    def _site_payload(self, gpus: list[dict[str, Any]], now: float) -> dict[str, Any]:
        rack = self._rack(gpus)
        hall = {
            "id": RACK_ID, "name": f"This machine ({self.host})", "cooling": "air",
            "rack_type": "local", "gpu_model": rack["gpu_model"], "rows": 1, "racks": 1,
            "x": 0.0, "y": 0.0, "w": 0.6, "h": 1.2,
        }  # fmt: skip
        row = {"id": RACK_ID, "hall": RACK_ID, "x": 0.0, "y": 0.0, "w": 0.6, "h": 1.2}
        return {
            "name": self.host, "timezone": "UTC", "lat": 0.0, "lon": 0.0,
            "capacity_mw": rack["capacity_kw"] / 1000.0, "scale": "local", "time": now,
            "halls": [hall], "rows": [row], "racks": [rack],
            "totals": {"halls": 1, "rows": 1, "racks": 1, "nodes": 1, "gpus": len(gpus)},
        }  # fmt: skip

    def _racks_payload(self, gpus: list[dict[str, Any]], now: float) -> dict[str, Any]:
        powers = [g["power_w"] for g in gpus if g["power_w"] is not None]
        temps = [g["temp_c"] for g in gpus if g["temp_c"] is not None]
        utils = [g["util_pct"] for g in gpus if g["util_pct"] is not None]
        statuses = {g["status"] for g in gpus}
        alarm = 3 if statuses & {"failed", "off_bus"} else 2 if "degraded" in statuses else 0
        return {
            "time": now,
            "rack_ids": [RACK_ID],
            "power_kw": [sum(powers) / 1000.0 if powers else None],
            "inlet_c": [None],
            "outlet_c": [None],
            "gpu_temp_max_c": [max(temps) if temps else None],
            "gpu_util_mean": [sum(utils) / len(utils) if utils else None],
            "gpus_unhealthy": [sum(g["status"] != "healthy" for g in gpus)],
            "pdu_a_kw": [None],
            "pdu_b_kw": [None],
            "alarm": [alarm],
        }

    def _unhealthy_payload(self, gpus: list[dict[str, Any]], now: float) -> dict[str, Any]:
        counts = {s: 0 for s in GPU_STATUSES}
        bad = []
        for g in gpus:
            counts[g["status"]] += 1
            if g["status"] == "healthy":
                continue
            bad.append(
                {
                    "uuid": g["uuid"],
                    "model": g["model"],
                    "hall": RACK_ID,
                    "row": RACK_ID,
                    "rack": RACK_ID,
                    "node": self.host,
                    "host": self.host,
                    "slot": g["index"],
                    "status": g["status"],
                    "xid": g["xid"],
                    "ecc_dbe": g["ecc_dbe"],
                    "row_remap_failure": g["row_remap_failure"],
                    "clock_event_reasons": g["clock_event_reasons"],
                    "temp_c": g["temp_c"],
                    "power_w": g["power_w"],
                    "since": self._since.get(g["uuid"], now),
                }  # fmt: skip
            )
        return {"time": now, "gpus": bad, "counts": counts}

    def fetch_rack(self, rack_id: str) -> RackDetailSnapshot:
        if rack_id != RACK_ID:
            raise SourceError(self.backend, f"no rack {rack_id!r} (this source has 'local')")
        gpus = self.read_all()
        now = self._last_read[0] if self._last_read else self.clock()
        uuids = {g["index"]: g["uuid"] for g in gpus}
        events = [
            {
                "id": i + 1,
                "time": e["time"],
                "time_iso": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(e["time"])),
                "kind": "xid",
                "severity": "critical" if e["xid"] in FAILED_XIDS | OFF_BUS_XIDS else "high",
                "rack": RACK_ID,
                "gpu_uuid": uuids.get(e["index"]),
                "xid": e["xid"],
                "message": f"XID {e['xid']} on GPU {e['index']}",
            }
            for i, e in enumerate(self._xid_log)
        ]
        node = {"id": self.host, "host": self.host, "slot": 0, "gpus": gpus}
        return RackDetailSnapshot(
            time=now, rack=self._rack(gpus), nodes=(node,), events=tuple(events)
        )


def _cls(nv: Any, *names: str) -> tuple[type[BaseException], ...]:
    """pynvml exception classes by name (missing names are skipped)."""
    found = tuple(c for n in names if isinstance(c := getattr(nv, n, None), type))
    return found or (_Never,)


class _Never(Exception):
    """Stands in for an exception class the NVML module does not define."""


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _num(value: Any) -> float | None:
    return None if value is None else float(value)


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _blank_gpu(index: int) -> dict[str, Any]:
    return {
        "index": index, "uuid": f"GPU-local-{index}", "model": "", "temp_c": None,
        "power_w": None, "power_limit_w": None, "util_pct": None, "mem_used_mib": None,
        "mem_total_mib": None, "ecc_sbe": None, "ecc_dbe": None, "row_remap_failure": False,
        "xid": None, "xid_time": None, "clock_event_reasons": 0, "status": "healthy",
    }  # fmt: skip


register_scheme("nvml", NvmlSource)
