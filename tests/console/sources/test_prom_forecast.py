"""A forecast read from Prometheus ([forecast]): gauges of now, one per field, quantile and
horizon, over real HTTP against a local server answering in Prometheus's shapes."""

from __future__ import annotations

import json
import math
import threading
import time
from typing import Any

import numpy as np
import pytest
from backend_http import FakeBackend, Request
from test_prometheus_source import promql, serve

from console.forecast import FORECAST_LATE_S, WHOLE
from console.sources.base import FetchContext, SourceError
from console.sources.combined import CombinedSource
from console.sources.prom_forecast import (
    NO_SAMPLES,
    NO_SERIES,
    parse_forecast,
    read_forecast,
)
from console.sources.prometheus import PrometheusSource
from console.sources.promql import PromClient

CONFIG = {
    "issued": "hub_forecast_issued_timestamp_seconds",
    "solar_mw": "hub_forecast_solar_mw",
    "wind_mw": "hub_forecast_wind_mw",
    "source": "site forecaster",
}


def vector_at(items: list[tuple[dict[str, str], Any]], at: float) -> bytes:
    return json.dumps({"status": "success", "data": {"resultType": "vector", "result": [
        {"metric": m, "value": [at, str(v)]} for m, v in items]}}).encode()  # fmt: skip


def gauges(name: str, rows: dict[float, tuple[Any, Any, Any]], words: tuple[str, ...] =
           ("p10", "p50", "p90")) -> list[tuple[dict[str, str], Any]]:  # fmt: skip
    """Samples of ``name`` for each horizon (hours) and quantile."""
    return [({"__name__": name, "quantile": q, "horizon": f"{h:g}"}, v)
            for h, values in rows.items() for q, v in zip(words, values, strict=True)]


def answers(issued: float, now: float, **fields: list[tuple[dict[str, str], Any]]) -> dict:
    out = {"hub_forecast_issued": vector_at([({}, issued)], now)}
    for name, items in fields.items():
        out[f"hub_forecast_{name}"] = vector_at(items, now)
    return out


def source(backend: FakeBackend, config: dict[str, Any] | None = None,
           **options: Any) -> PrometheusSource:  # fmt: skip
    return PrometheusSource(f"prometheus+{backend.url}", forecast=config or CONFIG, **options)


def test_gauges_per_horizon_become_bands() -> None:
    now = time.time()
    issued = now - 600.0
    solar = gauges("hub_forecast_solar_mw", {0.25: (40, 45, 50), 0.5: (30, 35, 41), 0.75: (1, 2, 3)})
    # The present (0 h), past the 72 h the console reads, and another quantile: left out.
    solar += gauges("hub_forecast_solar_mw", {0: (9, 9, 9), 100: (9, 9, 9)})
    solar += [({"quantile": "p25", "horizon": "0.5"}, 33)]
    wind = gauges("hub_forecast_wind_mw", {0.25: (5, 6, 7), 0.75: (8, 9, 10)},
                  ("0.1", "0.5", "0.9"))  # as Prometheus summaries spell quantiles
    with serve(answers(issued, now, solar_mw=solar, wind_mw=wind)) as backend:
        src = source(backend)
        assert "forecast" in src.kinds
        forecast = src.fetch("forecast", FetchContext())
        src.close()
    queries = sorted(r.params["query"][0] for r in backend.requests)
    assert queries == sorted(CONFIG[k] for k in ("issued", "solar_mw", "wind_mw"))  # one each
    assert all(float(r.params["time"][0]) >= now for r in backend.requests)
    assert forecast.issued == pytest.approx(issued) and forecast.source == "site forecaster"
    assert forecast.t.tolist() == pytest.approx([issued + 900, issued + 1800, issued + 2700])
    assert forecast.step == pytest.approx(900.0)
    assert not forecast.flags
    solar_band = forecast.band("solar_mw")
    assert solar_band is not None and solar_band.p50.tolist() == [45, 35, 2]
    wind_band = forecast.band("wind_mw")
    assert wind_band is not None
    assert np.array_equal(wind_band.p10, [5, np.nan, 8], equal_nan=True)  # 0.5 h not forecast
    renewable = forecast.renewable()
    assert renewable is not None and renewable.p90[0] == 57


