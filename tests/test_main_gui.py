"""main.py's console start: the cyclic collector paused until the first frame."""

from __future__ import annotations

import argparse
import gc
from typing import Any

import pytest

import main


def test_the_collector_is_paused_until_the_first_frame_and_back_on_any_way_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[bool] = []

    def gui(args: argparse.Namespace, collect_again: Any) -> int:
        seen.append(gc.isenabled())
        collect_again()  # the first frame is painted
        seen.append(gc.isenabled())
        return 0

    monkeypatch.setattr(main, "_gui", gui)
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    try:
        assert main.cmd_gui(argparse.Namespace()) == 0
        assert seen == [False, True] and gc.isenabled()
        assert gc.get_freeze_count() > frozen  # what the start made: out of its sight
    finally:
        gc.unfreeze()

    def broken(args: argparse.Namespace, collect_again: Any) -> int:
        raise main.CliError("no display")

    monkeypatch.setattr(main, "_gui", broken)
    with pytest.raises(main.CliError):
        main.cmd_gui(argparse.Namespace())
    assert gc.isenabled()  # back on, though no frame was painted


def test_a_collector_turned_off_by_the_caller_stays_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(main, "_gui", lambda args, collect_again: collect_again() or 0)
    gc.disable()
    try:
        main.cmd_gui(argparse.Namespace())
        assert not gc.isenabled()
    finally:
        gc.enable()
