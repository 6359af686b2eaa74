"""``[carbon]`` in the config file and ``ELECTRICITYMAPS_TOKEN``: read, checked at start-up
with the key named, the token never shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.settings import ConfigError, load_settings
from console.sources.electricitymaps import feed_from_settings

TOKEN = "em-T0ken-1a2b3c4d"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_carbon_table_and_token_from_the_environment(tmp_path: Path) -> None:
    path = write(tmp_path, '[carbon]\ngrid_g_per_kwh = 540\nzone = "MA"\n')
    settings = load_settings(path, env={"ELECTRICITYMAPS_TOKEN": TOKEN})
    assert settings.carbon == {"grid_g_per_kwh": 540, "zone": "MA",
                               "electricitymaps_token": TOKEN}
    assert settings.redacted()["carbon"]["electricitymaps_token"] == "***"
    assert TOKEN not in repr(settings)
    feed = feed_from_settings(settings.carbon, env={})
    assert feed is not None and feed.client.zone == "MA"
    feed.close()


def test_no_token_no_feed(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, "[carbon]\ngrid_g_per_kwh = 540\n"), env={})
    assert feed_from_settings(settings.carbon, env={}) is None


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("[carbon]\ngrid_g_per_kwh = 5000\n", "[carbon] grid_g_per_kwh must be between 0 and 2000"),
        ("[carbon]\nzone = 'Morocco'\n", "[carbon] zone 'Morocco' is not an Electricity Maps zone"),
        ("[carbon]\ngrid = 1\n", "[carbon]: unknown key(s) grid"),
        ("[carbon]\ndeadline_s = -1\n", "[carbon] 'deadline_s' must be a positive number"),
        ("carbon = 3\n", "[carbon] must be a table"),
    ],
)
def test_wrong_carbon_table_is_refused_naming_the_key(tmp_path: Path, text: str,
                                                      needle: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_settings(path, env={})
    assert needle in str(err.value) and str(path) in str(err.value)
