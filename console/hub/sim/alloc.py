"""Placement of jobs on GPUs, the way a Slurm cluster with topology-aware placement does it.

Jobs smaller than a server share a server (best fit among partly used servers first); jobs of
one or more whole servers stay inside one rack (an NVL72 rack is one NVLink domain); jobs
bigger than a rack take whole free racks. Servers with a failed GPU are drained and get no
new work. No search looks at the whole pool: the free capacity is kept by count, updated
server by server as jobs start and end (partly used servers by free GPUs, racks by whole free
servers, each kept in order of preference), so a placement costs the servers it takes.
"""

from __future__ import annotations

import heapq

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


class _Pool:
    """Free capacity of one rack kind's pool, by count.

    ``partly[f]``: the servers that may take work with ``f`` GPUs free, some in use
    (0 < f < GPUs per server). ``racks[c]``: a heap of (preference, rack) holding every rack
    with ``c`` whole free servers that may take work (entries of racks that since moved are
    dropped when they reach the top); ``count[c]``: how many racks have ``c``.
    """

    def __init__(self, racks: np.ndarray, gpn: int, nodes: int) -> None:
        self.rack_list = racks
        self.gpn = gpn
        self.nodes = nodes
        self.partly: list[set[int]] = [set() for _ in range(gpn)]
        self.racks: list[list[tuple[int, int]]] = [[] for _ in range(nodes + 1)]
        self.count = [0] * (nodes + 1)


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
        # plain-list copies of the counters and of the floor, for the per-server updates
        self._free: list[int] = self.node_free.tolist()
        self._ok: list[bool] = [True] * topo.n_nodes
        self._rack_free: list[int] = self.rack_free_nodes.tolist()
        self._rank: list[int] = self.rack_rank.tolist()
        self._gpn: list[int] = topo.node_gpn.tolist()
        self._node_rack: list[int] = topo.node_rack.tolist()
        self._node_start: list[int] = topo.rack_node_start.tolist()
        self._gpu_start: list[int] = topo.node_gpu_start.tolist()
        self._rack_gpu_start: list[int] = topo.rack_gpu_start.tolist()
        self._rack_kind: list[int] = topo.rack_kind.tolist()
        self._pools: dict[int, _Pool] = {}
        self._placed: tuple[list[int], list[int]] | None = None
        """The servers the placement being made takes and the GPUs it takes on each (None:
        found from its GPUs)."""
        for kind in range(len(RACK_SPECS)):
            racks = np.flatnonzero(topo.rack_kind == kind)
            if len(racks) == 0:
                continue
            self.pool_racks[kind] = racks
            self.pool_nodes[kind] = np.flatnonzero(topo.rack_kind[topo.node_rack] == kind)
            self.pool_gpus[kind] = int(np.count_nonzero(topo.gpu_kind == kind))
            self.pool_used[kind] = 0
            spec = RACK_SPECS[kind]
            pool = self._pools[kind] = _Pool(racks, spec.gpus_per_node, spec.nodes)
            ranks = self.rack_rank[racks].tolist()
            pool.racks[spec.nodes] = sorted(zip(ranks, racks.tolist(), strict=True))
            pool.count[spec.nodes] = len(racks)

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
        self._placed = None
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
        pool = self._pools[kind]
        node = -1
        for bucket in pool.partly[gpus:]:  # fewest free GPUs that fit first, then lowest index
            if bucket:
                node = min(bucket)
                break
        if node < 0:
            rack = self._best_rack(kind, 1)
            if rack is None:
                return None
            node = self._free_nodes_in_rack(rack, 1)[0]
        a, b = self._gpu_start[node], self._gpu_start[node + 1]
        self._placed = ([node], [gpus])
        return np.flatnonzero(self.gpu_slot[a:b] < 0)[:gpus] + a

    def _within_rack(self, kind: int, gpus: int, gpn: int) -> np.ndarray | None:
        need = -(-gpus // gpn)
        rack = self._best_rack(kind, need)
        if rack is None:
            return None
        nodes = self._free_nodes_in_rack(rack, need)
        self._placed = (nodes, [gpn] * (need - 1) + [gpus - (need - 1) * gpn])
        return self._node_gpus(nodes)[:gpus]

    def _whole_racks(self, kind: int, gpus: int, per_rack: int) -> np.ndarray | None:
        need = -(-gpus // per_rack)
        pool = self._pools[kind]
        if pool.count[pool.nodes] < need:
            return None
        first = self._top(pool, pool.nodes)  # the preferred empty rack
        assert first is not None
        racks = pool.rack_list
        empty = racks[self.rack_free_nodes[racks] == pool.nodes]
        at = int(np.searchsorted(empty, first))
        chosen = np.concatenate((empty[at : at + need], empty[: max(0, at + need - len(empty))]))
        chosen.sort()  # a run of neighbouring free racks
        starts = np.asarray(self.topo.rack_gpu_start[chosen])
        return (starts[:, None] + np.arange(per_rack, dtype=starts.dtype)).ravel()[:gpus]

    def _top(self, pool: _Pool, c: int) -> int | None:
        """The preferred rack with ``c`` whole free servers, or None."""
        heap = pool.racks[c]
        rack_free = self._rack_free
        while heap:
            rack = heap[0][1]
            if rack_free[rack] == c:
                return rack
            heapq.heappop(heap)
        return None

    def _best_rack(self, kind: int, nodes_needed: int) -> int | None:
        pool = self._pools[kind]
        count = pool.count
        # fewest free servers first (best fit), then the fixed preference
        for c in range(max(nodes_needed, 0), pool.nodes + 1):
            if count[c]:
                return self._top(pool, c)
        return None

    def _free_nodes_in_rack(self, rack: int, count: int) -> list[int]:
        free, gpn, ok = self._free, self._gpn, self._ok
        out = []
        for n in range(self._node_start[rack], self._node_start[rack + 1]):
            if free[n] == gpn[n] and ok[n]:
                out.append(n)
                if len(out) == count:
                    break
        return out

    def _node_gpus(self, nodes: list[int]) -> np.ndarray:
        starts = self.topo.node_gpu_start
        if len(nodes) == 1:
            return np.arange(starts[nodes[0]], starts[nodes[0] + 1])
        return np.concatenate([np.arange(starts[n], starts[n + 1]) for n in nodes])

    # -- bookkeeping ---------------------------------------------------------------------------
    def _take(self, idx: np.ndarray, slot: int, kind: int) -> None:
        self.gpu_slot[idx] = slot
        placed = self._placed
        if placed is None:
            self._recount(idx, -1)
        else:
            nodes, counts = placed
            for node, count in zip(nodes, counts, strict=True):
                self.node_free[node] -= count
            self._nodes_moved(nodes, [-count for count in counts])
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
        first, last = int(node_of[0]), int(node_of[-1])
        if first == last:  # one server: the common case
            self.node_free[first] += sign * len(idx)
            self._nodes_moved([first], [sign * len(idx)])
            return
        starts = np.flatnonzero(_run_starts(node_of))
        nodes = node_of[starts]
        counts = sign * np.diff(np.append(starts, len(node_of))).astype(np.int32)
        self.node_free[nodes] += counts
        self._nodes_moved(nodes.tolist(), counts.tolist())

    def _nodes_moved(self, nodes: list[int], deltas: list[int]) -> None:
        """Servers ``nodes`` (ascending, one pool) have ``deltas`` more free GPUs: move them
        and their racks between counts."""
        free, ok, gpn_of, node_rack = self._free, self._ok, self._gpn, self._node_rack
        pool = self._pools[self._rack_kind[node_rack[nodes[0]]]]
        partly = pool.partly
        rack, moved = -1, 0
        for node, delta in zip(nodes, deltas, strict=True):
            old = free[node]
            new = free[node] = old + delta
            if not ok[node]:
                continue
            gpn = gpn_of[node]
            if 0 < old < gpn:
                partly[old].discard(node)
            if 0 < new < gpn:
                partly[new].add(node)
            if (old == gpn) != (new == gpn):
                if node_rack[node] != rack:
                    if moved:
                        self._rack_moved(pool, rack, moved)
                    rack, moved = node_rack[node], 0
                moved += 1 if new == gpn else -1
        if moved:
            self._rack_moved(pool, rack, moved)

    def _rack_moved(self, pool: _Pool, rack: int, delta: int) -> None:
        old = self._rack_free[rack]
        new = self._rack_free[rack] = old + delta
        self.rack_free_nodes[rack] = new
        pool.count[old] -= 1
        pool.count[new] += 1
        heapq.heappush(pool.racks[new], (self._rank[rack], rack))

    def set_node_ok(self, node_ok: np.ndarray) -> None:
        """Replace the drain mask (True = server may take new jobs)."""
        changed = np.flatnonzero(node_ok != self.node_ok)
        if len(changed) == 0:
            return
        self.node_ok[:] = node_ok
        free, gpn_of = self._free, self._gpn
        for node, ok in zip(changed.tolist(), node_ok[changed].tolist(), strict=True):
            ok = bool(ok)
            self._ok[node] = ok
            f, gpn = free[node], gpn_of[node]
            rack = self._node_rack[node]
            pool = self._pools[self._rack_kind[rack]]
            if 0 < f < gpn:
                if ok:
                    pool.partly[f].add(node)
                else:
                    pool.partly[f].discard(node)
            elif f == gpn:
                self._rack_moved(pool, rack, 1 if ok else -1)
