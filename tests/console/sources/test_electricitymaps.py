"""The Electricity Maps client against a local stand-in answering in the API's documented
shapes (v3 ``/carbon-intensity/latest`` and ``/carbon-intensity/forecast``): values read,
each failure one clear line (401, 403, 404, 429, garbage, out of range, past the deadline),
the token sent in ``auth-token`` and never in logs or error text; the feed for a session."""

from __future__ import annotations

import json
import logging
import math
import threading
from datetime import UTC, datetime
from typing import Any

import pytest

from console.carbon import GRID_CARBON_G_PER_KWH, ORIGIN_CONFIG, ORIGIN_DEFAULT, ORIGIN_LIVE
from console.forecast import ForecastSnapshot
from console.sources.base import SourceError
from console.sources.electricitymaps import (
    DEFAULT_URL,
    ElectricityMapsClient,
    GridCarbonFeed,
    client_from_settings,
    feed_from_settings,
)
from console.sources.http import Limits
from tests.backend_http import FakeBackend, Request, json_reply

TOKEN = "em-T0ken-9f8e7d6c"
LATEST_PATH = "/v3/carbon-intensity/latest"
FORECAST_PATH = "/v3/carbon-intensity/forecast"
HOUR = 3600.0
T0 = datetime(2026, 11, 29, 21, 0, tzinfo=UTC).timestamp()


def iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


LATEST = {  # as documented for GET /v3/carbon-intensity/latest
    "zone": "MA",
    "carbonIntensity": 612,
    "datetime": iso(T0),
    "updatedAt": iso(T0 + 300),
    "createdAt": iso(T0 - 86_400),
    "emissionFactorType": "lifecycle",
    "isEstimated": True,
    "estimationMethod": "TIME_SLICER_AVERAGE",
}
FORECAST = {  # as documented for GET /v3/carbon-intensity/forecast
    "zone": "MA",
    "forecast": [{"carbonIntensity": 600 - 10 * i, "datetime": iso(T0 + i * HOUR)}
                 for i in range(24)],
    "updatedAt": iso(T0 + 300),
}


def stand_in(latest: Any = None, forecast: Any = None) -> FakeBackend:
    def route(body: Any) -> Any:
        if callable(body):
            return body
        return json_reply(json.dumps(body))

    return FakeBackend({LATEST_PATH: route(LATEST if latest is None else latest),
                        FORECAST_PATH: route(FORECAST if forecast is None else forecast)})


def client_on(backend: FakeBackend, **options: Any) -> ElectricityMapsClient:
    return ElectricityMapsClient(TOKEN, "MA", backend.url + "/v3", **options)


def test_latest_and_forecast_in_the_documented_shapes() -> None:
    seen: list[Request] = []

    def latest(request: Request) -> Any:
        seen.append(request)
        return json_reply(json.dumps(LATEST))

    backend = stand_in(latest=latest)
    with backend:
        client = client_on(backend)
        try:
            assert client.latest() == (T0, 612.0)
            assert client.latest_answer() == (T0, 612.0, True)
            points = client.forecast()
            answer = client.forecast_answer()
        finally:
            client.close()
    assert points[0] == (T0, 600.0) and points[-1] == (T0 + 23 * HOUR, 370.0)
    assert len(points) == 24 and answer.updated == T0 + 300 and answer.zone == "MA"
    request = seen[0]
    assert request.params == {"zone": ["MA"]}
    assert request.headers.get("auth-token") == TOKEN
    assert "Authorization" not in request.headers


def test_forecast_leaves_out_null_points_and_sorts() -> None:
    shuffled = {"zone": "MA", "updatedAt": iso(T0),
                "forecast": [{"carbonIntensity": 500, "datetime": iso(T0 + 2 * HOUR)},
                             {"carbonIntensity": None, "datetime": iso(T0 + HOUR)},
                             {"carbonIntensity": 550.5, "datetime": iso(T0)}]}
    backend = stand_in(forecast=shuffled)
    with backend:
        client = client_on(backend)
        assert client.forecast() == [(T0, 550.5), (T0 + 2 * HOUR, 500.0)]
        client.close()


