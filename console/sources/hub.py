"""The hub API client: HTTP(S), token auth, timeouts, retries with backoff, and every
answer bounded in time and size (:mod:`console.sources.http`)."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlsplit

from console.contract import FORECAST_MAX_HOURS
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
from console.forecast import WHOLE, ForecastSnapshot, decode_forecast
from console.model import RackDetailSnapshot, Snapshot
from console.shiftlog.client import LogClient, read_pages
from console.shiftlog.decode import decode_log
from console.shiftlog.model import LogSnapshot
from console.sources.base import DECODE_GATE, FetchContext, Source, SourceError
from console.sources.http import (
    HUB_LIMITS,
    USER_AGENT,
    Limits,
    close_session,
    describe_http_error,
    fetch,
    make_session,
    redact,
    remember_secret,
    split_credentials,
)
from console.sources.jobqueue import JobQueueFollower

log = logging.getLogger(__name__)

LOG_PAGES_PER_POLL = 10
"""Most pages of the shift log one poll reads (1000 entries a page); the next poll goes on."""
NO_SHIFT_LOG = "this hub keeps no shift log"
NO_FORECAST = "this hub serves no forecast (it answered 404 for /api/v1/forecast)"

__all__ = ["RETRY_LOG", "USER_AGENT", "HubApiSource", "describe_http_error", "make_session"]


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


def _decoded(decode: Callable[..., Snapshot], *args: Any) -> Snapshot:
    """``decode(*args)`` holding the decode gate (one lane decodes at a time)."""
    with DECODE_GATE:
        return decode(*args)


class HubApiSource(Source):
    """Reads the hub API (``http(s)://host[:port][/prefix]``)."""

    backend = "hub API"
    concurrent_kinds = True
    kinds: tuple[str, ...] = ("site", "racks", "gpus", "power", "jobs", "events", "log",
                              "forecast")
    """``log`` leaves an instance's kinds once the hub answered that it keeps no shift log,
    ``forecast`` once it answered that it serves no forecast."""

    def __init__(
        self,
        url: str,
        token: str | None = None,
        timeout: tuple[float, float] = HUB_LIMITS.timeout,
        retries: int = 2,
        verify: bool | str = True,
        deadline_s: float = HUB_LIMITS.deadline_s,
        max_body_mb: float = HUB_LIMITS.max_body_mb,
        auth: tuple[str, str] | None = None,
        **_: Any,
    ) -> None:
        url, url_auth = split_credentials(url)  # a password is used, never kept in the URL
        super().__init__(url)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not a hub API URL: {self.display_url!r}")
        self._base = url.rstrip("/")
        self._token = token
        remember_secret(token)
        self._jobs = JobQueueFollower()  # after the first poll, only changed jobs travel
        self.log_rev = 0
        """The shift log's revision read up to: the next poll asks for what changed since."""
        self._log_absent = False
        self._log_lock = threading.Lock()
        self.limits = Limits(
            (float(timeout[0]), float(timeout[1])), float(deadline_s), float(max_body_mb)
        )
        auth = auth or url_auth
        if auth is not None and token:
            log.warning("%s: a hub token is set; the password given with the URL is not used",
                        self.display_url)
            auth = None
        # Each kind is fetched on a lane of its own (and the rack detail on another): a
        # connection kept for each, so none is dropped and opened again at every poll.
        self.session = make_session(retries=retries, verify=verify, auth=auth,
                                    pool_maxsize=len(self.kinds) + 4)
        if parts.hostname in ("127.0.0.1", "localhost", "::1"):
            # On loopback, compressing costs both ends more time than it saves.
            self.session.headers["Accept-Encoding"] = "identity"
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def __repr__(self) -> str:  # never shows the token
        return f"HubApiSource({self.display_url!r})"

    @property
    def timeout(self) -> tuple[float, float]:
        """``requests``' (connect, read) timeouts."""
        return self.limits.timeout

    def get_json(
        self, path: str, params: dict[str, Any] | None = None, *, missing_ok: bool = False
    ) -> Any:
        """GET ``path`` and parse JSON; SourceError on transport, HTTP or JSON errors, and
        for an answer past the deadline or the size cap (``missing_ok``: None for 404)."""
        url = f"{self._base}{path}"
        response = fetch(
            self.session, url, backend=self.backend, what=path, limits=self.limits, params=params
        )
        RETRY_LOG.answered()
        if response.status_code == 401 or response.status_code == 403:
            raise SourceError(
                self.backend,
                f"HTTP {response.status_code}: token refused (check HUB_TOKEN or the config file)",
                auth=True,
            )
        if response.status_code == 404 and missing_ok:
            return None
        if response.status_code >= 400:
            detail = ""
            try:
                body = response.json()
                if isinstance(body, dict) and isinstance(body.get("error"), str):
                    detail = f": {redact(body['error'])[:200]}"
            except ValueError:
                pass
            raise SourceError(self.backend, f"HTTP {response.status_code} on {path}{detail}")
        try:
            # Parsed in pieces so a 2 MB document never holds the GUI thread up in one C call.
            with DECODE_GATE:
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
            return _decoded(decode_site, self.get_json("/api/v1/site"))
        if kind == "racks":
            if context.topology is None:
                raise SourceError(self.backend, "rack telemetry before topology")
            return _decoded(decode_racks, self.get_json("/api/v1/racks"), context.topology)
        if kind == "gpus":
            return _decoded(decode_unhealthy, self.get_json("/api/v1/gpus/unhealthy"))
        if kind == "power":
            end = time.time()
            start = context.power_since if context.power_since else end - context.power_window_s
            params = {"start": f"{start:.3f}", "end": f"{end + 60:.3f}", "step": "10"}
            return _decoded(decode_power, self.get_json("/api/v1/power", params))
        if kind == "jobs":
            params = self._jobs.params()
            try:
                return _decoded(self._jobs.take, self.get_json("/api/v1/jobs", params or None))
            except DataError as exc:
                if not params:
                    raise
                # Changes that do not apply: take the whole queue at once instead.
                log.info("%s: %s; fetching the whole job queue", self.display_url, exc)
                return _decoded(self._jobs.take, self.get_json("/api/v1/jobs"))
        if kind == "events":
            return _decoded(
                decode_events,
                self.get_json("/api/v1/events", {"since": str(context.last_event_id)}),
            )
        if kind == "log":
            return self._fetch_log()
        if kind == "forecast":
            return self._fetch_forecast()
        raise SourceError(self.backend, f"cannot deliver {kind!r}")

    def _fetch_log(self) -> LogSnapshot:
        """Shift-log entries written or cleared since the last poll (:attr:`log_rev`). A hub
        without the log says so once (SourceError); from then on ``log`` is not in this
        source's kinds and is never asked again (an empty snapshot, no request)."""
        with self._log_lock:
            if self._log_absent:
                return LogSnapshot(time=time.time(), rev=self.log_rev)

            def page(since: int) -> LogSnapshot:
                payload = self.get_json("/api/v1/log", {"since_rev": str(since)},
                                        missing_ok=True)
                if payload is None:
                    self._log_absent = True
                    self.kinds = tuple(k for k in self.kinds if k != "log")
                    log.info("%s: %s", self.display_url, NO_SHIFT_LOG)
                    raise SourceError(self.backend, NO_SHIFT_LOG)
                return decode_log(payload)

            snap = read_pages(page, self.log_rev, LOG_PAGES_PER_POLL, self.display_url)
            self.log_rev = snap.rev
            return snap

    def _fetch_forecast(self) -> ForecastSnapshot:
        """The hub's latest forecast, :data:`FORECAST_MAX_HOURS` ahead. A hub without the
        endpoint (404) says so once (SourceError); from then on ``forecast`` is not in this
        source's kinds and each fetch is an empty forecast that says why, with no request
        (the chart shows the forecast absent, with that reason)."""
        if "forecast" not in self.kinds:
            return ForecastSnapshot(time=time.time(), flags={WHOLE: NO_FORECAST})
        payload = self.get_json("/api/v1/forecast", {"hours": str(FORECAST_MAX_HOURS)},
                                missing_ok=True)
        if payload is None:
            self.kinds = tuple(k for k in self.kinds if k != "forecast")
            log.info("%s: %s", self.display_url, NO_FORECAST)
            raise SourceError(self.backend, NO_FORECAST)
        snap = _decoded(decode_forecast, payload)
        assert isinstance(snap, ForecastSnapshot)
        return snap

    def log_client(self) -> LogClient:
        """A client of this hub's shift log, for the console's writes (with this source's
        token, TLS and limits). Ask after :meth:`start`: a simulated hub's address is
        known then."""
        auth = None if self._token else self.session.auth
        return LogClient(self._base, token=self._token, verify=self.session.verify,
                         limits=self.limits, auth=auth if isinstance(auth, tuple) else None)

    def fetch_rack(self, rack_id: str) -> RackDetailSnapshot:
        try:
            return decode_rack_detail(self.get_json(f"/api/v1/racks/{quote(rack_id, safe='')}"))
        except DataError as exc:
            raise SourceError(self.backend, str(exc)) from None

    def close(self) -> None:
        close_session(self.session)
