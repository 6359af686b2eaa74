"""The core's types check: `python -m mypy` (pyproject.toml's [tool.mypy]) passes, and that
section keeps its rules (the whole core, no blanket silencing)."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]


def test_mypy_config_checks_the_whole_core_without_blanket_silencing() -> None:
    config = _config()
    assert config["files"] == ["console"]
    assert config["python_version"] == "3.11"
    assert config["warn_unused_ignores"] is True
    for key in ("ignore_errors", "ignore_missing_imports", "follow_imports", "exclude"):
        assert key not in config, f"[tool.mypy] {key} silences the whole check"
    for override in config.get("overrides", []):
        assert "ignore_errors" not in override, override
        modules = override["module"]
        modules = [modules] if isinstance(modules, str) else modules
        # missing imports are ignored only for third-party modules named one by one
        assert all(not m.startswith(("console", "widgets", "bench", "main")) for m in modules)
        assert all(m.strip("*.") for m in modules), override


def test_mypy_passes_on_the_core() -> None:
    try:
        import mypy  # noqa: F401
    except ImportError:
        pytest.fail('mypy not found: install the test extra (python -m pip install -e ".[test]")')
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success: no issues found" in done.stdout, done.stdout