@pytest.mark.parametrize(
    ("status", "body", "line"),
    [
        (401, {"error": "Invalid auth-token"},
         "Electricity Maps: HTTP 401: token refused (check [carbon] electricitymaps_token or "
         "ELECTRICITYMAPS_TOKEN) (Invalid auth-token)"),
        (403, {"message": "Zone not available with this plan"},
         "Electricity Maps: HTTP 403: the token has no access to zone MA on "
         "/carbon-intensity/latest?zone=MA (Zone not available with this plan)"),
        (404, {"error": "Zone 'MA' does not exist"},
         "Electricity Maps: HTTP 404: zone MA unknown to Electricity Maps (Zone 'MA' does not "
         "exist)"),
        (429, "Too Many Requests", "Electricity Maps: HTTP 429: too many requests; asked again "
                                   "later"),
        (500, {"error": f"upstream refused {TOKEN}"},
         "Electricity Maps: HTTP 500 on /carbon-intensity/latest?zone=MA (upstream refused ***)"),
    ],
)
def test_http_errors_are_one_line_without_the_token(
    status: int, body: Any, line: str, caplog: pytest.LogCaptureFixture
) -> None:
    raw = body if isinstance(body, str) else json.dumps(body)
    backend = FakeBackend({LATEST_PATH: json_reply(raw, status)})
    caplog.set_level(logging.DEBUG)
    with backend:
        client = client_on(backend)
        with pytest.raises(SourceError) as err:
            client.latest()
        client.close()
    assert str(err.value) == line
    assert err.value.auth is (status in (401, 403))
    assert TOKEN not in caplog.text and TOKEN not in str(err.value)


@pytest.mark.parametrize(
    ("latest", "needle"),
    [
        (b"<html>bad gateway</html>", "the answer to /carbon-intensity/latest?zone=MA is not JSON"),
        ([1, 2, 3], "is not a JSON object"),
        ({**LATEST, "zone": "ES"}, "asked for zone MA, the answer is for 'ES'"),
        ({**LATEST, "carbonIntensity": None}, "no carbonIntensity in the answer"),
        ({**LATEST, "carbonIntensity": "612"}, "carbonIntensity '612' is not a number"),
        ({**LATEST, "carbonIntensity": -3}, "carbonIntensity -3 is outside 0 to 2000"),
        ({**LATEST, "carbonIntensity": 25_000}, "carbonIntensity 25000 is outside 0 to 2000"),
        (b'{"zone": "MA", "carbonIntensity": NaN, "datetime": "2026-11-29T21:00:00Z"}',
         "carbonIntensity nan is outside 0 to 2000"),
        ({**LATEST, "datetime": "yesterday"}, "'yesterday' is not an ISO 8601 time"),
        ({**LATEST, "datetime": None}, "no time (ISO 8601) in the answer"),
    ],
)
def test_garbage_is_refused_in_one_line(latest: Any, needle: str) -> None:
    raw = latest if isinstance(latest, bytes) else json.dumps(latest).encode()
    backend = FakeBackend({LATEST_PATH: json_reply(raw)})
    with backend:
        client = client_on(backend)
        with pytest.raises(SourceError) as err:
            client.latest()
        client.close()
    assert needle in str(err.value) and "\n" not in str(err.value)
    assert str(err.value).startswith("Electricity Maps: ")


@pytest.mark.parametrize(
    ("forecast", "needle"),
    [
        ({"zone": "MA", "updatedAt": iso(T0)}, "no 'forecast' list in the answer"),
        ({"zone": "MA", "forecast": [7]}, "point 0 is not an object"),
        ({"zone": "MA", "forecast": [{"carbonIntensity": math.inf, "datetime": iso(T0)}]},
         "point 0: carbonIntensity inf is outside 0 to 2000"),
        ({"zone": "MA", "forecast": [{"carbonIntensity": 1, "datetime": iso(T0)}] * 1001},
         "1,001 points; at most 1,000 are read"),
    ],
)
def test_forecast_garbage_is_refused(forecast: Any, needle: str) -> None:
    backend = stand_in(forecast=forecast)
    with backend:
        client = client_on(backend)
        with pytest.raises(SourceError) as err:
            client.forecast()
        client.close()
    assert needle in str(err.value)


def test_slow_answer_is_cut_at_the_deadline() -> None:
    release = threading.Event()

    def slow(_: Request) -> Any:
        release.wait(10)
        return json_reply(json.dumps(LATEST))

    backend = FakeBackend({LATEST_PATH: slow})
    with backend:
        client = client_on(backend, limits=Limits((1.0, 5.0), 0.5, 1.0))
        try:
            with pytest.raises(SourceError) as err:
                client.latest()
        finally:
            release.set()
            client.close()
    assert str(err.value) == ("Electricity Maps: answer from /carbon-intensity/latest?zone=MA "
                              "took longer than 0.5 s (deadline); refused")


def test_server_down_is_one_line() -> None:
    backend = FakeBackend({})
    url = backend.url
    backend.server.server_close()
    client = ElectricityMapsClient(TOKEN, "MA", url + "/v3", retries=0)
    with pytest.raises(SourceError) as err:
        client.latest()
    client.close()
    assert str(err.value) == "Electricity Maps: cannot connect (server down or wrong URL)"


