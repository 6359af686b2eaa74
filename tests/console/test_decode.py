"""Decoding the job queue's optional per-job GPU utilisation (``gpu_util_pct``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from console.decode import job_columns_from_records


def _job(i: int, **extra: Any) -> dict[str, Any]:
    return {"id": i, "name": "train", "tenant": "T", "tenant_kind": "research",
            "tenant_country": "MA", "user": "u", "partition": "gpu", "state": "RUNNING",
            "reason": None, "gpus": 8, "nodes": 1, "racks": ["R1"], "submit_time": 1.7e9,
            "start_time": 1.7e9, "end_time": None, "time_limit_s": 3600.0,
            "state_flags": None, "state_description": None, "array_tasks": 0,
            "begin_time": None} | extra


def test_gpu_util_pct_is_a_number_0_to_100_else_unknown() -> None:
    values = [0.0, 3.5, 100.0, None, 100.5, -0.1, float("nan"), "7"]
    cols = job_columns_from_records([_job(i + 1, gpu_util_pct=v) for i, v in enumerate(values)])
    assert cols["gpu_util_pct"].dtype == np.float64
    np.testing.assert_array_equal(
        cols["gpu_util_pct"], [0.0, 3.5, 100.0, np.nan, np.nan, np.nan, np.nan, 7.0])


def test_a_hub_without_the_field_reads_unknown() -> None:
    # every job without it (the hub cannot tell), and only some jobs with it
    cols = job_columns_from_records([_job(1), _job(2)])
    assert np.isnan(cols["gpu_util_pct"]).all()
    assert cols["id"].tolist() == [1, 2] and cols["racks"][0] == ("R1",)
    cols = job_columns_from_records([_job(1), _job(2, gpu_util_pct=1.5)])
    np.testing.assert_array_equal(cols["gpu_util_pct"], [np.nan, 1.5])


def _site_and_racks() -> tuple[Any, dict[str, Any]]:
    from console.contract import RACK_FIELDS
    from console.decode import decode_site

    racks = [{"id": f"A-01-{k:02d}", "hall": "A", "row": "A-01", "x": float(k), "y": 0.0,
              "w": 0.6, "h": 1.2, "capacity_kw": 100.0, "gpus": 72} for k in range(4)]
    site = decode_site({"time": 1.78e9, "halls": [{"id": "A"}], "racks": racks})
    payload = {"time": 1.78e9, "rack_ids": [r["id"] for r in racks]}
    payload |= {f: [float(k) for k in range(4)] for f in RACK_FIELDS}
    return site, payload


def test_rack_ids_in_the_sites_order_align_and_others_are_still_checked() -> None:
    import pytest

    from console.decode import DataError, decode_racks

    site, payload = _site_and_racks()
    aligned = decode_racks(payload, site)
    assert not aligned.missing.any() and aligned.unknown_ids == ()
    np.testing.assert_array_equal(aligned["power_kw"], [0.0, 1.0, 2.0, 3.0])
    turned = decode_racks({**payload, "rack_ids": payload["rack_ids"][::-1]}, site)
    np.testing.assert_array_equal(turned["power_kw"], [3.0, 2.0, 1.0, 0.0])
    dirty = decode_racks({**payload, "rack_ids": [*payload["rack_ids"][:3], "X\u202e"]}, site)
    assert dirty.missing.tolist() == [False, False, False, True]
    assert dirty.unknown_ids == ("X",)
    for bad in ([*payload["rack_ids"][:3], 7], "A-01-00", None):
        with pytest.raises(DataError, match="rack_ids"):
            decode_racks({**payload, "rack_ids": bad}, site)


def test_job_changes_take_the_last_record_of_an_id_without_loading_numpy_ma() -> None:
    """The first changes-only job poll of a session held the interpreter lock ~50 ms to
    import numpy.ma (np.unique's first call loads it); the last record of an id still wins."""
    import subprocess
    import sys

    from console.decode import apply_job_changes

    queue = job_columns_from_records([_job(1), _job(2)])
    update = job_columns_from_records([_job(3, gpus=1), _job(1, gpus=2), _job(3, gpus=4)])
    out = apply_job_changes(queue, update)
    assert out["id"].tolist() == [1, 2, 3]
    assert out["gpus"].tolist() == [2, 8, 4]
    code = ("import sys\n"
            "from console.decode import apply_job_changes, job_columns_from_records\n"
            f"q = job_columns_from_records({[_job(1), _job(2)]!r})\n"
            f"apply_job_changes(q, job_columns_from_records({[_job(2), _job(3)]!r}), [1])\n"
            "print('numpy.ma' in sys.modules)\n")
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True, cwd=root)
    assert done.stdout.strip() == "False", done.stderr


def test_a_job_state_column_points_at_one_object_per_state() -> None:
    """States decoded from separate strings (as a JSON reader makes them) are each
    state's one object (a comparison over the whole queue reads a handful of strings,
    not thousands); a state not of the hub's, or not text, reads UNKNOWN."""
    from console.decode import decode_jobs

    words = ["".join(w) for w in (list("RUNNING"), list("PENDING"), list("RUNNING"),
                                  list("FAILED"))]
    assert words[0] is not words[2]
    jobs = [{"id": k + 1, "state": w, "partition": "gpu"} for k, w in enumerate(words)]
    states = decode_jobs({"time": 1.78e9, "jobs": jobs}, received=1.78e9).columns["state"]
    assert list(states) == ["RUNNING", "PENDING", "RUNNING", "FAILED"]
    assert states[0] is states[2]
    odd = [{"id": 1, "state": "".join(list("RUNNING")), "partition": "gpu"},
           {"id": 2, "state": "WEIRD", "partition": "gpu"},
           {"id": 3, "state": 7, "partition": "gpu"}]
    states = decode_jobs({"time": 1.78e9, "jobs": odd}, received=1.78e9).columns["state"]
    assert list(states) == ["RUNNING", "UNKNOWN", "UNKNOWN"]
    again = decode_jobs({"time": 1.78e9, "jobs": jobs[:1]}, received=1.78e9).columns["state"]
    assert states[0] is again[0]
