"""GPU health: fleet roll-up by hall and GPU model, and every unhealthy GPU in a table.

Each GPU's row (display strings, sort keys and one lower-case searchable string) is
built once per snapshot, so filtering 5,000 rows is one pass over plain strings and
sorting is a Python sort on precomputed keys; Qt only ever asks for visible cells.
Building it cleans hub text (bidi controls dropped, cut to a bound) as little as it can:
a cause once (kept under :func:`console.gpu_health.describe_key`), a GPU's place once
while it reads the same from list to list, a "since" clock once a day; plain ASCII within
its bound is its own cell and costs no cleaning at all. Times are the site's.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from datetime import tzinfo
from itertools import chain, repeat
from operator import itemgetter
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractItemModel,
    QAbstractTableModel,
    QCoreApplication,
    QEvent,
    QItemSelection,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.contract import DEFAULT_SITE_TZ
from console.gpu_health import (
    STATUSES,
    RollupRow,
    SinceClocks,
    SinceWords,
    clock_words,
    describe_gpu,
    describe_key,
    fleet_rollup,
    local_action,
    local_cause,
    normalise_query,
    rollup_totals,
    search_fields,
    search_words,
    status_word,
    zone_of,
)
from console.model import SiteTopology, Snapshot, UnhealthyGpus
from widgets.rack_detail import STATUS_COLOUR, RowsModel
from widgets.text import (
    CELL_CHARS,
    bound_columns,
    cell,
    figure,
    left_to_right,
    missing,
    plain_tooltip,
    row_cells,
    set_column_widths,
)
from widgets.view import LineBox, LiveView, format_age

_Index = QModelIndex | QPersistentModelIndex
_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole.value)
_ROLES = frozenset((_DISPLAY, _TOOLTIP, _BACKGROUND, int(Qt.ItemDataRole.ForegroundRole.value)))
"""The roles the unhealthy GPU list answers (ints: Qt hands roles as ints)."""
COLUMNS = (QT_TRANSLATE_NOOP("GpuHealthView", "Hall"), QT_TRANSLATE_NOOP("GpuHealthView", "Row"), QT_TRANSLATE_NOOP("GpuHealthView", "Rack"),
           QT_TRANSLATE_NOOP("GpuHealthView", "Node"), QT_TRANSLATE_NOOP("GpuHealthView", "Slot"), "UUID",
           QT_TRANSLATE_NOOP("GpuHealthView", "Model"), QT_TRANSLATE_NOOP("GpuHealthView", "Status"), QT_TRANSLATE_NOOP("GpuHealthView", "Cause"),
           QT_TRANSLATE_NOOP("GpuHealthView", "Since"), QT_TRANSLATE_NOOP("GpuHealthView", "Recommended action"))
"""The list's column headers in English (shown translated)."""
STATUS_COL = COLUMNS.index("Status")
SINCE_COL = COLUMNS.index("Since")
_STATUS_RANK = {"degraded": 1, "failed": 2, "off_bus": 3}
DARK_TEXT = QColor("#1e2126")
INFO_GREY = "#9aa2ad"
"""Informational text (ISA-101: grey, no colour for a fact of the site that needs no action
from the operator on shift)."""


def _finite(value: object) -> float | None:
    """``value`` as a finite float; None for anything else (NaN, inf, text, a list)."""
    if type(value) is float:  # the common case first
        return value if math.isfinite(value) else None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        f = float(value)
    except OverflowError:  # an int too large for a float
        return None
    return f if math.isfinite(f) else None


def describe(record: Mapping[str, Any]) -> tuple[str, str]:
    """Cause and action of one GPU (:func:`console.gpu_health.describe_gpu`); a value it
    cannot read (NaN clock reasons, a list for an XID) is left out, and '—' is said when
    nothing can be."""
    try:
        return describe_gpu(record)
    except (TypeError, ValueError, OverflowError, KeyError, AttributeError):
        pass
    clean = {k: v for k, v in record.items()
             if not isinstance(v, int | float) or _finite(v) is not None}
    try:
        return describe_gpu(clean)
    except (TypeError, ValueError, OverflowError, KeyError, AttributeError):
        return missing(), missing()


DESCRIBE_CACHE = 4096
"""Most descriptions (distinct causes) a model keeps: a hub sending a new cause with every GPU
of every list empties it rather than growing it without end."""

_Described = tuple[str, str, str, int, str]
"""A GPU's cause and action cleaned for their cells, its status in words, the status's sort
rank and the last part of its search text."""


_Place = tuple[tuple[str, ...], int, str]
"""Where a GPU is and what it is, as its cells say it (hall, row, rack, node, slot, uuid,
model), the slot's sort key and the first part of its search text."""


