"""GPU health decoding: XID catalogue, clock-event reasons on real H200 readings, roll-up."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from console.gpu_health import (
    CLOCK_EVENT_REASONS,
    XID_CATALOGUE,
    clock_event_words,
    clock_events_abnormal,
    decode_clock_events,
    describe_gpu,
    fleet_rollup,
    normalise_query,
    rollup_totals,
    search_text,
    since_words,
    xid_info,
)
from console.model import SiteTopology, UnhealthyGpus

NVML = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "nvml"  # ../shared beside the repo

REQUIRED_XIDS = (13, 31, 43, 45, 48, 61, 62, 63, 64, 74, 79, 92, 94, 95, 119, 120)


def test_console_core_imports_no_qt() -> None:
    import console.gpu_health

    src = Path(console.gpu_health.__file__).read_text()
    assert "PySide6" not in src and "pyqtgraph" not in src and "widgets" not in src


@pytest.mark.parametrize("xid", REQUIRED_XIDS)
def test_catalogue_has_words_and_action(xid: int) -> None:
    info = XID_CATALOGUE[xid]
    assert info.xid == xid
    assert len(info.words) > 10 and len(info.action) > 10
    assert info.severity in ("low", "medium", "high", "critical")


def test_catalogue_key_meanings() -> None:
    assert "off the bus" in XID_CATALOGUE[79].words
    assert "power-cycle" in XID_CATALOGUE[79].action
    assert "double-bit" in XID_CATALOGUE[48].words
    assert "replace" in XID_CATALOGUE[64].action.lower()
    assert XID_CATALOGUE[95].severity == "critical"
    assert "GSP" in XID_CATALOGUE[119].words


def test_unlisted_xid_is_not_a_crash() -> None:
    info = xid_info(9999)
    assert info is not None and "9999" in info.words
    assert xid_info(None) is None


def test_clock_event_bits_match_nvml() -> None:
    import pynvml

    expected = {
        0x1: pynvml.nvmlClocksEventReasonGpuIdle,
        0x2: pynvml.nvmlClocksEventReasonApplicationsClocksSetting,
        0x4: pynvml.nvmlClocksEventReasonSwPowerCap,
        0x8: pynvml.nvmlClocksEventReasonHwSlowdown,
        0x10: pynvml.nvmlClocksEventReasonSyncBoost,
        0x20: pynvml.nvmlClocksEventReasonSwThermalSlowdown,
        0x40: pynvml.nvmlClocksEventReasonHwThermalSlowdown,
        0x80: pynvml.nvmlClocksEventReasonHwPowerBrakeSlowdown,
        0x100: pynvml.nvmlClocksEventReasonDisplayClockSetting,
    }
    assert {r.bit for r in CLOCK_EVENT_REASONS} == set(expected)
    for bit, value in expected.items():
        assert bit == value


def test_clock_event_words() -> None:
    assert clock_event_words(0) == "none"
    assert clock_event_words(None) == "n/a"
    assert clock_event_words(0x1) == "GPU idle"
    assert clock_event_words(0x4) == "SW power cap"
    assert clock_event_words(0x2) == "applications clocks setting"
    assert clock_event_words(0x48) == "HW slowdown, HW thermal slowdown"
    assert clock_event_words(0x80 | 0x20) == "SW thermal slowdown, HW power brake slowdown"
    assert clock_event_words(0x110) == "sync boost, display clock setting"
    assert "other (0x200)" in clock_event_words(0x204)
    assert not clock_events_abnormal(0x4) and not clock_events_abnormal(0x1)
    assert clock_events_abnormal(0x40) and clock_events_abnormal(0x80)
    assert clock_events_abnormal(0x20) and clock_events_abnormal(0x8)


def test_real_h200_trace_under_load_is_sw_power_cap() -> None:
    trace = json.loads((NVML / "nvml_trace_h200_load.json").read_text())
    rows = trace["rows"]
    loaded = [r for r in rows if r["util_gpu"] >= 95 and r["power_w"] > 600]
    idle = [r for r in rows if r["util_gpu"] == 0 and r["power_w"] < 100]
    assert len(loaded) > 50 and len(idle) > 20
    for r in loaded:
        assert r["reasons"] == 0x4
        assert [x.name for x in decode_clock_events(r["reasons"])] == ["SwPowerCap"]
        assert clock_event_words(r["reasons"]) == "SW power cap"
        assert not clock_events_abnormal(r["reasons"])  # normal at the 700 W cap
    for r in idle:
        if r["reasons"]:
            assert clock_event_words(r["reasons"]) == "GPU idle"
    assert sum(1 for r in idle if r["reasons"] == 0x1) > 20


def test_real_h200_snapshot_reasons() -> None:
    snap = json.loads((NVML / "nvml_snapshot_h200.json").read_text())
    gpu = snap["gpus"][0]
    mask = gpu["clock_event_reasons"]["ok"]
    assert mask == 1
    assert clock_event_words(mask) == "GPU idle"
    # nvidia-smi -q on the same GPU says Idle: Active, everything else Not Active.
    smi = (NVML / "nvidia-smi-q.txt").read_text()
    assert "Idle                                           : Active" in smi
    record = {"status": "degraded", "clock_event_reasons": mask,
              "temp_c": gpu["temp_gpu_c"]["ok"]}
    cause, _ = describe_gpu(record)
    assert "Throttled" not in cause


def test_describe_off_bus_xid79() -> None:
    cause, action = describe_gpu({"status": "off_bus", "xid": 79})
    assert cause.startswith("XID 79") and "off the bus" in cause
    assert action == XID_CATALOGUE[79].action
    cause2, action2 = describe_gpu({"status": "off_bus", "xid": None})
    assert "off the bus" in cause2 and action2 == XID_CATALOGUE[79].action


def test_describe_ecc_and_remap() -> None:
    cause, action = describe_gpu({"status": "failed", "xid": 95, "ecc_dbe": 3})
    assert "Uncontained" in cause and "uncorrectable" not in cause
    assert action == XID_CATALOGUE[95].action
    cause, action = describe_gpu({"status": "failed", "xid": None, "row_remap_failure": True})
    assert "row remapping failed" in cause and action == XID_CATALOGUE[64].action
    cause, _ = describe_gpu({"status": "degraded", "xid": None, "ecc_dbe": 2})
    assert "2 uncorrectable" in cause


def test_describe_thermal_throttle_and_most_severe_first() -> None:
    cause, action = describe_gpu(
        {"status": "degraded", "xid": None, "clock_event_reasons": 0x44, "temp_c": 91.4})
    assert cause == "Throttled: HW thermal slowdown at 91 °C"
    assert "cooling" in action
    cause, action = describe_gpu(
        {"status": "failed", "xid": 48, "clock_event_reasons": 0x40, "temp_c": 88})
    assert cause.index("XID 48") < cause.index("Throttled")
    assert action == XID_CATALOGUE[48].action


def test_describe_tolerates_garbage() -> None:
    assert describe_gpu({})[0] == "healthy"
    cause, _ = describe_gpu({"status": "failed", "xid": "x", "ecc_dbe": float("nan"),
                             "clock_event_reasons": True, "temp_c": None})
    assert "no cause reported" in cause


def test_search_text_has_location_and_cause() -> None:
    rec = {"hall": "A", "row": "A-03", "rack": "A-03-07", "node": "A-03-07-n02",
           "uuid": "GPU-ABC", "model": "GB200", "status": "off_bus", "xid": 79}
    cause, action = describe_gpu(rec)
    text = search_text(rec, cause, action)
    assert "a-03-07" in text and "gpu-abc" in text and "xid79" in text
    assert normalise_query(" A-03  XID 79 ") == ["a-03", "xid79"]
    assert all(w in text for w in normalise_query("a-03 xid79 off the bus"))
    assert not all(w in search_text({"xid": 7}, "", "") for w in normalise_query("xid 79"))
    assert "off the bus" in text and text == text.lower()


def _topology() -> SiteTopology:
    halls = ({"id": "A", "gpu_model": "GB200"}, {"id": "E", "gpu_model": "H200"})
    racks = tuple({"id": f"{h}-01-{i:02d}", "hall": h} for h in ("A", "E") for i in range(3))
    return SiteTopology(
        time=1.78e9, halls=halls, racks=racks,
        rack_index={r["id"]: i for i, r in enumerate(racks)},
        geometry=np.zeros((6, 4)), capacity_kw=np.full(6, 130.0),
        gpus=np.array([72, 72, 72, 32, 32, 32], np.int32),
        hall_index=np.array([0, 0, 0, 1, 1, 1], np.int16),
        row_index=np.zeros(6, np.int32))


def test_fleet_rollup_by_hall_and_model() -> None:
    gpus = (
        {"uuid": "1", "rack": "A-01-00", "hall": "A", "status": "off_bus"},
        {"uuid": "2", "rack": "A-01-01", "hall": "A", "status": "failed"},
        {"uuid": "3", "rack": "A-01-01", "status": "degraded"},  # hall from the topology
        {"uuid": "4", "rack": "E-01-02", "hall": "E", "status": "degraded"},
        {"uuid": "5", "rack": "Z-01-01", "hall": "Z", "status": "failed"},  # unknown hall
        {"uuid": "6", "rack": "E-01-02", "hall": "E", "status": "bogus"},
    )
    rows = fleet_rollup(UnhealthyGpus(time=1.78e9, gpus=gpus), _topology())
    by = {(r.hall, r.model): r for r in rows}
    a = by[("A", "GB200")]
    assert (a.total, a.healthy, a.degraded, a.failed, a.off_bus) == (216, 213, 1, 1, 1)
    e = by[("E", "H200")]
    assert (e.total, e.healthy, e.degraded) == (96, 95, 1)
    z = [r for r in rows if r.hall == "Z"][0]
    assert z.total == 1 and z.failed == 1 and z.healthy == 0
    site = rollup_totals(rows)
    assert site.total == 313 and site.unhealthy == 5 and site.count("healthy") == 308


def test_fleet_rollup_empty_inputs() -> None:
    assert fleet_rollup(None, None) == []
    rows = fleet_rollup(None, _topology())
    assert [r.healthy for r in rows] == [216, 96]


def test_since_words() -> None:
    assert since_words(None) == "unknown"
    assert since_words(1000.0, now=1000.0 + 7500).endswith("(2 h 05 min ago)")
    assert since_words(1000.0, now=1000.0 + 3 * 86400).endswith("(3 d 0 h ago)")
    assert since_words(1000.0, now=1030.0).endswith("(30 s ago)")


def test_a_hot_gpu_without_clock_reasons_names_its_heat() -> None:
    """dcgm-exporter's default counters have no clock reasons: a GPU degraded by its
    temperature alone says so, not "no cause reported"."""
    cause, action = describe_gpu({"status": "degraded", "temp_c": 87.4})
    assert cause == "Hot: 87 °C (no throttling reported)" and "cooling" in action
    assert "no cause reported" in describe_gpu({"status": "degraded", "temp_c": 60.0})[0]
