"""Rack map hit testing: the grid finds the rack hit_index finds, on any plan."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from widgets.rackmap_overlays import HIT_SPAN_CELLS, HitGrid, hit_index, rack_tooltip


def _points(g: np.ndarray, rng: np.random.Generator, n: int = 400) -> list[tuple[float, float]]:
    """Points inside racks, on their edges and corners, and anywhere around."""
    pts: list[tuple[float, float]] = []
    finite = g[np.isfinite(g).all(axis=1)]
    if len(finite):
        lo = finite[:, :2].min(axis=0) - 2.0
        hi = (finite[:, :2] + finite[:, 2:]).max(axis=0) + 2.0
        pts += [tuple(p) for p in rng.uniform(lo, hi, (n, 2)).tolist()]
        for x, y, w, h in finite[: n // 4].tolist():
            pts += [(x, y), (x + w, y), (x, y + h), (x + w, y + h),
                    (x + w / 2, y + h / 2), (math.nextafter(x + w, -math.inf), y)]
    pts += [(math.nan, 0.0), (0.0, math.inf), (-1e308, 1e308)]
    return pts


def _same_as_hit_index(g: np.ndarray, rng: np.random.Generator) -> None:
    grid = HitGrid(g)
    with np.errstate(invalid="ignore"):
        for x, y in _points(g, rng):
            assert grid.hit(x, y) == hit_index(g, x, y), (x, y)


def test_grid_hits_the_rack_hit_index_hits_on_a_site_plan() -> None:
    rng = np.random.default_rng(1)
    rows = []
    for hall_x in (0.0, 40.0):
        for r in range(12):
            for p in range(30):
                rows.append((hall_x + 0.6 * p, 3.0 * r, 0.6, 1.2))
    _same_as_hit_index(np.array(rows), rng)


def test_grid_hits_as_hit_index_on_broken_plans() -> None:
    """Overlaps (the lowest index wins), empty and negative rectangles, a rack across the
    whole floor, NaN and infinities: the same rack (or none) as testing every rack."""
    rng = np.random.default_rng(2)
    for trial in range(30):
        n = int(rng.integers(1, 300))
        g = np.column_stack((rng.uniform(-50, 50, n), rng.uniform(-50, 50, n),
                             rng.uniform(0, 8, n), rng.uniform(0, 8, n)))
        k = rng.integers(0, n, max(1, n // 10))
        kind = trial % 6
        if kind == 1:
            g[k, 2:] = 0.0  # drawn nowhere
        elif kind == 2:
            g[k, 2] = -1.0
        elif kind == 3:
            g[k] = (-100.0, -100.0, 300.0, 300.0)  # across everything: off the grid cells
        elif kind == 4:
            g[k, int(rng.integers(0, 4))] = rng.choice([math.nan, math.inf, -math.inf])
        elif kind == 5:
            g[k] = g[0]  # stacked racks
        _same_as_hit_index(g, rng)


def test_grid_of_no_rack_hits_nothing() -> None:
    assert HitGrid(np.zeros((0, 4))).hit(0.0, 0.0) == -1
    assert HitGrid(np.zeros((3, 4))).hit(0.0, 0.0) == -1
    one = HitGrid(np.array([[1.0, 1.0, 2.0, 2.0]]))
    assert one.hit(1.0, 1.0) == 0 and one.hit(3.0, 2.0) == -1 and one.hit(2.9, 2.9) == 0


def test_a_rack_over_many_cells_is_still_hit() -> None:
    small = [(float(i), 0.0, 0.5, 0.5) for i in range(100)]
    g = np.array([*small, (0.0, 0.0, 100.0, 0.5)])  # spans far more than HIT_SPAN_CELLS
    grid = HitGrid(g)
    assert grid.hit(50.7, 0.2) == 100 and grid.hit(50.2, 0.2) == 50
    assert HIT_SPAN_CELLS < 100


T_NOV = 1_795_908_600.0
"""Sat 28 Nov 2026 23:30 UTC: Sun 29 Nov 00:30 at the site (Africa/Casablanca, UTC+1)."""


@pytest.fixture
def workstation_in_utc(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The workstation's clock set to UTC, so a time said in it differs from the site's."""
    import time

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("workstation_in_utc")
def test_tooltip_says_the_hub_time_in_the_sites_zone() -> None:
    from console.contract import RACK_FIELDS
    from console.decode import decode_racks, decode_site

    rack = {"id": "A-01-01", "hall": "A", "row": "A-01", "x": 0.0, "y": 0.0, "w": 0.6,
            "h": 1.2, "gpu_model": "H200", "capacity_kw": 48.0, "gpus": 32}
    topo = decode_site({"time": T_NOV, "timezone": "Africa/Casablanca", "halls": [],
                        "rows": [], "racks": [rack]}, received=T_NOV)
    racks = decode_racks({"time": T_NOV, "rack_ids": ["A-01-01"],
                          **{f: [1.0] for f in RACK_FIELDS}}, topo)
    tip = rack_tooltip(topo, racks, 0, 4.0, False)
    assert "(hub time 00:30:00 UTC+01)" in tip  # not 23:30:00, the workstation's
    paris = decode_site({"time": T_NOV, "timezone": "Europe/Paris", "halls": [], "rows": [],
                         "racks": [rack]}, received=T_NOV)
    assert "(hub time 00:30:00 CET)" in rack_tooltip(paris, racks, 0, 4.0, False)


