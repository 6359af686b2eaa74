"""SIGKILL a live console, again and again, on one cache file; what survives each kill.

Each round starts ``main.py gui`` offscreen on the small simulated hub with ``--cache``,
waits (reading the file with a read-only connection) until the console writes rack
telemetry, kills it at a seeded random moment, then checks the file: ``PRAGMA
integrity_check`` is ``ok`` and every rack_raw row seen before the kill is still there.
The next round starts on the same file and must append further rows.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = "sim://rack"
"""The smallest simulated site: the console starts fastest and still writes every kind."""
START_TIMEOUT_S = 60.0
"""Longest a round waits for the console's first new rack_raw row."""
KILL_WITHIN_S = 3.0
"""Once rows grow, the kill comes at a random moment within this."""


@dataclass
class KillReport:
    kills: int = 0
    rows_lost: int = 0
    """rack_raw rows seen before a kill and gone after it, over all rounds."""
    not_ok: list[str] = field(default_factory=list)
    """``PRAGMA integrity_check`` answers other than ok, one per round that had one."""
    stalled: list[str] = field(default_factory=list)
    """Rounds in which the console wrote no new row in time (with its stderr's tail)."""
    rows: list[int] = field(default_factory=list)
    """rack_raw rows after each round."""
    seconds: float = 0.0

    def figures(self) -> dict[str, object]:
        return {
            "console_kills": self.kills,
            "console_kill_rows_lost": self.rows_lost,
            "console_kill_integrity_failures": len(self.not_ok),
            "console_kill_stalled_rounds": len(self.stalled),
            "console_kill_s": round(self.seconds, 1),
        }


def rack_rows(path: Path) -> set[int]:
    """Ids of the rack_raw rows committed now (read-only; empty before the table exists)."""
    if not path.exists():
        return set()
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5.0)
    except sqlite3.Error:
        return set()
    try:
        return {int(r[0]) for r in conn.execute("SELECT id FROM rack_raw")}
    except sqlite3.Error:  # no table yet, or the file is being created
        return set()
    finally:
        conn.close()


def integrity(path: Path) -> str:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5.0)
    try:
        return "; ".join(str(r[0]) for r in conn.execute("PRAGMA integrity_check"))
    finally:
        conn.close()


def _console(cache: Path, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as err:  # a file, not a pipe: a chatty console never blocks on it
        return subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"), "gui", "--source", SOURCE,
             "--cache", str(cache)],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err,
        )


def _tail(proc: subprocess.Popen[bytes], log: Path) -> str:
    if proc.poll() is None:
        return "still running"
    lines = log.read_text(errors="replace").strip().splitlines()
    return f"exit {proc.returncode}: {lines[-1] if lines else 'no output'}"


def kill_rounds(folder: Path, rounds: int = 10, seed: int = 10) -> KillReport:
    """``rounds`` starts and SIGKILLs of a live console on ``folder``/c.db."""
    rng = random.Random(seed)
    cache = folder / "c.db"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    for name in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        env[name] = str(folder / "home")  # the console's settings never touch the user's
    report = KillReport()
    t0 = time.monotonic()
    for k in range(rounds):
        before = rack_rows(cache)
        log = folder / f"console-{k}.log"
        proc = _console(cache, env, log)
        try:
            seen = before
            deadline = time.monotonic() + START_TIMEOUT_S
            while len(seen - before) < 1 and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
                seen = rack_rows(cache)
            if len(seen - before) < 1:
                report.stalled.append(f"round {k}: no new row ({_tail(proc, log)})")
            kill_at = time.monotonic() + rng.uniform(0.0, KILL_WITHIN_S)
            while time.monotonic() < kill_at and proc.poll() is None:
                seen = rack_rows(cache) or seen  # the last rows seen before the kill
                time.sleep(0.02)
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                report.kills += 1
            proc.wait(timeout=30)
        after = rack_rows(cache)
        report.rows_lost += len(seen - after)
        report.rows.append(len(after))
        answer = integrity(cache) if cache.exists() else "no cache file"
        if answer != "ok":
            report.not_ok.append(f"round {k}: {answer[:200]}")
    report.seconds = time.monotonic() - t0
    return report
