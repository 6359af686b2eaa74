"""A small client for the Prometheus HTTP API (and Thanos, VictoriaMetrics, Mimir, Cortex).

- The base URL may carry a path prefix (``/prometheus``, ``/select/0/prometheus``);
  extra headers (``X-Scope-OrgID``) are sent on every request.
- Long queries go as a form-encoded POST; short ones as GET.
- Range queries are split so no request asks for more than 11,000 points per series.
- ``status: error`` answers (``bad_data``, ``execution``, ``timeout``...) become a
  :class:`SourceError` naming the error type and Prometheus's message; answers with
  ``warnings`` (partial responses) too, unless partial answers are accepted.
"""

from __future__ import annotations

import dataclasses
import math
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain, compress
from operator import attrgetter
from typing import Any, Literal, TypeVar
from urllib.parse import urlencode

import msgspec
import numpy as np

from console.sources.base import SourceError
from console.sources.http import (
    PROMETHEUS_LIMITS,
    SECRET_HEADERS,
    LimitError,
    Limits,
    close_session,
    deadline_error,
    fetch,
    make_session,
    redact,
    remember_secret,
)

MAX_POINTS = 11_000
"""Prometheus refuses range queries with more points per series than this."""
CHUNK_POINTS = 10_000
"""Points per series asked for in one range request (safely under MAX_POINTS)."""
QUERY_WORKERS = 8
"""Queries a client runs at once for one calling thread (a kind's lane): each lane has
threads of its own, so a kind held to its deadline holds no other kind's queries back."""

T = TypeVar("T")


_EMPTY = np.zeros(0)


@dataclass
class Series:
    """One result series: labels, and values (``t``/``v`` empty for instant vectors)."""

    labels: dict[str, str]
    t: np.ndarray = field(default_factory=lambda: _EMPTY)
    v: np.ndarray = field(default_factory=lambda: _EMPTY)
    instant: float = math.nan
    """The value of an instant-vector sample (NaN for range series)."""

    @property
    def value(self) -> float:
        """The sample of an instant vector, else the last value of the series."""
        if len(self.v):
            return float(self.v[-1])
        return self.instant


@dataclass
class Result:
    """A decoded query answer."""

    series: list[Series] = field(default_factory=list)
    time: float = math.nan
    warnings: list[str] = field(default_factory=list)
    non_finite: int = 0
    """Values that were NaN or ±Inf (kept as NaN, counted here)."""


class _Point(msgspec.Struct, array_like=True, gc=False):
    t: float
    v: str


class _Sample(msgspec.Struct, gc=False):
    metric: dict[str, str]
    value: _Point


class _VectorData(msgspec.Struct, gc=False):
    resultType: Literal["vector"]  # noqa: N815 - the API's name
    result: list[_Sample]


class _VectorAnswer(msgspec.Struct, gc=False):
    """A successful instant-vector answer of the usual shape, decoded straight from the
    bytes: no dict or list a sample for the garbage collector to walk, half the time of
    ``json.loads`` on the per-host aggregates of a full site (40,960 series, ~5 MB)."""

    status: Literal["success"]
    data: _VectorData
    warnings: list[str] = []


_VECTOR = msgspec.json.Decoder(_VectorAnswer)


@dataclass
class Keyed:
    """An instant vector read as one key a series (the first non-empty label among the
    names asked for, "" when none) and its value: no label dict or :class:`Series` a
    sample (:meth:`PromClient.query_keyed`)."""

    keys: list[str] = field(default_factory=list)
    values: np.ndarray = field(default_factory=lambda: _EMPTY)
    time: float = math.nan
    warnings: list[str] = field(default_factory=list)
    non_finite: int = 0
    """Values that were NaN or ±Inf (kept as NaN, counted here)."""

    @classmethod
    def of(cls, result: Result, names: tuple[str, ...],
           where: Mapping[str, str] | None = None) -> Keyed:
        """A decoded :class:`Result` keyed the same way."""
        series = [s for s in result.series
                  if all(s.labels.get(k, "") in ("", v) for k, v in (where or {}).items())]
        keys = [next((v for n in names if (v := s.labels.get(n)) and type(v) is str), "")
                for s in series]  # fmt: skip
        values = np.array([s.value for s in series], np.float64)
        return cls(keys, values, result.time, result.warnings, result.non_finite)


_KEYED: dict[tuple[str, ...], tuple[msgspec.json.Decoder, type]] = {}
_KEYED_LOCK = threading.Lock()


