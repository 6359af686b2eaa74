"""The floor of the simulated hub: halls, rows, racks, nodes and GPUs, and where they stand.

Everything is laid out in site order (hall, row, position in row, node slot, GPU index), so a
hall, a row, a rack or a node is a contiguous range of GPU indices. Coordinates are metres on
the site plan: x to the east, y to the south, each rack a rectangle ``w`` wide and ``h`` deep;
rows come in pairs that face each other across a cold aisle, pairs back onto contained hot
aisles, and every row has a cross aisle in the middle.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

import numpy as np

from console.hub.params import (
    COLD_AISLE_M,
    CROSS_AISLE_M,
    HALL_END_MARGIN_M,
    HALL_SIDE_MARGIN_M,
    HALLS,
    HALLS_PER_SITE_ROW,
    HGX,
    HOT_AISLE_M,
    NVL72,
    RACK_SPECS,
    SCALES,
    SITE_COPIES,
    SITE_MARGIN_M,
    SITE_ROAD_M,
    HallSpec,
    site_halls,
)


def hall_plan(scale: str) -> tuple[HallSpec, ...]:
    """Halls (with their row x rack grids) of a scale preset; ValueError on an unknown one."""
    if scale == "tetouan":
        return HALLS
    if scale in SITE_COPIES:
        return site_halls(SITE_COPIES[scale])
    if scale == "hall":
        return (HALLS[0],)
    if scale == "rack":
        return (HallSpec("A", NVL72, 1, 1), HallSpec("E", HGX, 1, 1))
    raise ValueError(f"unknown scale {scale!r}; choose {', '.join(SCALES[:-1])} or {SCALES[-1]}")


def halls_per_site_row(scale: str) -> int:
    """Halls side by side on the site plan: the site's three, six for a site of 2 to 4 copies."""
    return HALLS_PER_SITE_ROW * math.ceil(math.sqrt(SITE_COPIES.get(scale, 1)))


