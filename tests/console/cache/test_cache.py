"""The SQLite history cache: round trips, one transaction per poll, rollup, retention, replay."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from console.cache import Cache, CacheError, RetentionPolicy, codec, default_path, docs
from console.cache.docs import JOB_UTIL_STEP_PCT, JOB_UTIL_STEP_SHARE
from console.cache.store import safe_url
from console.contract import POWER_FIELDS, RACK_FIELDS
from console.decode import (
    decode_events,
    decode_jobs,
    decode_power,
    decode_racks,
    decode_site,
    decode_unhealthy,
)
from console.model import PowerSeries, RackTelemetry, SiteTopology, Snapshot, _frozen_map
from console.sources.base import FetchContext, open_source
from console.sources.replay import CacheReplaySource

T0 = 1_780_000_000.0
QUANTUM = 0.05 + 1e-4  # half of the 0.1 quantisation step, plus float32 rounding


@pytest.fixture(scope="module")
def hub() -> Any:
    """A hall-scale simulated hub of this module's own (the tests step its clock)."""
    from console.hub.sim import SimulatedHub

    return SimulatedHub(scale="hall", seed=23, start=T0)


@pytest.fixture(scope="module")
def topo(hub: Any) -> SiteTopology:
    return decode_site(hub.site(), received=T0)


_clock = {"t": T0}


def later(gap: float = 1000.0) -> float:
    """A start time after everything earlier tests wrote (they share the module's hub)."""
    _clock["t"] += gap
    return _clock["t"]


def poll(hub: Any, topo: SiteTopology, t: float, since: int = 0) -> list[Snapshot]:
    """Step the hub to ``t`` and decode what a poll at ``t`` delivers."""
    hub.step(t)
    _clock["t"] = max(_clock["t"], t)
    return [
        decode_racks(hub.racks(), topo, received=t),
        decode_unhealthy(hub.unhealthy_gpus(), received=t),
        decode_power(hub.power(t - 30.0, t, 10.0), received=t),
        decode_jobs(hub.jobs(), received=t),
        decode_events(hub.events(since), received=t),
    ]


def with_nans(r: RackTelemetry, rng: np.random.Generator) -> RackTelemetry:
    """A copy of ``r`` with NaN holes in every field (racks without data)."""
    fields = {}
    for name, values in r.fields.items():
        v = np.array(values, np.float32)
        v[rng.choice(len(v), 7, replace=False)] = np.nan
        fields[name] = v
    return dataclasses.replace(r, fields=_frozen_map(fields))


def assert_close(a: RackTelemetry, b: RackTelemetry) -> None:
    assert list(a.fields) == list(b.fields)
    for name in a.fields:
        x, y = np.asarray(a[name]), np.asarray(b[name])
        assert np.array_equal(np.isnan(x), np.isnan(y)), name
        ok = ~np.isnan(x)
        assert np.max(np.abs(x[ok] - y[ok]), initial=0.0) <= QUANTUM, name


def test_round_trip_within_quantisation_and_nan_kept(
    hub: Any, topo: SiteTopology, tmp_path: Path
) -> None:
    rng = np.random.default_rng(3)
    written: list[RackTelemetry] = []
    start = later()
    with Cache.open(tmp_path / "c.db") as cache:
        for k in range(45):  # more than one keyframe chain (30)
            snaps = poll(hub, topo, start + 2.0 * (k + 1))
            snaps[0] = with_nans(snaps[0], rng)
            written.append(snaps[0])
            cache.write_poll(snaps, topology=topo)
        for i in (0, 1, 29, 30, 31, 44):
            got = cache.racks_at(written[i].time + 0.5)  # between polls: the poll before
            assert got is not None and got.time == written[i].time
            assert_close(got, written[i])
            assert got.received == pytest.approx(written[i].received)
        assert cache.racks_at(written[0].time - 1) is None
        assert cache.time_range() == (written[0].time, written[-1].time)
        times = cache.poll_times(written[0].time, written[-1].time)
        assert times.tolist() == [w.time for w in written]
        rid = topo.rack_ids[17]
        t, v = cache.rack_history(rid, "power_kw", written[0].time, written[-1].time)
        assert len(t) == len(written)
        expect = np.array([w["power_kw"][17] for w in written])
        assert np.array_equal(np.isnan(v), np.isnan(expect))
        assert np.nanmax(np.abs(v - expect)) <= QUANTUM


