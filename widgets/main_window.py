"""The console's main window: menus, banners, KPI strip, dockable views, status bar.

Views are dock widgets in an inner main window, so an operator can float each onto
another monitor; the layout, window geometry and last source are restored at the
next start (QSettings). F11 toggles full screen for a wall display.
"""

from __future__ import annotations

import importlib
import logging
import math
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any, cast

import numpy as np
from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QEvent,
    QSettings,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from console.link import LinkMonitor, LinkState
from console.model import SiteTopology, Snapshot
from console.poller import DEFAULT_INTERVALS, PollResult
from console.urls import hide_userinfo
from widgets.alarm_banner import AlarmBanner
from widgets.feed import Feed
from widgets.rackmap import RackMapView
from widgets.rackmap_overlays import IDLE_OVERLAY
from widgets.site_summary import SiteSummary
from widgets.text import clip, isolate
from widgets.view import LiveView, SiteClock, format_age, set_style

log = logging.getLogger(__name__)

LAYOUT_VERSION = 1

LATE_BUILD_S = 5.0
"""Seconds after the first frame by which the views behind a tab are built, whether or not
the source answered (:meth:`MainWindow.build_deferred_after_first_frame`)."""
LIVE_GRACE_MS = 300
"""After the source's first rack answer, how long the views behind a tab wait to be built:
the views that show draw the live floor first."""


def _built_by(module: str, name: str) -> Callable[[], LiveView]:
    """What builds a view of class ``name`` of ``module``, imported when the first one is
    built: a window that defers the view (:meth:`MainWindow.build_deferred`) does not import
    its module before its first frame."""

    def build() -> LiveView:
        return cast(LiveView, getattr(importlib.import_module(module), name)())

    build.__name__ = build.__qualname__ = name
    return build


VIEW_SPECS: tuple[tuple[str, str, Callable[[], LiveView], Qt.DockWidgetArea], ...] = (
    ("rackmap", QT_TRANSLATE_NOOP("MainWindow", "Rack map"), RackMapView, Qt.DockWidgetArea.LeftDockWidgetArea),
    ("gpus", QT_TRANSLATE_NOOP("MainWindow", "GPU health"), _built_by("widgets.gpu_health", "GpuHealthView"), Qt.DockWidgetArea.RightDockWidgetArea),
    ("maintenance", QT_TRANSLATE_NOOP("MainWindow", "Maintenance list"), _built_by("widgets.maintenance", "MaintenanceView"), Qt.DockWidgetArea.RightDockWidgetArea),
    ("alarms", QT_TRANSLATE_NOOP("MainWindow", "Alarms"), _built_by("widgets.alarms", "AlarmListView"), Qt.DockWidgetArea.RightDockWidgetArea),
    ("power", QT_TRANSLATE_NOOP("MainWindow", "Power and renewables"), _built_by("widgets.power_chart", "PowerBalanceChart"), Qt.DockWidgetArea.BottomDockWidgetArea),
    ("jobs", QT_TRANSLATE_NOOP("MainWindow", "Job queue"), _built_by("widgets.jobs", "JobQueueView"), Qt.DockWidgetArea.BottomDockWidgetArea),
    ("log", QT_TRANSLATE_NOOP("MainWindow", "Shift log"), _built_by("widgets.shift_log", "ShiftLogView"), Qt.DockWidgetArea.BottomDockWidgetArea),
    ("steering", QT_TRANSLATE_NOOP("MainWindow", "Energy steering"), _built_by("widgets.steering", "SteeringView"), Qt.DockWidgetArea.BottomDockWidgetArea),
    ("tenants", QT_TRANSLATE_NOOP("MainWindow", "Energy by tenant"), _built_by("widgets.tenant_energy", "TenantEnergyView"), Qt.DockWidgetArea.BottomDockWidgetArea),
    ("idle", QT_TRANSLATE_NOOP("MainWindow", "Idle allocated GPUs"), _built_by("widgets.idle_gpus", "IdleGpuView"), Qt.DockWidgetArea.RightDockWidgetArea),
)
"""The docked views: key, title, what builds one (called with no argument when a window is
built, or by :meth:`MainWindow.build_deferred` for a view it was told to defer), area. A
view's module is imported when the first one is built (pyqtgraph with the power chart)."""


ExportDialog = Callable[..., Any]
"""Opens the handover export dialog: ``(window, collect=None, live=True)`` (as
:func:`widgets.export_dialog.open_export_dialog`)."""
ReviewOpener = Callable[..., Any]
"""Opens a review window over a cache file: ``(path, qsettings)`` (as
:func:`widgets.review.open_review_window`)."""


_LAYOUT_SCALARS = ("name", "timezone", "lat", "lon", "capacity_mw", "scale")
_LAYOUT_ARRAYS = ("geometry", "capacity_kw", "gpus", "hall_index", "row_index")


def _same(a: object, b: object) -> bool:
    return a == b or (isinstance(a, float) and isinstance(b, float) and a != a and b != b)


def layout_changed(old: SiteTopology, new: SiteTopology) -> bool:
    """Whether the views must take ``new`` in place of ``old``: anything they show or use
    differs (racks, halls, rows, the time zone, the name, the capacity...). The site is
    polled again and again; the same layout read again changes nothing."""
    if old is new:
        return False
    if any(not _same(getattr(old, f), getattr(new, f)) for f in _LAYOUT_SCALARS):
        return True
    if (old.rack_ids != new.rack_ids or old.halls != new.halls or old.rows != new.rows
            or old.racks != new.racks):
        return True
    for name in _LAYOUT_ARRAYS:
        a, b = np.asarray(getattr(old, name)), np.asarray(getattr(new, name))
        nan = a.dtype.kind in "fc" and b.dtype.kind in "fc"
        if a.shape != b.shape or not np.array_equal(a, b, equal_nan=nan):
            return True
    return False


def _is_shift_log(view: object) -> bool:
    """Whether ``view`` is the shift log's view (its module imported only once one is)."""
    module = sys.modules.get("widgets.shift_log")
    return module is not None and isinstance(view, module.ShiftLogView)


class WindowMode:
    """What a window's data is: the site now (this: live), or recorded
    (:class:`OfflineMode`, and :class:`widgets.review.ReviewMode` with its scrubber).

    The window asks its mode wherever the two differ; a mode may add widgets above the
    banners (:meth:`install`) and connect to the feed (:meth:`connect`)."""

    review = False
    """Recorded data: no live-only controls (acknowledge, shelve, silence), never stale."""
    keeps_journal = True
    """The window keeps the alarm transitions it sees (a handover when there is no cache)."""
    saves_layout = True
    """Closing the window saves its geometry and docks for the next start."""
    layout_mode = "live"
    """Under which mode its geometry and docks are kept (:mod:`widgets.placement`)."""

    def __init__(self) -> None:
        self.scrubber: Any = None
        """A review's :class:`widgets.review.TimelineScrubber` (None: none)."""

    def shown_label(self, source_label: str) -> str:
        """The label as the title and status bar show it: one or more source URLs, so
        never with user info."""
        return hide_userinfo(source_label)

    def title(self, window: MainWindow) -> str:
        return QCoreApplication.translate("MainWindow", "Hub Operations Console — {0}")

    def install(self, window: MainWindow, column: QVBoxLayout) -> None:
        """Add what the mode shows above the banners."""

    def connect(self, window: MainWindow, feed: Feed) -> None:
        """Connect what the mode handles of ``feed`` (the window connects the rest)."""

    def apply(self, view: LiveView, snapshot: Snapshot) -> None:
        """Hand a view a snapshot (live: appended to what it shows)."""
        view.apply(snapshot)

    def set_site_clock(self, window: MainWindow, site: SiteClock) -> None:
        """The site layout's zone, for the times the mode's own widgets say."""

    def refresh_ages(self, window: MainWindow) -> None:
        window.refresh_live_ages()

    def export_collect(self, window: MainWindow) -> tuple[Callable[[Any, str], Any] | None, bool]:
        """What the handover export reads (None: the dialog's own default) and whether it
        is of the live shift."""
        from console.handover.collect import collect_from_cache

        if not window.cache_path:
            return None, True
        cache_path = window.cache_path

        def collect_live(shift: Any, notes: str) -> Any:
            return collect_from_cache(cache_path, shift, notes=notes)[1]

        return collect_live, True

    def stop(self) -> None:
        """Stop the mode's own timers (idempotent)."""


