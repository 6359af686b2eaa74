"""Changes-only job queue polling: the hub's versions, the client that follows them."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
import requests
from backend_http import FakeBackend, Request

from console.decode import DataError, decode_jobs
from console.hub.jobfeed import JobFeed
from console.poller import Poller
from console.sources.hub import HubApiSource
from console.sources.jobqueue import JobQueueFollower

T0 = 1_780_000_000.0


def job(i: int, state: str = "RUNNING", **fields: Any) -> dict[str, Any]:
    return {
        "id": i, "name": f"job-{i}", "tenant": "Atlas", "tenant_kind": "research",
        "tenant_country": "MA", "user": "amina", "partition": "gpu", "state": state,
        "reason": None, "gpus": 8, "nodes": 1, "racks": ["A-01-01"], "submit_time": T0,
        "start_time": T0, "end_time": None, "time_limit_s": 3600.0, **fields,
    }


def queue(*jobs: dict[str, Any], t: float = T0) -> dict[str, Any]:
    return {"time": t, "jobs": list(jobs)}


def by_id(columns: Any) -> dict[int, tuple]:
    names = list(columns)
    rows = zip(*(columns[n].tolist() for n in names), strict=True)
    return {r[0]: tuple(None if isinstance(v, float) and v != v else v for v in r) for r in rows}


def test_feed_answers_changes_since_any_remembered_version() -> None:
    feed = JobFeed(keep=3)
    feed.follow(1, lambda: queue(job(1), job(2), job(3)))
    v1 = feed.full()["version"]
    assert feed.changes(v1) == {**queue(), "removed": [], "total": 3, "since": v1, "version": v1}
    feed.follow(1, lambda: pytest.fail("the same tick is not built again"))
    feed.follow(2, lambda: queue(job(1), job(2, "COMPLETED"), job(3), job(4, "PENDING"), t=T0 + 2))
    feed.follow(3, lambda: queue(job(2, "COMPLETED"), job(3), job(4, "PENDING"), t=T0 + 4))
    v3 = feed.full()["version"]
    changes = feed.changes(v1)
    assert changes is not None and changes["version"] == v3 and changes["time"] == T0 + 4
    assert [j["id"] for j in changes["jobs"]] == [2, 4]
    assert changes["removed"] == [1] and changes["total"] == 3
    # A job that came and went between two versions is only "removed" (a no-op for a client).
    feed.follow(4, lambda: queue(job(2, "COMPLETED"), job(3), job(4, "PENDING"), job(5)))
    feed.follow(5, lambda: queue(job(2, "COMPLETED"), job(3), job(4, "PENDING")))
    changes = feed.changes(v3)
    assert changes is not None and changes["jobs"] == [] and changes["removed"] == [5]
    # Forgotten, future, foreign and malformed versions get None (the caller sends it all).
    assert feed.changes(v1) is None  # keep=3: the step from v1 has been dropped
    boot = v1.split("-")[0]
    for version in (f"{boot}-99", "0000-1", "garbage", f"{boot}-x", ""):
        assert feed.changes(version) is None


def test_hub_serves_versions_and_changes(hub_server: Any) -> None:
    from openapi_schema_validator import OAS31Validator
    from referencing import Registry, Resource

    doc = requests.get(f"{hub_server.url}/openapi.json", timeout=10).json()
    schema = doc["paths"]["/api/v1/jobs"]["get"]["responses"]["200"]["content"]["application/json"]
    registry: Registry = Registry().with_resource("urn:hub", Resource.opaque(doc))
    validator = OAS31Validator({"$ref": "urn:hub#" + schema["schema"]["$ref"][1:]}, registry=registry)
    full = requests.get(f"{hub_server.url}/api/v1/jobs", timeout=10).json()
    validator.validate(full)
    version = full["version"]
    hub_server.hub.step(hub_server.hub.now + 600.0)  # ten minutes: the queue moves on
    changes = requests.get(f"{hub_server.url}/api/v1/jobs", params={"since": version}, timeout=10)
    body = changes.json()
    validator.validate(body)
    assert body["since"] == version and body["version"] != version
    assert 0 < len(body["jobs"]) < len(full["jobs"]) and body["total"] > 0
    stale = requests.get(f"{hub_server.url}/api/v1/jobs", params={"since": "dead-1"}, timeout=10)
    assert "since" not in stale.json() and len(stale.json()["jobs"]) == stale.json().get(
        "total", len(stale.json()["jobs"])
    )


def test_client_follows_the_real_hub_and_matches_a_full_read(hub_server: Any) -> None:
    source = HubApiSource(hub_server.url)
    poller = Poller(source, future_tolerance_s=3600.0)  # the hub's clock is moved 15 min ahead
    try:
        first = poller.poll("jobs")
        assert first.ok and source._jobs.version is not None
        for _ in range(3):
            hub_server.hub.step(hub_server.hub.now + 300.0)
            hub_server._httpd.forget_encoded()  # as a tick would, without waiting for one
            got = poller.poll("jobs")
            assert got.ok, got.error
            want = decode_jobs(requests.get(f"{hub_server.url}/api/v1/jobs", timeout=10).json())
            assert got.snapshot is not None
            assert by_id(got.snapshot.columns) == by_id(want.columns)
            assert got.snapshot.time == want.time
    finally:
        source.close()


def _scripted(replies: list[dict[str, Any]]) -> tuple[FakeBackend, list[Request]]:
    seen: list[Request] = []

    def answer(request: Request) -> tuple[int, str, bytes]:
        seen.append(request)
        return 200, "application/json", json.dumps(replies.pop(0)).encode()

    return FakeBackend({"/api/v1/jobs": answer}), seen


@pytest.mark.parametrize(
    "bad",
    [
        {"removed": ["x"]},  # ids must be numbers
        {"total": 7},  # does not add up
        {"since": "v0"},  # changes against a version this console does not hold
        {"jobs": [{"id": 3}]},  # a job without its state and partition
    ],
)
def test_changes_that_do_not_apply_fall_back_to_the_whole_queue(bad: dict[str, Any]) -> None:
    whole = {**queue(job(1), job(2)), "version": "v1"}
    delta = {"time": T0 + 2, "jobs": [job(2, "COMPLETED")], "removed": [1], "total": 1,
             "since": "v1", "version": "v2"} | bad
    again = {**queue(job(2, "COMPLETED"), t=T0 + 2), "version": "v2"}
    backend, seen = _scripted([whole, delta, again])
    source = HubApiSource(backend.url, timeout=(0.5, 0.5), retries=0)
    poller = Poller(source)
    with backend:
        assert poller.poll("jobs").ok
        result = poller.poll("jobs")
    assert result.ok, result.error
    assert [r.params.get("since") for r in seen] == [None, ["v1"], None]
    assert result.snapshot is not None and result.snapshot.columns["id"].tolist() == [2]
    assert source._jobs.version == "v2"


def test_follower_applies_changes_and_keeps_earlier_snapshots_intact() -> None:
    follower = JobQueueFollower()
    first = follower.take({**queue(job(1), job(2), job(3)), "version": "a"})
    assert follower.params() == {"since": "a"}
    second = follower.take(
        {"time": T0 + 2, "jobs": [job(2, "COMPLETED"), job(9, "PENDING", reason="Priority")],
         "removed": [1], "total": 3, "since": "a", "version": "b"}
    )
    assert second.columns["id"].tolist() == [2, 3, 9]
    assert second.columns["state"].tolist() == ["COMPLETED", "RUNNING", "PENDING"]
    assert first.columns["id"].tolist() == [1, 2, 3] and first.columns["state"][1] == "RUNNING"
    assert not second.columns["id"].flags.writeable
    # A whole queue without a version: nothing to ask changes for next time.
    follower.take(queue(job(5)))
    assert follower.params() == {}
    with pytest.raises(DataError):
        follower.take({"time": T0, "jobs": [], "since": "b"})
    assert follower.columns is None
    empty = follower.take({**queue(), "version": "c"})
    assert len(empty) == 0 and np.asarray(empty.columns["gpus"]).dtype == np.int64


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"removed": [2**63]}, "'removed' must be an array of job ids"),
        ({"removed": [None]}, "'removed' must be an array of job ids"),
        ({"total": -1}, "'total' must be a whole number"),
        ({"total": 2.0}, "'total' must be a whole number"),
        ({"total": 10**400}, "'total' must be a whole number"),
        ({"time": 10**400}, "not a plausible date"),
        ({"time": -1e308}, "not a plausible date"),
        ({"jobs": [job(2, gpus=[8])]}, "'gpus' must hold numbers"),
    ],
)
def test_changes_with_numbers_no_queue_has_are_refused(bad: dict[str, Any], message: str) -> None:
    follower = JobQueueFollower()
    follower.take({**queue(job(1), job(2)), "version": "v1"})
    delta = {"time": T0 + 2, "jobs": [job(2, "COMPLETED")], "removed": [1], "total": 1,
             "since": "v1", "version": "v2"} | bad
    with pytest.raises(DataError, match=message):
        follower.take(delta)
    assert follower.columns is None and follower.params() == {}


def test_follower_counts_jobs_without_an_id_and_keeps_only_printable_versions() -> None:
    follower = JobQueueFollower()
    snap = follower.take({**queue(job(1), job(None), job(2**63), job(3, state=["RUNNING"])),
                          "version": "v1\x1b[2J"})
    assert snap.columns["id"].tolist() == [1, 3] and snap.invalid == 2
    assert snap.columns["state"].tolist() == ["RUNNING", "UNKNOWN"]
    assert follower.version is None and follower.params() == {}
