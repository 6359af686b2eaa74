"""The hub API source's forecast kind: decoded from the hub, a hub without it (404) said
once and then not asked again, an answer that cannot be right refused in one line."""

from __future__ import annotations

import json
import logging

import pytest
from backend_http import FakeBackend, Request, json_reply

from console.forecast import WHOLE, ForecastSnapshot
from console.hub.server import HubServer
from console.hub.sim import SimulatedHub
from console.poller import DEFAULT_INTERVALS
from console.sources.base import FetchContext, SourceError
from console.sources.hub import NO_FORECAST, HubApiSource


def test_the_forecast_kind_reads_the_hubs_forecast() -> None:
    assert "forecast" in HubApiSource.kinds and DEFAULT_INTERVALS["forecast"] == 900.0
    hub = SimulatedHub("rack", seed=2, faults=False)
    with HubServer(hub, port=0, tick_s=0.5) as server:
        source = HubApiSource(server.url)
        try:
            snap = source.fetch("forecast", FetchContext())
        finally:
            source.close()
    assert isinstance(snap, ForecastSnapshot) and snap.source == "simulated"
    assert len(snap) == 72 * 4 and not snap.flags and snap.renewable() is not None


def test_a_hub_without_a_forecast_says_so_once(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    with FakeBackend() as old_hub:  # every path: 404
        source = HubApiSource(old_hub.url)
        try:
            with pytest.raises(SourceError, match="serves no forecast"):
                source.fetch("forecast", FetchContext())
            assert "forecast" not in source.kinds and "forecast" in HubApiSource.kinds
            asked = len(old_hub.requests)
            for _ in range(3):
                snap = source.fetch("forecast", FetchContext())
                assert isinstance(snap, ForecastSnapshot) and len(snap) == 0
                assert snap.flags[WHOLE] == NO_FORECAST and snap.renewable() is None
            assert len(old_hub.requests) == asked == 1
            assert caplog.text.count("serves no forecast") == 1
        finally:
            source.close()


def test_a_forecast_that_cannot_be_right_is_a_source_error() -> None:
    def answer(request: Request) -> tuple[int, str, bytes]:
        assert request.params["hours"] == ["72"]
        return json_reply(json.dumps({"issued": 1_790_000_000.0, "t": [1.0], "series": {}}))

    with FakeBackend({"/api/v1/forecast": answer}) as backend:
        source = HubApiSource(backend.url)
        try:
            with pytest.raises(SourceError, match="forecast: 't' must lie after 'issued'"):
                source.fetch("forecast", FetchContext())
            assert "forecast" in source.kinds  # a bad answer is not an absent endpoint
        finally:
            source.close()
