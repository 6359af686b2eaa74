"""``[forecast]`` in the config file: the Prometheus series of a forecast, checked at start-up
with the key named, handed to the Prometheus source that make_source builds."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.settings import ConfigError, load_settings, make_source
from console.sources.combined import CombinedSource

CONFIG = """\
[prometheus]
url = "prometheus+http://127.0.0.1:9"
[forecast]
issued = "hub_forecast_issued_timestamp_seconds"
solar_mw = "hub_forecast_solar_mw"
battery_soc_pct = { p10 = "soc_p10", p50 = "soc_p50", p90 = "soc_p90" }
horizon_label = "lead_h"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_forecast_table_reaches_the_prometheus_source(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, CONFIG), env={})
    assert settings.forecast["solar_mw"] == "hub_forecast_solar_mw"
    source = make_source(settings)
    try:
        assert isinstance(source, CombinedSource) and "forecast" in source.kinds
        assert source.prometheus is not None and source.prometheus.forecast is not None
        forecast = source.prometheus.forecast
        assert forecast.fields == ("solar_mw", "battery_soc_pct")
        assert forecast.horizon_label == "lead_h"
        assert "forecast" in source.prometheus.kinds
    finally:
        source.close()


def test_no_forecast_table_no_forecast_series(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, '[prometheus]\nurl = "prometheus+http://127.0.0.1:9"\n'),
                             env={})
    source = make_source(settings)
    try:
        assert isinstance(source, CombinedSource) and source.prometheus is not None
        assert source.prometheus.forecast is None  # the flagged empty forecast of before
        assert "forecast" not in source.prometheus.kinds
    finally:
        source.close()


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('[forecast]\nsolar = "x"\n', "unknown key(s) solar"),
        ("[forecast]\nsolar_mw = 4\n", "solar_mw must be a PromQL expression"),
        ('[forecast]\nwind_mw = { p50 = "x" }\n', "table of p10, p50 and p90"),
        ('[forecast]\nsolar_mw = "x"\nquantile_label = "q-1"\n', "label name"),
        ('forecast = "x"\n', "[forecast] must be a table"),
    ],
)
def test_wrong_forecast_table_refused_at_start_up(tmp_path: Path, text: str, needle: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_settings(path, env={})
    assert str(path) in str(err.value) and needle in str(err.value)
