"""Site power in blocks (schema 10): exact within the stored resolution, appended poll by
poll, rolled up, retained and trimmed by block, migrated from one row a sample."""

from __future__ import annotations

import sqlite3
import zlib
from pathlib import Path

import numpy as np
import pytest

from console.cache import Cache, CacheError, RetentionPolicy, codec, powerblock
from console.cache.rollup import quarter_means
from console.cache.schema import SCHEMA_VERSION, migrate
from console.contract import POWER_FIELDS
from console.decode import decode_power
from console.model import PowerSeries
from console.power import energy_mwh

T0 = 1_780_000_000.0


def _series(t: np.ndarray, fields: dict[str, np.ndarray]) -> PowerSeries:
    return PowerSeries(time=float(t[-1]), t=t, fields=fields, step=10.0)


def _resolution(name: str) -> float:
    return 0.5 * 10.0 ** -powerblock.DECIMALS[name]


def _assert_within_resolution(got: np.ndarray, want: np.ndarray, name: str) -> None:
    assert np.array_equal(np.isnan(got), np.isnan(want)), name
    assert np.array_equal(got[np.isinf(want)], want[np.isinf(want)]), name
    ok = np.isfinite(want)
    error = np.abs(got[ok] - want[ok])
    assert np.all(error <= _resolution(name) * (1 + 1e-9) + np.abs(want[ok]) * 1e-15), name


