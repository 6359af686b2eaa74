"""Fuzzed answers against every decoder: a snapshot within its limits, or the decoder's own error.

Real answers (the simulated hub at rack scale, with faults injected so every kind of record
is there; the recorded slurmrestd and Prometheus answers of ``../shared/fixtures``) are
spoiled one to three ways each, with a fixed seed: a value replaced by None, NaN, ±inf,
2**63, 2**53, -1e308, a 100,000-character string, a list, a dict, a boolean, a nested list,
text with a right-to-left override, a negative count, the number as text; a key dropped; a
record duplicated (twice the same id). Every call must return a snapshot whose every number
is inside its limit table (``console.model``) or NaN / None and whose every text is a
bounded ``str`` without control characters, or raise the decoder's own error (DataError for
the hub decoders, SourceError for a source); anything else is an unexpected error. The
Qt-free helpers the views use (``console.gpu_health``, ``console.jobs``) run over every
snapshot and must not raise either.
"""

from __future__ import annotations

import json
import math
import random
import time
import traceback
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from backend_http import FIXTURES

from console import gpu_health, jobs
from console.clean import (
    BAD_CHARS,
    LOOSE,
    Checked,
    Field,
    Flag,
    Loose,
    Number,
    Records,
    Text,
    Texts,
    Whole,
    Word,
)
from console.contract import GPU_STATUSES, JOB_STATES
from console.decode import (
    JOB_COLUMNS,
    DataError,
    decode_jobs,
    decode_power,
    decode_rack_detail,
    decode_racks,
    decode_site,
    decode_unhealthy,
    loads_json,
)
from console.fields import (
    EVENT_RECORD,
    GPU_RECORD,
    HALL_RECORD,
    JOB_RECORD,
    NODE_RECORD,
    PDU_RECORD,
    RACK_RECORD,
    ROW_RECORD,
)
from console.hub.sim import SimulatedHub
from console.model import (
    EPOCH_LIMITS,
    GPU_COUNT_LIMITS,
    GPU_STATUS_UNKNOWN,
    JOB_LIMITS,
    JOB_STATE_UNKNOWN,
    LAYOUT_LIMITS,
    POWER_LIMITS,
    POWER_SERIES_LIMITS,
    RACK_LIMITS,
    SITE_LIMITS,
    TEXT_LIMITS,
    JobsSnapshot,
    PowerSeries,
    RackDetailSnapshot,
    RackTelemetry,
    SiteTopology,
    UnhealthyGpus,
)
from console.sources.base import FetchContext, SourceError
from console.sources.jobqueue import JobQueueFollower
from console.sources.prometheus import PrometheusSource
from console.sources.slurm import _job_columns
from console.sources.slurm_decode import (
    InvalidJob,
    JobRecords,
    SlurmJob,
    decode_jobs_answer,
    node_record,
    partition_gpus,
    partition_record,
    payload_list,
)

SEED = 20_261_129
CASES = 1_000
"""Spoiled answers per decoder family."""
T0 = 1_780_000_000.0
ID, MESSAGE = TEXT_LIMITS["id"], TEXT_LIMITS["message"]