def test_tooltip_figures_follow_each_snapshot_and_rack() -> None:
    """A rack's figure lines are said once per snapshot (the pointer moving over one rack
    asks again at every move): another snapshot, rack or site layout says them anew."""
    from console.contract import RACK_FIELDS
    from console.decode import decode_racks, decode_site

    racks = [{"id": f"A-01-0{k}", "hall": "A", "row": "A-01", "x": k * 1.0, "y": 0.0,
              "w": 0.6, "h": 1.2, "gpu_model": "H200", "capacity_kw": 48.0, "gpus": 32}
             for k in (1, 2)]
    topo = decode_site({"time": T_NOV, "halls": [], "rows": [], "racks": racks},
                       received=T_NOV)

    def snap(kw: list[float], t: float = T_NOV) -> Any:
        return decode_racks({"time": t, "rack_ids": ["A-01-01", "A-01-02"],
                             **{f: [1.0, 1.0] for f in RACK_FIELDS}, "power_kw": kw}, topo)

    first = snap([12.0, 24.0])
    assert "Power 12.0 kW" in rack_tooltip(topo, first, 0, 1.0, False)
    assert "Power 12.0 kW" in rack_tooltip(topo, first, 0, 1.0, False)  # asked again
    assert "Power 24.0 kW" in rack_tooltip(topo, first, 1, 1.0, False)
    later = snap([30.0, 24.0], T_NOV + 2)
    assert "Power 30.0 kW" in rack_tooltip(topo, later, 0, 1.0, False)
    assert "Power 12.0 kW" in rack_tooltip(topo, first, 0, 1.0, False)  # the older again
    other = decode_site({"time": T_NOV, "halls": [], "rows": [],
                         "racks": [{**racks[0], "capacity_kw": 24.0}, racks[1]]},
                        received=T_NOV)
    assert "(50 % of 24 kW)" in rack_tooltip(other, first, 0, 1.0, False)
    assert "(25 % of 48 kW)" in rack_tooltip(topo, first, 0, 1.0, False)


def test_buckets_are_those_of_digitize_at_every_edge_and_beyond() -> None:
    """Each overlay's bucket of a figure is np.digitize's (right=True: a figure equal to an
    edge falls in the lower bucket), infinities in the first and last, NaN no data (-1)."""
    import numpy as np

    from widgets.rackmap_overlays import OVERLAYS

    for overlay in OVERLAYS.values():
        edges = np.array(overlay.edges, np.float32)
        values = np.concatenate([
            edges, np.nextafter(edges, np.float32(np.inf)),
            np.nextafter(edges, np.float32(-np.inf)), np.linspace(-50, 250, 301, dtype=np.float32),
            np.array([np.inf, -np.inf, 3.4e38, -3.4e38, 0.0], np.float32)])
        expected = np.digitize(values.astype(np.float64), np.array(overlay.edges), right=True)
        got = overlay.buckets(np.concatenate([values, [np.nan]]).astype(np.float32))
        assert got.dtype == np.int16
        assert got[:-1].tolist() == expected.tolist(), overlay.name
        assert got[-1] == -1


@pytest.mark.parametrize("text", ["A&B", "A<B", "A>B", 'A"B', "A'B", "A-01-01", "", "é<"])
def test_tooltip_text_escaped_as_html_escapes_it(text: str) -> None:
    import html

    from widgets.rackmap_overlays import _escaped

    assert _escaped(text) == html.escape(text)


def test_figure_lines_joined_say_what_each_line_says_alone() -> None:
    """The figure lines are formatted as one template per language: the same text as each
    line formatted alone, for translations that reorder their fields or hold braces, and
    those with other fields are formatted line by line."""
    from widgets import rackmap_overlays as ro

    said = tuple(f"v{k}" for k in range(12))
    english = ro._TOOLTIP_WORDS
    reordered = english._replace(power="{2} ← {1} ← {0} {{kW}}", alarm="Alarme : {0}")
    odd = english._replace(inlet="Inlet {0:>5} · {1}")
    for words in (english, reordered, odd):
        alone = "<br>".join(t.format(*said[at:at + n]) for t, at, n in ro._figure_lines(words))
        joined = ro._joined_templates(words)
        if words is odd:
            assert joined is None
        else:
            assert joined is not None and joined.format(*said) == alone
    assert (ro._joined_templates(reordered) or "").startswith("{2} ← {1} ← {0} {{kW}}<br>")