def test_topology_gpus_jobs_events_round_trip(hub: Any, topo: SiteTopology, tmp_path: Path) -> None:
    t = later()
    snaps = poll(hub, topo, t)
    racks, gpus, power, jobs, events = snaps
    with Cache.open(tmp_path / "c.db") as cache:
        cache.write_poll([topo, *snaps])
        cache.write_poll([events])  # the same events again: stored once
        site = cache.topology_at(t)
        assert site is not None and site.rack_ids == topo.rack_ids
        assert np.array_equal(site.geometry, topo.geometry)
        assert np.array_equal(site.capacity_kw, topo.capacity_kw, equal_nan=True)
        assert site.name == topo.name and site.timezone == topo.timezone
        u = cache.unhealthy_at(t + 1)
        assert u is not None and [g["uuid"] for g in u.gpus] == [g["uuid"] for g in gpus.gpus]
        assert dict(u.counts) == dict(gpus.counts)
        j = cache.jobs_at(t + 1)
        assert j is not None and len(j) == len(jobs)
        for name, col in jobs.columns.items():
            if col.dtype == object:
                assert list(j.columns[name]) == list(col), name
            else:
                assert np.array_equal(j.columns[name], col, equal_nan=True), name
        stored = cache.events(t - 90 * 86400, t + 1)
        assert [e["id"] for e in stored] == sorted({e["id"] for e in events.events})
        p = cache.power(t - 30, t)
        ok = np.isin(power.t, p.t)
        assert ok.all()
        for name in POWER_FIELDS:
            assert np.allclose(p[name][np.isin(p.t, power.t)], power[name], equal_nan=True)
        assert cache.unhealthy_at(t - 3600) is None and cache.jobs_at(t - 3600) is None


def _power(ts: np.ndarray) -> PowerSeries:
    fields = {f: np.linspace(1.0, 2.0, len(ts)) for f in POWER_FIELDS}
    return decode_power({"t": ts.tolist(), "step": 10} | {k: v.tolist() for k, v in fields.items()})


def test_power_full_resolution_deduped_with_gaps(topo: SiteTopology, tmp_path: Path) -> None:
    with Cache.open(tmp_path / "c.db") as cache:
        first = np.arange(T0, T0 + 100, 10.0)
        cache.write_poll([_power(first)])
        cache.write_poll([_power(first[-3:])])  # overlap: no duplicates
        cache.write_poll([_power(np.arange(T0 + 200, T0 + 260, 10.0))])  # 100 s missing
        p = cache.power(T0, T0 + 300)
        assert p.step == 10.0
        assert len(np.unique(p.t)) == len(p.t)
        real = p.t[~np.isnan(p["it_mw"])]
        assert len(real) == 16
        gap = np.isnan(p["it_mw"])
        assert gap.sum() == 1 and T0 + 90 < p.t[gap][0] < T0 + 200


