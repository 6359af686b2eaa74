"""The Electricity Maps grid carbon forecast in every live source's forecast kind: the
sources make_source builds are wrapped when [carbon] names a token, a hub forecast's grid
carbon band is replaced by the zone's, a Prometheus site without a forecast gets one of
grid carbon alone, and the token is never logged nor shown. Against a local stand-in of
the Electricity Maps API (its documented v3 shapes) and a simulated hub."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from backend_http import FakeBackend, Request, json_reply
from test_electricitymaps import FORECAST_PATH, LATEST_PATH, TOKEN, iso
from test_prometheus_source import promql

from console.carbon import GRID_CARBON_G_PER_KWH, ORIGIN_LIVE
from console.forecast import WHOLE, ForecastSnapshot
from console.hub.server import HubServer
from console.hub.sim import SimulatedHub
from console.model import Snapshot
from console.settings import load_settings, make_source
from console.sources.base import FetchContext, Source
from console.sources.combined import NO_PROMETHEUS_FORECAST, CombinedSource
from console.sources.electricitymaps import ElectricityMapsClient, GridCarbonFeed
from console.sources.grid_carbon import (
    NOT_YET,
    GridCarbonSource,
    grid_intensity,
    with_grid_carbon,
)
from console.sources.hub import HubApiSource

HOUR = 3600.0
NOW = time.time()
START = NOW - NOW % HOUR  # the zone's points, on the hour, from the last hour on


def zone_value(t: np.ndarray | float) -> np.ndarray | float:
    return 700.0 - (np.asarray(t) - START) / HOUR  # 1 g/kWh less each hour


def stand_in(latest: Any = None, forecast: Any = None) -> FakeBackend:
    """Electricity Maps as documented: 74 hourly points from the last hour on."""
    body = {"zone": "MA", "updatedAt": iso(START + 60), "forecast": [
        {"carbonIntensity": zone_value(START + i * HOUR), "datetime": iso(START + i * HOUR)}
        for i in range(74)]}  # fmt: skip
    now = {"zone": "MA", "carbonIntensity": 612, "datetime": iso(START),
           "updatedAt": iso(START + 60), "isEstimated": True}
    return FakeBackend({LATEST_PATH: latest or json_reply(json.dumps(now)),
                        FORECAST_PATH: forecast or json_reply(json.dumps(body))})


def settings_with(tmp_path: Path, stand: FakeBackend, extra: str = "") -> Any:
    config = tmp_path / "config.toml"
    config.write_text(f'{extra}[carbon]\nelectricitymaps_token = "{TOKEN}"\n'
                      f'electricitymaps_url = "{stand.url}/v3"\n', encoding="utf-8")
    return load_settings(config, env={})


def test_a_hubs_grid_carbon_band_is_the_zones(tmp_path: Path) -> None:
    hub = SimulatedHub("rack", seed=2, faults=False)
    with stand_in() as stand, HubServer(hub, port=0, tick_s=0.5) as server:
        source = make_source(settings_with(tmp_path, stand), server.url)
        try:
            assert isinstance(source, GridCarbonSource)
            assert isinstance(source.inner, HubApiSource) and source.kinds == source.inner.kinds
            assert source.concurrent_kinds == source.inner.concurrent_kinds and source.live
            own = source.inner.fetch("forecast", FetchContext())
            forecast = source.fetch("forecast", FetchContext())
            site = source.fetch("site", FetchContext())  # the other kinds: the hub's own
            carbon = source.grid_carbon()
            intensity = grid_intensity(source, {"grid_g_per_kwh": 500})
        finally:
            source.close()
    assert isinstance(own, ForecastSnapshot) and isinstance(forecast, ForecastSnapshot)
    assert own.band("grid_carbon_g_per_kwh") is not None
    band = forecast.band("grid_carbon_g_per_kwh")
    assert band is not None and np.array_equal(forecast.t, own.t)
    known = np.isfinite(band.p50)
    assert known.sum() >= len(forecast) - 8  # the zone's 73 h cover the hub's 72 h
    assert np.allclose(band.p50[known], zone_value(forecast.t[known]))
    assert (band.p10[known] == band.p50[known]).all() and (band.p90[known] == band.p50[known]).all()
    assert forecast.source == "simulated + Electricity Maps MA"
    assert forecast.renewable() is not None  # the hub's own bands kept
    solar_own, solar = own.band("solar_mw"), forecast.band("solar_mw")
    assert solar_own is not None and solar is not None and np.array_equal(solar.p50, solar_own.p50)
    assert site.kind == "site"
    assert carbon.origin == ORIGIN_LIVE and carbon.g_per_kwh == 612.0
    assert intensity == 612.0  # the zone's latest value, not [carbon]'s, while recent
    assert grid_intensity(Stub(), {"grid_g_per_kwh": 500}) == 500.0
    assert grid_intensity(Stub(), {}) == GRID_CARBON_G_PER_KWH


def test_a_prometheus_site_gets_a_grid_carbon_forecast(tmp_path: Path) -> None:
    prom = FakeBackend({"/api/v1/query": promql({}), "/api/v1/query_range": promql({})})
    with stand_in() as stand, prom:
        extra = f'[prometheus]\nurl = "prometheus+{prom.url}"\n'
        source = make_source(settings_with(tmp_path, stand, extra))
        try:
            assert isinstance(source, GridCarbonSource)
            assert isinstance(source.inner, CombinedSource)
            assert source.prometheus is source.inner.prometheus  # the check reads these
            forecast = source.fetch("forecast", FetchContext())
        finally:
            source.close()
    assert isinstance(forecast, ForecastSnapshot) and WHOLE not in forecast.flags
    band = forecast.band("grid_carbon_g_per_kwh")
    assert band is not None and len(forecast) >= 72
    assert forecast.t[0] > START + 60 and np.allclose(band.p50, zone_value(forecast.t))
    assert forecast.source == "Electricity Maps MA"
    # The site's own fields are absent with the reason they were before.
    assert forecast.why_absent("solar_mw") == NO_PROMETHEUS_FORECAST
    assert forecast.renewable() is None


def test_the_token_is_never_logged_nor_shown(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    seen: list[Request] = []

    def refused(request: Request) -> tuple[int, str, bytes]:
        seen.append(request)
        return json_reply(json.dumps({"error": f"Invalid auth-token {TOKEN}"}), 401)

    hub = SimulatedHub("rack", seed=2, faults=False)
    with stand_in(forecast=refused) as stand, HubServer(hub, port=0, tick_s=0.5) as server:
        settings = settings_with(tmp_path, stand)
        source = make_source(settings, server.url)
        try:
            first = source.fetch("forecast", FetchContext())
            second = source.fetch("forecast", FetchContext())
            shown = [repr(source), source.display_url, str(settings.redacted()), repr(settings)]
        finally:
            source.close()
    assert seen and seen[0].headers.get("auth-token") == TOKEN  # it did travel, in its header
    assert len(seen) == 1  # asked again only after refresh_s
    assert isinstance(first, ForecastSnapshot) and isinstance(second, ForecastSnapshot)
    # Electricity Maps refused: the hub's forecast as it is.
    assert first.source == "simulated" and first.band("grid_carbon_g_per_kwh") is not None
    assert "token refused" in caplog.text and caplog.text.count("token refused") == 1
    for text in [caplog.text, first.source, str(dict(first.flags)), *shown]:
        assert TOKEN not in text


class Stub(Source):
    """A live source without a forecast of its own (as NVML)."""

    backend = "stub"
    kinds = ("racks",)
    concurrent_kinds = True

    def __init__(self, live: bool = True) -> None:
        super().__init__("stub://here")
        self.live = live
        self.closed = False
        self.asked: list[str] = []

    def fetch(self, kind: str, context: FetchContext) -> Snapshot:
        self.asked.append(kind)
        return Snapshot(time=1.0)

    def close(self) -> None:
        self.closed = True

    def special(self) -> str:
        return "inner"


def test_wrapping_rules_and_an_unread_zone() -> None:
    down = FakeBackend({})
    url = down.url
    down.server.server_close()  # nothing listens there
    feed = GridCarbonFeed(ElectricityMapsClient(TOKEN, "MA", url + "/v3", retries=0))
    inner = Stub()
    source = GridCarbonSource(inner, feed)
    assert source.kinds == ("racks", "forecast") and source.concurrent_kinds
    assert source.special() == "inner" and source.url == "stub://here"
    source.fetch("racks", FetchContext())
    forecast = source.fetch("forecast", FetchContext())
    assert inner.asked == ["racks"]  # no forecast asked of a source that has none
    assert isinstance(forecast, ForecastSnapshot) and len(forecast) == 0
    assert forecast.flags[WHOLE] == ("no forecast: Electricity Maps: cannot connect (server "
                                     "down or wrong URL)")
    source.close()
    assert inner.closed
    # Without a token, or for a replay (not live), the source is left as it is.
    plain = Stub()
    assert with_grid_carbon(plain, {}, env={}) is plain
    replay = Stub(live=False)
    assert with_grid_carbon(replay, {"electricitymaps_token": TOKEN}, env={}) is replay
    wrapped = with_grid_carbon(Stub(), {"electricitymaps_token": TOKEN}, env={})
    assert isinstance(wrapped, GridCarbonSource)
    assert with_grid_carbon(wrapped, {"electricitymaps_token": TOKEN}, env={}) is wrapped
    wrapped.close()
    assert NOT_YET.startswith("no forecast")
