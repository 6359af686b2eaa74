"""SlurmSource against real recorded slurmrestd responses (v0.0.37 .. v0.0.44), over HTTP."""

from __future__ import annotations

import base64
import json
import math
import time
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from backend_http import FIXTURES, FakeBackend, fixture_reply, json_reply

from console.sources.base import FetchContext, SourceError, open_source
from console.sources.slurm import SlurmSource, offered_versions, pick_version, token_user
from console.sources.slurm_decode import (
    HUB_JOB_STATES,
    expand_hostlist,
    gres_gpus,
    hub_rack_of,
    job_state,
    no_val,
    tres_gpus,
)

OLD = FIXTURES / "slurm"
NEW = FIXTURES / "slurmrestd"


def spec(*versions: str) -> bytes:
    """A minimal OpenAPI document listing the given slurmrestd versions."""
    paths = {}
    for v in versions:
        for ep in ("jobs/", "nodes/", "partitions/", "ping/"):
            paths[f"/slurm/{v}/{ep}"] = {}
    paths["/openapi/v3"] = {}
    return json.dumps({"openapi": "3.0.2", "paths": paths}).encode()


def make_jwt(user: str) -> str:
    """An unsigned JWT shaped like ``scontrol token`` output (the source never verifies it)."""

    def enc(obj: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return f"{enc({'alg': 'HS256', 'typ': 'JWT'})}.{enc({'exp': 2000000000, 'sun': user})}.c2ln"


JOB_FIXTURES = [
    ("v0.0.37", "slurm/v0.0.37-jobs.json", 5),
    ("v0.0.38", "slurm/v0.0.38-jobs.json", 5),
    ("v0.0.38", "slurm/v0.0.38-jobs-with-cancelled.json", 6),
    ("v0.0.38", "slurm/v0.0.38-job-1.json", 1),
    *[
        (ver, f"slurmrestd/{folder}/{name}", None)
        for folder, ver in (("24.05-v0.0.41", "v0.0.41"), ("25.11-v0.0.44", "v0.0.44"))
        for name in (
            "slurm-jobs.json",
            "slurm-job-gpus-pending.json",
            "slurm-job-gpus-running.json",
            "slurm-job-pending.json",
        )
    ],
]


def _newest_time(doc: Any) -> float:
    """About when an answer was recorded: its newest ``submit_time`` or ``last_update`` (as
    numbers or as Slurm's ``{"set": true, "number": ...}``; end times may lie in the future:
    a running job's end is its start plus its limit)."""
    newest = 0.0
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("submit_time", "last_update"):
                    if isinstance(value, dict):
                        value = value.get("number") if value.get("set", True) else None
                    if isinstance(value, int | float) and not isinstance(value, bool):
                        newest = max(newest, float(value))
                stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)
    return newest


@pytest.fixture
def recorded_clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[Any], None]:
    """Set the Slurm source's clock to a minute after a recorded answer's newest time: an
    answer without ``last_update`` is read at the time it is received, and a finished job
    leaves the queue a day after its end (the hub's retention), so a recording would
    otherwise lose its finished jobs a day after it was made."""
    import console.sources.slurm as slurm_module

    def pin(doc: Any) -> None:
        at = _newest_time(doc) + 60.0
        monkeypatch.setattr(slurm_module, "time", SimpleNamespace(
            time=lambda: at, monotonic=time.monotonic))

    return pin


@pytest.mark.parametrize(("version", "fixture", "count"), JOB_FIXTURES)
def test_every_fixture_version_decodes(
    version: str, fixture: str, count: int | None, recorded_clock: Callable[[Any], None]
) -> None:
    raw = json.loads((FIXTURES / fixture).read_bytes())
    recorded_clock(raw)
    routes = {
        "/openapi/v3": json_reply(spec(version)),
        f"/slurm/{version}/jobs/": fixture_reply(fixture),
    }
    with FakeBackend(routes) as backend:
        source = SlurmSource(f"slurm+{backend.url}", token=make_jwt("alice"))
        snap = source.fetch("jobs", FetchContext())
        source.close()
    assert source.version == version
    assert len(snap) == (count if count is not None else len(raw["jobs"]))
    cols = snap.columns
    assert set(cols["state"]) <= set(HUB_JOB_STATES)
    for i in range(len(snap)):
        row = snap.row(i)
        assert row["reason"] is None or row["state"] == "PENDING"
        assert row["gpus"] >= 0 and row["nodes"] >= 1
        assert math.isnan(row["start_time"]) or row["start_time"] > 1.5e9
    assert cols["id"].tolist() == [j["job_id"] for j in raw["jobs"]]