def test_quantile_tables_read_with_one_query_a_field() -> None:
    config = {"issued": "hub_forecast_issued", "battery_soc_pct": {
        "p10": "soc_low", "p50": "soc_mid", "p90": "soc_high"}}  # fmt: skip
    now = time.time()
    soc = gauges("x", {1: (40, 50, 60), 2: (30, 45, 55)})
    with serve({"hub_forecast_issued": vector_at([({}, now - 60)], now),
                "label_replace": vector_at(soc, now)}) as backend:
        with source(backend, config) as src:
            forecast = src.fetch("forecast", FetchContext())
    asked = [r.params["query"][0] for r in backend.requests]
    assert len(asked) == 2
    (query,) = [q for q in asked if "label_replace" in q]
    assert query == ('label_replace((soc_low), "quantile", "p10", "", "") or '
                     'label_replace((soc_mid), "quantile", "p50", "", "") or '
                     'label_replace((soc_high), "quantile", "p90", "", "")')
    band = forecast.band("battery_soc_pct")
    assert band is not None and band.p90.tolist() == [60, 55]


def test_untrusted_fields_flagged_never_drawn() -> None:
    now = time.time()
    # solar's bands out of order; wind holds a NaN sample; it_mw has no samples at all.
    config = {**CONFIG, "it_mw": "hub_forecast_it_mw"}
    solar = gauges("s", {1: (50, 40, 60)})
    wind = gauges("w", {1: (1, 2, 3), 2: (1, "NaN", 3)})
    with serve(answers(now - 60, now, solar_mw=solar, wind_mw=wind)) as backend:
        with source(backend, config) as src:
            forecast = src.fetch("forecast", FetchContext())
    assert forecast.band("solar_mw") is None and "out of order" in forecast.flags["solar_mw"]
    assert forecast.band("wind_mw") is None and "not numbers" in forecast.flags["wind_mw"]
    assert forecast.band("it_mw") is None and forecast.why_absent("it_mw") == NO_SAMPLES
    assert forecast.renewable() is None


def test_late_forecast_flagged_whole() -> None:
    now = time.time()
    issued = now - FORECAST_LATE_S - 3600
    solar = gauges("s", {1: (1, 2, 3)})
    with serve(answers(issued, now, solar_mw=solar)) as backend:
        with source(backend) as src:
            forecast = src.fetch("forecast", FetchContext())
    assert forecast.flags[WHOLE].startswith("late: issued 4.0 h ago")
    assert forecast.band("solar_mw") is None and len(forecast) == 1


def test_no_samples_at_all_is_an_absent_forecast_with_why() -> None:
    with serve({}) as backend, source(backend) as src:
        forecast = src.fetch("forecast", FetchContext())
    assert len(forecast) == 0 and forecast.flags[WHOLE] == NO_SERIES


@pytest.mark.parametrize(
    ("items", "issued", "expect"),
    [
        ([({"quantile": "p50", "horizon": "soon"}, 1)], 1.0,
         "forecast solar_mw: label horizon 'soon' is not a number of hours ahead"),
        ([({"quantile": "p50"}, 1)], 1.0, "label horizon none is not a number"),
        ([({"quantile": "p50", "horizon": "1", "instance": "a"}, 1),
          ({"quantile": "p50", "horizon": "1.0", "instance": "b"}, 1)], 1.0,
         "two samples of p50 at 1 h (aggregate them"),
        (gauges("s", {1: (1, 2, 3)}), None, "forecast: no issue time"),
        (gauges("s", {1: (1, 2, 3)}), 0.0, "'issued' 0.0 is out of range"),
    ],
)  # fmt: skip
def test_garbage_is_one_line(items: list, issued: float | None, expect: str) -> None:
    now = time.time()
    routes = {"hub_forecast_solar_mw": vector_at(items, now)}
    if issued is not None:
        routes["hub_forecast_issued"] = vector_at(
            [({}, now - 60 if issued == 1.0 else issued)], now)
    with serve(routes) as backend, source(backend) as src:
        with pytest.raises(SourceError) as err:
            src.fetch("forecast", FetchContext())
    line = str(err.value)
    assert line.startswith("Prometheus: ") and "\n" not in line and expect in line