def _random_fields(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    fields = {}
    for k, name in enumerate(POWER_FIELDS):
        scale = [1e-7, 1e-3, 1.0, 40.0, 1e6, 1e12, 1e17, 1e300][k % 8]  # tiny to huge
        values = rng.normal(0.0, scale, n)
        values[rng.random(n) < 0.15] = np.nan  # NaN gaps, scattered ...
        start = int(rng.integers(0, n))
        values[start : start + 40] = np.nan  # ... and a long one
        fields[name] = values
    fields["solar_mw"][:] = np.nan  # a flow with no value at all
    fields["grid_mw"][0] = np.nan  # a gap at the start
    fields["wind_mw"][5] = np.inf  # kept as raw float64, not quantised
    return fields


def test_random_series_round_trip_within_resolution(tmp_path: Path) -> None:
    rng = np.random.default_rng(11)
    n = 2 * powerblock.BLOCK_SAMPLES + 37  # across two block boundaries
    steps = rng.choice([10.0, 10.0, 10.0, 9.999, 10.001, 20.0, 0.25], n - 1)
    steps[[100, 500]] = 3600.0  # the console was off for an hour
    t = T0 + np.concatenate([[0.123], 0.123 + np.cumsum(steps)])  # irregular steps
    fields = _random_fields(rng, n)
    with Cache.open(tmp_path / "c.db") as cache:
        k = 0
        while k < n:  # polls of one to three samples, each overlapping the last stored
            stop = min(n, k + int(rng.integers(1, 4)))
            first = max(k - 1, 0)
            cache.write_poll([_series(t[first:stop], {f: v[first:stop] for f, v in fields.items()})])
            k = stop
        blocks = cache.conn.execute("SELECT t0, t1, n FROM power_blocks ORDER BY t0").fetchall()
        assert [b[2] for b in blocks][:2] == [powerblock.BLOCK_SAMPLES] * 2
        assert sum(b[2] for b in blocks) == n
        assert all(a[1] < b[0] for a, b in zip(blocks, blocks[1:], strict=False))  # disjoint
        rows = powerblock.read(cache.conn, -np.inf, np.inf)
    assert np.array_equal(rows[:, 0], t)  # times bit for bit
    for i, name in enumerate(POWER_FIELDS):
        _assert_within_resolution(rows[:, i + 1], fields[name], name)
    assert np.isinf(rows[5, 1 + POWER_FIELDS.index("wind_mw")])


def test_values_at_the_resolution_read_back_as_written() -> None:
    rng = np.random.default_rng(3)
    n = 500
    t = T0 + 10.0 * np.arange(n)
    fields = {name: np.round(rng.uniform(-5, 900, n), powerblock.DECIMALS[name])
              for name in POWER_FIELDS}  # fmt: skip
    fields["pue"][100:130] = np.nan
    rows = powerblock.rows_of(t, fields)
    back = powerblock.decode(powerblock.encode(rows))
    assert np.array_equal(back, rows, equal_nan=True)  # the same floats, not just close


def test_block_boundary_by_span(tmp_path: Path) -> None:
    """A sample more than BLOCK_SPAN_S after a block's first starts the next block."""
    t = np.array([T0, T0 + 10, T0 + powerblock.BLOCK_SPAN_S + 10, T0 + powerblock.BLOCK_SPAN_S + 20])
    with Cache.open(tmp_path / "c.db") as cache:
        for k in range(len(t)):
            cache.write_poll([_series(t[k : k + 1], {"it_mw": np.array([1.0 + k])})])
        assert cache.conn.execute("SELECT n FROM power_blocks ORDER BY t0").fetchall() == [(2,), (2,)]
        p = cache.power(T0 - 1, T0 + powerblock.BLOCK_SPAN_S + 30)
        assert p["it_mw"][np.isfinite(p["it_mw"])].tolist() == [1.0, 2.0, 3.0, 4.0]


def test_the_last_sample_again_replaces_it_and_older_ones_are_ignored(tmp_path: Path) -> None:
    with Cache.open(tmp_path / "c.db") as cache:
        cache.write_poll([_series(np.array([T0, T0 + 10]), {"it_mw": np.array([1.0, 2.0])})])
        cache.write_poll([_series(np.array([T0, T0 + 10, T0 + 20]),
                                  {"it_mw": np.array([9.0, 2.5, 3.0])})])  # fmt: skip
        p = cache.power(T0, T0 + 20)
        assert p.t.tolist() == [T0, T0 + 10, T0 + 20]
        assert p["it_mw"].tolist() == [1.0, 2.5, 3.0]  # T0 was not newer; T0 + 10 was again


def test_energy_and_kpis_read_back_as_written(tmp_path: Path) -> None:
    from console.hub.sim import SimulatedHub

    hub = SimulatedHub("rack", seed=7, start=T0)
    payload = hub.power(T0 - 7200, T0, 10.0)
    written = decode_power(payload)
    with Cache.open(tmp_path / "c.db") as cache:
        for k in range(0, len(payload["t"]), 7):  # a poll's handful of samples at a time
            window = {key: (v[k : k + 8] if isinstance(v, list) else v) for key, v in payload.items()}
            cache.write_poll([decode_power(window)])
        read = cache.power(T0 - 7200, T0)
    assert np.array_equal(read.t, written.t)
    for name in POWER_FIELDS:  # the hub's 0.1 kW rounding is the stored resolution
        assert np.array_equal(read[name], written[name], equal_nan=True), name
    assert energy_mwh(read) == energy_mwh(written)


def test_bytes_per_sample_of_a_day_of_site_power(tmp_path: Path) -> None:
    """bench/backends.py's series: 24 h of the 12 flows at 10 s, an hour a write."""
    from console.hub.sim import SimulatedHub

    hub = SimulatedHub("rack", seed=7)
    payload = hub.power(hub.now - 86_400, hub.now, 10.0)
    with Cache.open(tmp_path / "c.db") as cache:
        for k in range(0, len(payload["t"]), 360):
            window = {key: (v[k : k + 360] if isinstance(v, list) else v) for key, v in payload.items()}
            cache.write_poll([decode_power(window)])
        try:
            rows = cache.conn.execute(
                "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'power%'").fetchone()
        except sqlite3.OperationalError:
            pytest.skip("SQLite built without dbstat")
    samples = len(payload["t"]) * len(POWER_FIELDS)
    assert rows[0] / samples < 2.5  # one row a sample took 7.6


def _legacy_file(path: Path, t: np.ndarray, fields: dict[str, np.ndarray], version: int = 9) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=version)
    names = list(fields)
    conn.executemany(
        f"INSERT INTO power (t, {', '.join(names)}) VALUES ({', '.join('?' * (len(names) + 1))})",
        [(float(ti), *(None if np.isnan(fields[f][i]) else float(fields[f][i]) for f in names))
         for i, ti in enumerate(t)],
    )  # fmt: skip
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()


