"""The job queue's columnar form in the cache: keyframes, deltas, older files, damage."""

from __future__ import annotations

import json
import math
import struct
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from console.cache import Cache, CacheError, RetentionPolicy, codec, jobframe
from console.decode import JOB_COLUMNS, job_columns_from_records, jobs_from_records

T0 = 1_780_000_000.0


def job(i: int, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": i,
        "name": f"train-{i}",
        "tenant": "Atlas Lab",
        "tenant_kind": "research",
        "tenant_country": "MA",
        "user": "amina",
        "partition": "gpu-h200",
        "state": "RUNNING",
        "reason": None,
        "gpus": 8,
        "nodes": 1,
        "racks": ["A-01-01"],
        "submit_time": T0 - 100.0,
        "start_time": T0 - 50.0,
        "end_time": None,
        "time_limit_s": 3600.0,
    }
    base.update(fields)
    return base


def as_records(columns: dict[str, np.ndarray]) -> list[dict[str, Any]]:
    n = len(columns["id"])
    out = []
    for k in range(n):
        row = {}
        for name, _ in JOB_COLUMNS:
            v = columns[name][k]
            if isinstance(v, float) and math.isnan(v):
                v = None
            row[name] = v.item() if isinstance(v, np.generic) else v
        out.append(row)
    return out


