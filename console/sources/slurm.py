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
import json
import logging
import math
import os
import re
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests

from console.decode import DataError, jobs_from_records
from console.model import JobsSnapshot, Snapshot
from console.sources.base import FetchContext, Source, SourceError, register_scheme
from console.sources.hub import describe_http_error, make_session
from console.sources.slurm_decode import (
    epoch,
    job_record,
    node_record,
    partition_record,
    payload_list,
)

log = logging.getLogger(__name__)

SUPPORTED_VERSIONS: tuple[str, ...] = tuple(f"v0.0.{n}" for n in range(37, 45))
"""API versions this source decodes, oldest first."""

_VERSION_PATH = re.compile(r"^/slurm/(v0\.0\.\d+)/")
_AUTH_ERRORS = ("unspecified error", "protocol authentication error", "authentication failure")


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
        timeout: tuple[float, float] = (2.0, 10.0),
        retries: int = 1,
        verify: bool | str = True,
        **_: Any,
    ) -> None:
        super().__init__(url)
        self._base = slurm_base_url(url)
        raw = token if token is not None else os.environ.get("SLURM_JWT", "")
        raw = raw.strip()
        if raw.startswith("SLURM_JWT="):  # pasted straight from `scontrol token`
            raw = raw.split("=", 1)[1]
        self._token = raw or None
        self._user = user or (token_user(raw) if raw else None) or os.environ.get("SLURM_USER")
        if version is not None and version not in SUPPORTED_VERSIONS:
            raise ValueError(f"unsupported slurmrestd API version {version!r}")
        self.version = version
        self.tenant_kinds = dict(tenant_kinds or {})
        self.tenant_countries = dict(tenant_countries or {})
        self.node_racks = node_racks
        self.timeout = timeout
        self.session = make_session(retries=retries, verify=verify)
        if self._token:
            self.session.headers["X-SLURM-USER-TOKEN"] = self._token
            if self._user:
                self.session.headers["X-SLURM-USER-NAME"] = self._user

    def __repr__(self) -> str:  # never shows the token
        return f"SlurmSource({self.display_url!r}, version={self.version!r})"

    # --- HTTP ------------------------------------------------------------------------------

    def _request(self, path: str, params: Mapping[str, Any] | None = None) -> requests.Response:
        try:
            return self.session.get(f"{self._base}{path}", params=params, timeout=self.timeout)
        except requests.exceptions.RequestException as exc:
            raise describe_http_error(self.backend, exc, self.timeout) from None

    def get_json(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        """GET ``path``; SourceError naming the reason on HTTP, auth or Slurm errors."""
        response = self._request(path, params)
        body: Any = None
        try:
            body = response.json()
        except ValueError:
            body = None
        status = response.status_code
        if status == 401 or status == 403:
            hint = "set SLURM_JWT (scontrol token) or the config file's Slurm token"
            raise SourceError(self.backend, f"HTTP {status}: {_text(response)} ({hint})", auth=True)
        errors = body.get("errors") if isinstance(body, Mapping) else None
        if isinstance(errors, list) and errors:
            raise self._slurm_error(status, path, errors)
        if status == 404:
            raise SourceError(self.backend, f"HTTP 404 on {path}: {_text(response)}")
        if status >= 400:
            raise SourceError(self.backend, f"HTTP {status} on {path}: {_text(response)}")
        if body is None:
            raise SourceError(self.backend, f"invalid JSON from {path}")
        return body

    def _slurm_error(self, status: int, path: str, errors: list[Any]) -> SourceError:
        first = errors[0] if isinstance(errors[0], Mapping) else {"error": str(errors[0])}
        error = str(first.get("error") or "").strip()
        description = str(first.get("description") or "").strip()
        if error.lower() in _AUTH_ERRORS:
            return SourceError(
                self.backend,
                f"HTTP {status}: token refused ({error}; the JWT is wrong or expired)",
                auth=True,
            )
        text = "; ".join(s for s in (description, error) if s)[:200]
        return SourceError(self.backend, f"HTTP {status} on {path}: {text or 'error'}")

    # --- version negotiation ----------------------------------------------------------------

    def negotiate(self) -> str:
        """Pick (once) the newest API version the server offers that this source supports."""
        if self.version:
            return self.version
        offered: list[str] = []
        last_error: SourceError | None = None
        for path in ("/openapi/v3", "/openapi", "/openapi.json"):
            try:
                offered = offered_versions(self.get_json(path))
            except SourceError as exc:
                if exc.auth:
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

    def _get(self, endpoint: str) -> Any:
        version = self.negotiate()
        return self.get_json(f"/slurm/{version}/{endpoint}/")

    # --- kinds ----------------------------------------------------------------------------------

    def fetch(self, kind: str, context: FetchContext) -> Snapshot:
        if kind != "jobs":
            raise SourceError(self.backend, f"cannot deliver {kind!r}")
        return self.fetch_jobs()

    def fetch_jobs(self) -> JobsSnapshot:
        """The job queue as a :class:`JobsSnapshot`."""
        received = time.time()
        payload = self._get("jobs")
        try:
            jobs = payload_list(payload, "jobs")
            records = [
                job_record(j, self.tenant_kinds, self.tenant_countries, self.node_racks)
                for j in jobs
            ]
            return jobs_from_records(records, _payload_time(payload, received), received)
        except (ValueError, TypeError, DataError) as exc:
            raise SourceError(self.backend, f"jobs: {exc}") from None

    def nodes(self) -> list[dict[str, Any]]:
        """Nodes with state words and GPUs configured / in use."""
        try:
            return [node_record(n) for n in payload_list(self._get("nodes"), "nodes")]
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
        self.session.close()


def _text(response: requests.Response) -> str:
    """The first line of a (plain-text) error body, short and printable."""
    text = (response.text or "").strip().splitlines()
    line = text[0] if text else (response.reason or "")
    return "".join(c for c in line if c.isprintable())[:160] or "no detail"


def _payload_time(payload: Mapping[str, Any], received: float) -> float:
    """The controller's ``last_update``, else the workstation clock."""
    value = epoch(payload.get("last_update"))
    return value if value is not None and math.isfinite(value) else received


for _scheme in ("slurm", "slurm+http", "slurm+https"):
    register_scheme(_scheme, SlurmSource)
