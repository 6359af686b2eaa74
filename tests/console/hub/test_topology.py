"""The site's layout: GPU UUIDs made as they are read are the ones made all at once."""

from __future__ import annotations

import numpy as np
import pytest

from console.hub.topology import GpuUuids, Topology, _uuids


def test_uuids_read_one_by_one_are_those_made_all_at_once() -> None:
    topo = Topology("hall", 5)
    every = _uuids(5, topo.n_gpus)
    uuids = topo.uuids
    assert isinstance(uuids, GpuUuids) and len(uuids) == len(every) == topo.n_gpus
    for g in (0, 1, 7, 12_345, topo.n_gpus - 1, -1, -topo.n_gpus):
        assert uuids[g] == every[g]
        assert uuids[np.int64(g)] == every[g]
    assert uuids[3:9] == every[3:9]
    with pytest.raises(IndexError):
        uuids[topo.n_gpus]
    assert list(uuids) == every and uuids[42] == every[42]  # once made whole, from the list
    assert topo.gpu_range(every[1234]) == (1234, 1235)
