"""NvmlSource replaying a recorded NVIDIA H200 through a fake pynvml (real exception classes)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pynvml
import pytest
from nvml_fake import SNAPSHOT, FakeNvml
from openapi_schema_validator import OAS31Validator

from console.hub.openapi import SCHEMAS
from console.model import RackTelemetry, SiteTopology, UnhealthyGpus
from console.sources.base import FetchContext, SourceError, open_source
from console.sources.nvml import NO_DRIVER, NvmlSource, format_reading

RECORDED = json.loads(SNAPSHOT.read_text())["gpus"][0]


def validate_gpu(gpu: dict) -> None:
    """The GPU dict has the hub API's ``Gpu`` shape."""
    OAS31Validator(SCHEMAS["Gpu"]).validate(gpu)


def source(fake: FakeNvml | None = None) -> NvmlSource:
    return NvmlSource("nvml://", nvml=fake or FakeNvml())


def test_replay_units_converted() -> None:
    src = source()
    gpu = src.read_all()[0]
    assert gpu["model"] == "NVIDIA H200"
    assert gpu["uuid"] == RECORDED["uuid"]["ok"]
    assert gpu["power_w"] == pytest.approx(RECORDED["power_mw"]["ok"] / 1000)  # mW -> W
    assert gpu["power_limit_w"] == pytest.approx(700.0)
    assert gpu["energy_j"] == pytest.approx(RECORDED["energy_mj"]["ok"] / 1000)  # mJ -> J
    mem = RECORDED["memory"]["ok"]
    assert gpu["mem_total_mib"] == pytest.approx(mem["total"] / 2**20)  # bytes -> MiB
    assert gpu["mem_used_mib"] == pytest.approx(mem["used"] / 2**20)
    assert gpu["temp_c"] == 39 and gpu["util_pct"] == 0
    assert gpu["ecc_dbe"] == 0 and gpu["ecc_sbe"] == 0 and gpu["row_remap_failure"] is False
    assert gpu["clock_event_reasons"] == 1  # idle
    assert gpu["status"] == "healthy"
    validate_gpu(gpu)
    src.close()


def test_not_supported_is_none_shown_na() -> None:
    fake = FakeNvml()
    fake.set_reading(0, "power_mw", "NVMLError_NotSupported")
    gpu = source(fake).read_all()[0]
    assert gpu["fan_pct"] is None  # the recorded H200 answers NotSupported
    assert gpu["power_w"] is None
    assert format_reading(gpu["power_w"], "W") == "n/a"
    assert format_reading(gpu["temp_c"], "°C") == "39 °C"
    validate_gpu(gpu)


def test_snapshots_of_one_local_rack() -> None:
    fake = FakeNvml(gpus=4)
    src = source(fake)
    site = src.fetch("site", FetchContext())
    assert isinstance(site, SiteTopology)
    assert site.rack_ids == ("local",) and site.total_gpus == 4
    assert site.capacity_kw[0] == pytest.approx(2.8)
    racks = src.fetch("racks", FetchContext(topology=site))
    assert isinstance(racks, RackTelemetry)
    assert racks["power_kw"][0] == pytest.approx(4 * RECORDED["power_mw"]["ok"] / 1e6, rel=1e-5)
    assert math.isnan(racks["inlet_c"][0])  # NVML cannot see the rack inlet
    assert racks["gpus_unhealthy"][0] == 0
    gpus = src.fetch("gpus", FetchContext())
    assert isinstance(gpus, UnhealthyGpus) and gpus.gpus == ()
    assert gpus.counts["healthy"] == 4
    detail = src.fetch_rack("local")
    assert len(detail.nodes) == 1 and len(detail.nodes[0]["gpus"]) == 4
    for gpu in detail.nodes[0]["gpus"]:
        validate_gpu(gpu)
    with pytest.raises(SourceError, match="no rack"):
        src.fetch_rack("A-01-01")


def test_xid_events_make_gpu_unhealthy() -> None:
    fake = FakeNvml(gpus=2)
    src = source(fake)
    src.read_all()
    fake.push_xid(1, 79)
    src._last_read = None
    gpus = src.fetch("gpus", FetchContext())
    assert [g["status"] for g in gpus.gpus] == ["off_bus"]
    assert gpus.gpus[0]["xid"] == 79 and gpus.gpus[0]["slot"] == 1
    detail = src.fetch_rack("local")
    assert detail.events[0]["xid"] == 79 and detail.events[0]["severity"] == "critical"


