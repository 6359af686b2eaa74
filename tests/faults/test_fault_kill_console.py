"""A live console SIGKILLed ten times on one cache file: the file stays whole, nothing
committed is lost, and every restart appends further rows."""

from __future__ import annotations

from pathlib import Path

from bench.kill_console import kill_rounds

ROUNDS = 10


def test_ten_sigkills_of_a_live_console_keep_the_cache_whole(tmp_path: Path) -> None:
    report = kill_rounds(tmp_path, rounds=ROUNDS, seed=10)
    print(f"FAULTS kill kills={report.kills} rows_lost={report.rows_lost} "
          f"rows={report.rows} seconds={report.seconds:.1f}")
    assert report.stalled == []
    assert report.kills == ROUNDS  # each console was alive when it was killed
    assert report.not_ok == []
    assert report.rows_lost == 0
    assert all(b > a for a, b in zip([0, *report.rows], report.rows, strict=False)), report.rows
    assert report.seconds < 150