_Row = tuple[tuple[str, ...], float | None, tuple[Any, ...], str, tuple[Any, ...] | None,
             _Place]
"""A GPU's row as read (:meth:`UnhealthyGpuModel._read_row`)."""

_PLAIN_PLACES = frozenset({(str,) * 7 + (int,), (str,) * 7 + (type(None),)})
"""The types of a GPU's place whose cells a model keeps from one list to the next."""


def _place(where: tuple[Any, ...], plain: bool = False) -> _Place:
    """The cells, slot sort key and search text of a GPU's (hall, row, rack, node, host,
    uuid, model, slot); ``plain`` when the first seven are str and the slot an int or None."""
    hall, row, rack, node, host, uuid, model, slot = where
    if plain:
        joined = " ".join(where[:7])
        if len(joined) <= CELL_CHARS and joined.isascii():  # each part its own cell as it is
            return ((hall, row, rack, node, "" if slot is None else cell(slot), uuid,
                     model.removeprefix("NVIDIA ")), -1 if slot is None else slot,
                    joined.lower())
    texts = row_cells((hall, row, rack, node, "" if slot is None else slot, uuid, model))
    texts[6] = texts[6].removeprefix("NVIDIA ")
    int_slot = isinstance(slot, int) and not isinstance(slot, bool)
    return (tuple(texts), slot if int_slot else -1,
            search_fields((hall, row, rack, node, host, uuid, model)))


def _describe_row(record: Mapping[str, Any]) -> _Described:
    cause, action = describe(record)
    status = cell(record.get("status", ""))
    words = search_words(record.get("status"), cause, action, record.get("xid"))
    said_cause, said_action = local_cause(cause), local_action(action)
    if said_cause != cause or said_action != action:  # searched in English and as shown
        words += " " + search_words(status_word(status), said_cause, said_action, None)
    return (cell(said_cause), cell(said_action), status_word(status),
            _STATUS_RANK.get(status, 0), words)


def _read_of(records: list[Mapping[str, Any]]) -> list[tuple[Any, ...]] | None:
    """What a row reads of each GPU, each value with its type (1, 1.0 and True are equal
    but read apart): the values its cause is described from (:func:`describe_key`: the
    temperature as said), its place and since when. None when one holds a list or another
    container (whose contents would compare equal across types)."""
    out = []
    for g in records:
        try:  # every field there (as the hub API sends them): read at C speed
            where, cause, since = _WHERE(g), _CAUSE(g), g["since"]
        except (KeyError, TypeError):
            get = g.get
            where = (get("hall", ""), get("row", ""), get("rack", ""), get("node", ""),
                     get("host", ""), get("uuid", ""), get("model", ""), get("slot"))
            cause = (get("status"), get("xid"), get("ecc_dbe"), get("row_remap_failure"),
                     get("clock_event_reasons"), get("temp_c"))
            since = get("since")
        out.append((describe_key(*cause), where, tuple(map(type, where)), since, type(since)))
    try:
        hash(tuple(out))
    except TypeError:
        return None
    return out


def _rollup_reads(snapshot: UnhealthyGpus | None) -> tuple[Any, ...] | None:
    """What :func:`fleet_rollup` reads of a GPU list (each GPU's hall, rack, model and
    status, with their types), None when a GPU lacks one (then it is always counted)."""
    if snapshot is None:
        return ()
    try:
        read = tuple(map(_ROLLUP_READS, snapshot.gpus))
    except (KeyError, TypeError):
        return None
    return read, tuple(map(type, chain.from_iterable(read)))


def _mappings(gpus: Any) -> list[Mapping[str, Any]]:
    """The GPU records that are mappings (a dict, as decoded, is told at C speed: the
    abstract Mapping's check costs ~0.3 ms a list of 90)."""
    return [g for g in gpus if type(g) is dict or isinstance(g, Mapping)]


_ROLLUP_READS = itemgetter("hall", "rack", "model", "status")
_WHERE = itemgetter("hall", "row", "rack", "node", "host", "uuid", "model", "slot")
_CAUSE = itemgetter("status", "xid", "ecc_dbe", "row_remap_failure", "clock_event_reasons",
                    "temp_c")