def _row_offsets(spec_depth: float, rows: int) -> list[float]:
    """Y of each row inside a hall: pairs face across a cold aisle, back onto a hot aisle."""
    pitch = 2 * spec_depth + COLD_AISLE_M + HOT_AISLE_M
    return [
        HALL_END_MARGIN_M + (i // 2) * pitch + (i % 2) * (spec_depth + COLD_AISLE_M)
        for i in range(rows)
    ]


def _rack_offsets(width: float, racks: int) -> list[float]:
    """X of each rack inside a row, with a cross aisle half way along long rows."""
    half = racks // 2 if racks >= 8 else racks
    return [
        HALL_SIDE_MARGIN_M + p * width + (CROSS_AISLE_M if p >= half else 0.0) for p in range(racks)
    ]


def _hall_size(plan: HallSpec) -> tuple[float, float]:
    xs = _rack_offsets(plan.spec.width_m, plan.racks_per_row)
    ys = _row_offsets(plan.spec.depth_m, plan.rows)
    return (
        xs[-1] + plan.spec.width_m + HALL_SIDE_MARGIN_M,
        ys[-1] + plan.spec.depth_m + HALL_END_MARGIN_M,
    )


def _uuid_bytes(seed: int, n: int) -> np.ndarray:
    """The 16 bytes of each of ``n`` GPUs' UUIDs (deterministic)."""
    return np.random.default_rng([seed, 0x5EED_0001]).integers(0, 256, (n, 16), dtype=np.uint8)


def _uuids(seed: int, n: int) -> list[str]:
    """Deterministic ``GPU-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`` strings, built vectorised."""
    return _uuid_strings(_uuid_bytes(seed, n))


def _uuid_strings(raw: np.ndarray) -> list[str]:
    n = len(raw)
    hexd = np.frombuffer(raw.tobytes().hex().encode("ascii"), dtype=np.uint8).reshape(n, 32)
    out = np.full((n, 41), ord("-"), dtype=np.uint8)
    out[:, :4] = np.frombuffer(b"GPU-", dtype=np.uint8)
    for dst, src, width in ((4, 0, 8), (13, 8, 4), (18, 12, 4), (23, 16, 4), (28, 20, 12)):
        out[:, dst : dst + width] = hexd[:, src : src + width]
    out[:, 40] = ord("\n")  # one line each: split in one go
    uuids = out.tobytes().decode("ascii").split("\n")
    uuids.pop()
    return uuids


class GpuUuids(Sequence[str]):
    """The GPUs' UUID strings (``_uuids``), each made as it is read and all of them at the
    first walk over them: a site has 189,440 and most are never named (0.06-0.09 s of a
    hub's start)."""

    def __init__(self, raw: np.ndarray) -> None:
        self._raw = raw
        self._all: list[str] | None = None

    def __len__(self) -> int:
        return len(self._raw)

    @overload
    def __getitem__(self, i: int) -> str: ...

    @overload
    def __getitem__(self, i: slice) -> list[str]: ...

    def __getitem__(self, i: int | slice) -> str | list[str]:
        if self._all is not None or isinstance(i, slice):
            return self.strings()[i]
        h = self._raw[i].tobytes().hex()
        return f"GPU-{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def __iter__(self) -> Iterator[str]:
        return iter(self.strings())

    def strings(self) -> list[str]:
        """Every UUID, in GPU order (made once)."""
        if self._all is None:
            self._all = _uuid_strings(self._raw)
        return self._all


@dataclass
class Topology:
    """Static description of the floor: the site JSON parts plus index arrays."""

    scale: str
    seed: int
    halls: list[dict[str, Any]] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    racks: list[dict[str, Any]] = field(default_factory=list)
    hall_ids: list[str] = field(default_factory=list)
    row_ids: list[str] = field(default_factory=list)
    rack_ids: list[str] = field(default_factory=list)
    node_ids: list[str] = field(default_factory=list)
    node_hosts: list[str] = field(default_factory=list)
    uuids: Sequence[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        plans = hall_plan(self.scale)
        sizes = [_hall_size(p) for p in plans]
        slot_w = max(w for w, _ in sizes) + SITE_ROAD_M
        slot_h = max(h for _, h in sizes) + SITE_ROAD_M
        rack_kind: list[int] = []
        rack_hall: list[int] = []
        rack_row: list[int] = []
        rack_pos: list[int] = []
        row_hall: list[int] = []
        per_row = halls_per_site_row(self.scale)
        for hi, (plan, (hw, hh)) in enumerate(zip(plans, sizes, strict=True)):
            spec = plan.spec
            hx = SITE_MARGIN_M + (hi % per_row) * slot_w
            hy = SITE_MARGIN_M + (hi // per_row) * slot_h
            self.hall_ids.append(plan.id)
            self.halls.append(
                {
                    "id": plan.id,
                    "name": f"Hall {plan.id}",
                    "cooling": spec.cooling,
                    "rack_type": spec.rack_type,
                    "gpu_model": spec.gpu_model,
                    "rows": plan.rows,
                    "racks": plan.rows * plan.racks_per_row,
                    "x": round(hx, 2),
                    "y": round(hy, 2),
                    "w": round(hw, 2),
                    "h": round(hh, 2),
                }
            )
            xs = _rack_offsets(spec.width_m, plan.racks_per_row)
            kind = RACK_SPECS.index(spec)
            for r, ry in enumerate(_row_offsets(spec.depth_m, plan.rows), start=1):
                row_id = f"{plan.id}-{r:02d}"
                row_hall.append(hi)
                self.row_ids.append(row_id)
                self.rows.append(
                    {
                        "id": row_id,
                        "hall": plan.id,
                        "x": round(hx + xs[0], 2),
                        "y": round(hy + ry, 2),
                        "w": round(xs[-1] + spec.width_m - xs[0], 2),
                        "h": spec.depth_m,
                    }
                )
                for p, rx in enumerate(xs, start=1):
                    rack_id = f"{row_id}-{p:02d}"
                    self.rack_ids.append(rack_id)
                    rack_kind.append(kind)
                    rack_hall.append(hi)
                    rack_row.append(len(self.row_ids) - 1)
                    rack_pos.append(p)
                    self.racks.append(
                        {
                            "id": rack_id,
                            "hall": plan.id,
                            "row": row_id,
                            "position": p,
                            "x": round(hx + rx, 2),
                            "y": round(hy + ry, 2),
                            "w": spec.width_m,
                            "h": spec.depth_m,
                            "cooling": spec.cooling,
                            "rack_type": spec.rack_type,
                            "gpu_model": spec.gpu_model,
                            "capacity_kw": spec.capacity_kw,
                            "nodes": spec.nodes,
                            "gpus_per_node": spec.gpus_per_node,
                            "gpus": spec.gpus,
                            "pdu_feeds": [
                                {
                                    "id": f"{rack_id}-PDU-{f}",
                                    "feed": f,
                                    "rating_kw": spec.pdu_rating_kw,
                                }
                                for f in ("A", "B")
                            ],
                        }
                    )
        self.rack_index = {r: i for i, r in enumerate(self.rack_ids)}
        self.row_index = {r: i for i, r in enumerate(self.row_ids)}
        self.hall_index = {h: i for i, h in enumerate(self.hall_ids)}
        self.rack_kind = np.asarray(rack_kind, dtype=np.int8)
        self.rack_hall = np.asarray(rack_hall, dtype=np.int32)
        self.rack_row = np.asarray(rack_row, dtype=np.int32)
        self.rack_pos = np.asarray(rack_pos, dtype=np.int32)
        self.row_hall = np.asarray(row_hall, dtype=np.int32)
        self._build_nodes()

    def _build_nodes(self) -> None:
        nodes_per_rack = np.array([s.nodes for s in RACK_SPECS], dtype=np.int64)[self.rack_kind]
        gpn_rack = np.array([s.gpus_per_node for s in RACK_SPECS], dtype=np.int64)[self.rack_kind]
        self.rack_node_start = np.concatenate(([0], np.cumsum(nodes_per_rack)))
        self.rack_gpu_start = np.concatenate(([0], np.cumsum(nodes_per_rack * gpn_rack)))
        self.node_rack = np.repeat(np.arange(len(self.rack_ids), dtype=np.int32), nodes_per_rack)
        node_gpn = gpn_rack[self.node_rack]
        self.node_gpu_start = np.concatenate(([0], np.cumsum(node_gpn)))
        self.node_slot = (
            np.arange(len(self.node_rack)) - self.rack_node_start[self.node_rack] + 1
        ).astype(np.int32)
        self.node_gpn = node_gpn.astype(np.int32)
        self.n_racks = len(self.rack_ids)
        self.n_nodes = int(self.rack_node_start[-1])
        self.n_gpus = int(self.rack_gpu_start[-1])
        self.gpu_node = np.repeat(np.arange(self.n_nodes, dtype=np.int32), node_gpn)
        self.gpu_rack = self.node_rack[self.gpu_node]
        self.gpu_index = (np.arange(self.n_gpus) - self.node_gpu_start[self.gpu_node]).astype(
            np.int32
        )
        self.gpu_kind = self.rack_kind[self.gpu_rack]
        self.row_rack_start = np.searchsorted(self.rack_row, np.arange(len(self.row_ids) + 1))
        self.hall_rack_start = np.searchsorted(self.rack_hall, np.arange(len(self.hall_ids) + 1))
        suffixes = [f"-n{k:02d}" for k in range(1, int(nodes_per_rack.max(initial=0)) + 1)]
        hosts = [f"{h.lower()}{r}-{p}" for h, r, p in (rid.split("-") for rid in self.rack_ids)]
        for rid, host, n in zip(self.rack_ids, hosts, nodes_per_rack.tolist(), strict=True):
            ends = suffixes[:n]
            self.node_ids += [rid + end for end in ends]
            self.node_hosts += [host + end for end in ends]
        self.node_index = {n: i for i, n in enumerate(self.node_ids)}
        self.uuids = GpuUuids(_uuid_bytes(self.seed, self.n_gpus))
        self._uuid_index: dict[str, int] | None = None

    # -- look-ups --------------------------------------------------------------------------
    def uuid_index(self, uuid: str) -> int | None:
        """GPU index of a UUID (the map is built on first use)."""
        if self._uuid_index is None:
            self._uuid_index = {u: i for i, u in enumerate(self.uuids)}
        return self._uuid_index.get(uuid)

    def gpu_range(self, target: str | None) -> tuple[int, int] | None:
        """Contiguous GPU index range [a, b) of a hall, row, rack, node or GPU UUID.

        ``None`` means the whole site; an unknown target returns ``None`` too, so callers
        check ``target`` themselves when they need to tell the two apart.
        """
        if target is None:
            return 0, self.n_gpus
        if target in self.rack_index:
            r = self.rack_index[target]
            return int(self.rack_gpu_start[r]), int(self.rack_gpu_start[r + 1])
        if target in self.row_index:
            w = self.row_index[target]
            a, b = self.row_rack_start[w], self.row_rack_start[w + 1]
            return int(self.rack_gpu_start[a]), int(self.rack_gpu_start[b])
        if target in self.hall_index:
            h = self.hall_index[target]
            a, b = self.hall_rack_start[h], self.hall_rack_start[h + 1]
            return int(self.rack_gpu_start[a]), int(self.rack_gpu_start[b])
        if target in self.node_index:
            n = self.node_index[target]
            return int(self.node_gpu_start[n]), int(self.node_gpu_start[n + 1])
        g = self.uuid_index(target)
        if g is not None:
            return g, g + 1
        return None

    def design_it_kw(self) -> float:
        """Sum of the racks' design power: scales the supply side to the preset."""
        return float(sum(RACK_SPECS[k].design_kw for k in self.rack_kind))
