"""The console on a stock site through a real Prometheus 2.42, with only docs/stock-site.toml.

Prometheus scrapes stand-ins (tests/integration/stock_exporters.py) that serve what a stock
site's exporters serve: dcgm-exporter 3.x with its default counters (no ECC, no throttle
reasons, no DCGM_EXP_* fields; label ``Hostname``), rack PDUs as snmp_exporter renders
ServerTech's Sentry4-MIB, and facility / grid meters from a Modbus meter exporter. None of
the simulated hub's series exist. The topology lists each rack's hosts.

Checked against the served values: racks (GPU power sum, hottest GPU, mean utilisation),
GPU counts and the unhealthy GPUs (XID 79 off the bus; an application XID degraded only
while recent), site power (IT, facility, PUE, renewable share from grid import; solar and
wind "not metered" with the reason), and check() naming what is missing (ECC).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from stock_exporters import StockSite, serve_stock_site

from console.settings import load_settings, make_source
from console.sources.base import FetchContext

pytestmark = pytest.mark.integration

DOCS = Path(__file__).resolve().parents[2] / "docs"
RACKS = {"A-01-01": ["node-a01", "node-a02"], "A-01-02": ["node-a03", "node-a04"]}


@pytest.fixture
def stack(prometheus_factory: Any, tmp_path: Path) -> Any:
    site = StockSite(RACKS, xids={("node-a02", 1): 79, ("node-a03", 2): 13},
                     extra_hosts=("login-01",))  # fmt: skip
    with serve_stock_site(site, prometheus_factory, tmp_path) as (prom, site_file):
        yield site, prom, site_file


def test_stock_site_with_the_documented_config(stack: Any) -> None:
    site, prom, site_file = stack
    settings = load_settings(
        DOCS / "stock-site.toml",
        env={},
        overrides={"prometheus_url": prom.url, "site_topology": str(site_file)},
    )
    source = make_source(settings)
    try:
        topo = source.fetch("site", FetchContext())
        ctx = FetchContext(topology=topo, power_window_s=120)
        racks = source.fetch("racks", ctx)
        gpus = source.fetch("gpus", ctx)
        power = source.fetch("power", ctx)
        rows = source.prometheus.check()
    finally:
        source.close()

    # Racks: every GPU of a rack's listed hosts, none of the login node's.
    assert topo.rack_ids == tuple(RACKS) and topo.total_gpus == 16
    by_host: dict[str, list[Any]] = {}
    for g in site.gpus():
        by_host.setdefault(g.host, []).append(g)
    for i, hosts in enumerate(RACKS.values()):
        mine = [g for h in hosts for g in by_host[h]]
        assert racks["power_kw"][i] == pytest.approx(sum(g.power_w for g in mine) / 1e3, abs=1e-6)
        assert racks["gpu_temp_max_c"][i] == max(g.temp for g in mine)
        assert racks["gpu_util_mean"][i] == pytest.approx(np.mean([g.util for g in mine]))
    assert "login-01" in racks.unknown_ids  # a host no rack lists is named, not dropped

    # GPU health: XID 79 off the bus; the application XID 13 is recent (new series) and
    # only degrades; ECC is not collected by the default counters, and says so.
    status = {(g["host"], g["slot"]): g["status"] for g in gpus.gpus}
    assert status == {("node-a02", 1): "off_bus", ("node-a03", 2): "degraded"}
    assert gpus.counts["healthy"] == 14 and gpus.counts["off_bus"] == 1
    assert "ecc_dbe" in gpus.not_collected and "clock_event_reasons" in gpus.not_collected

    # Site power in MW from W meters; PUE and renewable share derived; the rest not metered.
    last = {f: v[np.isfinite(v)][-1] for f, v in power.fields.items() if np.isfinite(v).any()}
    assert last["it_mw"] == pytest.approx(site.it_w() / 1e6)
    assert last["facility_mw"] == pytest.approx(site.facility_w / 1e6)
    assert last["grid_mw"] == pytest.approx(site.grid_w / 1e6)
    assert last["pue"] == pytest.approx(site.facility_w / site.it_w())
    share = (site.facility_w - site.grid_w) / site.facility_w * 100
    assert last["renewable_share_pct"] == pytest.approx(share)
    for field in ("solar_mw", "wind_mw", "battery_discharge_mw", "carbon_g_per_kwh"):
        assert field not in last
        assert power.missing[field].startswith("not metered: no ")
    assert "solar" in power.missing["solar_mw"] and "pue" not in power.missing

    # check(): what is found, what is missing and what to enable.
    found = {(r["view"], r["figure"]): r for r in rows}
    ecc = found[("GPU health", "ECC (uncorrectable)")]
    assert ecc["status"] == "missing" and "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL" in ecc["hint"]
    assert found[("GPU health", "XID (last XID)")]["status"] == "found"
    assert found[("power", "solar")]["status"] == "missing"
    assert found[("power", "IT load")]["status"] == "found"
    assert found[("power", "PUE")]["status"] == "found"
    assert found[("topology", "hosts mapped to racks")]["detail"].startswith("4 of 5 hosts")
    assert "login-01" in found[("topology", "hosts not mapped")]["detail"]
    assert {r["status"] for r in rows} <= {"found", "missing", "error"}
