"""``slurm+http://host:port``: the job queue from slurmrestd (API v0.0.37 .. v0.0.44).

The API version is negotiated once from ``/openapi/v3`` (``/openapi`` and
``/openapi.json`` as fallbacks): the newest supported ``/slurm/v0.0.NN/`` the
server offers. Auth is JWT: ``X-SLURM-USER-NAME`` and ``X-SLURM-USER-TOKEN``; the
token comes from the ``SLURM_JWT`` environment variable or the config file
(``token=`` option), never from the command line, and is never logged.

Tenants: a job's tenant is its Slurm account. Its kind (research / startup /
enterprise) and country come from the ``tenant_kinds`` / ``tenant_countries``
maps (config file); accounts not in the map are "research" with country "".
Racks: a job's nodes are mapped to racks by ``node_racks`` (node -> rack), else by
the hub's naming (``A-07-13-n05`` / ``a07-13-n05`` -> ``A-07-13``), else the node
name stands for its rack.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import gc
import json
import logging
import math
import os
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import numpy as np
import requests

from console.contract import JOB_KEEP_FINISHED_S
from console.decode import JOB_COLUMNS, DataError, apply_job_changes, job_column
from console.model import JobsSnapshot, Snapshot, _frozen_map
from console.sources.base import FetchContext, Source, SourceError, register_scheme
from console.sources.http import (
    SLURM_LIMITS,
    LimitError,
    Limits,
    Stream,
    close_session,
    fetch,
    make_session,
    open_stream,
    redact,
    remember_secret,
    split_credentials,
)
from console.sources.slurm_decode import (
    JOB_RECORD_FIELDS,
    TERMINAL_STATES,
    InvalidJob,
    JobRecords,
    SlurmJob,
    decode_jobs_answer,
    epoch,
    job_gpu_placement,
    node_record,
    partition_gpus,
    partition_record,
    payload_list,
)

log = logging.getLogger(__name__)

SUPPORTED_VERSIONS: tuple[str, ...] = tuple(f"v0.0.{n}" for n in range(37, 45))
"""API versions this source decodes, oldest first."""

_VERSION_PATH = re.compile(r"^/slurm/(v0\.0\.\d+)/")
_AUTH_ERRORS = ("unspecified error", "protocol authentication error", "authentication failure")
_NO_CHANGE = ("no job changes since", "data has not changed", "no change in data")

FULL_READ_S = 600.0
"""A whole-queue read at least this often corrects anything changes-only polls missed."""
CLOCK_MARGIN_S = 5.0
"""v0.0.37/38 answers carry no ``last_update``: the next ``update_time`` is the time the
request was sent, by this workstation's clock, less this margin (a controller clock that
is behind ours by up to this much misses nothing)."""
NODES_EVERY_S = 30.0
"""How often the nodes are read for the partitions' free GPUs (with the job queue)."""
CHUNK_BYTES = 1 << 20
MAX_JOBS_BYTES = 1 << 30
"""The most of a job list held to decode (white space of pretty-printed JSON left out): a
server that sends more (a runaway or hostile one) is refused, not read into memory. A
real job takes 4 to 8 kB of compact JSON: this is over 100,000 jobs."""
_PRETTY = re.compile(rb"[\r\n][ \t\r\n]*")
"""A line break and the indentation after it: never inside a JSON string (a string
cannot hold a raw line break), so leaving it out keeps the JSON the same."""
_HTML_START = re.compile(rb"[ \t\r\n]*<")


def slurm_base_url(url: str) -> str:
    """``slurm+http://h:p/x`` -> ``http://h:p/x``; ``slurm://h:p`` -> ``http://h:p``."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in ("slurm", "slurm+http"):
        scheme = "http"
    elif scheme == "slurm+https":
        scheme = "https"
    if scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not a slurmrestd URL: {url!r} (use slurm+http://host:port)")
    return urlunsplit((scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


def token_user(token: str) -> str | None:
    """The user name (``sun`` claim) inside a Slurm JWT, without verifying it."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return None
    user = claims.get("sun") if isinstance(claims, dict) else None
    return user if isinstance(user, str) and user else None


