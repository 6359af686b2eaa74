"""bench.backends' site sizes: the GPU series cut by rack, and the line to the whole site."""

from __future__ import annotations

import pytest

from bench import backends


def test_gpu_series_cut_by_sixteenths_of_the_racks() -> None:
    racks = [f"A-{r:02d}-{p:02d}" for r in (1, 2) for p in range(1, 17)]
    head = "# HELP DCGM_FI_DEV_GPU_TEMP GPU temperature (in C).\n# TYPE DCGM_FI_DEV_GPU_TEMP gauge\n"
    lines = [f'DCGM_FI_DEV_GPU_TEMP{{gpu="{g}",Hostname="{r.replace("-", "", 1).lower()}-n0{n}"}} 40\n'
             for r in racks for n in (1, 2) for g in (0, 1)]  # fmt: skip
    text = ("# HELP hub_rack_power_kw Rack IT power (kW).\n"
            + 'hub_rack_power_kw{rack="A-01-01"} 5\n' + head
            + "".join(lines))  # fmt: skip
    parts = backends._gpu_parts(text, {"racks": [{"id": r} for r in racks]}, (1, 2, 4, 16))
    kept = {k: [ln for ln in t.splitlines() if not ln.startswith("#")] for k, t in parts.items()}
    assert len(kept[16]) == len(lines) == 128 and "hub_rack" not in parts[16]
    assert [len(kept[k]) for k in (1, 2, 4)] == [8, 16, 32]  # 2, 4, 8 racks of 32
    assert set(kept[1]) < set(kept[2]) < set(kept[4])
    assert all('Hostname="a01-01-' in ln or 'Hostname="a02-01-' in ln for ln in kept[1])
    assert all(t.startswith("# HELP DCGM_FI_DEV_GPU_TEMP") for t in parts.values())


def test_the_line_through_the_sizes_at_the_whole_site() -> None:
    figures = {"prom_poll_ms_1of16": 200.0, "prom_poll_ms_1of8": 300.0,
               "prom_poll_ms_1of4": 500.0, "prom_poll_min_ms_1of16": 100.0,
               "prom_poll_min_ms_1of8": 100.0, "prom_poll_min_ms_1of4": 100.0,
               "prom_rules_eval_s_1of16": 1.0,
               "prom_rules_eval_s_1of8": 2.0, "prom_rules_eval_s_1of4": 4.0}  # fmt: skip
    got = backends.full_site_estimates(figures)
    assert got["prom_poll_ms_full_est"] == pytest.approx(1700.0)  # 100 + 1600 x share
    assert got["prom_rules_eval_s_full_est"] == pytest.approx(16.0)
    assert got["prom_poll_min_ms_full_est"] == pytest.approx(100.0)
    assert got["prom_poll_ms_growth"] == 2.5 and got["prom_rules_eval_s_growth"] == 4.0