def test_token_never_logged_nor_shown(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    backend = stand_in()
    with backend:
        client = client_on(backend)
        client.latest()
        client.forecast()
        client.close()
    assert TOKEN not in caplog.text
    assert TOKEN not in repr(client)
    with pytest.raises(ValueError) as bad:
        ElectricityMapsClient(TOKEN, "MA", f"https://user:{TOKEN}@api.example.org/v3")
    assert TOKEN not in str(bad.value)


def test_client_checks_what_it_is_given() -> None:
    with pytest.raises(ValueError, match="token is needed"):
        ElectricityMapsClient("  ")
    with pytest.raises(ValueError, match="not an Electricity Maps zone"):
        ElectricityMapsClient(TOKEN, "ma")
    with pytest.raises(ValueError, match="not an Electricity Maps API URL"):
        ElectricityMapsClient(TOKEN, "MA", "ftp://example.org")
    client = ElectricityMapsClient(TOKEN)
    assert client.url == DEFAULT_URL and client.zone == "MA"
    assert client.session.verify is True  # TLS verified by default
    client.close()


def test_client_from_settings_and_environment() -> None:
    assert client_from_settings({}, env={}) is None
    from_env = client_from_settings({"zone": "ES"}, env={"ELECTRICITYMAPS_TOKEN": TOKEN})
    assert from_env is not None and from_env.zone == "ES"
    assert from_env.session.headers["auth-token"] == TOKEN
    from_env.close()
    table = {"electricitymaps_token": TOKEN, "electricitymaps_url": "http://127.0.0.1:9/v3",
             "deadline_s": 4, "verify_tls": "/etc/ssl/ca.pem"}
    configured = client_from_settings(table, env={})
    assert configured is not None and configured.url == "http://127.0.0.1:9/v3"
    assert configured.limits.deadline_s == 4.0 and configured.session.verify == "/etc/ssl/ca.pem"
    configured.close()
    assert feed_from_settings({}, env={}) is None


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_feed_asks_once_per_refresh_and_keeps_the_last_value() -> None:
    answers = [json_reply(json.dumps(LATEST)), json_reply("{}", 503)]

    def latest(_: Request) -> Any:
        return answers.pop(0) if len(answers) > 1 else answers[0]

    backend = stand_in(latest=latest)
    clock = Clock(T0 + 600)
    with backend:
        feed = GridCarbonFeed(client_on(backend, retries=0), {"grid_g_per_kwh": 480},
                              refresh_s=900, clock=clock)
        first = feed.grid_carbon()
        again = feed.grid_carbon()  # within refresh_s: no request
        clock.now += 900
        after_failure = feed.grid_carbon()  # asked again, failed: the last value kept
        error = feed.error
        clock.now += 4 * HOUR  # the kept value is now too old: the configured one
        stale = feed.grid_carbon()
        feed.close()
    latest_requests = [r for r in backend.requests if r.path == LATEST_PATH]
    assert first.origin == ORIGIN_LIVE and first.g_per_kwh == 612.0 and first.time == T0
    assert again == first and after_failure == first
    assert error == "Electricity Maps: HTTP 503 on /carbon-intensity/latest?zone=MA"
    assert stale.origin == ORIGIN_CONFIG and stale.g_per_kwh == 480.0
    assert len(latest_requests) == 3  # the first, after refresh_s, after 4 h more


def test_feed_without_an_answer_falls_back_to_the_cited_default() -> None:
    backend = FakeBackend({})
    url = backend.url
    backend.server.server_close()
    feed = GridCarbonFeed(ElectricityMapsClient(TOKEN, "MA", url + "/v3", retries=0))
    carbon = feed.grid_carbon()
    assert carbon.origin == ORIGIN_DEFAULT and carbon.g_per_kwh == GRID_CARBON_G_PER_KWH
    assert feed.forecast_into(None) is None  # no zone forecast: nothing invented
    assert feed.error == "Electricity Maps: cannot connect (server down or wrong URL)"
    feed.close()


def test_feed_merges_the_zone_forecast_into_the_console_forecast() -> None:
    backend = stand_in()
    with backend:
        feed = GridCarbonFeed(client_on(backend), clock=Clock(T0 + 600))
        merged = feed.forecast_into(None)
        feed.close()
    assert isinstance(merged, ForecastSnapshot)
    band = merged.band("grid_carbon_g_per_kwh")
    assert band is not None and merged.t[0] == T0 + HOUR and len(merged) == 23
    assert band.p50[0] == 590.0 and (band.p10 == band.p50).all() and (band.p90 == band.p50).all()
    assert merged.source == "Electricity Maps MA"
