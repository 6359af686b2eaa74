"""The maintenance list: single-GPU faults as the crew's work, grouped by recovery action.

A two-level tree: one header row per action group (most urgent first, with its count),
under it the devices that need that action. Only the urgent groups' headers carry colour
(ISA-101: colour means act); the rest is grey. Tenant and job names come from outside:
they are plain text in bidi isolates, never rich text. Activating a device (double-click
or Enter) emits ``gpuActivated(rack_id, uuid)`` so the window opens its rack with the GPU
selected.
"""

from __future__ import annotations

import math
import time
import unicodedata
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from console.gpu_health import local_cause, normalise_query, since_words
from console.maintenance import ACTION_GROUPS, ActionGroup, MaintenanceItem, MaintenanceList
from console.model import SiteTopology, Snapshot
from widgets.text import bound_columns, cell, figure, isolate, missing, plain_tooltip
from widgets.view import DATA_ERRORS, LiveView, SiteClock, format_age, site_clock_of

_Index = QModelIndex | QPersistentModelIndex
_DISPLAY = Qt.ItemDataRole.DisplayRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
COLUMNS = ("Device", "Node", "Rack", "Job", "Tenant", "Cause", "First seen", "Count")
COUNT_COL = COLUMNS.index("Count")
NODE_STATE_WORDS = {"drain": "drained", "maint": "in maintenance", "down": "down"}
URGENT_BG = QBrush(QColor("#e69f00"))  # Okabe-Ito orange: act
URGENT_FG = QBrush(QColor("#1e2126"))
GROUP_BG = QBrush(QColor("#3e434a"))
_NO_GROUP = 0xFFFFFFFF
"""internalId of a group header row (an item row holds its group's position)."""


def _tr(text: str) -> str:
    return QCoreApplication.translate("MaintenanceView", text)


def search_text(item: MaintenanceItem) -> str:
    """One lower-case string per item that the filter searches (all words must match)."""
    parts = [cell(getattr(item, name, "")) for name in (
        "device", "host", "node", "rack", "row", "hall", "model", "status", "cause", "tenant",
        "job_name")]
    parts.append(_state_words(item.node_state))
    try:
        parts.append(cell(item.action))
        said = (local_cause(item.cause), item.label)
        parts += [cell(w) for w in said if w not in (item.cause, item.action)]
    except DATA_ERRORS:  # a group the console does not know
        pass
    if item.xid is not None:
        parts.append(f"xid{cell(item.xid)}")
    if item.job_id is not None:
        parts.append(cell(item.job_id))
    return fold(" ".join(parts))


def _state_words(state: object) -> str:
    """A server's state in words ('drained'); the hub's own word for one it does not know."""
    return NODE_STATE_WORDS.get(state, cell(state)) if isinstance(state, str) else cell(state)


def fold(text: str) -> str:
    """Lower case without accents, so 'sao paulo' finds 'São Paulo'."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def seen_words(t: float, now: float, site: SiteClock | None = None) -> str:
    """'09:50 (3 h ago)', '28 Nov 22:02 (15 h ago)': the site's wall clock (``site``; the
    default site's when none) and a short age; '—' for a time no clock can show."""
    site = site or site_clock_of(None)
    try:
        if not (math.isfinite(t) and math.isfinite(now)) or site.at(t) is None:
            return missing()
        age = max(0, int(now - t))
        ago = (f"{age // 60} min" if age < 3600 else f"{age // 3600} h" if age < 172_800
               else f"{age // 86_400} d")
        clock = site.day_clock(t, now, "%H:%M")
    except DATA_ERRORS:
        return missing()
    return QCoreApplication.translate("MaintenanceView", "{clock} ({ago} ago)").format(clock=clock, ago=ago)


def _since(t: object, site: SiteClock) -> str:
    try:
        return since_words(t, tz=site.zone)  # type: ignore[arg-type]
    except DATA_ERRORS:
        return missing()


