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