# -- spoiling answers ---------------------------------------------------------------------------
def _nested(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    return value


HOSTILE: tuple[Any, ...] = (
    None, math.nan, math.inf, -math.inf, 2**63, 2**53, -1e308, 2**64 + 1, 10**400,
    "x" * 100_000, [1, [2]], {"a": {"b": 1}}, True, False, "\u202egpu-owned\u202c\x00\x07",
    -1, -5, "", "12", 1.5, 0, _nested(200), "\ud800", [], {},
)  # fmt: skip


def _paths(value: Any, rng: random.Random) -> list[Any]:
    """A random path of keys and indices into ``value`` (possibly empty)."""
    path: list[Any] = []
    while True:
        if isinstance(value, dict) and value and rng.random() < 0.85:
            key = rng.choice(list(value))
        elif isinstance(value, list) and value and rng.random() < 0.85:
            key = rng.randrange(len(value))
        else:
            return path
        path.append(key)
        value = value[key]


def _replace(value: Any, path: list[Any], op: Callable[[Any, Any], Any]) -> Any:
    """``value`` with the item at ``path`` handled by ``op(container, key)`` (which returns
    the new container); containers along the path are copied, the rest shared."""
    if not path:
        return op(None, value)
    key, rest = path[0], path[1:]
    out: Any = dict(value) if isinstance(value, dict) else list(value)
    if rest:
        out[key] = _replace(value[key], rest, op)
        return out
    return op(out, key)


def spoil(answer: Any, rng: random.Random) -> Any:
    """``answer`` spoiled one to three ways (see the module docstring)."""
    for _ in range(rng.choice((1, 1, 2, 3))):
        path = _paths(answer, rng)
        kind = rng.random()

        def op(container: Any, key: Any, kind: float = kind) -> Any:
            if container is None:  # the answer itself
                return rng.choice((None, [], "not json", 42, {"time": T0}))
            old = container[key]
            if kind < 0.55:
                container[key] = rng.choice(HOSTILE)
            elif kind < 0.65 and isinstance(container, dict):
                del container[key]
            elif kind < 0.75 and isinstance(container, list):
                container.insert(key, old)  # the same record twice: duplicate ids
            elif kind < 0.85:
                if isinstance(old, bool) or not isinstance(old, int | float):
                    container[key] = -7
                else:
                    container[key] = -abs(old) - 1 if rng.random() < 0.5 else str(old)
            elif kind < 0.93 and isinstance(old, str):
                container[key] = "\u202e" + old + "\u2066\x1b[31m"
            else:
                container[key] = {"a": old} if isinstance(old, list) else [old]
            return container

        answer = _replace(answer, path, op)
    return answer


# -- what a snapshot may hold ------------------------------------------------------------------
class Violations(list):  # type: ignore[type-arg]
    def need(self, ok: bool, what: str) -> None:
        if not ok:
            self.append(what)


def _text_ok(value: Any, limit: int, none: bool = True) -> bool:
    if value is None:
        return none
    return isinstance(value, str) and len(value) <= limit and BAD_CHARS.search(value) is None


def _num_ok(value: Any, limits: tuple[float, float]) -> bool:
    return (type(value) is int or type(value) is float) and limits[0] <= value <= limits[1]


def check_value(field: Field, value: Any, where: str, bad: Violations) -> None:
    if isinstance(field, Text):
        bad.need(_text_ok(value, field.limit), f"{where}: text {type(value).__name__}")
    elif isinstance(field, Word):
        ok = isinstance(value, str) and (value in field.words or value == field.unknown)
        bad.need(ok, f"{where}: word {type(value).__name__}")
    elif isinstance(field, Number):
        bad.need(value is None or _num_ok(value, field.limits), f"{where}: number {value!r:.40}")
    elif isinstance(field, Whole):
        bad.need(value is None or type(value) is int and _num_ok(value, field.limits),
                 f"{where}: whole {value!r:.40}")  # fmt: skip
    elif isinstance(field, Flag):
        bad.need(value is None or type(value) is bool, f"{where}: flag {value!r:.40}")
    elif isinstance(field, Texts):
        ok = value is None or isinstance(value, list) and all(
            _text_ok(v, field.limit, none=False) for v in value
        )
        bad.need(ok, f"{where}: texts")
    elif isinstance(field, Records):
        bad.need(value is None or isinstance(value, list), f"{where}: records")
        for i, item in enumerate(value or ()):
            check_record(item, field.schema, f"{where}[{i}]", bad)
    elif isinstance(field, Loose):
        ok = value is None or type(value) is bool or _text_ok(value, MESSAGE, none=False) or (
            _num_ok(value, (-(2.0**53), 2.0**53))
        )
        bad.need(ok, f"{where}: loose {type(value).__name__}")
    else:
        bad.need(False, f"{where}: unchecked field {field!r}")


def check_record(record: Any, schema: Mapping[str, Field], where: str, bad: Violations) -> None:
    if not isinstance(record, Mapping):
        bad.need(False, f"{where}: not a record")
        return
    for key, value in record.items():
        bad.need(isinstance(key, str), f"{where}: key {key!r:.40}")
        field = schema.get(key, LOOSE)
        if isinstance(field, Checked):
            field = RACK_RECORD[key]
        check_value(field, value, f"{where}.{key}", bad)


def _array_in(arr: np.ndarray, limits: tuple[float, float]) -> bool:
    values = np.asarray(arr, dtype=np.float64)
    ok = np.isnan(values) | ((values >= limits[0]) & (values <= limits[1]))
    return bool(ok.all())


def _time_ok(t: float) -> bool:
    return _num_ok(t, EPOCH_LIMITS)


def check_site(s: SiteTopology, bad: Violations) -> None:
    bad.need(_time_ok(s.time), "site time")
    for name in ("name", "timezone", "scale"):
        bad.need(_text_ok(getattr(s, name), ID, none=False), f"site {name}")
    for name in ("lat", "lon"):
        value = getattr(s, name)
        bad.need(math.isnan(value) or _num_ok(value, SITE_LIMITS[name]), f"site {name}")
    bad.need(_num_ok(s.capacity_mw, SITE_LIMITS["capacity_mw"]), "site capacity_mw")
    for j, key in enumerate(("x", "y", "w", "h")):
        bad.need(_array_in(s.geometry[:, j], LAYOUT_LIMITS[key]), f"site geometry {key}")
    bad.need(bool(np.isfinite(s.geometry).all()), "site geometry finite")
    bad.need(_array_in(s.capacity_kw, LAYOUT_LIMITS["capacity_kw"]), "site capacity_kw")
    bad.need(_array_in(s.gpus, LAYOUT_LIMITS["gpus"]), "site gpus")
    bad.need(bool((s.hall_index >= -1).all() and (s.hall_index < len(s.halls)).all()), "halls")
    bad.need(bool((s.row_index >= -1).all() and (s.row_index < len(s.rows)).all()), "rows")
    bad.need(all(isinstance(k, str) for k in s.rack_index), "rack ids")
    for records, schema, what in ((s.halls, HALL_RECORD, "hall"), (s.rows, ROW_RECORD, "row")):
        for i, r in enumerate(records):
            check_record(r, schema, f"{what}[{i}]", bad)
    for i, r in enumerate(s.racks):
        check_record(r, RACK_RECORD, f"rack[{i}]", bad)
        bad.need(isinstance(r.get("id"), str), f"rack[{i}] id")


def check_racks(s: RackTelemetry, bad: Violations) -> None:
    bad.need(_time_ok(s.time), "racks time")
    for name, arr in s.fields.items():
        bad.need(_array_in(arr, RACK_LIMITS[name]), f"racks {name}")
    bad.need(all(_text_ok(i, ID, none=False) for i in s.unknown_ids), "racks unknown ids")
    bad.need(type(s.invalid_values) is int and s.invalid_values >= 0, "racks invalid")


def check_power(s: PowerSeries, bad: Violations) -> None:
    t = np.asarray(s.t, np.float64)
    bad.need(bool(np.isfinite(t).all()) and _array_in(t, EPOCH_LIMITS), "power t")
    bad.need(bool((np.diff(t) > 0).all()), "power t increasing")
    bad.need(s.time == 0.0 or _time_ok(s.time), "power time")
    bad.need(_num_ok(s.step, POWER_SERIES_LIMITS["step"]), "power step")
    for name, arr in s.fields.items():
        bad.need(_array_in(arr, POWER_LIMITS[name]) and len(arr) == len(t), f"power {name}")
    bad.need(type(s.invalid_values) is int and s.invalid_values >= 0, "power invalid")


def check_unhealthy(s: UnhealthyGpus, bad: Violations) -> None:
    bad.need(_time_ok(s.time), "unhealthy time")
    for i, g in enumerate(s.gpus):
        check_record(g, GPU_RECORD, f"gpu[{i}]", bad)
    for key, value in s.counts.items():
        bad.need(key in GPU_STATUSES or key == GPU_STATUS_UNKNOWN, f"counts key {key!r:.40}")
        bad.need(type(value) is int and _num_ok(value, GPU_COUNT_LIMITS), f"counts {key!r:.40}")


_STATES = frozenset(JOB_STATES) | {JOB_STATE_UNKNOWN}


def check_job_columns(columns: Mapping[str, np.ndarray], bad: Violations) -> None:
    n = len(columns["id"])
    for name, dtype in JOB_COLUMNS:
        col = columns[name]
        bad.need(len(col) == n, f"jobs {name} length")
        if dtype is object:
            values = col.tolist()
            if name == "state":
                bad.need(all(isinstance(v, str) and v in _STATES for v in values), "jobs state")
            elif name == "racks":
                bad.need(all(r is None or isinstance(r, tuple) and all(
                    _text_ok(x, ID, none=False) for x in r) for r in values), "jobs racks")  # fmt: skip
            else:
                limit = MESSAGE if name in ("reason", "state_description") else ID
                bad.need(all(_text_ok(v, limit) for v in values), f"jobs {name} text")
        else:
            bad.need(col.dtype == dtype, f"jobs {name} dtype")
            limits = JOB_LIMITS.get(name)
            if limits is not None:
                bad.need(_array_in(col, limits), f"jobs {name} range")


def check_jobs(s: JobsSnapshot, bad: Violations) -> None:
    bad.need(_time_ok(s.time), "jobs time")
    check_job_columns(s.columns, bad)
    bad.need(type(s.invalid) is int and s.invalid >= 0, "jobs invalid")


def check_detail(s: RackDetailSnapshot, bad: Violations) -> None:
    bad.need(_time_ok(s.time), "detail time")
    check_record(s.rack, RACK_RECORD, "detail rack", bad)
    bad.need(isinstance(s.rack.get("id"), str), "detail rack id")
    for records, schema, what in ((s.nodes, NODE_RECORD, "node"), (s.pdus, PDU_RECORD, "pdu"),
                                  (s.jobs, JOB_RECORD, "job"), (s.events, EVENT_RECORD, "event")):  # fmt: skip
        for i, r in enumerate(records):
            check_record(r, schema, f"{what}[{i}]", bad)


# -- the views' helpers over what the decoders let through ----------------------------------------
def views_on_gpus(gpus: tuple[Mapping[str, Any], ...], topology: SiteTopology | None) -> None:
    for g in gpus:
        cause, action = gpu_health.describe_gpu(g)
        gpu_health.search_text(g, cause, action)
        gpu_health.since_words(g.get("since"), T0)
        gpu_health.clock_event_words(g.get("clock_event_reasons"))
        gpu_health.xid_info(g.get("xid"))
    gpu_health.fleet_rollup(UnhealthyGpus(time=T0, gpus=gpus), topology)


def views_on_jobs(snapshot: JobsSnapshot, topology: SiteTopology | None) -> None:
    jobs.counts_by_state(snapshot)
    jobs.counts_by_partition(snapshot)
    parts = jobs.partition_states(
        snapshot, jobs.partition_capacity(topology, ["gpu-h200"]) if topology else None
    )
    jobs.wait_seconds(snapshot)
    jobs.gpu_hours(snapshot)
    jobs.on_unhealthy(snapshot, {"A-01-01"})
    for i in range(min(len(snapshot), 30)):
        row = snapshot.row(i)
        jobs.explain_pending(row["reason"], row, parts.get(str(row["partition"])))
        jobs.explain_pending("BeginTime", row)
        jobs.state_text(row["state"], row["state_flags"])


# -- running a family -------------------------------------------------------------------------------
class Tally:
    def __init__(self, family: str) -> None:
        self.family = family
        self.answers = self.cases = self.refused = 0
        self.unexpected: list[str] = []
        self.started = time.perf_counter()

    def run(self, case: int, call: Callable[[], Any], allowed: tuple[type[BaseException], ...]) -> Any:
        self.cases += 1
        try:
            return call()
        except allowed as exc:
            self.refused += 1
            message = str(exc)
            if "\n" in message or not message:
                self.unexpected.append(f"#{case}: {type(exc).__name__} without one clear line")
            return None
        except Exception as exc:  # noqa: BLE001 - what this suite counts
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            self.unexpected.append(
                f"#{case}: {type(exc).__name__}: {str(exc)[:120]} "
                f"({Path(frame.filename).name}:{frame.lineno})"
            )
            return None

    def violated(self, case: int, bad: Violations) -> None:
        if bad:
            self.unexpected.append(f"#{case}: out of limits: {', '.join(bad[:4])}")

    def report(self) -> None:
        took = time.perf_counter() - self.started
        print(
            f"\nfault-decode {self.family}: {self.answers} spoiled answers, {self.cases} calls, "
            f"{self.refused} refused with the decoder's own error, {len(self.unexpected)} "
            f"unexpected errors ({took:.1f} s)"
        )
        assert not self.unexpected, "\n".join(self.unexpected[:15])


@pytest.fixture(scope="module")
def answers() -> dict[str, Any]:
    """Answers of a rack-scale simulated hub with every kind of fault injected."""
    hub = SimulatedHub("rack", seed=3, start=T0)
    hub.inject("xid", None, count=2)
    hub.inject("thermal", None, count=2)
    hub.inject("ecc", None)
    hub.inject("row_remap", None)
    hub.inject("pdu_trip", "A-01-01", feed="A")
    hub.step(hub.now + 20.0)
    site = hub.site()
    whole = json.loads(json.dumps(hub.jobs()))
    changes = {
        "time": whole["time"] + 2.0, "jobs": whole["jobs"][:5], "removed": [whole["jobs"][-1]["id"]],
        "total": len(whole["jobs"]) - 1, "since": "v1", "version": "v2",
    }  # fmt: skip
    out = {
        "site": site, "racks": hub.racks(), "unhealthy": hub.unhealthy_gpus(),
        "power": hub.power(hub.now - 600.0, hub.now, 10.0), "jobs": whole, "changes": changes,
        "detail": hub.rack(site["racks"][0]["id"]),
    }  # fmt: skip
    return json.loads(json.dumps(out))  # as the wire gives them: plain JSON values


def _cases(family: str) -> Iterator[tuple[int, random.Random]]:
    rng = random.Random(f"{SEED}-{family}")
    for case in range(CASES):
        yield case, rng


@pytest.mark.parametrize("family", ["site", "racks", "power", "unhealthy", "detail"])
def test_hub_decoders_refuse_or_keep_to_limits(answers: dict[str, Any], family: str) -> None:
    topology = decode_site(answers["site"])
    decoders: dict[str, tuple[Callable[[Any], Any], Callable[[Any, Violations], None]]] = {
        "site": (decode_site, check_site),
        "racks": (lambda p: decode_racks(p, topology), check_racks),
        "power": (decode_power, check_power),
        "unhealthy": (decode_unhealthy, check_unhealthy),
        "detail": (decode_rack_detail, check_detail),
    }
    decode, check = decoders[family]
    tally = Tally(family)
    for case, rng in _cases(family):
        tally.answers += 1
        payload = spoil(answers[family], rng)
        snap = tally.run(case, lambda payload=payload: decode(payload), (DataError,))
        if snap is None:
            continue
        bad = Violations()
        tally.run(case, lambda snap=snap, bad=bad: check(snap, bad), ())
        tally.violated(case, bad)
        if family == "unhealthy":
            tally.run(case, lambda snap=snap: views_on_gpus(snap.gpus, topology), ())
        elif family == "detail":
            gpus = tuple(g for n in snap.nodes for g in n.get("gpus") or ())
            tally.run(case, lambda gpus=gpus: views_on_gpus(gpus, None), ())
        elif family == "site":
            tally.run(case, lambda snap=snap: views_on_gpus((), snap), ())
    tally.report()


def test_job_queue_decoders_refuse_or_keep_to_limits(answers: dict[str, Any]) -> None:
    topology = decode_site(answers["site"])
    tally = Tally("jobs")
    for case, rng in _cases("jobs"):
        tally.answers += 2
        whole = spoil({**answers["jobs"], "version": "v1"}, rng)
        snap = tally.run(case, lambda whole=whole: JobQueueFollower().take(whole), (DataError,))
        if snap is not None:
            bad = Violations()
            tally.run(case, lambda x=snap, bad=bad: check_jobs(x, bad), ())
            tally.violated(case, bad)
            tally.run(case, lambda snap=snap: views_on_jobs(snap, topology), ())
        follower = JobQueueFollower()
        follower.take({**answers["jobs"], "version": "v1"})
        changes = spoil(answers["changes"], rng)
        snap = tally.run(case, lambda c=changes, f=follower: f.take(c), (DataError,))
        if snap is not None:
            bad = Violations()
            tally.run(case, lambda x=snap, bad=bad: check_jobs(x, bad), ())
            tally.violated(case, bad)
            tally.run(case, lambda snap=snap: views_on_jobs(snap, topology), ())
        snap = tally.run(case, lambda whole=whole: decode_jobs(whole), (DataError,))
        if snap is not None:
            bad = Violations()
            tally.run(case, lambda x=snap, bad=bad: check_jobs(x, bad), ())
            tally.violated(case, bad)
    tally.report()


def test_json_text_parses_or_is_refused(answers: dict[str, Any]) -> None:
    texts = [json.dumps(answers[k]) for k in ("racks", "unhealthy", "changes")]
    pieces = ["[" * 100_000, "1" * 5_000, "NaN", "-Infinity", "\ud800", '"\\ud800"', "\x00",
              "}", "]", ",", '"', "{", "\\u12", "1e999", "\ufeff", "null"]  # fmt: skip
    tally = Tally("loads_json")
    for case, rng in _cases("loads_json"):
        text = rng.choice(texts)
        at = rng.randrange(len(text) + 1)
        how = rng.random()
        if how < 0.3:
            text = text[:at]
        elif how < 0.8:
            text = text[:at] + rng.choice(pieces) + text[at:]
        else:
            text = text[:at] + text[at + rng.randrange(1, 40):]
        data: Any = text.encode("utf-8", "surrogatepass") if rng.random() < 0.5 else text
        if rng.random() < 0.1:
            data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64)))
        tally.answers += 1
        first = rng.choice((0, 1 << 20))
        tally.run(case, lambda d=data, f=first: loads_json(d, piecewise_from=f), (DataError,))
    tally.report()