def test_v0_0_38_fields(recorded_clock: Callable[[Any], None]) -> None:
    payload = json.loads((OLD / "v0.0.38-jobs-with-cancelled.json").read_bytes())
    recorded_clock(payload)
    routes = {
        "/openapi/v3": fixture_reply("slurm/v0.0.38-openapi.json"),
        "/slurm/v0.0.38/jobs/": json_reply(json.dumps(payload)),
    }
    with FakeBackend(routes) as backend:
        with SlurmSource(f"slurm+{backend.url}", token=make_jwt("root")) as source:
            snap = source.fetch_jobs()
    by_id = {int(i): snap.row(k) for k, i in enumerate(snap.columns["id"])}
    assert by_id[1]["state"] == "RUNNING" and by_id[1]["gpus"] == 2
    assert by_id[1]["racks"] == ("vm",) and by_id[1]["user"] == "alice"
    assert math.isnan(by_id[1]["time_limit_s"])  # unlimited
    assert by_id[2]["time_limit_s"] == 1800.0
    assert by_id[3]["reason"] == "Resources" and by_id[3]["gpus"] == 1
    assert math.isnan(by_id[3]["start_time"])  # an estimate, not shown as fact
    assert by_id[4]["state"] == "CANCELLED" and by_id[4]["reason"] is None
    assert by_id[5]["reason"] == "JobHeldUser"
    assert by_id[6]["reason"] == "Priority"
    assert by_id[1]["tenant_kind"] == "research" and by_id[1]["tenant_country"] == ""


def test_v0_0_44_gpu_counts_and_tenants() -> None:
    routes = {
        "/openapi/v3": json_reply(spec("v0.0.41", "v0.0.42", "v0.0.43", "v0.0.44")),
        "/slurm/v0.0.44/jobs/": fixture_reply("slurmrestd/25.11-v0.0.44/slurm-jobs.json"),
    }
    with FakeBackend(routes) as backend:
        with SlurmSource(
            f"slurm+{backend.url}",
            token=make_jwt("root"),
            tenant_kinds={"optic": "enterprise"},
            tenant_countries={"optic": "MA"},
        ) as source:
            snap = source.fetch_jobs()
    row = snap.row(int(np.flatnonzero(snap.columns["id"] == 5736)[0]))
    assert row["gpus"] == 4  # tres_per_job "gres/gpu:4"
    assert row["tenant"] == "optic" and row["tenant_kind"] == "enterprise"
    assert row["tenant_country"] == "MA"
    assert row["state"] == "CANCELLED"


def test_headers_from_env_and_token_never_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    token = make_jwt("operator")
    monkeypatch.setenv("SLURM_JWT", token)
    routes = {
        "/openapi/v3": json_reply(spec("v0.0.38")),
        "/slurm/v0.0.38/jobs/": (401, "text/plain", b"Authentication failure"),
    }
    with FakeBackend(routes) as backend:
        source = open_source(f"slurm+{backend.url}")
        with pytest.raises(SourceError) as err:
            source.fetch("jobs", FetchContext())
        source.close()
    sent = backend.requests[-1].headers
    assert sent["X-SLURM-USER-TOKEN"] == token
    assert sent["X-SLURM-USER-NAME"] == "operator"
    assert token not in str(err.value) and token not in repr(source)
    assert err.value.auth and "Authentication failure" in str(err.value)
    assert str(err.value).startswith("Slurm: HTTP 401")


def test_scontrol_token_line_accepted() -> None:
    source = SlurmSource("slurm+http://127.0.0.1:1", token="SLURM_JWT=" + make_jwt("bob"))
    assert source.session.headers["X-SLURM-USER-NAME"] == "bob"
    source.close()


@pytest.mark.parametrize(
    ("reply", "expect", "auth"),
    [
        (
            fixture_reply("slurm/v0.0.38-error-401-no-token.txt", 401),
            "Authentication failure",
            True,
        ),
        (fixture_reply("slurm/v0.0.38-error-500-bad-token.json", 500), "token refused", True),
        (
            fixture_reply("slurmrestd/24.05-v0.0.41/slurm-jwt-invalid-token.json", 500),
            "token refused",
            True,
        ),
        (
            fixture_reply("slurmrestd/25.11-v0.0.44/slurm-jwt-expired-token.json", 500),
            "Protocol authentication error",
            True,
        ),
        (
            fixture_reply("slurm/v0.0.38-error-500-job-not-found.json", 500),
            "Unable to find JobId=999",
            False,
        ),
        (fixture_reply("slurm/v0.0.38-error-400-malformed-json.txt", 400), "HTTP 400", False),
        (fixture_reply("slurm/v0.0.39-error-404-unknown-version.txt", 404), "HTTP 404", False),
        ((200, "application/json", b"{not json"), "invalid JSON", False),
        (json_reply(b'{"jobs": 3, "errors": []}'), "no 'jobs' array", False),
    ],
)
def test_errors_name_backend_and_reason(reply: tuple, expect: str, auth: bool) -> None:
    routes = {"/openapi/v3": json_reply(spec("v0.0.38")), "/slurm/v0.0.38/jobs/": reply}
    with FakeBackend(routes) as backend:
        with SlurmSource(f"slurm+{backend.url}", token=make_jwt("x")) as source:
            with pytest.raises(SourceError) as err:
                source.fetch("jobs", FetchContext())
    message = str(err.value)
    assert message.startswith("Slurm: ") and expect in message and "\n" not in message
    assert err.value.auth is auth


