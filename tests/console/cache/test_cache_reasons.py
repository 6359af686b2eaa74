"""The reasons the cache keeps with the data: why a power flow has no values ("not
metered: ...", schema 6) and which GPU health signals are not collected, read back by
review and the replay source as the live source said them."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import numpy as np

from console.cache import SCHEMA_VERSION, Cache
from console.cache.schema import migrate
from console.contract import POWER_FIELDS
from console.decode import decode_power, decode_unhealthy
from console.model import PowerSeries
from console.sources.base import FetchContext
from console.sources.replay import CacheReplaySource

T0 = 1_780_000_000.0
METERED = ("it_mw", "facility_mw", "grid_mw", "pue", "renewable_share_pct")
REASONS = {
    "solar_mw": "not metered: no solar meter configured ([site.power] solar)",
    "wind_mw": "not metered: no wind meter configured ([site.power] wind)",
    "carbon_g_per_kwh": "not metered: no carbon intensity configured",
}


def _power(ts: np.ndarray, missing: dict[str, str]) -> PowerSeries:
    fields = {f: (np.linspace(1.0, 2.0, len(ts)) if f in METERED else np.full(len(ts), np.nan))
              for f in POWER_FIELDS}  # fmt: skip
    fields["pue"] = np.full(len(ts), 1.3)
    snap = decode_power({"t": ts.tolist(), "step": 10} | {k: v.tolist() for k, v in fields.items()})
    return dataclasses.replace(snap, missing=missing)


def test_power_reasons_round_trip_live_review_and_replay(tmp_path: Path) -> None:
    path = tmp_path / "shift.db"
    later = {**REASONS, "wind_mw": "error: wind_farm_active_power_kw: bad_data"}
    with Cache.open(path) as cache:
        cache.write_poll([_power(np.arange(T0, T0 + 100, 10.0), REASONS)])
        # Steady polls with the same reasons add no rows; an empty poll says nothing.
        cache.write_poll([_power(np.arange(T0 + 100, T0 + 200, 10.0), REASONS)])
        cache.write_poll([_power(np.zeros(0), {})])
        assert cache.conn.execute("SELECT count(*) FROM power_missing").fetchone()[0] == 1
        # The site changes what it meters: from that poll on, the new reasons.
        cache.write_poll([_power(np.arange(T0 + 200, T0 + 300, 10.0), later)])
        live = cache.power(T0, T0 + 150)
        assert dict(live.missing) == REASONS
        assert np.isfinite(live["it_mw"]).all() and np.isnan(live["solar_mw"]).all()
        assert dict(cache.power(T0, T0 + 290).missing) == later
    before = path.read_bytes()
    with Cache.open(path, readonly=True) as review:
        assert dict(review.power(T0, T0 + 90).missing) == REASONS
        assert dict(review.power(T0 + 100, T0 + 290).missing) == later
        assert dict(review.power(T0 - 900, T0 - 10).missing) == {}  # before the first record
        source = CacheReplaySource(f"cache://{path}", cache=review)
        source.position = T0 + 150
        replayed = source.fetch("power", FetchContext(power_window_s=600.0))
        assert isinstance(replayed, PowerSeries) and dict(replayed.missing) == REASONS
    assert path.read_bytes() == before  # review never writes


def test_reasons_survive_a_restart_without_a_new_row(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    with Cache.open(path) as cache:
        cache.write_poll([_power(np.arange(T0, T0 + 100, 10.0), REASONS)])
    with Cache.open(path) as cache:  # a restarted console re-reads the whole window
        cache.write_poll([_power(np.arange(T0 - 600, T0 + 200, 10.0), REASONS)])
        assert cache.conn.execute("SELECT count(*) FROM power_missing").fetchone()[0] == 1
        cache.write_poll([_power(np.arange(T0 - 600, T0 + 300, 10.0), {})])  # all metered now
        rows = cache.conn.execute("SELECT since FROM power_missing ORDER BY since").fetchall()
        assert [r[0] for r in rows] == [T0, T0 + 200]  # from the first new point
        assert dict(cache.power(T0, T0 + 150).missing) == REASONS
        assert dict(cache.power(T0, T0 + 290).missing) == {}
        assert dict(cache.power(T0, T0 + 195).missing) == REASONS


def test_schema_5_file_reviews_as_it_is_and_migrates_for_live_use(tmp_path: Path) -> None:
    assert SCHEMA_VERSION >= 6  # later versions add tables a v5 file reads without
    path = tmp_path / "v5.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=5)
    conn.execute("INSERT INTO power (t, it_mw, facility_mw) VALUES (?, 1.0, 1.3)", (T0,))
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    with Cache.open(path, readonly=True) as review:  # read in place, never written
        assert review.migrated_from is None
        p = review.power(T0 - 10, T0 + 10)
        assert p["it_mw"][-1] == 1.0 and dict(p.missing) == {}
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 5
    conn.close()
    with Cache.open(path) as cache:  # live use adds the table
        assert cache.migrated_from == 5
        cache.write_poll([_power(np.arange(T0 + 10, T0 + 50, 10.0), REASONS)])
        assert dict(cache.power(T0, T0 + 40).missing) == REASONS


def test_not_collected_gpu_signals_round_trip(tmp_path: Path) -> None:
    gpu = {"uuid": "GPU-1", "host": "node-a02", "rack": "A-01-01", "slot": 1,
           "status": "off_bus", "xid": 79}  # fmt: skip
    snap = decode_unhealthy({"time": T0, "gpus": [gpu], "counts": {"off_bus": 1}})
    ecc = {"ecc_dbe": "ECC not collected: DCGM_FI_DEV_ECC_DBE_VOL_TOTAL is off"}
    with Cache.open(tmp_path / "c.db") as cache:
        cache.write_poll([dataclasses.replace(snap, not_collected=ecc)])
        assert dict(cache.unhealthy_at(T0 + 1).not_collected) == ecc
        # ECC enabled: the same GPUs, a new record without the reason.
        cache.write_poll([dataclasses.replace(snap, time=T0 + 10)])
        assert dict(cache.unhealthy_at(T0 + 11).not_collected) == {}
        assert dict(cache.unhealthy_at(T0 + 5).not_collected) == ecc