# -- Slurm -------------------------------------------------------------------------------------
def _slurm_items(kind: str) -> list[dict[str, Any]]:
    """Every job / node / partition object of the recorded slurmrestd answers."""
    items: list[dict[str, Any]] = []
    for path in sorted((FIXTURES / "slurm").glob("*.json")) + sorted(
        (FIXTURES / "slurmrestd").glob("*/*.json")
    ):
        try:
            body = json.loads(path.read_text())
        except ValueError:
            continue
        found = body.get(kind) if isinstance(body, dict) else None
        if isinstance(found, list):
            items += [x for x in found if isinstance(x, dict)][:40]
    return items


def check_slurm_record(record: tuple[Any, ...], bad: Violations) -> None:
    job_id = record[0]
    bad.need(type(job_id) is int and _num_ok(job_id, JOB_LIMITS["id"]), "slurm id")


def test_slurm_decoders_refuse_or_keep_to_limits() -> None:
    jobs_, nodes, parts = _slurm_items("jobs"), _slurm_items("nodes"), _slurm_items("partitions")
    assert jobs_ and nodes and parts
    tally = Tally("slurm")
    records = JobRecords(rack_of={"gpu-014": "A-01-01"})
    for case, rng in _cases("slurm"):
        tally.answers += 3
        answer = spoil({"jobs": rng.sample(jobs_, 3), "last_update": {"set": True, "number": int(T0)}},
                       rng)  # fmt: skip
        try:
            body = json.dumps(answer).encode()
        except (ValueError, RecursionError):  # NaN is no JSON: the mapping path below has it
            body = b'{"jobs": []}'
        decoded = tally.run(case, lambda body=body: decode_jobs_answer(body), (ValueError,))
        rows: list[tuple[Any, ...]] = []
        listed = decoded[0] if decoded and decoded[0] else []
        items = [j for j in listed if isinstance(j, SlurmJob)]
        given = answer.get("jobs") if isinstance(answer, dict) else None
        items += [j for j in given if isinstance(j, dict)] if isinstance(given, list) else []
        for job in items:
            row = tally.run(case, lambda job=job: records.row(records_job(job)), (InvalidJob,))
            if row is not None:
                bad = Violations()
                tally.run(case, lambda x=row, bad=bad: check_slurm_record(x, bad), ())
                tally.violated(case, bad)
                rows.append(row)
        columns = tally.run(case, lambda rows=rows: _job_columns(rows), (DataError,))
        if columns is not None:
            bad = Violations()
            tally.run(case, lambda x=columns, bad=bad: check_job_columns(x, bad), ())
            tally.violated(case, bad)
        node_answer = spoil({"nodes": rng.sample(nodes, 2)}, rng)
        part_answer = spoil({"partitions": rng.sample(parts, 2)}, rng)
        got = tally.run(case, lambda a=node_answer: [node_record(n) for n in payload_list(a, "nodes")],
                        (ValueError,))  # fmt: skip
        if got is not None:
            tally.run(case, lambda got=got: partition_gpus(got), ())
            bad = Violations()
            for n in got:
                bad.need(all(type(n[k]) is int and n[k] >= 0 for k in ("gpus", "gpus_used", "cpus",
                                                                     "alloc_cpus")), "node counts")  # fmt: skip
                bad.need(all(_text_ok(n[k], ID, none=False) for k in ("name", "hostname")), "node text")
                bad.need(all(_text_ok(w, ID, none=False) for w in n["state"] + n["partitions"]),
                         "node words")  # fmt: skip
            tally.violated(case, bad)
        got = tally.run(case, lambda a=part_answer: [partition_record(p) for p in payload_list(
            a, "partitions")], (ValueError,))  # fmt: skip
        for p in got or ():
            bad = Violations()
            bad.need(all(type(p[k]) is int and p[k] >= 0 for k in ("nodes", "cpus")), "part counts")
            bad.need(p["max_time_s"] is None or _num_ok(p["max_time_s"], JOB_LIMITS["time_limit_s"]),
                     "part time")  # fmt: skip
            bad.need(_text_ok(p["name"], ID, none=False), "part name")
            tally.violated(case, bad)
    tally.report()


