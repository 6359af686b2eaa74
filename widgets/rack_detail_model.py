"""The rack detail's table models: plain-string rows, abnormal-cell colours, sort keys.

:class:`RowsModel` holds rows of plain strings (tenant, job and user names are shown
as typed, never interpreted); :class:`RowsProxy` sorts them by per-cell Python keys
(numbers as numbers, unhealthy GPUs before healthy ones). :func:`gpu_table` and
:func:`job_table` turn a rack detail's nodes and jobs into rows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor

from console.gpu_health import clock_event_words, clock_events_abnormal, status_word, xid_info
from widgets.rackmap_overlays import ADVISORY, ALARM, WARNING
from widgets.text import cell, figure, isolate, missing, plain_tooltip

_Index = QModelIndex | QPersistentModelIndex
STATUS_COLOUR = {"degraded": ADVISORY, "failed": WARNING, "off_bus": ALARM}
STATUS_RANK = {"off_bus": 0, "failed": 1, "degraded": 2, "healthy": 9}
"""Sort rank of a GPU's status: the worst first (an unknown status sorts with degraded)."""
DARK_TEXT = QColor("#1e2126")
ID_ROLE = Qt.ItemDataRole.UserRole + 1
"""The row's id (a GPU's uuid, a job's id as text)."""
GPU_COLUMNS = ("Server", "GPU", "Status", "Job", "°C", "W", "Util %", "Mem GiB", "SBE",
               "DBE", "Last XID", "Clock-event reasons")
JOB_COLUMNS = ("Job", "Name", "Tenant", "User", "State", "GPUs", "On this rack")
STATUS_COL, JOB_COL, TEMP_COL, DBE_COL, XID_COL, CLOCK_COL = 2, 3, 4, 9, 10, 11
_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole.value)
_ROLES = frozenset((_DISPLAY, _TOOLTIP, _BACKGROUND, int(Qt.ItemDataRole.ForegroundRole.value),
                    int(ID_ROLE)))
"""The roles a :class:`RowsModel` answers (ints: Qt hands roles as ints)."""


def _tr(text: str) -> str:
    return QCoreApplication.translate("RackDetail", text)


def _f(value: Any, fmt: str) -> str:
    """A figure in ``fmt``; 'n/a' for what is no finite number. A count given as a float
    (``ecc_sbe`` of 3.0) reads as the count, a fractional one as it is."""
    return figure(value, fmt)


def mappings(values: Any) -> list[Mapping[str, Any]]:
    """The records of a list from the hub (nodes, GPUs, jobs, PDUs, events): those that are
    mappings; [] when it is no list at all."""
    if not isinstance(values, list | tuple):
        return []
    return [v for v in values if isinstance(v, Mapping)]


def _num(value: Any) -> float:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    return float(value) if ok else -math.inf


def _int_or_none(value: Any) -> int | None:
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else None


