"""Grid carbon intensity from the Electricity Maps API (optional): the latest value and the
forecast of one zone (Morocco: ``MA``).

Configured in ``[carbon]`` (README "Configuration", docs/CARBON.md)::

    [carbon]
    electricitymaps_token = "..."     # or the environment: ELECTRICITYMAPS_TOKEN
    zone = "MA"                       # default
    electricitymaps_url = "https://api.electricitymaps.com/v3"   # default

The API (v3) as documented: ``GET /carbon-intensity/latest?zone=MA`` answers ``{"zone",
"carbonIntensity", "datetime", "updatedAt", "emissionFactorType", "isEstimated", ...}``
and ``GET /carbon-intensity/forecast?zone=MA`` answers ``{"zone", "forecast":
[{"carbonIntensity", "datetime"}, ...], "updatedAt"}``; times are ISO 8601 (UTC),
intensities gCO2eq/kWh (life cycle unless the account asks for direct). The token travels
in the ``auth-token`` header only: it is remembered as a secret (``redact`` takes it out of
any text that came back), never logged, never in an error line. TLS is verified unless
``verify_tls`` names a CA bundle or is false; every request is bounded in time and size
(:func:`console.sources.http.fetch`). Each failure is one line (:class:`SourceError`):
the token refused (401), no access to the zone (403), the zone unknown (404), too many
requests (429), an answer that is not JSON or not of the documented shape, a value that
is not a finite intensity in 0..2000, no answer within the deadline.

:class:`GridCarbonFeed` is what a session uses: the zone's latest value for carbon
accounting (:func:`console.carbon.grid_carbon`) and its forecast merged into the console's
forecast (:func:`console.carbon_forecast.merge_grid_carbon`), each asked at most once per
``refresh_s`` (the API's values change hourly).
"""

from __future__ import annotations

import json
import logging
import math
import os
import threading
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from console.carbon import (
    GRID_CARBON_MAX_G_PER_KWH,
    GRID_CARBON_ZONE,
    ZONE_PATTERN,
    GridCarbon,
    grid_carbon,
)
from console.carbon_forecast import ZoneForecast, merge_grid_carbon
from console.forecast import ForecastSnapshot
from console.sources.base import SourceError
from console.sources.http import (
    Limits,
    close_session,
    fetch,
    limits_from,
    make_session,
    redact,
    remember_secret,
)

log = logging.getLogger(__name__)

BACKEND = "Electricity Maps"
DEFAULT_URL = "https://api.electricitymaps.com/v3"
TOKEN_ENV = "ELECTRICITYMAPS_TOKEN"
"""The environment variable read for the token when ``[carbon]`` gives none."""
TOKEN_HEADER = "auth-token"
"""The request header the API reads the token from."""
ELECTRICITYMAPS_LIMITS = Limits((3.0, 10.0), 15.0, 1.0)
"""One answer: a 72 h hourly forecast is about 5 kB."""
REFRESH_S = 900.0
"""Seconds between two requests of the same endpoint by :class:`GridCarbonFeed`."""
MAX_POINTS = 1000
"""Most forecast points read (the API gives up to 72 hourly points)."""


def parse_time(value: Any, what: str) -> float:
    """An ISO 8601 time of the API (``2024-05-21T10:00:00.000Z``) as epoch seconds; a time
    without a zone is UTC. SourceError naming ``what`` when it is not one."""
    if not isinstance(value, str) or len(value) > 64:
        raise SourceError(BACKEND, f"{what}: no time (ISO 8601) in the answer")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise SourceError(BACKEND, f"{what}: {value[:40]!r} is not an ISO 8601 time") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