def records_job(job: Any) -> SlurmJob:
    from console.sources.slurm_decode import as_slurm_job

    return as_slurm_job(job)


# -- Prometheus --------------------------------------------------------------------------------
def _prom_bodies() -> list[dict[str, Any]]:
    names = ["query-vector-gpu-temp.json", "query-vector-avg-util-by-host.json",
             "query_range-matrix-gpu-util.json", "query_range-matrix-power-gpu0.json",
             "query-scalar.json", "query-vector-empty.json"]  # fmt: skip
    return [json.loads((FIXTURES / "prometheus" / n).read_text()) for n in names]


def test_prometheus_decoders_refuse_or_keep_to_limits() -> None:
    bodies = _prom_bodies()
    now = 1_795_892_394.0
    racks = [{"id": r, "hall": "A", "row": "A-01", "x": float(i), "y": 0.0, "w": 0.6, "h": 1.2,
              "capacity_kw": 130.0, "gpus": 72} for i, r in enumerate(("A-01-01", "A-01-02"))]  # fmt: skip
    topology = decode_site({"time": now, "halls": [{"id": "A"}], "racks": racks})
    source = PrometheusSource("prometheus+http://127.0.0.1:9", topology=topology,
                              host_racks={"vm": "A-01-01"}, hot_c=40)  # fmt: skip
    tally = Tally("prometheus")
    try:
        for case, rng in _cases("prometheus"):
            tally.answers += 1
            spoilt = [spoil(b, rng) if rng.random() < 0.5 else b for b in bodies]

            def answer(
                endpoint: str, params: dict[str, str], until: float | None = None,
                spoilt: list[Any] = spoilt, pick: random.Random = rng,
            ) -> Any:
                body = pick.choice(spoilt)
                if not isinstance(body, Mapping) or "status" not in body:
                    raise SourceError("Prometheus", "not a Prometheus API answer")
                return body

            source.client._call = answer  # type: ignore[method-assign]
            source._unhealthy = None
            context = FetchContext(topology=topology, power_since=time.time() - 120.0)
            checks: list[tuple[str, Callable[[Any, Violations], None]]] = [
                ("racks", check_racks), ("gpus", check_unhealthy), ("power", check_power)]  # fmt: skip
            for kind, check in checks:
                snap = tally.run(case, lambda kind=kind, c=context: source.fetch(kind, c),
                                 (SourceError,))  # fmt: skip
                if snap is not None:
                    bad = Violations()
                    tally.run(case, lambda snap=snap, bad=bad, check=check: check(snap, bad), ())
                    tally.violated(case, bad)
                    if kind == "gpus":
                        tally.run(case, lambda snap=snap: views_on_gpus(snap.gpus, topology), ())
            snap = tally.run(case, lambda: source.fetch_rack("A-01-01"), (SourceError,))
            if snap is not None:
                bad = Violations()
                tally.run(case, lambda x=snap, bad=bad: check_detail(x, bad), ())
                tally.violated(case, bad)
    finally:
        source.close()
    tally.report()


