"""Every GPU of the site as numpy arrays: utilisation, power, temperature, faults, health.

One ``tick`` is a fixed sequence of whole-array operations (no per-GPU Python):

- utilisation from the job holding the GPU (85-100 %) or idle noise (0-5 %);
- power demand rises with utilisation past the enforced limit, so a busy GPU sits just under
  its cap with reason 0x4 (SW power cap), as the H200 recording shows (693 W at 700 W);
- temperature lags (time constant ``GPU_THERMAL_TAU_S``) toward
  ``inlet + offset + k * power``; when that would pass the slowdown threshold the GPU sheds
  power to stay there and reports 0x20/0x40 (thermal);
- faults (XIDs, thermal faults, PDU power brake) shape power, reasons and health status.
"""

from __future__ import annotations

import numpy as np

from console.contract import (
    REASON_HW_POWER_BRAKE,
    REASON_HW_SLOWDOWN,
    REASON_HW_THERMAL,
    REASON_IDLE,
    REASON_SW_POWER_CAP,
    REASON_SW_THERMAL,
)
from console.hub.params import (
    BUSY_UTIL_PCT,
    DEGRADED,
    FAILED,
    GPU_TEMP_SPREAD_C,
    GPU_THERMAL_TAU_S,
    HW_SLOWDOWN_POWER_FRAC,
    IDLE_UTIL_PCT,
    IDLE_UTIL_THRESHOLD_PCT,
    OFF_BUS,
    POWER_BRAKE_POWER_FRAC,
    POWER_DEADBAND_PCT,
    RACK_SPECS,
    THERMAL_FAULT_POWER_FRAC,
    UTIL_NOISE_PCT,
    XidSpec,
)
from console.hub.topology import Topology

F32 = np.float32


def _per_gpu(topo: Topology, attr: str, dtype: type = F32) -> np.ndarray:
    table: np.ndarray = np.array([getattr(spec, attr) for spec in RACK_SPECS], dtype=dtype)
    return table[topo.gpu_kind]


def power_demand_w(
    util_pct: np.ndarray | np.float32, idle_w: np.ndarray | float, demand_w: np.ndarray | float,
) -> np.ndarray | np.floating:
    """Uncapped board power at a utilisation: concave, idle up to a few %, ``demand_w`` at 100 %."""
    x = np.clip((util_pct - F32(POWER_DEADBAND_PCT)) / F32(100.0 - POWER_DEADBAND_PCT), 0.0, 1.0)
    return idle_w + (demand_w - idle_w) * x * (F32(1.6) - F32(0.6) * x)


