"""The simulated allocator (console.hub.sim.alloc): the free capacity it keeps by count, server
by server, is what a recount of the pool gives, and its placements are those of a search of
the whole pool, as jobs start and end and servers are drained and come back."""

from __future__ import annotations

import numpy as np

from console.hub.params import RACK_SPECS
from console.hub.sim import SimulatedHub
from console.hub.sim.alloc import Allocator

START = 1_781_913_600.0  # 2026-06-20 00:00 UTC


def recount(alloc: Allocator) -> tuple[np.ndarray, np.ndarray]:
    """Free GPUs per server and whole free servers that may take work per rack, from scratch."""
    topo = alloc.topo
    busy = np.bincount(topo.gpu_node[alloc.gpu_slot >= 0], minlength=topo.n_nodes)
    free = topo.node_gpn - busy
    whole = (free == topo.node_gpn) & alloc.node_ok
    return free, np.bincount(topo.node_rack[whole], minlength=topo.n_racks)


def search(alloc: Allocator, kind: int, gpus: int) -> np.ndarray | None:
    """Where a job would go, by a search of the whole pool (the allocator's rules)."""
    topo = alloc.topo
    free, rack_free = recount(alloc)
    spec = RACK_SPECS[kind]
    racks = alloc.pool_racks[kind]

    def best_rack(need: int) -> int | None:
        fit = racks[rack_free[racks] >= need]
        if len(fit) == 0:
            return None
        return int(min(fit, key=lambda r: (rack_free[r], alloc.rack_rank[r])))

    def whole_nodes(rack: int, count: int) -> list[int]:
        a, b = topo.rack_node_start[rack], topo.rack_node_start[rack + 1]
        nodes = [n for n in range(a, b) if free[n] == topo.node_gpn[n] and alloc.node_ok[n]]
        return nodes[:count]

    def node_gpus(nodes: list[int]) -> np.ndarray:
        return np.concatenate(
            [np.arange(topo.node_gpu_start[n], topo.node_gpu_start[n + 1]) for n in nodes])

    if gpus < spec.gpus_per_node:
        nodes = alloc.pool_nodes[kind]
        partly = [n for n in nodes.tolist()
                  if alloc.node_ok[n] and gpus <= free[n] < spec.gpus_per_node]
        if partly:
            node = min(partly, key=lambda n: (free[n], n))
        else:
            rack = best_rack(1)
            if rack is None:
                return None
            node = whole_nodes(rack, 1)[0]
        gpu = node_gpus([node])
        return gpu[alloc.gpu_slot[gpu] < 0][:gpus]
    if gpus <= spec.gpus:
        need = -(-gpus // spec.gpus_per_node)
        rack = best_rack(need)
        return None if rack is None else node_gpus(whole_nodes(rack, need))[:gpus]
    need = -(-gpus // spec.gpus)
    empty = [r for r in racks.tolist() if rack_free[r] == spec.nodes]
    if len(empty) < need:
        return None
    first = min(range(len(empty)), key=lambda i: alloc.rack_rank[empty[i]])
    chosen = sorted((empty[first:] + empty[:first])[:need])
    gpu = np.concatenate([np.arange(topo.rack_gpu_start[r], topo.rack_gpu_start[r + 1])
                          for r in chosen])
    return gpu[:gpus]


def check(alloc: Allocator) -> None:
    free, rack_free = recount(alloc)
    assert np.array_equal(alloc.node_free, free)
    assert np.array_equal(alloc.rack_free_nodes, rack_free)
    for kind in alloc.pool_racks:
        used = int(np.count_nonzero((alloc.gpu_slot >= 0) & (alloc.topo.gpu_kind == kind)))
        assert alloc.pool_used[kind] == used
        spec = RACK_SPECS[kind]
        for gpus in sorted({1, 2, 3, spec.gpus_per_node, spec.gpus_per_node + 1, spec.gpus,
                            spec.gpus + 1, 3 * spec.gpus}):
            want = search(alloc, kind, gpus)
            got = alloc.allocate(kind, gpus, 10**6)
            if want is None or got is None:
                assert want is None and got is None, (kind, gpus)
                continue
            assert np.array_equal(got, want), (kind, gpus)
            alloc.release(got)
            assert np.array_equal(alloc.node_free, free)
            assert np.array_equal(alloc.rack_free_nodes, rack_free)


def test_counts_and_placements_match_a_search_of_the_pool() -> None:
    hub = SimulatedHub("hall", seed=5, start=START)
    check(hub.alloc)
    hub.inject("xid", "A-01", xid=48, count=40)  # drains servers, some busy, some free
    hub.inject("xid", "A-02-03", xid=79, count="all")
    check(hub.alloc)
    for _ in range(3):
        hub.step(hub.now + 1800.0)
        check(hub.alloc)
    hub.clear_fault("xid")
    hub.step(hub.now + 600.0)
    check(hub.alloc)


def test_a_full_pool_and_an_empty_one() -> None:
    hub = SimulatedHub("rack", seed=2, start=START, faults=False)
    alloc = hub.alloc
    for job in list(hub.book.running.values()):
        hub.book.finish(job, "CANCELLED", hub.now)
    check(alloc)
    slot = 0
    for kind, spec in enumerate(RACK_SPECS):
        while alloc.allocate(kind, spec.gpus_per_node - 1, slot) is not None:
            slot += 1
        check(alloc)
        assert alloc.allocate(kind, spec.gpus_per_node, slot) is None


def test_drained_servers_partly_used_and_back() -> None:
    hub = SimulatedHub("rack", seed=2, start=START, faults=False)
    alloc = hub.alloc
    for job in list(hub.book.running.values()):
        hub.book.finish(job, "CANCELLED", hub.now)
    ok = np.ones(alloc.topo.n_nodes, dtype=bool)
    alloc.set_node_ok(ok)
    placed = [alloc.allocate(0, 1, slot) for slot in range(3)]  # server 0: one GPU free
    placed.append(alloc.allocate(0, 2, 3))  # server 1: two free
    assert all(p is not None for p in placed)
    assert alloc.node_free[:2].tolist() == [1, 2]
    check(alloc)
    ok[:3] = False  # drained: two partly used, one whole free
    alloc.set_node_ok(ok)
    check(alloc)
    gpus = alloc.allocate(0, 1, 4)
    assert gpus is not None and alloc.topo.gpu_node[gpus[0]] == 3
    first = placed[0]
    assert first is not None
    alloc.release(first)  # a job ends on a drained server
    check(alloc)
    ok[:] = True
    alloc.set_node_ok(ok)
    check(alloc)
    gpus = alloc.allocate(0, 1, 5)
    assert gpus is not None and alloc.topo.gpu_node[gpus[0]] == 0