# -- each defect the fuzz found, pinned ---------------------------------------------------------
SMALL_SITE: dict[str, Any] = {
    "time": T0, "name": "Test", "timezone": "Africa/Casablanca", "lat": 35.57, "lon": -5.37,
    "capacity_mw": 386, "halls": [{"id": "A", "x": 0.0, "y": 0.0, "w": 10.0, "h": 10.0}],
    "rows": [{"id": "A-01", "hall": "A"}],
    "racks": [{"id": f"A-01-0{i}", "hall": "A", "row": "A-01", "x": i, "y": 0, "w": 0.6,
               "h": 1.2, "capacity_kw": 132, "gpus": 72} for i in (1, 2)],
}  # fmt: skip


def _site(**over: Any) -> dict[str, Any]:
    return {**SMALL_SITE, **over}


def _rack(i: int, **over: Any) -> dict[str, Any]:
    return {**SMALL_SITE["racks"][i], **over}


def test_site_values_out_of_range_read_as_not_given() -> None:
    topo = decode_site(_site(
        lat=math.inf, lon=-1e308, capacity_mw=-1, timezone="../../etc/passwd", name=["x"],
        scale="\u202erack\x00", halls=[{"id": "A", "x": math.nan, "y": 0, "w": 1, "h": 1}, "junk"],
        racks=[_rack(0, capacity_kw="abc", hall=["A"]), _rack(1, capacity_kw=1e308)],
    ))  # fmt: skip
    assert math.isnan(topo.lat) and math.isnan(topo.lon)
    assert topo.capacity_mw == 0.0 and topo.timezone == "UTC" and topo.name == ""
    assert topo.scale == "rack" and np.isnan(topo.capacity_kw).all()
    assert len(topo.halls) == 1 and "x" not in topo.halls[0]  # a hall is drawn with all four
    assert topo.racks[0]["hall"] is None and topo.hall_index.tolist() == [-1, 0]
    # What the cache keeps of it (NaN stored as null) decodes again: it can be exported.
    from console.cache.codec import dumps
    from console.cache.store import topology_payload

    again = decode_site(json.loads(dumps(topology_payload(topo))))
    assert math.isnan(again.lat) and again.capacity_mw == 0.0


