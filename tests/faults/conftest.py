"""The fault suite: every test under this folder carries the ``faults`` mark.

Run it alone with ``python -m pytest -m faults``; it is part of the default run (and CI).
Each test is bounded in time: servers it starts listen on 127.0.0.1 only and every wait
has a deadline.
"""

from __future__ import annotations

from pathlib import Path

import pytest

_HERE = Path(__file__).parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if _HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.faults)
