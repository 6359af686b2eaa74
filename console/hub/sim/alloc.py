"""Placement of jobs on GPUs, the way a Slurm cluster with topology-aware placement does it.

Jobs smaller than a server share a server (best fit among partly used servers first); jobs of
one or more whole servers stay inside one rack (an NVL72 rack is one NVLink domain); jobs
bigger than a rack take whole free racks. Servers with a failed GPU are drained and get no
new work. All searches are numpy over the pool's servers; no per-GPU Python loops.
"""

from __future__ import annotations

import numpy as np

from console.hub.params import RACK_SPECS
from console.hub.topology import Topology


def distinct_sorted(values: np.ndarray) -> np.ndarray:
    """Distinct values of a non-decreasing array (cheaper than ``np.unique``: no sort)."""
    if len(values) < 2:
        return values
    return values[_run_starts(values)]


def _run_starts(values: np.ndarray) -> np.ndarray:
    mask = np.empty(len(values), dtype=bool)
    mask[0] = True
    np.not_equal(values[1:], values[:-1], out=mask[1:])
    return mask


class Allocator:
    """Which job slot holds each GPU, with free-capacity counters per server and rack."""

    def __init__(self, topo: Topology, seed: int = 0) -> None:
        self.topo = topo
        # the scheduler's fixed preference among equally good racks (Slurm's node weights)
        self.rack_rank = np.random.default_rng([seed, 0x5EED_0008]).permutation(topo.n_racks)
        self.gpu_slot = np.full(topo.n_gpus, -1, dtype=np.int32)
        self.node_free = topo.node_gpn.astype(np.int32).copy()
        self.node_ok = np.ones(topo.n_nodes, dtype=bool)
        self.rack_nodes = np.diff(topo.rack_node_start).astype(np.int32)
        self.rack_free_nodes = self.rack_nodes.copy()
        self.pool_racks: dict[int, np.ndarray] = {}
        self.pool_nodes: dict[int, np.ndarray] = {}
        self.pool_gpus: dict[int, int] = {}
        self.pool_used: dict[int, int] = {}
        for kind in range(len(RACK_SPECS)):
            racks = np.flatnonzero(topo.rack_kind == kind)
            if len(racks) == 0:
                continue
            self.pool_racks[kind] = racks
            self.pool_nodes[kind] = np.flatnonzero(topo.rack_kind[topo.node_rack] == kind)
            self.pool_gpus[kind] = int(np.count_nonzero(topo.gpu_kind == kind))
            self.pool_used[kind] = 0

    def used_fraction(self, kind: int) -> float:
        """Allocated share of a pool's GPUs."""
        return self.pool_used[kind] / self.pool_gpus[kind]

    def max_gpus(self, kind: int) -> int:
        """Largest job a pool could ever hold."""
        return self.pool_gpus[kind]

    # -- placement ----------------------------------------------------------------------------
    def allocate(self, kind: int, gpus: int, slot: int) -> np.ndarray | None:
        """Place a job of ``gpus`` GPUs in pool ``kind``; its GPU indices (ascending) or None."""
        if kind not in self.pool_racks or gpus <= 0:
            return None
        spec = RACK_SPECS[kind]
        if gpus < spec.gpus_per_node:
            idx = self._partial_node(kind, gpus)
        elif gpus <= spec.gpus:
            idx = self._within_rack(kind, gpus, spec.gpus_per_node)
        else:
            idx = self._whole_racks(kind, gpus, spec.gpus)
        if idx is None:
            return None
        self._take(idx, slot, kind)
        return idx

    def _partial_node(self, kind: int, gpus: int) -> np.ndarray | None:
        topo = self.topo
        nodes = self.pool_nodes[kind]
        free = self.node_free[nodes]
        gpn = RACK_SPECS[kind].gpus_per_node
        fit = self.node_ok[nodes] & (free >= gpus)
        partly = fit & (free < gpn)
        if partly.any():
            cand = np.flatnonzero(partly)
            node = int(nodes[cand[np.argmin(free[cand])]])
        else:
            rack = self._best_rack(kind, 1)
            if rack is None:
                return None
            node = self._free_nodes_in_rack(rack, 1)[0]
        a, b = int(topo.node_gpu_start[node]), int(topo.node_gpu_start[node + 1])
        return np.flatnonzero(self.gpu_slot[a:b] < 0)[:gpus] + a

    def _within_rack(self, kind: int, gpus: int, gpn: int) -> np.ndarray | None:
        need = -(-gpus // gpn)
        rack = self._best_rack(kind, need)
        if rack is None:
            return None
        nodes = self._free_nodes_in_rack(rack, need)
        return self._node_gpus(nodes)[:gpus]

    def _whole_racks(self, kind: int, gpus: int, per_rack: int) -> np.ndarray | None:
        need = -(-gpus // per_rack)
        racks = self.pool_racks[kind]
        empty = racks[self.rack_free_nodes[racks] == self.rack_nodes[racks]]
        if len(empty) < need:
            return None
        first = int(np.argmin(self.rack_rank[empty]))
        chosen = np.roll(empty, -first)[:need]  # a run of neighbouring free racks
        chosen.sort()
        topo = self.topo
        parts = [np.arange(topo.rack_gpu_start[r], topo.rack_gpu_start[r + 1]) for r in chosen]
        return np.concatenate(parts)[:gpus]

    def _best_rack(self, kind: int, nodes_needed: int) -> int | None:
        racks = self.pool_racks[kind]
        free = self.rack_free_nodes[racks]
        fit = free >= nodes_needed
        if not fit.any():
            return None
        cand = racks[fit]
        # fewest free servers first (best fit), then the fixed preference
        score = free[fit].astype(np.int64) * (self.topo.n_racks + 1) + self.rack_rank[cand]
        return int(cand[np.argmin(score)])

    def _free_nodes_in_rack(self, rack: int, count: int) -> list[int]:
        topo = self.topo
        a, b = int(topo.rack_node_start[rack]), int(topo.rack_node_start[rack + 1])
        whole = (self.node_free[a:b] == topo.node_gpn[a:b]) & self.node_ok[a:b]
        return (np.flatnonzero(whole)[:count] + a).tolist()

    def _node_gpus(self, nodes: list[int]) -> np.ndarray:
        starts = self.topo.node_gpu_start
        return np.concatenate([np.arange(starts[n], starts[n + 1]) for n in nodes])

    # -- bookkeeping ---------------------------------------------------------------------------
    def _take(self, idx: np.ndarray, slot: int, kind: int) -> None:
        self.gpu_slot[idx] = slot
        self._recount(idx, -1)
        self.pool_used[kind] += len(idx)

    def release(self, idx: np.ndarray) -> None:
        """Free the GPUs of a finished job."""
        if len(idx) == 0:
            return
        kind = int(self.topo.gpu_kind[idx[0]])
        self.gpu_slot[idx] = -1
        self._recount(idx, +1)
        self.pool_used[kind] -= len(idx)

    def _recount(self, idx: np.ndarray, sign: int) -> None:
        node_of = self.topo.gpu_node[idx]
        if node_of[0] == node_of[-1]:  # one server: the common case
            node = int(node_of[0])
            self.node_free[node] += sign * len(idx)
            self._refresh_racks(self.topo.node_rack[node : node + 1])
            return
        starts = np.flatnonzero(_run_starts(node_of))
        nodes = node_of[starts]
        counts = np.diff(np.append(starts, len(node_of))).astype(np.int32)
        self.node_free[nodes] += sign * counts
        self._refresh_racks(distinct_sorted(self.topo.node_rack[nodes]))

    def _refresh_racks(self, racks: np.ndarray) -> None:
        topo = self.topo
        for r in racks.tolist():
            a, b = int(topo.rack_node_start[r]), int(topo.rack_node_start[r + 1])
            whole = (self.node_free[a:b] == topo.node_gpn[a:b]) & self.node_ok[a:b]
            self.rack_free_nodes[r] = int(np.count_nonzero(whole))

    def set_node_ok(self, node_ok: np.ndarray) -> None:
        """Replace the drain mask (True = server may take new jobs)."""
        changed = np.flatnonzero(node_ok != self.node_ok)
        if len(changed) == 0:
            return
        self.node_ok[:] = node_ok
        self._refresh_racks(np.unique(self.topo.node_rack[changed]))
