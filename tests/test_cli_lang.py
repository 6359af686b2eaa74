"""--lang on the commands that show words (gui, review, export): an unknown language, on
the command line or in the config file, is one line and exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest

import main


@pytest.mark.parametrize("argv", [
    ["--lang", "de"],
    ["gui", "--lang", "de"],
    ["review", "x.db", "--lang", "de"],
    ["export", "--out", "x", "--lang", "de"],
])
def test_unknown_language_on_the_command_line(argv: list[str],
                                              capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main.main(argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--lang" in err and "'de'" in err


def test_lang_is_parsed_on_every_window_command() -> None:
    parser = main.build_parser()
    assert parser.parse_args(["--lang", "ar"]).lang == "ar"
    assert parser.parse_args(["gui", "--lang", "fr"]).lang == "fr"
    assert parser.parse_args(["review", "x.db", "--lang", "fr"]).lang == "fr"
    assert parser.parse_args(["export", "--out", "x", "--lang", "ar"]).lang == "ar"
    assert parser.parse_args(["gui"]).lang is None  # the top level's default, not suppressed


def test_unknown_language_in_the_config_file(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[ui]\nlang = "de"\n', encoding="utf-8")
    code = main.main(["export", "--out", str(tmp_path / "pack"), "--config", str(config)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "[ui] lang" in err
