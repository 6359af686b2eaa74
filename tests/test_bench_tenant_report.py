"""bench tenant_report: its cache in the console's layout, and the report over it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.tenant_report import build, report_once
from console.cache import Cache


def test_bench_cache_reports_every_quarter(tmp_path: Path) -> None:
    path = tmp_path / "day.db"
    span = build(path, 0.5, scale="hall")
    with Cache.open(path, readonly=True) as cache:
        assert cache.conn.execute("SELECT count(*) FROM rack_15m").fetchone()[0] == 48
        assert cache.conn.execute("SELECT count(*) FROM jobs").fetchone()[0] == 4
    elapsed, rep = report_once(path, span["start"], span["end"], tmp_path / "r.csv")
    assert elapsed > 0 and rep.groups
    assert rep.covered_s == pytest.approx(span["end"] - span["start"], abs=2.0)
    attributed = sum(x.energy_kwh for x in rep.lines if x.role != "overhead")
    assert attributed == pytest.approx(rep.metered_it_kwh)
    assert rep.metered_it_kwh > 0 and (tmp_path / "r.csv").read_text().startswith("group,")
    assert rep.site_it_kwh == pytest.approx(rep.metered_it_kwh, rel=0.01)