def test_plain_text_400_body_is_quoted() -> None:
    routes = {
        "/openapi/v3": json_reply(spec("v0.0.38")),
        "/slurm/v0.0.38/jobs/": fixture_reply("slurm/v0.0.38-error-400-malformed-json.txt", 400),
    }
    with FakeBackend(routes) as backend:
        with SlurmSource(f"slurm+{backend.url}", token=make_jwt("x")) as source:
            with pytest.raises(SourceError, match="Unable to parse query"):
                source.fetch_jobs()


def test_version_negotiation() -> None:
    assert pick_version(["v0.0.36", "v0.0.37", "v0.0.38"]) == "v0.0.38"
    assert pick_version(["v0.0.42", "v0.0.44", "v0.0.45"]) == "v0.0.44"
    assert pick_version(["v0.0.36"]) is None
    doc = json.loads((OLD / "v0.0.38-openapi.json").read_bytes())
    assert offered_versions(doc) == ["v0.0.38"]


def test_unsupported_version_is_one_line() -> None:
    routes = {"/openapi/v3": json_reply(spec("v0.0.35", "v0.0.36"))}
    with FakeBackend(routes) as backend:
        with SlurmSource(f"slurm+{backend.url}", token=make_jwt("x")) as source:
            with pytest.raises(SourceError, match="unsupported API version.*v0.0.36"):
                source.fetch_jobs()


def test_openapi_fallback_path() -> None:
    routes = {
        "/openapi": json_reply(spec("v0.0.37")),
        "/slurm/v0.0.37/jobs/": fixture_reply("slurm/v0.0.37-jobs.json"),
    }
    with FakeBackend(routes) as backend:
        with SlurmSource(f"slurm+{backend.url}", token=make_jwt("x")) as source:
            assert len(source.fetch_jobs()) == 5
            assert source.version == "v0.0.37"


def test_nodes_and_partitions_all_versions() -> None:
    routes = {
        "/openapi/v3": json_reply(spec("v0.0.44")),
        "/slurm/v0.0.44/nodes/": fixture_reply("slurmrestd/25.11-v0.0.44/slurm-nodes.json"),
        "/slurm/v0.0.44/partitions/": fixture_reply(
            "slurmrestd/25.11-v0.0.44/slurm-partitions.json"
        ),
    }
    with FakeBackend(routes) as backend:
        with SlurmSource(f"slurm+{backend.url}", token=make_jwt("x")) as source:
            nodes = {n["name"]: n for n in source.nodes()}
            parts = {p["name"]: p for p in source.partitions()}
    assert nodes["cn1"]["state"] == ("IDLE", "DRAIN") and nodes["cn1"]["reason"]
    assert nodes["gpu1"]["gpus"] == 4 and nodes["gpu1"]["gpus_used"] == 0
    assert parts["gpu"]["nodes"] == 2 and parts["gpu"]["max_time_s"] == 7200.0
    old = json.loads((OLD / "v0.0.38-nodes.json").read_bytes())["nodes"][0]
    from console.sources.slurm_decode import node_record

    rec = node_record(old)
    assert rec["state"] == ("ALLOCATED",) and rec["gpus"] == 4 and rec["gpus_used"] == 4


def test_number_and_state_shapes() -> None:
    assert no_val(5) == 5.0 and no_val(None) is None
    assert no_val({"set": False, "infinite": False, "number": 0}) is None
    assert no_val({"set": True, "infinite": True, "number": 0}) == math.inf
    assert no_val({"set": True, "infinite": False, "number": 7}) == 7.0
    assert job_state("RUNNING") == "RUNNING"
    assert job_state(["RUNNING", "COMPLETING"]) == "RUNNING"
    assert job_state(["NODE_FAIL"]) == "FAILED"
    assert job_state(["PREEMPTED"]) == "CANCELLED"


def test_gpu_strings() -> None:
    assert tres_gpus("gres/gpu:4") == 4
    assert tres_gpus("gres:gpu:h200:2") == 2
    assert tres_gpus("cpu=1") is None
    assert gres_gpus("gpu:h100:4(IDX:0-3)") == 4
    assert gres_gpus("gpu(IDX:0-1,4)") == 3
    assert gres_gpus("gpu:h100:0(IDX:N/A)") == 0
    assert gres_gpus("gpu:h100:8(S:0-1)") == 8


def test_hostlists_and_racks() -> None:
    assert expand_hostlist("gpu-[014-015],vm") == ["gpu-014", "gpu-015", "vm"]
    assert expand_hostlist("cn[1-2,5]") == ["cn1", "cn2", "cn5"]
    assert hub_rack_of("a07-13-n05") == "A-07-13"
    assert hub_rack_of("A-07-13-n05") == "A-07-13"
    assert hub_rack_of("cn1") is None


def test_token_user_tolerates_garbage() -> None:
    assert token_user("not-a-jwt") is None
    assert token_user(make_jwt("eve")) == "eve"
