"""The larger scale presets of the simulator: the Tétouan site's halls twice and four times over.

Building a ``tetouan-x4`` hub takes about ten seconds on the 2-core machine, so one hub is
built for the module and read by every test that needs it; the rest read the topology alone.
"""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pytest

from console.decode import (
    decode_events,
    decode_jobs,
    decode_power,
    decode_rack_detail,
    decode_racks,
    decode_site,
    decode_unhealthy,
)
from console.hub.params import HALLS, SCALES, SITE_CAPACITY_MW, SITE_COPIES, site_halls
from console.hub.sim import SimulatedHub
from console.hub.topology import Topology
from console.model import POWER_LIMITS

START = 1_781_913_600.0  # 2026-06-20 00:00 UTC
RACKS = {"tetouan": 3_520, "tetouan-x2": 7_040, "tetouan-x4": 14_080}


@pytest.fixture(scope="module")
def x4() -> SimulatedHub:
    """The four-times site as constructed (read-only for the tests that use it)."""
    return SimulatedHub("tetouan-x4", seed=7, start=START + 12 * 3600.0)


def test_presets_are_scales() -> None:
    assert set(SITE_COPIES) == {"tetouan", "tetouan-x2", "tetouan-x4"}
    assert set(SITE_COPIES) <= set(SCALES)


@pytest.mark.parametrize("scale", ["tetouan", "tetouan-x2", "tetouan-x4"])
def test_counts_and_unique_ids(scale: str) -> None:
    topo = Topology(scale, 7)
    copies = SITE_COPIES[scale]
    assert topo.n_racks == RACKS[scale]
    site = Topology("tetouan", 7)
    assert topo.n_gpus == copies * site.n_gpus == copies * 189_440
    assert topo.n_nodes == copies * site.n_nodes
    assert len(topo.hall_ids) == copies * len(HALLS)
    assert len(topo.row_ids) == copies * len(site.row_ids)
    for ids in (topo.hall_ids, topo.row_ids, topo.rack_ids, topo.node_ids, topo.node_hosts,
                topo.uuids):
        assert len(set(ids)) == len(ids)
    # the same per-rack make-up: every kind of rack as many times over as the site
    assert Counter(topo.rack_kind.tolist()) == {
        k: copies * n for k, n in Counter(site.rack_kind.tolist()).items()
    }
    assert topo.design_it_kw() == pytest.approx(copies * site.design_it_kw())
    # ids read back: hall letter, row, position; a host name its hall in lower case
    for rack in topo.racks[:: max(1, topo.n_racks // 200)]:
        hall, row, pos = rack["id"].split("-")
        assert hall == rack["hall"] and f"{hall}-{row}" == rack["row"]
        assert int(pos) == rack["position"]
    assert topo.node_hosts[-1] == f"{topo.hall_ids[-1].lower()}20-40-n04"


@pytest.mark.parametrize("scale", ["tetouan-x2", "tetouan-x4"])
def test_halls_do_not_overlap_on_the_plan(scale: str) -> None:
    topo = Topology(scale, 7)
    boxes = [(h["x"], h["y"], h["x"] + h["w"], h["y"] + h["h"]) for h in topo.halls]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
    width = max(b[2] for b in boxes)
    height = max(b[3] for b in boxes)
    assert 0.9 <= width / height <= 2.1  # no long strip of halls: x2 six by two, x4 six by four


def test_site_halls_copies_the_site_under_new_letters() -> None:
    two = site_halls(2)
    assert [h.id for h in two] == list("ABCDEFGHIJKL")
    assert [(h.spec, h.rows, h.racks_per_row) for h in two[6:]] == [
        (h.spec, h.rows, h.racks_per_row) for h in HALLS
    ]
    with pytest.raises(ValueError, match="more than 26 halls"):
        site_halls(5)
    with pytest.raises(ValueError):
        site_halls(0)


def test_four_times_site_decodes_without_refusals(x4: SimulatedHub) -> None:
    site = x4.site()
    assert site["totals"]["racks"] == 14_080 and site["scale"] == "tetouan-x4"
    assert x4.capacity_mw == pytest.approx(4 * SITE_CAPACITY_MW)
    topo = decode_site(json.loads(json.dumps(site, allow_nan=False)))
    assert topo.n_racks == 14_080
    assert list(topo.rack_ids) == x4.topo.rack_ids
    racks = decode_racks(x4.racks(), topo)
    assert racks.invalid_values == 0 and racks.n_missing == 0 and not racks.unknown_ids
    jobs = decode_jobs(x4.jobs())
    assert jobs.invalid == 0 and len(jobs) == len(x4.jobs()["jobs"]) > 20_000
    unhealthy = decode_unhealthy(x4.unhealthy_gpus())
    assert sum(unhealthy.counts.values()) == 4 * 189_440
    assert len(unhealthy.gpus) == len(x4.unhealthy_gpus()["gpus"])
    events = decode_events(x4.events())
    assert len(events.events) == len(x4.events()["events"])
    detail = decode_rack_detail(x4.rack(x4.topo.rack_ids[-1]))
    assert detail.rack["id"] == "X-20-40" and len(detail.nodes) == 4


def test_four_times_site_power_is_believed(x4: SimulatedHub) -> None:
    """More than a gigawatt drawn: the decoder's limits of a site's megawatts take it
    (at 1,000 MW they refused the four-times site's IT, facility and grid power)."""
    answer = x4.power()
    assert max(answer["facility_mw"]) > 1_000.0
    power = decode_power(answer)
    assert power.invalid_values == 0
    assert np.isfinite(power["facility_mw"]).all() and np.isfinite(power["it_mw"]).all()
    assert all(np.isfinite(hi) for _, hi in POWER_LIMITS.values())  # limits stay finite


def test_four_times_site_every_view_is_json(x4: SimulatedHub) -> None:
    for value in (x4.racks(), x4.rack(x4.topo.rack_ids[-1]), x4.unhealthy_gpus(),
                  x4.balance_now()):
        json.dumps(value, allow_nan=False)
