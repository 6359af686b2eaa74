"""The cache keeps the forecasts made: written once per issue with a poll, read back at a
time as the latest issued by then (flags as of then), forgotten with retention."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np

from console.cache import SCHEMA_VERSION, Cache
from console.cache.schema import migrate
from console.contract import FORECAST_FIELDS
from console.forecast import FORECAST_LATE_S, WHOLE, decode_forecast

T0 = 1_790_000_400.0 - 1_790_000_400.0 % 3600  # a whole hour


def _forecast(issued: float, n: int = 8, bias: float = 0.0, disorder: bool = False):
    t = [issued + 900.0 * (i + 1) for i in range(n)]
    series = {}
    for k, name in enumerate(FORECAST_FIELDS):
        mid = [10.0 + k + bias + i for i in range(n)]
        series[name] = {"p10": [v - 1 for v in mid], "p50": mid, "p90": [v + 1 for v in mid]}
    series["wind_mw"]["p50"][2] = None
    if disorder:
        series["solar_mw"]["p10"][1] = 1e3
    body = {"issued": issued, "step": 900.0, "t": t, "source": "met office", "series": series}
    return decode_forecast(body, now=issued + 60, received=issued + 61)


def test_round_trip_and_review_at_t(tmp_path: Path) -> None:
    first, second = _forecast(T0), _forecast(T0 + 3600, bias=5.0, disorder=True)
    with Cache.open(tmp_path / "c.db") as cache:
        cache.write_poll([first])
        cache.write_poll([first])  # polled again within the hour: kept once
        cache.write_poll([second])
        rows = cache.conn.execute("SELECT count(*) FROM forecasts").fetchone()[0]
        assert rows == 2 * len(FORECAST_FIELDS) * 8
    with Cache.open(tmp_path / "c.db", readonly=True) as review:
        assert review.forecast_at(T0 - 1) is None  # nothing forecast yet then
        got = review.forecast_at(T0 + 1800)
        assert got is not None and got.issued == T0 and got.source == "met office"
        assert set(got.bands) == set(FORECAST_FIELDS) and not got.flags
        for name in FORECAST_FIELDS:
            for q in ("p10", "p50", "p90"):
                np.testing.assert_array_equal(got.bands[name].quantile(q),
                                              first.bands[name].quantile(q))
        np.testing.assert_array_equal(got.t, first.t)
        later = review.forecast_at(T0 + 3600 + 5)
        assert later is not None and later.issued == T0 + 3600
        assert "out of order" in later.flags["solar_mw"]  # flagged again, never drawn
        assert later.band("solar_mw") is None and later.band("wind_mw") is not None
        stale = review.forecast_at(T0 + 3600 + FORECAST_LATE_S + 60)
        assert stale is not None and stale.flags[WHOLE].startswith("late")


def test_retention_forgets_old_forecasts(tmp_path: Path) -> None:
    with Cache.open(tmp_path / "c.db") as cache:
        cache.write_poll([_forecast(T0)])
        cache.write_poll([_forecast(T0 + 30 * 86_400.0)])
        cache.maintain(now=T0 + 30 * 86_400.0 + 3600)
        assert cache.forecast_at(T0 + 3600) is None
        assert cache.forecast_at(T0 + 30 * 86_400.0 + 10) is not None


def test_a_schema_10_file_migrates_and_reviews_without_forecasts(tmp_path: Path) -> None:
    assert SCHEMA_VERSION >= 11
    path = tmp_path / "v10.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=10)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    with Cache.open(path, readonly=True) as review:
        assert review.forecast_at(T0) is None
    with Cache.open(path) as cache:
        assert cache.migrated_from == 10
        cache.write_poll([_forecast(T0)])
        assert cache.forecast_at(T0 + 1) is not None


def test_retention_keeps_what_an_incident_window_needs(tmp_path: Path) -> None:
    day = 86_400.0
    with Cache.open(tmp_path / "c.db") as cache:
        for h in range(6):  # hourly issues, then one a month later
            cache.write_poll([_forecast(T0 + 3600.0 * h)])
        cache.write_poll([_forecast(T0 + 30 * day)])
        cache.mark_full_resolution(T0 + 2 * 3600.0 + 600, T0 + 3 * 3600.0 + 600)
        cache.maintain(now=T0 + 30 * day + 3600)
        kept = [r[0] for r in cache.conn.execute(
            "SELECT issued FROM forecast_issues ORDER BY issued")]
        # the one in force when the window began, the one issued inside it, the newest
        assert kept == [T0 + 2 * 3600.0, T0 + 3 * 3600.0, T0 + 30 * day]
        got = cache.forecast_at(T0 + 2 * 3600.0 + 900)
        assert got is not None and got.issued == T0 + 2 * 3600.0
        points = cache.conn.execute("SELECT count(DISTINCT issued) FROM forecasts").fetchone()[0]
        assert points == 3  # no point left of an issue forgotten


def test_the_size_cap_drops_the_oldest_forecasts_first(tmp_path: Path) -> None:
    from console.cache.rollup import _enforce_cap, _used_bytes

    with Cache.open(tmp_path / "c.db") as cache:
        for h in range(40):
            cache.write_poll([_forecast(T0 + 3600.0 * h, n=96)])
        conn = cache.conn
        before = _used_bytes(conn)
        gone = _enforce_cap(conn, before // 2, [])
        issues = [r[0] for r in conn.execute("SELECT issued FROM forecast_issues ORDER BY issued")]
        assert gone > 0 and issues and issues[-1] == T0 + 39 * 3600.0  # the newest stay
        assert issues[0] > T0  # the oldest went first
        orphans = conn.execute("SELECT count(*) FROM forecasts WHERE issued NOT IN "
                               "(SELECT issued FROM forecast_issues)").fetchone()[0]
        assert orphans == 0
