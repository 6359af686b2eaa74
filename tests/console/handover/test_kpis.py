"""Shift KPIs from job snapshots: the merge of several snapshots and what it gives."""

from __future__ import annotations

import json

import numpy as np

from console.decode import decode_jobs
from console.handover.kpis import JOB_KPI_FIELDS, job_kpis, merge_jobs
from console.handover.shift import ShiftWindow
from console.model import JobsSnapshot


def _row_by_row(snapshots: list[JobsSnapshot]) -> list[dict]:
    """The merge as each job's row reads (numpy scalars), the later snapshot winning."""
    by_id: dict[int, dict] = {}
    for snap in snapshots:
        for i in range(len(snap)):
            row = snap.row(i)
            row["_as_of"] = snap.time
            by_id[int(row["id"])] = row
    return list(by_id.values())


def _snapshots() -> tuple[list[JobsSnapshot], ShiftWindow]:
    from console.hub.sim import SimulatedHub

    hub = SimulatedHub(scale="hall", seed=5)
    first = decode_jobs(hub.jobs())
    hub.step(hub.now + 900.0)
    return [first, decode_jobs(hub.jobs())], ShiftWindow.default(hub.now)


def test_merged_jobs_are_each_jobs_row_as_plain_values_the_later_snapshot_winning() -> None:
    snaps, _ = _snapshots()
    expected = _row_by_row(snaps)
    merged = merge_jobs(snaps)
    assert [r["id"] for r in merged] == [int(r["id"]) for r in expected]
    assert len({r["id"] for r in merged}) == len(merged) > 0
    for got, want in zip(merged, expected, strict=True):
        assert got.keys() == want.keys()
        for key, value in want.items():
            if isinstance(value, np.generic):
                assert type(got[key]) is type(value.item())
                assert got[key] == value or (value != value and got[key] != got[key])
            else:
                assert got[key] == value
    later = {int(i) for i in snaps[1].columns["id"]}
    assert all(r["_as_of"] == snaps[1].time for r in merged if r["id"] in later)


def test_merged_jobs_hold_the_fields_asked_only_and_give_the_same_kpis() -> None:
    snaps, shift = _snapshots()
    few = merge_jobs(snaps, JOB_KPI_FIELDS)
    assert all(r.keys() == {*JOB_KPI_FIELDS, "_as_of"} for r in few)
    whole = job_kpis(_row_by_row(snaps), shift)
    assert json.dumps(job_kpis(few, shift)) == json.dumps(whole)
    assert whole["completed"] + whole["failed"] + whole["running"] > 0


def test_no_snapshot_or_an_empty_one_merges_to_nothing() -> None:
    empty = JobsSnapshot(time=1.0, columns={"id": np.zeros(0, np.int64)})
    assert merge_jobs([None, empty]) == []
