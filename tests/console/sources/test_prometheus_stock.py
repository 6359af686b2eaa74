"""Issue 13, the Prometheus part: a stock site (dcgm-exporter as shipped, the site's own
meters, a topology whose racks list their hosts). Each test failed before the fix."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from backend_http import Request
from test_prometheus_source import EMPTY, serve, vector

from console.decode import decode_site
from console.gpu_health import xid_verdict
from console.settings import ConfigError, load_settings
from console.site_power import parse_power_profile
from console.sources.base import FetchContext
from console.sources.prometheus import PrometheusSource

NOW = 1_795_892_394.0
TEMP_BY_HOST = "max by (Hostname, hostname) (DCGM_FI_DEV_GPU_TEMP)"


def stock_site(hosts: dict[str, list[str]] | None = None) -> Any:
    racks = [
        {"id": r, "hall": "A", "row": "A-01", "x": float(i), "y": 0.0, "w": 0.6, "h": 1.2,
         "capacity_kw": 45.0, "gpus": 8, **({"hosts": hosts[r]} if hosts else {})}
        for i, r in enumerate(("A-01-01", "A-01-02"))
    ]  # fmt: skip
    return decode_site({"time": NOW, "halls": [{"id": "A"}], "racks": racks})


def gpu(host: str, i: int, label: str = "hostname") -> dict[str, str]:
    return {label: host, "UUID": f"GPU-{host}-{i}", "gpu": str(i), "modelName": "NVIDIA H200"}


def test_topology_hosts_lists_map_hosts_to_racks() -> None:
    site = stock_site({"A-01-01": ["node-a01"], "A-01-02": ["node-a02.cluster.local"]})
    answers = {TEMP_BY_HOST: vector([({"hostname": "node-a01"}, 61),
                                     ({"hostname": "node-a02"}, 70)])}  # fmt: skip
    with serve(answers) as backend, PrometheusSource(f"prometheus+{backend.url}", topology=site) as src:
        racks = src.fetch("racks", FetchContext())
        assert src.unmapped_hosts == set()
    assert racks["gpu_temp_max_c"].tolist() == [61, 70]


def test_host_pattern_maps_hosts_to_racks() -> None:
    answers = {TEMP_BY_HOST: vector([({"Hostname": "gpua01r02n07.dc1"}, 55),
                                     ({"Hostname": "mgmt-1"}, 40)])}  # fmt: skip
    with serve(answers) as backend:
        with PrometheusSource(f"prometheus+{backend.url}", topology=stock_site(),
                              host_pattern=r"gpu(?P<hall>[a-z])(?P<row>\d+)r(?P<pos>\d+)n\d+",
                              rack_template="{hall}-{row}-{pos}") as src:  # fmt: skip
            racks = src.fetch("racks", FetchContext())
            assert src.unmapped_hosts == {"mgmt-1"}
    assert np.isnan(racks["gpu_temp_max_c"][0]) and racks["gpu_temp_max_c"][1] == 55


def test_unmapped_hosts_say_how_to_map_them() -> None:
    answers = {TEMP_BY_HOST: vector([({"hostname": "gpu-014"}, 55)])}
    with serve(answers) as backend:
        with PrometheusSource(f"prometheus+{backend.url}", topology=stock_site()) as src:
            with pytest.raises(Exception, match="racks\\[\\].hosts or set \\[prometheus\\] host_pattern"):
                src.fetch("racks", FetchContext())


def test_xid_rule() -> None:
    assert xid_verdict(13, last_is_new=False) is None  # old application XID: healthy again
    assert xid_verdict(43, last_is_new=True) == 43  # recent: counts (degraded)
    assert xid_verdict(79, last_is_new=False) == 79  # needs a power-cycle: stays
    assert xid_verdict(48, last_is_new=False) == 48  # needs a reset: stays
    assert xid_verdict(None, False, window=[31, 13]) == 31
    assert xid_verdict(13, False, window=[94]) == 94


def fetch_gpus(answers: dict[str, Any], **options: Any) -> Any:
    site = stock_site({"A-01-01": ["node-a01"], "A-01-02": ["node-a02"]})
    with serve(answers) as backend:
        with PrometheusSource(f"prometheus+{backend.url}", topology=site, **options) as src:
            return src.fetch("gpus", FetchContext()), backend.requests


def test_old_application_xid_does_not_degrade_a_gpu_for_good() -> None:
    # DCGM_FI_DEV_XID_ERRORS still holds 13 (the exporter never resets it) but it has not
    # changed for longer than the clear time: the GPU is healthy; an old XID 79 is not.
    answers = {
        "changes(DCGM_FI_DEV_XID_ERRORS": EMPTY,
        "DCGM_FI_DEV_XID_ERRORS > 0": vector([(gpu("node-a01", 0), 13),
                                              (gpu("node-a02", 1), 79)]),
    }  # fmt: skip
    gpus, _ = fetch_gpus(answers)
    assert [(g["host"], g["status"], g["xid"]) for g in gpus.gpus] == [("node-a02", "off_bus", 79)]
    assert gpus.counts["degraded"] == 0


def test_recent_application_xid_is_degraded_not_failed() -> None:
    answers = {
        "changes(DCGM_FI_DEV_XID_ERRORS": vector([(gpu("node-a01", 0), 1)]),
        "DCGM_FI_DEV_XID_ERRORS > 0": vector([(gpu("node-a01", 0), 31)]),
    }
    gpus, _ = fetch_gpus(answers)
    assert [(g["status"], g["xid"]) for g in gpus.gpus] == [("degraded", 31)]


def test_windowed_xid_count_with_err_code_or_xid_label() -> None:
    window = [({**gpu("node-a01", 2), "err_code": "48", "window_size_in_ms": "300000"}, 1),
              ({**gpu("node-a02", 0), "xid": "13", "window_size_in_ms": "300000"}, 2)]
    answers = {"DCGM_EXP_XID_ERRORS_COUNT > 0": vector(window)}
    gpus, requests = fetch_gpus(answers)
    got = {(g["host"], g["xid"], g["status"]) for g in gpus.gpus}
    assert got == {("node-a01", 48, "failed"), ("node-a02", 13, "degraded")}


def test_ecc_not_collected_is_said() -> None:
    # dcgm-exporter's default counters: XIDs and row remap, no ECC, no clock reasons.
    def presence(req: Request) -> tuple:
        names = ["DCGM_FI_DEV_XID_ERRORS", "DCGM_FI_DEV_ROW_REMAP_FAILURE"]
        return 200, "application/json", vector([({"__name__": n}, 16) for n in names])

    gpus, _ = fetch_gpus({"count by (__name__)": presence})
    assert set(gpus.not_collected) == {"ecc_dbe", "clock_event_reasons"}
    assert "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL" in gpus.not_collected["ecc_dbe"]


def test_both_clock_reason_fields_are_read() -> None:
    for name in ("DCGM_FI_DEV_CLOCKS_EVENT_REASONS", "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS"):
        def reasons(req: Request, name: str = name) -> tuple:
            query = req.params["query"][0]
            assert "DCGM_FI_DEV_CLOCKS_EVENT_REASONS" in query
            assert "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS" in query
            return 200, "application/json", vector([(gpu("node-a01", 3), 0x40)])

        gpus, _ = fetch_gpus({"_REASONS) > 0": reasons})
        assert [g["clock_event_reasons"] for g in gpus.gpus] == [0x40]


def matrix(req: Request, value: str) -> tuple:
    start, end, step = (float(req.params[k][0]) for k in ("start", "end", "step"))
    t = np.arange(start, end + step / 2, step)
    body = {"status": "success", "data": {"resultType": "matrix", "result": [
        {"metric": {"meter": "x"}, "values": [[x, value] for x in t]}]}}  # fmt: skip
    return 200, "application/json", json.dumps(body).encode()


PROFILE = {
    "it": {"expr": "sum(st4InputCordActivePower)", "unit": "W"},
    "facility": {"expr": 'sum(meter_active_power_watts{meter="facility"})', "unit": "kW"},
    "carbon_intensity": {"expr": "grid_carbon", "unit": "tCO2/MWh"},
    "wind": {"expr": "broken(", "unit": "MW"},
}


def test_site_profile_flows_units_and_reasons() -> None:
    answers = {
        "st4InputCordActivePower": lambda req: matrix(req, "200000"),
        "meter_active_power_watts": lambda req: matrix(req, "260"),
        "grid_carbon": lambda req: matrix(req, "0.45"),
        "broken(": lambda req: (400, "application/json", json.dumps(
            {"status": "error", "errorType": "bad_data", "error": "parse error"}).encode()),
    }  # fmt: skip
    with serve(answers) as backend:
        with PrometheusSource(f"prometheus+{backend.url}", site_power=PROFILE,
                              power_step=1.0) as src:  # fmt: skip
            power = src.fetch("power", FetchContext(power_window_s=30))
    last = power.latest()
    assert last["it_mw"] == pytest.approx(0.2) and last["facility_mw"] == pytest.approx(0.26)
    assert last["pue"] == pytest.approx(1.3) and last["carbon_g_per_kwh"] == pytest.approx(450)
    assert power.missing["solar_mw"] == "not metered: no solar meter configured ([site.power] solar)"
    assert power.missing["wind_mw"].startswith("error: bad_data: parse error")
    assert power.missing["renewable_share_pct"] == "n/a: no grid import meter configured"
    assert np.isnan(power["renewable_share_pct"]).all() and np.isnan(power["solar_mw"]).all()
    assert "pue" not in power.missing


def test_facility_only_site_says_why_pue_is_na() -> None:
    profile = {"facility": PROFILE["facility"]}
    answers = {"meter_active_power_watts": lambda req: matrix(req, "260")}
    with serve(answers) as backend:
        with PrometheusSource(f"prometheus+{backend.url}", site_power=profile,
                              power_step=1.0) as src:  # fmt: skip
            power = src.fetch("power", FetchContext(power_window_s=10))
    assert power.missing["pue"] == "n/a: no IT load meter configured"
    assert power.missing["it_mw"].startswith("not metered")


def test_config_file_site_profile(tmp_path: Path) -> None:
    docs = Path(__file__).resolve().parents[3] / "docs" / "stock-site.toml"
    settings = load_settings(docs, env={})
    flows = parse_power_profile(settings.site["power"])
    assert set(flows) == {"it_mw", "facility_mw", "grid_mw"}
    bad = tmp_path / "bad.toml"
    bad.write_text('[site.power]\nsolar = { expr = "x", unit = "furlongs" }\n')
    with pytest.raises(ConfigError, match="solar unit must be one of W, kW, MW, GW"):
        load_settings(bad, env={})
    bad.write_text('[site.power]\nsun = { expr = "x", unit = "W" }\n')
    with pytest.raises(ConfigError, match="unknown flow 'sun'"):
        load_settings(bad, env={})
    bad.write_text("[prometheus]\nhost_pattern = '[a-z]+-n\\\\d+'\n")
    with pytest.raises(ConfigError, match="named group"):
        load_settings(bad, env={})


def test_signals_published_read_from_the_index_not_counted() -> None:
    """Which health signals dcgm-exporter publishes comes from the label values API (the
    index alone: ~10 ms on a 1/16 site where counting its GPU series took 0.4-5 s, and all
    of a poll's deadline at full site); a store without it is still counted."""
    names = ["DCGM_FI_DEV_XID_ERRORS", "DCGM_FI_DEV_ROW_REMAP_FAILURE", "DCGM_FI_DEV_GPU_TEMP"]
    values = (200, "application/json",
              json.dumps({"status": "success", "data": names}).encode())  # fmt: skip
    with serve({}) as backend:
        backend.routes["/api/v1/label/__name__/values"] = values
        with PrometheusSource(f"prometheus+{backend.url}", topology=stock_site()) as src:
            assert set(src.not_collected()) == {"ecc_dbe", "clock_event_reasons"}
    asked = [r for r in backend.requests if r.path.endswith("/values")]
    assert len(backend.requests) == 1 and len(asked) == 1
    assert asked[0].params["match[]"][0].startswith('{__name__=~"DCGM_')
    assert float(asked[0].params["end"][0]) - float(asked[0].params["start"][0]) == 600
