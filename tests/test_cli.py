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