class UnhealthyGpuModel(QAbstractTableModel):
    """Every unhealthy GPU, one row each, with precomputed strings and sort keys."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.records: list[Mapping[str, Any]] = []
        self.cells: list[tuple[str, ...]] = []
        self.keys: list[tuple[Any, ...]] = []
        self.search: list[str] = []
        self._cache: dict[tuple[Any, ...], _Described] = {}
        self._places: dict[tuple[Any, ...], _Place] = {}  # of the GPUs of the last list
        self._clocks = SinceClocks()
        self.zone: tzinfo | None = zone_of(DEFAULT_SITE_TZ)
        """The time zone of the "Since" times: the site's."""
        self._incoming: list[tuple[str, ...]] | None = None  # rows as last given, unsorted
        self.generation = 0
        """Counts the changes of the rows or their order (the filter's list follows it)."""
        self._order: list[int] = []  # for each row shown, its place in the snapshot
        self._rows: dict[tuple[Any, ...], _Row] = {}
        """The rows of the last list by what each read of its GPU (:func:`_read_of`): a GPU
        that reads the same in the next list (its power or a fifth of a degree may have
        moved) takes its row from here, its "Since" words said anew."""

    def set_snapshot(self, snapshot: UnhealthyGpus, sort_column: int = -1,
                     order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> bool:
        """Take ``snapshot`` (called once per poll). True when the rows were rebuilt (in
        one reset, sorted on ``sort_column`` when it is one of the columns); False when they
        were not: every cell reads as before, or the same GPUs are listed and only their
        "Since" words moved on (not the sort column), which are updated in place so only
        those cells repaint."""
        now = _finite(snapshot.time)
        since_of = SinceWords(time.time() if now is None else now, self.zone, self._clocks)
        records = _mappings(snapshot.gpus)
        seen = _read_of(records)
        last, kept = self._rows, {}
        cells, keys, search = [], [], []
        places, self._places = self._places, {}
        for g, sig in zip(records, seen or repeat(None), strict=False):
            row = last.get(sig) if sig is not None else None
            if row is None:  # a GPU that reads otherwise than in the last list
                row = self._read_row(g, places)
            rest, since_f, sort_key, text, where, place = row
            if where is not None:
                self._places[where] = place
            if sig is not None:
                kept[sig] = row
            cells.append((*rest[:SINCE_COL], since_of(since_f), *rest[SINCE_COL:]))
            keys.append(sort_key)
            search.append(text)
        self._rows = kept
        if cells == self._incoming:
            return False
        if self._update_since(records, cells, sort_column):
            return False
        self._incoming = cells
        at = list(range(len(cells)))
        if 0 <= sort_column < len(COLUMNS):  # sorted before the views see the rows
            at.sort(key=lambda i: keys[i][sort_column],
                    reverse=order == Qt.SortOrder.DescendingOrder)
        self.beginResetModel()
        try:
            self.records = [records[i] for i in at]
            self.cells = [cells[i] for i in at]
            self.keys = [keys[i] for i in at]
            self.search = [search[i] for i in at]
            self._order = at
            self.generation += 1
        finally:
            self.endResetModel()
        return True

    def _read_row(self, g: Mapping[str, Any], places: dict[tuple[Any, ...], _Place]) -> _Row:
        """One GPU's cells but the "Since" words, its since time, sort key and search
        text, and its place as kept (``where`` None when not kept)."""
        # Hub text is cleaned once per cause (kept under what describe reads), once per
        # GPU's place (kept from the last list while it reads the same) and, for the
        # rest, per cell, where plain ASCII costs a type and a length check (cell()).
        cache = self._cache
        get = g.get
        status = get("status")
        key: tuple[Any, ...] | None = describe_key(
            status, get("xid"), get("ecc_dbe"), get("row_remap_failure"),
            get("clock_event_reasons"), get("temp_c"))
        try:
            described = cache.get(key)
        except TypeError:  # a list or a dict where a count belongs: not kept
            described = key = None
        if described is None:
            described = _describe_row(g)
            if key is not None:
                if len(cache) >= DESCRIBE_CACHE:
                    cache.clear()
                cache[key] = described
        cause, action, shown, rank, words = described
        where = (get("hall", ""), get("row", ""), get("rack", ""), get("node", ""),
                 get("host", ""), get("uuid", ""), get("model", ""), get("slot"))
        # kept only when text is text and the slot a number or none: 1, 1.0 and True
        # are equal keys but read differently
        keep = tuple(map(type, where)) in _PLAIN_PLACES
        place = places.get(where) if keep else None
        if place is None:
            place = _place(where, keep)
        texts, slot_key, head = place
        since_f = _finite(get("since"))
        sort_key = (texts[:4] + (slot_key,) + texts[5:]
                    + (rank, cause, since_f if since_f is not None else float("inf"), action))
        return ((*texts, shown, cause, action), since_f, sort_key, head + " " + words,
                where if keep else None, place)

    def _update_since(
        self, records: list[Mapping[str, Any]], cells: list[tuple[str, ...]], sort_column: int
    ) -> bool:
        old = self._incoming
        if old is None or len(old) != len(cells) or sort_column == SINCE_COL:
            return False
        changed = []
        for i, (a, b) in enumerate(zip(old, cells, strict=True)):
            if a != b:
                if a[:SINCE_COL] != b[:SINCE_COL] or a[SINCE_COL + 1:] != b[SINCE_COL + 1:]:
                    return False
                changed.append(i)
        row_of = {src: row for row, src in enumerate(self._order)}
        for i in range(len(cells)):
            self.records[row_of[i]] = records[i]
        rows = [row_of[i] for i in changed]
        for i, r in zip(changed, rows, strict=True):
            self.cells[r] = cells[i]
        if rows:  # one signal for the column's span (at a minute's turn most rows move on)
            self.dataChanged.emit(self.index(min(rows), SINCE_COL),
                                  self.index(max(rows), SINCE_COL),
                                  [Qt.ItemDataRole.DisplayRole])
        self._incoming = cells
        return True

    def set_zone(self, tz: tzinfo | str | None) -> bool:
        """Say times in ``tz`` (the site's) from the next snapshot on; a zone the workstation
        does not know keeps the one in use. True when the zone changed."""
        zone = zone_of(tz)
        if zone is None or zone == self.zone:
            return False
        self.zone = zone
        self._incoming = None  # the next snapshot rebuilds every row
        self._rows = {}
        return True

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.cells)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        # Asked for every role of every cell shown at each paint: the roles the model has
        # no answer for (font, alignment, check state, decoration...) are answered first.
        if role not in _ROLES:
            return None
        r, c = index.row(), index.column()
        if r < 0 or c < 0:  # no index
            return None
        if role == _DISPLAY:
            return self.cells[r][c]
        if role == _TOOLTIP:  # hub text: shown as typed, never rich text
            return plain_tooltip(str(self.cells[r][c]))
        if c != STATUS_COL:
            return None
        if role == _BACKGROUND:
            return STATUS_COLOUR.get(str(self.records[r].get("status")))
        return DARK_TEXT  # the foreground

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return QCoreApplication.translate("GpuHealthView", COLUMNS[section])
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the rows on precomputed keys (stable; ties keep site order)."""
        if not self.cells:
            return
        order_idx = sorted(range(len(self.cells)), key=lambda i: self.keys[i][column],
                           reverse=order == Qt.SortOrder.DescendingOrder)
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        where = {src: dst for dst, src in enumerate(order_idx)}
        self.records = [self.records[i] for i in order_idx]
        self._order = [self._order[i] for i in order_idx]
        self.cells = [self.cells[i] for i in order_idx]
        self.keys = [self.keys[i] for i in order_idx]
        self.search = [self.search[i] for i in order_idx]
        self.generation += 1
        self.changePersistentIndexList(
            old, [self.index(where[i.row()], i.column()) for i in old])
        self.layoutChanged.emit()


class UnhealthyGpuFilter(QSortFilterProxyModel):
    """Free text, status and hall filters, computed in one pass over precomputed strings."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = ""
        self.status = ""
        self.hall = ""
        self._accept: list[bool] = []
        self._generation = -1  # of the source's rows the list was made for
        self._source: UnhealthyGpuModel | None = None  # asked once a row: kept, not asked of Qt

    def setSourceModel(self, model: QAbstractItemModel) -> None:  # noqa: N802
        self._source = model if isinstance(model, UnhealthyGpuModel) else None
        super().setSourceModel(model)

    def set_filters(self, text: str | None = None, status: str | None = None,
                    hall: str | None = None) -> None:
        """Change any of the filters ('' = all) and refilter."""
        self._begin()
        if text is not None:
            self.text = text.strip().lower()
        if status is not None:
            self.status = status
        if hall is not None:
            self.hall = hall
        self._recompute()
        self._end()

    def _begin(self) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.9
            self.beginFilterChange()

    def _end(self) -> None:
        if hasattr(self, "endFilterChange"):
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.invalidateRowsFilter()

    def _recompute(self) -> None:
        src = self.sourceModel()
        if not isinstance(src, UnhealthyGpuModel):
            self._accept = []
            return
        self._generation = src.generation
        words = normalise_query(self.text)
        status, hall = self.status, self.hall
        recs, search = src.records, src.search
        if status or hall:
            self._accept = [
                (not status or recs[i].get("status") == status)
                and (not hall or recs[i].get("hall") == hall)
                and all(w in s for w in words)
                for i, s in enumerate(search)
            ]
        elif not words:  # no filter: every row (the list is asked once a row)
            self._accept = [True] * len(search)
        elif len(words) == 1:  # what is typed most: one word
            word = words[0]
            self._accept = [word in s for s in search]
        else:
            self._accept = [all(w in s for w in words) for s in search]

    def refresh(self) -> None:
        """Recompute the filter after the source model changed."""
        self._begin()
        self._recompute()
        self._end()

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:  # noqa: N802
        src = self._source
        if src is not None and src.generation != self._generation:
            self._recompute()  # new rows (a reset): filtered as the proxy maps them
        accept = self._accept
        return accept[source_row] if source_row < len(accept) else True

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in the source model (fast, on precomputed keys), then refilter."""
        src = self.sourceModel()
        if src is not None:
            src.sort(column, order)
        self.refresh()


ROLLUP_ROW_PAD = 8
"""Padding of a roll-up row beyond the font's line height (pixels)."""
ROLLUP_ROWS = 7
ABNORMAL_SHARE = {"degraded": 0.01, "failed": 0.005, "off_bus": 0.002}
"""Share of a hall's GPUs in a status above which its roll-up cell is coloured."""
ROLLUP_HEALTHY_COL = 3
ROLLUP_HEADERS = (QT_TRANSLATE_NOOP("GpuHealthView", "Hall"), QT_TRANSLATE_NOOP("GpuHealthView", "Model"),
                  QT_TRANSLATE_NOOP("GpuHealthView", "Total"), QT_TRANSLATE_NOOP("GpuHealthView", "Healthy"),
                  QT_TRANSLATE_NOOP("GpuHealthView", "Degraded"), QT_TRANSLATE_NOOP("GpuHealthView", "Failed"),
                  QT_TRANSLATE_NOOP("GpuHealthView", "Off the bus"))
