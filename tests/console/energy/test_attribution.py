"""Rack energy shared among jobs by the GPUs they hold: it adds up, interval by interval."""

from __future__ import annotations

import numpy as np
import pytest

from console.energy.attribution import JobSpans, RackEnergy, attribute, pairs


def _jobs(rows: list[dict], start: list[float], end: list[float]) -> JobSpans:
    names = ("id", "tenant", "tenant_kind", "tenant_country", "gpus", "racks")
    cols = {n: np.array([r.get(n) for r in rows], dtype=object) for n in names}
    cols["gpus"] = np.array([r["gpus"] for r in rows], np.int64)
    cols["id"] = np.arange(len(rows), dtype=np.int64)
    racks = np.empty(len(rows), dtype=object)
    for i, r in enumerate(rows):
        racks[i] = tuple(r["racks"])
    cols["racks"] = racks
    return JobSpans(cols, np.array(start, float), np.array(end, float))


def _energy(kw: np.ndarray, begin: np.ndarray, end: np.ndarray, gpus: list[int],
            intensity: float | np.ndarray = 500.0) -> RackEnergy:
    n = kw.shape[1]
    ci = np.broadcast_to(np.asarray(intensity, float), (len(begin),)).copy()
    return RackEnergy(tuple(f"R{i}" for i in range(n)), np.array(gpus, float), begin, end,
                      kw.astype(np.float32), ci)


def test_known_shares_on_one_rack() -> None:
    # One rack of 72 GPUs at 100 kW for 2 h: A holds 36 GPUs all along, B 18 for the
    # second hour only; the rest is unallocated.
    energy = _energy(np.full((2, 1), 100.0), np.array([0.0, 3600.0]),
                     np.array([3600.0, 7200.0]), [72])
    jobs = _jobs([{"gpus": 36, "racks": ["R0"]}, {"gpus": 18, "racks": ["R0"]}],
                 [-100.0, 3600.0], [np.inf, 9000.0])
    a = attribute(energy, jobs, 0.0, 7200.0)
    assert a.metered_kwh == pytest.approx(200.0)
    assert a.energy_kwh[0] == pytest.approx(100.0)  # half the rack, 2 h
    assert a.energy_kwh[1] == pytest.approx(25.0)  # a quarter, 1 h
    assert a.unallocated_kwh == pytest.approx(75.0)
    assert a.gpu_hours.tolist() == pytest.approx([72.0, 18.0])
    assert a.carbon_kg[0] == pytest.approx(100.0 * 500.0 / 1000.0)


def test_partial_interval_and_proportional_racks() -> None:
    # A job of 108 GPUs on a 72-GPU and a 36-GPU rack holds 72 and 36: all of both racks.
    energy = _energy(np.array([[100.0, 50.0]]), np.array([0.0]), np.array([3600.0]), [72, 36])
    jobs = _jobs([{"gpus": 108, "racks": ["R0", "R1"]}], [1800.0], [np.inf])
    job, rack, g, unplaced = pairs(jobs, {"R0": 0, "R1": 1}, np.array([72.0, 36.0]))
    assert g.tolist() == [72.0, 36.0] and unplaced == 0
    a = attribute(energy, jobs, 0.0, 3600.0)
    assert a.energy_kwh[0] == pytest.approx(75.0)  # the second half hour of both racks
    assert a.unallocated_kwh == pytest.approx(75.0)


def test_overbooked_rack_never_counts_energy_twice() -> None:
    energy = _energy(np.full((1, 1), 72.0), np.array([0.0]), np.array([3600.0]), [72])
    jobs = _jobs([{"gpus": 72, "racks": ["R0"]}, {"gpus": 72, "racks": ["R0"]}],
                 [0.0, 0.0], [3600.0, 3600.0])
    a = attribute(energy, jobs, 0.0, 3600.0)
    assert a.energy_kwh.tolist() == pytest.approx([36.0, 36.0])
    assert a.unallocated_kwh == pytest.approx(0.0, abs=1e-9)


def test_random_site_adds_up_to_the_metered_energy() -> None:
    rng = np.random.default_rng(3)
    n_racks, n_frames = 40, 700  # more than one chunk of intervals
    gpus = rng.choice([8, 36, 72], n_racks).tolist()
    begin = np.cumsum(rng.uniform(50, 900, n_frames))
    end = begin + rng.uniform(10, 50, n_frames)  # gaps between intervals
    kw = rng.uniform(5, 130, (n_frames, n_racks))
    kw[rng.random(kw.shape) < 0.02] = np.nan  # racks that did not report
    rows, s, e = [], [], []
    for _ in range(300):
        k = int(rng.integers(1, 4))
        racks = [f"R{int(r)}" for r in rng.choice(n_racks, k, replace=False)]
        racks += ["Z-unknown"] if rng.random() < 0.1 else []
        rows.append({"gpus": int(rng.integers(1, 150)), "racks": racks})
        t0 = float(rng.uniform(begin[0] - 5000, end[-1]))
        s.append(t0)
        e.append(np.inf if rng.random() < 0.2 else t0 + float(rng.uniform(60, 90000)))
    energy = _energy(kw, begin, end, gpus, rng.uniform(0, 700, n_frames))
    a = attribute(energy, _jobs(rows, s, e), float(begin[0]), float(end[-1]))
    metered = np.nansum(kw * ((end - begin) / 3600.0)[:, None])
    assert a.metered_kwh == pytest.approx(metered, rel=1e-9)
    assert a.energy_kwh.sum() + a.unallocated_kwh == pytest.approx(metered, rel=1e-9)
    assert a.carbon_kg.sum() + a.unallocated_carbon_kg == pytest.approx(
        a.metered_carbon_kg, rel=1e-9)
    assert (a.energy_kwh >= -1e-9).all() and a.unallocated_kwh > 0


def test_jobs_on_no_known_rack_are_counted_apart() -> None:
    energy = _energy(np.full((1, 1), 10.0), np.array([0.0]), np.array([3600.0]), [8])
    jobs = _jobs([{"gpus": 8, "racks": ["nowhere"]}, {"gpus": 4, "racks": []}],
                 [0.0, 0.0], [3600.0, 3600.0])
    a = attribute(energy, jobs, 0.0, 3600.0)
    assert a.jobs_unplaced == 2
    assert a.energy_kwh.tolist() == [0.0, 0.0]
    assert a.unallocated_kwh == pytest.approx(10.0)
