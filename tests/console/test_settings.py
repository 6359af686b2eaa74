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


def test_settings_without_a_config_file_import_no_toml_reader(tmp_path: Path) -> None:
    """A start with no config file (the usual first start) reads no TOML: the reader's
    imports wait for a file."""
    import os
    import subprocess
    import sys

    code = ("import sys\n"
            "from console.settings import load_settings\n"
            "load_settings(env={})\n"
            "print('tomllib' in sys.modules)\n"
            f"open({str(tmp_path / 'c.toml')!r}, 'w').write('[ui]\\nlang = \"fr\"\\n')\n"
            f"print(load_settings({str(tmp_path / 'c.toml')!r}, env={{}}).lang)\n")
    env = {k: v for k, v in os.environ.items() if k not in ("HUB_CONSOLE_CONFIG", "HUB_SOURCE")}
    env.update(XDG_CONFIG_HOME=str(tmp_path / "none"), HOME=str(tmp_path))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, env=env, cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "fr"]