def same(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> None:
    assert list(a) == list(b)
    for name in b:
        assert a[name].dtype == b[name].dtype, name
        if b[name].dtype == object:
            assert a[name].tolist() == b[name].tolist(), name
        else:
            assert np.array_equal(a[name], b[name], equal_nan=True), name


AWKWARD = [
    job(1),
    job(2, name="<b>x</b><img src=y>", user="منى.سعيد", racks=["A-01-01", "A-01-02"]),
    job(3, state="PENDING", reason="Resources", start_time=None, racks=[], gpus=0),
    job(4, tenant=None, partition="", end_time=T0 + 1.5, time_limit_s=None),
    job(5, name="train-1", racks=["A-01-01"]),  # values shared with job 1
]


def test_keyframe_round_trip_keeps_every_value() -> None:
    columns = job_columns_from_records(AWKWARD)
    blob = jobframe.encode(columns)
    assert jobframe.is_keyframe(blob)
    back = jobframe.decode(blob)
    same(back, columns)
    assert back["racks"][1] == ("A-01-01", "A-01-02") and back["racks"][2] == ()
    assert back["reason"][0] is None and math.isnan(back["start_time"][2])


def test_empty_queue_and_missing_columns() -> None:
    empty = jobframe.decode(jobframe.encode(job_columns_from_records([])))
    assert [len(c) for c in empty.values()] == [0] * len(JOB_COLUMNS)
    partial = jobframe.decode(jobframe.encode({"id": np.array([7, 8], np.int64)}))
    assert partial["id"].tolist() == [7, 8]
    assert partial["name"].tolist() == [None, None]
    assert np.isnan(partial["submit_time"]).all() and partial["gpus"].tolist() == [0, 0]


def test_values_it_cannot_hold_are_refused_for_the_json_form() -> None:
    columns = job_columns_from_records([job(1)])
    columns["name"] = np.array([{"not": "text"}], dtype=object)  # unhashable
    with pytest.raises(TypeError):
        jobframe.encode(columns)


def test_deltas_remove_change_append_and_reorder() -> None:
    key = job_columns_from_records([job(1), job(2), job(3)])
    delta = {
        "removed": [2],
        "changed_columns": {
            "names": ["id", "state", "racks"],
            "columns": [[3, 4, 4], ["COMPLETED", "PENDING", "RUNNING"], [[], [], ["B-02-01"]]],
        },
        "ids": [4, 1, 3],
    }
    out = jobframe.apply_delta(key, delta)
    assert out["id"].tolist() == [4, 1, 3]
    # The last record of an id wins; a changed record replaces the whole job.
    assert out["state"].tolist() == ["RUNNING", "RUNNING", "COMPLETED"]
    assert out["racks"].tolist() == [("B-02-01",), ("A-01-01",), ()]
    assert out["name"].tolist() == [None, "train-1", None]
    # The input is left as it was (snapshots share these arrays).
    assert key["id"].tolist() == [1, 2, 3] and key["state"][2] == "RUNNING"


def test_older_json_rows_read_the_same_as_columnar_rows() -> None:
    first = [job(1), job(2), job(3, state="PENDING", reason="Priority")]
    names = [n for n, _ in JOB_COLUMNS]
    lists = [[r.get(n) for r in first] for n in names]
    old_key = codec.pack_json({"names": names, "columns": lists})
    new_key = jobframe.encode(job_columns_from_records(first))
    changed = [job(3, state="RUNNING", start_time=T0), job(9, name="new")]
    old_delta = codec.pack_json({"changed": changed, "removed": [1]})
    new_delta = codec.pack_json(
        {
            "changed_columns": {"names": names, "columns": [[r.get(n) for r in changed] for n in names]},
            "removed": [1],
        }
    )
    old = jobframe.load(old_delta, jobframe.load(old_key, None))
    new = jobframe.load(new_delta, jobframe.load(new_key, None))
    same(old, new)
    assert new["id"].tolist() == [2, 3, 9] and new["state"].tolist()[1] == "RUNNING"
    # The same as building the queue from its records.
    expect = jobs_from_records([job(2), changed[0], changed[1]], T0).columns
    same(new, dict(expect))


@pytest.mark.parametrize(
    "blob",
    [
        jobframe.MAGIC + b"not zlib",
        jobframe.MAGIC + zlib.compress(b"\x05\x00\x00\x00{}"),
        jobframe.MAGIC + zlib.compress(b"\xff\x00\x00\x00{"),
    ],
)
def test_a_damaged_keyframe_says_so(blob: bytes) -> None:
    with pytest.raises(codec.CodecError):
        jobframe.load(blob, None)


def _whole_keyframe(columns: dict[str, np.ndarray]) -> bytes:
    """A keyframe as files of schema 12 and before stored it: every column in one zlib
    stream (:data:`jobframe.MAGIC_WHOLE`)."""
    header: list[list[Any]] = []
    arrays: list[bytes] = []
    n = len(columns["id"])
    for name, dtype in JOB_COLUMNS:
        if name not in columns:
            continue
        if dtype is object:
            values, codes = jobframe._factorize(columns[name])
            header.append([name, "cat", values])
            arrays.append(codec.shuffle(codes.astype("<i4")))
        else:
            kind = "i8" if dtype is np.int64 else "f8"
            header.append([name, kind, None])
            arrays.append(codec.shuffle(np.asarray(columns[name]).astype("<" + kind)))
    text = json.dumps({"n": n, "columns": header}, separators=(",", ":")).encode()
    body = struct.pack("<I", len(text)) + text + b"".join(arrays)
    return jobframe.MAGIC_WHOLE + zlib.compress(body)


def _keyframe_of(header: list[list[Any]], payloads: list[bytes], n: int) -> bytes:
    """A keyframe of the column-by-column form with these columns' payloads."""
    chunks = [zlib.compress(p) for p in payloads]
    cols = [[*h, len(c), zlib.crc32(c)] for h, c in zip(header, chunks, strict=True)]
    text = json.dumps({"n": n, "columns": cols}).encode()
    return jobframe.MAGIC + struct.pack("<I", len(text)) + text + b"".join(chunks)


def test_an_older_files_keyframes_read_as_they_were_stored() -> None:
    columns = job_columns_from_records(AWKWARD)
    old = _whole_keyframe(dict(columns))
    assert jobframe.is_keyframe(old) and not old.startswith(jobframe.MAGIC)
    same(jobframe.decode(old), columns)
    same(dict(jobframe.LazyKeyframe(old)), columns)
    same(jobframe.load_many([old], None), columns)


def test_a_keyframe_decompresses_only_the_columns_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """A review's jump reads the ids (and the counts' state and tasks), not the twenty
    columns of the queue: each column is compressed on its own and made when used."""
    columns = job_columns_from_records(AWKWARD)
    made: list[str] = []
    unpacked = jobframe._unpacked

    def counted(name: str, *args: Any) -> Any:
        made.append(name)
        return unpacked(name, *args)

    monkeypatch.setattr(jobframe, "_unpacked", counted)
    lazy = jobframe.LazyKeyframe(jobframe.encode(columns))
    assert made == ["id"]
    assert lazy["state"].tolist() == columns["state"].tolist()
    assert made == ["id", "state"]
    same(dict(lazy), columns)
    assert sorted(made) == sorted(n for n, _ in JOB_COLUMNS)


def test_out_of_range_codes_are_damage() -> None:
    names = np.array(["a", "b"], dtype=object)
    blob = _whole_keyframe({"id": np.array([1, 2], np.int64), "name": names})
    body = bytearray(zlib.decompress(blob[len(jobframe.MAGIC_WHOLE) :]))
    body[-1] = 0x7F  # the top byte of the last text code: far past the table
    with pytest.raises(codec.CodecError):
        jobframe.decode(jobframe.MAGIC_WHOLE + zlib.compress(bytes(body)))
    text = json.dumps(["a", "b"]).encode()
    ids = codec.shuffle(np.array([1, 2], "<i8"))
    bad = _keyframe_of([["id", "i8"], ["name", "cat"]],
                       [ids, struct.pack("<I", len(text)) + text
                        + codec.shuffle(np.array([0, 0x7F000000], "<i4"))], 2)
    with pytest.raises(codec.CodecError, match="'name' is damaged"):
        jobframe.decode(bad)
    lazy = jobframe.LazyKeyframe(bad)  # checked when the column is made
    with pytest.raises(codec.CodecError, match="'name' is damaged"):
        lazy["name"]
    with pytest.raises(codec.CodecError, match="without its keyframe"):
        jobframe.load(codec.pack_json({"removed": [1]}), None)


def test_a_damaged_column_is_found_when_the_keyframe_is_read() -> None:
    blob = bytearray(jobframe.encode(job_columns_from_records(AWKWARD)))
    blob[-3] ^= 0xFF  # in the last column's compressed bytes: its checksum no longer holds
    with pytest.raises(codec.CodecError, match="damaged"):
        jobframe.LazyKeyframe(bytes(blob))
    with pytest.raises(codec.CodecError, match="damaged"):
        jobframe.load_many([bytes(blob[:-1])], None)  # cut short


def test_cache_reads_a_damaged_job_row_as_a_clear_error(tmp_path: Path) -> None:
    policy = RetentionPolicy(jobs_interval_s=0.0)
    with Cache.open(tmp_path / "c.db", retention=policy) as cache:
        cache.write_poll([jobs_from_records(AWKWARD, T0, received=T0)])
        got = cache.jobs_at(T0 + 1)
        assert got is not None and got.columns["name"][1] == "<b>x</b><img src=y>"
        cache.conn.execute("UPDATE jobs SET data = ?", (jobframe.MAGIC + b"garbage",))
        cache.forget_reads()
        with pytest.raises(CacheError, match="corrupt"):
            cache.jobs_at(T0 + 1)


def test_a_v2_file_with_json_job_rows_reviews_without_a_copy(tmp_path: Path) -> None:
    """Files from before the columnar form: reviewed as they are, migrated by live use."""
    import sqlite3

    from console.cache.schema import SCHEMA_VERSION, migrate

    path = tmp_path / "v2.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=2)
    names = [n for n, _ in JOB_COLUMNS]
    first = [job(1), job(2)]
    key = codec.pack_json({"names": names, "columns": [[r.get(n) for r in first] for n in names]})
    delta = codec.pack_json({"changed": [job(3)], "removed": [1]})
    for row_id, data in ((1, key), (2, delta)):
        conn.execute(
            "INSERT INTO jobs (id, time, last_seen, received, key_id, n_jobs, data) "
            "VALUES (?, ?, ?, ?, 1, 2, ?)",
            (row_id, T0 + row_id, T0 + row_id, T0 + row_id, data),
        )
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    with Cache.open(path, readonly=True) as cache:
        assert cache.migrated_from is None  # read in place: nothing to migrate for reading
        at_key, at_delta = cache.jobs_at(T0 + 1.5), cache.jobs_at(T0 + 2.5)
        assert at_key is not None and at_key.columns["id"].tolist() == [1, 2]
        assert at_delta is not None and at_delta.columns["id"].tolist() == [2, 3]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v2.db"]
    with Cache.open(path) as cache:
        assert cache.migrated_from == 2
        assert cache.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_columns_keep_every_value_to_its_limits() -> None:
    """Counts out of range read 0, times out of 2000..2100 NaN, text a bounded str
    without control characters, an unknown state UNKNOWN; jobs without a valid id are
    left out and counted. The cache stores and reads back what is left."""
    from console.model import JOB_STATE_UNKNOWN

    records = [
        job(1, gpus=-5, nodes=2**63, submit_time=-math.inf, start_time=1e20,
            time_limit_s=-1.0, name=5, user="x" * 100_000, tenant=["Atlas"],
            state=["RUNNING"], racks="A-01-01", reason="Resources\x00\x1b[31m\u202e"),
        job(2, state=None, racks=[1, ["A-01-02"], "A-01-03"], array_tasks=1e300,
            end_time=math.nan, partition={"gpu": 1}),
        job(None),  # no id: left out
        job(2**63),  # no job id int64 can hold: left out
        job(-3),
        job(4.5),
    ]
    snap = jobs_from_records(records, T0)
    c = snap.columns
    assert c["id"].tolist() == [1, 2] and snap.invalid == 4
    assert c["gpus"].tolist() == [0, 8] and c["nodes"].tolist() == [0, 1]
    assert c["array_tasks"].tolist() == [0, 0]
    assert math.isnan(c["submit_time"][0]) and math.isnan(c["start_time"][0])
    assert math.isnan(c["time_limit_s"][0]) and math.isnan(c["end_time"][1])
    assert c["name"].tolist() == ["5", "train-2"]
    assert len(c["user"][0]) == 256 and c["user"][0].endswith("…")
    assert c["tenant"][0] is None and c["partition"][1] is None
    assert c["state"].tolist() == [JOB_STATE_UNKNOWN, JOB_STATE_UNKNOWN]
    assert c["racks"].tolist() == [("A-01-01",), ("1", "A-01-03")]
    assert c["reason"][0] == "Resources[31m"
    back = jobframe.decode(jobframe.encode(dict(c)))
    same(back, dict(c))


def test_a_number_no_float_holds_is_refused_not_raised() -> None:
    from console.decode import DataError, apply_job_changes, job_column

    with pytest.raises(DataError, match="'gpus' must hold numbers"):
        job_column("gpus", np.int64, [10**400], 1)
    with pytest.raises(DataError, match="'submit_time' has 2 values, expected 1"):
        job_column("submit_time", np.float64, [T0, T0], 1)
    columns = job_columns_from_records([job(1)])
    with pytest.raises(DataError, match="removed job ids"):
        apply_job_changes(columns, None, [2**63])
    with pytest.raises(DataError, match="order job ids"):
        apply_job_changes(columns, None, (), [[1, [2]]])


def _random_delta(rng: np.random.Generator, ids: list[int], next_id: list[int],
                  order: bool) -> dict[str, Any]:
    """A delta that removes, changes (twice sometimes), appends, re-adds removed ids and
    maybe reorders."""
    removed = [int(i) for i in rng.choice(ids, min(len(ids), int(rng.integers(0, 4))),
                                          replace=False)] if ids else []  # fmt: skip
    records = []
    for _ in range(int(rng.integers(0, 6))):
        if ids and rng.random() < 0.6:
            i = int(rng.choice(ids))  # changed, or re-added just after its removal
        else:
            i = next_id[0] = next_id[0] + 1
        records.append(job(i, state=str(rng.choice(["RUNNING", "PENDING", "COMPLETED"])),
                           gpus=int(rng.integers(0, 9))))  # fmt: skip
    names = [n for n, _ in JOB_COLUMNS]
    doc: dict[str, Any] = {
        "removed": removed,
        "changed_columns": {"names": names,
                            "columns": [[r.get(n) for r in records] for n in names]},
    }  # fmt: skip
    if order:
        present = [i for i in ids if i not in removed] + [r["id"] for r in records]
        doc["ids"] = [int(i) for i in rng.permutation(list(dict.fromkeys(present)))]
    return doc


def test_deltas_applied_in_one_pass_equal_deltas_applied_in_turn() -> None:
    rng = np.random.default_rng(12)
    for trial in range(60):
        columns = job_columns_from_records([job(i) for i in range(1, 30)])
        next_id = [29]
        deltas = []
        state = columns
        for _k in range(int(rng.integers(2, 9))):
            ids = state["id"].tolist()
            doc = _random_delta(rng, ids, next_id, order=rng.random() < 0.15)
            deltas.append(doc)
            state = jobframe.apply_delta(state, doc)
        blobs = [codec.pack_json(d) for d in deltas]
        same(jobframe.load_many(blobs, columns), state)
        if not any("ids" in d for d in deltas[:-1]):
            assert jobframe._merged(deltas) is not None, trial  # merged, not in turn


def test_a_run_of_deltas_merges_a_job_removed_then_added_again_at_the_end() -> None:
    key = job_columns_from_records([job(1), job(2), job(3)])
    names = [n for n, _ in JOB_COLUMNS]

    def delta(removed: list[int], *records: dict[str, Any]) -> dict[str, Any]:
        return {"removed": removed, "changed_columns": {
            "names": names, "columns": [[r.get(n) for r in records] for n in names]}}

    deltas = [delta([], job(2, state="PENDING"), job(4)), delta([2]),
              delta([], job(5), job(2, state="COMPLETED"), job(4, gpus=1))]
    out = jobframe.load_many([codec.pack_json(d) for d in deltas], key)
    assert out["id"].tolist() == [1, 3, 4, 5, 2]  # 2 appended again after 5
    assert out["state"].tolist()[-1] == "COMPLETED" and out["gpus"].tolist()[2] == 1
    with pytest.raises(codec.CodecError):
        jobframe.load_many([codec.pack_json(deltas[0])], None)


def test_a_queue_after_a_few_deltas_makes_each_column_when_used() -> None:
    """Read back over a whole queue, deltas leave a lazy queue: its ids at once, every
    other column (read-only) when first asked for, each equal to the deltas applied whole;
    one delta more (the next row of a review) makes its columns from it."""
    rng = np.random.default_rng(5)
    for trial in range(80):
        columns = job_columns_from_records([job(i) for i in range(1, 30)])
        next_id = [29]
        state, queue = columns, columns
        for _k in range(int(rng.integers(1, 7))):
            doc = _random_delta(rng, state["id"].tolist(), next_id, order=rng.random() < 0.2)
            if rng.random() < 0.2:  # a column the delta does not carry: unknown, as from_json
                doc["changed_columns"]["columns"].pop()
                doc["changed_columns"]["names"] = doc["changed_columns"]["names"][:-1]
            state = jobframe.apply_delta(state, doc)
            queue = jobframe.load_many([codec.pack_json(doc)], queue)
            assert isinstance(queue, jobframe.LazyColumns)
            assert set(queue._made) == {"id"}, trial
            assert queue.depth <= jobframe.LAZY_DEPTH
            for name in [str(n) for n in rng.permutation(list(state))][:3]:
                assert not queue[name].flags.writeable  # shared with the next delta's
            same(dict(queue), state)
    with pytest.raises(codec.CodecError, match="damaged"):
        bad = {"removed": ["x"], "changed_columns": {"names": ["id"], "columns": [[1]]}}
        jobframe.load_many([codec.pack_json(bad)], columns)



def test_a_long_chain_read_a_mark_at_a_time_stays_lazy_and_as_applied_in_turn() -> None:
    """A chain read as a review reads it (runs of JOBS_MARK_EVERY deltas) is a step a run,
    each run merged, lazy up to LAZY_DEPTH steps and made whole past that; every column
    equals the deltas applied one by one, at every mark. A run holding records (an older
    file's deltas) is applied whole."""
    from console.cache.docs import JOBS_MARK_EVERY

    rng = np.random.default_rng(31)
    for trial in range(12):
        columns = job_columns_from_records([job(i) for i in range(1, 40)])
        next_id = [39]
        state, queue = columns, columns
        for mark in range(jobframe.LAZY_DEPTH + 3):
            run = []
            for _k in range(JOBS_MARK_EVERY):
                doc = _random_delta(rng, state["id"].tolist(), next_id,
                                    order=_k == JOBS_MARK_EVERY - 1 and rng.random() < 0.2)
                run.append(doc)
                state = jobframe.apply_delta(state, doc)
            queue = jobframe.load_many([codec.pack_json(d) for d in run], queue)
            assert isinstance(queue, jobframe.LazyColumns), (trial, mark)
            assert 1 <= queue.depth <= jobframe.LAZY_DEPTH
            assert set(queue._made) == {"id"}
            same(dict(queue), state)
    old = {"removed": [], "changed": [job(1, state="PENDING")]}  # records: applied whole
    whole = jobframe.load_many([codec.pack_json(old)] * JOBS_MARK_EVERY, columns)
    assert isinstance(whole, dict) and whole["state"].tolist()[0] == "PENDING"


def test_a_review_reads_the_queue_lazily_and_as_stored(tmp_path: Path) -> None:
    """The cache hands a review the queue (a keyframe, or a few deltas after one) with only
    its ids made (the rest when a view uses it), every column as a reader applying each
    stored row whole has it, at every row, read in any order."""
    path = tmp_path / "jobs.db"
    with Cache.open(path) as cache:
        records = [job(i) for i in range(1, 40)]
        for k in range(7):
            records = [r for r in records if r["id"] % 7 != k] + [job(100 + k), job(200 + k)]
            records[0] = job(records[0]["id"], state="PENDING", gpus=k)
            cache.write_poll([jobs_from_records(records, T0 + 60.0 * k)])
    with Cache.open(path, readonly=True) as review:
        rows = review.conn.execute("SELECT id, key_id, time FROM jobs ORDER BY id").fetchall()
        assert any(i != key for i, key, _t in rows)  # deltas stored
        lazy = 0
        for i, key, t in rows[::-1] + rows + rows[::2]:
            snap = review.jobs_at(t)
            assert snap is not None
            if isinstance(snap.columns, jobframe.LazyColumns):
                lazy += 1
            whole: jobframe.Columns | None = None
            for (blob,) in review.conn.execute(
                    "SELECT data FROM jobs WHERE id BETWEEN ? AND ? ORDER BY id", (key, i)):
                whole = jobframe.load(blob, whole)
            assert whole is not None
            assert snap.columns["state"].tolist() == whole["state"].tolist()
            assert snap.columns["gpus"].tolist() == whole["gpus"].tolist()
            same(dict(snap.columns), dict(whole))
        assert lazy
    for _i, _key, t in [(i, key, t) for i, key, t in rows if i - key <= jobframe.LAZY_DELTAS]:
        with Cache.open(path, readonly=True) as fresh:
            snap = fresh.jobs_at(t)
            assert snap is not None and isinstance(snap.columns, jobframe.LazyColumns)
            assert set(snap.columns._made) == {"id"}  # nothing else made until used
            assert len(snap) == len(snap.columns["id"]) and "state" in snap.columns
            assert set(snap.columns._made) == {"id"}
            snap.columns["state"]
            assert set(snap.columns._made) == {"id", "state"}