"""The roll-up's column headers in English (shown translated)."""


def percent(n: int, total: int) -> str:
    """``n`` of ``total`` as a percentage that never rounds a count to 0 % or 100 %."""
    pct = n / total * 100.0
    if 0 < pct < 0.005:
        return "<" + figure(0.01, ".2f", " %")
    if 99.995 <= pct < 100:
        return ">" + figure(99.99, ".2f", " %")
    return figure(pct, ".2f", " %")


def rollup_rows(rows: list[RollupRow], known: bool = True,
                ) -> tuple[list[tuple[str, ...]], list[dict[int, QColor]]]:
    """Roll-up table rows (plus the site line) and the colours of non-zero bad counts.
    ``known=False``: no GPU list yet (the layout alone): the GPUs installed, and '—' for
    how many are healthy, degraded, failed or off the bus."""
    out, colours = [], []
    for r in [*rows, rollup_totals(rows)]:
        def share(n: int, total: int = r.total) -> str:
            if not known:
                return missing()
            said = f"{figure(n, ',d')} ({percent(n, total)})" if total else figure(n, ",d")
            return left_to_right(said)  # its brackets never mirrored in Arabic

        out.append((cell(r.hall, 40), cell(r.model, 40), figure(r.total, ",d"), share(r.healthy),
                    share(r.degraded),
                    share(r.failed), share(r.off_bus)))
        colours.append({4 + i: STATUS_COLOUR[s] for i, s in enumerate(STATUSES)
                        if known and r.total and r.count(s) / r.total > ABNORMAL_SHARE[s]})
    return out, colours


