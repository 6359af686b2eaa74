"""The job queue's table model and filter proxy (Qt item models, no widgets).

:class:`JobsTableModel` holds a :class:`JobsSnapshot` as numpy columns and formats
cells on demand, so a reset with 100,000 jobs is cheap. Sorting is done by the
model with ``numpy.argsort`` (a Python ``lessThan`` over 100,000 rows is far too
slow); the model also filters, through a boolean mask, and :class:`JobsFilterProxy`
passes its rows through to the table.
Tenant-controlled text (job, user and tenant names) is returned as plain strings
and drawn by the stock item delegate, which never interprets HTML.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QIdentityProxyModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from console.decode import JOB_COLUMNS
from console.jobs import (
    PartitionState,
    explain_pending,
    factorize,
    gpu_hours,
    on_unhealthy,
    partition_states,
    state_text,
    task_weights,
    wait_seconds,
)
from console.model import JobsSnapshot
from widgets.text import (
    CELL_CHARS,
    cell,
    clip,
    figure,
    isolate,
    missing,
    plain,
    plain_tooltip,
)
from widgets.view import DATA_ERRORS, SiteClock, format_age, site_clock_of

log = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex
COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "Job"),
    ("name", "Name"),
    ("tenant", "Tenant"),
    ("user", "User"),
    ("partition", "Partition"),
    ("state", "State"),
    ("reason", "Why pending"),
    ("gpus", "GPUs"),
    ("racks", "Racks"),
    ("submit_time", "Submitted"),
    ("start_time", "Started"),
    ("wait", "Wait"),
    ("gpu_hours", "GPU-h"),
    ("flag", "Unhealthy GPUs"),
)
COLUMN_KEYS = tuple(k for k, _ in COLUMNS)
NUMERIC = frozenset({"id", "gpus", "submit_time", "start_time", "wait", "gpu_hours"})
FLAG_TEXT = "⚠ on unhealthy GPUs"
FLAG_BG = QColor("#E69F00")  # Okabe-Ito orange: abnormal, act
FLAG_FG = QColor("#1e2126")
FLAG_BG_BRUSH, FLAG_FG_BRUSH = QBrush(FLAG_BG), QBrush(FLAG_FG)
_DISPLAY = Qt.ItemDataRole.DisplayRole.value
_ALIGN = Qt.ItemDataRole.TextAlignmentRole.value
_TOOLTIP = Qt.ItemDataRole.ToolTipRole.value
_BACKGROUND = Qt.ItemDataRole.BackgroundRole.value
_FOREGROUND = Qt.ItemDataRole.ForegroundRole.value
_FLAG_COLUMN = COLUMN_KEYS.index("flag")
_RIGHT = (Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value
_LEFT = (Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter).value
_ALIGNMENT = tuple(_RIGHT if k in NUMERIC else _LEFT for k in COLUMN_KEYS)
TEXT_SEARCH = (
    "name", "tenant", "user", "partition", "state", "reason", "tenant_country", "state_flags",
    "state_description",
)  # fmt: skip


def tenant_text(tenant: Any, kind: Any, country: Any) -> str:
    """``tenant (kind, country)``; ``tenant (kind)`` when no country is known."""
    inside = ", ".join(str(v) for v in (kind, country) if v not in (None, ""))
    return f"{tenant} ({inside})" if inside else str(tenant)


def _empty() -> JobsSnapshot:
    return JobsSnapshot(time=0.0, received=0.0, columns={})


def _number(value: Any) -> float:
    """A finite float, NaN for anything else (text, a list, inf, None)."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        return math.nan
    try:
        f = float(value)
    except (OverflowError, ValueError):
        return math.nan
    return f if math.isfinite(f) else math.nan


def as_count(value: Any) -> int:
    """A whole number of things (GPUs, nodes, tasks); 0 for what is none."""
    f = _number(value)
    return int(f) if math.isfinite(f) and abs(f) < 2**53 else 0