def test_a_schema_9_file_reviews_as_it_is_and_migrates_its_rows(tmp_path: Path) -> None:
    assert SCHEMA_VERSION >= 10  # later versions add tables only (the forecasts, 11)
    rng = np.random.default_rng(9)
    n = powerblock.BLOCK_SAMPLES + 50
    t = T0 + 10.0 * np.arange(n)
    t[200:] += 300.0  # a gap of 30 polls
    fields = {name: np.round(rng.uniform(0, 50, n), powerblock.DECIMALS[name]) for name in POWER_FIELDS}
    fields["it_mw"][10:20] = np.nan
    path = tmp_path / "v9.db"
    _legacy_file(path, t, fields)
    with Cache.open(path, readonly=True) as review:  # read in place, never written
        assert review.migrated_from is None
        before = review.power(T0 - 10, t[-1] + 10)
    with Cache.open(path) as cache:
        assert cache.migrated_from == 9
        tables = {r[0] for r in cache.conn.execute("SELECT name FROM sqlite_master")}
        assert "power_blocks" in tables and "power" not in tables
        after = cache.power(T0 - 10, t[-1] + 10)
        assert np.array_equal(after.t, before.t) and after.step == before.step
        for name in POWER_FIELDS:
            assert np.array_equal(after[name], before[name], equal_nan=True), name
        assert np.isnan(after["it_mw"]).sum() == 10 + 1  # its NaN, then the gap's filler
        # The live cache goes on appending to the migrated blocks.
        cache.write_poll([_series(np.array([t[-1] + 10.0]), {"it_mw": np.array([7.0])})])
        assert cache.power(t[-1], t[-1] + 10)["it_mw"].tolist()[-1] == 7.0
        assert powerblock.samples(cache.conn) == n + 1