class GpuHealthView(LiveView):
    """Fleet roll-up and the table of every unhealthy GPU, with filters.

    Emits ``gpuSelected(rack_id, uuid)`` when a row is selected and
    ``maintenanceRequested(uuid)`` from the row's "Show in maintenance list" action.
    """

    kinds = ("gpus",)
    title = "GPU health"

    gpuSelected = Signal(str, str)
    maintenanceRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.snapshot: UnhealthyGpus | None = None
        self._pending: UnhealthyGpus | None = None
        self.rollup: list[RollupRow] = []
        self._rollup_of: tuple[SiteTopology | None, tuple[Any, ...]] | None = None
        """(site layout, what it read of the GPU list) the roll-up was last counted from."""
        self._rollup_fit: tuple[Any, ...] | None = None
        """What the roll-up's columns were last fitted to (see :meth:`_fit_rollup`)."""
        self._rollup_widths: dict[tuple[Any, ...], int] = {}
        """A roll-up column's width by (column, widths of its header and widest text, font)."""
        self.rollup_model = RowsModel([QCoreApplication.translate("GpuHealthView", h)
                                        for h in ROLLUP_HEADERS], self, same_row=(0, 1))
        self.rollup_table = QTableView()
        self.rollup_table.setModel(self.rollup_model)
        self.rollup_table.verticalHeader().hide()
        rollup_header = self.rollup_table.horizontalHeader()
        # Hall, model, counts and shares whole, in any language: each as wide as its widest
        # figure or its translated header, side by side (what is left stays blank at the
        # right). Only where they do not all fit does the healthy column (a count and a
        # share near 100 %) take what is left, and it is the one cut short (_fit_rollup).
        # The widths are set by _fit_rollup when the texts take other room: Qt's own fit
        # to contents asks the model for every cell at each change, and again later.
        rollup_header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rollup_header.setStretchLastSection(False)
        self.rollup_table.viewport().installEventFilter(self)
        self.rollup_model.modelReset.connect(self._fit_rollup)  # new figures; not the same again
        self.rollup_model.dataChanged.connect(lambda *_: self._fit_rollup())
        self.rollup_table.setSelectionMode(QTableView.SelectionMode.NoSelection)
        self.rollup_table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        row_h = self.fontMetrics().height() + ROLLUP_ROW_PAD  # rows follow the font
        self.rollup_table.verticalHeader().setDefaultSectionSize(row_h)
        self.rollup_table.setMinimumHeight(row_h * 3)
        self.model = UnhealthyGpuModel(self)
        self.proxy = UnhealthyGpuFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(STATUS_COL, Qt.SortOrder.DescendingOrder)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        bound_columns(self.table)
        set_column_widths(self.table, (  # characters, or a sample of the widest value
            "Hall", "A-00", "A-00-00", 14, "Slot", 18, "GB200", status_word("off_bus"), 47,
            "28 Nov 23:59 (23 h 59 min ago)"))
        header.setStretchLastSection(True)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.action_maintenance = QAction(self.tr("Show in maintenance list"), self.table)
        self.action_maintenance.triggered.connect(self._show_in_maintenance)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.table.addAction(self.action_maintenance)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(
            self.tr("Filter: rack, node, UUID, XID, cause… (all words)"))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setMinimumWidth(self.fontMetrics().averageCharWidth() * 25)
        self.filter_edit.textChanged.connect(lambda t: self.proxy.set_filters(text=t))
        self.filter_edit.textChanged.connect(self._update_count)
        self.status_box = QComboBox()
        self.status_box.addItem(self.tr("All statuses"), "")
        for s in STATUSES:
            self.status_box.addItem(status_word(s), s)
        self.status_box.currentIndexChanged.connect(self._on_combo)
        self.hall_box = QComboBox()
        for box in (self.status_box, self.hall_box):
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(16)
        self.hall_box.addItem(self.tr("All halls"), "")
        self.hall_box.currentIndexChanged.connect(self._on_combo)
        self.count_label = QLabel(self.tr("no data yet"))
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        # Health signals the source does not collect (ECC off in dcgm-exporter's default
        # counters...): said in grey, so "no failing GPU" is never read as "checked".
        self.not_collected_label = QLabel()
        self.not_collected_label.setObjectName("gpuNotCollected")
        self.not_collected_label.setTextFormat(Qt.TextFormat.PlainText)
        self.not_collected_label.setWordWrap(True)
        self.not_collected_label.setStyleSheet(f"color: {INFO_GREY};")
        self.not_collected_label.hide()
        bar = QHBoxLayout()
        bar.addWidget(self.filter_edit, 1)
        bar.addWidget(self.status_box)
        bar.addWidget(self.hall_box)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addLayout(bar)
        self._count_box = LineBox(self.count_label)  # new figures: no window layout
        lower_layout.addWidget(self._count_box)
        lower_layout.addWidget(self.not_collected_label)
        lower_layout.addWidget(self.table, 1)
        self.table.setMinimumHeight(row_h * 4)
        # The operator drags the split: the roll-up gets room for ROLLUP_ROWS halls at first.
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.rollup_table)
        self.splitter.addWidget(lower)
        header_h = self.rollup_table.horizontalHeader().sizeHint().height()
        rollup_h = header_h + row_h * ROLLUP_ROWS + 4
        self.splitter.setSizes([rollup_h, 4 * rollup_h])
        self.splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)

    # -- data in -------------------------------------------------------------------------
    def set_topology(self, topology: SiteTopology) -> None:
        """Take the site layout: GPU totals per hall, the hall filter choices and the site's
        time zone (the "Since" times and the list's time)."""
        super().set_topology(topology)
        if self.model.set_zone(getattr(topology, "timezone", None)) and self.snapshot is not None:
            if self._pending is None:  # the list shown, its times said in the new zone
                self._pending = self.snapshot
            self.mark_dirty()
        current = self.hall_box.currentData()
        self.hall_box.blockSignals(True)
        self.hall_box.clear()
        self.hall_box.addItem(self.tr("All halls"), "")
        for h in topology.halls:
            if not isinstance(h, Mapping):
                continue
            hid = cell(h.get("id", ""))
            self.hall_box.addItem(self.tr("Hall {0} · {1}").format(
                cell(hid, 20), cell(h.get("gpu_model", ""), 30)), hid)
        i = self.hall_box.findData(current)
        self.hall_box.setCurrentIndex(max(0, i))
        self.hall_box.blockSignals(False)
        self._update_rollup()

    def on_snapshot(self, snapshot: Snapshot) -> None:
        """Keep an UnhealthyGpus snapshot; the table and roll-up follow on redraw."""
        if isinstance(snapshot, UnhealthyGpus):
            self._pending = snapshot

    def _apply_pending(self) -> None:
        snapshot, self._pending = self._pending, None
        if snapshot is None:
            return
        self.snapshot = snapshot
        self._update_not_collected(snapshot.not_collected)
        selected = self.selected_gpu()
        header = self.table.horizontalHeader()
        # New rows come sorted, in one reset the filter follows (no sort and refilter after).
        if not self.model.set_snapshot(snapshot, header.sortIndicatorSection(),
                                       header.sortIndicatorOrder()):  # the same rows
            self._update_rollup()
            self._update_count()
            self._lay_out_now()
            return
        self._update_rollup()
        self._update_count()
        if selected[1]:
            self.select_gpu(selected[1], emit=False)
        self._lay_out_now()

    def _lay_out_now(self) -> None:
        """The tables' rows and columns laid out now, not by their timers after the
        window's next paint, which then painted them a second time."""
        self._count_box.follow()  # the count line's new words (when they take other room)
        self.layout().activate()
        for table in (self.table, self.rollup_table):
            table.executeDelayedItemsLayout()
            table.horizontalHeader().executeDelayedItemsLayout()

    def set_data_age(self, age: float | None, stale: bool) -> None:
        """Take the data age; refresh the count line when the age shown changes."""
        shown = format_age(self.data_age)
        super().set_data_age(age, stale)
        if format_age(age) != shown:
            self.mark_dirty()

    def redraw(self) -> None:
        """Rebuild the table and roll-up from a new snapshot, refresh the count line."""
        if self._pending is None:
            self._update_count()
        else:
            self._apply_pending()  # the count line too

    # -- public API ----------------------------------------------------------------------
    def set_filter(self, text: str = "", status: str = "", hall: str = "") -> None:
        """Set the free-text, status and hall filters ('' = all)."""
        self.filter_edit.setText(text)
        self.status_box.setCurrentIndex(max(0, self.status_box.findData(status)))
        self.hall_box.setCurrentIndex(max(0, self.hall_box.findData(hall)))
        self.proxy.set_filters(text, status, hall)
        self._update_count()

    def visible_rows(self) -> int:
        """Rows that pass the filters."""
        return self.proxy.rowCount()

    def selected_gpu(self) -> tuple[str, str]:
        """(rack id, uuid) of the selected row, ('', '') when none."""
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return "", ""
        rec = self.model.records[self.proxy.mapToSource(rows[0]).row()]
        return cell(rec.get("rack", "")), cell(rec.get("uuid", ""))

    def select_gpu(self, uuid: str, emit: bool = True) -> bool:
        """Select the row of ``uuid`` (if it passes the filters)."""
        for i, rec in enumerate(self.model.records):
            if cell(rec.get("uuid", "")) == uuid:
                index = self.proxy.mapFromSource(self.model.index(i, 0))
                if not index.isValid():
                    return False
                self.table.blockSignals(not emit)
                self.table.selectionModel().blockSignals(not emit)
                self.table.selectRow(index.row())
                self.table.selectionModel().blockSignals(False)
                self.table.blockSignals(False)
                self.table.scrollTo(index)
                return True
        return False

    # -- internals -----------------------------------------------------------------------
    def _on_combo(self) -> None:
        self.proxy.set_filters(status=self.status_box.currentData() or "",
                               hall=self.hall_box.currentData() or "")
        self._update_count()

    def _on_selection(self, selected: QItemSelection, deselected: QItemSelection) -> None:
        rack, uuid = self.selected_gpu()
        if uuid:
            self.gpuSelected.emit(rack, uuid)

    def _show_in_maintenance(self) -> None:
        uuid = self.selected_gpu()[1]
        if uuid:
            self.maintenanceRequested.emit(uuid)

    def not_collected_lines(self, not_collected: Mapping[str, str]) -> list[str]:
        """One line per health signal the source does not collect: what it means and what
        to enable (known signals), else the source's own words."""
        known = {
            "ecc_dbe": self.tr("ECC not collected: enable DCGM_FI_DEV_ECC_DBE_VOL_TOTAL in "
                               "dcgm-exporter's counters file (commented out by default)"),
            "clock_event_reasons": self.tr(
                "Throttling not collected: enable DCGM_FI_DEV_CLOCKS_EVENT_REASONS "
                "(DCGM_FI_DEV_CLOCK_THROTTLE_REASONS before DCGM 3.1) in dcgm-exporter's "
                "counters file"),
            "row_remap_failure": self.tr("Row remap failures not collected: enable "
                                         "DCGM_FI_DEV_ROW_REMAP_FAILURE in dcgm-exporter's "
                                         "counters file"),
            "xid": self.tr("XIDs not collected: enable DCGM_FI_DEV_XID_ERRORS in "
                           "dcgm-exporter's counters file"),
        }
        lines = []
        items = not_collected.items() if isinstance(not_collected, Mapping) else ()
        for signal, reason in sorted((cell(k), cell(v)) for k, v in items):
            text = known.get(signal)
            if text is None:  # the source's own words, which name the signal
                text = cell(reason, 200) or self.tr("{signal} not collected").format(
                    signal=cell(signal, 60))
            lines.append(text)
        return lines

    def _update_not_collected(self, not_collected: Mapping[str, str]) -> None:
        if not isinstance(not_collected, Mapping):
            not_collected = {}
        lines = self.not_collected_lines(not_collected)
        if not lines:
            self.not_collected_label.hide()
            self.not_collected_label.clear()
            return
        head = self.tr("Not checked (GPUs with these faults are not listed):")
        self.not_collected_label.setText("\n".join([head, *lines]))
        self.not_collected_label.setToolTip(
            plain_tooltip("\n".join(sorted(f"{cell(k)}: {cell(v)}"
                                            for k, v in not_collected.items()))))
        self.not_collected_label.show()

    def _update_rollup(self) -> None:
        read = _rollup_reads(self.snapshot)
        last = self._rollup_of
        if read is not None and last is not None and last[0] is self.topology and (
                last[1] == read):
            return  # the same GPUs in the same places and states: the same figures
        self._rollup_of = None if read is None else (self.topology, read)
        try:
            self.rollup = fleet_rollup(self.snapshot, self.topology)
        except (TypeError, ValueError, OverflowError, KeyError, AttributeError, IndexError):
            self.rollup = []  # a site layout it cannot count: the site line only
        self.rollup_model.set_rows(*rollup_rows(self.rollup, known=self.snapshot is not None))

    def _fit_rollup(self) -> None:
        """The healthy column as wide as its figures where every column fits, else the width
        the others leave it."""
        table = self.rollup_table
        header = table.horizontalHeader()
        # What the columns' widths follow: their texts' widths (figures of the same width
        # take the same room), the font and the room there is. Qt's size hints ask the
        # model for every cell (~4 ms), so they are asked only when one of these changed.
        fm = table.fontMetrics()
        model = self.rollup_model
        font = table.font().key()
        widths = tuple((fm.horizontalAdvance(name), max(map(fm.horizontalAdvance, column),
                                                        default=0))
                       for name, *column in zip(model.headers, *model.rows, strict=False))
        key = (widths, len(model.rows), font, table.viewport().width())
        if key == self._rollup_fit:
            return
        self._rollup_fit = key
        # A column's width follows its header and its widest text alone: kept by those, as
        # a review's jumps come back to figures of widths seen before.
        fitted = self._rollup_widths
        if len(fitted) > 256:
            fitted.clear()
        need = []
        for c, room in enumerate(widths):
            width = fitted.get((c, room, font))
            if width is None:
                width = fitted[(c, room, font)] = max(header.sectionSizeHint(c),
                                                      table.sizeHintForColumn(c))
            need.append(width)
        mode = (QHeaderView.ResizeMode.Stretch if sum(need) > table.viewport().width()
                else QHeaderView.ResizeMode.Fixed)
        if header.sectionResizeMode(ROLLUP_HEALTHY_COL) != mode:
            header.setSectionResizeMode(ROLLUP_HEALTHY_COL, mode)
        resized = [(c, width) for c, width in enumerate(need)
                   if (c != ROLLUP_HEALTHY_COL or mode == QHeaderView.ResizeMode.Fixed)
                   and header.sectionSize(c) != width]
        if not resized:
            return
        # The table follows the header's new sizes now, not by a timer of its own after
        # the window's next paint (which painted the roll-up a second time).
        header.blockSignals(True)
        try:
            for c, width in resized:
                header.resizeSection(c, width)
        finally:
            header.blockSignals(False)
        table.updateGeometries()
        table.viewport().update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt name
        if watched is self.rollup_table.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_rollup()
        return super().eventFilter(watched, event)

    def _update_count(self) -> None:
        if self.snapshot is None:
            self.count_label.setText(self.tr("no data yet"))
            return
        age = self.data_age if self.data_age is not None else self.snapshot.age()
        stale = self.tr(" — STALE") if self.stale else ""
        self.count_label.setText(
            self.tr("{0} of {1} unhealthy GPUs · list {2} old ({3})").format(
                figure(self.visible_rows(), ",d"), figure(self.model.rowCount(), ",d"),
                format_age(age), clock_words(self.snapshot.time, self.model.zone) or missing())
            + stale)