def test_ecc_remap_and_thermal_status() -> None:
    fake = FakeNvml(gpus=3)
    fake.set_reading(0, "ecc_dbe_volatile", 2)
    fake.set_reading(1, "remapped_rows", [0, 1, 0, 1])
    fake.set_reading(2, "clock_event_reasons", 0x40)  # HW thermal slowdown
    gpus = source(fake).read_all()
    assert [g["status"] for g in gpus] == ["failed", "failed", "degraded"]
    assert gpus[1]["row_remap_failure"] is True


def test_sw_power_cap_is_normal_operation() -> None:
    fake = FakeNvml()
    fake.set_reading(0, "clock_event_reasons", 0x4)  # loaded GPU at its power limit
    assert source(fake).read_all()[0]["status"] == "healthy"


def test_clock_reasons_fall_back_on_old_driver() -> None:
    fake = FakeNvml()
    fake.no_event_reasons = True
    gpu = source(fake).read_all()[0]
    assert gpu["clock_event_reasons"] == 1 and "throttle_reasons" in fake.calls


@pytest.mark.parametrize("error", ["NVMLError_LibraryNotFound", "NVMLError_DriverNotLoaded"])
def test_no_driver_is_one_line(error: str) -> None:
    fake = FakeNvml()
    fake.init_error = error
    with pytest.raises(SourceError) as err:
        source(fake).fetch("site", FetchContext())
    assert str(err.value) == f"NVML: {NO_DRIVER}"
    assert err.value.__cause__ is None and err.value.__suppress_context__


def test_gpu_lost_is_off_bus() -> None:
    fake = FakeNvml(gpus=2)
    fake.set_reading(1, "power_mw", "NVMLError_GpuIsLost")
    gpus = source(fake).read_all()
    assert gpus[1]["status"] == "off_bus" and gpus[0]["status"] == "healthy"


def test_real_pynvml_on_this_machine() -> None:
    """Without an NVIDIA driver the real module gives the one-line message."""
    try:
        pynvml.nvmlInit()
    except pynvml.NVMLError:
        pass
    else:
        pynvml.nvmlShutdown()
        pytest.skip("an NVIDIA driver is present here")
    src = open_source("nvml://")
    with pytest.raises(SourceError) as err:
        src.fetch("site", FetchContext())
    assert str(err.value) == f"NVML: {NO_DRIVER}"
    src.close()


def test_no_traceback_from_cli_style_use() -> None:
    code = (
        "from console.sources.nvml import NvmlSource\n"
        "from console.sources.base import FetchContext, SourceError\n"
        "import pynvml\n"
        "try:\n pynvml.nvmlInit()\nexcept pynvml.NVMLError:\n pass\n"
        "else:\n print('NVML: driver present'); raise SystemExit(0)\n"
        "try:\n NvmlSource().fetch('racks', FetchContext())\n"
        "except SourceError as e:\n print(e)\n"
    )
    root = Path(__file__).resolve().parents[3]
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    )
    assert out.stderr == "" and len(out.stdout.strip().splitlines()) == 1


def test_recorded_load_trace_stays_healthy() -> None:
    """38 s of a real H200 idle -> loaded at its 700 W cap -> idle: normal operation."""
    trace = json.loads((SNAPSHOT.parent / "nvml_trace_h200_load.json").read_text())["rows"]
    fake = FakeNvml()
    src = source(fake)
    peak = 0.0
    for row in trace:
        fake.set_reading(0, "power_mw", round(row["power_w"] * 1000))
        fake.set_reading(0, "temp_gpu_c", row["temp_c"])
        fake.set_reading(0, "clock_event_reasons", row["reasons"])
        fake.set_reading(0, "energy_mj", round(row["energy_j"] * 1000))
        src._last_read = None
        gpu = src.read_all()[0]
        assert gpu["power_w"] == pytest.approx(row["power_w"], abs=1e-3)
        assert gpu["energy_j"] == pytest.approx(row["energy_j"], abs=1e-3)
        assert gpu["status"] == "healthy"  # SW power cap (0x4) and idle (0x1) are normal
        peak = max(peak, gpu["power_w"])
    assert 650 < peak < 720  # brief excursions just above the 700 W cap are real
