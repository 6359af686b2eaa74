"""GPU health decoding: XID catalogue, clock-event reasons on real H200 readings, roll-up."""

from __future__ import annotations

import itertools
import json
import math
import os
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from console.gpu_health import (
    CLOCK_EVENT_REASONS,
    XID_CATALOGUE,
    SinceClocks,
    SinceWords,
    clock_event_words,
    clock_events_abnormal,
    clock_words,
    decode_clock_events,
    describe_gpu,
    describe_key,
    fleet_rollup,
    normalise_query,
    rollup_totals,
    search_fields,
    search_text,
    search_words,
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


@pytest.fixture
def workstation_in_utc() -> Iterator[None]:
    """The workstation's clock set to UTC, so a time said in it differs from the site's."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


T_SINCE = datetime(2026, 5, 28, 23, 50, tzinfo=ZoneInfo("Asia/Kolkata")).timestamp()
"""23:50 in Kolkata, 18:20 UTC: twenty minutes later it is the next day in Kolkata only."""


@pytest.mark.usefixtures("workstation_in_utc")
def test_since_words_speak_the_site_time_zone_not_the_workstations() -> None:
    now = T_SINCE + 1200
    assert since_words(T_SINCE, now, tz="Asia/Kolkata") == "28 May 23:50 (20 min ago)"
    assert since_words(T_SINCE, now, tz=ZoneInfo("Asia/Kolkata")) == "28 May 23:50 (20 min ago)"
    assert since_words(T_SINCE, now, tz="America/New_York") == "14:20 (20 min ago)"
    assert since_words(T_SINCE, now, tz="UTC") == "18:20 (20 min ago)"
    assert since_words(T_SINCE, now) == "18:20 (20 min ago)"  # no zone: the workstation's
    assert clock_words(T_SINCE, "Asia/Kolkata") == "23:50:00"
    assert clock_words(T_SINCE, "America/New_York", "%d %b %H:%M") == "28 May 14:20"
    assert clock_words(math.nan, "UTC") == clock_words(-1e308, "UTC") == clock_words([1]) == ""
    for bad in (None, math.nan, math.inf, -1e308, 1e300, "x", [1], True):
        assert since_words(bad, now, tz="Asia/Kolkata") == "unknown"  # type: ignore[arg-type]


def test_since_clocks_kept_from_list_to_list_hold_for_one_day_and_zone() -> None:
    clocks = SinceClocks()
    first = SinceWords(T_SINCE + 60, "Asia/Kolkata", clocks)
    assert first(T_SINCE) == "23:50 (1 min ago)" and clocks.words == {T_SINCE: "23:50"}
    assert SinceWords(T_SINCE + 120, "Asia/Kolkata", clocks)(T_SINCE) == "23:50 (2 min ago)"
    # the next day there: the same time now carries its date
    assert SinceWords(T_SINCE + 1200, "Asia/Kolkata", clocks)(T_SINCE) == (
        "28 May 23:50 (20 min ago)")
    # another zone: said again in it
    assert SinceWords(T_SINCE + 1200, "UTC", clocks)(T_SINCE) == "18:20 (20 min ago)"
    for since in (T_SINCE - 60.0 * k for k in range(5)):
        assert SinceWords(T_SINCE + 60, "UTC", clocks)(since) == since_words(
            since, T_SINCE + 60, "UTC")


def test_search_text_is_its_fields_then_its_words() -> None:
    rec = {"hall": "A", "row": "A-01", "rack": "A-01-02", "node": "A-01-02-n02",
           "host": "a-01-02-n02", "uuid": "GPU-AB", "model": "NVIDIA H200", "status": "off_bus",
           "xid": 79, "slot": 2}
    cause, action = describe_gpu(rec)
    text = search_text(rec, cause, action)
    assert text == (search_fields([rec[k] for k in ("hall", "row", "rack", "node", "host",
                                                      "uuid", "model")])
                    + " " + search_words("off_bus", cause, action, 79))
    assert text.startswith("a a-01 a-01-02 a-01-02-n02 a-01-02-n02 gpu-ab nvidia h200 off_bus "
                           "off the bus xid 79") and text.endswith(" xid79")
    odd = {"hall": 7, "row": None, "rack": ["x"], "status": 3, "xid": "79", "model": "Σ" * 5}
    assert search_text(odd, "C", "A") == "7  ['x']    σσσσς 3  c a"


def test_equal_describe_keys_describe_alike() -> None:
    """The key a list of GPUs keeps descriptions under tells apart what describe_gpu reads
    differently: 1, 1.0 and True; 84.6 °C (not hot) and 85.2 °C (hot), both '85'."""
    values = {
        "status": ["degraded", "failed", "off_bus", 1, None],
        "xid": [None, 79, 79.0, True, 1, 48],
        "ecc_dbe": [0, 1, 1.0, True, 2],
        "row_remap_failure": [False, True, 1, 0],
        "clock_event_reasons": [0, 0x40, 64.0, True, 0x80],
        "temp_c": [None, 60.0, 84.6, 85.2, 84.4, -0.4, 0.4, 131.0, True, 85],
    }
    seen: dict[tuple[object, ...], tuple[str, str]] = {}
    for combo in itertools.product(*values.values()):
        rec = dict(zip(values, combo, strict=True))
        key = describe_key(*combo)
        said = (describe_gpu(rec), search_words(rec["status"], "", "", rec["xid"]))
        assert seen.setdefault(key, said) == said, rec  # type: ignore[arg-type]
    assert describe_key("degraded", None, 0, False, 0, 84.6) != describe_key(
        "degraded", None, 0, False, 0, 85.2)
    assert describe_key("failed", None, 0, True, 0, 60.0) != describe_key(
        "failed", None, 0, 1, 0, 60.0)
