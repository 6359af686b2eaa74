"""A stand-in for the ``pynvml`` module that replays a recorded GPU.

Readings come from ``nvml/nvml_snapshot_h200.json`` (``{"ok": v}`` or
``{"error": "NVMLError_..."}``); errors are raised as pynvml's REAL exception
classes, so the source's ``except`` clauses are tested against the real types.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pynvml
from backend_http import FIXTURES

SNAPSHOT = FIXTURES / "nvml" / "nvml_snapshot_h200.json"


class FakeNvml:
    """Module-like object with the pynvml functions and constants the source uses."""

    def __init__(self, path: Path = SNAPSHOT, gpus: int | None = None) -> None:
        data = json.loads(path.read_text())
        self.driver = data["driver"]
        recorded = data["gpus"]
        n = len(recorded) if gpus is None else gpus
        self.gpus: list[dict[str, Any]] = [dict(recorded[i % len(recorded)]) for i in range(n)]
        for i, gpu in enumerate(self.gpus[len(recorded) :], start=len(recorded)):
            gpu["uuid"] = {"ok": f"{recorded[0]['uuid']['ok'][:-2]}{i:02d}"}
        self.init_error: str | None = None
        self.no_event_reasons = False
        self.events: list[SimpleNamespace] = []
        self.calls: list[str] = []
        self.initialised = False
        self.shutdowns = 0
        # the real module's constants and exception classes
        for name in dir(pynvml):
            if name.startswith(("NVML", "nvmlEventType", "nvmlClocksEventReason")):
                if not callable(getattr(pynvml, name)) or name.startswith("NVMLError"):
                    setattr(self, name, getattr(pynvml, name))

    # helpers
    def _raise(self, name: str) -> None:
        raise getattr(pynvml, name)()

    def _get(self, handle: int, key: str) -> Any:
        self.calls.append(key)
        if not self.initialised:
            self._raise("NVMLError_Uninitialized")
        entry = self.gpus[handle][key]
        if "error" in entry:
            self._raise(entry["error"])
        return entry["ok"]

    def set_reading(self, index: int, key: str, value: Any) -> None:
        """Replace one recorded reading (value, or an exception class name)."""
        if isinstance(value, str) and value.startswith("NVMLError_"):
            self.gpus[index][key] = {"error": value}
        else:
            self.gpus[index][key] = {"ok": value}

    # library
    def nvmlInit(self) -> None:
        if self.init_error:
            self._raise(self.init_error)
        self.initialised = True

    def nvmlShutdown(self) -> None:
        self.shutdowns += 1
        self.initialised = False

    def nvmlSystemGetDriverVersion(self) -> str:
        return self.driver["ok"]

    def nvmlDeviceGetCount(self) -> int:
        return len(self.gpus)

    def nvmlDeviceGetHandleByIndex(self, index: int) -> int:
        return index

    # readings
    def nvmlDeviceGetName(self, h: int) -> str:
        return self._get(h, "name")

    def nvmlDeviceGetUUID(self, h: int) -> str:
        return self._get(h, "uuid")

    def nvmlDeviceGetTemperature(self, h: int, sensor: int) -> int:
        assert sensor == pynvml.NVML_TEMPERATURE_GPU
        return self._get(h, "temp_gpu_c")

    def nvmlDeviceGetTemperatureThreshold(self, h: int, kind: int) -> int:
        assert kind == pynvml.NVML_TEMPERATURE_THRESHOLD_SLOWDOWN
        return self._get(h, "temp_slowdown_c")

    def nvmlDeviceGetPowerUsage(self, h: int) -> int:
        return self._get(h, "power_mw")

    def nvmlDeviceGetEnforcedPowerLimit(self, h: int) -> int:
        return self._get(h, "enforced_limit_mw")

    def nvmlDeviceGetTotalEnergyConsumption(self, h: int) -> int:
        return self._get(h, "energy_mj")

    def nvmlDeviceGetUtilizationRates(self, h: int) -> SimpleNamespace:
        return SimpleNamespace(**self._get(h, "util"))

    def nvmlDeviceGetMemoryInfo(self, h: int) -> SimpleNamespace:
        return SimpleNamespace(**self._get(h, "memory"))

    def nvmlDeviceGetClockInfo(self, h: int, clock: int) -> int:
        assert clock == pynvml.NVML_CLOCK_SM
        return self._get(h, "clock_sm_mhz")

    def nvmlDeviceGetFanSpeed(self, h: int) -> int:
        return self._get(h, "fan_pct")

    def nvmlDeviceGetTotalEccErrors(self, h: int, error_type: int, counter: int) -> int:
        assert counter == pynvml.NVML_VOLATILE_ECC
        if error_type == pynvml.NVML_MEMORY_ERROR_TYPE_UNCORRECTED:
            return self._get(h, "ecc_dbe_volatile")
        return self._get(h, "ecc_sbe_volatile")

    def nvmlDeviceGetRemappedRows(self, h: int) -> tuple[int, int, int, int]:
        return tuple(self._get(h, "remapped_rows"))

    def nvmlDeviceGetCurrentClocksEventReasons(self, h: int) -> int:
        if self.no_event_reasons:
            self._raise("NVMLError_FunctionNotFound")
        return self._get(h, "clock_event_reasons")

    def nvmlDeviceGetCurrentClocksThrottleReasons(self, h: int) -> int:
        self.calls.append("throttle_reasons")
        return self._get(h, "clock_event_reasons")

    # events
    def nvmlEventSetCreate(self) -> str:
        return "event-set"

    def nvmlEventSetFree(self, event_set: str) -> None:
        pass

    def nvmlDeviceRegisterEvents(self, h: int, types: int, event_set: str) -> None:
        assert types == pynvml.nvmlEventTypeXidCriticalError

    def nvmlEventSetWait(self, event_set: str, timeout_ms: int) -> SimpleNamespace:
        assert timeout_ms == 0
        if not self.events:
            self._raise("NVMLError_Timeout")
        return self.events.pop(0)

    def push_xid(self, index: int, xid: int) -> None:
        """Queue an XID event for GPU ``index``."""
        self.events.append(
            SimpleNamespace(
                device=index, eventType=pynvml.nvmlEventTypeXidCriticalError, eventData=xid
            )
        )
