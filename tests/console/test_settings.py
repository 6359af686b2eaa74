"""Settings from the config file: the windows' language ([ui] lang)."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.settings import ConfigError, load_settings


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("lang", ["en", "fr", "ar", "FR"])
def test_ui_lang(tmp_path: Path, lang: str) -> None:
    settings = load_settings(_config(tmp_path, f'[ui]\nlang = "{lang}"\n'), env={})
    assert settings.lang == lang.lower()


def test_no_ui_table_leaves_the_language_to_the_system(tmp_path: Path) -> None:
    assert load_settings(_config(tmp_path, 'source = "sim://hall"\n'), env={}).lang is None


@pytest.mark.parametrize("text, words", [
    ('[ui]\nlang = "de"\n', "[ui] lang must be one of en, fr, ar, not 'de'"),
    ("[ui]\nlang = 3\n", "[ui] lang must be one of en, fr, ar"),
    ('[ui]\nlanguage = "fr"\n', "unknown key(s) language in [ui]"),
    ('ui = "fr"\n', "[ui] must be a table"),
])
def test_bad_ui_table_is_one_line(tmp_path: Path, text: str, words: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_settings(_config(tmp_path, text), env={})
    assert words in str(err.value) and "\n" not in str(err.value)