class RowsModel(QAbstractTableModel):
    """A read-only table of plain strings with an optional background colour per cell.

    Optional per row: sort keys (one per cell, see :class:`RowsProxy`), an id
    (``ID_ROLE``) and tooltips per cell; a cell without a tooltip shows its own text.
    """

    def __init__(self, headers: Sequence[str], parent: QObject | None = None,
                 same_row: Sequence[int] = ()) -> None:
        super().__init__(parent)
        self.headers = tuple(headers)
        self.same_row = tuple(same_row)
        """Columns whose cells name a row (a hall and its model) where rows have no ids:
        rows that name the same as before are the same rows (see :meth:`set_rows`)."""
        self.rows: list[tuple[str, ...]] = []
        self.colours: list[dict[int, QColor]] = []
        self.keys: list[tuple[Any, ...]] = []
        self.ids: list[str] = []
        self.tips: list[dict[int, str]] = []

    def set_rows(
        self,
        rows: list[tuple[str, ...]],
        colours: list[dict[int, QColor]],
        keys: list[tuple[Any, ...]] | None = None,
        ids: list[str] | None = None,
        tips: list[dict[int, str]] | None = None,
    ) -> None:
        """Replace every row (plain strings) and the abnormal-cell colours.

        The same rows again change nothing (no reset, no repaint). The same row set (the
        same ids, or with no ids the same cells in :attr:`same_row`'s columns, the rows of
        as many columns) with other figures is one ``dataChanged`` over the rows that
        changed: views keep their layout, selection and column fit and repaint those rows;
        other rows are one reset."""
        keys, ids, tips = keys or [], ids or [], tips or []
        old = (self.rows, self.colours, self.keys, self.ids, self.tips)
        if (rows, colours, keys, ids, tips) == old:
            return
        changed = self._changed_rows(rows, colours, keys, ids, tips)
        if changed is None:
            self.beginResetModel()  # the rows are built: the reset only swaps them in
            self.rows, self.colours, self.keys, self.ids, self.tips = (
                rows, colours, keys, ids, tips)
            self.endResetModel()
            return
        self.rows, self.colours, self.keys, self.ids, self.tips = rows, colours, keys, ids, tips
        if changed:
            self.dataChanged.emit(self.index(changed[0], 0),
                                  self.index(changed[-1], len(self.headers) - 1))

    def _changed_rows(self, rows: list[tuple[str, ...]], colours: list[dict[int, QColor]],
                      keys: list[tuple[Any, ...]], ids: list[str],
                      tips: list[dict[int, str]]) -> list[int] | None:
        """The rows that changed when ``rows`` are the same row set as those shown (see
        :meth:`set_rows`), None when they are not (a reset)."""
        n, width = len(self.rows), len(self.headers)
        if not n or len(rows) != n or ids != self.ids or (not ids and not self.same_row):
            return None
        if any(len(r) != width for r in rows) or any(len(r) != width for r in self.rows):
            return None
        if not all(len(x) in (0, n) for x in (colours, keys, tips, self.colours, self.keys,
                                                 self.tips)):
            return None
        if len(colours) != len(self.colours) or len(keys) != len(self.keys) or (
                len(tips) != len(self.tips)):
            return None
        names = self.same_row
        if names and any(a[c] != b[c] for a, b in zip(rows, self.rows, strict=True)
                         for c in names):
            return None

        def at(values: list[Any], i: int) -> Any:
            return values[i] if values else None

        return [i for i in range(n)
                if (rows[i], at(colours, i), at(keys, i), at(tips, i)) != (
                    self.rows[i], at(self.colours, i), at(self.keys, i), at(self.tips, i))]

    def row_of(self, row_id: str) -> int:
        """The source row with this id, -1 when there is none."""
        try:
            return self.ids.index(row_id)
        except ValueError:
            return -1

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        # Asked for every role of every cell at each paint: the roles the model has no
        # answer for (font, alignment, check state, decoration...) are answered first.
        if role not in _ROLES:
            return None
        r, c = index.row(), index.column()
        rows = self.rows
        if not (0 <= r < len(rows) and 0 <= c < len(rows[r])):
            return None
        if role == _DISPLAY:
            return rows[r][c]
        if role == _TOOLTIP:
            tip = self.tips[r].get(c) if r < len(self.tips) else None
            return plain_tooltip(rows[r][c] if tip is None else tip) or None
        if role == ID_ROLE:
            return self.ids[r] if r < len(self.ids) else None
        colours = self.colours[r] if r < len(self.colours) else {}
        if role == _BACKGROUND:
            return colours.get(c)
        return DARK_TEXT if c in colours else None  # the foreground

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _tr(self.headers[section])
        return None


class RowsProxy(QSortFilterProxyModel):
    """Sorts a :class:`RowsModel` by its Python sort keys (its display text without keys)."""

    def lessThan(self, left: _Index, right: _Index) -> bool:  # noqa: N802
        model = self.sourceModel()
        if not isinstance(model, RowsModel):
            return super().lessThan(left, right)
        lr, rr, col = left.row(), right.row(), left.column()
        if len(model.keys) == len(model.rows):
            try:
                return bool((model.keys[lr][col], lr) < (model.keys[rr][col], rr))
            except (TypeError, IndexError):  # keys of unlike kinds: by the text shown
                pass
        return (model.rows[lr][col].lower(), lr) < (model.rows[rr][col].lower(), rr)


class GpuTable(NamedTuple):
    """The GPU grid of one rack: one row per GPU."""

    rows: list[tuple[str, ...]]
    colours: list[dict[int, QColor]]
    keys: list[tuple[Any, ...]]
    uuids: list[str]
    job_ids: list[int | None]


def job_label(job_id: int | None, jobs: Mapping[int, Mapping[str, Any]]) -> str:
    """'4181250 · tenant' (the tenant bidi-isolated), the id alone when the job is unknown."""
    if job_id is None:
        return "—"
    job = jobs.get(job_id)
    tenant = cell(job.get("tenant", "")) if isinstance(job, Mapping) else ""
    return f"{job_id} · {isolate(tenant)}" if tenant else str(job_id)


