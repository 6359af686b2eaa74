"""Decoding the job queue's optional per-job GPU utilisation (``gpu_util_pct``)."""

from __future__ import annotations

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