def test_one_transaction_per_poll(
    hub: Any, topo: SiteTopology, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "c.db"
    start = later()
    cache = Cache.open(path)
    statements: list[str] = []
    cache.conn.set_trace_callback(statements.append)
    reader = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    seen_mid_poll: list[tuple[int, int]] = []
    original = Cache._write_unhealthy

    def spy(self: Cache, u: Any) -> None:
        # Mid-transaction: the rack frame and power rows of this poll are written but
        # not committed; another connection must still see the previous poll only.
        seen_mid_poll.append(
            reader.execute(
                "SELECT (SELECT count(*) FROM rack_raw), (SELECT count(*) FROM topologies)"
            ).fetchone()
        )
        original(self, u)

    monkeypatch.setattr(Cache, "_write_unhealthy", spy)
    try:
        for k in range(3):
            cache.write_poll(poll(hub, topo, start + 2.0 * k), topology=topo)
    finally:
        cache.close()
        reader.close()
    assert seen_mid_poll == [(0, 0), (1, 1), (2, 1)]
    begins = [s for s in statements if s.startswith("BEGIN")]
    commits = [s for s in statements if s == "COMMIT"]
    assert len(begins) == len(commits) == 3


def test_bytes_per_sample_measured(hub: Any, topo: SiteTopology, tmp_path: Path) -> None:
    start = later()
    polls = 60
    with Cache.open(tmp_path / "c.db") as cache:
        for k in range(polls):
            cache.write_poll(poll(hub, topo, start + 2.0 * k)[:1], topology=topo)
        blob = cache.conn.execute("SELECT sum(length(data)) FROM rack_raw").fetchone()[0]
        samples = polls * topo.n_racks * len(RACK_FIELDS)
        per_sample = blob / samples
        file_per_sample = cache.size_bytes() / samples
    print(f"rack frames {per_sample:.3f} B/sample, file {file_per_sample:.3f} B/sample")
    assert per_sample < 2.0
    assert file_per_sample < 4.0


def _fill(hub: Any, topo: SiteTopology, cache: Cache, start: float, n: int, step: float) -> list:
    written = []
    for k in range(n):
        snaps = poll(hub, topo, start + step * k)
        cache.write_poll(snaps, topology=topo)
        written.append(snaps[0])
    return written


def test_rollup_and_retention_keep_incident_windows(
    hub: Any, topo: SiteTopology, tmp_path: Path
) -> None:
    policy = RetentionPolicy(
        raw_hours=120 / 3600, incident_margin_s=0.0, max_buckets=1000, keyframe_every=6
    )
    start = later()
    start = start - start % 60 + 60  # minute-aligned, so buckets are easy to reason about
    with Cache.open(tmp_path / "c.db", retention=policy) as cache:
        written = _fill(hub, topo, cache, start, 60, 10.0)  # 10 minutes at 10 s
        end = written[-1].time
        incident = cache.save_incident(
            {
                "start": start + 125,
                "end": start + 175,
                "title": "row A-01 cooling",
                "racks": ["A-01-01"],
                "alarm_ids": ["cooling:A-01"],
            }
        )
        stats = cache.maintain(now=end)
        assert stats["rolled_1m"] >= 9 and stats["deleted"] > 0
        raw_times = cache.conn.execute("SELECT time FROM rack_raw ORDER BY time").fetchall()
        raw = np.array([r[0] for r in raw_times])
        # Kept raw: the incident window and the last 2 minutes; gone: the rest before.
        assert ((raw >= start + 125) & (raw <= start + 175)).sum() == 5
        assert not ((raw > start + 300) & (raw < end - 180)).any()
        assert (raw >= end - 120).sum() >= 12
        inside = written[14]  # start + 140: inside the incident, still raw
        got = cache.racks_at(inside.time)
        assert got is not None and got.time == inside.time
        assert_close(got, inside)
        old = cache.racks_at(start + 385)  # raw gone: the 1-minute bucket from 6:00
        assert old is not None and old.time == start + 360
        bucket = written[36:42]
        for name in ("power_kw", "inlet_c"):
            stack = np.stack([np.asarray(w[name], np.float64) for w in bucket])
            count = np.isfinite(stack).sum(axis=0)
            mean = np.where(count > 0, np.nansum(stack, axis=0) / np.maximum(count, 1), np.nan)
            assert np.array_equal(np.isnan(old[name]), np.isnan(mean))
            assert np.nanmax(np.abs(old[name] - mean)) <= 0.1
        stack = np.stack([np.asarray(w["gpu_temp_max_c"]) for w in bucket])
        peak = np.fmax.reduce(stack, axis=0)
        assert np.nanmax(np.abs(old["gpu_temp_max_c"] - peak)) <= QUANTUM
        t, v = cache.rack_history(topo.rack_ids[3], "power_kw", start, end)
        assert np.all(np.diff(t) > 0)
        assert set(np.round(t - start).astype(int)) >= {120, 130, 140, 360}
        assert len(v) == len(t)
        cache.update_incident(incident, end=start + 185, note="pump replaced")
        [item] = cache.incidents(start, end)
        assert item["note"] == "pump replaced" and item["racks"] == ["A-01-01"]


def test_size_cap_drops_oldest_never_incidents(
    hub: Any, topo: SiteTopology, tmp_path: Path
) -> None:
    policy = RetentionPolicy(incident_margin_s=0.0, max_buckets=1000)
    start = later()
    with Cache.open(tmp_path / "c.db", retention=policy, max_bytes=1) as cache:
        written = _fill(hub, topo, cache, start, 40, 10.0)
        cache.mark_full_resolution(written[5].time, written[8].time)
        cache.maintain(now=written[-1].time)
        raw = [r[0] for r in cache.conn.execute("SELECT time FROM rack_raw ORDER BY time")]
        kept = [w.time for w in written[5:9]]
        assert set(kept) <= set(raw)
        # Everything not protected is gone (the cap of 1 byte cannot be met).
        assert len(raw) < 2 * 30
        assert cache.conn.execute("SELECT count(*) FROM rack_15m").fetchone()[0] == 0
        got = cache.racks_at(written[7].time)
        assert got is not None
        assert_close(got, written[7])
        assert cache.conn.execute("PRAGMA freelist_count").fetchone()[0] == 0
        # The open chains were dropped too: writing goes on with fresh keyframes.
        more = _fill(hub, topo, cache, written[-1].time + 10.0, 3, 10.0)
        for r in more:
            got = cache.racks_at(r.time)
            assert got is not None and got.time == r.time
            assert_close(got, r)
        assert cache.jobs_at(more[-1].time) is not None
        assert cache.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_replay_source_returns_what_was_written(
    hub: Any, topo: SiteTopology, tmp_path: Path
) -> None:
    path = tmp_path / "shift.db"
    start = later()
    with Cache.open(path) as cache:
        cache.set_source("https://operator:hunter2@hub.example/api?token=s3cret")
        written = _fill(hub, topo, cache, start, 12, 2.0)
    before = path.read_bytes()
    source = open_source(f"cache://{path}")
    assert isinstance(source, CacheReplaySource)
    with source:
        assert source.time_range() == (written[0].time, written[-1].time)
        assert source.position == written[-1].time
        ctx = FetchContext(power_window_s=600.0)
        source.seek(written[4].time + 1.0)
        racks = source.fetch("racks", ctx)
        assert isinstance(racks, RackTelemetry) and racks.time == written[4].time
        assert_close(racks, written[4])
        assert racks.age() < 60  # fresh for the views, not greyed as stale
        site = source.fetch("site", ctx)
        assert isinstance(site, SiteTopology) and site.rack_ids == topo.rack_ids
        power = source.fetch("power", ctx)
        assert isinstance(power, PowerSeries) and power.t[-1] <= source.position
        assert source.fetch("gpus", ctx).kind == "gpus"
        assert len(source.fetch("jobs", ctx)) > 0
        source.fetch("events", ctx)
        source.seek(0)  # clamped to the first poll
        assert source.position == written[0].time
        assert source.cache.meta()["source"] == "https://hub.example/api"
    assert path.read_bytes() == before
    assert b"hunter2" not in before and b"s3cret" not in before


def test_journal_and_incidents(tmp_path: Path) -> None:
    with Cache.open(tmp_path / "c.db") as cache:
        cache.append_journal(
            [
                {
                    "time": T0 + 1,
                    "alarm_id": "inlet:A-01-02",
                    "source": "rule",
                    "rack": "A-01-02",
                    "priority": "high",
                    "state_from": "normal",
                    "state_to": "active-unacknowledged",
                    "message": "inlet 33.1 °C above 32 °C",
                },
                {
                    "time": T0 + 5,
                    "alarm_id": "inlet:A-01-02",
                    "state_from": "active-unacknowledged",
                    "state_to": "active-acknowledged",
                    "operator": "k.amrani",
                    "comment": "on it",
                },
            ]
        )
        entries = cache.journal()
        assert [e["state_to"] for e in entries] == ["active-unacknowledged", "active-acknowledged"]
        assert entries[1]["operator"] == "k.amrani" and entries[0]["id"] < entries[1]["id"]
        assert len(cache.journal(T0 + 2, T0 + 10)) == 1
        with pytest.raises(ValueError):
            cache.append_journal([{"alarm_id": "x"}])
        open_id = cache.save_incident({"start": T0, "title": "ongoing"})
        assert [i["id"] for i in cache.incidents(T0 + 1e6, None)] == [open_id]
        with pytest.raises(KeyError):
            cache.update_incident(open_id + 99, note="x")


def test_default_path_and_safe_url(tmp_path: Path) -> None:
    path = default_path()
    assert path.name == "cache.db" and "hub-ops-console" in str(path)
    with Cache.open() as cache:
        assert cache.path == path and path.exists()
    assert safe_url("http://u:p@h:8080/x?token=1#f") == "http://h:8080/x"
    with pytest.raises(CacheError, match="no cache file"):
        Cache.open(tmp_path / "none.db", readonly=True)


@pytest.mark.parametrize(("url", "safe"), [
    ("http://u:p@prom:9090/api?a=1 + https://u:t@slurm:6820", "http://prom:9090/api + https://slurm:6820"),
    ("http://[::1]:9090 + http://slurm", "http://[::1]:9090 + http://slurm"),
    ("http://h:abc/x", "http://h/x"),
    ("http://[::1", ""),
    ("sim://tetouan?seed=3", "sim://tetouan"),
])
def test_safe_url_of_a_source_read_from_several_backends_never_raises(url: str, safe: str) -> None:
    """Prometheus + Slurm: the console names the source by both URLs joined; each is made
    safe (a port that is no number used to raise, and the live cache then never opened)."""
    assert safe_url(url) == safe


def _same_jobs(a: Any, b: Any) -> None:
    assert len(a) == len(b)
    for name, col in b.columns.items():
        if col.dtype == object:
            assert list(a.columns[name]) == list(col), name
        elif name == "gpu_util_pct":  # stored again when it moves far enough (docs._delta)
            got = np.asarray(a.columns[name])
            assert np.array_equal(np.isnan(got), np.isnan(col)), name
            step = np.maximum(JOB_UTIL_STEP_PCT, JOB_UTIL_STEP_SHARE * np.abs(got))
            assert not (np.abs(got - col) >= step).any(), name
        else:
            assert np.array_equal(a.columns[name], col, equal_nan=True), name


def _queues_every_15_min(hub: Any, cache: Cache, start: float, n: int) -> list[Any]:
    """``n`` job queues of ``hub`` written 15 minutes apart from ``start`` (each changed);
    the queues written."""
    stored = []
    for k in range(n):
        t = start + 900.0 * k
        hub.step(t)
        jobs = decode_jobs(hub.jobs(), received=t)
        cache.write_poll([jobs])
        stored.append(jobs)
    return stored


def test_job_queue_deltas_round_trip(hub: Any, topo: SiteTopology, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docs, "DELTA_SHARE", 10.0)  # chains end by their length alone here
    policy = RetentionPolicy(jobs_interval_s=0.0, jobs_keyframe_every=4)
    start = later(4 * 3600.0)  # hours apart: the queue has changed between polls
    with Cache.open(tmp_path / "c.db", retention=policy) as cache:
        stored = _queues_every_15_min(hub, cache, start, 7)
        rows = cache.conn.execute("SELECT id, key_id, length(data) FROM jobs").fetchall()
        assert [r[0] == r[1] for r in rows] == [True, False, False, False, True, False, False]
        assert max(r[2] for r in rows if r[0] != r[1]) < min(r[2] for r in rows if r[0] == r[1])
        for jobs in stored:
            got = cache.jobs_at(jobs.time + 1.0)
            assert got is not None
            _same_jobs(got, jobs)
    _clock["t"] = max(_clock["t"], stored[-1].time)


def test_a_chain_of_deltas_ends_before_it_changes_half_the_queue(
    hub: Any, topo: SiteTopology, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Polls 15 minutes apart change a large part of the queue each: a keyframe comes as
    soon as a chain's deltas would change more than its share of it (DELTA_SHARE: half;
    a fifth here, which the simulated queue's two hours of changes pass), long before the
    chain's length ends it, so a read applies at most that share of a queue of changes."""
    monkeypatch.setattr(docs, "DELTA_SHARE", 0.2)
    policy = RetentionPolicy(jobs_interval_s=0.0, jobs_keyframe_every=30)
    start = later(4 * 3600.0)
    with Cache.open(tmp_path / "c.db", retention=policy) as cache:
        stored = _queues_every_15_min(hub, cache, start, 8)
        rows = cache.conn.execute("SELECT id, key_id, n_jobs, data FROM jobs").fetchall()
        keys = [r[0] for r in rows if r[0] == r[1]]
        assert len(keys) >= 2  # the length alone (30) would have made one keyframe
        changes: dict[int, int] = {}
        for row_id, key_id, n_jobs, data in rows:
            if row_id == key_id:
                continue
            doc = codec.unpack_json(data)
            cols = doc["changed_columns"]["columns"]
            changes[key_id] = changes.get(key_id, 0) + (len(cols[0]) if cols else 0)
            changes[key_id] += len(doc["removed"])
            assert changes[key_id] <= max(docs.DELTA_MIN_JOBS, docs.DELTA_SHARE * n_jobs)
        for jobs in stored:
            got = cache.jobs_at(jobs.time + 1.0)
            assert got is not None
            _same_jobs(got, jobs)
    _clock["t"] = max(_clock["t"], stored[-1].time)


def test_reopen_continues_and_skips_repeats(hub: Any, topo: SiteTopology, tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    start = later()
    with Cache.open(path) as cache:
        first = _fill(hub, topo, cache, start, 5, 2.0)
    with Cache.open(path) as cache:
        cache.write_poll([first[-1]], topology=topo)  # the same poll again: skipped
        second = _fill(hub, topo, cache, start + 10.0, 5, 2.0)
        assert cache.conn.execute("SELECT count(*) FROM rack_raw").fetchone()[0] == 10
        assert cache.conn.execute("SELECT count(*) FROM topologies").fetchone()[0] == 1
        for r in (first[2], first[4], second[0], second[4]):
            got = cache.racks_at(r.time)
            assert got is not None
            assert_close(got, r)


def test_review_while_live_console_writes(hub: Any, topo: SiteTopology, tmp_path: Path) -> None:
    path = tmp_path / "live.db"
    start = later()
    live = Cache.open(path)
    try:
        written = _fill(hub, topo, live, start, 3, 2.0)
        with Cache.open(path, readonly=True) as review:
            got = review.racks_at(written[-1].time)
            assert got is not None and got.time == written[-1].time
            more = _fill(hub, topo, live, start + 10.0, 2, 2.0)
            span = review.time_range()
            assert span is not None and span[1] == more[-1].time  # sees new commits
    finally:
        live.close()


def test_old_history_reads_from_quarter_hour_rollups(
    hub: Any, topo: SiteTopology, tmp_path: Path
) -> None:
    policy = RetentionPolicy(
        raw_hours=0.0, minute_days=0.0, power_raw_days=0.0, max_buckets=1000, keyframe_every=6
    )
    start = later(1800.0)
    start = start - start % 900 + 900
    with Cache.open(tmp_path / "c.db", retention=policy) as cache:
        written = _fill(hub, topo, cache, start, 60, 10.0)  # one 15-minute bucket, less 5 min
        stats = cache.maintain(now=start + 1801.0)
        assert stats["rolled_15m"] == 1
        counts = [
            cache.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("rack_raw", "rack_1m", "rack_15m", "power_blocks")
        ]
        assert counts == [0, 0, 1, 0]
        got = cache.racks_at(start + 500)
        assert got is not None and got.time == start
        stack = np.stack([np.asarray(w["power_kw"], np.float64) for w in written])
        count = np.isfinite(stack).sum(axis=0)
        mean = np.where(count > 0, np.nansum(stack, axis=0) / np.maximum(count, 1), np.nan)
        assert np.nanmax(np.abs(got["power_kw"] - mean)) <= 0.1
        assert cache.poll_times(start - 1, start + 1800).tolist() == [start]
        t, v = cache.rack_history(topo.rack_ids[0], "gpu_temp_max_c", start - 1, start + 1800)
        assert t.tolist() == [start] and len(v) == 1
        power = cache.power(start - 900, start + 1800)
        assert power.step == 900.0 and np.isfinite(power["it_mw"]).any()
        assert cache.time_range() == (start, start)


def test_codec_extremes_round_trip() -> None:
    from console.cache import codec

    rng = np.random.default_rng(5)
    base = rng.uniform(-50, 400, (3, 500)).astype(np.float32)
    frames_in = [base, base + 0.04, base.copy(), base.copy(), base - 3000.0]
    frames_in[2][0, :10] = np.nan  # holes
    frames_in[3][1, 5] = 9000.0  # beyond int16 after x10: an int32 keyframe
    frames_in[3][2, 7] = -3276.8  # the NaN sentinel's neighbour stays a number
    previous = None
    ref = None
    for values in frames_in:
        q, nan = codec.quantise(values)
        blob, is_key = codec.encode_frame(q, nan, previous)
        ref, dnan = codec.decode_frame(blob, None if is_key else ref)
        out = codec.to_float(ref, dnan)
        assert np.array_equal(np.isnan(out), np.isnan(values))
        ok = ~np.isnan(values)
        assert np.max(np.abs(out[ok] - values[ok])) <= QUANTUM
        previous = codec.reference(q, nan)
    assert codec.frame_info(blob)[0] == codec.KEY16  # a 3000-unit jump forces a keyframe
    with pytest.raises(codec.CodecError):
        codec.decode_frame(blob[:20], None)


def test_concurrent_reader_sees_whole_polls_only(
    hub: Any, topo: SiteTopology, tmp_path: Path
) -> None:
    import threading

    path = tmp_path / "c.db"
    start = later()
    polls = []
    for k in range(30):
        snaps = poll(hub, topo, start + 2.0 * k)
        t = snaps[0].time
        polls.append([snaps[0], _power(np.array([t]))])  # one rack frame + one power point
    cache = Cache.open(path)
    cache.write_poll([topo])
    done = threading.Event()
    seen: list[tuple[int, int]] = []

    def reader() -> None:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        query = ("SELECT (SELECT count(*) FROM rack_raw), "
                 "(SELECT coalesce(sum(n), 0) FROM power_blocks)")
        try:
            while not done.is_set():
                seen.append(conn.execute(query).fetchone())
            seen.append(conn.execute(query).fetchone())  # after the last commit
        finally:
            conn.close()

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for snaps in polls:
            cache.write_poll(snaps, topology=topo)
    finally:
        done.set()
        thread.join(timeout=30)
        cache.close()
    assert not thread.is_alive()
    assert seen and all(racks == power for racks, power in seen)
    assert seen[-1] == (len(polls), len(polls))


def test_readers_memos_give_what_a_fresh_reader_gives(
    hub: Any, topo: SiteTopology, tmp_path: Path
) -> None:
    """Jumping back and forth reuses decoded keyframes, the last frame and power rows:
    every answer must equal a fresh reader's, and a write must show at once."""
    policy = RetentionPolicy(jobs_interval_s=0.0, jobs_keyframe_every=3)
    start = later()
    path = tmp_path / "c.db"
    with Cache.open(path, retention=policy) as cache:
        written = []
        for k in range(70):  # several keyframe chains of racks and jobs
            snaps = poll(hub, topo, start + 20.0 * (k + 1))
            cache.write_poll(snaps, topology=topo)
            written.append(snaps[0].time)
    order = [5, 66, 31, 32, 33, 2, 60, 31, 69, 0, 45, 44, 46]
    with Cache.open(path, readonly=True) as review:
        for i in order:
            t = written[i] + 1.0
            with Cache.open(path, readonly=True) as fresh:
                got, want = review.racks_at(t), fresh.racks_at(t)
                assert got is not None and want is not None and got.time == want.time
                for name in want.fields:
                    assert np.array_equal(got[name], want[name], equal_nan=True), name
                jobs, jobs_fresh = review.jobs_at(t), fresh.jobs_at(t)
                assert jobs is not None and jobs_fresh is not None
                _same_jobs(jobs, jobs_fresh)
                p, p_fresh = review.power(t - 600, t), fresh.power(t - 600, t)
                assert np.array_equal(p.t, p_fresh.t)
                assert np.array_equal(p["it_mw"], p_fresh["it_mw"], equal_nan=True)
    with Cache.open(path, retention=policy) as live:
        before = live.power(written[0], written[-1] + 100)
        snaps = poll(hub, topo, written[-1] + 40.0)
        live.write_poll(snaps, topology=topo)
        after = live.power(written[0], written[-1] + 100)
        assert after.t[-1] > before.t[-1]  # the new points, not a memo of the old


def test_job_utilisation_round_trip(tmp_path: Path) -> None:
    """Jobs' gpu_util_pct is stored with the queue: as it is in a keyframe, again in a delta
    once it has moved a point (JOB_UTIL_STEP_PCT) or a tenth of the value stored
    (JOB_UTIL_STEP_SHARE), whichever is more, not for less; a job that changes otherwise
    carries its figure of then; a queue stored without the field (an older console's)
    reads it unknown."""
    from console.decode import jobs_from_records

    def job(i: int, util: float | None, state: str = "RUNNING") -> dict[str, Any]:
        return {"id": i, "name": "j", "tenant": "T", "tenant_kind": "research",
                "tenant_country": "MA", "user": "u", "partition": "gpu", "state": state,
                "reason": None, "gpus": 8, "nodes": 1, "racks": ["R1"],
                "submit_time": 1.7e9, "start_time": 1.7e9, "end_time": None,
                "time_limit_s": 3600.0, "gpu_util_pct": util}

    polls = [
        [job(1, 90.0), job(2, 1.0), job(3, None, "PENDING")],  # keyframe
        [job(1, 90.6), job(2, 1.4), job(3, None, "PENDING")],  # small moves: nothing stored
        # 2: a point from its stored 1 (more than a tenth); 1: 5 points, less than 9
        [job(1, 95.0), job(2, 4.0), job(3, None, "PENDING")],
        [job(1, 75.0), job(2, 4.5, "COMPLETED"), job(3, None, "PENDING")],  # 1: 15 points
    ]
    expect = [[90.0, 1.0], [90.0, 1.0], [90.0, 4.0], [75.0, 4.5]]
    policy = RetentionPolicy(jobs_interval_s=0.0, jobs_keyframe_every=10)
    t0 = 1.8e9
    with Cache.open(tmp_path / "u.db", retention=policy) as cache:
        for k, records in enumerate(polls):
            cache.write_poll([jobs_from_records(records, t0 + 60.0 * k, t0 + 60.0 * k)])
        for k, want in enumerate(expect):
            got = cache.jobs_at(t0 + 60.0 * k + 1.0)
            assert got is not None
            util = got.columns["gpu_util_pct"]
            np.testing.assert_allclose(util[:2], want)
            assert np.isnan(util[2])
        kinds = [r[0] == r[1] for r in cache.conn.execute("SELECT id, key_id FROM jobs")]
        assert kinds == [True, False, False]  # the second poll stored nothing new
    # a queue stored without the field (columns and records of an older console)
    with Cache.open(tmp_path / "old.db", retention=policy) as cache:
        old = [{k: v for k, v in j.items() if k != "gpu_util_pct"} for j in polls[0]]
        snap = jobs_from_records(old, t0, t0)
        columns = {k: v for k, v in snap.columns.items() if k != "gpu_util_pct"}
        cache.write_poll([dataclasses.replace(snap, columns=_frozen_map(columns))])
        got = cache.jobs_at(t0 + 1.0)
        assert got is not None and np.isnan(got.columns["gpu_util_pct"]).all()


def test_the_package_imports_its_names_on_first_use() -> None:
    """Importing one module of the package (the poll step names CacheError of the schema)
    imports neither the store nor its roll-ups; the package's names are still there."""
    import subprocess
    import sys

    code = ("import sys\n"
            "from console.cache.schema import CacheError\n"
            "print(sorted(m for m in ('console.cache.store', 'console.cache.rollup') "
            "if m in sys.modules))\n"
            "import console.cache as c\n"
            "assert c.CacheError is CacheError and c.Cache.__module__ == 'console.cache.store'\n"
            "assert set(c.__all__) <= set(dir(c))\n"
            "try:\n"
            "    c.nothing_of_that_name\n"
            "except AttributeError as exc:\n"
            "    print(type(exc).__name__)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, cwd=Path(__file__).resolve().parents[3])
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["[]", "AttributeError"]