def offered_versions(spec: Any) -> list[str]:
    """The ``v0.0.NN`` versions an OpenAPI document of slurmrestd lists under ``/slurm/``."""
    paths = spec.get("paths") if isinstance(spec, Mapping) else None
    if not isinstance(paths, Mapping):
        return []
    found = {m.group(1) for p in paths if (m := _VERSION_PATH.match(str(p)))}
    return sorted(found, key=lambda v: int(v.rsplit(".", 1)[1]))


def pick_version(offered: list[str]) -> str | None:
    """The newest version both the server and this source support."""
    usable = [v for v in offered if v in SUPPORTED_VERSIONS]
    return usable[-1] if usable else None


class SlurmSource(Source):
    """The job queue (and nodes, partitions) from slurmrestd."""

    backend = "Slurm"
    concurrent_kinds = True
    kinds = ("jobs",)

    def __init__(
        self,
        url: str,
        token: str | None = None,
        user: str | None = None,
        version: str | None = None,
        tenant_kinds: Mapping[str, str] | None = None,
        tenant_countries: Mapping[str, str] | None = None,
        node_racks: Mapping[str, str] | Callable[[str], str | None] | None = None,
        timeout: tuple[float, float] = SLURM_LIMITS.timeout,
        retries: int = 1,
        verify: bool | str = True,
        deadline_s: float = SLURM_LIMITS.deadline_s,
        max_body_mb: float = SLURM_LIMITS.max_body_mb,
        auth: tuple[str, str] | None = None,
        **_: Any,
    ) -> None:
        url, url_auth = split_credentials(url)  # a password is used, never kept in the URL
        super().__init__(url)
        self._base = slurm_base_url(url)
        raw = token if token is not None else os.environ.get("SLURM_JWT", "")
        raw = raw.strip()
        if raw.startswith("SLURM_JWT="):  # pasted straight from `scontrol token`
            raw = raw.split("=", 1)[1]
        self._token = raw or None
        remember_secret(self._token)
        self._user = user or (token_user(raw) if raw else None) or os.environ.get("SLURM_USER")
        if version is not None and version not in SUPPORTED_VERSIONS:
            raise ValueError(f"unsupported slurmrestd API version {version!r}")
        self.version = version
        self._negotiating = threading.Lock()
        self.tenant_kinds = dict(tenant_kinds or {})
        self.tenant_countries = dict(tenant_countries or {})
        self.node_racks = node_racks
        self.limits = Limits(
            (float(timeout[0]), float(timeout[1])), float(deadline_s), float(max_body_mb)
        )
        # Basic auth (a proxy in front of slurmrestd) beside Slurm's own JWT headers.
        self.session = make_session(retries=retries, verify=verify, auth=auth or url_auth)
        self._columns: dict[str, np.ndarray] | None = None
        self._since: float | None = None
        self._full_at = -math.inf
        self._invalid = 0
        self._partitions: dict[str, dict[str, int]] | None = None
        self._nodes_at = -math.inf
        self._placement: dict[int, Placement] = {}
        if self._token:
            self.session.headers["X-SLURM-USER-TOKEN"] = self._token
            if self._user:
                self.session.headers["X-SLURM-USER-NAME"] = self._user

    def __repr__(self) -> str:  # never shows the token
        return f"SlurmSource({self.display_url!r}, version={self.version!r})"

    # --- HTTP ------------------------------------------------------------------------------

    @property
    def timeout(self) -> tuple[float, float]:
        """``requests``' (connect, read) timeouts."""
        return self.limits.timeout

    def get_json(
        self, path: str, params: Mapping[str, Any] | None = None, limits: Limits | None = None
    ) -> Any:
        """GET ``path``; SourceError naming the reason on HTTP, auth or Slurm errors, and
        for an answer past the deadline or the size cap (``limits``: the source's)."""
        response = fetch(self.session, f"{self._base}{path}", backend=self.backend, what=path,
                         limits=limits or self.limits, params=params)
        body = _json_body(response)
        self._check(response, path, body)
        if body is None:
            raise SourceError(self.backend, f"invalid JSON from {path}")
        return body

    def _check(
        self, response: requests.Response, path: str, body: Any, read_body: bool = True
    ) -> None:
        """Raise SourceError for an HTTP error, Slurm's ``errors[]`` or an HTML page
        (``read_body=False``: the body was streamed, judge by the headers only)."""
        status = response.status_code
        html = _is_html(response, read_body)
        errors = body.get("errors") if isinstance(body, Mapping) else None
        errors = errors if isinstance(errors, list) and errors else None
        if status in (401, 403):
            text = _error_text(errors) if errors else _text(response)
            hint = (
                "the token was refused (expired or for another cluster?)"
                if self._token
                else "set SLURM_JWT (scontrol token) or the config file's Slurm token"
            )
            raise SourceError(self.backend, f"HTTP {status}: {redact(text)} ({hint})", auth=True)
        if errors and not _no_change(errors):
            raise self._slurm_error(status, path, errors)
        if html:
            raise SourceError(
                self.backend, f"HTTP {status} on {path}: an HTML page, not JSON (a login proxy?)"
            )
        if status == 404:
            raise SourceError(self.backend, f"HTTP 404 on {path}: {_text(response)}")
        if status >= 400:
            raise SourceError(self.backend, f"HTTP {status} on {path}: {_text(response)}")

    def _slurm_error(self, status: int, path: str, errors: list[Any]) -> SourceError:
        first = errors[0] if isinstance(errors[0], Mapping) else {"error": str(errors[0])}
        error = redact(str(first.get("error") or "").strip())[:160]
        if error.lower() in _AUTH_ERRORS:
            hint = "the JWT is wrong or expired" if self._token else "no token is set: SLURM_JWT"
            return SourceError(
                self.backend, f"HTTP {status}: token refused ({error}; {hint})", auth=True
            )
        return SourceError(self.backend, f"HTTP {status} on {path}: {_error_text(errors)}")

    # --- version negotiation ----------------------------------------------------------------

    def negotiate(self) -> str:
        """Pick (once) the newest API version the server offers that this source supports."""
        if self.version:
            return self.version
        with self._negotiating:  # the jobs and the node states may ask at once
            return self.version or self._negotiate()

    def _negotiate(self) -> str:
        offered: list[str] = []
        last_error: SourceError | None = None
        for path in ("/openapi/v3", "/openapi", "/openapi.json"):
            try:
                offered = offered_versions(self.get_json(path))
            except SourceError as exc:
                if exc.auth or isinstance(exc, LimitError):  # the next path would fare no better
                    raise
                last_error = exc
                continue
            if offered:
                break
        if not offered:
            if last_error is not None:
                raise SourceError(self.backend, f"no OpenAPI document ({last_error.reason})")
            raise SourceError(self.backend, "the OpenAPI document lists no /slurm/ API")
        version = pick_version(offered)
        if version is None:
            raise SourceError(
                self.backend,
                f"unsupported API version: server offers {', '.join(offered)}; "
                f"this console reads {SUPPORTED_VERSIONS[0]} to {SUPPORTED_VERSIONS[-1]}",
            )
        self.version = version
        log.info("slurmrestd at %s: using API %s", self.display_url, version)
        return version

    def _get(self, endpoint: str, limits: Limits | None = None) -> Any:
        version = self.negotiate()
        return self.get_json(f"/slurm/{version}/{endpoint}/", limits=limits)

    # --- kinds ----------------------------------------------------------------------------------

    def fetch(self, kind: str, context: FetchContext) -> Snapshot:
        if kind != "jobs":
            raise SourceError(self.backend, f"cannot deliver {kind!r}")
        return self.fetch_jobs()

    def fetch_jobs(self) -> JobsSnapshot:
        """The job queue as a :class:`JobsSnapshot`, read changes-only after the first poll.

        The first poll (and one every ``FULL_READ_S``) reads the whole queue; later ones
        pass ``update_time`` (the previous answer's ``last_update``). Slurm answers
        "nothing changed" (HTTP 304 in 22.05, an empty list with a warning from v0.0.40)
        or the whole queue again; a server that sends only the changed jobs is merged
        into the queue held here. Jobs that leave the queue: a whole answer drops the
        pending and running jobs it no longer lists; finished jobs stay until
        ``JOB_KEEP_FINISHED_S`` after their end (the hub's retention). Records without
        a job id or state are dropped and counted (``JobsSnapshot.invalid``).
        """
        received = time.time()
        now = time.monotonic()
        version = self.negotiate()
        whole = self._columns is None or now - self._full_at >= FULL_READ_S
        params = {} if whole or self._since is None else {"update_time": int(self._since)}
        sent_at = time.time()
        path = f"/slurm/{version}/jobs/"
        with contextlib.ExitStack() as paused:
            with open_stream(self.session, f"{self._base}{path}", backend=self.backend,
                             what=path, limits=self.limits, params=params) as stream:
                paused.enter_context(_gc_paused())  # from the first byte of the answer on
                records, invalid, rest, changed, placed = self._read_jobs(stream, bool(params))
            last_update = epoch(rest.get("last_update"))
            if changed:
                self._since = last_update if last_update is not None else sent_at - CLOCK_MARGIN_S
            t = last_update if last_update is not None else received
            try:
                update = _job_columns(records)
                del records
                columns = self._merge(update, whole, t)
                placement = _running_placement(self._placement, placed, update["id"], columns)
            except (ValueError, TypeError, DataError) as exc:
                self._columns = None
                self._placement = {}
                raise SourceError(self.backend, f"jobs: {exc}") from None
        if whole:
            self._full_at = now
        if changed:
            self._invalid = invalid
        self._columns = columns
        self._placement = placement
        return JobsSnapshot(
            time=t,
            received=received,
            columns=_frozen_map(columns),
            invalid=self._invalid,
            partition_gpus=self._partition_gpus(
                now, self.limits.deadline_s - (time.monotonic() - now)),
        )

    def _read_jobs(
        self, stream: Stream, since: bool
    ) -> tuple[list[tuple[Any, ...]], int, dict[str, Any], bool, dict[int, Placement]]:
        """``(records as JobRecords.row tuples, invalid records, the answer's other
        members, anything changed, the GPUs each running job of the answer holds)``."""
        path = f"/slurm/{self.version}/jobs/"
        response = stream.response
        if response.status_code == 304:  # Slurm 22.05: nothing changed since update_time
            return [], 0, {}, False, {}
        if response.status_code != 200 or _is_html(response, read_body=False):
            stream.read()  # bounded: the error page or not-JSON body, for the message
            body = _json_body(response)
            self._check(response, path, body)
            raise SourceError(self.backend, f"invalid JSON from {path}")
        body = self._read_body(stream, path)
        try:
            jobs, rest = decode_jobs_answer(body)
        except ValueError:
            if _HTML_START.match(body):
                raise SourceError(
                    self.backend, f"HTTP 200 on {path}: an HTML page, not JSON (a login proxy?)"
                ) from None
            raise SourceError(self.backend, f"invalid JSON from {path}") from None
        del body
        self._check(response, path, rest, read_body=False)
        if jobs is None:
            raise SourceError(self.backend, "jobs: response has no 'jobs' array")
        records: list[tuple[Any, ...]] = []
        placed: dict[int, Placement] = {}
        invalid = 0
        row = JobRecords(self.tenant_kinds, self.tenant_countries, self.node_racks).row
        for job in jobs:
            if not isinstance(job, SlurmJob):
                invalid += 1
                continue
            try:
                record = row(job)
            except InvalidJob:
                invalid += 1
                continue
            records.append(record)
            if record[_STATE] == "RUNNING" and record[_GPUS]:
                placement = job_gpu_placement(job)
                if placement:
                    placed[record[0]] = placement
        del jobs  # job_resources are views of the answer: it is let go here
        errors = rest.get("errors") or []
        warnings = rest.get("warnings") or []
        quiet = since and not records and not invalid
        if quiet and (_no_change(errors) or _no_change(warnings)):
            return [], 0, {}, False, {}
        return records, invalid, rest, True, placed

    def _read_body(self, stream: Stream, path: str) -> bytearray:
        """The body of a streamed answer, without the line breaks and indentation of
        pretty-printed JSON; SourceError past ``MAX_JOBS_BYTES`` (so kept), past the
        source's size cap or deadline (as received), or when the read fails."""
        body = bytearray()
        for chunk in stream.chunks(CHUNK_BYTES):
            if b"\n" in chunk or b"\r" in chunk:
                chunk = _PRETTY.sub(b"", chunk)
            body += chunk
            if len(body) > MAX_JOBS_BYTES:
                raise SourceError(
                    self.backend,
                    f"{path}: the answer is over {MAX_JOBS_BYTES >> 20} MiB; not read",
                )
        return body

    def _merge(
        self, update: dict[str, np.ndarray], whole: bool, t: float
    ) -> dict[str, np.ndarray]:
        """The queue after an answer: ``update`` merged into the queue held, the jobs
        that left dropped, finished jobs past their retention aged out."""
        held = self._columns
        if held is None:
            return _age_out(update, t)
        if not len(update["id"]):
            return _age_out(held, t)
        active = np.isin(held["state"], ("PENDING", "RUNNING"))
        listed = np.isin(held["id"], update["id"])
        if whole or bool(listed[active].all()):
            # The whole queue (Slurm sends nothing less): keep only the finished jobs
            # it no longer lists, as the hub keeps them.
            finished = np.isin(held["state"], tuple(TERMINAL_STATES))
            keep = finished & ~listed
            held = {k: v[keep] for k, v in held.items()}
        return _age_out(apply_job_changes(held, update), t)

    def _partition_gpus(self, now: float, left_s: float) -> dict[str, dict[str, int]]:
        """Free and total GPUs per partition from Slurm's nodes (read every
        ``NODES_EVERY_S``); the last figures while the nodes cannot be read. The read
        has what is ``left_s`` of the poll's deadline: under a second, it waits for the
        next poll."""
        if left_s < 1.0:
            return dict(self._partitions or {})
        if now - self._nodes_at >= NODES_EVERY_S or self._partitions is None:
            self._nodes_at = now
            limits = dataclasses.replace(self.limits, deadline_s=round(left_s, 1))
            try:
                self._partitions = partition_gpus(self.nodes(limits))
            except SourceError as exc:
                log.info("Slurm nodes not read (%s): no free GPUs per partition", exc.reason)
                if self._partitions is None:
                    self._partitions = {}
        return dict(self._partitions)

    def gpu_placement(self) -> dict[int, Placement]:
        """Job id -> ``(node, GPU index)`` of each GPU it holds, for the running jobs of
        the queue last delivered whose ``gres_detail`` says which GPUs they hold
        (:func:`console.sources.slurm_decode.job_gpu_placement`); the others are not
        listed. Kept with the queue across changes-only polls."""
        return dict(self._placement)

    def reset(self) -> None:
        """Forget the queue held: the next poll reads the whole queue."""
        self._columns, self._since, self._full_at = None, None, -math.inf
        self._placement = {}

    def nodes(self, limits: Limits | None = None) -> list[dict[str, Any]]:
        """Nodes with state words and GPUs configured / in use."""
        try:
            return [node_record(n) for n in payload_list(self._get("nodes", limits), "nodes")]
        except (ValueError, TypeError) as exc:
            raise SourceError(self.backend, f"nodes: {exc}") from None

    def partitions(self) -> list[dict[str, Any]]:
        """Partitions with state, sizes and maximum time limit."""
        try:
            return [
                partition_record(p) for p in payload_list(self._get("partitions"), "partitions")
            ]
        except (ValueError, TypeError) as exc:
            raise SourceError(self.backend, f"partitions: {exc}") from None

    def close(self) -> None:
        close_session(self.session)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Python's cycle collector held off while a job list is decoded: the hundreds of
    thousands of objects built then (no cycles among them) would make it run over and
    over, a third of the time taken. Its state before is restored."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _text(response: requests.Response) -> str:
    """The first line of a (plain-text) error body, short and printable."""
    if _is_html(response):
        return "an HTML page, not JSON (a login proxy?)"
    text = (response.text or "").strip().splitlines()
    line = text[0] if text else (response.reason or "")
    return redact("".join(c for c in line if c.isprintable()))[:160] or "no detail"


