"""Fixtures of the shift log's tests."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest


@pytest.fixture
def foreign_db(tmp_path: Path) -> Path:
    """An SQLite file that holds something else than a shift log."""
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    return path
