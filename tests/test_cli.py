"""The command line: help, bad input in one line with exit code 2, the hub subcommand."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

import main

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, timeout: float = 60, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True, text=True, timeout=timeout, env=env or dict(os.environ), cwd=ROOT,
    )


def test_help_documents_each_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main.main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for word in ("hub", "bench", "--source", "--cache", "--config"):
        assert word in out
    with pytest.raises(SystemExit):
        main.main(["hub", "--help"])
    assert "--port" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["frobnicate"], "invalid choice"),
        (["--bogus"], "unrecognized arguments"),
        (["hub", "--scale", "galaxy"], "unknown scale 'galaxy'"),
        (["hub", "--port", "99999"], "out of range"),
        (["--source", "gopher://x"], "unsupported source URL"),
        (["--source", "sim://moon"], "unknown scale 'moon'"),
        (["--config", "/nonexistent/console.toml"], "does not exist"),
    ],
)
def test_bad_command_line_is_one_clear_line(argv: list[str], needle: str) -> None:
    result = run_cli(*argv)
    assert result.returncode == 2
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    assert needle in lines[0]
    assert "Traceback" not in result.stderr


def test_hub_port_in_use_is_one_clear_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("hub", "--scale", "rack", "--port", str(port))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


def test_hub_subcommand_serves_until_interrupted() -> None:
    with subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "hub", "--scale", "rack", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    ) as proc:
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            assert "serving on http://127.0.0.1:" in line
            url = line.rsplit(" ", 1)[-1].strip()
            with urllib.request.urlopen(f"{url}/api/v1/site", timeout=10) as response:
                site = json.load(response)
            assert site["totals"]["racks"] == len(site["racks"]) == 2
        finally:
            proc.send_signal(2)
            code = proc.wait(timeout=20)
    assert code == 0


def _without_display() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    return env


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Qt's xcb default is Linux's")
@pytest.mark.parametrize("argv", [[], ["gui", "--source", "sim://rack"]], ids=["default", "gui"])
def test_the_window_without_a_display_is_one_clear_line(argv: list[str]) -> None:
    """Before: Qt aborted the process (exit 134) naming a library that was installed."""
    result = run_cli(*argv, env=_without_display())
    assert result.returncode == 2, result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    assert "no display" in lines[0] and "DISPLAY is not set" in lines[0]
    assert "export" in lines[0] and "offscreen" in lines[0]
    unreachable = run_cli(*argv, env={**_without_display(), "DISPLAY": ":93"})
    assert unreachable.returncode == 2 and "cannot reach the X display ':93'" in unreachable.stderr


def test_review_without_a_display_is_one_clear_line(tmp_path: Path) -> None:
    from console.cache import Cache
    from tests.widgets.test_review import record_shift

    path = tmp_path / "shift.db"
    record_shift(path, polls=3)
    with Cache.open(path):
        pass
    result = run_cli("review", str(path), env=_without_display())
    assert result.returncode == 2 and "no display" in result.stderr, result.stderr


def test_display_problem_reads_the_platform_and_the_x_server(tmp_path: Path) -> None:
    assert main.display_problem({"QT_QPA_PLATFORM": "offscreen"}) is None
    assert main.display_problem({"WAYLAND_DISPLAY": "wayland-0"}) is None
    if sys.platform.startswith("linux"):
        assert main.display_problem({}) is not None
        assert main.display_problem({"QT_QPA_PLATFORM": "xcb", "DISPLAY": ":93"}) is not None
        # an X server is a socket that accepts: a listening one on a free display number
        number = next(n for n in range(150, 250) if not Path(f"/tmp/.X11-unix/X{n}").exists())
        with socket.socket(socket.AF_UNIX) as server:
            server.bind(f"\0/tmp/.X11-unix/X{number}")
            server.listen()
            assert main.display_problem({"DISPLAY": f":{number}"}) is None
            assert main.display_problem({"DISPLAY": f"unix:{number}.0"}) is None