def _json_body(response: requests.Response) -> Any:
    """The answer's JSON, None for an HTML page or a body that is not JSON."""
    if _is_html(response):
        return None
    try:
        return response.json()
    except ValueError:
        return None


def _is_html(response: requests.Response, read_body: bool = True) -> bool:
    """An HTML page (a login proxy, a web server's error page) instead of JSON: by its
    Content-Type, or (``read_body``) a body that starts with "<"."""
    kind = str(response.headers.get("Content-Type") or "").lower()
    if "html" in kind:
        return True
    return read_body and (response.text or "").lstrip()[:1] == "<"


def _error_text(errors: list[Any]) -> str:
    """Slurm's ``errors[]`` in one line: each description and error, most telling first."""
    parts: list[str] = []
    for item in errors[:3]:
        entry = item if isinstance(item, Mapping) else {"error": str(item)}
        for key in ("description", "error"):
            text = " ".join(str(entry.get(key) or "").split())
            if text and text not in parts:
                parts.append(text)
    return redact("; ".join(parts))[:200] or "error"


def _no_change(messages: Any) -> bool:
    """Slurm's word that nothing changed since ``update_time``."""
    if not isinstance(messages, list):
        return False
    for item in messages:
        text = str(item.get("description") or item.get("error") or "") if isinstance(
            item, Mapping
        ) else str(item)
        if any(marker in text.lower() for marker in _NO_CHANGE):
            return True
    return False


