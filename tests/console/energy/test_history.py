"""A period of a recorded cache: the attribution adds up to the metered IT energy."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from console.cache import Cache
from console.energy import report
from console.energy.history import PeriodError, attribute_period, check_period, job_spans


def test_attribution_adds_up_to_the_metered_it_energy(sim_cache: Path) -> None:
    with Cache.open(sim_cache, readonly=True) as cache:
        first, last = cache.time_range()
        period = attribute_period(cache, first, last)
    a = period.attribution
    assert len(a.jobs) > 100
    # every kWh the racks metered is a job's or unallocated ...
    assert a.energy_kwh.sum() + a.unallocated_kwh == pytest.approx(a.metered_kwh, rel=1e-9)
    # ... and the racks' energy is the site's IT meter's within 1 %
    assert a.metered_kwh == pytest.approx(period.site_it_kwh, rel=0.01)
    assert 0 < a.unallocated_kwh < 0.5 * a.metered_kwh
    assert period.overhead_kwh > 0
    # the intervals cover the whole period (rollups and raw polls, no hole)
    e = period.energy
    assert (e.end - e.begin).sum() == pytest.approx(last - first, rel=0.01)


def test_report_by_kind_and_country_regroups_the_same_energy(sim_cache: Path) -> None:
    with Cache.open(sim_cache, readonly=True) as cache:
        first, last = cache.time_range()
        period = attribute_period(cache, first + 1800, last - 1800)
    by_tenant = report.build(period, "tenant")
    by_kind = report.build(period, "kind")
    by_country = report.build(period, "country")
    totals = [sum(x.energy_kwh for x in r.groups) for r in (by_tenant, by_kind, by_country)]
    assert totals[0] == pytest.approx(totals[1]) == pytest.approx(totals[2])
    assert {x.name for x in by_kind.groups} <= {"research", "startup", "enterprise"}
    # a kind's line is the sum of its tenants' lines
    for line in by_kind.groups:
        tenants = [x for x in by_tenant.groups if x.kind == line.name]
        assert sum(x.energy_kwh for x in tenants) == pytest.approx(line.energy_kwh)
        assert sum(x.gpu_hours for x in tenants) == pytest.approx(line.gpu_hours)
    for line in by_country.groups:
        tenants = [x for x in by_tenant.groups if x.country == line.name]
        assert sum(x.carbon_kg for x in tenants) == pytest.approx(line.carbon_kg)
    assert sum(x.share_pct for x in by_tenant.lines) == pytest.approx(100.0)
    assert by_tenant.lines[-2].name == report.UNALLOCATED
    assert by_tenant.lines[-1].name == report.OVERHEAD


def test_period_outside_the_cache_names_what_it_holds() -> None:
    with pytest.raises(PeriodError, match="the cache holds 2026-05-28 20:26 UTC to 2026-05-28"):
        check_period((1_780_000_000.0, 1_780_010_000.0), 1_700_000_000.0, 1_700_003_600.0)
    with pytest.raises(PeriodError, match="end after it starts"):
        check_period((0.0, 1.0), 5.0, 5.0)
    with pytest.raises(PeriodError, match="no rack telemetry"):
        check_period(None, 0.0, 1.0)


def _queue(rows: list[dict]) -> dict[str, np.ndarray]:
    from console.decode import job_columns_from_records

    base = {"name": "j", "tenant": "T", "tenant_kind": "research", "tenant_country": "MA",
            "user": "u", "partition": "p", "reason": None, "gpus": 8, "nodes": 1,
            "racks": ["R"], "submit_time": 0.0, "end_time": None, "time_limit_s": 1e5,
            "state_flags": None, "state_description": None, "array_tasks": 0,
            "begin_time": None}
    return job_columns_from_records([{**base, **r} for r in rows])


def test_job_spans_from_queues() -> None:
    t = 1_780_000_000.0
    q1 = _queue([
        {"id": 1, "state": "RUNNING", "start_time": t + 100},
        {"id": 2, "state": "RUNNING", "start_time": t + 150},
        {"id": 3, "state": "PENDING", "start_time": None},
        {"id": 4, "state": "RUNNING", "start_time": None},
    ])
    q2 = _queue([
        {"id": 1, "state": "COMPLETED", "start_time": t + 100, "end_time": t + 900},
        {"id": 3, "state": "RUNNING", "start_time": t + 1000},
        {"id": 4, "state": "RUNNING", "start_time": None},
        {"id": 5, "state": "CANCELLED", "start_time": None, "end_time": t + 1100},
    ])
    spans = job_spans([(t + 500, q1), (t + 1200, q2)])
    got = {int(i): (s - t, e - t) for i, s, e in zip(spans.columns["id"], spans.start,
                                                     spans.end, strict=True)}
    assert got[1] == (100, 900)  # finished: its own start and end
    assert got[2] == (150, 500)  # gone without a finish: until the last queue listing it
    assert got[3] == (1000, np.inf)  # running in the newest queue
    assert got[4] == (500, np.inf)  # no start time: from when first listed
    assert 5 not in got  # cancelled while pending: never held GPUs