def test_rollup_means_match_the_sql_average_of_old(tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    t = T0 - T0 % 900 + 10.0 * np.arange(400)
    data = powerblock.rows_of(t, {name: rng.uniform(0, 10, len(t)) for name in POWER_FIELDS})
    data[rng.random(data.shape) < 0.2] = np.nan
    data[:, 0] = t
    data[90:180, 3] = np.nan  # a bucket without a value of one field
    conn = sqlite3.connect(":memory:")
    columns = ", ".join(POWER_FIELDS)
    conn.execute(f"CREATE TABLE power (t REAL PRIMARY KEY, {columns})")
    conn.executemany(f"INSERT INTO power VALUES ({', '.join('?' * data.shape[1])})",
                     [tuple(None if v != v else v for v in row) for row in data.tolist()])
    averages = ", ".join(f"avg({c})" for c in POWER_FIELDS)
    want = conn.execute(f"SELECT CAST(t / 900 AS INTEGER) * 900 AS b, {averages} FROM power "
                        "GROUP BY b ORDER BY b").fetchall()  # fmt: skip
    conn.close()
    got = quarter_means(data)
    want_array = np.array([[np.nan if v is None else v for v in row] for row in want])
    assert np.allclose(got, want_array, equal_nan=True, rtol=1e-12)


def test_retention_keeps_blocks_in_incident_windows_and_drops_older(tmp_path: Path) -> None:
    policy = RetentionPolicy(power_raw_days=1.0)
    day = 86_400.0
    t = T0 + 60.0 * np.arange(3 * 1440)  # three days at a minute: blocks of 6 h
    with Cache.open(tmp_path / "c.db", retention=policy) as cache:
        cache.mark_full_resolution(T0 + 3600, T0 + 3700, "incident")
        for k in range(0, len(t), 500):
            cache.write_poll([_series(t[k : k + 500], {"it_mw": np.full(len(t[k : k + 500]), 2.0)})])
        stats = cache.maintain(now=float(t[-1]))
        assert stats["rolled_power"] > 0 and stats["deleted"] > 0
        kept = cache.conn.execute("SELECT t0, t1 FROM power_blocks ORDER BY t0").fetchall()
        assert kept[0] == (T0, T0 + powerblock.BLOCK_SPAN_S - 60)  # the window's block
        assert all(t1 >= t[-1] - day for _, t1 in kept[1:])  # the rest: the last day's
        # Older times read from the 15-minute means, the window at full resolution.
        p = cache.power(T0, float(t[-1]))
        assert p.t[0] == T0 and np.nanmax(p["it_mw"]) == 2.0
        # The open block was read again after the deletions: writing goes on after it.
        cache.write_poll([_series(np.array([t[-1] + 60]), {"it_mw": np.array([3.0])})])
        assert cache.power(t[-1], t[-1] + 60)["it_mw"].tolist() == [2.0, 3.0]
        assert powerblock.samples(cache.conn) == sum(
            n for (n,) in cache.conn.execute("SELECT n FROM power_blocks"))


def test_a_damaged_block_reads_as_a_cache_error(tmp_path: Path) -> None:
    with Cache.open(tmp_path / "c.db") as cache:
        cache.write_poll([_series(T0 + 10.0 * np.arange(5), {"it_mw": np.ones(5)})])
        blob = cache.conn.execute("SELECT data FROM power_blocks").fetchone()[0]
        cache.conn.execute("UPDATE power_blocks SET data = ?", (blob[:-4],))
        with pytest.raises(CacheError, match="corrupt"):
            cache.power(T0, T0 + 100)
    with pytest.raises(codec.CodecError):
        powerblock.decode(zlib.compress(bytes([powerblock.VERSION, 5, 0, 1])))  # cut short


def test_a_damaged_last_block_does_not_stop_recording(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    with Cache.open(path) as cache:
        cache.write_poll([_series(T0 + 10.0 * np.arange(5), {"it_mw": np.ones(5)})])
        cache.conn.execute("UPDATE power_blocks SET data = ?", (b"damaged",))
    with Cache.open(path) as cache:  # the next write would read the last block back
        cache.write_poll([_series(np.array([T0 + 50.0, T0 + 60.0]), {"it_mw": np.full(2, 2.0)})])
        assert cache.power(T0 + 45, T0 + 60)["it_mw"].tolist() == [2.0, 2.0]
        with pytest.raises(CacheError, match="corrupt"):
            cache.power(T0, T0 + 60)
        assert cache.conn.execute("SELECT count(*) FROM power_blocks").fetchone()[0] == 2


def test_a_damaged_block_across_the_future_horizon_is_dropped_on_opening(tmp_path: Path) -> None:
    import time

    path = tmp_path / "c.db"
    now = time.time()
    t = np.array([now - 20.0, now - 10.0, now + 3 * 3600.0])  # one block
    with Cache.open(path) as cache:
        cache.write_poll([_series(t[:2], {"it_mw": np.ones(2)})])
        cache.write_poll([_series(t[2:], {"it_mw": np.ones(1)})])  # stamped 3 h ahead
        cache.conn.execute("UPDATE power_blocks SET data = ?", (b"damaged",))
    with Cache.open(path) as cache:
        assert cache.future_dropped == {"power": 3}
        assert cache.conn.execute("SELECT count(*) FROM power_blocks").fetchone()[0] == 0
        cache.write_poll([_series(np.array([now]), {"it_mw": np.array([4.0])})])
        assert cache.power(now - 1, now + 1)["it_mw"].tolist() == [4.0]


def test_a_failed_poll_leaves_no_sample_in_the_open_block(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The open block is rewritten inside the poll's transaction: a poll that fails after
    its power was written must not leave its sample in the block kept for the next write."""
    from console.decode import decode_unhealthy

    def one(t: float, value: float) -> PowerSeries:
        return _series(np.array([t]), {"it_mw": np.array([value])})

    gpus = decode_unhealthy({"time": T0 + 20, "gpus": [], "counts": {}})
    with Cache.open(tmp_path / "c.db") as cache:
        cache.write_poll([one(T0, 1.0)])
        cache.write_poll([one(T0 + 10, 2.0)])

        def broken(self: Cache, u: object) -> None:
            raise sqlite3.OperationalError("disk I/O error")

        monkeypatch.setattr(Cache, "_write_unhealthy", broken)
        with pytest.raises(CacheError):
            cache.write_poll([one(T0 + 20, 3.0), gpus])  # power written, then the failure
        monkeypatch.undo()
        cache.retry()
        cache.write_poll([one(T0 + 30, 4.0)])
        p = cache.power(T0, T0 + 30)
        assert p["it_mw"][np.isfinite(p["it_mw"])].tolist() == [1.0, 2.0, 4.0]
        assert powerblock.samples(cache.conn) == 3


def test_a_block_across_the_future_horizon_keeps_its_earlier_samples(tmp_path: Path) -> None:
    import time

    path = tmp_path / "c.db"
    now = time.time()
    with Cache.open(path) as cache:
        cache.write_poll([_series(np.array([now - 20.0, now - 10.0]), {"it_mw": np.ones(2)})])
        cache.write_poll([_series(np.array([now + 3 * 3600.0]), {"it_mw": np.ones(1)})])
    with Cache.open(path) as cache:
        assert cache.future_dropped == {"power": 1}
        cache.write_poll([_series(np.array([now]), {"it_mw": np.array([4.0])})])
        assert cache.conn.execute("SELECT n FROM power_blocks").fetchall() == [(3,)]
        assert cache.power(now - 30, now + 1)["it_mw"].tolist() == [1.0, 1.0, 4.0]