Placement = tuple[tuple[str, int], ...]
"""The ``(node, GPU index)`` pairs of the GPUs one running job holds."""
_STATE = JOB_RECORD_FIELDS.index("state")
_GPUS = JOB_RECORD_FIELDS.index("gpus")


def _running_placement(
    held: Mapping[int, Placement], placed: Mapping[int, Placement], answered: np.ndarray,
    columns: Mapping[str, np.ndarray],
) -> dict[int, Placement]:  # fmt: skip
    """The GPUs of the queue's running jobs after an answer: the answer's word for the
    jobs it lists (``answered``, ``placed``), what was held for the others, kept for the
    jobs ``columns`` (the queue after the answer) lists as running."""
    if not held and not placed:
        return {}
    merged = dict(held)
    if len(answered) and merged:
        for i in answered.tolist():
            merged.pop(i, None)
    merged.update(placed)
    running = columns["id"][columns["state"] == "RUNNING"].tolist()
    return {i: merged[i] for i in running if i in merged}


def _job_columns(rows: list[tuple[Any, ...]]) -> dict[str, np.ndarray]:
    """:meth:`JobRecords.row` tuples as one array per ``JOB_COLUMNS`` field."""
    n = len(rows)
    if n:
        values = dict(zip(JOB_RECORD_FIELDS, zip(*rows, strict=True), strict=True))
    else:
        values = {name: () for name in JOB_RECORD_FIELDS}
    # fields Slurm's job listing does not carry (gpu_util_pct) read as unknown; a site
    # with Prometheus fills it in (console.sources.jobutil, by CombinedSource)
    return {name: job_column(name, dtype, values.get(name, [None] * n), n)
            for name, dtype in JOB_COLUMNS}


def _age_out(columns: dict[str, np.ndarray], t: float) -> dict[str, np.ndarray]:
    """Drop finished jobs that ended more than ``JOB_KEEP_FINISHED_S`` before ``t``."""
    if not len(columns["id"]):
        return columns
    end = columns["end_time"].astype(np.float64)
    finished = np.isin(columns["state"], tuple(TERMINAL_STATES))
    with np.errstate(invalid="ignore"):
        old = finished & (end < t - JOB_KEEP_FINISHED_S)
    if not old.any():
        return columns
    return {k: v[~old] for k, v in columns.items()}


for _scheme in ("slurm", "slurm+http", "slurm+https"):
    register_scheme(_scheme, SlurmSource)
