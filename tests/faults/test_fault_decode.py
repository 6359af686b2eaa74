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
from console.hub.openapi import GPU_STATUSES, JOB_STATES
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
FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures"
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
        bad.need(value in field.words or value == field.unknown, f"{where}: word {value!r:.40}")
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
                bad.need(set(values) <= _STATES, "jobs state")
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
        check(snap, bad)
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
            check_jobs(snap, bad)
            tally.violated(case, bad)
            tally.run(case, lambda snap=snap: views_on_jobs(snap, topology), ())
        follower = JobQueueFollower()
        follower.take({**answers["jobs"], "version": "v1"})
        changes = spoil(answers["changes"], rng)
        snap = tally.run(case, lambda c=changes, f=follower: f.take(c), (DataError,))
        if snap is not None:
            bad = Violations()
            check_jobs(snap, bad)
            tally.violated(case, bad)
            tally.run(case, lambda snap=snap: views_on_jobs(snap, topology), ())
        snap = tally.run(case, lambda whole=whole: decode_jobs(whole), (DataError,))
        if snap is not None:
            bad = Violations()
            check_jobs(snap, bad)
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
                check_slurm_record(row, bad)
                tally.violated(case, bad)
                rows.append(row)
        columns = tally.run(case, lambda rows=rows: _job_columns(rows), (DataError,))
        if columns is not None:
            bad = Violations()
            check_job_columns(columns, bad)
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
                endpoint: str, params: dict[str, str], spoilt: list[Any] = spoilt,
                pick: random.Random = rng,
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
                    check(snap, bad)
                    tally.violated(case, bad)
                    if kind == "gpus":
                        tally.run(case, lambda snap=snap: views_on_gpus(snap.gpus, topology), ())
            snap = tally.run(case, lambda: source.fetch_rack("A-01-01"), (SourceError,))
            if snap is not None:
                bad = Violations()
                check_detail(snap, bad)
                tally.violated(case, bad)
    finally:
        source.close()
    tally.report()