def _keyed_decoder(names: tuple[str, ...]) -> tuple[msgspec.json.Decoder, type]:
    """A decoder of vector answers keeping only the labels ``names`` of each sample (as
    fields ``f0``, ``f1``...: any label name is allowed), and the answer's type."""
    with _KEYED_LOCK:
        found = _KEYED.get(names)
        if found is None:
            fields = [(f"f{i}", str, "") for i in range(len(names))]
            rename = {f"f{i}": n for i, n in enumerate(names)}
            labels = msgspec.defstruct("KeyLabels", fields, rename=rename, gc=False)
            sample = msgspec.defstruct("KeyedSample", [("metric", labels), ("value", _Point)],
                                       gc=False)  # fmt: skip
            data = msgspec.defstruct("KeyedData", [("resultType", Literal["vector"]),
                                                   ("result", list[sample])], gc=False)  # type: ignore[valid-type]  # fmt: skip
            answer = msgspec.defstruct(
                "KeyedAnswer", [("status", Literal["success"]), ("data", data),
                                ("warnings", list[str], [])], gc=False)  # fmt: skip
            found = _KEYED[names] = (msgspec.json.Decoder(answer), answer)
        return found


def _keyed(answer: Any, n_names: int, at: float | None, where: tuple[str, ...] = ()) -> Keyed:
    """:class:`Keyed` of an answer :func:`_keyed_decoder` decoded (its labels the
    ``n_names`` names, then those of ``where``, whose values a sample's must be if given)."""
    samples = answer.data.result
    metrics = list(map(attrgetter("metric"), samples))
    for j, want in enumerate(where):
        get = attrgetter(f"f{n_names + j}")
        if not set(map(get, metrics)) <= {"", want}:  # samples of another series: left out
            keep = [get(m) in ("", want) for m in metrics]
            samples, metrics = list(compress(samples, keep)), list(compress(metrics, keep))
    keys = list(map(attrgetter("f0"), metrics))
    for i in range(1, n_names):
        get = attrgetter(f"f{i}")
        keys = [k or get(m) for k, m in zip(keys, metrics, strict=True)]
    points = list(map(attrgetter("value"), samples))
    texts = list(map(attrgetter("v"), points))
    try:
        if max(map(len, texts), default=0) > 64:  # no sample value is that long
            raise ValueError
        values = np.array(texts, np.float64)
    except ValueError:  # a value that is no number: NaN, as :func:`_value` reads it
        values = np.array([_value(x) for x in texts], np.float64)
    bad = ~np.isfinite(values)
    values[bad] = math.nan
    stamps = np.fromiter(map(attrgetter("t"), points), np.float64, len(points))
    stamps = stamps[np.isfinite(stamps)]
    time = float(stamps.max()) if len(stamps) else at if at is not None else math.nan
    return Keyed(keys, values, time, list(answer.warnings), int(bad.sum()))


