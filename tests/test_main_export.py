"""main.py's export command: the cyclic collector off while the pack is made."""

from __future__ import annotations

import argparse
import gc

import pytest

import main


def test_the_collector_is_off_for_the_export_and_back_on_any_way_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[bool] = []

    def export(args: argparse.Namespace) -> int:
        seen.append(gc.isenabled())
        return 0

    monkeypatch.setattr(main, "_export", export)
    assert gc.isenabled()
    assert main.cmd_export(argparse.Namespace()) == 0
    assert seen == [False] and gc.isenabled()

    def broken(args: argparse.Namespace) -> int:
        raise main.CliError("no such folder")

    monkeypatch.setattr(main, "_export", broken)
    with pytest.raises(main.CliError):
        main.cmd_export(argparse.Namespace())
    assert gc.isenabled()


def test_a_collector_turned_off_by_the_caller_stays_off_after_the_export(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(main, "_export", lambda args: 0)
    gc.disable()
    try:
        main.cmd_export(argparse.Namespace())
        assert not gc.isenabled()
    finally:
        gc.enable()
