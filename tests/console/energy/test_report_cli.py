"""``main.py report tenants``: the CSV of a period in the cache; a period outside it."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import pytest

import main
from console.cache import Cache


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).isoformat()


def test_report_tenants_writes_the_csv(sim_cache: Path, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    with Cache.open(sim_cache, readonly=True) as cache:
        first, last = cache.time_range()
    out = tmp_path / "tenants.csv"
    code = main.main(["report", "tenants", "--cache", str(sim_cache), "--from", _iso(first),
                      "--to", _iso(last), "--out", str(out), "--by", "country"])
    assert code == 0
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    groups = [r for r in rows if r["group"] == "country"]
    assert groups and all(len(r["line"]) == 2 for r in groups)  # ISO country codes
    assert [r["line"] for r in rows[-2:]] == ["unallocated", "facility overhead"]
    energy = sum(float(r["energy_kwh"]) for r in rows if r["line"] != "facility overhead")
    said = capsys.readouterr().err
    assert "kWh IT metered by the racks" in said
    metered = float(said.split(" kWh IT metered")[0].rsplit(" ", 1)[1].replace(",", ""))
    assert energy == pytest.approx(metered, rel=0.001)  # the lines add up (CSV rounding)
    assert sum(float(r["share_pct"]) for r in rows) == pytest.approx(100.0, abs=0.05)


def test_report_over_a_period_the_cache_does_not_hold(sim_cache: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "none.csv"
    code = main.main(["report", "tenants", "--cache", str(sim_cache), "--from",
                      "2020-01-01T00:00Z", "--to", "2020-01-02T00:00Z", "--out", str(out)])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("main.py: error: the cache holds 2026-05-28 ")
    assert "2020-01-01 00:00 UTC to 2020-01-02 00:00 UTC" in err[0]
    assert not out.exists()


def test_report_over_part_of_a_period_says_so(sim_cache: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    with Cache.open(sim_cache, readonly=True) as cache:
        first, last = cache.time_range()
    out = tmp_path / "part.csv"
    code = main.main(["report", "tenants", "--cache", str(sim_cache), "--from",
                      _iso(first - 86400), "--to", _iso(last), "--out", str(out)])
    assert code == 0 and out.exists()
    err = capsys.readouterr().err
    assert "part of the period asked: the report covers that part only" in err
