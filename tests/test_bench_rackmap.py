"""bench.rackmap: the GPU health view's set_snapshot figure runs end to end on a small
preset of the simulator, on the hub's own list of unhealthy GPUs."""

from __future__ import annotations

from typing import Any

import pytest

from bench import rackmap

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def test_gpu_set_snapshot_is_measured_on_the_hubs_list(qtbot: Any) -> None:
    assert rackmap.gpu_set_snapshot_ms("hall", n=3) > 0

