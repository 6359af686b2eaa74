"""Bad files and commands end cleanly: one line, once, the README's exit code, no window left.

``review`` of a file that is not a cache used to print its error twice, leave an empty review
window dated 1 January open, and exit 0 when that window was closed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT,
    )


def _error_lines(stderr: str) -> list[str]:
    return [ln for ln in stderr.splitlines() if ln.strip()]


@pytest.mark.parametrize(
    "name, content, needle",
    [
        ("random.db", os.urandom(8192), "is not a cache file"),
        ("notes.db", b"shift notes, not a cache\n" * 40, "is not a cache file"),
        ("empty.db", b"", "empty cache file"),
    ],
)
def test_review_of_a_file_that_is_not_a_cache(
    tmp_path: Path, name: str, content: bytes, needle: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    # With the old behaviour the window stays open and this times out instead of exiting.
    result = _run("review", str(path), timeout=60)
    lines = _error_lines(result.stderr)
    assert result.returncode == 2, result.stderr
    assert len(lines) == 1, result.stderr
    assert needle in lines[0] and str(path) in lines[0]
    assert "Traceback" not in result.stderr


def test_review_of_a_cache_without_telemetry(tmp_path: Path) -> None:
    from console.cache.store import Cache

    path = tmp_path / "new.db"
    Cache.open(path).close()  # a valid cache file that was never given a poll
    result = _run("review", str(path))
    lines = _error_lines(result.stderr)
    assert result.returncode == 2 and len(lines) == 1, result.stderr
    assert "holds no telemetry" in lines[0]


@pytest.fixture
def readonly_mount(tmp_path: Path):  # noqa: ANN201 - a generator fixture
    """A real read-only file system (tmpfs mounted ro); skipped where mounting is not allowed."""
    point = tmp_path / f"ro-{uuid.uuid4().hex[:6]}"
    point.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a read-only file system needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(point)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount here: {done.stderr.strip()}")
    try:
        yield point
    finally:
        subprocess.run(["umount", str(point)], capture_output=True)


def test_export_into_a_read_only_mount_names_folder_and_reason(readonly_mount: Path) -> None:
    out = readonly_mount / "pack"
    result = _run("export", "--out", str(out), "--source", "sim://?scale=rack", timeout=120)
    lines = _error_lines(result.stderr)
    assert result.returncode == 2, result.stderr  # bad input: the target cannot take a pack
    assert len(lines) == 1, result.stderr
    assert str(readonly_mount) in lines[0] and "read-only file system" in lines[0]
    assert "Traceback" not in result.stderr


def test_export_with_bad_arguments_exits_2(tmp_path: Path) -> None:
    result = _run("export", "--out", str(tmp_path / "p"), "--shift", "yesterday-ish")
    assert result.returncode == 2 and len(_error_lines(result.stderr)) == 1, result.stderr