class OfflineMode(WindowMode):
    """Recorded data: shown as it was at one time, never stale, never acted upon."""

    review = True
    keeps_journal = False  # the file holds the journal
    saves_layout = False  # an export's or a test's window: nothing kept
    layout_mode = "review"

    def shown_label(self, source_label: str) -> str:
        return source_label  # a file path

    def title(self, window: MainWindow) -> str:
        return QCoreApplication.translate("MainWindow", "Hub Operations Console — Review of {0}")

    def apply(self, view: LiveView, snapshot: Snapshot) -> None:
        if snapshot.kind == "power" and hasattr(view, "set_history"):
            view.set_history(snapshot)  # each time shows its own window, never appended
        else:
            view.apply(snapshot)

    def as_at(self) -> str | None:
        """The time the data shows, in words (None: not known)."""
        return None

    def refresh_ages(self, window: MainWindow) -> None:
        """The data is the site as it was at the shown time, never stale."""
        if window.link.last_error:
            window.link_status.setText(QCoreApplication.translate("MainWindow", "review — {0}").format(window.link.last_error))
        else:
            window.link_status.setText(QCoreApplication.translate("MainWindow", "REVIEW (offline)"))
        at = self.as_at()
        if window.latest.get("racks") is not None and at is not None:
            window.age_status.setText(QCoreApplication.translate("MainWindow", "as at {0}").format(at))
        for view in [window.summary, *window.views.values()]:
            view.set_data_age(0.0, False)