def _label(value: Any) -> str | None:
    """Text of a label column (None stays None: no value)."""
    return None if value is None else value if isinstance(value, str) else cell(value)


def _racks(value: Any) -> tuple[str, ...]:
    if isinstance(value, tuple | list):
        return tuple(cell(r) for r in value)
    return () if value in (None, "") else (cell(value),)


def clean_jobs(jobs: JobsSnapshot) -> JobsSnapshot:
    """``jobs`` with every column of the type the views read (what the decoders are meant to
    give): missing columns filled, text as text, numbers as finite floats or NaN, counts as
    ints, racks as tuples of text, columns as long as the ids. For a snapshot the model
    cannot read as it is (a list for a state, a dict for a partition, NaN GPU counts)."""
    columns = jobs.columns if isinstance(jobs.columns, Mapping) else {}

    def values(name: str) -> list[Any]:
        col = columns.get(name)
        try:
            return list(col.tolist() if isinstance(col, np.ndarray) else col or ())
        except TypeError:
            return []

    ids = [as_count(v) for v in values("id")]
    n = len(ids)
    out: dict[str, np.ndarray] = {}
    for name, dtype in JOB_COLUMNS:
        raw = values(name)[:n]
        raw += [None] * (n - len(raw))
        if name == "id":
            arr = np.array(ids, np.int64)
        elif name == "racks":
            arr = np.empty(n, object)
            arr[:] = [_racks(v) for v in raw]
        elif dtype is object:
            arr = np.empty(n, object)
            arr[:] = [_label(v) for v in raw]
        elif dtype is np.int64:
            arr = np.array([as_count(v) for v in raw], np.int64)
        else:
            arr = np.array([_number(v) for v in raw], np.float64)
        arr.flags.writeable = False
        out[name] = arr
    given = jobs.partition_gpus
    partitions: dict[str, dict[str, int]] | None = None
    if isinstance(given, Mapping):
        partitions = {}
        for part, figures in given.items():
            if isinstance(figures, Mapping):
                partitions[cell(part)] = {k: as_count(figures.get(k)) for k in ("total", "free")
                                          if figures.get(k) is not None}
    return JobsSnapshot(time=_number(jobs.time), received=_number(jobs.received),
                        columns=out, invalid=as_count(jobs.invalid), partition_gpus=partitions)


