"""A reader's memo of decoded rack frames and job queues: a jump into a chain seen before
decodes only the few rows after the nearest mark, and every answer equals a fresh reader's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from console.cache import Cache, RetentionPolicy, codec, docs, frames, jobframe
from console.decode import decode_jobs, decode_racks, decode_site
from console.model import SiteTopology

T0 = 1_780_000_000.0


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[float]]:
    """60 polls: two rack chains of 30 frames, a job queue at every poll (chains of 30)."""
    from console.hub.sim import SimulatedHub

    hub = SimulatedHub(scale="hall", seed=5, start=T0)
    topo: SiteTopology = decode_site(hub.site(), received=T0)
    path = tmp_path_factory.mktemp("frames") / "c.db"
    policy = RetentionPolicy(jobs_interval_s=0.0, jobs_keyframe_every=30)
    times = []
    with pytest.MonkeyPatch.context() as patch, Cache.open(path, retention=policy) as cache:
        patch.setattr(docs, "DELTA_SHARE", 10.0)  # chains of jobs end by their length alone
        for k in range(60):
            t = T0 + 20.0 * (k + 1)
            hub.step(t)
            cache.write_poll([decode_racks(hub.racks(), topo, received=t),
                              decode_jobs(hub.jobs(), received=t)], topology=topo)  # fmt: skip
            times.append(t)
    return path, times


def _counting(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[int]:
    calls: list[int] = []
    original = getattr(module, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_a_jump_back_into_a_chain_decodes_from_the_nearest_mark(
    recorded: tuple[Path, list[float]], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, times = recorded
    decoded = _counting(monkeypatch, codec, "decode_frame")
    with Cache.open(path, readonly=True) as review:
        review.racks_at(times[28] + 1)  # row 29 of the first chain: the whole chain
        assert len(decoded) == 29
        decoded.clear()
        review.racks_at(times[12] + 1)  # row 13: from the mark at row 11
        assert len(decoded) == 13 - 11
        decoded.clear()
        review.racks_at(times[24] + 1)  # row 25: from the mark at row 21
        assert len(decoded) == 25 - 21
        decoded.clear()
        review.racks_at(times[24] + 1)  # the same frame again: nothing to decode
        assert decoded == []


def test_a_jump_back_into_a_job_chain_applies_few_deltas(
    recorded: tuple[Path, list[float]], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _ = recorded
    read = _counting(monkeypatch, codec, "unpack_json")
    applied = _counting(monkeypatch, jobframe, "apply_job_changes")
    with Cache.open(path, readonly=True) as review:
        rows = review.conn.execute("SELECT id, key_id, time FROM jobs ORDER BY id").fetchall()
        chain = [(i, t) for i, key, t in rows if key == rows[0][0]]
        assert len(chain) >= 20  # the queue changed at (nearly) every poll
        review.jobs_at(chain[-1][1])  # the whole chain: its deltas, in one pass per mark
        assert len(read) == len(chain) - 1
        assert len(applied) == -(-(len(chain) - 1) // docs.JOBS_MARK_EVERY)
        read.clear()
        applied.clear()
        row, t = chain[15]  # a row after a mark (marks: every few rows after the key)
        review.jobs_at(t)
        mark = row - (row - chain[0][0]) % docs.JOBS_MARK_EVERY
        assert 0 < row - mark and len(read) == row - mark and len(applied) == 1
        assert len(review._jobs_memo.marks) <= review._jobs_memo.keep_marks


def test_memos_answer_as_a_fresh_reader_in_any_order(
    recorded: tuple[Path, list[float]],
) -> None:
    path, times = recorded
    rng = np.random.default_rng(8)
    order = rng.integers(0, len(times), 40).tolist() + [59, 0, 30, 29, 31, 5, 5]
    with Cache.open(path, readonly=True) as review:
        review._frame_memo.keep_marks = 4  # marks dropped as the review goes on
        for i in order:
            t = times[i] + 1.0
            with Cache.open(path, readonly=True) as fresh:
                got, want = review.racks_at(t), fresh.racks_at(t)
                assert got is not None and want is not None and got.time == want.time
                for name in want.fields:
                    assert np.array_equal(got[name], want[name], equal_nan=True), name
                jobs, jobs_fresh = review.jobs_at(t), fresh.jobs_at(t)
                assert jobs is not None and jobs_fresh is not None
                for name in jobs_fresh.columns:
                    a, b = jobs.columns[name], jobs_fresh.columns[name]
                    assert len(a) == len(b) and all(
                        x == y or (x != x and y != y) for x, y in zip(a.tolist(), b.tolist(), strict=True)
                    ), name
        assert len(review._frame_memo.marks) <= 4


def test_frame_decode_of_every_field_at_once_matches_one_field_at_a_time() -> None:
    rng = np.random.default_rng(2)
    base = rng.uniform(-100, 400, (4, 300))
    values = [base, base + rng.normal(0, 3, base.shape), base * 10]  # the last: int32
    values[1][2, :9] = np.nan
    previous = None
    ref = None
    for frame in values:
        q, nan = codec.quantise(frame)
        blob, is_key = codec.encode_frame(q, nan, previous)
        got_ref, got_nan = codec.decode_frame(blob, None if is_key else ref)
        for i in range(4):
            one_ref, one_nan = codec.decode_field(blob, i, None if is_key or ref is None else ref[i])
            assert np.array_equal(got_ref[i], one_ref) and np.array_equal(got_nan[i], one_nan)
        ref, previous = got_ref, codec.reference(q, nan)
    with pytest.raises(codec.CodecError):
        codec.decode_frame(blob[:-3], None)
    assert frames.MARK_EVERY > 1 and docs.JOBS_MARK_EVERY > 1


@pytest.mark.parametrize("dtype", ["<i2", "<i4", "<i8", "<f8", "u1"])
def test_unshuffle_undoes_shuffle_for_every_width(dtype: str) -> None:
    rng = np.random.default_rng(4)
    info = np.iinfo(dtype) if np.dtype(dtype).kind in "iu" else None
    if info is not None:
        values = rng.integers(info.min, info.max, 1001, dtype=np.int64, endpoint=True).astype(dtype)
    else:
        values = rng.normal(0, 1e9, 1001).astype(dtype)
        values[[3, 7]] = [np.nan, -np.inf]
    back = codec.unshuffle(codec.shuffle(values), dtype, len(values))
    assert back.dtype == np.dtype(dtype)
    assert np.array_equal(back, values, equal_nan=info is None)
    with pytest.raises(codec.CodecError):
        codec.unshuffle(codec.shuffle(values)[:-1], dtype, len(values))
