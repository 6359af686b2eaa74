"""The hub API client: HTTP(S), token auth, timeouts, retries with backoff."""

from __future__ import annotations

import json
import logging
import time
from typing import Any
from urllib.parse import quote, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ReadTimeoutError
from urllib3.util import Retry

from console.decode import (
    DataError,
    decode_events,
    decode_power,
    decode_rack_detail,
    decode_racks,
    decode_site,
    decode_unhealthy,
    loads_json,
)
from console.model import RackDetailSnapshot, Snapshot
from console.sources.base import FetchContext, Source, SourceError
from console.sources.jobqueue import JobQueueFollower

log = logging.getLogger(__name__)

USER_AGENT = "hub-ops-console/0.1"


class RetryWarningsOncePerOutage(logging.Filter):
    """Lets urllib3's first "Retrying ..." warning of an outage through, drops the rest.

    A source that cannot reach its server retries every poll of every kind, several times
    a second; the log says so once, and again only after the server answered in between
    (:meth:`answered`).
    """

    def __init__(self) -> None:
        super().__init__()
        self.in_outage = False
        self.dropped = 0

    def filter(self, record: logging.LogRecord) -> bool:
        if not str(record.msg).startswith("Retrying"):
            return True
        if self.in_outage:
            self.dropped += 1
            return False
        self.in_outage = True
        record.msg = str(record.msg) + " (further retries are not logged until it answers)"
        return True

    def answered(self) -> None:
        """The server answered: the next outage's first retry is logged again."""
        if self.in_outage:
            self.in_outage = False
            self.dropped = 0


RETRY_LOG = RetryWarningsOncePerOutage()
logging.getLogger("urllib3.connectionpool").addFilter(RETRY_LOG)


def make_session(
    retries: int = 2, backoff: float = 0.25, verify: bool | str = True
) -> requests.Session:
    """A :class:`requests.Session` that retries idempotent requests with backoff."""
    session = requests.Session()
    retry = Retry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        backoff_factor=backoff,
        backoff_max=2.0,
        status_forcelist=(502, 504),
        allowed_methods=frozenset({"GET", "HEAD"}),
        raise_on_status=False,
        respect_retry_after_header=False,
    )
    adapter = HTTPAdapter(max_retries=retry, pool_connections=2, pool_maxsize=4)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.verify = verify
    session.headers["User-Agent"] = USER_AGENT
    session.trust_env = False
    return session


def describe_http_error(backend: str, exc: Exception, timeout: tuple[float, float]) -> SourceError:
    """Turn a requests exception into one clear line."""
    if isinstance(exc, requests.exceptions.SSLError):
        return SourceError(backend, f"TLS certificate not trusted ({exc.__class__.__name__})")
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return SourceError(backend, f"no answer within {timeout[0]:g} s (connect timeout)")
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    if isinstance(exc, requests.exceptions.ReadTimeout) or isinstance(reason, ReadTimeoutError):
        return SourceError(backend, f"no answer within {timeout[1]:g} s (read timeout)")
    if isinstance(exc, requests.exceptions.ConnectionError):
        return SourceError(backend, "cannot connect (server down or wrong URL)")
    if isinstance(exc, requests.exceptions.InvalidURL | requests.exceptions.MissingSchema):
        return SourceError(backend, "invalid URL")
    return SourceError(backend, f"request failed ({exc.__class__.__name__})")


class HubApiSource(Source):
    """Reads the hub API (``http(s)://host[:port][/prefix]``)."""

    backend = "hub API"
    kinds = ("site", "racks", "gpus", "power", "jobs", "events")

    def __init__(
        self,
        url: str,
        token: str | None = None,
        timeout: tuple[float, float] = (2.0, 5.0),
        retries: int = 2,
        verify: bool | str = True,
        **_: Any,
    ) -> None:
        super().__init__(url)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not a hub API URL: {url!r}")
        self._base = url.rstrip("/")
        self._token = token
        self._jobs = JobQueueFollower()  # after the first poll, only changed jobs travel
        self.timeout = timeout
        self.session = make_session(retries=retries, verify=verify)
        if parts.hostname in ("127.0.0.1", "localhost", "::1"):
            # On loopback, compressing costs both ends more time than it saves.
            self.session.headers["Accept-Encoding"] = "identity"
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def __repr__(self) -> str:  # never shows the token
        return f"HubApiSource({self.display_url!r})"

    def get_json(self, path: str, params: dict[str, Any] | None = None) -> Any:
        """GET ``path`` and parse JSON; SourceError on transport, HTTP or JSON errors."""
        url = f"{self._base}{path}"
        try:
            response = self.session.get(url, params=params, timeout=self.timeout)
        except requests.exceptions.RequestException as exc:
            raise describe_http_error(self.backend, exc, self.timeout) from None
        RETRY_LOG.answered()
        if response.status_code == 401 or response.status_code == 403:
            raise SourceError(
                self.backend,
                f"HTTP {response.status_code}: token refused (check HUB_TOKEN or the config file)",
                auth=True,
            )
        if response.status_code >= 400:
            detail = ""
            try:
                body = response.json()
                if isinstance(body, dict) and isinstance(body.get("error"), str):
                    detail = f": {body['error'][:200]}"
            except ValueError:
                pass
            raise SourceError(self.backend, f"HTTP {response.status_code} on {path}{detail}")
        try:
            # Parsed in pieces so a 2 MB document never holds the GUI thread up in one C call.
            return loads_json(response.content)
        except (ValueError, json.JSONDecodeError):
            raise SourceError(self.backend, f"invalid JSON from {path}") from None

    def fetch(self, kind: str, context: FetchContext) -> Snapshot:
        try:
            return self._fetch(kind, context)
        except DataError as exc:
            raise SourceError(self.backend, str(exc)) from None

    def _fetch(self, kind: str, context: FetchContext) -> Snapshot:
        if kind == "site":
            return decode_site(self.get_json("/api/v1/site"))
        if kind == "racks":
            if context.topology is None:
                raise SourceError(self.backend, "rack telemetry before topology")
            return decode_racks(self.get_json("/api/v1/racks"), context.topology)
        if kind == "gpus":
            return decode_unhealthy(self.get_json("/api/v1/gpus/unhealthy"))
        if kind == "power":
            end = time.time()
            start = context.power_since if context.power_since else end - context.power_window_s
            params = {"start": f"{start:.3f}", "end": f"{end + 60:.3f}", "step": "10"}
            return decode_power(self.get_json("/api/v1/power", params))
        if kind == "jobs":
            params = self._jobs.params()
            try:
                return self._jobs.take(self.get_json("/api/v1/jobs", params or None))
            except DataError as exc:
                if not params:
                    raise
                # Changes that do not apply: take the whole queue at once instead.
                log.info("%s: %s; fetching the whole job queue", self.display_url, exc)
                return self._jobs.take(self.get_json("/api/v1/jobs"))
        if kind == "events":
            return decode_events(
                self.get_json("/api/v1/events", {"since": str(context.last_event_id)})
            )
        raise SourceError(self.backend, f"cannot deliver {kind!r}")

    def fetch_rack(self, rack_id: str) -> RackDetailSnapshot:
        try:
            return decode_rack_detail(self.get_json(f"/api/v1/racks/{quote(rack_id, safe='')}"))
        except DataError as exc:
            raise SourceError(self.backend, str(exc)) from None

    def close(self) -> None:
        self.session.close()