class MaintenanceModel(QAbstractItemModel):
    """Action groups (top level) and their devices (children), filtered by free text."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.mlist: MaintenanceList | None = None
        self.text = ""
        self.groups: list[tuple[ActionGroup, list[MaintenanceItem]]] = []
        """The groups shown (those with items passing the filter), in urgency order."""
        self._search: dict[int, tuple[MaintenanceItem, str]] = {}
        self.site_clock = site_clock_of(None)
        """Says the times in the site's zone (the view sets it from the site layout)."""

    # -- data in --------------------------------------------------------------------------
    def set_site_clock(self, site: SiteClock) -> None:
        """Say the times in ``site``'s zone (every shown time cell is said again)."""
        if site == self.site_clock:
            return
        self.site_clock = site
        col = COLUMNS.index("First seen")
        roles = [_DISPLAY, _TOOLTIP]
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, col, col)
        for row, (_, items) in enumerate(self.groups):
            if items:
                parent = self.index(row, 0)
                self.dataChanged.emit(self.index(0, col, parent),
                                      self.index(len(items) - 1, col, parent), roles)

    def set_list(self, mlist: MaintenanceList | None) -> None:
        """Show ``mlist`` (None: nothing); keeps the filter."""
        self.mlist = mlist
        old = self._search
        self._search = {}
        for item in mlist.items if mlist is not None else ():
            known = old.get(id(item))
            self._search[id(item)] = known if known is not None and known[0] is item else (
                item, search_text(item))
        self._rebuild()

    def set_filter(self, text: str) -> None:
        """Show only devices whose text holds every word of ``text`` ('' = all)."""
        self.text = text
        self._rebuild()

    def _rebuild(self) -> None:
        words = normalise_query(fold(self.text))
        by_group: dict[str, list[MaintenanceItem]] = {}
        for item in self.mlist.items if self.mlist is not None else ():
            if words:
                haystack = self._search[id(item)][1]
                if not all(w in haystack for w in words):
                    continue
            by_group.setdefault(item.group if isinstance(item.group, str) else "", []).append(item)
        groups = [(g, by_group[g.key]) for g in ACTION_GROUPS if g.key in by_group]
        self.beginResetModel()  # the new rows are built: the reset only swaps them in
        self.groups = groups
        self.endResetModel()

    # -- lookups --------------------------------------------------------------------------
    def visible_items(self) -> int:
        return sum(len(items) for _, items in self.groups)

    def item_at(self, index: _Index) -> MaintenanceItem | None:
        """The device of an item row (None for a group row or an invalid index)."""
        if not index.isValid() or index.internalId() == _NO_GROUP:
            return None
        items = self.groups[index.internalId()][1]
        return items[index.row()] if index.row() < len(items) else None

    def index_of(self, device: str) -> QModelIndex:
        """The index of ``device``'s row (invalid when it is not shown)."""
        for g, (_, items) in enumerate(self.groups):
            for r, item in enumerate(items):
                if item.device == device:
                    return self.createIndex(r, 0, g)
        return QModelIndex()

    # -- Qt model -------------------------------------------------------------------------
    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not parent.isValid():
            if 0 <= row < len(self.groups) and 0 <= column < len(COLUMNS):
                return self.createIndex(row, column, _NO_GROUP)
            return QModelIndex()
        if parent.internalId() != _NO_GROUP:
            return QModelIndex()
        items = self.groups[parent.row()][1]
        if 0 <= row < len(items) and 0 <= column < len(COLUMNS):
            return self.createIndex(row, column, parent.row())
        return QModelIndex()

    def parent(self, index: _Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid() or index.internalId() == _NO_GROUP:
            return QModelIndex()
        return self.createIndex(index.internalId(), 0, _NO_GROUP)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        if not parent.isValid():
            return len(self.groups)
        if parent.internalId() == _NO_GROUP and parent.column() == 0:
            return len(self.groups[parent.row()][1])
        return 0

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return len(COLUMNS)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        if not index.isValid():
            return None
        if index.internalId() == _NO_GROUP:
            return self._group_data(index, role)
        item = self.item_at(index)
        if item is None:
            return None
        try:
            if role == _DISPLAY:
                return self._cell(item, index.column())
            if role == _TOOLTIP:
                return self._tooltip(item, index.column())
        except DATA_ERRORS:  # a value the list cannot show
            return missing() if role == _DISPLAY else None
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == COUNT_COL:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _group_data(self, index: _Index, role: int) -> Any:
        group, items = self.groups[index.row()]
        if role == _DISPLAY and index.column() == 0:
            total = self.mlist.counts.get(group.key, len(items)) if self.mlist else len(items)
            shown = (self.tr("{n} devices").format(n=total) if len(items) == total else
                     self.tr("{k} of {n} devices").format(k=len(items), n=total))
            return f"{group.label} — {shown}"
        if role == _TOOLTIP:
            return plain_tooltip(self.tr("{detail}\nNVML recovery action: {nvml}").format(
                detail=group.advice, nvml=group.nvml))
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole:
            return URGENT_BG if group.urgent else GROUP_BG
        if role == Qt.ItemDataRole.ForegroundRole and group.urgent:
            return URGENT_FG
        return None

    def _cell(self, item: MaintenanceItem, column: int) -> str:
        if column == 0:
            slot = "?" if item.slot is None else cell(item.slot, 8)
            return self.tr("GPU {slot} · {uuid}").format(
                slot=slot, uuid=cell(item.device).removeprefix("GPU-")[:8])
        if column == 1:
            state = (NODE_STATE_WORDS.get(item.node_state)
                     if isinstance(item.node_state, str) else None)
            host = cell(item.host or item.node)
            return f"{host} · {self.tr(state)}" if state else host
        if column == 2:
            return cell(item.rack)
        if column == 3:
            if item.job_id is None:
                return missing()
            job = cell(item.job_id, 40)
            return f"{job} {isolate(item.job_name)}" if item.job_name else job
        if column == 4:
            return isolate(item.tenant)
        if column == 5:
            return cell(local_cause(item.cause))
        if column == 6:
            now = self.mlist.time if self.mlist else time.time()
            return seen_words(item.first_seen, now, self.site_clock)
        if column == 7:
            return figure(item.count, "d", none=missing())
        return ""

    def _tooltip(self, item: MaintenanceItem, column: int) -> str:
        if column == 0:
            text = self.tr("{uuid}\n{model}, slot {slot} of {node}").format(
                uuid=cell(item.device, 200), model=cell(item.model, 100),
                slot=cell(item.slot, 20), node=cell(item.node, 200))
        elif column == 6:
            text = self.tr("first reported {first}; latest report {last}").format(
                first=_since(item.first_seen, self.site_clock),
                last=_since(item.last_seen, self.site_clock))
        elif column == 7:
            text = self.tr("reported faulty {n} time(s) within 24 h").format(
                n=cell(item.count, 20))
        else:
            text = self._cell(item, column)
        return plain_tooltip(text)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = _DISPLAY) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == _DISPLAY:
            return _tr(COLUMNS[section])
        if role == _TOOLTIP and COLUMNS[section] == "First seen":
            return QCoreApplication.translate("MaintenanceView", "Site time ({zone})").format(zone=self.site_clock.label())
        return None


