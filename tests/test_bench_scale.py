"""bench.scale: its measurements run end to end on the smallest preset, and growth is the
ratio to the 1x figure."""

from __future__ import annotations

import pytest

from bench import scale
from bench.run import MODULES


def test_scale_bench_is_run_last() -> None:
    assert MODULES[-1] == "scale"
    assert [s for _, s in scale.SIZES] == ["tetouan", "tetouan-x2", "tetouan-x4"]


def test_growth_is_the_ratio_to_one_x() -> None:
    by_size = {
        "1x": {"poll_cycle_ms": 80.0, "gui_max_stall_ms": 0.0, "rss_mb": 200.0},
        "2x": {"poll_cycle_ms": 150.0, "gui_max_stall_ms": 12.0, "rss_mb": 260.0},
        "4x": {"poll_cycle_ms": 330.0, "gui_max_stall_ms": 20.0, "rss_mb": 400.0},
    }
    figures = scale.with_growth(by_size)
    assert figures["scale_poll_cycle_ms_4x"] == 330.0
    assert figures["scale_poll_cycle_ms_growth_2x"] == 1.88
    assert figures["scale_poll_cycle_ms_growth_4x"] == 4.12
    assert figures["scale_rss_mb_growth_4x"] == 2.0
    assert "scale_poll_cycle_ms_growth_1x" not in figures
    # a 1x figure of 0 has no ratio: the sizes are reported, the growth is left out
    assert figures["scale_gui_max_stall_ms_4x"] == 20.0
    assert not any(k.startswith("scale_gui_max_stall_ms_growth") for k in figures)
    assert not any("rackmap" in k for k in figures)  # a figure no size measured


def test_one_size_measured_end_to_end() -> None:
    """Every figure of the smallest preset: a loopback hub in its own process, the window
    polling it, the memory probe in a process of its own, the rack map."""
    figures = scale.measure_size("rack", cycles=1, stall_s=5.0, rss_s=1.0, repaints=2)
    assert set(figures) == set(scale.FIGURES)
    assert figures["poll_cycle_ms"] > 0 and figures["rackmap_repaint_ms"] > 0
    assert figures["gui_max_stall_ms"] >= 0
    assert 30.0 < figures["rss_mb"] < 4096.0  # a Qt window's process, read from /proc


def test_memory_probe_reads_this_process() -> None:
    before = scale._vm_rss_mb()
    block = bytearray(b"\x01") * (64 * 1024 * 1024)  # 64 MiB, every page written
    assert scale._vm_rss_mb() - before == pytest.approx(64.0, abs=16.0)
    del block


def test_a_failing_size_leaves_the_others_their_figures(monkeypatch: pytest.MonkeyPatch) -> None:
    def child(call: str, timeout: float) -> dict[str, float]:
        if "tetouan-x4" in call:
            raise RuntimeError("bench.scale._size_child('tetouan-x4', True): exit 1: boom")
        big = "tetouan-x2" in call
        return {"poll_cycle_ms": 90.0 if big else 45.0, "gui_max_stall_ms": 8.0,
                "rackmap_repaint_ms": 2.0, "rss_mb": 260.0 if big else 200.0}

    monkeypatch.setattr(scale, "_in_child", child)
    figures = scale.run(quick=True)
    assert figures["rss_mb"] == 200.0
    assert figures["scale_poll_cycle_ms_growth_2x"] == 2.0
    assert "scale_poll_cycle_ms_4x" not in figures
    assert "boom" in figures["scale_errors"]["4x"]
    monkeypatch.setattr(scale, "_in_child", lambda call, timeout: child("tetouan-x4", timeout))
    with pytest.raises(RuntimeError, match="no size measured"):
        scale.run(quick=True)
