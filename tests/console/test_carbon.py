"""The grid carbon intensity: the cited default, ``[carbon]`` checked, and which value is
accounted with (a zone's recent live value, else the configured one, else the default)."""

from __future__ import annotations

import math

import pytest

from console import carbon
from console.carbon import (
    GRID_CARBON_G_PER_KWH,
    ORIGIN_CONFIG,
    ORIGIN_DEFAULT,
    ORIGIN_LIVE,
    check_carbon_table,
    configured_intensity,
    grid_carbon,
)

NOW = 1_764_450_000.0


def test_default_is_the_cited_figure() -> None:
    # Electricity Maps, zone MA, 2024 yearly average, life cycle (see console/carbon.py)
    assert GRID_CARBON_G_PER_KWH == 527.0
    doc = carbon.__doc__ or ""
    for words in ("Electricity Maps", "MA", "2024", "life cycle", "527"):
        assert words in doc
    assert "2024" in carbon.GRID_CARBON_CITATION and "MA" in carbon.GRID_CARBON_CITATION


def test_configured_value_overrides_the_default() -> None:
    assert configured_intensity({}) == GRID_CARBON_G_PER_KWH
    assert configured_intensity({"grid_g_per_kwh": 610}) == 610.0
    for bad in (-1, 2001, math.nan, math.inf, "600", True):
        with pytest.raises(ValueError, match=r"\[carbon\] grid_g_per_kwh"):
            configured_intensity({"grid_g_per_kwh": bad})


@pytest.mark.parametrize(
    ("table", "needle"),
    [
        ({"grid_intensity": 600}, "unknown key(s) grid_intensity"),
        ({"zone": "morocco"}, "is not an Electricity Maps zone"),
        ({"zone": ""}, "zone must be a non-empty string"),
        ({"electricitymaps_url": "ftp://x"}, "must be an http(s) URL"),
        ({"electricitymaps_url": "https://u:p@api.example.org"}, "takes no user or password"),
        ({"electricitymaps_token": 12345}, "electricitymaps_token must be a non-empty string"),
        ({"verify_tls": 1}, "verify_tls must be true, false or a CA bundle's path"),
        ({"refresh_s": 5}, "refresh_s must be a number of seconds, at least 60"),
    ],
)
def test_carbon_table_refused_with_its_key(table: dict, needle: str) -> None:
    with pytest.raises(ValueError) as err:
        check_carbon_table(table, "config.toml: [carbon]")
    assert needle in str(err.value) and str(err.value).startswith("config.toml: [carbon]")


def test_carbon_table_accepted() -> None:
    check_carbon_table({"grid_g_per_kwh": 0, "zone": "US-CAL-CISO", "verify_tls": False,
                        "electricitymaps_url": "https://api.electricitymaps.com/v3",
                        "electricitymaps_token": "x" * 20, "refresh_s": 600})


def test_which_value_is_accounted_with() -> None:
    live = grid_carbon({"grid_g_per_kwh": 480}, (NOW - 1800, 612.0), NOW)
    assert (live.g_per_kwh, live.origin, live.time) == (612.0, ORIGIN_LIVE, NOW - 1800)
    stale = grid_carbon({"grid_g_per_kwh": 480}, (NOW - 4 * 3600, 612.0), NOW)
    assert (stale.g_per_kwh, stale.origin, stale.time) == (480.0, ORIGIN_CONFIG, None)
    ahead = grid_carbon({}, (NOW + 4 * 3600, 612.0), NOW)
    assert ahead.origin == ORIGIN_DEFAULT and ahead.g_per_kwh == GRID_CARBON_G_PER_KWH
    for value in (math.nan, -5.0, 9000.0):
        assert grid_carbon({}, (NOW, value), NOW).origin == ORIGIN_DEFAULT
    assert grid_carbon().origin == ORIGIN_DEFAULT