@pytest.mark.parametrize(
    "rack, message",
    [
        (_rack(0, gpus=2**63), "no plausible GPU count"),
        (_rack(0, gpus=-1), "no plausible GPU count"),
        (_rack(0, gpus=None), "no plausible GPU count"),
        (_rack(0, x=math.inf), "rack positions must be finite numbers"),
        (_rack(0, x=10**400), "lacks a numeric position or size"),
        (_rack(0, w="0.6"), "lacks a numeric position or size"),
        (_rack(0, id=["A"]), "rack #0 has no id"),
    ],
)
def test_site_refuses_racks_it_cannot_place(rack: dict[str, Any], message: str) -> None:
    with pytest.raises(DataError, match=message):
        decode_site(_site(racks=[rack, _rack(1)]))


def test_a_site_of_more_halls_than_an_int16_counts_is_refused() -> None:
    halls = [{"id": f"H{i}"} for i in range(40_000)]
    with pytest.raises(DataError, match="halls"):
        decode_site(_site(halls=halls))


@pytest.mark.parametrize(
    "decode, payload",
    [
        (decode_site, _site(time=10**400)),
        (decode_power, {"t": [10**400], **{f: [1.0] for f in POWER_LIMITS}}),
        (decode_power, {"t": [-1e308, 0.0], **{f: [1.0, 1.0] for f in POWER_LIMITS}}),
        (decode_power, {"t": [], "step": "ten", **{f: [] for f in POWER_LIMITS}}),
        (decode_power, {"t": [], "step": math.inf, **{f: [] for f in POWER_LIMITS}}),
        (decode_unhealthy, {"time": 2**63, "gpus": []}),
        (decode_jobs, {"time": T0, "jobs": [{"id": 1, "state": "RUNNING", "partition": "p",
                                             "gpus": 10**400}]}),
        (decode_rack_detail, {"time": T0, "rack": {"id": ["A"]}, "nodes": []}),
    ],
)
def test_numbers_no_float_holds_raise_the_decoders_own_error(decode: Any, payload: Any) -> None:
    with pytest.raises(DataError):
        decode(payload)