def check_value(value: Any, what: str) -> float:
    """A carbon intensity of the API: a finite number of gCO2eq/kWh in 0..2000."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SourceError(BACKEND, f"{what}: carbonIntensity {str(value)[:40]!r} is not a number")
    number = float(value)
    if not math.isfinite(number) or not 0.0 <= number <= GRID_CARBON_MAX_G_PER_KWH:
        raise SourceError(BACKEND, f"{what}: carbonIntensity {number:g} is outside 0 to "
                                   f"{GRID_CARBON_MAX_G_PER_KWH:g} gCO2eq/kWh; refused")
    return number


class ElectricityMapsClient:
    """The carbon intensity of one zone from the Electricity Maps API (v3).

    :meth:`latest` and :meth:`forecast` raise :class:`SourceError` (one line, never the
    token) on any failure. Safe to call from one thread at a time.
    """

    def __init__(
        self,
        token: str,
        zone: str = GRID_CARBON_ZONE,
        url: str = DEFAULT_URL,
        *,
        verify: bool | str = True,
        limits: Limits = ELECTRICITYMAPS_LIMITS,
        retries: int = 1,
    ) -> None:
        if not token or not token.strip():
            raise ValueError("an Electricity Maps token is needed")
        if not ZONE_PATTERN.match(zone):
            raise ValueError(f"{zone!r} is not an Electricity Maps zone (e.g. MA, US-CAL-CISO)")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an Electricity Maps API URL: {redact(url)!r}")
        if parts.username or parts.password:
            raise ValueError("the Electricity Maps URL takes no user or password (the token "
                             "goes in [carbon] electricitymaps_token)")
        self.zone = zone
        self.url = url.rstrip("/")
        self.limits = limits
        self._token = token.strip()
        remember_secret(self._token)
        self.session = make_session(retries=retries, verify=verify, pool_maxsize=2)
        self.session.headers[TOKEN_HEADER] = self._token

    def __repr__(self) -> str:  # never shows the token
        return f"ElectricityMapsClient({self.url!r}, zone={self.zone!r})"

    def _get(self, path: str) -> Mapping[str, Any]:
        what = f"{path}?zone={self.zone}"
        response = fetch(self.session, f"{self.url}{path}", backend=BACKEND, what=what,
                         limits=self.limits, params={"zone": self.zone})
        status = response.status_code
        if status >= 400:
            raise SourceError(BACKEND, self._status_line(status, response.content, what),
                              auth=status in (401, 403))
        try:
            payload = json.loads(response.content)
        except (ValueError, UnicodeDecodeError):
            raise SourceError(BACKEND, f"the answer to {what} is not JSON") from None
        if not isinstance(payload, Mapping):
            raise SourceError(BACKEND, f"the answer to {what} is not a JSON object")
        zone = payload.get("zone")
        if zone is not None and zone != self.zone:
            raise SourceError(BACKEND, f"asked for zone {self.zone}, the answer is for "
                                       f"{redact(str(zone))[:40]!r}")
        return payload

    def _status_line(self, status: int, body: bytes, what: str) -> str:
        detail = ""
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            data = None
        if isinstance(data, Mapping):
            for key in ("error", "message"):
                if isinstance(data.get(key), str) and data[key].strip():
                    detail = " (" + " ".join(redact(data[key]).split())[:160] + ")"
                    break
        if status == 401:
            return (f"HTTP 401: token refused (check [carbon] electricitymaps_token or "
                    f"{TOKEN_ENV}){detail}")
        if status == 403:
            return f"HTTP 403: the token has no access to zone {self.zone} on {what}{detail}"
        if status == 404:
            return f"HTTP 404: zone {self.zone} unknown to Electricity Maps{detail}"
        if status == 429:
            return f"HTTP 429: too many requests; asked again later{detail}"
        return f"HTTP {status} on {what}{detail}"

    def latest_answer(self) -> tuple[float, float, bool | None]:
        """``(time, gCO2eq/kWh, isEstimated)`` of the zone's latest value."""
        what = f"latest carbon intensity of {self.zone}"
        payload = self._get("/carbon-intensity/latest")
        value = payload.get("carbonIntensity")
        if value is None:
            raise SourceError(BACKEND, f"{what}: no carbonIntensity in the answer")
        g = check_value(value, what)
        when = parse_time(payload.get("datetime"), what)
        estimated = payload.get("isEstimated")
        return when, g, estimated if isinstance(estimated, bool) else None

    def latest(self) -> tuple[float, float]:
        """``(time, gCO2eq/kWh)``: the zone's latest carbon intensity."""
        when, g, _estimated = self.latest_answer()
        return when, g

    def forecast_answer(self) -> ZoneForecast:
        """The zone's forecast: points in time order (a point whose intensity is null is
        left out), and when it was updated."""
        what = f"carbon intensity forecast of {self.zone}"
        payload = self._get("/carbon-intensity/forecast")
        raw = payload.get("forecast")
        if not isinstance(raw, list):
            raise SourceError(BACKEND, f"{what}: no 'forecast' list in the answer")
        if len(raw) > MAX_POINTS:
            raise SourceError(BACKEND, f"{what}: {len(raw):,} points; at most {MAX_POINTS:,} "
                                       "are read")
        points: dict[float, float] = {}
        for i, item in enumerate(raw):
            if not isinstance(item, Mapping):
                raise SourceError(BACKEND, f"{what}: point {i} is not an object")
            when = parse_time(item.get("datetime"), f"{what}, point {i}")
            if item.get("carbonIntensity") is None:
                continue
            points[when] = check_value(item.get("carbonIntensity"), f"{what}, point {i}")
        updated = payload.get("updatedAt")
        return ZoneForecast(
            zone=self.zone,
            updated=parse_time(updated, what) if updated is not None else None,
            points=tuple(sorted(points.items())),
        )

    def forecast(self) -> list[tuple[float, float]]:
        """``[(time, gCO2eq/kWh), ...]`` in time order: the zone's forecast."""
        return list(self.forecast_answer().points)

    def close(self) -> None:
        close_session(self.session)