def gpu_table(nodes: Sequence[Mapping[str, Any]],
              jobs: Mapping[int, Mapping[str, Any]] | None = None) -> GpuTable:
    """Rows of the GPU grid (one per GPU), the colours of their abnormal cells, sort keys,
    uuids and the job on each GPU (``jobs``: the rack's jobs by id, for their tenant)."""
    jobs = jobs or {}
    out = GpuTable([], [], [], [], [])
    for slot, node in enumerate(mappings(nodes)):
        host = cell(node.get("host", node.get("id", "")))
        state = cell(node.get("state") or "up")
        server = host if state == "up" else f"{host} ({state})"
        for g in mappings(node.get("gpus", ())):
            xid = _int_or_none(g.get("xid"))
            info = xid_info(xid) if xid is not None else None
            mask = _int_or_none(g.get("clock_event_reasons"))
            used, total = g.get("mem_used_mib"), g.get("mem_total_mib")
            mem = (f"{_f(used / 1024, '.0f')} / {_f(total / 1024, '.0f')}"
                   if _num(used) > -math.inf and _num(total) > -math.inf else "n/a")
            status = cell(g.get("status", "healthy"))
            job_id = _int_or_none(g.get("job_id"))
            index = _int_or_none(g.get("index"))
            idx = -1 if index is None else index
            temp = g.get("temp_c")
            out.rows.append((
                server, cell(g.get("index", "")), status_word(status),
                job_label(job_id, jobs), _f(temp, ".0f"), _f(g.get("power_w"), ".0f"),
                _f(g.get("util_pct"), ".0f"), mem, _f(g.get("ecc_sbe"), "d"),
                _f(g.get("ecc_dbe"), "d"), f"{info.xid}: {info.label}" if info else "—",
                clock_event_words(mask),
            ))
            place = (slot, idx)
            out.keys.append((
                place, (idx, slot), (STATUS_RANK.get(status, 2), *place),
                (job_id is None, job_id or 0, *place), _num(temp), _num(g.get("power_w")),
                _num(g.get("util_pct")), _num(used), _num(g.get("ecc_sbe")),
                _num(g.get("ecc_dbe")), (xid is None, xid or 0), (mask or 0, *place),
            ))
            out.uuids.append(cell(g.get("uuid", "")))
            out.job_ids.append(job_id)
            marks: dict[int, QColor] = {}
            if status in STATUS_COLOUR:
                marks[STATUS_COL] = STATUS_COLOUR[status]
            if isinstance(temp, int | float) and math.isfinite(temp) and temp > 80:
                marks[TEMP_COL] = ALARM if temp > 88 else WARNING if temp > 85 else ADVISORY
            if _num(g.get("ecc_dbe")) > 0:
                marks[DBE_COL] = WARNING
            if info is not None and info.severity in ("high", "critical"):
                marks[XID_COL] = ALARM if info.severity == "critical" else WARNING
            if clock_events_abnormal(mask):
                marks[CLOCK_COL] = WARNING
            out.colours.append(marks)
    return out


def _ranges(values: Sequence[int]) -> str:
    """[0, 1, 2, 3, 6] -> '0–3, 6'."""
    runs: list[list[int]] = []
    for v in sorted(set(values)):
        if runs and runs[-1][1] == v - 1:
            runs[-1][1] = v
        else:
            runs.append([v, v])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)


def placement(nodes: Sequence[Mapping[str, Any]]) -> dict[int, list[tuple[str, list[int]]]]:
    """Where each job sits on this rack: job id -> [(server host, [GPU indices])]."""
    where: dict[int, dict[str, list[int]]] = {}
    for node in mappings(nodes):
        host = cell(node.get("host", node.get("id", "")))
        for g in mappings(node.get("gpus", ())):
            job_id = _int_or_none(g.get("job_id"))
            index = _int_or_none(g.get("index"))
            if job_id is not None:
                where.setdefault(job_id, {}).setdefault(host, []).append(
                    -1 if index is None else index)
    return {j: list(hosts.items()) for j, hosts in where.items()}


def placement_text(hosts: Sequence[tuple[str, list[int]]]) -> tuple[str, str]:
    """(cell, tooltip) for a job's servers and GPUs on this rack."""
    if not hosts:
        return "—", ""
    lines = [f"{host}: GPU {_ranges(gpus)}" for host, gpus in hosts]
    n = sum(len(g) for _, g in hosts)
    if len(hosts) == 1:
        return lines[0], lines[0]
    names = [h for h, _ in hosts]
    listed = ", ".join(names) if len(names) <= 3 else f"{names[0]} … {names[-1]}"
    return QCoreApplication.translate("RackDetail", "{n} GPUs on {k} servers: {hosts}").format(n=n, k=len(hosts), hosts=listed), (
        "\n".join(lines))


def job_table(jobs: Sequence[Mapping[str, Any]], nodes: Sequence[Mapping[str, Any]]) -> tuple[
        list[tuple[str, ...]], list[str], list[dict[int, str]]]:
    """Rows of the jobs table (with each job's servers and GPUs here), their ids, tooltips."""
    where = placement(nodes)
    rows: list[tuple[str, ...]] = []
    ids: list[str] = []
    tips: list[dict[int, str]] = []
    for j in mappings(jobs):
        job_id = _int_or_none(j.get("id"))
        here, tip = placement_text(where.get(job_id, []) if job_id is not None else [])
        rows.append((cell(j.get("id", "")), cell(j.get("name", "")), cell(j.get("tenant", "")),
                     cell(j.get("user", "")), cell(j.get("state", "")),
                     figure(j.get("gpus"), "d", none=missing()), here))
        ids.append(cell(j.get("id", "")))
        tips.append({6: tip} if tip else {})
    return rows, ids, tips