def test_rack_telemetry_counts_numbers_no_float_holds_as_invalid() -> None:
    topo = decode_site(SMALL_SITE)
    payload: dict[str, Any] = {"time": T0, "rack_ids": ["A-01-01", "A-01-02"]}
    payload |= {f: [1.0, 1.0] for f in RACK_LIMITS}
    payload["power_kw"] = [10**400, 2**63]
    tele = decode_racks(payload, topo)
    assert np.isnan(tele["power_kw"]).all() and tele.invalid_values == 2


def test_unhealthy_gpu_values_keep_to_limits_and_the_views_read_them() -> None:
    gpu = {"uuid": "GPU-1", "rack": "A-01-01", "status": "melting", "since": -1e308,
           "clock_event_reasons": math.nan, "ecc_dbe": 2.5, "temp_c": math.inf, "xid": 2**63,
           "model": "\u202eNVIDIA\x07", "slot": -1, "row_remap_failure": "yes",
           "hall": {"id": "A"}, "job_id": 2**64}  # fmt: skip
    snap = decode_unhealthy({
        "time": T0, "gpus": [gpu, {**gpu, "ecc_dbe": 3.0, "status": "failed"}],
        "counts": {"healthy": 2**63, "degraded": 1.0, "failed": math.nan, "zombie": 2, "off_bus": -1},
    })  # fmt: skip
    g = snap.gpus[0]
    assert g["status"] == GPU_STATUS_UNKNOWN and g["since"] is None and g["temp_c"] is None
    assert g["clock_event_reasons"] is None and g["ecc_dbe"] is None and g["xid"] is None
    assert g["model"] == "NVIDIA" and g["slot"] is None and g["row_remap_failure"] is None
    assert g["hall"] is None and g["job_id"] is None and snap.gpus[1]["ecc_dbe"] == 3
    assert snap.counts == {"degraded": 1, GPU_STATUS_UNKNOWN: 2}
    views_on_gpus(snap.gpus, decode_site(SMALL_SITE))
    assert gpu_health.describe_gpu(snap.gpus[1])[0].startswith("3 uncorrectable")


def test_view_helpers_take_any_value() -> None:
    """What a source other than the hub may still hand them (the values the reports named)."""
    assert gpu_health.since_words(-1e308, T0) == "unknown"
    assert gpu_health.since_words(math.nan) == gpu_health.since_words([1]) == "unknown"
    assert gpu_health.clock_event_words(math.nan) == "n/a"
    assert gpu_health.clock_event_words(4.0) == "SW power cap"
    assert gpu_health.xid_info("79") is None and gpu_health.xid_info(79.0) is not None
    assert gpu_health.describe_gpu({"status": "failed", "clock_event_reasons": math.nan,
                                    "ecc_dbe": 1.5, "xid": [79]})[0].startswith("GPU failed")  # fmt: skip
    assert gpu_health.xid_verdict(math.nan, True, [math.inf, "79", 48]) == 48
    row = {"state": ["PENDING"], "gpus": math.nan, "nodes": "x", "partition": ["p"],
           "begin_time": 1e300, "array_tasks": math.inf, "state_description": {"a": 1}}  # fmt: skip
    for reason in ("Resources", "BeginTime", "Priority", ["x"], None):
        assert isinstance(jobs.explain_pending(reason, row), str)
    assert jobs._local(1e20) is None and jobs._n(math.nan) == "0"  # no time: no date said
    assert "begin time" in jobs.explain_pending("BeginTime", row)


def test_rack_detail_values_keep_to_limits() -> None:
    detail = decode_rack_detail({
        "time": T0, "rack": {"id": "A-01-01", "gpus": -4, "pdu_feeds": [{"id": 5, "rating_kw": 1e9}]},
        "nodes": [{"id": "n1", "host": "h", "state": ["up"], "gpus": [
            {"index": 0, "uuid": "GPU-1", "ecc_sbe": 2.5, "ecc_dbe": 3.0, "temp_c": "hot",
             "xid_time": -1e308, "status": None, "clock_event_reasons": -1}, "junk"]}],
        "pdus": [{"id": "p", "load_kw": -3.0, "tripped": 1}],
        "jobs": [{"id": 2**63, "state": "EXPLODED", "racks": "A-01-01"}],
        "events": [{"id": 1, "time": "now", "severity": "apocalyptic", "message": "m" * 100_000}],
    })  # fmt: skip
    gpu = detail.nodes[0]["gpus"]
    assert len(gpu) == 1 and gpu[0]["ecc_sbe"] is None and gpu[0]["ecc_dbe"] == 3
    assert gpu[0]["temp_c"] is None and gpu[0]["xid_time"] is None
    assert gpu[0]["status"] == GPU_STATUS_UNKNOWN and gpu[0]["clock_event_reasons"] is None
    assert detail.nodes[0]["state"] == GPU_STATUS_UNKNOWN
    assert detail.rack["gpus"] is None and detail.rack["pdu_feeds"] == [{"id": "5", "rating_kw": None}]
    assert detail.pdus[0]["load_kw"] is None and detail.pdus[0]["tripped"] is None
    assert detail.jobs[0]["id"] is None and detail.jobs[0]["state"] == JOB_STATE_UNKNOWN
    assert detail.jobs[0]["racks"] == ["A-01-01"]
    event = detail.events[0]
    assert event["time"] is None and event["severity"] == GPU_STATUS_UNKNOWN
    assert len(event["message"]) == MESSAGE and event["message"].endswith("…")