def client_from_settings(
    table: Mapping[str, Any], env: Mapping[str, str] | None = None
) -> ElectricityMapsClient | None:
    """The client ``[carbon]`` asks for, or None when no token is configured (in the table
    or :data:`TOKEN_ENV`). ValueError for a table the client cannot use."""
    env = os.environ if env is None else env
    token = table.get("electricitymaps_token") or env.get(TOKEN_ENV)
    if not token:
        return None
    verify = table.get("verify_tls", True)
    if not isinstance(verify, bool | str):
        raise ValueError("[carbon] verify_tls must be true, false or a CA bundle's path")
    return ElectricityMapsClient(
        str(token),
        zone=str(table.get("zone", GRID_CARBON_ZONE)),
        url=str(table.get("electricitymaps_url", DEFAULT_URL)),
        verify=verify,
        limits=limits_from(table, ELECTRICITYMAPS_LIMITS, "[carbon] "),
    )


class GridCarbonFeed:
    """The zone's latest value and forecast for a session, each fetched at most once per
    ``refresh_s`` (kept in between; a failure is kept too, and asked again only after
    ``refresh_s``). Thread-safe; never raises from :meth:`grid_carbon` or
    :meth:`forecast_into`: the reason of the last failure is :attr:`error`."""

    def __init__(
        self,
        client: ElectricityMapsClient,
        table: Mapping[str, Any] | None = None,
        refresh_s: float = REFRESH_S,
        clock: Any = time.time,
    ) -> None:
        self.client = client
        self.table = dict(table or {})
        self.refresh_s = refresh_s
        self._clock = clock
        self._lock = threading.Lock()
        self._latest: tuple[float, float] | None = None
        self._latest_at = -math.inf
        self._forecast: ZoneForecast | None = None
        self._forecast_at = -math.inf
        self.error: str | None = None
        """The last failure's line (None after a success)."""

    def _note(self, exc: SourceError) -> None:
        line = redact(str(exc))
        if line != self.error:
            log.warning("%s", line)
        self.error = line

    def latest(self) -> tuple[float, float] | None:
        """The zone's latest ``(time, gCO2eq/kWh)``, asked again once ``refresh_s`` passed;
        None when it was never had."""
        with self._lock:
            now = self._clock()
            if now - self._latest_at >= self.refresh_s:
                self._latest_at = now
                try:
                    self._latest = self.client.latest()
                    self.error = None
                except SourceError as exc:
                    self._note(exc)
            return self._latest

    def zone_forecast(self) -> ZoneForecast | None:
        """The zone's forecast, asked again once ``refresh_s`` passed; None when never had."""
        with self._lock:
            now = self._clock()
            if now - self._forecast_at >= self.refresh_s:
                self._forecast_at = now
                try:
                    self._forecast = self.client.forecast_answer()
                    self.error = None
                except SourceError as exc:
                    self._note(exc)
            return self._forecast

    def grid_carbon(self, now: float | None = None) -> GridCarbon:
        """The grid carbon intensity to account with where the site's series gives none
        (:func:`console.carbon.grid_carbon`): the zone's latest value while recent, else
        ``[carbon] grid_g_per_kwh``, else the cited default."""
        now = self._clock() if now is None else now
        return grid_carbon(self.table, self.latest(), now)

    def forecast_into(
        self, forecast: ForecastSnapshot | None, now: float | None = None
    ) -> ForecastSnapshot | None:
        """``forecast`` with the zone's forecast as its grid carbon band
        (:func:`~console.carbon_forecast.merge_grid_carbon`); ``forecast`` unchanged while
        the zone's forecast cannot be had."""
        now = self._clock() if now is None else now
        zone = self.zone_forecast()
        if zone is None or not zone.points:
            return forecast
        return merge_grid_carbon(forecast, zone, now)

    def close(self) -> None:
        self.client.close()


def feed_from_settings(
    table: Mapping[str, Any], env: Mapping[str, str] | None = None
) -> GridCarbonFeed | None:
    """The feed of ``[carbon]``, or None when no Electricity Maps token is configured."""
    client = client_from_settings(table, env)
    if client is None:
        return None
    refresh = table.get("refresh_s", REFRESH_S)
    return GridCarbonFeed(client, table, float(refresh))