class MaintenanceView(LiveView):
    """The maintenance list, grouped by recovery action, with a free-text filter.

    Feed it :meth:`set_maintenance` (``AlarmUpdate.maintenance``). Signals:
    ``gpuActivated(rack_id, uuid)`` when a device row is activated (double-click, Enter).
    """

    kinds = ("gpus",)
    title = "Maintenance list"

    gpuActivated = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mlist: MaintenanceList | None = None
        self._pending: MaintenanceList | None = None
        self._received = False
        self._got_list = False
        self._collapsed: set[str] = set()
        self.model = MaintenanceModel(self)
        self.tree = QTreeView()
        self.tree.setModel(self.model)
        self.tree.setUniformRowHeights(True)
        self.tree.setAllColumnsShowFocus(True)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setWordWrap(False)
        self.tree.setExpandsOnDoubleClick(False)
        self.tree.activated.connect(self._on_activated)
        self.tree.collapsed.connect(lambda i: self._remember(i, collapsed=True))
        self.tree.expanded.connect(lambda i: self._remember(i, collapsed=False))
        header = self.tree.header()
        bound_columns(self.tree)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COLUMNS.index("Cause"), QHeaderView.ResizeMode.Stretch)
        char = self.fontMetrics().averageCharWidth()
        self.tree.setIndentation(char * 2)
        for col, chars in enumerate((26, 22, 10, 26, 22, 40, 32, 8)):
            if col != COLUMNS.index("Cause"):
                header.resizeSection(col, char * chars)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(
            self.tr("Filter: rack, node, UUID, XID, job, tenant, action… (all words)"))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._on_filter)
        self.count_label = QLabel(self.tr("no data yet"))
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.count_label)
        layout.addWidget(self.tree, 1)

    # -- data in --------------------------------------------------------------------------
    def set_maintenance(self, mlist: MaintenanceList | None) -> None:
        """Take the list after a poll (or as it stood at a reviewed time); None: none known."""
        self._pending = mlist
        self._received = True
        self._got_list = True
        self._has_data = True
        self.mark_dirty()

    def set_topology(self, topology: SiteTopology) -> None:
        """Take the site layout: its time zone says the list's times."""
        super().set_topology(topology)
        self.model.set_site_clock(self.site_clock)

    def on_snapshot(self, snapshot: Snapshot) -> None:
        """GPU snapshots only date the view (the list comes through set_maintenance)."""

    def set_data_age(self, age: float | None, stale: bool) -> None:
        shown = format_age(self.data_age)
        super().set_data_age(age, stale)
        if format_age(age) != shown:
            self.mark_dirty()

    def redraw(self) -> None:
        """Show a new list (keeping the selection and collapsed groups); refresh the counts."""
        if self._received:
            self._received = False
            mlist, self._pending = self._pending, None
            selected = self.selected_device()
            self.mlist = mlist
            self.model.set_list(mlist)
            self._after_reset(selected)
        self._update_count()

    # -- public API -----------------------------------------------------------------------
    def set_filter(self, text: str) -> None:
        """Set the free-text filter ('' = all)."""
        self.filter_edit.setText(text)

    def visible_items(self) -> int:
        """Devices that pass the filter."""
        return self.model.visible_items()

    def selected_device(self) -> str:
        """UUID of the selected device ('' when none)."""
        item = self.model.item_at(self.tree.currentIndex())
        if item is None or not self.tree.selectionModel().isSelected(self.tree.currentIndex()):
            return ""
        return item.device

    def select_device(self, uuid: str) -> bool:
        """Select and show ``uuid``'s item (clearing a filter that hides it); False when it
        is not on the list."""
        self.flush()
        if not self.model.index_of(uuid).isValid() and self.model.text:
            self.set_filter("")
        index = self.model.index_of(uuid)
        if not index.isValid():
            return False
        self.tree.expand(index.parent())
        self.tree.setCurrentIndex(index)
        self.tree.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        return True

    # -- internals ------------------------------------------------------------------------
    def _after_reset(self, selected: str) -> None:
        for row, (group, _) in enumerate(self.model.groups):
            index = self.model.index(row, 0)
            self.tree.setFirstColumnSpanned(row, QModelIndex(), True)
            self.tree.setExpanded(index, group.key not in self._collapsed)
        if selected:
            index = self.model.index_of(selected)
            if index.isValid():
                self.tree.setCurrentIndex(index)

    def _remember(self, index: QModelIndex, collapsed: bool) -> None:
        if index.internalId() != _NO_GROUP or index.row() >= len(self.model.groups):
            return
        key = self.model.groups[index.row()][0].key
        if collapsed:
            self._collapsed.add(key)
        else:
            self._collapsed.discard(key)

    def _on_filter(self, text: str) -> None:
        selected = self.selected_device()
        self.model.set_filter(text)
        self._after_reset(selected)
        self._update_count()

    def _on_activated(self, index: QModelIndex) -> None:
        item = self.model.item_at(index)
        if item is not None:
            self.gpuActivated.emit(item.rack, item.device)
        elif index.isValid():
            self.tree.setExpanded(index.siblingAtColumn(0),
                                  not self.tree.isExpanded(index.siblingAtColumn(0)))

    def _update_count(self) -> None:
        mlist = self.mlist
        if mlist is None or not mlist.recorded:
            self.count_label.setText(self.tr("no maintenance list yet") if not self._got_list
                                     else self.tr("no maintenance list recorded at this time"))
            return
        urgent = sum(n for k, n in mlist.counts.items()
                     if any(g.key == k and g.urgent for g in ACTION_GROUPS))
        parts = [self.tr("{k} of {n} devices to service").format(
            k=self.visible_items(), n=len(mlist)) if self.model.text
            else self.tr("{n} devices to service").format(n=len(mlist)),
            self.tr("{u} urgent").format(u=urgent)]
        if mlist.site_caused:
            parts.append(self.tr("{s} throttled GPUs explained by site alarms").format(
                s=mlist.site_caused))
        try:
            age = (self.data_age if self.data_age is not None
                   else max(0.0, time.time() - mlist.time))
        except DATA_ERRORS:
            age = math.nan
        site = self.site_clock
        parts.append(self.tr("list {age} old ({clock} {zone})").format(
            age=format_age(age), clock=site.clock(mlist.time), zone=site.abbrev(mlist.time)))
        text = " · ".join(parts)
        if self.stale:
            text += self.tr(" — STALE")
        self.count_label.setText(text)