class PromClient:
    """HTTP access to ``<base>/api/v1/query`` and ``/api/v1/query_range``."""

    def __init__(
        self,
        base_url: str,
        backend: str = "Prometheus",
        headers: Mapping[str, str] | None = None,
        timeout: tuple[float, float] = PROMETHEUS_LIMITS.timeout,
        retries: int = 1,
        verify: bool | str = True,
        post_over: int = 1024,
        accept_partial: bool = False,
        deadline_s: float = PROMETHEUS_LIMITS.deadline_s,
        max_body_mb: float = PROMETHEUS_LIMITS.max_body_mb,
        auth: tuple[str, str] | None = None,
    ) -> None:
        self.base = base_url.rstrip("/")
        self.backend = backend
        self.limits = Limits(
            (float(timeout[0]), float(timeout[1])), float(deadline_s), float(max_body_mb)
        )
        self.post_over = post_over
        self.accept_partial = accept_partial
        # A poll's queries run in parallel (QUERY_WORKERS at a time for each lane), and the
        # racks, GPU and power polls run at once on lanes of their own: keep a connection
        # per query thread.
        self.session = make_session(retries=retries, verify=verify, auth=auth, pool_maxsize=20)
        self.session.headers.update(dict(headers or {}))
        for name, value in (headers or {}).items():
            if name.lower() in SECRET_HEADERS:  # e.g. "Bearer <token>": either form redacted
                remember_secret(str(value))
                remember_secret(str(value).split(None, 1)[-1])
        self.requests = 0
        self.bytes_received = 0
        self._local = threading.local()
        self._pools: list[ThreadPoolExecutor] = []
        """Every calling thread's query threads (in ``_local.pool``), shut down at close."""
        self._pool_lock = threading.Lock()
        self._closed = False

    @contextmanager
    def deadline(self, seconds: float | None = None) -> Iterator[float]:
        """One deadline (``seconds``, default the client's) for every query this thread
        makes inside, however many there are: yields its end on the monotonic clock, to
        pass as ``until`` to queries run on other threads. Nested: the earlier end holds."""
        outer = getattr(self._local, "until", None)
        until = time.monotonic() + (self.limits.deadline_s if seconds is None else seconds)
        if outer is not None:
            until = min(until, outer)
        self._local.until = until
        try:
            yield until
        finally:
            self._local.until = outer

    def _limits(self, until: float | None, what: str) -> Limits:
        """The limits of one request that must end by ``until`` (this thread's deadline
        when None): the deadline cut to what is left; refused when nothing is."""
        if until is None:
            until = getattr(self._local, "until", None)
        if until is None:
            return self.limits
        left = until - time.monotonic()
        if left <= 0:
            raise deadline_error(self.backend, what, self.limits)
        if left >= self.limits.deadline_s:
            return self.limits
        return dataclasses.replace(self.limits, deadline_s=left)

    def submit(self, fn: Callable[..., T], /, *args: Any) -> Future[T]:
        """Run ``fn(*args)`` on the calling thread's query threads (:data:`QUERY_WORKERS`,
        kept for the client's life: a poll's queries run at once without starting threads
        of their own each time). Pass each call the ``until`` of the caller's
        :meth:`deadline`."""
        pool = getattr(self._local, "pool", None)
        if pool is None:
            with self._pool_lock:
                if self._closed:
                    raise SourceError(self.backend, "the connection is closed")
                pool = self._local.pool = ThreadPoolExecutor(
                    QUERY_WORKERS, thread_name_prefix="prom-query")
                self._pools.append(pool)
        try:
            return pool.submit(fn, *args)
        except RuntimeError:  # shut down by close() meanwhile
            raise SourceError(self.backend, "the connection is closed") from None

    def close(self) -> None:
        """Release the connection pool and the query threads (queries already asked end
        by their deadline; none can be asked after)."""
        with self._pool_lock:
            self._closed = True
            pools, self._pools = self._pools, []
        for pool in pools:
            pool.shutdown(wait=False)
        close_session(self.session)

    @property
    def timeout(self) -> tuple[float, float]:
        """``requests``' (connect, read) timeouts."""
        return self.limits.timeout

    def _call(self, endpoint: str, params: dict[str, str], until: float | None = None) -> Any:
        """The answer's body as JSON values; an instant query's vector of the usual shape
        as a :class:`_VectorAnswer` (any other shape, an error included, as JSON)."""
        url = f"{self.base}/api/v1/{endpoint}"
        what = f"/api/v1/{endpoint}"
        limits = self._limits(until, what)
        try:
            if len(urlencode(params)) > self.post_over:
                response = fetch(self.session, url, backend=self.backend, what=what,
                                 limits=limits, method="POST", data=params)
            else:
                response = fetch(self.session, url, backend=self.backend, what=what,
                                 limits=limits, params=params)
        except LimitError as exc:
            if limits is not self.limits and "(deadline)" in exc.reason:
                raise deadline_error(self.backend, what, self.limits) from None  # the poll's
            raise
        self.requests += 1
        self.bytes_received += len(response.content)
        if response.status_code in (401, 403):
            raise SourceError(
                self.backend,
                f"HTTP {response.status_code}: access refused (check the extra headers or token)",
                auth=True,
            )
        if endpoint == "query":
            names = getattr(self._local, "keyed", None)
            try:
                answer = (_keyed_decoder(names)[0] if names else _VECTOR).decode(response.content)
            except msgspec.MsgspecError:
                pass
            else:
                if answer.warnings and not self.accept_partial:
                    raise SourceError(
                        self.backend, f"partial response: {redact(answer.warnings[0])[:200]}"
                    )
                return answer
        try:
            body = response.json()
        except (ValueError, RecursionError):
            body = None
        if not isinstance(body, Mapping) or "status" not in body:
            raise SourceError(
                self.backend,
                f"HTTP {response.status_code} from {endpoint}: not a Prometheus API answer",
            )
        if body["status"] != "success":
            kind = redact(_plain(body.get("errorType") or "error"))[:40]
            message = redact(" ".join(_plain(body.get("error") or "").split()))[:240]
            raise SourceError(self.backend, f"{kind}: {message or 'no detail'}")
        warnings = _warnings(body)
        if warnings and not self.accept_partial:
            raise SourceError(self.backend, f"partial response: {redact(warnings[0])[:200]}")
        return body

    def query(self, promql: str, at: float | None = None, until: float | None = None) -> Result:
        """Instant query; ``vector`` or ``scalar`` results as a list of series. ``until``:
        the monotonic time it must end by (default: this thread's :meth:`deadline`)."""
        params = {"query": promql}
        if at is not None:
            params["time"] = f"{at:.3f}"
        body = self._call("query", params, until)
        if isinstance(body, _VectorAnswer):
            return _decode_answer(body, at)
        return _decode(body, at)

    def query_keyed(self, promql: str, names: tuple[str, ...], at: float | None = None,
                    until: float | None = None, where: Mapping[str, str] | None = None,
                    ) -> Keyed:  # fmt: skip
        """:meth:`query` read as :class:`Keyed` by the first non-empty label of ``names``
        (e.g. a host's aggregates by ``Hostname``/``hostname``): a vector of the usual
        shape is decoded straight into the keys and a value array, about a third of the
        work of a :class:`Series` a sample (40,960 hosts at full site). Samples with a
        label of ``where`` that holds another value are left out (an aggregate drops
        them; a store that keeps them, or another series, is kept apart)."""
        params = {"query": promql}
        if at is not None:
            params["time"] = f"{at:.3f}"
        wanted = tuple((where or {}).items())
        labels = names + tuple(k for k, _v in wanted)
        self._local.keyed = labels  # the decoder _call tries first
        try:
            body = self._call("query", params, until)
        finally:
            self._local.keyed = None
        if isinstance(body, _keyed_decoder(labels)[1]):
            return _keyed(body, len(names), at, tuple(v for _k, v in wanted))
        return Keyed.of(_decode(body, at), names, where)

    def label_values(self, name: str, match: str, start: float, end: float,
                     until: float | None = None) -> list[str]:
        """The values of label ``name`` among the series that selector ``match`` picks with
        samples in ``[start, end]`` (``/api/v1/label/<name>/values``): read from the index,
        no sample loaded, so cheap however many series match."""
        params = {"match[]": match, "start": f"{start:.3f}", "end": f"{end:.3f}"}
        data = self._call(f"label/{name}/values", params, until).get("data")
        if not isinstance(data, list):
            raise SourceError(self.backend, "label values: an answer without a list")
        return [v for v in data if type(v) is str]

    def query_range(
        self, promql: str, start: float, end: float, step: float, until: float | None = None
    ) -> Result:
        """Range query over ``[start, end]``, split into requests under 11,000 points, all
        within one deadline (``until``, or this thread's :meth:`deadline`, or the client's)."""
        if step <= 0:
            raise SourceError(self.backend, "bad_data: the range step must be positive")
        if end < start:
            raise SourceError(self.backend, "bad_data: the range ends before it starts")
        merged: dict[tuple[tuple[str, str], ...], list[Series]] = {}
        out = Result(time=end)
        span = step * (CHUNK_POINTS - 1)
        chunk_start = start
        if until is None and getattr(self._local, "until", None) is None:
            until = time.monotonic() + self.limits.deadline_s
        while chunk_start <= end:
            chunk_end = min(end, chunk_start + span)
            params = {
                "query": promql,
                "start": f"{chunk_start:.3f}",
                "end": f"{chunk_end:.3f}",
                "step": f"{step:g}",
            }
            part = _decode(self._call("query_range", params, until), end)
            out.warnings += part.warnings
            out.non_finite += part.non_finite
            for s in part.series:
                merged.setdefault(tuple(sorted(s.labels.items())), []).append(s)
            chunk_start = chunk_end + step
        for pieces in merged.values():
            t = np.concatenate([p.t for p in pieces])
            v = np.concatenate([p.v for p in pieces])
            order = np.argsort(t, kind="stable")
            out.series.append(Series(pieces[0].labels, t[order], v[order]))
        return out


