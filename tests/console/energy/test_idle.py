"""The idle-GPU rule: threshold and duration edges, shared racks, gaps, the config."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from console.energy.attribution import JobSpans, RackEnergy
from console.energy.idle import IdleRule, find_idle

STEP = 60.0
N = 120  # two hours of minutes


def _energy(util: np.ndarray, gpus: list[int], gap_at: int | None = None) -> RackEnergy:
    begin = np.arange(N) * STEP
    if gap_at is not None:
        begin[gap_at:] += 600.0  # ten minutes without telemetry
    n = util.shape[1]
    return RackEnergy(tuple(f"R{i}" for i in range(n)), np.array(gpus, float), begin,
                      begin + STEP, np.full((N, n), 70.0, np.float32), np.full(N, 400.0),
                      util.astype(np.float32))


def _jobs(specs: list[tuple[int, tuple[str, ...]]], start: float = -3600.0) -> JobSpans:
    n = len(specs)
    racks = np.empty(n, dtype=object)
    for i, (_, r) in enumerate(specs):
        racks[i] = r
    cols = {"id": np.arange(1, n + 1), "gpus": np.array([g for g, _ in specs]),
            "racks": racks, "name": np.array(["job"] * n, object),
            "tenant": np.array(["Tenant \u202eevil"] * n, object),
            "tenant_kind": np.array(["startup"] * n, object),
            "tenant_country": np.array(["MA"] * n, object),
            "partition": np.array(["gpu"] * n, object)}
    return JobSpans(cols, np.full(n, start), np.full(n, np.inf))


def _busy_then(value: float, minutes: int) -> np.ndarray:
    util = np.full((N, 1), 90.0)
    util[N - minutes:, 0] = value
    return util


def _at(energy: RackEnergy) -> float:
    return float(energy.end[-1])


@pytest.mark.parametrize(("value", "minutes", "idle"), [
    (4.99, 30, True),   # under the threshold for exactly the idle time
    (4.99, 29, False),  # a minute short
    (5.0, 60, False),   # at the threshold is not under it
    (0.0, 120, True),
])
def test_threshold_and_duration_edges(value: float, minutes: int, idle: bool) -> None:
    energy = _energy(_busy_then(value, minutes), [72])
    report = find_idle(energy, _jobs([(72, ("R0",))]), _at(energy), IdleRule(5.0, 30.0))
    assert bool(report.jobs) is idle
    if idle:
        job = report.jobs[0]
        assert job.idle_s == pytest.approx(minutes * 60.0)
        assert job.gpu_hours == pytest.approx(72 * minutes / 60.0)
        assert job.energy_kwh == pytest.approx(70.0 * minutes / 60.0)  # the whole rack's
        assert report.rack_idle_gpus.tolist() == [72.0]


def test_idle_since_no_earlier_than_the_job_start() -> None:
    energy = _energy(np.zeros((N, 1)), [72])
    at = _at(energy)
    report = find_idle(energy, _jobs([(72, ("R0",))], start=at - 2400.0), at, IdleRule())
    assert report.jobs[0].idle_since == at - 2400.0
    assert not find_idle(energy, _jobs([(72, ("R0",))], start=at - 1700.0), at,
                         IdleRule()).jobs


def test_small_job_on_a_shared_rack_is_not_called_idle_without_proof() -> None:
    # 8 GPUs of a 72-GPU rack whose mean is 4 %: they could be at 36 % (the rest at 0).
    energy = _energy(np.full((N, 1), 4.0), [72])
    assert not find_idle(energy, _jobs([(8, ("R0",))]), _at(energy), IdleRule()).jobs
    # 64 of 72 GPUs with the rack at 4 %: at most 4.5 %, idle.
    assert find_idle(energy, _jobs([(64, ("R0",))]), _at(energy), IdleRule()).jobs


def test_a_job_over_racks_is_idle_only_when_all_its_racks_say_so() -> None:
    util = np.zeros((N, 2))
    util[:, 1] = 40.0
    energy = _energy(util, [72, 72])
    report = find_idle(energy, _jobs([(144, ("R0", "R1"))]), _at(energy), IdleRule())
    assert not report.jobs  # half its GPUs may be at 40 %: 20 % on the whole


def test_gap_or_unknown_figure_breaks_the_idle_run() -> None:
    energy = _energy(np.zeros((N, 1)), [72], gap_at=N - 20)
    report = find_idle(energy, _jobs([(72, ("R0",))]), _at(energy), IdleRule())
    assert not report.jobs  # idle only 20 min since the telemetry came back
    util = np.zeros((N, 1))
    util[N - 25, 0] = np.nan
    energy = _energy(util, [72])
    assert not find_idle(energy, _jobs([(72, ("R0",))]), _at(energy), IdleRule()).jobs


def test_rule_from_config() -> None:
    assert IdleRule.from_dict({}) == IdleRule(5.0, 30.0)
    assert IdleRule.from_dict({"idle_util_pct": 2, "idle_minutes": 45.5}) == IdleRule(2.0, 45.5)
    with pytest.raises(ValueError, match="unknown key"):
        IdleRule.from_dict({"idle_pct": 3})
    with pytest.raises(ValueError, match="idle_util_pct must be above 0"):
        IdleRule.from_dict({"idle_util_pct": 0})
    with pytest.raises(ValueError, match="idle_minutes must be a number"):
        IdleRule.from_dict({"idle_minutes": "30"})


def test_rule_in_the_config_file(tmp_path: Any) -> None:
    from console.settings import ConfigError, load_settings

    good = tmp_path / "good.toml"
    good.write_text("[energy]\nidle_util_pct = 3\nidle_minutes = 60\n", encoding="utf-8")
    settings = load_settings(str(good), env={})
    assert IdleRule.from_dict(settings.energy) == IdleRule(3.0, 60.0)
    bad = tmp_path / "bad.toml"
    bad.write_text("[energy]\nidle_minuts = 60\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[energy\]: unknown key\(s\) idle_minuts"):
        load_settings(str(bad), env={})


def _with_util(jobs: JobSpans, util: list[float]) -> JobSpans:
    cols = dict(jobs.columns) | {"gpu_util_pct": np.array(util, np.float64)}
    return JobSpans(cols, jobs.start, jobs.end)


def test_small_idle_job_on_a_busy_rack_is_found_by_its_own_figure() -> None:
    # 8 GPUs of a 72-GPU rack at 85 % on average: the rack bound says nothing of them,
    # their own figure (1 %) says they are idle; the busy neighbour (64 GPUs) is not.
    energy = _energy(np.full((N, 1), 85.0), [72])
    at = _at(energy)
    jobs = _with_util(_jobs([(8, ("R0",)), (64, ("R0",))]), [1.0, 95.0])
    queues = [(float(t), {"id": jobs.columns["id"], "gpu_util_pct": jobs.columns["gpu_util_pct"]})
              for t in energy.begin[::5]]
    report = find_idle(energy, jobs, at, IdleRule(), queues=queues)
    assert [j.id for j in report.jobs] == [1]
    job = report.jobs[0]
    assert job.own and job.util_pct == 1.0
    assert job.idle_s == pytest.approx(N * STEP)  # idle as far back as the queues say
    assert report.rack_idle_gpus.tolist() == [8.0]
    # without the figure the rack's bound cannot tell (as before)
    assert not find_idle(energy, _jobs([(8, ("R0",)), (64, ("R0",))]), at, IdleRule()).jobs


def test_own_figure_history_sets_the_idle_run_and_unknown_falls_back_to_the_rack() -> None:
    energy = _energy(np.full((N, 1), 85.0), [72])
    at = _at(energy)
    jobs = _jobs([(8, ("R0",))])
    ids = jobs.columns["id"]
    # busy until 40 minutes ago, then idle: idle for 40 minutes (the queue's time on)
    queues = [(0.0, {"id": ids, "gpu_util_pct": np.array([90.0])}),
              (at - 2400.0, {"id": ids, "gpu_util_pct": np.array([0.5])})]
    job = find_idle(energy, jobs, at, IdleRule(), queues=queues).jobs[0]
    assert job.idle_since == pytest.approx(at - 2400.0) and job.own
    # the figure turned unknown 20 minutes ago: the rack (85 %) judges then, not idle
    queues.append((at - 1200.0, {"id": ids, "gpu_util_pct": np.array([np.nan])}))
    assert not find_idle(energy, jobs, at, IdleRule(), queues=queues).jobs
    # only 20 minutes of an idle figure: too short
    queues = [(0.0, {"id": ids, "gpu_util_pct": np.array([90.0])}),
              (at - 1200.0, {"id": ids, "gpu_util_pct": np.array([0.5])})]
    assert not find_idle(energy, jobs, at, IdleRule(), queues=queues).jobs
    # a whole idle rack judged by its bound still says so (own False)
    energy = _energy(np.zeros((N, 1)), [72])
    job = find_idle(energy, _jobs([(72, ("R0",))]), _at(energy), IdleRule()).jobs[0]
    assert not job.own
