"""PrometheusSource through a real Prometheus 2.42 scraping the simulated hub's /metrics.

Setup: a SimulatedHub at 'rack' scale (one NVL72 rack + one HGX rack, 104 GPUs, every
series kind: site power, per-rack and per-GPU dcgm-exporter series) behind a HubServer
on 127.0.0.1, frozen (no clock ticks) so that what Prometheus scraped and what the hub
API answers describe the same instant; Debian's ``prometheus`` scrapes it every second.

Tolerances (what the exposition format rounds):
- rack power, inlet, PDU loads: 0.05 kW / 0.05 °C (the hub prints one decimal);
- GPU temperature max: 0.5 °C (dcgm-exporter prints whole degrees);
- GPU utilisation mean: 0.5 % (whole percent per GPU);
- site power fields: 1e-4 relative + 1e-4 absolute (the hub prints 4 decimals).
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from console.sources.base import FetchContext, SourceError
from console.sources.prometheus import PrometheusSource

pytestmark = pytest.mark.integration

RACK_TOL = {"power_kw": 0.051, "inlet_c": 0.051, "pdu_a_kw": 0.051, "pdu_b_kw": 0.051,
            "alarm": 0.0, "gpu_temp_max_c": 0.5, "gpu_util_mean": 0.5}  # fmt: skip


@pytest.fixture
def frozen_hub() -> Any:
    from console.hub.server import HubServer
    from console.hub.sim import SimulatedHub

    hub = SimulatedHub("rack", seed=3)
    hub.inject("xid", "A-01-01", xid=79)
    hub.inject("ecc", "E-01-01")
    server = HubServer(hub, port=0, tick_s=3600.0).start()
    yield server
    server.stop()


@pytest.fixture
def prom(frozen_hub: Any, prometheus_factory: Any) -> Any:
    address = frozen_hub.url.removeprefix("http://")
    proc = prometheus_factory({"hub": (address, "/metrics")})
    proc.wait_up("hub")
    proc.wait_for("hub_site_it_load_mw offset 2s")  # a sample before the last grid point
    return proc


def test_figures_match_the_hub(frozen_hub: Any, prom: Any, tmp_path: Path) -> None:
    hub = frozen_hub.hub
    site_file = tmp_path / "site.json"
    site_file.write_text(json.dumps(hub.site()))
    with PrometheusSource(f"prometheus+{prom.url}", topology=str(site_file), power_step=1.0) as src:
        topo = src.fetch("site", FetchContext())
        racks = src.fetch("racks", FetchContext(topology=topo))
        gpus = src.fetch("gpus", FetchContext(topology=topo))
        power = src.fetch("power", FetchContext(power_window_s=60))
        detail = src.fetch_rack("A-01-01")
        assert src.unmapped_hosts == set()
    truth = hub.racks()
    assert list(truth["rack_ids"]) == list(topo.rack_ids)
    for field, tol in RACK_TOL.items():
        got = racks[field].astype(float)
        want = np.array(truth[field], float)
        assert np.allclose(got, want, atol=tol, equal_nan=True), (field, got, want)
    # Unhealthy GPUs: everything the hub calls failed / off the bus is found, same status.
    ours = {g["uuid"]: g for g in gpus.gpus}
    serious = [g for g in hub.unhealthy_gpus()["gpus"] if g["status"] in ("failed", "off_bus")]
    assert serious, "the injected faults should show"
    for g in serious:
        assert ours[g["uuid"]]["status"] == g["status"]
        assert ours[g["uuid"]]["rack"] == g["rack"] and ours[g["uuid"]]["host"] == g["host"]
    assert racks["gpus_unhealthy"].sum() == len(gpus.gpus)
    # Site power: the last scraped point equals the hub's current balance.
    now = hub.balance_now()
    last = {f: v[np.isfinite(v)][-1] for f, v in power.fields.items() if np.isfinite(v).any()}
    for field, value in last.items():
        assert value == pytest.approx(now[field], rel=1e-4, abs=1e-4), field
    assert {"it_mw", "facility_mw", "grid_mw", "renewable_share_pct"} <= set(last)
    # Rack detail: per-GPU temperatures and power as the hub API gives them.
    api = {g["uuid"]: g for n in hub.rack("A-01-01")["nodes"] for g in n["gpus"]}
    seen = [g for n in detail.nodes for g in n["gpus"]]
    assert len(seen) == len(api)
    for g in seen:
        want = api[g["uuid"]]
        if g["temp_c"] is not None and want["temp_c"] is not None:
            assert abs(g["temp_c"] - want["temp_c"]) <= 0.5
        if g["power_w"] is not None and want["power_w"] is not None:
            assert abs(g["power_w"] - want["power_w"]) <= 0.05


def test_topology_from_hub_url_and_long_ranges(frozen_hub: Any, prom: Any) -> None:
    with PrometheusSource(f"prometheus+{prom.url}", topology=frozen_hub.url) as src:
        assert src.fetch("site", FetchContext()).rack_ids == ("A-01-01", "E-01-01")
        end = math.ceil(time.time())
        # 30,000 points per series: one request would be refused (bad_data, 11,000 max).
        result = src.client.query_range("hub_site_it_load_mw", end - 29_999, end, 1.0)
        assert src.client.requests >= 3
        assert len(result.series) == 1 and len(result.series[0].t) >= 1
        with pytest.raises(SourceError, match="bad_data"):
            src.client.query("sum(hub_site_it_load_mw")


def test_recording_rules_give_the_same_racks(
    frozen_hub: Any, prometheus_factory: Any, tmp_path: Path
) -> None:
    from console.sources.prometheus import RULE_NAMES, recording_rules_yaml

    rules = recording_rules_yaml(interval="1s")
    promtool = shutil.which("promtool")
    if promtool is not None:  # the rules file operators load is valid as written
        path = tmp_path / "rules.yml"
        path.write_text(recording_rules_yaml())
        subprocess.run([promtool, "check", "rules", str(path)], check=True, capture_output=True)
    address = frozen_hub.url.removeprefix("http://")
    prom = prometheus_factory({"hub": (address, "/metrics")}, rules=rules)
    prom.wait_up("hub")
    prom.wait_for(RULE_NAMES["temp"])
    prom.wait_for(RULE_NAMES["unhealthy"])
    site = frozen_hub.hub.site()
    with PrometheusSource(f"prometheus+{prom.url}", topology=frozen_hub.url) as adhoc:
        want = adhoc.fetch("racks", FetchContext())
        want_gpus = {g["uuid"]: g["status"] for g in adhoc.fetch("gpus", FetchContext()).gpus}
    with PrometheusSource(
        f"prometheus+{prom.url}", topology=frozen_hub.url, use_rules=True
    ) as ruled:
        got = ruled.fetch("racks", FetchContext())
        got_gpus = {g["uuid"]: g["status"] for g in ruled.fetch("gpus", FetchContext()).gpus}
    assert len(site["racks"]) == len(got["power_kw"])
    for field in ("gpu_temp_max_c", "gpu_util_mean", "gpus_unhealthy", "power_kw"):
        assert np.allclose(got[field], want[field], equal_nan=True), field
    assert got_gpus == want_gpus