@pytest.mark.parametrize(
    "data",
    ["[" * 100_000 + "]" * 100_000, "[" + "1" * 5_000 + "]", b"\xff\xfe\x00\xd8", None, 42,
     '{"a": [1, 2,]}'],  # fmt: skip
)
def test_json_text_that_does_not_parse_raises_data_error(data: Any) -> None:
    for first in (0, 1 << 20):
        with pytest.raises(DataError):
            loads_json(data, piecewise_from=first)
    if data == '{"a": [1, 2,]}':  # a syntax error keeps json.loads's message and position
        with pytest.raises(json.JSONDecodeError, match="Expecting value"):
            loads_json(data)


def test_slurm_members_no_float_holds_and_endless_host_lists() -> None:
    from console.sources.slurm_decode import MAX_HOSTS, as_slurm_job, expand_hostlist

    row = JobRecords().row(as_slurm_job({
        "job_id": 5, "job_state": ["RUNNING", 7, ["x"]], "node_count": 10**400,
        "nodes": "n[0-999999999]", "tres_per_node": "gres/gpu:" + "9" * 5_000,
        "array_task_string": "1-" + "9" * 5_000, "start_time": {"set": True, "number": 10**400},
        "name": ["x"], "user_name": None, "user_id": {"set": True, "number": 1000},
        "time_limit": math.inf,
    }))  # fmt: skip
    record = dict(zip(("id", "name"), row[:2], strict=True))
    assert record == {"id": 5, "name": ""} and row[5] == "1000" and row[10] == MAX_HOSTS
    assert row[13] is None and row[15] is None  # start, time limit
    assert len(expand_hostlist("a[1-9][1-9][1-9][1-9][1-9][1-9][1-9][1-9][1-9]")) <= MAX_HOSTS
    with pytest.raises(InvalidJob):
        JobRecords().row(as_slurm_job({"job_id": 2**63, "job_state": "RUNNING"}))
    node = node_record({"cpus": math.inf, "alloc_cpus": math.nan, "partitions": 5,
                        "gres": "gpu:h200:" + "1" * 5_000, "name": ["n"], "state": [1, "IDLE"]})  # fmt: skip
    assert (node["cpus"], node["alloc_cpus"], node["partitions"], node["gpus"]) == (0, 0, (), 0)
    assert node["state"] == ("IDLE",) and node["name"] == ""
    part = partition_record({"name": "p", "total_nodes": math.inf, "total_cpus": math.nan,
                             "max_time_limit": 10**400})  # fmt: skip
    assert (part["nodes"], part["cpus"], part["max_time_s"]) == (0, 0, None)
    with pytest.raises(ValueError, match="nested too deeply"):
        decode_jobs_answer(b'{"jobs": [' + b"[" * 100_000 + b"]" * 100_000 + b"]}")


def test_prometheus_answers_with_numbers_and_labels_of_other_types() -> None:
    import warnings

    from console.sources.prom_metrics import place_on_grid
    from console.sources.promql import Series, _decode

    vector = {"data": {"resultType": "vector", "result": [
        {"metric": {"Hostname": 7, "UUID": ["GPU-1"], "gpu": "0"}, "value": [10**400, "1"]},
        {"metric": {"Hostname": "vm"}, "value": [T0, 10**400]},
    ]}, "warnings": 5}  # fmt: skip
    got = _decode(vector, T0)
    assert got.series[0].labels == {"gpu": "0"} and math.isnan(got.series[1].value)
    assert got.time == T0 and got.warnings == []
    matrix = {"data": {"resultType": "matrix", "result": [
        {"metric": {"gpu": [0]}, "values": [None, [T0, "1"], {"a": 1}, [math.nan, "2"]]},
    ]}}  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = _decode(matrix, T0)
        out = np.full(3, np.nan)
        place_on_grid(out, np.arange(3.0), Series({}, np.array([math.nan, 1.0, math.inf]),
                                                 np.array([5.0, 6.0, 7.0])), 0.0, 1.0)  # fmt: skip
    assert got.series[0].t.tolist()[0] == T0 and got.series[0].labels == {"gpu": "<list>"}
    assert out.tolist()[1] == 6.0 and np.isnan(out[[0, 2]]).all()
    with pytest.raises(SourceError, match="unexpected result type"):
        _decode({"data": {"resultType": "x" * 100_000, "result": []}}, T0)


def test_events_text_and_values_are_cleaned() -> None:
    from console.decode import decode_events

    batch = decode_events({
        "time": 1.8e9, "last_id": 3,
        "events": [
            {"id": 1, "time": 1.8e9, "kind": ["x"], "message": "\u202eevil" + "m" * 10_000,
             "severity": "apocalyptic", "rack": 7},
            {"id": 2, "time": None, "kind": "pdu_trip", "message": "no time"},
            {"id": 3, "time": 1.8e9, "kind": "pdu_trip", "message": "ok", "xid": 2**70},
        ],
    })
    assert [e["id"] for e in batch.events] == [1, 3] and batch.last_id == 3
    first, third = batch.events
    assert isinstance(first["message"], str) and len(first["message"]) <= 4096
    assert "\u202e" not in first["message"]
    assert first["severity"] == "unknown" and not isinstance(first.get("kind"), list)
    assert third["xid"] is None