def split_ranges(start: float, end: float, step: float) -> list[tuple[float, float]]:
    """The ``(start, end)`` of each request :meth:`PromClient.query_range` makes."""
    ranges = []
    span = step * (CHUNK_POINTS - 1)
    s = start
    while s <= end:
        e = min(end, s + span)
        ranges.append((s, e))
        s = e + step
    return ranges


def _value(raw: Any) -> float:
    if type(raw) is str and len(raw) > 64:  # no sample value is that long
        return math.nan
    try:
        return float(raw)
    except (TypeError, ValueError, OverflowError):
        return math.nan


def _plain(value: Any) -> str:
    """A member of an answer as text for a message: strings as they are, numbers written
    out, anything else by its JSON type (never the whole of a nested value)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | float) or isinstance(value, int) and value.bit_length() < 64:
        return str(value)
    return f"<{type(value).__name__}>"


def _warnings(body: Mapping[str, Any]) -> list[str]:
    """The answer's ``warnings`` as text ([] unless a list)."""
    warnings = body.get("warnings")
    return [_plain(w) for w in warnings] if isinstance(warnings, list) else []


def _plain_labels(series: list[Series]) -> None:
    """Keep only string label values (a join at C speed finds any that is not one)."""
    try:
        "".join(chain.from_iterable(map(dict.values, map(attrgetter("labels"), series))))
    except TypeError:
        for s in series:
            labels = s.labels
            if not all(type(v) is str for v in labels.values()):
                s.labels = {k: v for k, v in labels.items() if type(v) is str}