class MainWindow(QMainWindow):
    """The console window, fed by a :class:`widgets.feed.Feed` (or nothing), shown in a
    :class:`WindowMode` (live unless told; ``review=True`` is short for
    :class:`OfflineMode`)."""

    closing = Signal()

    def __init__(
        self,
        source_label: str,
        feed: Feed | None = None,
        intervals: dict[str, float] | None = None,
        settings: QSettings | None = None,
        clock: Callable[[], float] = time.time,
        review: bool = False,
        mode: WindowMode | None = None,
        export_dialog: ExportDialog | None = None,
        review_opener: ReviewOpener | None = None,
        defer: Sequence[str] = (),
    ) -> None:
        """``defer``: keys of views built only by :meth:`build_deferred` (their docks hold
        a placeholder until then): the window's first frame does not wait for them."""
        super().__init__()
        self.mode = mode if mode is not None else OfflineMode() if review else WindowMode()
        self.review = self.mode.review
        self.export_dialog = export_dialog
        """Opens File → Export handover (None: the action is off)."""
        self.review_opener = review_opener
        """Opens File → Open cache for review (None: the action is off)."""
        self.last_seek_ms: float | None = None
        source_label = self.mode.shown_label(source_label)
        self.setWindowTitle(self.mode.title(self).format(source_label))
        self.setObjectName("hubConsoleMainWindow")
        self.settings = settings or QSettings()
        self.feed = feed
        self.clock = clock
        self.source_label = source_label
        self.source_factory: Any = None
        """Makes a source like the feed's, for Help → Data sources (None: review, no source)."""
        self.link = LinkMonitor(dict(intervals or DEFAULT_INTERVALS))
        self.topology: SiteTopology | None = None
        self.latest: dict[str, Snapshot] = {}
        self.recorded_at: float | None = None
        """The time of the recorded floor shown until the source's first rack answer
        (:meth:`show_recorded`); None once live data came, or when none was shown."""
        self.latest_alarms: Any = None
        self.alarm_journal: list[dict[str, Any]] = []
        """Alarm transitions seen by this window (for a handover when there is no cache)."""
        self.cache_path: str | None = None
        """The live cache file, read (never written) by the handover export."""

        # Banners, KPI strip and the dock host.
        central = QWidget(self)
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.comm_banner = QLabel(self)
        self.comm_banner.setObjectName("commBanner")
        self.comm_banner.setTextFormat(Qt.TextFormat.PlainText)
        self.comm_banner.hide()
        self.cache_banner = QLabel(self)
        self.cache_banner.setObjectName("cacheBanner")
        self.cache_banner.setTextFormat(Qt.TextFormat.PlainText)
        self.cache_banner.hide()
        self.summary = SiteSummary(self)
        self.alarm_banner = AlarmBanner(self)
        self.dock_host = QMainWindow(self)
        self.dock_host.setObjectName("dockHost")
        self.dock_host.setWindowFlags(Qt.WindowType.Widget)
        self.dock_host.setDockNestingEnabled(True)
        self.dock_host.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks
            | QMainWindow.DockOption.AllowNestedDocks
            | QMainWindow.DockOption.AllowTabbedDocks
        )
        self.mode.install(self, column)
        self.scrubber: Any = self.mode.scrubber
        for widget in (self.comm_banner, self.cache_banner, self.alarm_banner, self.summary):
            column.addWidget(widget)
        column.addWidget(self.dock_host, 1)
        self.setCentralWidget(central)

        self.views: dict[str, LiveView] = {}
        self.docks: dict[str, QDockWidget] = {}
        self._deferred: dict[str, Callable[[], LiveView]] = {}
        self._when_built: dict[str, list[Callable[[Any], None]]] = {}
        self._linked: set[str] = set()
        self._log_poll_error: str | None = None
        self._forecast_error: str | None = None
        self._power_history: Any = None
        self._rest_pending = False
        self._kept: list[Snapshot] = []
        """Snapshots handed to the views while some are deferred (since the last change of
        site layout), for those built later."""
        self._operator = ""
        for key, title, make_view, area in VIEW_SPECS:
            dock = QDockWidget(self.tr(title), self.dock_host)
            dock.setObjectName(f"dock_{key}")
            if key in defer:
                self._deferred[key] = make_view
                waiting = QLabel(self.tr("Opening…"))
                waiting.setAlignment(Qt.AlignmentFlag.AlignCenter)
                dock.setWidget(waiting)
            else:
                dock.setWidget(make_view())
            dock.setFeatures(
                QDockWidget.DockWidgetFeature.DockWidgetMovable
                | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                | QDockWidget.DockWidgetFeature.DockWidgetClosable
            )
            self.dock_host.addDockWidget(area, dock)
            if key not in defer:
                self.views[key] = cast(LiveView, dock.widget())
            self.docks[key] = dock
        self._alarm_kpis: Any = None
        self._kpi_site_clock: SiteClock | None = None
        if "alarms" in self.views:
            self._wrap_alarms(self.views["alarms"])
        self.dock_host.splitDockWidget(self.docks["rackmap"], self.docks["gpus"], Qt.Orientation.Horizontal)
        self.dock_host.tabifyDockWidget(self.docks["gpus"], self.docks["alarms"])
        self.dock_host.tabifyDockWidget(self.docks["gpus"], self.docks["maintenance"])
        self.dock_host.tabifyDockWidget(self.docks["power"], self.docks["jobs"])
        self.dock_host.tabifyDockWidget(self.docks["power"], self.docks["log"])
        self.dock_host.tabifyDockWidget(self.docks["power"], self.docks["steering"])
        self.dock_host.tabifyDockWidget(self.docks["power"], self.docks["tenants"])
        self.dock_host.tabifyDockWidget(self.docks["gpus"], self.docks["idle"])
        self.docks["gpus"].raise_()
        self.docks["power"].raise_()
        self._default_state = self.dock_host.saveState(LAYOUT_VERSION)

        self._build_menus()
        self._build_status_bar()
        self.alarm_banner.set_review(self.review)
        if feed is not None:
            self._connect_feed(feed)
        for key, view in self.views.items():
            self._wire(key, view)
        self._settled = False
        self._age_timer = QTimer(self)
        self._age_timer.setInterval(1000)
        self._age_timer.timeout.connect(self.refresh_ages)
        self._age_timer.start()
        self._ages_queued = False
        """A refresh of the ages is queued for this event-loop turn (:meth:`on_polled`)."""
        self.restore_layout()

    @property
    def alarm_kpis(self) -> Any:
        """The alarm KPI panel (:class:`widgets.alarm_kpis.AlarmKpiPanel`, shown in the
        alarm list's dock), made with its modules at its first use: when the alarm list is
        built (after the first frame, when it starts behind a tab) or figures come."""
        if self._alarm_kpis is None:
            from widgets.alarm_kpis import AlarmKpiPanel

            self._alarm_kpis = AlarmKpiPanel()
            if self._kpi_site_clock is not None:
                self._alarm_kpis.set_site_clock(self._kpi_site_clock)
        return self._alarm_kpis

    def _wrap_alarms(self, view: LiveView) -> None:
        """The alarm list goes in its dock under the alarm KPI panel."""
        from widgets.alarm_kpis import with_kpi_panel

        self.docks["alarms"].setWidget(with_kpi_panel(view, self.alarm_kpis))

    def settle(self) -> None:
        """Lay the shown window out now, without painting it: its size as the window
        system makes it (maximised, say), its docks (and the default sizes of a first
        start) where the first frame shows them, so that a view is laid out for its size
        once (the rack map fits the site to it); and the tab bars Qt left behind hidden
        before they are drawn. Later calls (a layout restored) lay the docks out only."""
        first = not self._settled
        self._settled = True
        if first:
            self.setUpdatesEnabled(False)  # what the window system says, nothing painted
            try:
                QCoreApplication.processEvents()
            finally:
                self.setUpdatesEnabled(True)
        for _ in range(3):  # a layout's new sizes may ask its children's layouts again
            QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        if not self._sized:
            self._sized = True
            self.apply_default_sizes()
            QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        self.hide_stray_tab_bars()

    def _settle_once(self) -> None:
        if not self._settled:
            self.settle()

    @property
    def deferred(self) -> tuple[str, ...]:
        """Keys of the views not built yet (:meth:`build_deferred` builds them)."""
        return tuple(self._deferred)

    def deferred_shown(self) -> tuple[str, ...]:
        """Keys of the views not built yet whose dock shows now (not behind another tab,
        not closed): what the window would show as "Opening…"."""
        shown = []
        for key in self._deferred:
            placeholder = self.docks[key].widget()
            if placeholder is not None and placeholder.isVisible() \
                    and not placeholder.visibleRegion().isEmpty():
                shown.append(key)
        return tuple(shown)

    def hide_stray_tab_bars(self) -> int:
        """Hide the tab bars of the dock host that no tab group uses; how many.

        Qt leaves such a bar behind, shown where it was made (over the docks), when a third
        dock joins a tab group or a dock layout is restored over tab groups before the
        window shows, and never hides it. Such a bar names some of the docks of a tab
        group, and the bar in use (made after it) names them all: of the bars that name
        docks of one group, only the newest that names the whole group is kept."""
        groups: list[frozenset[str]] = []
        for dock in self.docks.values():
            tabbed = self.dock_host.tabifiedDockWidgets(dock)
            if tabbed and not dock.isFloating():
                group = frozenset([dock.windowTitle(), *(d.windowTitle() for d in tabbed)])
                if group not in groups:
                    groups.append(group)
        bars = [bar for bar in self.dock_host.findChildren(
            QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly) if not bar.isHidden()]
        names = [frozenset(bar.tabText(i) for i in range(bar.count())) for bar in bars]
        in_use = set()
        for group in groups:
            whole = [i for i, named in enumerate(names) if named == group]
            if whole:
                in_use.add(whole[-1])  # findChildren gives them as they were made
        stray = 0
        for i, (bar, named) in enumerate(zip(bars, names, strict=True)):
            if i not in in_use and named and any(named <= group for group in groups):
                bar.hide()
                stray += 1
        return stray

    def when_built(self, key: str, setup: Callable[[Any], None]) -> None:
        """Call ``setup(view)`` with the view ``key``: now when it is built, else when
        :meth:`build_deferred` builds it (nothing for a key the window has no view of)."""
        view = self.views.get(key)
        if view is not None:
            setup(view)
        elif key in self._deferred:
            self._when_built.setdefault(key, []).append(setup)

    def view(self, key: str) -> LiveView | None:
        """The view ``key``, built now if it was deferred (None: the window has none)."""
        if key in self._deferred:
            self.build_deferred((key,))
        return self.views.get(key)

    def build_deferred(self, keys: Sequence[str] | None = None) -> None:
        """Build the views the window was told to defer (``keys``: only those), into their
        docks, and give each what the window gave the others: its wiring (signals, links
        to the other views, the feed's), the history path, the feed's busy probe, the
        site layout, the power history, every snapshot handed to the views since the
        layout came (in order: a view that appends, as the power chart and the shift log
        do, misses none), the newest alarm update, the shift log's and the forecast's
        poll errors and the operator's name."""
        todo = [k for k in (self._deferred if keys is None else keys) if k in self._deferred]
        if not todo:
            return
        for key in todo:
            view = self._deferred.pop(key)()
            placeholder = self.docks[key].widget()
            if key == "alarms":
                self._wrap_alarms(view)
            else:
                self.docks[key].setWidget(view)
            if placeholder is not None:
                placeholder.deleteLater()
            self.views[key] = view
            if self.feed is not None:
                self._connect_feed_view(key, view, self.feed)
                if self.feed.reports_busy:
                    view.busy_probe = self.feed.is_busy
            self._wire(key, view)
            if self.topology is not None:
                view.set_topology(self.topology)
            if self._power_history is not None and hasattr(view, "set_history"):
                view.set_history(self._power_history)
            for snapshot in self._kept:
                self.mode.apply(view, snapshot)
            self._catch_up(key, view)
            for setup in self._when_built.pop(key, []):
                setup(view)
        if not self._deferred:
            self._kept.clear()
        order = [spec[0] for spec in VIEW_SPECS]
        ordered = sorted(self.views.items(), key=lambda item: order.index(item[0]))
        self.views.clear()
        self.views.update(ordered)  # in VIEW_SPECS order, as when none is deferred
        self.refresh_ages()

    def build_deferred_after_first_frame(self, late_s: float = LATE_BUILD_S) -> None:
        """Once the first frame is painted: the deferred views it shows are built now,
        one per turn of the event loop; the others (behind a tab) when raised, else once
        the source's first rack answer is drawn (the operator's live floor is not held
        back by views nobody looks at yet), else ``late_s`` seconds on (a source that does
        not answer)."""
        shown = self.deferred_shown()
        self.build_deferred_soon(shown)
        hidden = [key for key in self._deferred if key not in shown]
        if not hidden:
            return
        for key in hidden:
            self.docks[key].visibilityChanged.connect(
                lambda visible, k=key: visible and self._build_raised(k))
        self._rest_pending = True
        QTimer.singleShot(int(late_s * 1000), self, self._build_rest)

    def _build_raised(self, key: str) -> None:
        """A deferred view's dock said it shows: built if it does once laid out (Qt says
        so of tabs behind another too, when the docks move)."""

        def check() -> None:
            if key in self._deferred and key in self.deferred_shown():
                self.build_deferred((key,))

        QTimer.singleShot(0, self, check)

    def _build_rest(self) -> None:
        if self._rest_pending:
            self._rest_pending = False
            self.build_deferred_soon()

    def build_deferred_soon(self, keys: Sequence[str] | None = None) -> None:
        """Build deferred views one per turn of the event loop, in the order of ``keys``
        (None: all, those shown first): the feed's answers are taken and drawn between two
        (a view built after one gets it as :meth:`build_deferred` says)."""
        if keys is None:
            shown = self.deferred_shown()
            keys = [*shown, *(k for k in self._deferred if k not in shown)]
        order = [k for k in keys if k in self._deferred]

        def step() -> None:
            while order and order[0] not in self._deferred:
                order.pop(0)  # built meanwhile (raised, or asked for)
            if order:
                self.build_deferred((order.pop(0),))
            if order:
                QTimer.singleShot(0, self, step)

        if order:
            QTimer.singleShot(0, self, step)

    def _catch_up(self, key: str, view: LiveView) -> None:
        """What a view built late missed of what the window handed the others besides
        snapshots: the newest alarm update, the shift log's poll error, the operator."""
        update = self.latest_alarms
        if key == "alarms" and update is not None and hasattr(view, "set_alarms"):
            view.set_alarms(update.alarms, update.time, getattr(update, "plans", None))
        mlist = getattr(update, "maintenance", None)
        if key == "maintenance" and mlist is not None and hasattr(view, "set_maintenance"):
            view.set_maintenance(mlist)
        if key == "log" and hasattr(view, "set_poll_error"):
            view.set_poll_error(self._log_poll_error)
        if key == "power" and self._forecast_error and hasattr(view, "set_forecast_error"):
            view.set_forecast_error(self._forecast_error)
        if key in ("alarms", "log") and self._operator and hasattr(view, "operator"):
            view.operator = self._operator

    def _connect_feed(self, feed: Feed) -> None:
        """Every signal of the feed contract to its handler; the mode connects its own."""
        feed.polled.connect(self.on_polled)
        feed.sourceFailed.connect(self.on_source_failed)
        feed.cacheFailed.connect(self.on_cache_failed)
        feed.cacheRecovered.connect(self.on_cache_recovered)
        feed.rackDetailReady.connect(self.on_rack_detail)
        feed.rackDetailFailed.connect(self.on_rack_detail_failed)
        feed.rackHistoryReady.connect(self.on_rack_history)
        feed.powerHistory.connect(self.on_power_history)
        feed.alarmsUpdated.connect(self.on_alarms)
        feed.alarmEvaluation.connect(self.on_alarm_evaluation)
        feed.alarmKpisReady.connect(lambda k: self.alarm_kpis.set_kpis(*k))
        feed.alarmActionFailed.connect(
            lambda m: self.statusBar().showMessage(
                self.tr("Alarm action refused: {0}").format(m), 10_000)
        )
        feed.logWritten.connect(self.on_log_written)
        feed.logWriteRefused.connect(self.on_log_write_refused)
        for key, view in self.views.items():
            self._connect_feed_view(key, view, feed)
        if feed.reports_busy:
            for view in [self.summary, *self.views.values()]:
                view.busy_probe = feed.is_busy
        self.mode.connect(self, feed)

    def _connect_feed_view(self, key: str, view: LiveView, feed: Feed) -> None:
        """A view's own requests to the feed (alarm actions, shift-log clears) and what the
        feed hands it directly."""
        if key == "alarms":
            if hasattr(view, "acknowledgeRequested"):
                view.acknowledgeRequested.connect(feed.acknowledge)
                view.shelveRequested.connect(feed.shelve)
            if hasattr(view, "planShelfRequested"):
                view.planShelfRequested.connect(feed.plan_shelf)
                view.cancelPlanRequested.connect(feed.cancel_plan)
        elif key == "log" and _is_shift_log(view):
            view.clearRequested.connect(self._clear_log_entry)
            feed.shiftLogAt.connect(view.set_entries)

    # -- building ---------------------------------------------------------------------------
    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        self.action_open_cache = QAction(self.tr("&Open cache for review…"), self)
        self.action_open_cache.setShortcut(QKeySequence.StandardKey.Open)
        self.action_export = QAction(self.tr("&Export handover…"), self)
        self.action_export.setShortcut(QKeySequence("Ctrl+E"))
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        self.action_open_cache.triggered.connect(self._choose_cache)
        self.action_export.triggered.connect(self.export_handover)
        self.action_open_cache.setEnabled(self.review_opener is not None)
        self.action_export.setEnabled(self.export_dialog is not None)
        self.action_handover = QAction(self.tr("&Hand over shift…"), self)
        self.action_handover.triggered.connect(self.hand_over_shift)
        self.action_handover.setEnabled(not self.review and self.feed is not None)
        for action in (self.action_open_cache, self.action_export, self.action_handover):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)

        edit_menu = bar.addMenu(self.tr("&Edit"))
        self.action_add_log = QAction(self.tr("Add log &entry…"), self)
        self.action_add_log.setShortcut(QKeySequence("Ctrl+L"))
        self.action_add_log.triggered.connect(self.add_log_entry)
        if self.review:
            self.action_add_log.setEnabled(False)
            self.action_add_log.setToolTip(self.tr(
                "A review shows the shift log as it stood; entries are written in the live "
                "console"))
        edit_menu.addAction(self.action_add_log)

        view_menu = bar.addMenu(self.tr("&View"))
        for key, dock in self.docks.items():
            action = dock.toggleViewAction()
            action.setObjectName(f"toggle_{key}")
            view_menu.addAction(action)
        view_menu.addSeparator()
        self.action_fullscreen = QAction(self.tr("&Full screen"), self)
        self.action_fullscreen.setShortcut(QKeySequence(Qt.Key.Key_F11))
        self.action_fullscreen.setCheckable(True)
        self.action_fullscreen.triggered.connect(self.toggle_full_screen)
        reset = QAction(self.tr("&Reset layout"), self)
        reset.triggered.connect(self.reset_layout)
        view_menu.addAction(self.action_fullscreen)
        view_menu.addAction(reset)
        self.addAction(self.action_fullscreen)
        self.layouts_menu = view_menu.addMenu(self.tr("&Layouts"))
        self.layouts_menu.aboutToShow.connect(self._fill_layouts_menu)
        self.action_wall = QAction(self.tr("&Wall mode…"), self)
        self.action_wall.triggered.connect(self.choose_wall_mode)
        view_menu.addAction(self.action_wall)

        help_menu = bar.addMenu(self.tr("&Help"))
        self.action_data_sources = QAction(self.tr("&Data sources…"), self)
        self.action_data_sources.triggered.connect(self.show_data_sources)
        help_menu.addAction(self.action_data_sources)
        about = QAction(self.tr("&About"), self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    def set_source_label(self, source_label: str) -> None:
        """Say another source in the title and the status bar (an export's window is made
        before its source is known)."""
        self.source_label = self.mode.shown_label(source_label)
        self.setWindowTitle(self.mode.title(self).format(self.source_label))
        self.source_status.setText(self.tr("Source: {0}").format(self.source_label))

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.source_status = QLabel(self.tr("Source: {0}").format(self.source_label))
        self.link_status = QLabel(self.tr("connecting…"))
        self.age_status = QLabel(self.tr("data age: —"))
        self.nodata_status = QLabel("")
        for label in (self.source_status, self.link_status, self.age_status, self.nodata_status):
            label.setTextFormat(Qt.TextFormat.PlainText)
        status.addWidget(self.source_status)
        status.addPermanentWidget(self.nodata_status)
        status.addPermanentWidget(self.link_status)
        status.addPermanentWidget(self.age_status)

    def _wire(self, key: str, view: LiveView) -> None:
        """A view's signals to the window, and its links to the other views built so far
        (each link made once, when the second of its two views is built)."""
        if hasattr(view, "set_history_path"):  # views that read the history cache themselves
            view.set_history_path(self.history_path)
        if key == "rackmap":
            if hasattr(view, "rackActivated"):
                view.rackActivated.connect(self.show_rack)
            if hasattr(view, "noDataChanged"):
                view.noDataChanged.connect(lambda _n: self.refresh_ages())
            if hasattr(view, "jobActivated"):
                view.jobActivated.connect(self.show_job)
        elif key == "alarms":
            if hasattr(view, "rackRequested"):
                view.rackRequested.connect(self.focus_rack)
            if hasattr(view, "rackDetailRequested"):
                view.rackDetailRequested.connect(self.open_rack_detail)
            if hasattr(view, "set_review"):
                view.set_review(self.review)
        elif key == "gpus":
            if hasattr(view, "gpuSelected"):
                view.gpuSelected.connect(lambda rack, _uuid: self.focus_rack(rack))
        elif key == "maintenance":
            if hasattr(view, "gpuActivated"):
                view.gpuActivated.connect(self.show_gpu)
        elif key == "jobs":
            if hasattr(view, "jobSelected"):
                view.jobSelected.connect(self._highlight_job_racks)
        elif key == "log" and _is_shift_log(view):
            view.set_review(self.review)
            view.addRequested.connect(self.add_log_entry)
            view.linkActivated.connect(self.open_log_link)
            view.name_source = lambda: self.operator_name
        if key in ("gpus", "rackmap") and hasattr(view, "maintenanceRequested"):
            view.maintenanceRequested.connect(self.show_in_maintenance)
        self._link_views()

    def _link_views(self) -> None:
        """Links between two views, made once both are built: the rack map's selection
        to the alarm list, the idle GPUs' figure to the rack map's overlay."""
        rackmap, alarms, idle = (self.views.get(k) for k in ("rackmap", "alarms", "idle"))
        if "alarms" not in self._linked and rackmap is not None and alarms is not None:
            self._linked.add("alarms")
            if hasattr(alarms, "focused_rack"):
                rackmap.rackSelected.connect(lambda rack: setattr(alarms, "focused_rack", rack))
        if "idle" not in self._linked and isinstance(rackmap, RackMapView) and idle is not None:
            self._linked.add("idle")
            from widgets.idle_gpus import IdleGpuView

            if isinstance(idle, IdleGpuView):
                # The idle read serves its list and the map's overlay: made while either shows.
                idle.wanted = lambda: idle.is_shown() or rackmap.overlay == IDLE_OVERLAY
                rackmap.overlayChanged.connect(lambda _name: idle.on_demand())
                idle.figureChanged.connect(lambda: rackmap.external_figure_changed(IDLE_OVERLAY))

    def focus_rack(self, rack_id: str) -> None:
        """Show a rack on the rack map (from an alarm, a GPU or a job)."""
        rackmap = self.views.get("rackmap")
        if rackmap is None or not hasattr(rackmap, "select_rack"):
            return
        self.docks["rackmap"].show()
        self.docks["rackmap"].raise_()
        rackmap.select_rack(rack_id)

    def open_rack_detail(self, rack_id: str, gpu_uuid: str = "") -> None:
        """Open a rack in depth (from an alarm or a maintenance item) with ``gpu_uuid``
        selected when the detail arrives ('' for none)."""
        self.focus_rack(rack_id)
        rackmap = self.views.get("rackmap")
        if gpu_uuid and rackmap is not None and hasattr(rackmap, "select_gpu"):
            rackmap.select_gpu(gpu_uuid, rack_id)
        self.show_rack(rack_id)

    def show_job(self, job_id: int) -> None:
        """Raise the job queue with ``job_id`` selected (from the rack detail)."""
        jobs = self.view("jobs")
        if jobs is None or not hasattr(jobs, "show_job"):
            return
        self.docks["jobs"].show()
        self.docks["jobs"].raise_()
        if not jobs.show_job(job_id):
            self.statusBar().showMessage(
                self.tr("Job {0} is not in the job queue yet; it is selected when it "
                        "arrives").format(job_id), 10_000)

    def _highlight_job_racks(self, rack_ids: Any) -> None:
        rackmap = self.views.get("rackmap")
        if rackmap is not None and hasattr(rackmap, "highlight_racks"):
            rackmap.highlight_racks(tuple(rack_ids))

    # -- the shift log ----------------------------------------------------------------------
    @property
    def operator_name(self) -> str:
        """The operator name last given (alarm actions and the shift log share it)."""
        alarms = self.views.get("alarms")
        return str(getattr(alarms, "operator", "") or getattr(self, "_operator", ""))

    @operator_name.setter
    def operator_name(self, name: str) -> None:
        self._operator = name
        for key in ("alarms", "log"):
            view = self.views.get(key)
            if view is not None and hasattr(view, "operator"):
                view.operator = name

    def selection_links(self) -> list[tuple[str, str]]:
        """What is selected now, as shift-log links: the rack of the rack detail (else the
        rack map's), the alarm of the alarm list, the job of the job queue."""
        links: list[tuple[str, str]] = []
        rackmap = self.views.get("rackmap")
        detail = getattr(rackmap, "detail", None)
        rack = ""
        if detail is not None and detail.isVisible():
            rack = str(getattr(detail, "rack_id", "") or "")
        if not rack and rackmap is not None and hasattr(rackmap, "selected_rack"):
            rack = rackmap.selected_rack()
        if rack:
            links.append(("rack", rack))
        alarms = self.views.get("alarms")
        if alarms is not None and hasattr(alarms, "current_id"):
            alarm = alarms.current_id() or next(iter(alarms.selected_ids()), "")
            if alarm:
                links.append(("alarm", alarm))
        jobs = self.views.get("jobs")
        job = jobs.selected_job_id() if jobs is not None and hasattr(jobs, "selected_job_id") \
            else None
        if job is not None:
            links.append(("job", str(job)))
        return links

    def add_log_entry(self) -> Any:
        """Edit → Add log entry… (Ctrl+L): the dialog, with the selection linked; the
        entry goes to the feed when written. None in a review (the status bar says why)."""
        if self.review or self.feed is None:
            self.statusBar().showMessage(self.tr(
                "The shift log is written in the live console; a review shows it as it stood"),
                10_000)
            return None
        from widgets.log_entry_dialog import LogEntryDialog

        racks = self.topology.rack_index if self.topology is not None else None
        dialog = LogEntryDialog(self.operator_name, self.selection_links(), racks, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._write_log_entry(dialog.entry))
        dialog.open()
        return dialog

    def _write_log_entry(self, entry: Any) -> None:
        if entry is None or self.feed is None:
            return
        self.operator_name = entry.author
        self.feed.add_log_entry(entry)
        if "log" in self.docks:
            self.docks["log"].show()
            self.docks["log"].raise_()

    def _clear_log_entry(self, uid: str, who: str) -> None:
        if self.feed is not None:
            self.operator_name = who
            self.feed.clear_log_entry(uid, who)

    def on_log_written(self, report: Any) -> None:
        """What became of shift-log writes: the log view shows it, the status bar says it."""
        view = self.view("log")
        words = view.take_report(report) if _is_shift_log(view) else ""
        if words:
            self.statusBar().showMessage(words, 15_000)

    def on_log_write_refused(self, message: str) -> None:
        self.statusBar().showMessage(
            self.tr("Shift log not written: {0}").format(clip(message, 300)), 10_000)

    def open_log_link(self, kind: str, ref: str) -> None:
        """A shift-log link: the rack in depth, the alarm in the alarm list, the job in the
        job queue, the incident on a review's timeline."""
        if kind == "rack":
            self.open_rack_detail(ref)
        elif kind == "alarm":
            self.show_alarm(ref)
        elif kind == "job":
            try:
                job_id = int(ref)
            except ValueError:
                self.statusBar().showMessage(
                    self.tr("Job {0} is not a job number").format(isolate(ref, 80)), 10_000)
                return
            self.show_job(job_id)
        elif kind == "incident":
            self.show_incident(ref)

    def show_alarm(self, alarm_id: str) -> bool:
        """Raise the alarm list with ``alarm_id`` selected (its filters opened to every
        state when they hide it); False (and a status message) when it is not there."""
        view = self.view("alarms")
        if view is None or not hasattr(view, "select_alarm"):
            return False
        self.docks["alarms"].show()
        self.docks["alarms"].raise_()
        found = bool(view.select_alarm(alarm_id))
        if not found and hasattr(view, "set_filters"):
            view.set_filters(state="All states", priority="All priorities", hall="")
            found = bool(view.select_alarm(alarm_id))
        if not found:
            self.statusBar().showMessage(
                self.tr("Alarm {0} is not in the alarm list now").format(isolate(alarm_id, 80)),
                10_000)
        return found

    def show_incident(self, incident_id: str) -> bool:
        """A review: the timeline moves to the incident's start. Live: the status bar says
        how to replay it (File → Open cache for review)."""
        scrubber = self.scrubber
        if scrubber is not None and hasattr(scrubber, "jump_to_incident") \
                and scrubber.jump_to_incident(incident_id):
            return True
        self.statusBar().showMessage(
            self.tr("Incident {0}: open the cache for review (File → Open cache for review…) "
                    "to replay it").format(isolate(incident_id, 80)), 10_000)
        return False

    # -- data in ----------------------------------------------------------------------------
    def on_polled(self, result: PollResult) -> None:
        if result.kind == "log":  # its hub may be another server: no link state of the site's
            self.on_log_polled(result)
            return
        if result.kind == "forecast":  # a forecast missing is no comm loss of the site
            self.on_forecast_polled(result)
            return
        now = self.clock()
        snap = result.snapshot
        health = self.link.kinds.get(result.kind)
        steady = (result.ok and self.recorded_at is None and health is not None
                  and health.last_ok is not None and health.misses == 0
                  and not self.link.is_stale(result.kind, now))
        self.link.record(
            result.kind,
            result.ok,
            now,
            error=result.error,
            source_time=snap.time if snap is not None else None,
            auth_failed=result.auth_failed,
        )
        if result.cache_error:
            self.on_cache_failed(result.cache_error)
        if snap is not None:
            self.apply(snap)
        if steady and self.link.state(now) is LinkState.LIVE:
            # Another answer of a kind that was live and stays so: no state, banner or
            # staleness changes, only ages and counts. Said once for the answers of this
            # event-loop turn (a poll cycle brings five), before the next paint.
            self._queue_ages()
        else:
            self.refresh_ages()
        if self._rest_pending and result.kind == "racks" and result.ok:
            # the views behind a tab once the live floor is drawn (their redraws first)
            QTimer.singleShot(LIVE_GRACE_MS, self, self._build_rest)

    def on_forecast_polled(self, result: PollResult) -> None:
        """A poll of the forecast: to the power chart, a failure said in its note (never in
        the link state: the site's data is no older for it)."""
        chart = self.views.get("power")
        if result.cache_error:
            self.on_cache_failed(result.cache_error)
        self._forecast_error = None if result.snapshot is not None else result.error
        if result.snapshot is not None:
            self.apply(result.snapshot)
        elif chart is not None and hasattr(chart, "set_forecast_error"):
            chart.set_forecast_error(result.error)

    def on_log_polled(self, result: PollResult) -> None:
        """A poll of the shift log: its entries to the log view, a failure said there (the
        log's hub failing is no comm loss of the site)."""
        self._log_poll_error = result.error
        view = self.views.get("log")
        if _is_shift_log(view):
            view.set_poll_error(result.error)
        if result.cache_error:
            self.on_cache_failed(result.cache_error)
        if result.snapshot is not None:
            self.apply(result.snapshot)

    def history_path(self) -> str | None:
        """The cache file the window shows (live: the one recorded; review: the one read),
        for views that read a period of it on their own worker (energy per tenant, idle
        GPUs); None without a cache."""
        return self.cache_path or (self.source_label if self.review else None)

    def apply(self, snapshot: Snapshot) -> None:
        """Hand a snapshot to every view that takes its kind."""
        if isinstance(snapshot, SiteTopology):
            changed = self.topology is None or layout_changed(self.topology, snapshot)
            self.topology = snapshot
            if changed:
                self._kept.clear()  # of the old layout: a view built later has no use for it
                for view in [self.summary, *self.views.values()]:
                    view.set_topology(snapshot)
                site = SiteClock.of(snapshot)
                self._kpi_site_clock = site  # for a KPI panel made later
                if self._alarm_kpis is not None:
                    self._alarm_kpis.set_site_clock(site)
                self.mode.set_site_clock(self, site)
            return
        self.latest[snapshot.kind] = snapshot
        if self._deferred:
            self._kept.append(snapshot)
        self.summary.apply(snapshot)
        for view in self.views.values():
            self.mode.apply(view, snapshot)

    def show_recorded(self, recorded: Any) -> None:
        """Before the source's first answer: the floor as the cache last recorded it
        (``console.cache.last.Recorded``: site layout and rack telemetry), stale and with
        its age, until live rack data comes. It raises no alarm (alarms come from the
        feed's own polls) and the link stays 'connecting…'."""
        if self.link.age("racks", self.clock()) is not None:
            return  # live data came first
        self.recorded_at = float(recorded.time)
        self.apply(recorded.topology)
        self.apply(recorded.racks)
        self.statusBar().showMessage(
            self.tr("Showing the floor as last recorded, {0} ago, until the source answers")
            .format(format_age(max(0.0, self.clock() - self.recorded_at))), 15_000)
        self.refresh_ages()

    def on_rack_detail(self, detail: Snapshot) -> None:
        view = self.views.get("rackmap")
        if view is not None and hasattr(view, "show_detail"):
            view.show_detail(detail)

    def on_alarms(self, update: Any) -> None:
        """Show an alarm update (from the worker's alarm engine, or a review)."""
        self.latest_alarms = update
        transitions = getattr(update, "transitions", ())
        if transitions and self.mode.keeps_journal:
            self.alarm_journal.extend(dict(t) for t in transitions)
            del self.alarm_journal[:-20_000]
        view = self.views.get("alarms")
        if view is not None and hasattr(view, "set_alarms"):
            view.set_alarms(update.alarms, update.time, getattr(update, "plans", None))
        self.alarm_banner.set_alarms(update.alarms, update.time)
        maintenance = self.views.get("maintenance")
        mlist = getattr(update, "maintenance", None)
        if mlist is not None and maintenance is not None and hasattr(maintenance, "set_maintenance"):
            maintenance.set_maintenance(mlist)
        kpis = getattr(update, "kpis", None)
        if kpis is not None:  # recomputed on the worker (live) at most every 10 s
            self.alarm_kpis.set_kpis(*kpis)

    def on_power_history(self, series: Any) -> None:
        """Long-range power history (from the cache) for the views that draw it."""
        self._power_history = series
        for view in self.views.values():
            if hasattr(view, "set_history"):
                view.set_history(series)

    def on_rack_history(self, rack_id: str, history: Any) -> None:
        view = self.views.get("rackmap")
        if view is not None and hasattr(view, "set_detail_history"):
            view.set_detail_history(history)

    def on_rack_detail_failed(self, rack_id: str, message: str) -> None:
        self.statusBar().showMessage(
            self.tr("Rack {0}: {1}").format(isolate(rack_id, 80), clip(message, 300)), 10_000)

    def show_rack(self, rack_id: str, gpu_uuid: str = "") -> None:
        """Open a rack's detail (asked of the feed); ``gpu_uuid`` selects that GPU in it."""
        rackmap = self.views.get("rackmap")
        if gpu_uuid and rackmap is not None and hasattr(rackmap, "select_gpu"):
            rackmap.select_gpu(gpu_uuid, rack_id)
        if self.feed is not None:
            self.feed.request_rack(rack_id)

    def show_gpu(self, rack_id: str, uuid: str) -> None:
        """A GPU in its rack's detail (from the maintenance list): the rack map comes to the
        front and the rack's detail opens with the GPU selected."""
        if "rackmap" in self.docks:
            self.docks["rackmap"].show()
            self.docks["rackmap"].raise_()
        self.show_rack(rack_id, uuid)

    def show_in_maintenance(self, uuid: str) -> bool:
        """Bring the maintenance list to the front with ``uuid``'s item selected; False (and
        a status message) when the GPU is not on it."""
        view = self.view("maintenance")
        if view is None or not hasattr(view, "select_device"):
            return False
        self.docks["maintenance"].show()
        self.docks["maintenance"].raise_()
        found = bool(view.select_device(uuid))
        if not found:
            self.statusBar().showMessage(
                self.tr("{uuid} is not on the maintenance list").format(uuid=isolate(uuid, 80)),
                10_000)
        return found

    def on_alarm_evaluation(self, failing: Any) -> None:
        """The kinds whose alarm evaluation fails (empty: all evaluate again): the banner
        warns that its counts may be out of date, the status bar says when it clears."""
        was = bool(self.alarm_banner.failing)
        self.alarm_banner.set_failing(failing)
        if failing:
            log.error("alarm evaluation failing: %s", ", ".join(sorted(failing)))
        elif was:
            self.statusBar().showMessage(self.tr("Alarm evaluation works again"), 10_000)

    def on_source_failed(self, message: str) -> None:
        self.comm_banner.setText(self.tr("Cannot start the data source — {0}").format(message))
        self.comm_banner.show()
        self.link_status.setText(self.tr("source failed"))
        # no source, no alarm service: the banner says so rather than wait or count zero
        self.alarm_banner.set_not_evaluated(self.tr("the data source did not start"))
        log.error("source failed: %s", message)

    def on_cache_failed(self, message: str) -> None:
        self.cache_banner.setText(
            self.tr(
                "History cache unavailable — {0}. Live view continues; nothing is recorded "
                "until the cache works again (retrying)."
            ).format(message)
        )
        self.cache_banner.show()

    def on_cache_recovered(self, health: Any = None) -> None:
        """The cache records again: the banner goes, the status bar says what the outage cost."""
        self.cache_banner.hide()
        polls = int(getattr(health, "polls", 0) or 0)
        dropped = int(getattr(health, "dropped", 0) or 0)
        text = self.tr("History cache works again — recording resumed ({0} polls not recorded).")
        text = text.format(polls)
        if dropped:
            text += " " + self.tr("{0} alarm or maintenance records were dropped.").format(dropped)
        self.statusBar().showMessage(text, 30_000)

    # -- ages and staleness ---------------------------------------------------------------
    def refresh_ages(self) -> None:
        self._ages_queued = False  # a refresh queued before this one has nothing left to say
        if self._age_timer.isActive():  # the next tick a second after this refresh: the
            self._age_timer.start()  # ages are never older than that, nor said twice a turn
        self.mode.refresh_ages(self)

    def _queue_ages(self) -> None:
        if not self._ages_queued:
            self._ages_queued = True
            QTimer.singleShot(0, self, self._queued_ages)

    def _queued_ages(self) -> None:
        if self._ages_queued:  # not said since (the once-a-second timer, another answer)
            self.refresh_ages()

    def refresh_live_ages(self) -> None:
        """Link state, data age and staleness of the site now."""
        now = self.clock()
        state = self.link.state(now)
        age = self.link.age(self.link.state_kind, now)
        recorded = self.recorded_at
        if recorded is not None and self.link.age("racks", now) is not None:
            recorded = self.recorded_at = None  # live rack data now
            self.statusBar().clearMessage()
        if recorded is not None and age is None:
            age = max(0.0, now - recorded)
        skew = ""
        racks = self.latest.get("racks")
        off = getattr(racks, "clock_skew", 0.0)
        if isinstance(off, int | float) and math.isfinite(off) and abs(off) > 5:
            skew = (self.tr(" · hub clock {0:+.0f} s").format(off) if abs(off) < 86_400
                    else self.tr(" · hub clock off by {0}").format(format_age(abs(off))))
        self.age_status.setText(self.tr("data age: {0}").format(format_age(age)) + skew)
        text = {
            LinkState.CONNECTING: self.tr("connecting…"),
            LinkState.LIVE: self.tr("● live"),
            LinkState.MISSED: self.tr("missed poll"),
            LinkState.STALE: self.tr("COMM LOSS"),
        }[state]
        if state is LinkState.MISSED and self.link.last_error:
            text = self.tr("missed poll — {0}").format(self.link.last_error)
        self.link_status.setText(text)
        set_style(
            self.link_status,
            "" if state in (LinkState.LIVE, LinkState.CONNECTING) else "color: #e69f00;",
        )
        if state is LinkState.STALE:
            reason = self.link.last_error or self.tr("no answer")
            since = self.link.since_any_ok(now)
            if since is None:
                text = self.tr("COMM LOSS — no answer yet from the source: {0}.").format(reason)
            else:
                text = self.tr(
                    "COMM LOSS — last answer {0} ago: {1}. Figures shown are stale."
                ).format(format_age(since), reason)
            self.comm_banner.setText(text)
            self.comm_banner.show()
        elif self.comm_banner.isVisible() and state is LinkState.LIVE:
            self.comm_banner.hide()
        stale_any = False
        for view in [self.summary, *self.views.values()]:
            kinds = view.kinds or ("racks",)
            ages = [self.link.age(k, now) for k in kinds if k in self.link.kinds]
            known = [a for a in ages if a is not None]
            stale = any(self.link.is_stale(k, now) for k in kinds if k in self.link.kinds)
            if recorded is not None and not known and "racks" in kinds:
                known, stale = [max(0.0, now - recorded)], True  # the recorded floor
            stale_any = stale_any or stale
            view.set_data_age(max(known) if known else None, stale)
        rackmap = self.views.get("rackmap")
        missing = getattr(rackmap, "no_data_count", None)
        parts = []
        if isinstance(racks, Snapshot) and hasattr(racks, "n_missing"):
            missing = missing if missing is not None else racks.n_missing
            unknown = len(getattr(racks, "unknown_ids", ()))
            if missing:
                parts.append(self.tr("{0} racks no data").format(missing))
            if unknown:
                parts.append(self.tr("{0} unknown racks in telemetry").format(unknown))
        invalid = getattr(self.latest.get("jobs"), "invalid", 0)
        invalid = int(invalid) if isinstance(invalid, int | float) and math.isfinite(invalid) else 0
        if invalid:
            parts.append(self.tr("{0} invalid job records dropped").format(invalid))
        self.nodata_status.setText(" · ".join(parts))

    # -- layout -----------------------------------------------------------------------------
    def toggle_full_screen(self) -> None:
        """F11: full screen and back, with or without a window manager."""
        from widgets.placement import enter_full_screen, leave_full_screen

        if self.isFullScreen():
            leave_full_screen(self)
        else:
            enter_full_screen(self)
        self.action_fullscreen.setChecked(self.isFullScreen())

    def reset_layout(self) -> None:
        self.dock_host.restoreState(self._default_state, LAYOUT_VERSION)
        for dock in self.docks.values():
            dock.show()
        self.apply_default_sizes()
        self.settle()

    def restore_layout(self) -> None:
        """The geometry and docks kept for this screen and mode (:mod:`widgets.placement`);
        with none that fits a screen, the window fills the screen it opens on."""
        from widgets.placement import Placement

        self.placement = Placement(self.settings, self.mode.layout_mode, self, self.dock_host)
        self.geometry_restored = self.placement.restore()
        self._sized = self.placement.docks_restored

    def apply_default_sizes(self) -> None:
        """Give the floor map and GPU table most of the height, the charts the rest."""
        height = max(400, self.dock_host.height())
        width = max(600, self.dock_host.width())
        self.dock_host.resizeDocks(
            [self.docks["rackmap"], self.docks["gpus"]],
            [int(width * 0.55), int(width * 0.45)],
            Qt.Orientation.Horizontal,
        )
        self.dock_host.resizeDocks(
            [self.docks["rackmap"], self.docks["power"]],
            [int(height * 0.6), int(height * 0.4)],
            Qt.Orientation.Vertical,
        )

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt name
        super().showEvent(event)
        if not self._settled:
            QTimer.singleShot(0, self, self._settle_once)  # unless settled sooner

    def save_layout(self) -> None:
        """Keep the geometry and docks for the screen the window is on, in its mode."""
        self.placement.save()

    # -- named layouts and wall mode ----------------------------------------------------------
    def _fill_layouts_menu(self) -> None:
        """View → Layouts: save, and each layout kept to load or delete."""
        from widgets.placement import layout_names

        menu = self.layouts_menu
        menu.clear()
        save = menu.addAction(self.tr("&Save layout…"))
        save.triggered.connect(self._ask_layout_name)
        names = layout_names(self.settings)
        if names:
            menu.addSeparator()
        for name in names:
            action = menu.addAction(self.tr("Load “{0}”").format(isolate(name, 60)))
            action.triggered.connect(lambda _=False, n=name: self.load_named_layout(n))
        if names:
            delete = menu.addMenu(self.tr("&Delete layout"))
            for name in names:
                action = delete.addAction(isolate(name, 60))
                action.triggered.connect(lambda _=False, n=name: self.delete_named_layout(n))

    def _ask_layout_name(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        name, ok = QInputDialog.getText(self, self.tr("Save layout"), self.tr("Layout name:"))
        if ok and name.strip():
            self.save_named_layout(name)

    def save_named_layout(self, name: str) -> None:
        """Keep this window's geometry and docks as the layout ``name``."""
        from widgets.placement import save_named_layout

        save_named_layout(self.settings, name, self, self.dock_host)
        self.statusBar().showMessage(
            self.tr("Layout “{0}” saved").format(isolate(name.strip(), 60)), 5_000)

    def load_named_layout(self, name: str) -> bool:
        """Bring back the layout ``name``; False (and a status message) when there is none."""
        from widgets.placement import load_named_layout

        found = load_named_layout(self.settings, name, self, self.dock_host)
        if found and self.isVisible():
            self.settle()
        if not found:
            self.statusBar().showMessage(
                self.tr("No layout named “{0}”").format(isolate(name, 60)), 5_000)
        return found

    def delete_named_layout(self, name: str) -> bool:
        from widgets.placement import delete_named_layout

        return delete_named_layout(self.settings, name)

    def enter_wall_mode(self, views: Any = None, screens: Any = None,
                        rotate_s: float = 0.0) -> Any:
        """View → Wall mode: the chosen views full screen on the chosen monitors (the
        choice last made, else the rack map, power and alarms over every screen); Esc
        brings them back. The :class:`widgets.wall.Wall`, or None when already in it."""
        from widgets.wall import Wall, WallError, wall_choice

        if getattr(self, "wall", None) is not None:
            return None
        self.build_deferred()  # every view there is to show
        views, screens, rotate_s = wall_choice(self.settings, views, screens, rotate_s)
        try:
            self.wall = Wall(self, views, screens, rotate_s, leave_on_escape=True)
        except WallError as exc:
            self.statusBar().showMessage(self.tr("Wall mode: {0}").format(exc), 10_000)
            return None
        self.wall.left.connect(self._wall_left)
        self.wall.show()
        return self.wall

    def _wall_left(self) -> None:
        self.wall = None

    def choose_wall_mode(self) -> Any:
        """View → Wall mode…: which views on which monitors, and the rotation, then the
        wall (None when cancelled)."""
        from widgets.wall import WallDialog

        self.build_deferred()  # every view there is to choose
        dialog = WallDialog(self.settings, list(self.views), self)
        if dialog.exec() != WallDialog.DialogCode.Accepted:
            return None
        return self.enter_wall_mode(*dialog.choice())

    def export_handover(self) -> Any:
        """File → Export handover: the pack from the cache when there is one (the window's
        mode says which and at what time); None when this window exports nothing."""
        if self.export_dialog is None:
            return None
        self.build_deferred()  # every view the pack shows
        collect, live = self.mode.export_collect(self)
        if collect is None:
            return self.export_dialog(self, live=live)
        return self.export_dialog(self, collect, live=live)

    def hand_over_shift(self) -> Any:
        """File → Hand over shift: the checklist and both names, the handover journaled,
        then the pack of the shift exported (:mod:`widgets.handover_dialog`); the handover,
        or None when cancelled."""
        from widgets.handover_dialog import open_handover_dialog

        self.build_deferred()  # the pack it exports shows every view
        return open_handover_dialog(self)

    def _choose_cache(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getOpenFileName(
            self, "Open cache for review", "", "Console cache (*.db);;All files (*)"
        )
        if path:
            self.open_review(path)

    def open_review(self, path: str) -> MainWindow | None:
        """Open a review window over a cache file next to this one (None: this window
        opens none)."""
        if self.review_opener is None:
            return None
        window = self.review_opener(path, self.settings)
        self._review_windows = [w for w in getattr(self, "_review_windows", []) if w.isVisible()]
        self._review_windows.append(window)
        window.show()
        return window

    def show_data_sources(self) -> Any:
        """Help → Data sources: what the window's source delivers (checked on a worker)."""
        from widgets.data_sources import open_data_sources

        return open_data_sources(self)

    def _about(self) -> None:
        QMessageBox.about(
            self,
            "Hub Operations Console",
            "Hub Operations Console\nControl-room console of the Tétouan AI hub:\n"
            "rack map, GPU health, power against renewable supply, job queue and alarms.",
        )

    def stop(self) -> None:
        """Stop the feed and every view timer (idempotent)."""
        self._age_timer.stop()
        self.mode.stop()
        if self.feed is not None:
            self.feed.stop()
        for view in [self.summary, *self.views.values()]:
            view.stop()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt name
        for window in getattr(self, "_review_windows", []):
            window.close()
        if self.mode.saves_layout:
            self.save_layout()
        self.stop()
        self.closing.emit()
        super().closeEvent(event)