def test_default_issue_time_is_when_the_samples_were_scraped() -> None:
    config = {"solar_mw": "hub_forecast_solar_mw"}
    parsed = parse_forecast(config)
    assert parsed is not None and parsed.issued == "min(timestamp(hub_forecast_solar_mw))"
    now = time.time()
    routes = {"min(timestamp(": vector_at([({}, now - 30)], now),
              "hub_forecast_solar_mw": vector_at(gauges("s", {2: (1, 2, 3)}), now)}
    with serve(routes) as backend, source(backend, config) as src:
        forecast = src.fetch("forecast", FetchContext())
    assert forecast.issued == pytest.approx(now - 30) and forecast.source == "Prometheus"


def test_queries_share_the_polls_one_deadline() -> None:
    release = threading.Event()

    def slow(req: Request) -> tuple:
        release.wait(5.0)
        return 200, "application/json", vector_at([], time.time())

    backend = FakeBackend({"/api/v1/query": slow})
    with backend:
        client = PromClient(backend.url, deadline_s=5.0, timeout=(0.5, 5.0))
        config = parse_forecast({**CONFIG, "it_mw": "a", "facility_mw": "b"})
        assert config is not None
        began = time.monotonic()
        try:
            # The poll's deadline (0.4 s here, set by the source's fetch) holds for them all.
            with pytest.raises(SourceError, match="deadline"), client.deadline(0.4):
                read_forecast(client, config)
            took = time.monotonic() - began
        finally:
            release.set()
            client.close()
    assert took < 1.5  # five queries at once, all within the poll's deadline, not 5 s each


def test_config_checked() -> None:
    assert parse_forecast({}) is None
    assert parse_forecast({"source": "x"}) is None  # no field: no forecast
    for table, words in [
        ({"solar": "x"}, "unknown key(s) solar"),
        ({"solar_mw": ""}, "solar_mw must be a PromQL expression"),
        ({"solar_mw": 3}, "solar_mw must be a PromQL expression"),
        ({"solar_mw": {"p10": "a", "p50": "b"}}, "table of p10, p50 and p90"),
        ({"solar_mw": {"p10": "a", "p50": "b", "p90": "c", "p99": "d"}}, "table of p10"),
        ({"solar_mw": "a", "horizon_label": "lead-time"}, "must be a Prometheus label name"),
        ({"solar_mw": "a", "horizon_label": "quantile"}, "must differ"),
        ({"solar_mw": "a", "issued": ""}, "issued must be a PromQL expression"),
    ]:
        with pytest.raises(ValueError, match="^\\[forecast\\]") as err:
            parse_forecast(table)
        assert words in str(err.value)


def test_combined_source_reads_the_configured_forecast() -> None:
    now = time.time()
    route = promql(answers(now - 60, now, solar_mw=gauges("s", {1: (1, 2, 3)})))
    with FakeBackend({"/api/v1/query": route}) as prom:
        combined = CombinedSource(f"prometheus+{prom.url}", None,
                                  prometheus_options={"forecast": CONFIG})
        forecast = combined.fetch("forecast", FetchContext())
        combined.close()
    assert "forecast" in combined.kinds
    assert forecast.band("solar_mw") is not None and forecast.flag("wind_mw") == NO_SAMPLES
    assert math.isclose(forecast.issued, now - 60)
