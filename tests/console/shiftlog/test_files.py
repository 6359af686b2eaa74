"""The shift log's file rules without the store: a hub checks its log file before it listens
with the standard library only, and loads the store when the log is first used."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.shiftlog.files import LogStoreError, check_log_file, default_sim_log_path
from tests.fresh_imports import imported_after


def test_check_refuses_what_cannot_be_the_log(tmp_path: Path, foreign_db: Path) -> None:
    check_log_file(tmp_path / "new" / "log.sqlite")  # absent: fine, its folder made
    assert (tmp_path / "new").is_dir()
    with pytest.raises(LogStoreError, match="not a shift log"):
        check_log_file(foreign_db)
    junk = tmp_path / "junk.sqlite"
    junk.write_text("no database " * 200)
    with pytest.raises(LogStoreError, match="cannot use"):
        check_log_file(junk)
    with pytest.raises(LogStoreError, match="cannot open"):
        check_log_file(junk / "log.sqlite")


def test_the_default_simulated_log_is_in_the_users_data_folder() -> None:
    assert default_sim_log_path().name == "shiftlog-sim.sqlite"


def test_a_hub_server_loads_no_log_store_until_the_log_is_used() -> None:
    assert imported_after("import console.hub.server", (
        "sqlite_utils", "console.shiftlog.store", "console.shiftlog.model")) == []
