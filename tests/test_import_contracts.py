"""The import rules of pyproject.toml's [tool.importlinter] hold: `lint-imports` passes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_hold() -> None:
    lint = Path(sys.executable).parent / "lint-imports"  # this interpreter's, else PATH's
    if not lint.exists():
        lint = Path(shutil.which("lint-imports") or lint)
    if not lint.exists():
        pytest.fail("lint-imports not found: install the test extra "
                    '(python -m pip install -e ".[test]")')
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([str(lint), "--no-cache", "--no-logo"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout, done.stdout