def _decode(body: Mapping[str, Any], at: float | None) -> Result:
    data = body.get("data")
    if not isinstance(data, Mapping):
        raise SourceError("Prometheus", "answer without 'data'")
    kind = data.get("resultType")
    raw = data.get("result")
    out = Result(warnings=_warnings(body))
    if kind == "scalar" and isinstance(raw, list) and len(raw) == 2:
        raw = [{"metric": {}, "value": raw}]
        kind = "vector"
    if kind not in ("vector", "matrix") or not isinstance(raw, list):
        raise SourceError("Prometheus", f"unexpected result type {_plain(kind)[:40]!r}")
    if kind == "vector":
        _decode_vector(raw, out)
    else:
        _decode_matrix(raw, out)
    if not math.isfinite(out.time):
        out.time = at if at is not None else math.nan
    return out


def _decode_vector(raw: list[Any], out: Result) -> None:
    """Instant samples: one float per series, no arrays (fast for tens of thousands)."""
    latest = -math.inf
    series = out.series
    for item in raw:
        try:
            labels = item["metric"]
            t, v = item["value"]
        except (KeyError, TypeError, ValueError):
            continue  # e.g. a native histogram sample only
        value = _value(v)
        if not math.isfinite(value):
            out.non_finite += 1
            value = math.nan
        if type(t) is float or type(t) is int:
            stamp = _value(t)
            if stamp > latest:  # NaN is not
                latest = stamp
        series.append(Series(labels if isinstance(labels, dict) else {}, instant=value))
    _plain_labels(series)
    out.time = latest


def _decode_answer(answer: _VectorAnswer, at: float | None) -> Result:
    """:func:`_decode` of an answer :data:`_VECTOR` decoded (labels all text, each sample
    a time and a value string): the same result."""
    out = Result(warnings=list(answer.warnings))
    latest = -math.inf
    series = out.series
    for sample in answer.data.result:
        point = sample.value
        value = _value(point.v)
        if not math.isfinite(value):
            out.non_finite += 1
            value = math.nan
        if point.t > latest:  # NaN is not
            latest = point.t
        series.append(Series(sample.metric, instant=value))
    out.time = latest if math.isfinite(latest) else at if at is not None else math.nan
    return out


def _decode_matrix(raw: list[Any], out: Result) -> None:
    latest = -math.inf
    for item in raw:
        if not isinstance(item, Mapping) or not isinstance(item.get("values"), list):
            continue
        labels = item.get("metric")
        if not isinstance(labels, Mapping):
            labels = {}
        pairs = item["values"]
        try:
            t = np.array([_value(p[0]) for p in pairs], np.float64)
            v = np.array([_value(p[1]) for p in pairs], np.float64)
        except (TypeError, KeyError, IndexError):  # a pair that is no [time, value]
            pairs = [p for p in pairs if isinstance(p, list | tuple) and len(p) >= 2]
            t = np.array([_value(p[0]) for p in pairs], np.float64)
            v = np.array([_value(p[1]) for p in pairs], np.float64)
        bad = ~np.isfinite(v)
        out.non_finite += int(bad.sum())
        v[bad] = np.nan
        stamps = t[np.isfinite(t)]
        if len(stamps):
            latest = max(latest, float(stamps.max()))
        out.series.append(Series({str(k): _plain(x) for k, x in labels.items()}, t, v))
    out.time = latest
