"""A forecast read from a real Prometheus ([forecast]): Debian's prometheus scrapes a small
exporter on 127.0.0.1 that publishes a forecaster's gauges (one per field, quantile and
horizon, and the issue time), and the Prometheus source reads them back as bands."""

from __future__ import annotations

import time
from typing import Any

import pytest
from backend_http import FakeBackend

from console.forecast import WHOLE
from console.sources.base import FetchContext
from console.sources.combined import CombinedSource

pytestmark = pytest.mark.integration

ISSUED = time.time() - 120.0
HORIZONS = (0.25, 0.5, 0.75, 1.0)


def exposition() -> bytes:
    """The exporter's page: solar with quantile and horizon labels, the state of charge as
    one gauge a quantile (horizon only), wind out of order, the issue time."""
    lines = ["# TYPE hub_forecast_issued_timestamp_seconds gauge",
             f"hub_forecast_issued_timestamp_seconds {ISSUED:.3f}",
             "# TYPE hub_forecast_solar_mw gauge", "# TYPE hub_forecast_wind_mw gauge"]
    for i, h in enumerate(HORIZONS):
        for q, v in (("p10", 40 + i), ("p50", 45 + i), ("p90", 50 + i)):
            lines.append(f'hub_forecast_solar_mw{{quantile="{q}",horizon="{h:g}"}} {v}')
        for q, v in (("p10", 9), ("p50", 5), ("p90", 7)):
            lines.append(f'hub_forecast_wind_mw{{quantile="{q}",horizon="{h:g}"}} {v}')
        for q, v in (("p10", 60 - i), ("p50", 70 - i), ("p90", 80 - i)):
            lines.append(f'soc_{q}{{horizon="{h:g}"}} {v}')
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def prom(prometheus_factory: Any) -> Any:
    exporter = FakeBackend({"/metrics": (200, "text/plain; version=0.0.4", exposition())})
    with exporter:
        proc = prometheus_factory({"forecaster": (exporter.url.removeprefix("http://"),
                                                  "/metrics")})
        proc.wait_up("forecaster")
        proc.wait_for('soc_p90{horizon="1"}')
        yield proc


def test_forecast_from_real_prometheus(prom: Any) -> None:
    config = {
        "issued": "hub_forecast_issued_timestamp_seconds",
        "solar_mw": "hub_forecast_solar_mw",
        "wind_mw": "hub_forecast_wind_mw",
        "battery_soc_pct": {"p10": "soc_p10", "p50": "soc_p50", "p90": "soc_p90"},
        "source": "site forecaster",
    }
    source = CombinedSource(f"prometheus+{prom.url}", None,
                            prometheus_options={"forecast": config})
    try:
        forecast = source.fetch("forecast", FetchContext())
        assert source.prometheus is not None
        assert source.prometheus.client.requests == 4  # one query a field, one of the issue
    finally:
        source.close()
    assert forecast.issued == pytest.approx(ISSUED, abs=1e-3)
    assert forecast.t.tolist() == pytest.approx([ISSUED + h * 3600 for h in HORIZONS], abs=1e-3)
    assert WHOLE not in forecast.flags and forecast.source == "site forecaster"
    solar = forecast.band("solar_mw")
    assert solar is not None and solar.p50.tolist() == [45, 46, 47, 48]
    soc = forecast.band("battery_soc_pct")  # label_replace ... or ..., as Prometheus runs it
    assert soc is not None and soc.p10.tolist() == [60, 59, 58, 57]
    assert soc.p90.tolist() == [80, 79, 78, 77]
    assert forecast.band("wind_mw") is None and "out of order" in forecast.flags["wind_mw"]


def test_default_issue_time_from_the_scrape(prom: Any) -> None:
    config = {"solar_mw": "hub_forecast_solar_mw"}
    began = time.time()
    source = CombinedSource(f"prometheus+{prom.url}", None,
                            prometheus_options={"forecast": config})
    try:
        forecast = source.fetch("forecast", FetchContext())
    finally:
        source.close()
    # min(timestamp(...)): when the gauges were last scraped (every second).
    assert began - 5 <= forecast.issued <= time.time() and not forecast.flags
    solar = forecast.band("solar_mw")
    assert solar is not None and solar.p90.tolist() == [50, 51, 52, 53]
