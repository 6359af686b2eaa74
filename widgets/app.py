"""Building the application and the live console window from settings."""

from __future__ import annotations

import sys
from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from console.settings import APP_NAME, ORG_NAME, Settings
from console.urls import SOURCES_JOINED
from resources import theme_qss


def quicker_feature_check() -> None:
    """PySide6 reads the source of each module imported after it through
    ``inspect.getsource``, to see whether it names PySide6 (for its ``__feature__``
    switches): over half a millisecond a module, a tenth of a second of a console's start.
    The same question asked of the module file's bytes takes a twentieth of that; a
    module with no source file is still asked PySide6's way. Idempotent; nothing without
    PySide6's hook."""
    feature = sys.modules.get("shibokensupport.feature")
    slow = getattr(feature, "_mod_uses_pyside", None)
    if slow is None or getattr(slow, "quicker", False):
        return

    def uses_pyside(module: Any) -> bool:
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(".py"):
            try:
                with open(path, "rb") as source:
                    return b"PySide6" in source.read()
            except OSError:
                pass
        return bool(slow(module))

    uses_pyside.quicker = True  # type: ignore[attr-defined]
    feature._mod_uses_pyside = uses_pyside  # type: ignore[union-attr]


quicker_feature_check()  # before the widgets' modules are imported


def make_app() -> QApplication:
    """The one QApplication, named before any QSettings is made, with the theme."""
    app = QApplication.instance()
    if app is None:
        from widgets.placement import scale_environment

        scale_environment()  # a 4K screen that gives no DPI: scaled (widgets.placement)
        app = QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setOrganizationName(ORG_NAME)
    app.setApplicationName(APP_NAME)
    app.setStyleSheet(theme_qss())
    return app


def _open_export_dialog(*args: Any, **kwargs: Any) -> Any:
    """File → Export handover: the dialog's modules imported when first opened."""
    from widgets.export_dialog import open_export_dialog

    return open_export_dialog(*args, **kwargs)


def _open_review_window(*args: Any, **kwargs: Any) -> Any:
    """File → Open cache for review: the review's modules imported when first opened."""
    from widgets.review import open_review_window

    return open_review_window(*args, **kwargs)


DEFERRED_VIEWS = ("gpus", "power", "maintenance", "alarms", "jobs", "log", "steering", "tenants",
                  "idle")
"""Views a console starting up does not build before its first frame: the GPU health list
(its tables, filters and their first use of Qt's item views: about a tenth of a second),
the power chart (pyqtgraph with it: about a third of a second) and the views whose docks
start behind another's tab, each with its modules. :data:`SHOWN_AFTER_FIRST_FRAME` says
which of them are built after it even when their dock shows at first (the others are
built before it then)."""

SHOWN_AFTER_FIRST_FRAME = ("gpus", "power")
"""Deferred views built right after the first frame even when their dock shows in it
("Opening…" until then), one per turn of the event loop in this order. The first frame's
news is the recorded floor on the rack map, marked stale with its age; before the source's
first answer the GPU list has no unhealthy GPU to show (only the halls' GPU totals)."""


def live_window(settings: Settings, url: str, qsettings: QSettings | None = None,
                defer: tuple[str, ...] = ()) -> Any:
    """A main window fed live from ``url``, with the cache and alarms the settings ask for.

    The feed is not started: call ``window.feed.start()`` once the window is shown.
    ``defer``: views left for ``window.build_deferred()`` (e.g. :data:`DEFERRED_VIEWS`).
    ValueError for an ``[alarms]`` table that cannot be used.
    """
    from console.alarms.rules import AlarmConfig
    from console.settings import make_source as source_for
    from widgets.live import LiveFeed
    from widgets.main_window import MainWindow

    alarm_config = AlarmConfig.from_dict(settings.alarms)

    def make_source() -> Any:
        return source_for(settings, url)

    backends = [u for u in (settings.prometheus.get("url"), settings.slurm.get("url")) if u]
    label = SOURCES_JOINED.join(str(u) for u in backends) if backends else url

    def make_cache() -> Any:
        from console.cache import Cache, RetentionPolicy

        cache = Cache.open(
            settings.cache_path,
            max_bytes=int(settings.cache_max_mb * 2**20),
            retention=RetentionPolicy(raw_hours=settings.cache_raw_hours),
            checked=False,  # every page read on a thread once polls run (LiveSession)
        )
        cache.set_source(label)  # whose site it holds (the next start shows it only for it)
        return cache

    def make_alarms(cache: Any) -> Any:
        from console.alarms.service import AlarmService  # on the feed's thread, as it begins

        return AlarmService(alarm_config, cache=cache)

    cache_factory = make_cache if settings.cache_path is not None else None
    feed = LiveFeed(make_source, cache_factory, settings.poll, alarm_factory=make_alarms)
    window = MainWindow(label, feed=feed, intervals=settings.poll, settings=qsettings,
                        export_dialog=_open_export_dialog, review_opener=_open_review_window,
                        defer=defer)
    window.source_factory = make_source  # Help → Data sources checks a source of its own

    def steering_policy(steering: Any) -> None:
        from console.carbon import configured_intensity
        from console.steering import SteeringPolicy

        steering.set_policy(SteeringPolicy.from_dict(settings.steering),
                            configured_intensity(settings.carbon))

    def idle_rule(idle: Any) -> None:
        from console.energy.idle import IdleRule

        idle.set_rule(IdleRule.from_dict(settings.energy))

    def grid_intensity(tenants: Any) -> None:
        from console.carbon import configured_intensity

        tenants.set_grid_intensity(configured_intensity(settings.carbon))

    # Now for a view built with the window, else when a deferred one is built.
    window.when_built("steering", steering_policy)
    window.when_built("idle", idle_rule)
    window.when_built("tenants", grid_intensity)
    if settings.cache_path is not None:
        window.cache_path = str(settings.cache_path)
    return window


def show_last_recorded(window: Any, settings: Settings) -> bool:
    """Show in ``window`` (from :func:`live_window`, its feed not started) the floor as its
    cache last recorded it from the same source, until the first live answer: True when
    there was one (same source, at most a day old, readable)."""
    if settings.cache_path is None:
        return False
    from console.cache.last import last_recorded

    found = last_recorded(settings.cache_path, window.source_label)  # compared without user info
    if found is None:
        return False
    window.show_recorded(found)
    return True
