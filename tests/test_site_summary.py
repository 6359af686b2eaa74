"""KPI strip: grey when normal (ISA-101); a few failed GPUs at fleet scale are normal wear."""

from __future__ import annotations

from typing import Any

from console.decode import decode_site, decode_unhealthy
from console.hub.topology import Topology
from widgets.site_summary import ABNORMAL, SiteSummary

T0 = 1_780_000_000.0


def _gpus(n: int) -> Any:
    gpus = [{"uuid": f"GPU-{k}", "rack": "A-01-01", "status": "failed", "xid": 48,
             "since": T0} for k in range(n)]
    return decode_unhealthy(
        {"time": T0, "gpus": gpus, "counts": {"failed": n, "off_bus": 0, "degraded": 0}},
        received=T0,
    )


def test_unhealthy_gpu_tile_is_grey_at_normal_wear_and_orange_above(qtbot: Any) -> None:
    topo = Topology("hall", 3)  # 34,560 GPUs
    site = decode_site({"time": T0, "halls": topo.halls, "rows": topo.rows, "racks": topo.racks},
                       received=T0)
    summary = SiteSummary()
    qtbot.addWidget(summary)
    summary.set_topology(site)
    summary.apply(_gpus(17))  # 0.05 % of the fleet: maintenance work
    summary.flush()
    assert summary.tiles["gpus"].value.text() == "17"
    assert ABNORMAL not in summary.tiles["gpus"].value.styleSheet()
    summary.apply(_gpus(120))  # 0.35 %: well above normal wear
    summary.flush()
    assert ABNORMAL in summary.tiles["gpus"].value.styleSheet()