class JobsTableModel(QAbstractTableModel):
    """Table model over a :class:`JobsSnapshot`: one row per job, columns in :data:`COLUMNS`."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.jobs: JobsSnapshot = _empty()
        self.version = 0
        self.site_clock = site_clock_of(None)
        """Says submit and start times (and begin times of pending jobs) in the site's
        zone (the view sets it from the site layout)."""
        self.order = np.zeros(0, np.int64)
        self.order_list: list[int] = []
        self.wait = np.zeros(0)
        self.gpu_h = np.zeros(0)
        self.flagged = np.zeros(0, bool)
        self.partitions: dict[str, PartitionState] = {}
        self._racks: frozenset[str] = frozenset()
        self._explained: dict[int, str] = {}
        self._sort_keys: dict[int, np.ndarray] = {}
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self.filters: dict[str, str] = {}
        """Active filters (see :meth:`set_filters`); rows hold only the jobs that pass."""
        self._haystack: list[str] | None = None
        self.codes: dict[str, tuple[np.ndarray, tuple[str, ...]]] = {}
        self.state_counts: dict[str, int] = {}
        self.partition_counts: dict[str, int] = {}

    # -- data in ------------------------------------------------------------------------
    def set_snapshot(self, jobs: JobsSnapshot, capacity: Mapping[str, int] | None = None) -> None:
        """Replace the jobs (a model reset); keeps the current sort order.

        Everything shown is derived before the reset begins, so a snapshot the console's
        figures cannot read (a list for a state, NaN GPU counts) never leaves the model
        half reset: it is read again with every column cleaned (:func:`clean_jobs`)."""
        try:
            derived = self._derive(jobs, capacity)
        except DATA_ERRORS:
            log.warning("job queue: a snapshot with unreadable values; shown cleaned")
            try:
                jobs = clean_jobs(jobs)
                derived = self._derive(jobs, capacity)
            except DATA_ERRORS:  # not even cleaned: show no jobs rather than stale ones
                log.exception("job queue: snapshot not shown")
                jobs = clean_jobs(_empty())
                derived = self._derive(jobs, None)
        self.beginResetModel()
        try:
            self.jobs = jobs
            self.version += 1
            (self.wait, self.gpu_h, self.flagged, self.partitions, self.codes,
             self.state_counts, self.partition_counts) = derived
            self._explained = {}
            self._sort_keys = {}
            self._haystack = None
            self.order = self._shown_order()
            self.order_list = self.order.tolist()
        finally:
            self.endResetModel()

    def _derive(self, jobs: JobsSnapshot, capacity: Mapping[str, int] | None) -> tuple[Any, ...]:
        """Every per-snapshot figure the model shows (raises on values it cannot read)."""
        with np.errstate(all="ignore"):
            n = len(jobs)
            wait = np.asarray(wait_seconds(jobs), np.float64)
            gpu_h = np.asarray(gpu_hours(jobs), np.float64)
            flagged = np.asarray(on_unhealthy(jobs, self._racks), bool)
            partitions = partition_states(jobs, capacity)
            if n:
                codes = {k: factorize(jobs.columns[k]) for k in ("state", "partition",
                                                                 "tenant_kind")}
                weights = task_weights(jobs)
            else:
                codes, weights = {}, np.zeros(0)
            if any(len(a) != n for a in (wait, gpu_h, flagged)) or len(weights) != n:
                raise ValueError("job columns of unequal length")
            counts = [self._counts(codes, weights, k) for k in ("state", "partition")]
        return wait, gpu_h, flagged, partitions, codes, *counts

    @staticmethod
    def _counts(codes: Mapping[str, tuple[np.ndarray, tuple[str, ...]]], weights: np.ndarray,
                column: str) -> dict[str, int]:
        """Jobs per value of ``column``, a pending array's tasks counted one by one."""
        if column not in codes:
            return {}
        values, names = codes[column]
        counts = np.bincount(values, weights=weights, minlength=len(names))
        return {names[i]: int(counts[i]) for i in np.argsort(-counts, kind="stable")}

    def set_unhealthy_racks(self, racks: Iterable[str], refresh: bool = True) -> None:
        """Racks with an unhealthy GPU; flags the jobs on them.

        ``refresh=False`` only records the racks, for a caller that sets a new snapshot
        right after (which flags its jobs itself): the old jobs are not flagged in vain.
        """
        self._racks = frozenset(racks)
        if not refresh:
            return
        with np.errstate(all="ignore"):
            try:
                self.flagged = on_unhealthy(self.jobs, self._racks)
            except DATA_ERRORS:  # racks of unlike kinds: read from the cleaned columns
                self.flagged = on_unhealthy(clean_jobs(self.jobs), self._racks)
        self._sort_keys.pop(_FLAG_COLUMN, None)
        if self.order_list:
            col = COLUMN_KEYS.index("flag")
            self.dataChanged.emit(self.index(0, col), self.index(len(self.order_list) - 1, col))

    def set_site_clock(self, site: SiteClock) -> None:
        """Say submit, start and begin times in ``site``'s zone (the shown cells again)."""
        if site == self.site_clock:
            return
        self.site_clock = site
        self._explained.clear()  # a pending job's begin time is in its words
        for key in ("submit_time", "start_time"):
            col = COLUMN_KEYS.index(key)
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, col, col)
        if self.order_list:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self.order_list) - 1, len(COLUMNS) - 1))

    # -- lookups ------------------------------------------------------------------------
    def job(self, row: int) -> dict[str, Any]:
        """The job shown at ``row`` as a plain dict."""
        return self.jobs.row(self.order_list[row])

    def racks_at(self, row: int) -> tuple[str, ...]:
        """Rack ids of the job shown at ``row`` (as text)."""
        return _racks(self.jobs.columns["racks"][self.order_list[row]])

    def explanation(self, j: int) -> str:
        """Plain-words pending reason of snapshot row ``j`` (cached per snapshot)."""
        text = self._explained.get(j)
        if text is None:
            c = self.jobs.columns
            try:
                if isinstance(c["state"][j], str) and c["state"][j] == "PENDING":
                    job = self.jobs.row(j)
                    text = explain_pending(
                        job["reason"], job, self.partitions.get(plain(job["partition"])),
                        tz=self.site_clock.name,
                    )
                else:
                    text = ""
            except DATA_ERRORS:
                text = missing()
            self._explained[j] = text = cell(text)
        return text

    def haystack(self) -> list[str]:
        """Lower-case searchable text per snapshot row (built on first free-text search):
        id, the :data:`TEXT_SEARCH` fields and the rack ids the job runs on."""
        if self._haystack is None:
            c = self.jobs.columns
            n = len(self.jobs)

            def field(value: Any) -> str:  # every field cut: a huge name costs no more
                text = value if type(value) is str else plain(value)
                return text if len(text) <= CELL_CHARS else text[:CELL_CHARS]

            columns = [c["id"].tolist()] + [
                c[k].tolist() if k in c else [""] * n for k in TEXT_SEARCH]
            racks = [" ".join(_racks(r)) for r in c["racks"].tolist()]
            self._haystack = ["\x1f".join(map(field, row)).lower()
                              for row in zip(*columns, racks, strict=True)]
        return self._haystack

    # -- Qt model API ---------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.order_list)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = 0
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][1]
        if role == Qt.ItemDataRole.ToolTipRole and COLUMN_KEYS[section] in (
                "submit_time", "start_time"):
            return self.tr("Site time ({0})").format(self.site_clock.label())
        return None

    def data(self, index: Index, role: int = 0) -> Any:
        # Roles arrive as ints; compare ints (cheap) and return early for unused roles.
        if role == _DISPLAY:
            return self._shown(self.order_list[index.row()], COLUMN_KEYS[index.column()])
        if role == _ALIGN:
            return _ALIGNMENT[index.column()]
        if role == _TOOLTIP:
            key = COLUMN_KEYS[index.column()]
            if key in ("name", "reason", "racks", "tenant", "user"):
                text = self._shown(self.order_list[index.row()], key, full=True)
                # A rich tooltip with escaped text: tenant markup shows literally.
                return plain_tooltip(text) or None
            return None
        if role == _BACKGROUND or role == _FOREGROUND:
            if index.column() == _FLAG_COLUMN and self.flagged[self.order_list[index.row()]]:
                return FLAG_BG_BRUSH if role == _BACKGROUND else FLAG_FG_BRUSH
        return None

    def display_rows(self, count: int, columns: Sequence[int]) -> list[tuple[str, ...]]:
        """The texts of the first ``count`` rows in ``columns``, as :meth:`data` gives them
        cell by cell for the display role, without a call through Qt for each cell (a
        page for paper reads 200 rows of a dozen columns)."""
        keys = [COLUMN_KEYS[c] for c in columns]
        return [tuple(self._shown(j, key) for key in keys) for j in self.order_list[:count]]

    def _shown(self, j: int, key: str, full: bool = False) -> str:
        """The text of a cell (``full``: of its tooltip): cut to a bound; '—' for a value
        that cannot be shown."""
        try:
            return clip(self._display(j, key, full), 1000 if full else CELL_CHARS)
        except DATA_ERRORS:
            return missing()

    def _display(self, j: int, key: str, full: bool = False) -> str:
        c = self.jobs.columns
        if key == "id":
            return str(c["id"][j])
        if key in ("name", "user", "partition"):
            return cell(c[key][j])  # bidi controls dropped: an override shows a name backwards
        if key == "state":
            flags = c["state_flags"][j] if "state_flags" in c else None
            return cell(state_text(c["state"][j], flags))
        if key == "tenant":
            return tenant_text(isolate(c["tenant"][j]), clip(c["tenant_kind"][j], 40),
                               isolate(c["tenant_country"][j], 40))
        if key == "reason":
            return self.explanation(j)
        if key == "gpus":
            tasks = int(c["array_tasks"][j]) if "array_tasks" in c else 0
            gpus = int(c["gpus"][j])
            if tasks > 1:
                return self.tr("{0} ({1} tasks × {2})").format(
                    figure(gpus, ",d"), figure(tasks, ",d"), figure(gpus // tasks, ",d"))
            return figure(gpus, ",d")
        if key == "racks":
            racks = _racks(c["racks"][j])
            if full or len(racks) <= 1:
                return ", ".join(racks)
            return f"{racks[0]} +{len(racks) - 1}"
        if key in ("submit_time", "start_time"):
            t = float(c[key][j])
            return (
                ""
                if not np.isfinite(t)
                else self.site_clock.clock(t, "%d %b %H:%M")
            )
        if key == "wait":
            w = float(self.wait[j])
            return "" if not np.isfinite(w) else format_age(w)
        if key == "gpu_hours":
            g = float(self.gpu_h[j])
            return figure(g, ",.1f") if g else ""
        if key == "flag":
            return FLAG_TEXT if self.flagged[j] else ""
        return ""

    # -- sorting ------------------------------------------------------------------------
    def sort_key(self, column: int) -> np.ndarray:
        """Float ranks that order snapshot rows by ``column`` (cached per snapshot)."""
        cached = self._sort_keys.get(column)
        if cached is None:
            try:
                with np.errstate(all="ignore"):
                    cached = np.asarray(self._compute_sort_key(column), np.float64)
                if len(cached) != len(self.jobs):
                    raise ValueError("sort key of another length")
            except DATA_ERRORS:  # values of unlike kinds: by the text shown
                cached = self._text_ranks(
                    [self._shown(j, COLUMN_KEYS[column]) for j in range(len(self.jobs))])
            self._sort_keys[column] = cached
        return cached

    @staticmethod
    def _text_ranks(labels: list[str]) -> np.ndarray:
        """Rank of each label in case-blind order (ties keep their order)."""
        folded = [clip(label, CELL_CHARS).lower() for label in labels]
        ranks = np.empty(len(folded), np.float64)
        ranks[sorted(range(len(folded)), key=folded.__getitem__)] = np.arange(len(folded))
        return ranks

    def _compute_sort_key(self, column: int) -> np.ndarray:
        key = COLUMN_KEYS[column]
        c = self.jobs.columns
        if key in ("id", "gpus", "submit_time", "start_time"):
            return c[key].astype(np.float64)
        if key == "wait":
            return self.wait
        if key == "gpu_hours":
            return self.gpu_h
        if key == "flag":
            return self.flagged.astype(np.float64)
        if key == "racks":
            return np.fromiter((len(r or ()) for r in c["racks"]), np.float64, len(self.jobs))
        codes, labels = factorize(c[key])  # rank the few distinct labels, not every row
        return self._text_ranks(list(labels))[codes]

    def _permutation(self, column: int, order: Qt.SortOrder) -> np.ndarray:
        key = self.sort_key(column)
        descending = order == Qt.SortOrder.DescendingOrder
        return np.argsort(-key if descending else key, kind="stable")

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order rows by ``column`` (vectorised); selections follow their jobs."""
        self._sort = (column, order) if column >= 0 else None
        if not len(self.jobs):
            return
        self._relayout()

    def _shown_order(self) -> np.ndarray:
        """Snapshot rows shown, in order: the sort's permutation, less filtered-out jobs."""
        n = len(self.jobs)
        order = self._permutation(*self._sort) if self._sort is not None and n else np.arange(n)
        if self.filters and n:
            try:
                order = order[self.mask()[order]]
            except DATA_ERRORS:  # a filter over values it cannot read: every job shown
                log.exception("job queue: filter not applied")
        return order

    def _relayout(self) -> None:
        """Re-sort and re-filter in place; selections follow their jobs (or are dropped)."""
        self.layoutAboutToBeChanged.emit()
        old = self.order
        self.order = self._shown_order()
        self.order_list = self.order.tolist()
        where = np.full(len(self.jobs), -1, np.int64)
        where[self.order] = np.arange(len(self.order))
        persistent = self.persistentIndexList()
        moved = []
        for p in persistent:
            row = int(where[old[p.row()]]) if 0 <= p.row() < len(old) else -1
            moved.append(self.index(row, p.column()) if row >= 0 else QModelIndex())
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    # -- filtering ----------------------------------------------------------------------
    def set_filters(
        self,
        partition: str | None = None,
        tenant_kind: str | None = None,
        state: str | None = None,
        user: str | None = None,
        text: str = "",
    ) -> None:
        """Show only matching jobs; None or '' means no constraint on that field."""
        values = {
            "partition": partition,
            "tenant_kind": tenant_kind,
            "state": state,
            "user": user,
            "text": text.strip().lower(),
        }
        self.filters = {k: v for k, v in values.items() if v}
        self._relayout()

    def mask(self) -> np.ndarray:
        """The jobs that pass the filters (numpy boolean, in snapshot order)."""
        c = self.jobs.columns
        n = len(self.jobs)
        keep = np.ones(n, bool)
        for key in ("partition", "tenant_kind", "state"):
            if key in self.filters and n:
                codes, names = self.codes[key]
                value = self.filters[key]
                keep &= codes == (names.index(value) if value in names else -1)
        if "user" in self.filters and n:
            want = self.filters["user"].lower()
            keep &= np.fromiter((plain(u).lower() == want for u in c["user"].tolist()), bool, n)
        text = self.filters.get("text")
        if text and n:
            hay = self.haystack()
            rows = np.flatnonzero(keep)
            hit = np.fromiter((text in hay[j] for j in rows.tolist()), bool, len(rows))
            keep[:] = False
            keep[rows[hit]] = True
        return keep


class JobsFilterProxy(QIdentityProxyModel):
    """The table's view of a :class:`JobsTableModel`: filters and sorting are the model's
    (numpy masks and permutations), so this passes rows through one to one and never
    asks Python about each row, as a filtering proxy would on every new snapshot."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._src = JobsTableModel(self)

    def setSourceModel(self, model: QAbstractItemModel) -> None:  # noqa: N802
        """Show ``model`` (a :class:`JobsTableModel`)."""
        assert isinstance(model, JobsTableModel)
        self._src = model
        super().setSourceModel(model)

    @property
    def filters(self) -> dict[str, str]:
        return self._src.filters

    def set_filters(self, *args: Any, **kwargs: Any) -> None:
        """Keep only matching jobs (see :meth:`JobsTableModel.set_filters`)."""
        self._src.set_filters(*args, **kwargs)

    def mask(self) -> np.ndarray:
        """The accepted snapshot rows (numpy boolean, in snapshot order)."""
        return self._src.mask()

    def display_rows(self, count: int, columns: Sequence[int]) -> list[tuple[str, ...]]:
        """The texts of the first ``count`` rows in ``columns`` as shown (rows and columns
        are the source's, one to one: :meth:`JobsTableModel.display_rows`)."""
        return self._src.display_rows(count, columns)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort through the source model (numpy), not row-by-row comparisons."""
        self._src.sort(column, order)