class GpuFleet:
    """Telemetry and fault state of all GPUs, in site order."""

    def __init__(self, topo: Topology, seed: int) -> None:
        rng = np.random.default_rng([seed, 0x5EED_0003])
        self.topo = topo
        n = topo.n_gpus
        self.n = n
        self.idle_w = _per_gpu(topo, "gpu_idle_w")
        self.cap_w = _per_gpu(topo, "gpu_cap_w")
        self.cap_eff = self.cap_w * _per_gpu(topo, "gpu_cap_margin")
        self.demand_w = _per_gpu(topo, "gpu_demand_w") * (1.0 + rng.normal(0.0, 0.004, n)).astype(
            F32
        )
        spread = np.clip(rng.normal(0.0, GPU_TEMP_SPREAD_C, n), -3.0, 3.0).astype(F32)
        self.t_off = _per_gpu(topo, "temp_offset_c") + spread
        self.t_k = _per_gpu(topo, "temp_k_c_per_w")
        self.t_slow = _per_gpu(topo, "temp_slowdown_c")
        self.mem_total = _per_gpu(topo, "mem_total_mib", np.int64)
        self.mem_idle = _per_gpu(topo, "mem_idle_mib", np.int64)
        self.noise = np.random.default_rng([seed, 0x5EED_0004])
        # telemetry
        self.util = np.zeros(n, dtype=F32)
        self.power = self.idle_w.copy()
        self.temp = np.full(n, 38.0, dtype=F32)
        self.reasons = np.full(n, REASON_IDLE, dtype=np.int32)
        self.status = np.zeros(n, dtype=np.int8)
        self.since = np.zeros(n, dtype=np.float64)
        # faults
        self.fault_status = np.zeros(n, dtype=np.int8)
        self.xid = np.zeros(n, dtype=np.int16)
        self.xid_time = np.zeros(n, dtype=np.float64)
        self.sbe = np.zeros(n, dtype=np.int64)
        self.dbe = np.zeros(n, dtype=np.int32)
        self.remap_failure = np.zeros(n, dtype=bool)
        self.hw_slowdown = np.zeros(n, dtype=bool)
        self.fault_seq = np.zeros(n, dtype=np.int64)
        self.thermal_fault = np.zeros(n, dtype=bool)
        self.thermal_temp = np.zeros(n, dtype=F32)
        self.thermal_seq = np.zeros(n, dtype=np.int64)
        self.power_brake = np.zeros(n, dtype=bool)

    # -- one tick ----------------------------------------------------------------------------
    def tick(
        self,
        dt: float,
        now: float,
        gpu_slot: np.ndarray,
        slot_util: np.ndarray,
        base_c: np.ndarray,
    ) -> None:
        """Advance ``dt`` seconds; ``base_c`` is each GPU's effective inlet (°C)."""
        r = self.noise.random(self.n, dtype=F32)
        busy = gpu_slot >= 0
        busy_u = slot_util[np.maximum(gpu_slot, 0)] + (r - F32(0.5)) * F32(2.0 * UTIL_NOISE_PCT)
        idle_u = F32(IDLE_UTIL_PCT[0]) + r * F32(IDLE_UTIL_PCT[1] - IDLE_UTIL_PCT[0])
        util = np.where(busy, np.minimum(busy_u, F32(BUSY_UTIL_PCT[1])), idle_u)
        np.clip(util, 0.0, 100.0, out=util)
        off = self.fault_status == OFF_BUS
        util[off] = 0.0
        demand = power_demand_w(util, self.idle_w, self.demand_w)
        capped = demand > self.cap_eff
        power = np.minimum(demand, self.cap_eff)
        slowed = self.hw_slowdown | self.power_brake | self.thermal_fault
        if slowed.any():
            power[self.hw_slowdown] *= F32(HW_SLOWDOWN_POWER_FRAC)
            power[self.power_brake] *= F32(POWER_BRAKE_POWER_FRAC)
            tf = self.thermal_fault
            power[tf] = np.minimum(power[tf], self.cap_w[tf] * F32(THERMAL_FAULT_POWER_FRAC))
        base = base_c + self.t_off
        ceiling = self.t_slow + F32(0.5)
        hot = (base + self.t_k * power > ceiling) & ~self.thermal_fault
        if hot.any():
            allowed = (ceiling[hot] - base[hot]) / self.t_k[hot]
            floor = self.idle_w[hot] * F32(0.9)
            power[hot] = np.maximum(np.minimum(power[hot], allowed), floor)
        target = base + self.t_k * power
        target[self.thermal_fault] = self.thermal_temp[self.thermal_fault]
        power[off] = 0.0
        target[off] = base_c[off]
        alpha = F32(1.0 - np.exp(-max(dt, 0.0) / GPU_THERMAL_TAU_S))
        self.temp += (target - self.temp) * alpha
        self.util = util
        self.power = power
        reasons = np.where(util < IDLE_UTIL_THRESHOLD_PCT, REASON_IDLE, 0).astype(np.int32)
        reasons |= np.where(capped & ~slowed & ~hot, REASON_SW_POWER_CAP, 0).astype(np.int32)
        warm = (self.temp >= self.t_slow - F32(2.0)) | self.thermal_fault
        reasons |= np.where(warm, REASON_SW_THERMAL, 0).astype(np.int32)
        throttled = (self.temp >= self.t_slow - F32(0.5)) | self.thermal_fault
        reasons |= np.where(throttled, REASON_HW_THERMAL, 0).astype(np.int32)
        if slowed.any():
            reasons |= np.where(self.hw_slowdown, REASON_HW_SLOWDOWN, 0).astype(np.int32)
            reasons |= np.where(self.power_brake, REASON_HW_POWER_BRAKE, 0).astype(np.int32)
        reasons[off] = 0
        self.reasons = reasons
        self._update_status(now, throttled)

    def settle(self, base_c: np.ndarray) -> None:
        """Jump temperatures to their steady state (used at start-up)."""
        target = base_c + self.t_off + self.t_k * self.power
        target[self.thermal_fault] = self.thermal_temp[self.thermal_fault]
        self.temp = target.astype(F32)

    def _update_status(self, now: float, throttled: np.ndarray) -> None:
        status = np.maximum(self.fault_status, throttled.astype(np.int8) * np.int8(DEGRADED))
        changed = status != self.status
        if changed.any():
            self.since[changed] = now
            self.status = status

    # -- faults ------------------------------------------------------------------------------
    def apply_xid(self, idx: np.ndarray, spec: XidSpec, when: float, seq: int) -> None:
        """Record an XID on GPUs ``idx`` and what it does to them."""
        self.xid[idx] = spec.xid
        self.xid_time[idx] = when
        self.fault_status[idx] = np.maximum(self.fault_status[idx], spec.status)
        self.dbe[idx] += spec.dbe
        self.sbe[idx] += spec.sbe
        if spec.remap_failure:
            self.remap_failure[idx] = True
        if spec.hw_slowdown:
            self.hw_slowdown[idx] = True
        self.fault_seq[idx] = seq
        if spec.status == OFF_BUS:
            self.reasons[idx] = 0
        self._mark(idx, when)

    def repair(self, idx: np.ndarray, when: float) -> None:
        """GPUs back in service after a reset or swap: XID, ECC and remap state cleared."""
        self.xid[idx] = 0
        self.xid_time[idx] = 0.0
        self.fault_status[idx] = 0
        self.dbe[idx] = 0
        self.sbe[idx] = 0
        self.remap_failure[idx] = False
        self.hw_slowdown[idx] = False
        self._mark(idx, when)

    def set_thermal_fault(self, idx: np.ndarray, temps: np.ndarray, when: float, seq: int) -> None:
        """Thermal fault (failed fan, cold-plate flow): pinned near slowdown, throttling."""
        self.thermal_fault[idx] = True
        self.thermal_temp[idx] = temps
        self.thermal_seq[idx] = seq
        self._mark(idx, when)

    def clear_thermal_fault(self, idx: np.ndarray, when: float) -> None:
        """End a thermal fault on GPUs ``idx``."""
        self.thermal_fault[idx] = False
        self._mark(idx, when)

    def _mark(self, idx: np.ndarray, when: float) -> None:
        throttled = (self.reasons[idx] & REASON_HW_THERMAL) != 0
        status = np.maximum(self.fault_status[idx], throttled.astype(np.int8))
        status = np.where(self.thermal_fault[idx], np.maximum(status, DEGRADED), status)
        changed = status != self.status[idx]
        self.since[idx[changed]] = when
        self.status[idx] = status

    def node_ok(self) -> np.ndarray:
        """Servers that may take new jobs: no failed, off-bus or slowed-down GPU."""
        bad = (self.fault_status >= FAILED) | self.hw_slowdown
        return ~np.logical_or.reduceat(bad, self.topo.node_gpu_start[:-1])

    def mem_used_mib(
        self, idx: np.ndarray, gpu_slot: np.ndarray, slot_mem: np.ndarray
    ) -> np.ndarray:
        """Framebuffer in use (MiB) of GPUs ``idx``."""
        slots = gpu_slot[idx]
        used = (slot_mem[np.maximum(slots, 0)] * self.mem_total[idx]).astype(np.int64)
        mem = np.where(slots >= 0, used, self.mem_idle[idx])
        return np.where(self.fault_status[idx] == OFF_BUS, 0, mem)
