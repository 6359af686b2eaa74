"""``main.py export`` as a command: its process leaves its objects to the exit."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

import main

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = (
    "import atexit, os, runpy, sys\n"
    "end = os._exit\n"
    "def ending(code):\n"
    "    print('ended with', code, flush=True)\n"
    "    end(code)\n"
    "os._exit = ending\n"
    "atexit.register(lambda: print('exit handlers ran', flush=True))\n"
    "sys.argv = ['main.py', 'export', '--out', sys.argv[1], '--review', sys.argv[2]]\n"
    "runpy.run_path('main.py', run_name='__main__')\n"
)


def test_the_export_command_leaves_its_objects_to_the_process_exit(tmp_path: Path) -> None:
    """Run as the command, the export ends its process once done: the interpreter's
    teardown (every module and Qt object taken apart, ~0.1 s) is left out, the objects
    left to the operating system; exit handlers still run, the output is flushed and the
    exit code kept."""
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "pack"),
                          str(tmp_path / "none.db")], cwd=ROOT,
                         capture_output=True, text=True, timeout=120,
                         env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    assert out.returncode == 1, out.stderr  # no such cache: the export failed
    assert out.stdout.strip().splitlines() == ["exit handlers ran", "ended with 1"]
    assert "main.py export: error:" in out.stderr


def test_the_export_called_in_a_process_freezes_nothing(tmp_path: Path) -> None:
    """``main.main`` called from another program (tests, a caller's own process) leaves its
    garbage collector as it was."""
    before = gc.get_freeze_count()
    assert main.main(["export", "--out", str(tmp_path / "pack"), "--review",
                      str(tmp_path / "none.db")]) == 1
    assert gc.get_freeze_count() == before
